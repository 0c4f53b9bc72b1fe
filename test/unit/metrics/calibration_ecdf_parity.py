"""BayesFlow 2.0.5's own calibration-ECDF functions on inputs from calibration-ecdf.parity.test.ts.

Reads a JSON case file {draws (n×S×P), truths (n×P), band: [{N, M, seed, confidence}]} and writes
{ranks, ecdf: [{x, y}] (difference=True, as calibration_ecdf draws it), bands: [{uniforms, z, lower, upper}]}.
The bands' uniforms are drawn from NumPy's global generator as BayesFlow does, after np.random.seed(seed),
and returned so the project can rerun the band on the very same draws.
"""
import json
import sys

import numpy as np

from bayesflow.utils.ecdf import simultaneous_ecdf_bands
from bayesflow.utils.ecdf.ranks import fractional_ranks


def main(case_path, out_path):
    with open(case_path) as f:
        case = json.load(f)
    draws = np.asarray(case["draws"], dtype=np.float64)
    truths = np.asarray(case["truths"], dtype=np.float64)
    ranks = fractional_ranks(draws, truths)
    ecdf = []
    # The lines exactly as diagnostics/plots/calibration_ecdf.py builds them (difference=True).
    for j in range(ranks.shape[-1]):
        xx = np.repeat(np.sort(ranks[:, j]), 2)
        xx = np.pad(xx, (1, 1), constant_values=(0, 1))
        yy = np.linspace(0, 1, num=xx.shape[-1] // 2)
        yy = np.repeat(yy, 2)
        yy -= xx
        ecdf.append({"x": xx.tolist(), "y": yy.tolist()})
    bands = []
    for b in case["bands"]:
        np.random.seed(b["seed"])
        uniforms = np.random.uniform(size=(b["M"], b["N"]))
        np.random.seed(b["seed"])
        alpha, z, lower, upper = simultaneous_ecdf_bands(
            b["N"], num_simulations=b["M"], confidence=b["confidence"]
        )
        bands.append(
            {
                "alpha": float(alpha),
                "uniforms": uniforms.ravel().tolist(),
                "z": z.tolist(),
                "lower": lower.tolist(),
                "upper": upper.tolist(),
            }
        )
    with open(out_path, "w") as f:
        json.dump({"ranks": ranks.tolist(), "ecdf": ecdf, "bands": bands}, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
