"""
Keras 3's initializers for the PyTorch model of torch_reference.py, as src/nn/model/init.ts draws them:
glorot_uniform with Keras' fans (leading dims of a rank > 2 kernel are its receptive field, which
matters for the attention kernels Keras stores as (F, heads, key_dim) and (heads, key_dim, e)),
lecun_normal / he_normal as normals truncated at ±2σ, zero biases, unit LayerNorm scales.
"""

import math

import torch
from torch import nn

TRUNCATED_NORMAL_STD = 0.87962566103423978


def fans(shape):
    """Keras compute_fans: for rank > 2 the leading dims are the receptive field."""
    receptive = 1
    for s in shape[:-2]:
        receptive *= s
    return shape[-2] * receptive, shape[-1] * receptive


def glorot_(w, fan_shape):
    fi, fo = fans(fan_shape)
    lim = math.sqrt(6.0 / (fi + fo))
    with torch.no_grad():
        w.uniform_(-lim, lim)


def truncated_(w, fan_in, scale):
    sd = math.sqrt(scale / fan_in) / TRUNCATED_NORMAL_STD
    nn.init.trunc_normal_(w, 0.0, sd, -2 * sd, 2 * sd)


def dense_(lin, init, fan_shape=None):
    """A torch Linear (weight out × in) initialised as our Dense (kernel in × out), zero bias."""
    fan_shape = fan_shape or [lin.in_features, lin.out_features]
    if init == "glorot_uniform":
        glorot_(lin.weight, fan_shape)
    else:
        truncated_(lin.weight, fans(fan_shape)[0], 2.0 if init == "he_normal" else 1.0)
    nn.init.zeros_(lin.bias)


def mlp_(seq, inner):
    for block in seq:
        dense_(block.w, inner)
        dense_(block.p, "glorot_uniform")


def mab_(mab):
    dense_(mab.dense_in, "glorot_uniform")
    a = mab.mha
    for lin in (a.q, a.kp, a.v):
        dense_(lin, "glorot_uniform", [lin.in_features, a.h, a.k])
    dense_(a.o, "glorot_uniform", [a.h, a.k, a.o.out_features])
    mlp_(mab.mlp, "lecun_normal")
    dense_(mab.dense_out, "glorot_uniform")
    for ln in (mab.ln1, mab.ln2):
        nn.init.ones_(ln.weight)
        nn.init.zeros_(ln.bias)


def keras_init_(model):
    st = model.summary
    for m in (st.sab1, st.sab2, st.pma):
        mab_(m)
    mlp_(st.ff, "lecun_normal")
    glorot_(st.seeds, list(st.seeds.shape))
    dense_(st.out, "glorot_uniform")
    mlp_(model.velocity.mlp, "he_normal")
    dense_(model.velocity.out, "glorot_uniform")
