"""
BayesFlow 2.0.5 side of the learning-parity benchmark (`npm run bench -- parity`, bench/parity.bench.ts), on the
project's .venv (Keras 3.10, JAX CPU).

BayesFlow itself trains here, not a re-implementation: SetTransformer + FlowMatching built with the same arguments
as the cluster's study.py ("as-tuned": embed_dims (e, e), subnet_kwargs dropout), a ContinuousApproximator fitted
with `fit` on an OfflineDataset (reshuffled every epoch, last partial batch kept). What is made equal to our side:

- data: the benchmark's data file (inputs exactly as our adapter builds them: parameters standardized with our
  fixed moments, trials raw, the condition sqrt(N)), so the approximator runs with standardize=None and no adapter;
- initial weights: our network at each seed (initial-seed<s>.json, written by the benchmark), loaded into the
  Keras variables with the cluster export's own mapping (dmc_network.load_weights, forward parity tested);
- optimizer: explicit keras Adam(β1, β2, ε, clipnorm — per variable in Keras 3) with Keras' CosineDecay set to our
  schedule (src/nn/training/schedule.ts): linear warm-up from warmupStartFactor·lr to lr over floor(warmupFraction
  · total) steps, then cosine to 0 over the rest.
What stays BayesFlow's own: its random draws (x0, t, shuffles, dropout masks). Final validation loss on the data
file's fixed (x0, t) draws, dropout off; posterior draws (Euler, fixed steps, standardized scale) written to
<out-dir>/bayesflow-draws-seed<s>.f32 for the benchmark to score with our diagnostics code.

Usage: bayesflow_parity.py DATA_FILE MODULE_DIR OUT_DIR   (MODULE_DIR holds the generated dmc_network.py)
Prints one JSON object on the last stdout line.
"""

import json
import math
import os
import struct
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402


def read_data(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:4] != b"DMCP":
        raise SystemExit(f"{path}: not a parity data file")
    (h,) = struct.unpack("<I", raw[4:8])
    header = json.loads(raw[8 : 8 + h].decode("utf-8"))
    start = 8 + h
    arrays = {}
    for name, e in header.pop("arrays").items():
        n = int(np.prod(e["shape"]))
        arrays[name] = np.frombuffer(raw, dtype="<f4", count=n, offset=start + 4 * e["offset"]).reshape(e["shape"]).astype(np.float32)
    return header, arrays


def schedule(hp, total):
    warmup = math.floor(hp["warmupFraction"] * total)
    if warmup == 0:
        return keras.optimizers.schedules.CosineDecay(hp["lr"], decay_steps=total, alpha=0.0)
    return keras.optimizers.schedules.CosineDecay(
        hp["warmupStartFactor"] * hp["lr"], decay_steps=total - warmup, alpha=0.0, warmup_target=hp["lr"], warmup_steps=warmup
    )


def build(bf, mapping, hp, a, initial_file):
    summary = bf.networks.SetTransformer(
        summary_dim=hp["summaryDim"], num_seeds=hp["numSeeds"], dropout=hp["dropout"], embed_dims=(hp["embedDim"], hp["embedDim"])
    )
    flow = bf.networks.FlowMatching(subnet_kwargs={"dropout": hp["dropout"]})
    approx = bf.approximators.ContinuousApproximator(adapter=bf.Adapter(), inference_network=flow, summary_network=summary, standardize=None)
    bs = hp["batchSize"]
    approx.build_from_data({"inference_variables": a["train_x1"][:bs], "summary_variables": a["train_trials"][:bs], "inference_conditions": a["train_cond"][:bs]})
    with open(initial_file) as f:
        mapping.load_weights(approx, json.load(f))
    return approx


def conditions(approx, trials, cond):
    return keras.ops.concatenate([keras.ops.convert_to_tensor(cond), approx.summary_network(keras.ops.convert_to_tensor(trials), training=False)], axis=-1)


def fixed_loss(approx, a, bs):
    """Mean over validation sets × fixed draws of the flow-matching loss, dropout off (= our fixedValidationLoss)."""
    x1, trials, cond = a["val_x1"], a["val_trials"], a["val_cond"]
    n = x1.shape[0]
    x0_all, t_all = a["val_x0"], a["val_t"]  # (reps, n, P), (reps, n, 1)
    reps = x0_all.shape[0]
    total = 0.0
    for lo in range(0, n, bs):
        hi = min(n, lo + bs)
        c = conditions(approx, trials[lo:hi], cond[lo:hi])
        for k in range(reps):
            x0, t = x0_all[k, lo:hi], t_all[k, lo:hi]
            xt = t * x1[lo:hi] + (1 - t) * x0
            v = approx.inference_network.velocity(xt, t, c, training=False)
            total += float(keras.ops.sum(keras.ops.mean((v - (x1[lo:hi] - x0)) ** 2, axis=-1)))
    return total / (n * reps)


def draws(approx, a, s, steps, seed):
    trials, cond = a["val_trials"], a["val_cond"]
    n, p = a["val_x1"].shape
    rng = np.random.default_rng(seed)
    approx.inference_network.integrate_kwargs = {"method": "euler", "steps": steps}
    chunk = max(1, 65536 // s)
    parts = []
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        c = conditions(approx, trials[lo:hi], cond[lo:hi])
        c = keras.ops.broadcast_to(c[:, None, :], (hi - lo, s, c.shape[-1]))
        z = rng.standard_normal((hi - lo, s, p)).astype(np.float32)
        parts.append(keras.ops.convert_to_numpy(approx.inference_network(z, conditions=c, inverse=True, training=False)))
    return np.concatenate(parts).astype("<f4")


def run_seed(bf, mapping, seed, hp, header, a, module_dir, out_dir):
    keras.utils.set_random_seed(seed)
    approx = build(bf, mapping, hp, a, os.path.join(out_dir, f"initial-seed{seed}.json"))
    initial = fixed_loss(approx, a, hp["batchSize"])  # before training: equal to ours on the same weights
    n, bs, epochs = a["train_x1"].shape[0], hp["batchSize"], hp["epochs"]
    total = epochs * math.ceil(n / bs)
    approx.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule(hp, total), beta_1=hp["beta1"], beta_2=hp["beta2"], epsilon=hp["epsilon"], clipnorm=hp["clipNorm"]))
    data = {"inference_variables": a["train_x1"], "summary_variables": a["train_trials"], "inference_conditions": a["train_cond"]}
    val = {"inference_variables": a["val_x1"], "summary_variables": a["val_trials"], "inference_conditions": a["val_cond"]}
    t0 = time.perf_counter()
    history = approx.fit(
        dataset=bf.datasets.OfflineDataset(data, batch_size=bs, adapter=None),
        validation_data=bf.datasets.OfflineDataset(val, batch_size=bs, adapter=None, stage="validation", shuffle=False),
        epochs=epochs,
        verbose=0,
    ).history
    train_s = time.perf_counter() - t0
    loss = fixed_loss(approx, a, bs)
    t0 = time.perf_counter()
    out = draws(approx, a, header["posteriorDraws"], header["integrationSteps"], seed)
    sampling_s = time.perf_counter() - t0
    path = os.path.join(out_dir, f"bayesflow-draws-seed{seed}.f32")
    out.tofile(path)
    print(f"bayesflow seed {seed}: final val loss {loss:.4f} ({1000 * train_s / total:.0f} ms/step)", file=sys.stderr, flush=True)
    return {
        "seed": seed,
        "epochs": [{"loss": float(l), "valLoss": float(v)} for l, v in zip(history["loss"], history.get("val_loss", history["loss"]))],
        "initialValLoss": initial,
        "finalValLoss": loss,
        "msPerStep": 1000 * train_s / total,
        "samplingS": sampling_s,
        "drawsFile": path,
        "parameters": int(sum(np.prod(v.shape) for v in approx.trainable_variables)),
    }


def main():
    data_path, module_dir, out_dir = sys.argv[1:4]
    sys.path.insert(0, module_dir)
    import bayesflow as bf
    import dmc_network as mapping

    header, a = read_data(data_path)
    hp = header["hyperparameters"]
    runs = [run_seed(bf, mapping, s, hp, header, a, module_dir, out_dir) for s in header["seeds"]]
    versions = {"bayesflow": bf.__version__, "keras": keras.__version__, "backend": keras.backend.backend()}
    print(json.dumps({"versions": versions, "parameters": runs[0]["parameters"], "runs": runs}))


if __name__ == "__main__":
    sys.exit(main())
