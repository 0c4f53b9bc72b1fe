"""BayesFlow side of the forward-parity test (network-parity.test.ts).

usage: network_parity.py CASES.json OUT.json

For each case: imports the generated study.py of its export folder (so both network variants are built by
the very build_networks the cluster runs), builds a ContinuousApproximator with the study's adapter, runs
the Standardization layers once in the training stage on random data (non-trivial moments), perturbs every
weight (non-zero biases, layer norms away from 1/0), maps it with the folder's dmc_network.py, and computes
with BayesFlow (dropout off): the summary statistics, the flow conditions, the velocity at given (x, t,
c) and posterior draws from given base noise with the fixed-step Euler integrator, un-standardized.
"""

import importlib.util
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402


def load(folder: str, name: str):
    sys.path.insert(0, folder)
    try:
        spec = importlib.util.spec_from_file_location(name, os.path.join(folder, f"{name}.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while the file runs
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(folder)


def run_case(case: dict) -> dict:
    t0 = time.perf_counter()
    study = load(case["folder"], "study")
    mapping = load(case["folder"], "dmc_network")
    bf = study.import_bayesflow()
    keras.utils.set_random_seed(case["seed"])
    rng = np.random.default_rng(case["seed"])
    h = study.Hyperparameters(dropout=case["dropout"], lr=5e-4, num_seeds=case["num_seeds"], batch_size=32, embed_dim=case["embed_dim"], summary_dim=case["summary_dim"])
    summary_network, inference_network = study.build_networks(bf, h)
    names = study.INFERENCE_VARIABLES
    adapter = (
        bf.adapters.Adapter()
        .convert_dtype("float64", "float32")
        .sqrt("num_obs")
        .concatenate(names, into="inference_variables")
        .concatenate(["rt", "accuracy", "conditions"], into="summary_variables")
        .rename("num_obs", "inference_conditions")
    )
    approx = bf.approximators.ContinuousApproximator(
        adapter=adapter, inference_network=inference_network, summary_network=summary_network, standardize=case["standardize"]
    )

    def data(b: int, n: int, num_obs: float) -> dict:
        d = {p: rng.normal(1.0 + j, 0.3 + 0.1 * j, size=(b, 1)) for j, p in enumerate(names)}
        rt = rng.uniform(0.25, 1.2, size=(b, n, 1))
        rt[rng.uniform(size=rt.shape) < 0.03] = -1.0
        d["rt"] = rt
        d["accuracy"] = (rng.uniform(size=(b, n, 1)) < 0.9).astype(np.float64)
        d["conditions"] = (np.arange(n)[None, :, None] >= n // 2).repeat(b, 0).astype(np.float64)
        d["num_obs"] = np.full((b, 1), num_obs)
        return d

    # Moments: the training stage updates the running moments of every standardized key, twice (two batch sizes).
    n = case["num_obs"]
    for b, num_obs in ((16, n), (8, n + 30)):
        adapted = adapter(data(b, n, num_obs), stage="training")
        if not approx.built:
            approx.build_from_data(adapted)
        for key, layer in approx.standardize_layers.items():
            layer(keras.ops.convert_to_tensor(adapted[key]), stage="training")
    def perturb() -> None:
        for v in approx.trainable_variables:
            value = keras.ops.convert_to_numpy(v)
            noise = rng.normal(0.0, 0.1 * (value.std() if value.size > 1 else 0.0) + 0.05, size=value.shape)
            v.assign(value + noise.astype("float32"))

    perturb()
    if case.get("project_file"):
        # The other direction: the project's own initial weights into BayesFlow (what learning parity starts from).
        file = json.load(open(case["project_file"]))
        mapping.load_weights(approx, file)
    else:
        file = mapping.network_file(approx, list(names), {"seed": case["seed"], "study": "parity"})
    # load_weights is the exact inverse of the export: other weights, loaded back, export to the same file.
    perturb()
    mapping.load_weights(approx, file)
    round_trip = mapping.map_weights(approx)[1]
    exact = [w["name"] for w in file["weights"]] == [n for n, _ in round_trip] and all(
        w["data"] == mapping._b64(a) for w, (_, a) in zip(file["weights"], round_trip)
    )

    b, s, k = 3, case["draws"], 4
    raw = data(b, n, n)
    adapted = adapter(raw, strict=False, stage="inference")
    layers = approx.standardize_layers
    sv = keras.ops.convert_to_tensor(adapted["summary_variables"])
    if "summary_variables" in layers:
        sv = layers["summary_variables"](sv)
    summary = approx.summary_network(sv, training=False)
    ic = keras.ops.convert_to_tensor(adapted["inference_conditions"])
    if "inference_conditions" in layers:
        ic = layers["inference_conditions"](ic)
    conditions = keras.ops.concatenate([ic, summary], axis=-1)
    d, c = file["config"]["paramDim"], keras.ops.shape(conditions)[-1]

    x = rng.normal(size=(b * k, d)).astype("float32")
    t = rng.uniform(size=(b * k, 1)).astype("float32")
    c_rep = keras.ops.reshape(keras.ops.repeat(conditions[:, None, :], k, axis=1), (b * k, c))
    velocity = approx.inference_network.velocity(x, t, c_rep, training=False)

    z = rng.normal(size=(b, s, d)).astype("float32")
    c_draws = keras.ops.broadcast_to(conditions[:, None, :], (b, s, c))
    approx.inference_network.integrate_kwargs = {"method": "euler", "steps": case["steps"]}
    draws = approx.inference_network(z, conditions=c_draws, inverse=True, density=False, training=False)
    if "inference_variables" in layers:
        draws = layers["inference_variables"](draws, forward=False)

    saved = None
    if case.get("save_to"):
        # study.py's hook: the COMPLETE trial's file under networks/, with the trial's metrics (row -> parameter -> value).
        import types

        metrics = {row: {n: v for n in names} for row, v in (("NRMSE", 0.1), ("Posterior Contraction", 0.8), ("Calibration Error", 0.02))}
        path = mapping.save_trial_network(
            Path(case["save_to"]), approx, types.SimpleNamespace(number=7), study_name="parity study", param_names=list(names),
            variant="reference" if case["network"] == "reference" else "as-tuned", hyperparameters=vars(h), seed=case["seed"], L=0.5, metrics=metrics,
        )
        saved = str(path.relative_to(case["save_to"]))

    def out(a) -> list:
        return np.asarray(keras.ops.convert_to_numpy(a), dtype=np.float64).reshape(-1).tolist()

    return {
        "name": case["name"],
        "file": file,
        "data": {key: out(raw[key]) for key in ("rt", "accuracy", "conditions")},
        "numObs": n,
        "sets": b,
        "summary": out(summary),
        "conditions": out(conditions),
        "x": out(x),
        "t": out(t),
        "velocity": out(velocity),
        "z": out(z),
        "draws": out(draws),
        "saved": saved,
        "roundTrip": exact,
        "seconds": time.perf_counter() - t0,
    }


def main() -> None:
    cases = json.load(open(sys.argv[1]))
    results = [run_case(c) for c in cases]
    versions = {"bayesflow": __import__("bayesflow").__version__, "keras": keras.__version__, "backend": keras.backend.backend(), "numpy": np.__version__}
    json.dump({"versions": versions, "results": results}, open(sys.argv[2], "w"))


if __name__ == "__main__":
    main()
