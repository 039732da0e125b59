#!/usr/bin/env python3
"""Train the small block-circulant CNN behind the `circnn` design (issue 11).

scikit-learn's 8x8 handwritten digits (they ship inside the package, no
download), plain numpy, manual gradients, Adam. Run off-line; the output is
committed:

    python3 Tools/train_circnn.py            # writes Data/digits_circnn.json

The network (every weight matrix block-circulant, k x k blocks whose FIRST
COLUMN is the stored vector, as the hardware and its model use):

    conv   3x3, 1 -> 8 channels, valid (6x6 positions), im2col: each patch of
           9 pixels times an 8 x 9 block-circulant matrix (k = 8), + bias, ReLU
    fc1    288 -> 64 (k = 16) + bias, ReLU; input order position*8 + channel
    fc2    64 -> 10 (k = 8) + bias: the logits

A dense network of the same shape is trained the same way for comparison.
The JSON holds each layer's first columns [p][q][k] and bias, the held-out
images (pixels 0..16) and labels, both float accuracies, and the largest
activation of each layer over the training images.
"""
import json
import sys

import numpy as np
from sklearn.datasets import load_digits

HELD_OUT = 497       # the last images, never seen in training (as for vibnn)
EPOCHS = 200
BATCH = 64
LR = 2e-3
SEED = 1
# (name, m, n, k)
LAYERS = [("conv", 8, 9, 8), ("fc1", 64, 288, 16), ("fc2", 10, 64, 8)]


def im2col(images):
    """(B, 8, 8) -> (B, 36, 9): patch at row r, column c is position r*6 + c,
    pixel dr*3 + dc."""
    b = images.shape[0]
    out = np.zeros((b, 36, 9))
    for r in range(6):
        for c in range(6):
            out[:, r * 6 + c, :] = images[:, r:r + 3, c:c + 3].reshape(b, 9)
    return out


class Circulant:
    """y = W x, W (m x n) in p x q blocks, block (i, j) circulant with first
    column w[i, j]: y_i = irfft(sum_j rfft(w_ij) * rfft(x_j))."""

    def __init__(self, m, n, k, rng):
        self.m, self.n, self.k = m, n, k
        self.p, self.q = -(-m // k), -(-n // k)
        self.w = rng.normal(0, 1 / np.sqrt(n), (self.p, self.q, k))
        self.b = np.zeros(m)

    def params(self):
        return [self.w, self.b]

    def forward(self, x):
        bsz = x.shape[0]
        xp = np.zeros((bsz, self.q * self.k))
        xp[:, :self.n] = x
        self.X = np.fft.rfft(xp.reshape(bsz, self.q, self.k), axis=2)
        self.W = np.fft.rfft(self.w, axis=2)
        y = np.fft.irfft(np.einsum("pqf,bqf->bpf", self.W, self.X), n=self.k, axis=2)
        return y.reshape(bsz, self.p * self.k)[:, :self.m] + self.b

    def backward(self, dy):
        bsz = dy.shape[0]
        dp = np.zeros((bsz, self.p * self.k))
        dp[:, :self.m] = dy
        DY = np.fft.rfft(dp.reshape(bsz, self.p, self.k), axis=2)
        # Correlations: DFT(dw_ij) = sum_b DY_bi conj(X_bj); DFT(dx_j) = sum_i DY_i conj(W_ij).
        gw = np.fft.irfft(np.einsum("bpf,bqf->pqf", DY, np.conj(self.X)), n=self.k, axis=2)
        gx = np.fft.irfft(np.einsum("bpf,pqf->bqf", DY, np.conj(self.W)), n=self.k, axis=2)
        return [gw, dy.sum(axis=0)], gx.reshape(bsz, self.q * self.k)[:, :self.n]

    def dense(self):
        W = np.zeros((self.p * self.k, self.q * self.k))
        for i in range(self.p):
            for j in range(self.q):
                for r in range(self.k):
                    for c in range(self.k):
                        W[i * self.k + r, j * self.k + c] = self.w[i, j, (r - c) % self.k]
        return W[:self.m, :self.n]


class Dense:
    def __init__(self, m, n, k, rng):
        self.w = rng.normal(0, 1 / np.sqrt(n), (m, n))
        self.b = np.zeros(m)

    def params(self):
        return [self.w, self.b]

    def forward(self, x):
        self.x = x
        return x @ self.w.T + self.b

    def backward(self, dy):
        return [dy.T @ self.x, dy.sum(axis=0)], dy @ self.w


def forward(layers, images):
    """Logits and every layer's output (before ReLU)."""
    bsz = images.shape[0]
    conv, fc1, fc2 = layers
    z0 = conv.forward(im2col(images).reshape(bsz * 36, 9)).reshape(bsz, 288)
    a0 = np.maximum(z0, 0)
    z1 = fc1.forward(a0)
    a1 = np.maximum(z1, 0)
    z2 = fc2.forward(a1)
    return z2, (z0, z1, z2)


def train(kind, x_train, y_train, rng):
    layers = [kind(m, n, k, rng) for _, m, n, k in LAYERS]
    adam = [[(np.zeros_like(p), np.zeros_like(p)) for p in l.params()] for l in layers]
    step = 0
    for _ in range(EPOCHS):
        order = rng.permutation(len(x_train))
        for s in range(0, len(order), BATCH):
            idx = order[s:s + BATCH]
            xb, yb = x_train[idx], y_train[idx]
            logits, (z0, z1, _) = forward(layers, xb)
            prob = np.exp(logits - logits.max(axis=1, keepdims=True))
            prob /= prob.sum(axis=1, keepdims=True)
            g = prob
            g[np.arange(len(yb)), yb] -= 1
            g /= len(yb)
            grads = [None] * 3
            grads[2], g = layers[2].backward(g)
            grads[1], g = layers[1].backward(g * (z1 > 0))
            g = (g * (z0 > 0)).reshape(len(yb) * 36, 8)
            grads[0], _ = layers[0].backward(g)
            step += 1
            for l, gs, st in zip(layers, grads, adam):
                for i, (p, gp) in enumerate(zip(l.params(), gs)):
                    m, v = st[i]
                    m *= 0.9
                    m += 0.1 * gp
                    v *= 0.999
                    v += 0.001 * gp * gp
                    p -= LR * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    return layers


def gradient_check(rng):
    """The circulant backward pass against finite differences."""
    l = Circulant(5, 7, 4, rng)
    x = rng.normal(size=(3, 7))
    dy = rng.normal(size=(3, 5))
    l.forward(x)
    (gw, _), gx = l.backward(dy)
    eps = 1e-6
    w0 = l.w.copy()
    l.w[1, 0, 2] += eps
    up = (l.forward(x) * dy).sum()
    l.w = w0.copy()
    l.w[1, 0, 2] -= eps
    down = (l.forward(x) * dy).sum()
    l.w = w0
    assert abs((up - down) / (2 * eps) - gw[1, 0, 2]) < 1e-6
    x2 = x.copy()
    x2[2, 3] += eps
    up = (l.forward(x2) * dy).sum()
    x2[2, 3] -= 2 * eps
    down = (l.forward(x2) * dy).sum()
    assert abs((up - down) / (2 * eps) - gx[2, 3]) < 1e-6
    # First-column convention: the FFT form equals the dense matrix.
    assert np.allclose(l.forward(x) - l.b, x @ l.dense().T)


def main(out_path):
    rng = np.random.default_rng(SEED)
    gradient_check(rng)
    digits = load_digits()
    images = digits.images / 16.0
    labels = digits.target
    x_train, y_train = images[:-HELD_OUT], labels[:-HELD_OUT]
    x_test, y_test = images[-HELD_OUT:], labels[-HELD_OUT:]

    bc = train(Circulant, x_train, y_train, rng)
    dense = train(Dense, x_train, y_train, rng)
    acc_bc = float((forward(bc, x_test)[0].argmax(axis=1) == y_test).mean())
    acc_dense = float((forward(dense, x_test)[0].argmax(axis=1) == y_test).mean())
    _, outs = forward(bc, x_train)
    ranges = [float(np.abs(z).max()) for z in outs]

    out = {
        "layers": [{"name": name, "m": m, "n": n, "k": k, "columns": l.w.tolist(), "bias": l.b.tolist()}
                   for (name, m, n, k), l in zip(LAYERS, bc)],
        "input_scale": 1 / 16.0,
        "largest_activation": ranges,
        "test_images": (x_test * 16).round().astype(int).reshape(HELD_OUT, 64).tolist(),
        "test_labels": y_test.tolist(),
        "float_circulant_accuracy": acc_bc,
        "float_dense_accuracy": acc_dense,
        "dense_weights": sum(m * n for _, m, n, _ in LAYERS),
        "trained_with": {"epochs": EPOCHS, "batch": BATCH, "lr": LR, "seed": SEED, "train_images": len(x_train)},
    }
    with open(out_path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(f"held-out accuracy: block-circulant {acc_bc:.4f}, dense {acc_dense:.4f}; largest activations {ranges}")
    print(f"wrote {out_path}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "Data/digits_circnn.json")
