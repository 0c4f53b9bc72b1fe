"""
Reference timing for `npm run bench -- torch`: the notebook's network written in PyTorch from
docs/design/networks.md (flow matching, Set Transformer, training), timed on the same
machine as the tfjs benchmark (bench/nn.bench.ts). BayesFlow itself (Keras 3 on PyTorch) cannot be
installed here (no PyPI), so this is the closest reference to "BayesFlow on PyTorch on the same
device": the same layers, widths, activations and parameter count (checked against the tfjs network
by bench/torch.bench.ts), PyTorch's own kernels. Like the reference it has no padding mask.

Input values are random with the right shapes: the cost of a step does not depend on them.
Prints one JSON object on stdout. TORCH_DEVICE=cuda times it on a GPU (for the webgpu comparison).
TORCH_THREADS, TORCH_NUM_OBS, TORCH_BATCHES, TORCH_EMBED_DIMS and TORCH_TIMED_STEPS (default 2) pick the run;
each size reports wall ms (msPerStep) and process CPU ms (cpuMsPerStep) per step, the mean of the timed steps.
"""

import json
import math
import os
import sys
import time

import torch
from torch import nn


class ResidualBlock(nn.Module):
    """y = P(x) + act(Dropout(W x)) — docs/design/networks.md#flow-matching, docs/design/networks.md#set-transformer (P is always a full Dense)."""

    def __init__(self, d_in, width, act, dropout):
        super().__init__()
        self.w = nn.Linear(d_in, width)
        self.p = nn.Linear(d_in, width)
        self.drop = nn.Dropout(dropout)
        self.act = act

    def forward(self, x):
        return self.p(x) + self.act(self.drop(self.w(x)))


def mlp(d_in, widths, act, dropout):
    layers, d = [], d_in
    for w in widths:
        layers.append(ResidualBlock(d, w, act, dropout))
        d = w
    return nn.Sequential(*layers)


class MHA(nn.Module):
    """Keras MultiHeadAttention: key_dim = e per head, dropout on the attention probabilities."""

    def __init__(self, dq, dkv, heads, key_dim, out_dim, dropout):
        super().__init__()
        self.h, self.k = heads, key_dim
        self.q = nn.Linear(dq, heads * key_dim)
        self.kp = nn.Linear(dkv, heads * key_dim)
        self.v = nn.Linear(dkv, heads * key_dim)
        self.o = nn.Linear(heads * key_dim, out_dim)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, y):
        b, n, _ = x.shape
        m = y.shape[1]
        q = self.q(x).view(b, n, self.h, self.k).transpose(1, 2)
        k = self.kp(y).view(b, m, self.h, self.k).transpose(1, 2)
        v = self.v(y).view(b, m, self.h, self.k).transpose(1, 2)
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(self.k), dim=-1)
        out = (self.drop(a) @ v).transpose(1, 2).reshape(b, n, self.h * self.k)
        return self.o(out)


class MAB(nn.Module):
    """Post-LN MAB: LN2(h + DenseOut(MLP(h))), h = LN1(DenseIn(X) + MHA(X, Y)), LN eps 1e-3."""

    def __init__(self, dx, dy, e, heads, widths, dropout):
        super().__init__()
        self.dense_in = nn.Linear(dx, e)
        self.mha = MHA(dx, dy, heads, e, e, dropout)
        self.ln1 = nn.LayerNorm(e, eps=1e-3)
        self.mlp = mlp(e, widths, nn.GELU(approximate="none"), dropout)
        self.dense_out = nn.Linear(widths[-1], e)
        self.ln2 = nn.LayerNorm(e, eps=1e-3)

    def forward(self, x, y):
        h = self.ln1(self.dense_in(x) + self.mha(x, y))
        return self.ln2(h + self.dense_out(self.mlp(h)))


class SetTransformer(nn.Module):
    def __init__(self, e, summary_dim, num_seeds, dropout, heads=4, widths=(128, 128)):
        super().__init__()
        self.sab1 = MAB(3, 3, e, heads, widths, dropout)
        self.sab2 = MAB(e, e, e, heads, widths, dropout)
        self.ff = mlp(e, widths, nn.GELU(approximate="none"), dropout)
        self.seeds = nn.Parameter(torch.randn(num_seeds, e) * 0.1)
        self.pma = MAB(e, widths[-1], e, heads, widths, dropout)
        self.out = nn.Linear(num_seeds * e, summary_dim)

    def forward(self, x):
        h = self.sab1(x, x)
        h = self.sab2(h, h)
        f = self.ff(h)
        s = self.seeds.unsqueeze(0).expand(x.shape[0], -1, -1)
        return self.out(self.pma(s, f).flatten(1))


class Velocity(nn.Module):
    def __init__(self, d, c, dropout, widths=(256,) * 5):
        super().__init__()
        self.mlp = mlp(d + 1 + c, widths, nn.Mish(), dropout)
        self.out = nn.Linear(widths[-1], d)

    def forward(self, xt, t, c):
        return self.out(self.mlp(torch.cat([xt, t, c], dim=-1)))


class Approximator(nn.Module):
    def __init__(self, d=6, e=64, summary_dim=16, num_seeds=1, dropout=0.05):
        super().__init__()
        self.summary = SetTransformer(e, summary_dim, num_seeds, dropout)
        self.velocity = Velocity(d, 1 + summary_dim, dropout)
        self.d = d

    def loss(self, x1, trials, cond):
        c = torch.cat([cond, self.summary(trials)], dim=-1)
        x0 = torch.randn_like(x1)
        t = torch.rand(x1.shape[0], 1, device=x1.device)
        xt = t * x1 + (1 - t) * x0
        return ((self.velocity(xt, t, c) - (x1 - x0)) ** 2).mean()

    @torch.no_grad()
    def sample(self, trials, cond, num_samples, steps):
        s = self.summary(trials)
        c = torch.cat([cond, s], dim=-1)
        b = c.shape[0]
        c = c.unsqueeze(1).expand(b, num_samples, c.shape[-1]).reshape(b * num_samples, -1)
        x = torch.randn(b * num_samples, self.d, device=c.device)
        dt = 1.0 / steps
        for k in range(steps):
            t = torch.full((x.shape[0], 1), k * dt, device=x.device)
            x = x + dt * self.velocity(x, t, c)
        return x


# "auto" (the GPU pack): CUDA where PyTorch sees a GPU, else the CPU.
_requested = os.environ.get("TORCH_DEVICE", "cpu")
DEVICE = torch.device(("cuda" if torch.cuda.is_available() else "cpu") if _requested == "auto" else _requested)


def sync():
    if DEVICE.type == "cuda":
        torch.cuda.synchronize()


def batch(b, n):
    trials = torch.stack([torch.rand(b, n) * 1.5, (torch.rand(b, n) < 0.9).float(), (torch.arange(n) >= n // 2).float().expand(b, n)], dim=-1)
    return torch.randn(b, 6).to(DEVICE), trials.to(DEVICE), torch.full((b, 1), math.sqrt(n)).to(DEVICE)


def step(model, opt, data):
    opt.zero_grad(set_to_none=True)
    loss = model.loss(*data)
    loss.backward()
    for p in model.parameters():  # clipnorm 1.5 per variable
        torch.nn.utils.clip_grad_norm_([p], 1.5)
    opt.step()
    return float(loss)


def main():
    torch.manual_seed(1)
    threads = int(os.environ.get("TORCH_THREADS", os.cpu_count() or 1))
    torch.set_num_threads(threads)
    n = int(os.environ.get("TORCH_NUM_OBS", 500))
    batches = [int(x) for x in os.environ.get("TORCH_BATCHES", "2,4,64").split(",")]
    rows = []
    sampling = None  # measured at e = 64 only
    for e in [int(x) for x in os.environ.get("TORCH_EMBED_DIMS", "64,128").split(",")]:
        model = Approximator(
            e=e,
            summary_dim=int(os.environ.get("TORCH_SUMMARY_DIM", 16)),
            num_seeds=int(os.environ.get("TORCH_NUM_SEEDS", 1)),
            dropout=float(os.environ.get("TORCH_DROPOUT", 0.05)),
        ).to(DEVICE)
        model.train()
        opt = torch.optim.Adam(model.parameters(), lr=5e-4, betas=(0.9, 0.999), eps=1e-7)
        row = {"embedDim": e, "numObs": n, "parameters": sum(p.numel() for p in model.parameters()), "measured": []}
        for b in batches:
            data = batch(b, n)
            step(model, opt, data)  # warm-up
            times = []  # mean of TORCH_TIMED_STEPS (2, as bench/nn.bench.ts; the GPU pack times 20)
            cpu_times = []  # process CPU time (all threads): steadier than wall time on a loaded machine
            for _ in range(int(os.environ.get("TORCH_TIMED_STEPS", 2))):
                sync()
                t0 = time.perf_counter()
                c0 = time.process_time()
                step(model, opt, data)
                sync()
                times.append((time.perf_counter() - t0) * 1000)
                cpu_times.append((time.process_time() - c0) * 1000)
            row["measured"].append({"batchSize": b, "msPerStep": sum(times) / len(times), "msMedian": sorted(times)[len(times) // 2],
                                    "cpuMsPerStep": sum(cpu_times) / len(cpu_times), "timedSteps": len(times)})
        rows.append(row)
        if e == 64:
            model.eval()
            _, trials, cond = batch(2, n)
            model.sample(trials, cond, 10, 2)
            sync()
            t0 = time.perf_counter()
            model.sample(trials, cond, 250, 100)
            sync()
            sec = time.perf_counter() - t0
            sampling = {"embedDim": e, "numObs": n, "dataSets": 2, "drawsPerSet": 250, "eulerSteps": 100, "seconds": sec, "drawsPerSecond": 500 / sec}
    gpu = torch.cuda.get_device_name(DEVICE) if DEVICE.type == "cuda" else None
    out = json.dumps({"torch": torch.__version__, "device": str(DEVICE), "gpu": gpu, "threads": threads, "trainingStep": rows, "posteriorSampling": sampling})
    print(out)
    if os.environ.get("TORCH_OUT"):  # the GPU pack's result file
        with open(os.environ["TORCH_OUT"], "w") as f:
            f.write(out + "\n")


if __name__ == "__main__":
    sys.exit(main())
