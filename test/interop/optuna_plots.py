"""Python Optuna side of the plot parity test (test/unit/plots/optuna-plots.parity.test.ts).

    optuna_plots.py FILE REQUEST_JSON   print Optuna's own plot data as JSON

Opens the journal FILE and answers REQUEST_JSON, one call for every plot the test compares:
  {"rank": [{"study": NAME, "params": [..] | null}, ...],
   "history": [{"studies": [NAME, ...], "error_bar": bool}, ...],
   "edf": [[NAME, ...], ...]}
with what Optuna's private info functions return (`_get_rank_info` and `_get_tick_info`,
`_get_optimization_history_info_list`, `_get_edf_info`), plus the rank colour of 1001 evenly spaced
positions (`_convert_color_idxs_to_scaled_rgb_colors`). Non-finite floats are written as the strings
"inf", "-inf" and "nan" (JSON has no literal for them).
"""
import json
import math
import sys

import numpy as np
import optuna
from optuna.visualization import _edf, _optimization_history, _rank

from optuna_common import open_storage


def plain(v):
    if isinstance(v, np.ndarray):
        return plain(v.tolist())
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    return v


def axis(a):
    return {"name": a.name, "range": list(a.range), "is_log": a.is_log, "is_cat": a.is_cat}


def rank(study, params):
    info = _rank._get_rank_info(study, params, None, "Objective Value")
    panels = [
        [
            {
                "xaxis": axis(p.xaxis),
                "yaxis": axis(p.yaxis),
                "xs": p.xs,
                "ys": p.ys,
                "numbers": [t.number for t in p.trials],
                "zs": p.zs,
                "colors": p.colors,
            }
            for p in row
        ]
        for row in info.sub_plot_infos
    ]
    ticks = _rank._get_tick_info(info.zs) if len(info.zs) > 0 else None
    return {
        "params": info.params,
        "panels": panels,
        "zs": info.zs,
        "ticks": None if ticks is None else {"at": ticks.coloridxs, "text": ticks.text},
    }


def history(studies, error_bar):
    out = []
    for info in _optimization_history._get_optimization_history_info_list(
        studies, None, "Objective Value", error_bar
    ):

        def values(v):
            return {"values": v.values, "stds": v.stds, "label": v.label_name, "states": [s.name for s in v.states]}

        out.append(
            {"trial_numbers": info.trial_numbers, "values": values(info.values_info), "best": values(info.best_values_info)}
        )
    return out


def main():
    path, request = sys.argv[1], json.loads(sys.argv[2])
    storage = open_storage(path)

    def load(name):
        return optuna.load_study(study_name=name, storage=storage)

    edfs = []
    for names in request.get("edf", []):
        info = _edf._get_edf_info([load(n) for n in names])
        edfs.append({"x": info.x_values, "lines": [{"name": l.study_name, "y": l.y_values} for l in info.lines]})
    result = {
        "optuna": optuna.__version__,
        "colormap": _rank._convert_color_idxs_to_scaled_rgb_colors(np.linspace(0, 1, 1001)),
        "rank": [rank(load(r["study"]), r["params"]) for r in request.get("rank", [])],
        "history": [history([load(n) for n in h["studies"]], h["error_bar"]) for h in request.get("history", [])],
        "edf": edfs,
    }
    print(json.dumps(plain(result)))


if __name__ == "__main__":
    main()
