#!/usr/bin/env python3
"""Train the small block-circulant LSTM and GRU behind the `ernn` design
(issue 11).

scikit-learn's 8x8 digits read row by row: an 8-step sequence of 8 pixels
(value pixel/16). Plain numpy, manual gradients (backpropagation through
time), Adam. Run off-line; the output is committed:

    python3 Tools/train_ernn.py            # writes Data/digits_ernn.json

Each cell has H = 32 hidden units and ONE gate matrix over the step's
input v = [x_t; h_{t-1}] (8 + 32 columns), block-circulant with k = 8
(block (i, j) fixed by its FIRST column), rows gate-major:

    LSTM  rows [i; f; g; o]:  c = f*c + i*g,  h = o*tanh(c)
    GRU   rows [z; r; n_x; n_h]: n = tanh(n_x + r*n_h),  h = n + z*(h - n)
          (n_x sees only x: its h blocks are zero; n_h only h)

then a block-circulant classifier 10 x 32 (k = 8) on the last h. Trained
with the exact sigmoid and tanh; the hardware uses piecewise-linear ones.
"""
import json
import sys

import numpy as np
from sklearn.datasets import load_digits

HELD_OUT = 497
EPOCHS = 150
BATCH = 64
LR = 3e-3
SEED = 1
H, X, K, STEPS = 32, 8, 8, 8


class Circulant:
    """y = W v + b, W (m x n) in k x k blocks with first columns w[i, j]."""

    def __init__(self, m, n, k, rng, mask=None):
        self.m, self.n, self.k = m, n, k
        self.p, self.q = -(-m // k), -(-n // k)
        self.w = rng.normal(0, 1 / np.sqrt(n), (self.p, self.q, k))
        self.mask = np.ones((self.p, self.q, 1)) if mask is None else mask[:, :, None]
        self.w *= self.mask
        self.b = np.zeros(m)

    def forward(self, v):
        bsz = v.shape[0]
        vp = np.zeros((bsz, self.q * self.k))
        vp[:, :self.n] = v
        V = np.fft.rfft(vp.reshape(bsz, self.q, self.k), axis=2)
        W = np.fft.rfft(self.w, axis=2)
        y = np.fft.irfft(np.einsum("pqf,bqf->bpf", W, V), n=self.k, axis=2).reshape(bsz, self.p * self.k)[:, :self.m]
        return y + self.b, (V, W)

    def backward(self, dy, cache):
        V, W = cache
        bsz = dy.shape[0]
        dp = np.zeros((bsz, self.p * self.k))
        dp[:, :self.m] = dy
        DY = np.fft.rfft(dp.reshape(bsz, self.p, self.k), axis=2)
        gw = np.fft.irfft(np.einsum("bpf,bqf->pqf", DY, np.conj(V)), n=self.k, axis=2) * self.mask
        gv = np.fft.irfft(np.einsum("bpf,pqf->bqf", DY, np.conj(W)), n=self.k, axis=2)
        return [gw, dy.sum(axis=0)], gv.reshape(bsz, self.q * self.k)[:, :self.n]


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def run(cell, gates, fc, seqs):
    """Forward over the sequence; returns logits and the caches."""
    bsz = seqs.shape[0]
    h = np.zeros((bsz, H))
    c = np.zeros((bsz, H))
    caches = []
    for t in range(STEPS):
        v = np.concatenate([seqs[:, t, :], h], axis=1)
        a, cg = gates.forward(v)
        if cell == "lstm":
            i, f, g, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), np.tanh(a[:, 2 * H:3 * H]), sigmoid(a[:, 3 * H:])
            c_new = f * c + i * g
            tc = np.tanh(c_new)
            h_new = o * tc
            caches.append((cg, h, c, i, f, g, o, tc))
            c = c_new
        else:
            z, r = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H])
            nx, nh = a[:, 2 * H:3 * H], a[:, 3 * H:]
            n = np.tanh(nx + r * nh)
            h_new = n + z * (h - n)
            caches.append((cg, h, z, r, nh, n))
        h = h_new
    logits, cf = fc.forward(h)
    return logits, caches, cf, h


def backward(cell, gates, fc, caches, cf, dlogits):
    gfc, dh = fc.backward(dlogits, cf)
    gw = np.zeros_like(gates.w)
    gb = np.zeros_like(gates.b)
    dc = np.zeros_like(dh)
    for t in reversed(range(STEPS)):
        if cell == "lstm":
            cg, h_prev, c_prev, i, f, g, o, tc = caches[t]
            do = dh * tc
            dc = dc + dh * o * (1 - tc * tc)
            di, df, dg = dc * g, dc * c_prev, dc * i
            da = np.concatenate([di * i * (1 - i), df * f * (1 - f), dg * (1 - g * g), do * o * (1 - o)], axis=1)
            dc = dc * f
        else:
            cg, h_prev, z, r, nh, n = caches[t]
            dn = dh * (1 - z)
            dz = dh * (h_prev - n)
            dpre = dn * (1 - n * n)
            da = np.concatenate([dz * z * (1 - z), dpre * nh * r * (1 - r), dpre, dpre * r], axis=1)
            dh_direct = dh * z
        (gwt, gbt), dv = gates.backward(da, cg)
        gw += gwt
        gb += gbt
        dh = dv[:, X:] + (dh_direct if cell == "gru" else 0)
    return [gw, gb], gfc


def train(cell, seqs, labels, rng):
    mask = None
    if cell == "gru":
        # Block rows 2H/K ... 3H/K (n_x) see only the x block column; 3H/K ... (n_h) only h.
        p, q = 4 * H // K, (X + H) // K
        mask = np.ones((p, q))
        mask[2 * H // K:3 * H // K, X // K:] = 0
        mask[3 * H // K:, :X // K] = 0
    gates = Circulant(4 * H, X + H, K, rng, mask)
    if cell == "lstm":
        gates.b[H:2 * H] = 1.0      # forget-gate bias: remember at the start
    fc = Circulant(10, H, K, rng)
    params = [gates.w, gates.b, fc.w, fc.b]
    adam = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
    step = 0
    for _ in range(EPOCHS):
        order = rng.permutation(len(seqs))
        for s in range(0, len(order), BATCH):
            idx = order[s:s + BATCH]
            logits, caches, cf, _ = run(cell, gates, fc, seqs[idx])
            prob = np.exp(logits - logits.max(axis=1, keepdims=True))
            prob /= prob.sum(axis=1, keepdims=True)
            prob[np.arange(len(idx)), labels[idx]] -= 1
            (gw, gb), (gfw, gfb) = backward(cell, gates, fc, caches, cf, prob / len(idx))
            step += 1
            for i, (p, g) in enumerate(zip(params, [gw, gb, gfw, gfb])):
                m, v = adam[i]
                m *= 0.9
                m += 0.1 * g
                v *= 0.999
                v += 0.001 * g * g
                p -= LR * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    return gates, fc


def gradient_check(rng):
    global H, STEPS
    saved = (H, STEPS)
    H, STEPS = 8, 3
    for cell in ("lstm", "gru"):
        mask = None
        if cell == "gru":
            mask = np.ones((4, 2))
            mask[2, 1] = 0
            mask[3, 0] = 0
        gates = Circulant(4 * H, X + H, K, rng, mask)
        fc = Circulant(10, H, K, rng)
        seqs = rng.normal(size=(2, STEPS, X))
        dl = rng.normal(size=(2, 10))
        logits, caches, cf, _ = run(cell, gates, fc, seqs)
        (gw, _), _ = backward(cell, gates, fc, caches, cf, dl)
        for (i, j, e) in [(0, 0, 1), (1, 1, 3), (2, 0, 5), (3, 1, 7)]:
            if gates.mask[i, j, 0] == 0:
                continue
            eps = 1e-6
            gates.w[i, j, e] += eps
            up = (run(cell, gates, fc, seqs)[0] * dl).sum()
            gates.w[i, j, e] -= 2 * eps
            down = (run(cell, gates, fc, seqs)[0] * dl).sum()
            gates.w[i, j, e] += eps
            assert abs((up - down) / (2 * eps) - gw[i, j, e]) < 1e-5, (cell, i, j, e)
    H, STEPS = saved


def main(out_path):
    rng = np.random.default_rng(SEED)
    gradient_check(rng)
    digits = load_digits()
    seqs = digits.images / 16.0           # (N, 8 rows, 8 pixels): row t is step t
    labels = digits.target
    train_x, train_y = seqs[:-HELD_OUT], labels[:-HELD_OUT]
    test_x, test_y = seqs[-HELD_OUT:], labels[-HELD_OUT:]
    out = {"hidden": H, "inputs": X, "k": K, "steps": STEPS, "input_scale": 1 / 16.0}
    for cell in ("lstm", "gru"):
        gates, fc = train(cell, train_x, train_y, rng)
        logits, caches, _, _ = run(cell, gates, fc, test_x)
        acc = float((logits.argmax(axis=1) == test_y).mean())
        # The largest gate pre-activation and cell state over the training set.
        _, tr_caches, _, _ = run(cell, gates, fc, train_x)
        pre = max(float(np.abs(gates.forward(np.concatenate([train_x[:, t, :], tr_caches[t][1]], axis=1))[0]).max()) for t in range(STEPS))
        out[cell] = {"gates": {"columns": gates.w.tolist(), "bias": gates.b.tolist()},
                     "classifier": {"columns": fc.w.tolist(), "bias": fc.b.tolist()},
                     "float_accuracy": acc, "largest_preactivation": pre}
        print(f"{cell}: held-out accuracy {acc:.4f}, largest gate pre-activation {pre:.2f}")
    out["test_images"] = (test_x * 16).round().astype(int).reshape(HELD_OUT, 64).tolist()
    out["test_labels"] = test_y.tolist()
    out["trained_with"] = {"epochs": EPOCHS, "batch": BATCH, "lr": LR, "seed": SEED, "train_images": len(train_x)}
    with open(out_path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(f"wrote {out_path}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "Data/digits_ernn.json")
