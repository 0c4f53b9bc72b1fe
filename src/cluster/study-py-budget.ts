/**
 * study.py's budget check (docs/study-config.md, `budget`): the app's count of a sampled network's
 * trainable parameters (src/nn/model/parameter-count.ts) and the micro-batch planner's wasm estimate of
 * one training pass (src/nn/training/pass-bytes.ts), written out in Python with the same constants, so a
 * worker rejects exactly the configurations the browser rejects — before training, as a PRUNED trial
 * with Optuna 5 constraints, not counted towards the total (study-py-failover.ts `counted_trials`).
 */
import { budgetModel, toDmcConfig, type StudyConfig } from '../study-config/index.ts';
import { pyFloat, pyOptionalFloat } from './python.ts';
import type { ClusterOptions } from './types.ts';

/** The constants the budget functions read, for the constants block at the top of study.py. */
export function budgetConstants(c: StudyConfig, opts: ClusterOptions): string {
  const m = budgetModel();
  const dmc = toDmcConfig(c);
  const maxParams = c.budget?.maxParams ?? null;
  return `# The study's budget (None: no limit): a configuration over it is not trained (check_budget).
MAX_PARAMS: int | None = ${maxParams === null ? 'None' : String(maxParams)}
MAX_MEMORY_MB: float | None = ${pyOptionalFloat(c.budget?.maxMemoryMB ?? null)}
# The app's network family and largest trial count, which the budget judges a configuration by.
BUDGET_NET = {"heads": ${m.heads}, "mlp": [${m.mlp.join(', ')}], "blocks": ${m.blocks}, "flow": [${m.flow.join(', ')}]}
BUDGET_EMBED: int | None = ${opts.network === 'reference' ? m.referenceEmbed : 'None'}
BUDGET_MAX_OBS = ${dmc.fixedNumObs ?? dmc.maxNumObs}
# The micro-batch planner's wasm fit of a training pass's bytes (src/nn/training/pass-bytes.ts).
BUDGET_FIT = {"score": ${pyFloat(m.fit.perScore)}, "trial_embed": ${pyFloat(m.fit.perTrialEmbed)}, "trial": ${pyFloat(m.fit.perTrial)}, "set": ${pyFloat(m.fit.perSet)}}
BUDGET_FIXED = {"base": ${pyFloat(m.fixed.base)}, "embed": ${pyFloat(m.fixed.perEmbed)}}`;
}

/** The budget functions (after the Hyperparameters dataclass). */
export function budgetBlock(): string {
  return `def network_parameter_count(h: Hyperparameters) -> int:
    """Trainable parameters of the trial's network, as the app counts them (SetTransformer with SABs, PMA and the
    summary Dense; FlowMatching's residual MLP and output)."""
    e = BUDGET_EMBED or h.embed_dim
    heads, mlp = BUDGET_NET["heads"], BUDGET_NET["mlp"]

    def dense(i: int, o: int) -> int:
        return i * o + o

    def residual_mlp(i: int, widths: list[int]) -> int:
        total = 0
        for w in widths:
            total += 2 * dense(i, w)  # the Dense and its full projector
            i = w
        return total

    def mab(q: int, k: int) -> int:
        attention = dense(q, heads * e) + 2 * dense(k, heads * e) + dense(heads * e, e)
        return dense(q, e) + attention + 4 * e + residual_mlp(e, mlp) + dense(mlp[-1], e)

    summary, width = 0, 3
    for _ in range(BUDGET_NET["blocks"]):
        summary += mab(width, width)
        width = e
    summary += h.num_seeds * e + residual_mlp(width, mlp) + mab(e, mlp[-1]) + dense(h.num_seeds * e, h.summary_dim)
    p = len(INFERENCE_VARIABLES)
    flow = BUDGET_NET["flow"]
    return summary + residual_mlp(p + 1 + h.summary_dim + 1, flow) + dense(flow[-1], p)


def pass_memory_mb(h: Hyperparameters) -> float:
    """The planner's estimate (wasm figures, unfused attention) of one training pass of a full batch, in MB."""
    e = BUDGET_EMBED or h.embed_dim
    n = BUDGET_MAX_OBS
    blocks = BUDGET_NET["blocks"] / 2
    heads = BUDGET_NET["heads"] / 4
    mlp = sum(BUDGET_NET["mlp"]) / 256
    fit = BUDGET_FIT
    scores = fit["score"] * (BUDGET_NET["heads"] * n * n)
    per_set = blocks * (scores + fit["trial_embed"] * heads * n * e + fit["trial"] * mlp * n) + fit["set"]
    fixed = BUDGET_FIXED["base"] + BUDGET_FIXED["embed"] * e
    return (fixed + per_set * h.batch_size) / 1e6


def mega(x: float) -> str:
    """As the app writes a count: 1.5 M, 12.3 M, 0.50 M."""
    return f"{x / 1e6:#.{3 if x >= 1e7 else 2}g}".rstrip(".") + " M"


def set_constraint(trial: optuna.Trial, name: str, value: float) -> None:
    """Optuna 5's trial.set_constraint; older Optuna gets the same system attribute (its samplers ignore it)."""
    if hasattr(trial, "set_constraint"):
        trial.set_constraint(name, float(value))
    else:
        trial.storage.set_trial_system_attr(trial._trial_id, f"constraints:{name}", float(value))


def check_budget(trial: optuna.Trial, h: Hyperparameters) -> None:
    """Rejects a configuration over the budget before anything is built: PRUNED, with the constraints TPE and
    NSGA-II rank after every feasible trial, and the reason in the user attribute "over_budget"."""
    if MAX_PARAMS is None and MAX_MEMORY_MB is None:
        return
    count = network_parameter_count(h)
    memory = pass_memory_mb(h)
    trial.set_user_attr("parameter_count", count)
    trial.set_user_attr("memory_estimate_mb", round(memory))
    over = []
    if MAX_PARAMS is not None:
        set_constraint(trial, "params", count - MAX_PARAMS)
        if count > MAX_PARAMS:
            over.append(f"{mega(count)} parameters > {mega(MAX_PARAMS)}")
    if MAX_MEMORY_MB is not None:
        set_constraint(trial, "memory", memory - MAX_MEMORY_MB)
        if memory > MAX_MEMORY_MB:
            over.append(f"about {round(memory)} MB per training pass > {round(MAX_MEMORY_MB)} MB")
    if over:
        reason = "over budget: " + "; ".join(over)
        trial.set_user_attr("over_budget", reason)
        raise optuna.TrialPruned(f"Trial {trial.number} not trained, {reason}.")`;
}
