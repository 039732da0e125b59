#!/usr/bin/env python3
"""Train, prune and export the networks behind the `admm` and `patdnn`
designs (issue 14). Off-line, numpy only, on scikit-learn's 8x8 digits
(shipped inside the package); the outputs are committed:

    python3 Tools/train_sparse.py     # writes Data/digits_mlp.txt, Data/digits_cnn.txt

MLP 64 -> 32 -> 10 (ReLU): trained dense, then pruned by ADMM (Ren et al.,
ASPLOS 2019): W minimises loss + rho/2 |W - Z + U|^2, Z is W + U projected
onto "at most k non-zeros" (keep the k largest magnitudes), U += W - Z;
then W is hard-pruned to Z's support and retrained with the mask. fc1 keeps
KEEP_FC1 of its weights, fc2 KEEP_FC2. Quantization to levels is hwgen's
job (`hwgen quantize`, the same deterministic q scan the designs run).

CNN conv1 1 -> 8, conv2 8 -> 16 (3x3, padding 1, ReLU), 2x2 average pool,
fc 256 -> 10. conv2 is pattern-pruned as in PatDNN (Niu et al., ASPLOS
2020): each kernel's best four-entry pattern with the centre kept, the K = 8
most frequent over the layer form the pattern set, every kernel projected
onto the one of those that keeps the largest L2 norm; connectivity pruning
drops the CONN_DROP weakest kernels; retrained with the masks.

File format (the "hwgen weights" text format, README): `layer NAME ROWS
COLS` then ROWS lines of COLS reals (a 3x3 conv layer: ROWS = output
channels, COLS = input channels x 9, kernel entries row-major), then
`bias` and ROWS reals. `#` starts a comment. The held-out images (pixels
0..16) and labels follow as `images N 64` / `labels N` blocks, and the float
accuracies as comments.
"""
import sys
import numpy as np
from sklearn.datasets import load_digits

HELD_OUT = 497
SEED = 1
KEEP_FC1, KEEP_FC2 = 0.12, 0.5
PATTERNS, CONN_DROP = 8, 0.25


def data():
    d = load_digits()
    x, y = d.images.astype(np.float64), d.target
    return (x[:-HELD_OUT], y[:-HELD_OUT]), (x[-HELD_OUT:], y[-HELD_OUT:])


def softmax_xent(z, y):
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z); p /= p.sum(axis=1, keepdims=True)
    g = p.copy(); g[np.arange(len(y)), y] -= 1
    return g / len(y)


class Adam:
    def __init__(self, params, lr):
        self.p, self.lr = params, lr
        self.m = [np.zeros_like(q) for q in params]
        self.v = [np.zeros_like(q) for q in params]
        self.t = 0

    def step(self, grads):
        self.t += 1
        for q, g, m, v in zip(self.p, grads, self.m, self.v):
            m *= 0.9; m += 0.1 * g
            v *= 0.999; v += 0.001 * g * g
            q -= self.lr * (m / (1 - 0.9 ** self.t)) / (np.sqrt(v / (1 - 0.999 ** self.t)) + 1e-8)


# ---- MLP ---------------------------------------------------------------

def mlp_forward(p, x):
    w1, b1, w2, b2 = p
    h = np.maximum(x @ w1.T + b1, 0)
    return h, h @ w2.T + b2


def mlp_grads(p, x, y):
    w1, b1, w2, b2 = p
    h, z = mlp_forward(p, x)
    dz = softmax_xent(z, y)
    dh = (dz @ w2) * (h > 0)
    return [dh.T @ x, dh.sum(0), dz.T @ h, dz.sum(0)]


def top_k_mask(w, keep):
    k = max(1, int(round(keep * w.size)))
    t = np.sort(np.abs(w).ravel())[-k]
    return (np.abs(w) >= t).astype(np.float64)


def train_mlp(train, rng):
    x, y = train[0].reshape(-1, 64) / 16, train[1]
    p = [rng.normal(0, 1 / 8, (32, 64)), np.zeros(32), rng.normal(0, 1 / np.sqrt(32), (10, 32)), np.zeros(10)]

    def epochs(n, extra=None, masks=None):
        opt = Adam(p, 2e-3)
        for _ in range(n):
            order = rng.permutation(len(y))
            for s in range(0, len(y), 64):
                i = order[s:s + 64]
                g = mlp_grads(p, x[i], y[i])
                if extra: extra(g)
                opt.step(g)
                if masks:
                    p[0] *= masks[0]; p[2] *= masks[1]
    epochs(150)
    dense = [q.copy() for q in p]
    # ADMM: Z, U per pruned matrix; rho grows.
    keeps = {0: KEEP_FC1, 2: KEEP_FC2}
    z = {i: p[i] * top_k_mask(p[i], k) for i, k in keeps.items()}
    u = {i: np.zeros_like(p[i]) for i in keeps}
    for rho in [1e-3, 3e-3, 1e-2, 3e-2, 1e-1]:
        def pen(g):
            for i in keeps: g[i] += rho * (p[i] - z[i] + u[i])
        epochs(10, extra=pen)
        for i, k in keeps.items():
            z[i] = (p[i] + u[i]) * top_k_mask(p[i] + u[i], k)
            u[i] += p[i] - z[i]
    masks = [top_k_mask(p[0], KEEP_FC1), top_k_mask(p[2], KEEP_FC2)]
    p[0] *= masks[0]; p[2] *= masks[1]
    epochs(60, masks=masks)
    return dense, p


# ---- CNN ---------------------------------------------------------------

def im2col(a):
    """(B, C, 8, 8) -> (B, 64, C*9), padding 1; column c*9 + dy*3 + dx."""
    b, c = a.shape[:2]
    pad = np.zeros((b, c, 10, 10)); pad[:, :, 1:9, 1:9] = a
    out = np.zeros((b, 64, c, 9))
    for dy in range(3):
        for dx in range(3):
            out[:, :, :, dy * 3 + dx] = pad[:, :, dy:dy + 8, dx:dx + 8].reshape(b, c, 64).transpose(0, 2, 1)
    return out.reshape(b, 64, c * 9)


def col2im(g, c):
    b = g.shape[0]
    g = g.reshape(b, 64, c, 9)
    pad = np.zeros((b, c, 10, 10))
    for dy in range(3):
        for dx in range(3):
            pad[:, :, dy:dy + 8, dx:dx + 8] += g[:, :, :, dy * 3 + dx].transpose(0, 2, 1).reshape(b, c, 8, 8)
    return pad[:, :, 1:9, 1:9]


def cnn_forward(p, x):
    k1, c1, k2, c2, wf, bf = p
    b = x.shape[0]
    x1 = im2col(x[:, None])                                  # (B, 64, 9)
    h1 = np.maximum(x1 @ k1.T + c1, 0)                       # (B, 64, 8)
    a1 = h1.transpose(0, 2, 1).reshape(b, 8, 8, 8)
    x2 = im2col(a1)                                          # (B, 64, 72)
    h2 = np.maximum(x2 @ k2.T + c2, 0)                       # (B, 64, 16)
    a2 = h2.transpose(0, 2, 1).reshape(b, 16, 8, 8)
    pool = a2.reshape(b, 16, 4, 2, 4, 2).mean(axis=(3, 5)).reshape(b, 256)
    return (x1, h1, x2, h2, pool), pool @ wf.T + bf


def cnn_grads(p, x, y):
    k1, c1, k2, c2, wf, bf = p
    b = x.shape[0]
    (x1, h1, x2, h2, pool), z = cnn_forward(p, x)
    dz = softmax_xent(z, y)
    dpool = (dz @ wf).reshape(b, 16, 4, 1, 4, 1)
    da2 = np.broadcast_to(dpool / 4, (b, 16, 4, 2, 4, 2)).reshape(b, 16, 64).transpose(0, 2, 1)
    dh2 = da2 * (h2 > 0)
    dx2 = dh2 @ k2
    da1 = col2im(dx2, 8).reshape(b, 8, 64).transpose(0, 2, 1)
    dh1 = da1 * (h1 > 0)
    return [np.einsum("bpo,bpi->oi", dh1, x1), dh1.sum((0, 1)), np.einsum("bpo,bpi->oi", dh2, x2), dh2.sum((0, 1)),
            dz.T @ pool, dz.sum(0)]


def patterns():
    """The 56 four-entry 3x3 patterns keeping the centre (entry 4)."""
    out = []
    others = [i for i in range(9) if i != 4]
    for a in range(8):
        for b in range(a + 1, 8):
            for c in range(b + 1, 8):
                out.append(sorted([4, others[a], others[b], others[c]]))
    return out


def pattern_masks(k2):
    """Pattern set (the PATTERNS most frequent best patterns) and each
    kernel's mask: projected onto the set's pattern keeping the most L2,
    the CONN_DROP weakest kernels removed."""
    kern = k2.reshape(16, 8, 9)
    cands = patterns()
    best = [[max(range(56), key=lambda j: (sum(kern[o, i, t] ** 2 for t in cands[j]), -j)) for i in range(8)] for o in range(16)]
    counts = np.bincount(np.array(best).ravel(), minlength=56)
    chosen = sorted(range(56), key=lambda j: (-counts[j], j))[:PATTERNS]
    mask = np.zeros((16, 8, 9))
    norms = np.zeros((16, 8))
    for o in range(16):
        for i in range(8):
            j = max(chosen, key=lambda j: (sum(kern[o, i, t] ** 2 for t in cands[j]), -j))
            mask[o, i, cands[j]] = 1
            norms[o, i] = np.sqrt((kern[o, i] ** 2 * mask[o, i]).sum())
    drop = int(round(CONN_DROP * 128))
    for f in np.argsort(norms.ravel(), kind="stable")[:drop]:
        mask[f // 8, f % 8] = 0
    return mask.reshape(16, 72)


def train_cnn(train, rng):
    x, y = train[0] / 16, train[1]
    p = [rng.normal(0, 1 / 3, (8, 9)), np.zeros(8), rng.normal(0, 1 / np.sqrt(72), (16, 72)), np.zeros(16),
         rng.normal(0, 1 / 16, (10, 256)), np.zeros(10)]

    def epochs(n, mask=None):
        opt = Adam(p, 2e-3)
        for _ in range(n):
            order = rng.permutation(len(y))
            for s in range(0, len(y), 64):
                i = order[s:s + 64]
                opt.step(cnn_grads(p, x[i], y[i]))
                if mask is not None: p[2] *= mask
    epochs(40)
    dense = [q.copy() for q in p]
    mask = pattern_masks(p[2])
    p[2] *= mask
    epochs(30, mask)
    return dense, p


# ---- output ------------------------------------------------------------

def accuracy(z, y):
    return float((z.argmax(axis=1) == y).mean())


def write(path, layers, test, notes):
    with open(path, "w") as f:
        f.write("# hwgen weights: written by Tools/train_sparse.py (issue 14)\n")
        for n in notes: f.write(f"# {n}\n")
        for name, w, b in layers:
            f.write(f"layer {name} {w.shape[0]} {w.shape[1]}\n")
            for row in w: f.write(" ".join(f"{v:.9g}" for v in row) + "\n")
            f.write("bias " + " ".join(f"{v:.9g}" for v in b) + "\n")
        f.write(f"images {len(test[1])} 64\n")
        for img in test[0]: f.write(" ".join(str(int(v)) for v in img.ravel()) + "\n")
        f.write("labels " + " ".join(str(int(v)) for v in test[1]) + "\n")


def main():
    rng = np.random.default_rng(SEED)
    train, test = data()
    dense, pruned = train_mlp(train, rng)
    xt = test[0].reshape(-1, 64) / 16
    a_dense, a_pruned = accuracy(mlp_forward(dense, xt)[1], test[1]), accuracy(mlp_forward(pruned, xt)[1], test[1])
    nz = [int((pruned[i] != 0).sum()) for i in (0, 2)]
    print(f"mlp: dense {a_dense:.4f}, ADMM-pruned {a_pruned:.4f}, non-zeros fc1 {nz[0]}/2048 fc2 {nz[1]}/320")
    write("Data/digits_mlp.txt", [("fc1", pruned[0], pruned[1]), ("fc2", pruned[2], pruned[3]),
                                  ("fc1_dense", dense[0], dense[1]), ("fc2_dense", dense[2], dense[3])], test,
          [f"float accuracy on the {HELD_OUT} held-out images: dense {a_dense:.4f}, ADMM-pruned {a_pruned:.4f}",
           f"fc1 keeps {nz[0]} of 2048 weights, fc2 {nz[1]} of 320; *_dense: the same layers before pruning"])
    dense, pruned = train_cnn(train, rng)
    xt = test[0] / 16
    c_dense, c_pruned = accuracy(cnn_forward(dense, xt)[1], test[1]), accuracy(cnn_forward(pruned, xt)[1], test[1])
    kept = int((np.abs(pruned[2].reshape(16, 8, 9)).sum(2) != 0).sum())
    print(f"cnn: dense {c_dense:.4f}, pattern-pruned {c_pruned:.4f}, conv2 kernels {kept}/128")
    write("Data/digits_cnn.txt", [("conv1", pruned[0], pruned[1]), ("conv2", pruned[2], pruned[3]), ("fc", pruned[4], pruned[5]),
                                  ("conv1_dense", dense[0], dense[1]), ("conv2_dense", dense[2], dense[3]), ("fc_dense", dense[4], dense[5])],
          test, [f"float accuracy on the {HELD_OUT} held-out images: dense {c_dense:.4f}, pattern-pruned conv2 {c_pruned:.4f}",
                 f"conv2: {PATTERNS} patterns, {kept} of 128 kernels kept (connectivity pruning {CONN_DROP}); *_dense: the network before pruning"])


if __name__ == "__main__":
    sys.exit(main())
