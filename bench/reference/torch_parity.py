"""
PyTorch side of the learning-parity benchmark (`npm run bench -- parity`, bench/parity.bench.ts).

Trains the notebook network of torch_reference.py (imported, not copied) on the data sets the
benchmark wrote (bench/parity/data-file.ts: inputs exactly as our adapter builds them, standardized
parameters and condition included) with the training procedure of src/nn/training/, written out here
rather than taken from torch's defaults, because each default differs a little:

- initial weights: Keras' initializers with Keras' fans (src/nn/model/init.ts), zero biases — torch's
  Linear default is Kaiming-uniform with random biases;
- Adam as Keras 3 writes it (src/nn/training/adam.ts): ε added to sqrt(v) before the bias correction
  folded into the step size — torch.optim.Adam adds ε after correcting v;
- per-variable clipping g·c/max(‖g‖, c) — torch's clip_grad_norm_ scales by c/(‖g‖ + 1e-6);
- the warmup-cosine learning rate per step (src/nn/training/schedule.ts);
- x0 ~ N(0, I) and t ~ U(0, 1) per data set, indices reshuffled each epoch, last partial batch kept,
  batch-size-weighted epoch means, a step skipped when its loss is not finite (src/nn/training/fit.ts).

Validation: per epoch with fresh draws (as fit.ts does on our side), and at the end on the fixed
(x0, t) draws from the data file, which our side evaluates too. Posterior draws (Euler, fixed steps,
standardized scale) are written to <out-dir>/torch-draws-seed<s>.f32 for the benchmark to score with
the same diagnostics code as ours. Prints one JSON object on the last stdout line.

Usage: torch_parity.py DATA_FILE OUT_DIR   (TORCH_DEVICE, TORCH_THREADS honoured)
       torch_parity.py --check CHECK_FILE   (bench/parity/check.ts: same weights, one batch, one step)
"""

import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch

sys.dont_write_bytecode = True  # no __pycache__ beside the sources when torch_reference is imported
import torch_reference as ref  # noqa: E402
from keras_init import keras_init_  # noqa: E402


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
        a = np.frombuffer(raw, dtype="<f4", count=n, offset=start + 4 * e["offset"])
        arrays[name] = torch.from_numpy(a.reshape(e["shape"]).astype(np.float32))
    return header, arrays


class KerasAdam:
    """src/nn/training/adam.ts: per-variable clipnorm, then Keras 3's Adam update."""

    def __init__(self, params, beta1, beta2, eps, clip):
        self.params = list(params)
        self.b1, self.b2, self.eps, self.clip = beta1, beta2, eps, clip
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.t = 0

    @torch.no_grad()
    def step(self, lr):
        self.t += 1
        alpha = lr * math.sqrt(1 - self.b2**self.t) / (1 - self.b1**self.t)
        for p, m, v in zip(self.params, self.m, self.v):
            g = p.grad
            if self.clip is not None:
                g = g * (self.clip / torch.clamp(torch.linalg.vector_norm(g), min=self.clip))
            m.add_((g - m) * (1 - self.b1))
            v.add_((g * g - v) * (1 - self.b2))
            p.sub_(alpha * m / (torch.sqrt(v) + self.eps))


def learning_rate(step, lr0, total, warmup_fraction, start_factor):
    warmup = math.floor(warmup_fraction * total)
    decay = total - warmup
    if step < warmup:
        start = start_factor * lr0
        return start + (lr0 - start) * (step / warmup)
    return lr0 * 0.5 * (1 + math.cos(math.pi * min(step - warmup, decay) / decay))


def flow_loss(model, x1, trials, cond, x0, t):
    """The loss of torch_reference.Approximator.loss with the draws passed in (fixed for validation)."""
    c = torch.cat([cond, model.summary(trials)], dim=-1)
    xt = t * x1 + (1 - t) * x0
    return ((model.velocity(xt, t, c) - (x1 - x0)) ** 2).mean()


@torch.no_grad()
def mean_loss(model, sets, batch_size, x0, t):
    """Batch-size-weighted mean over batches in data order (fit.ts validationLoss), dropout off."""
    x1, trials, cond = sets
    n, total = x1.shape[0], 0.0
    for a in range(0, n, batch_size):
        b = min(n, a + batch_size)
        total += float(flow_loss(model, x1[a:b], trials[a:b], cond[a:b], x0[a:b], t[a:b])) * (b - a)
    return total / n


def run_seed(seed, hp, train, val, fixed, dev, out_dir, draws, steps):
    torch.manual_seed(seed)
    model = ref.Approximator(d=train[0].shape[1], e=hp["embedDim"], summary_dim=hp["summaryDim"], num_seeds=hp["numSeeds"], dropout=hp["dropout"]).to(dev)
    keras_init_(model)
    opt = KerasAdam(model.parameters(), hp["beta1"], hp["beta2"], hp["epsilon"], hp["clipNorm"])
    n, bs, epochs = train[0].shape[0], hp["batchSize"], hp["epochs"]
    num_batches = math.ceil(n / bs)
    total = epochs * num_batches
    history, step, train_s = [], 0, 0.0
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(n)
        s, t0 = 0.0, time.perf_counter()
        for b in range(num_batches):
            rows = order[b * bs : (b + 1) * bs].to(dev)
            x1, trials, cond = (a[rows] for a in train)
            x0 = torch.randn_like(x1)
            t = torch.rand(x1.shape[0], 1, device=dev)
            for p in model.parameters():
                p.grad = None
            loss = flow_loss(model, x1, trials, cond, x0, t)
            loss.backward()
            value = float(loss)
            if math.isfinite(value):
                opt.step(learning_rate(step, hp["lr"], total, hp["warmupFraction"], hp["warmupStartFactor"]))
            s += value * x1.shape[0]
            step += 1
        train_s += time.perf_counter() - t0
        model.eval()
        vx1 = val[0]
        val_loss = mean_loss(model, val, bs, torch.randn_like(vx1), torch.rand(vx1.shape[0], 1, device=dev))
        history.append({"loss": s / n, "valLoss": val_loss})
        print(f"torch seed {seed} epoch {epoch + 1}/{epochs}: loss {s / n:.4f}, val_loss {val_loss:.4f}", file=sys.stderr, flush=True)
    model.eval()
    reps = fixed[0].shape[0]
    fixed_loss = sum(mean_loss(model, val, bs, fixed[0][k], fixed[1][k]) for k in range(reps)) / reps
    # Posterior draws in chunks of data sets (rows = sets × draws stay ≤ 65,536, as sample.ts).
    x1v, trials_v, cond_v = val
    chunk = max(1, 65536 // draws)
    parts = []
    t0 = time.perf_counter()
    for a in range(0, x1v.shape[0], chunk):
        z = model.sample(trials_v[a : a + chunk], cond_v[a : a + chunk], draws, steps)
        parts.append(z.reshape(-1, draws, z.shape[-1]).cpu())
    sampling_s = time.perf_counter() - t0
    path = os.path.join(out_dir, f"torch-draws-seed{seed}.f32")
    torch.cat(parts).numpy().astype("<f4").tofile(path)
    print(f"torch seed {seed}: final val loss {fixed_loss:.4f} (draws in {path})", file=sys.stderr, flush=True)
    return {
        "seed": seed,
        "epochs": history,
        "finalValLoss": fixed_loss,
        "msPerStep": 1000 * train_s / step,
        "samplingS": sampling_s,
        "drawsFile": path,
    }


def torch_params_in_our_order(model, names):
    """Our weight names (summary/sab_0/mab/…/kernel, in creation order) ↔ torch parameters.

    Both lists follow the forward pass, except that torch lists the PMA seeds (a parameter of the
    SetTransformer itself) first and ours lists them with the PMA block."""
    seeds_name = "summary/pma/seeds"
    rest = [(n, p) for n, p in model.named_parameters() if n != "summary.seeds"]
    ours = [n for n in names if n != seeds_name]
    if len(rest) != len(ours):
        raise SystemExit(f"check: {len(ours)} weights of ours vs {len(rest)} torch parameters")
    mapping = dict(zip(ours, (p for _, p in rest)))
    mapping[seeds_name] = model.summary.seeds
    return [mapping[n] for n in names]


def check(path):
    """--check: same weights, same batch, no dropout: loss, gradient norms, loss after one Adam step."""
    header, a = read_data(path)
    hp = header["hyperparameters"]
    model = ref.Approximator(d=a["x1"].shape[1], e=hp["embedDim"], summary_dim=hp["summaryDim"], num_seeds=hp["numSeeds"], dropout=hp["dropout"])
    model.eval()
    names = header["names"]
    params = torch_params_in_our_order(model, names)
    with torch.no_grad():
        for n, p in zip(names, params):
            w = a[f"w:{n}"]
            w = w.t() if n.endswith("/kernel") else w  # our kernels are in × out, torch's weights out × in
            if tuple(w.shape) != tuple(p.shape):
                raise SystemExit(f"check: {n} has shape {tuple(w.shape)}, torch {tuple(p.shape)}")
            p.copy_(w)
    batch = (a["x1"], a["trials"], a["cond"], a["x0"], a["t"])
    loss = flow_loss(model, *batch)
    loss.backward()
    norms = [float(torch.linalg.vector_norm(p.grad)) for p in params]
    opt = KerasAdam(params, hp["beta1"], hp["beta2"], hp["epsilon"], hp["clipNorm"])
    opt.step(hp["lr"])
    with torch.no_grad():
        after = float(flow_loss(model, *batch))
    print(json.dumps({"loss": float(loss), "gradNorms": norms, "lossAfterStep": after}))


def main():
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "1")))
    # Subnormal floats (softmax's exp() of strongly negative scores, once attention sharpens) are far
    # slower on x86, and torch steps here slowed from 0.13 s to seconds over a run — on a shared
    # machine, so how much is subnormals is not measured. Flushing them changes values below 1.2e-38.
    torch.set_flush_denormal(True)
    if sys.argv[1] == "--check":
        return check(sys.argv[2])
    data_path, out_dir = sys.argv[1], sys.argv[2]
    dev = ref.DEVICE
    header, a = read_data(data_path)
    hp = header["hyperparameters"]
    train = tuple(a[k].to(dev) for k in ("train_x1", "train_trials", "train_cond"))
    val = tuple(a[k].to(dev) for k in ("val_x1", "val_trials", "val_cond"))
    fixed = (a["val_x0"].to(dev), a["val_t"].to(dev))
    probe = ref.Approximator(d=train[0].shape[1], e=hp["embedDim"], summary_dim=hp["summaryDim"], num_seeds=hp["numSeeds"], dropout=hp["dropout"])
    params = sum(p.numel() for p in probe.parameters())
    runs = [run_seed(s, hp, train, val, fixed, dev, out_dir, header["posteriorDraws"], header["integrationSteps"]) for s in header["seeds"]]
    print(json.dumps({"torch": torch.__version__, "device": str(dev), "threads": torch.get_num_threads(), "parameters": params, "runs": runs}))


if __name__ == "__main__":
    sys.exit(main())
