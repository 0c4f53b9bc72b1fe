/**
 * The failover part of `study.py`: a worker killed by Slurm (time limit, preemption, `scancel`, SIGKILL)
 * cannot finish its trial, so the trial would stay RUNNING forever — counted towards --total-trials, a
 * "running" trial for constant_liar, copied as running by --export-journal. Optuna's heartbeat handles it:
 * every running trial's worker records a heartbeat every --heartbeat-interval seconds from a thread, and a
 * worker starting a trial first marks each RUNNING trial silent for longer than --grace-period FAIL and
 * queues it again (WAITING, same parameters) through Optuna's retry callback, which records the failed
 * trial's number in the new trial's system attributes "failed_trial" and "retry_history".
 *
 * RDBStorage has the heartbeat built in (its own table and the server's clock). JournalStorage has none in
 * Optuna 3.1 to 5.0, so `HeartbeatJournalStorage` adds it: the heartbeat is a trial system attribute (the
 * worker's wall clock, so nodes need synchronized clocks, as on any cluster with NTP), and Optuna's own
 * optimize loop, `fail_stale_trials` and retry callback then work on the journal as on an RDB.
 */

/** Python definitions used by open_storage, parse_args, stop_at_total and main (study-py.ts). */
export function failoverPy(): string {
  return `# Failover for killed workers (README.md, "Killed workers"): heartbeat defaults for Slurm. A trial whose worker
# was silent for GRACE_PERIOD_S is taken as dead; it must exceed the longest pause of a live worker's heartbeat
# thread (a slow shared file system, a busy node).
HEARTBEAT_INTERVAL_S = 60
GRACE_PERIOD_S = 300
MAX_RETRY = 3
# The journal's heartbeat: a trial system attribute with the worker's time.time().
HEARTBEAT_ATTR = "heartbeat"
# Optuna 3.x raised RuntimeError where 4.x raises its subclass UpdateFinishedTrialError.
FinishedTrialError = getattr(optuna.exceptions, "UpdateFinishedTrialError", RuntimeError)


@dataclass(frozen=True)
class Failover:
    heartbeat_interval: int
    grace_period: int
    max_retry: int


def add_failover_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--heartbeat-interval",
        type=int,
        default=HEARTBEAT_INTERVAL_S,
        metavar="S",
        help="seconds between the heartbeats a worker records for its running trial; 0 turns failover off "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--grace-period",
        type=int,
        default=GRACE_PERIOD_S,
        metavar="S",
        help="a RUNNING trial without a heartbeat for this long belongs to a killed worker: it is marked FAIL "
        "and queued again with the same parameters (default: %(default)s)",
    )
    parser.add_argument(
        "--max-retry",
        type=int,
        default=MAX_RETRY,
        metavar="N",
        help="how often one killed trial is queued again (default: %(default)s)",
    )


def failover_settings(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Failover | None:
    if args.heartbeat_interval < 0 or args.max_retry < 0:
        parser.error("--heartbeat-interval and --max-retry must not be negative")
    if args.heartbeat_interval == 0:
        return None
    if args.grace_period <= args.heartbeat_interval:
        parser.error(
            f"--grace-period ({args.grace_period} s) must be longer than --heartbeat-interval "
            f"({args.heartbeat_interval} s), or every live trial would look dead"
        )
    return Failover(args.heartbeat_interval, args.grace_period, args.max_retry)


def retry_callback(failover: Failover) -> Callable[[optuna.Study, optuna.trial.FrozenTrial], None]:
    """Optuna's retry callback (renamed RetryHeartbeatStaleTrialCallback in 4.9): the failed trial again as
    WAITING, same parameters, its number in system_attrs "failed_trial" (the first) and "retry_history"."""
    retry_class = getattr(optuna.storages, "RetryHeartbeatStaleTrialCallback", None)
    retry = (retry_class or optuna.storages.RetryFailedTrialCallback)(max_retry=failover.max_retry)

    def callback(study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        # The dead worker's last heartbeat must not travel with the retry: the worker that takes it up could
        # look dead before its own first heartbeat.
        trial.system_attrs.pop(HEARTBEAT_ATTR, None)
        retry(study, trial)

    return callback


def rdb_failover_kwargs(failover: Failover | None) -> dict[str, Any]:
    if failover is None:
        return {}
    import inspect

    parameters = inspect.signature(optuna.storages.RDBStorage.__init__).parameters
    # Optuna 4.9 renamed failed_trial_callback (deprecated since) to heartbeat_stale_trial_callback.
    stale = "heartbeat_stale_trial_callback"
    key = stale if stale in parameters else "failed_trial_callback"
    return {
        "heartbeat_interval": failover.heartbeat_interval,
        "grace_period": failover.grace_period,
        key: retry_callback(failover),
    }


def journal_storage(backend: Any, failover: Failover | None) -> optuna.storages.BaseStorage:
    if failover is None:
        return optuna.storages.JournalStorage(backend)
    from optuna.storages._heartbeat import BaseHeartbeat

    class HeartbeatJournalStorage(optuna.storages.JournalStorage, BaseHeartbeat):
        """JournalStorage with Optuna's heartbeat interface; the heartbeat is a trial system attribute."""

        def __init__(self) -> None:
            super().__init__(backend)
            self._stale: set[int] = set()
            self._callback = retry_callback(failover)

        def record_heartbeat(self, trial_id: int) -> None:
            try:
                self.set_trial_system_attr(trial_id, HEARTBEAT_ATTR, time.time())
            except FinishedTrialError:
                pass  # another worker took this trial for dead; Optuna's tell reports it

        def _get_stale_trial_ids(self, study_id: int) -> list[int]:
            now = time.time()
            running = self.get_all_trials(study_id, deepcopy=False, states=(optuna.trial.TrialState.RUNNING,))
            # A trial without any heartbeat is left alone, as on an RDB (a worker without failover runs it).
            self._stale = {
                t._trial_id
                for t in running
                if HEARTBEAT_ATTR in t.system_attrs and now - t.system_attrs[HEARTBEAT_ATTR] > failover.grace_period
            }
            return sorted(self._stale)

        def set_trial_state_values(self, trial_id: int, state: Any, values: Any = None) -> bool:
            if trial_id not in self._stale:
                return super().set_trial_state_values(trial_id, state, values)
            self._stale.discard(trial_id)
            try:
                return super().set_trial_state_values(trial_id, state, values)
            except FinishedTrialError:
                # Another worker failed the same stale trial first (and queued its retry): not ours to retry.
                return False

        def get_heartbeat_interval(self) -> int | None:
            return failover.heartbeat_interval

        def get_heartbeat_stale_trial_callback(self) -> Callable[[optuna.Study, optuna.trial.FrozenTrial], None]:
            return self._callback

        def get_failed_trial_callback(self) -> Callable[[optuna.Study, optuna.trial.FrozenTrial], None]:
            return self._callback  # the name Optuna < 4.9 asks for

    return HeartbeatJournalStorage()


def sweep_stale_trials(storage: optuna.storages.BaseStorage, name: str) -> None:
    """Marks the RUNNING trials of killed workers FAIL and queues them again (Optuna does it before every trial
    of study.optimize; this is for the start and for --export-journal)."""
    from optuna.storages._heartbeat import is_heartbeat_enabled

    study = optuna.load_study(study_name=name, storage=storage)
    if is_heartbeat_enabled(study._storage):
        optuna.storages.fail_stale_trials(study)


def counted_trials(study: optuna.Study) -> int:
    """Trials that count towards --total-trials: all but the failed ones a retry replaced, so a killed trial and
    its retry count once, and the configurations rejected over the budget (never trained). Live RUNNING trials
    and queued (WAITING) ones count."""
    trials = study.get_trials(deepcopy=False)
    replaced = {t.system_attrs["retry_history"][-1] for t in trials if t.system_attrs.get("retry_history")}
    rejected = {t.number for t in trials if t.state == optuna.trial.TrialState.PRUNED and "over_budget" in t.user_attrs}
    return sum(1 for t in trials if t.number not in replaced and t.number not in rejected)


def total_reached(study: optuna.Study, total: int) -> bool:
    """At the total, and no queued trial (a retry, an enqueued trial) left to run."""
    waiting = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.WAITING,))
    return counted_trials(study) >= total and not waiting


def record_worker(objective: Callable[[optuna.Trial], float]) -> Callable[[optuna.Trial], float]:
    """Records which worker runs a trial (user attribute "worker": host, process, Slurm job), so that a trial's
    log is found, and a retried trial says where it ran last."""
    import socket

    job = os.environ.get("SLURM_JOB_ID")
    task = os.environ.get("SLURM_ARRAY_TASK_ID")
    worker = f"{socket.gethostname()}:{os.getpid()}"
    if job is not None:
        worker += f" slurm {job}" + (f"_{task}" if task is not None else "")

    def wrapped(trial: optuna.Trial) -> float:
        trial.set_user_attr("worker", worker)
        return objective(trial)

    return wrapped`;
}

/** The folder README's section on killed workers (readme.ts). */
export function failoverReadme(): string {
  return `## Killed workers

A worker killed by Slurm (time limit, preemption, \`scancel\`) or by anything else cannot finish its trial. Every
worker records a heartbeat for its running trial (\`--heartbeat-interval\`, default 60 s); a worker starting a trial,
a worker starting up and \`--export-journal\` mark each RUNNING trial silent for longer than \`--grace-period\`
(default 300 s) FAIL and queue it again with the same parameters (Optuna's heartbeat and retry callback; on a
journal file the heartbeat is a trial system attribute, so the nodes' clocks must agree, as NTP keeps them). The
retry records the failed trial's number in its system attributes \`failed_trial\` and \`retry_history\`; a trial is
queued again at most \`--max-retry\` times (default 3). A killed trial and its retry count once towards
\`--total-trials\`; a trial a live worker runs is never taken for dead unless its heartbeat stops for the whole grace
period, so keep \`--grace-period\` well above the interval on a slow shared file system. \`--heartbeat-interval 0\`
turns this off. A trial whose objective raised an error is not retried; only a silent worker's is.
`;
}
