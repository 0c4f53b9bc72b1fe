"""Proves .venv works: prints, as one JSON line, the versions the modules themselves report, every
installed distribution (to compare with the lock), and the loss of one tiny BayesFlow training epoch
(FlowMatching + SetTransformer on CPU) plus the shape of posterior draws from it.
Run by test/unit/scripts/python-env.test.ts with .venv/bin/python and KERAS_BACKEND=jax."""
import importlib.metadata as md
import json
import sys
import time

t0 = time.time()
import bayesflow as bf  # noqa: E402  (imported after t0: the import itself is part of the cost)
import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import optuna  # noqa: E402
import optuna_dashboard  # noqa: E402
import psycopg2  # noqa: E402
import pytest  # noqa: E402

imported_s = time.time() - t0

rng = np.random.default_rng(0)
n_sets, n_obs = 16, 10
theta = rng.normal(size=(n_sets, 2)).astype("float32")
x = (theta[:, None, :] + rng.normal(size=(n_sets, n_obs, 2))).astype("float32")
adapter = (
    bf.Adapter()
    .convert_dtype("float64", "float32")
    .concatenate(["theta"], into="inference_variables")
    .rename("x", "summary_variables")
)
approximator = bf.ContinuousApproximator(
    adapter=adapter,
    inference_network=bf.networks.FlowMatching(subnet_kwargs={"widths": (16, 16)}),
    summary_network=bf.networks.SetTransformer(summary_dim=4, embed_dims=(8, 8), mlp_widths=(8, 8), num_heads=(1, 1)),
)
approximator.compile(optimizer=keras.optimizers.Adam(1e-3))
history = approximator.fit(
    dataset=bf.OfflineDataset({"theta": theta, "x": x}, batch_size=8, adapter=adapter), epochs=1, verbose=0
)
draws = approximator.sample(conditions={"x": x[:2]}, num_samples=5)

print(
    json.dumps(
        {
            "python": list(sys.version_info[:3]),
            "modules": {
                "bayesflow": bf.__version__,
                "keras": keras.__version__,
                "jax": jax.__version__,
                "numpy": np.__version__,
                "optuna": optuna.__version__,
                "optuna_dashboard": optuna_dashboard.__version__,
                "psycopg2": psycopg2.__version__.split(" ")[0],
                "pytest": pytest.__version__,
            },
            "backend": keras.backend.backend(),
            "jax_devices": [d.platform for d in jax.devices()],
            "installed": {d.metadata["Name"].lower().replace("_", "-"): d.version for d in md.distributions()},
            "loss": history.history["loss"],
            "draws_shape": list(draws["theta"].shape),
            "imported_s": imported_s,
            "total_s": time.time() - t0,
        }
    )
)
