#!/usr/bin/env python3
"""Train the small Bayesian MLP behind `--param net=digits` (issue 4).

Bayes by backprop (Blundell et al. 2015) on scikit-learn's 8x8 handwritten
digits, which ship inside the package (no download): every weight and bias
is a Gaussian N(mu, sigma^2) with sigma = softplus(rho), trained by the
reparameterisation trick against a N(0, prior^2) prior. Plain numpy, manual
gradients, Adam. Run off-line; the output is committed:

    python3 Tools/train_digits_bnn.py            # writes Data/digits_bnn.json

The JSON holds the layer sizes, mu and sigma of each layer (weights as
[out][in]), the input scale, the held-out images (pixels 0..16) and labels,
and the float Monte-Carlo accuracy measured here.
"""
import json
import sys

import numpy as np
from sklearn.datasets import load_digits

SIZES = [64, 32, 32, 10]
PRIOR = 0.5          # prior standard deviation of every parameter
EPOCHS = 600
BATCH = 64
LR = 3e-3
HELD_OUT = 497       # the last images, never seen in training
SEED = 1


def softplus(x):
    return np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def main(out_path):
    rng = np.random.default_rng(SEED)
    digits = load_digits()
    x_all = digits.data.astype(np.float64) / 16.0          # pixels 0..16 -> 0..1
    y_all = digits.target
    x_train, y_train = x_all[:-HELD_OUT], y_all[:-HELD_OUT]
    x_test, y_test = x_all[-HELD_OUT:], y_all[-HELD_OUT:]
    n_train = len(x_train)

    # Parameters per layer: weight mu/rho [out, in], bias mu/rho [out].
    params = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        params.append({
            "wm": rng.normal(0, 1 / np.sqrt(fan_in), (fan_out, fan_in)),
            "wr": np.full((fan_out, fan_in), -5.0),
            "bm": np.zeros(fan_out),
            "br": np.full(fan_out, -5.0),
        })
    adam = [{k: [np.zeros_like(v), np.zeros_like(v)] for k, v in p.items()} for p in params]
    step = 0

    def forward(x, weights):
        acts = [x]
        for i, (w, b) in enumerate(weights):
            z = acts[-1] @ w.T + b
            acts.append(np.maximum(z, 0) if i < len(weights) - 1 else z)
        return acts

    for epoch in range(EPOCHS):
        order = rng.permutation(n_train)
        for start in range(0, n_train, BATCH):
            idx = order[start:start + BATCH]
            xb, yb = x_train[idx], y_train[idx]
            eps = [(rng.standard_normal(p["wm"].shape), rng.standard_normal(p["bm"].shape)) for p in params]
            sig = [(softplus(p["wr"]), softplus(p["br"])) for p in params]
            weights = [(p["wm"] + s[0] * e[0], p["bm"] + s[1] * e[1]) for p, s, e in zip(params, sig, eps)]
            acts = forward(xb, weights)
            logits = acts[-1]
            prob = np.exp(logits - logits.max(axis=1, keepdims=True))
            prob /= prob.sum(axis=1, keepdims=True)
            grad = prob.copy()
            grad[np.arange(len(yb)), yb] -= 1
            grad /= len(yb)
            # Backpropagate to the sampled weights.
            grads_w = [None] * len(weights)
            for i in reversed(range(len(weights))):
                w, _ = weights[i]
                grads_w[i] = (grad.T @ acts[i], grad.sum(axis=0))
                if i > 0:
                    grad = (grad @ w) * (acts[i] > 0)
            # Through the reparameterisation, plus the KL term / N (per example).
            step += 1
            for p, s, e, g, a in zip(params, sig, eps, grads_w, adam):
                for (mk, rk, si, ei, gi) in (("wm", "wr", s[0], e[0], g[0]), ("bm", "br", s[1], e[1], g[1])):
                    g_mu = gi + p[mk] / PRIOR ** 2 / n_train
                    g_sigma = gi * ei + (-1 / si + si / PRIOR ** 2) / n_train
                    g_rho = g_sigma * sigmoid(p[rk])
                    for key, gv in ((mk, g_mu), (rk, g_rho)):
                        m, v = a[key]
                        m *= 0.9
                        m += 0.1 * gv
                        v *= 0.999
                        v += 0.001 * gv * gv
                        p[key] -= LR * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)

    # Float Monte-Carlo accuracy on the held-out set: average of 16 samples.
    probs = np.zeros((len(x_test), SIZES[-1]))
    for _ in range(16):
        weights = [(p["wm"] + softplus(p["wr"]) * rng.standard_normal(p["wm"].shape),
                    p["bm"] + softplus(p["br"]) * rng.standard_normal(p["bm"].shape)) for p in params]
        logits = forward(x_test, weights)[-1]
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs += e / e.sum(axis=1, keepdims=True)
    accuracy = float((probs.argmax(axis=1) == y_test).mean())
    mean_only = float((forward(x_test, [(p["wm"], p["bm"]) for p in params])[-1].argmax(axis=1) == y_test).mean())

    out = {
        "sizes": SIZES,
        "input_scale": 1 / 16.0,
        "prior_sigma": PRIOR,
        "layers": [{"w_mu": p["wm"].tolist(), "w_sigma": softplus(p["wr"]).tolist(),
                    "b_mu": p["bm"].tolist(), "b_sigma": softplus(p["br"]).tolist()} for p in params],
        "test_images": (x_test * 16).round().astype(int).tolist(),
        "test_labels": y_test.tolist(),
        "float_mc_accuracy_16_samples": accuracy,
        "float_mean_weights_accuracy": mean_only,
        "trained_with": {"epochs": EPOCHS, "batch": BATCH, "lr": LR, "seed": SEED, "train_images": n_train},
    }
    with open(out_path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(f"held-out accuracy: Monte-Carlo (16 samples) {accuracy:.4f}, mean weights {mean_only:.4f}")
    print(f"wrote {out_path}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "Data/digits_bnn.json")
