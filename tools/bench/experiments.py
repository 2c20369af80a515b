"""The eight experiments as a PyTorch or Keras user would write them, for `just bench`; the JAX
versions, written for speed, are in jax_experiments.py.

Same sizes, batches, epochs, statefulness and evaluation as lstm-lab's (src/experiments/tutorials/); only
the framework differs. Usage:

    python experiments.py torch|keras|jax EXPERIMENT SEED

prints one JSON line: {"framework", "experiment", "seed", "train_seconds", "steps", "accuracy"}
(Keras and PyTorch add "last_fit_accuracy": the training accuracy of the last epoch or fit, over
its batches as they were trained, the number Keras logs and tutorials 000 and 002 quote; JAX adds
"compile_seconds", outside the clock). Only the training loop is timed, as lstm-lab times it.

The PyTorch version is what a PyTorch user would write: `nn.LSTM` and `nn.Linear` with PyTorch's
own initialisers (uniform in +-1/sqrt(units), two biases, no forget-gate bias of 1) and
`torch.optim.Adam`'s defaults (lr 1e-3, eps 1e-8), so the study can ask whether a claim holds
beyond Keras's initialisers.
"""
import json
import os
import sys
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# id -> (kind, settings). kind: "fresh" = a fresh sequence per fit/epoch, stateful, reset after;
# "fixed" = one dataset, model.fit(epochs, batch_size, shuffle).
EXPERIMENTS = {
    "randint-echo": dict(kind="randint", units=50, batch=5, fits=2000, length=25, n=100, lags=5),
    "vanilla-index": dict(kind="index", units=25, fits=10, length=50, n=100, index=2),
    "echo-whole": dict(kind="echo", units=20, batch=7, epochs=500, n_out=5),
    "echo-partial": dict(kind="echo", units=150, batch=21, epochs=5000, n_out=2),
    "alphabet-2step": dict(kind="alphabet", letters=2, features=False),
    "alphabet-feature-window": dict(kind="alphabet", letters=3, features=True),
    "alphabet-timestep-window": dict(kind="alphabet", letters=3, features=False),
    "vanilla-second": dict(kind="second", units=25, batch=32, epochs=250, samples=1000, steps=10, n=5),
}


def one_hot(values, n):
    out = np.zeros((len(values), n), dtype=np.float32)
    out[np.arange(len(values)), values] = 1.0
    return out


def randint_data(rng, s):
    seq = rng.integers(0, s["n"], s["length"])
    enc = one_hot(seq, s["n"])
    lags = s["lags"]
    x = np.stack([enc[i - lags + 1 : i + 1] for i in range(lags, s["length"])])
    y = enc[lags - 1 : s["length"] - 1]
    return x, y[:, None, :]


def echo_data(rng, s, n_in=5, length=25, n=100):
    enc = one_hot(rng.integers(0, n, length), n)
    x = np.stack([enc[i : i + n_in] for i in range(length - n_in + 1)])
    y = x[:, : s["n_out"], :]
    return x, y


def alphabet_data(s):
    k = s["letters"]
    windows = np.array([[i + j for j in range(k)] for i in range(26 - k)], dtype=np.float32) / 26.0
    x = windows[:, None, :] if s["features"] else windows[:, :, None]
    y = one_hot(np.arange(k, 26), 26)[:, None, :]
    return x, y


def second_data(rng, s):
    values = rng.integers(0, s["n"] - 1, (s["samples"], s["steps"]))
    x = one_hot(values.ravel(), s["n"]).reshape(s["samples"], s["steps"], s["n"])
    return x, x[:, 1:2, :]


def index_data(rng, s, count=1):
    xs, ys = [], []
    for _ in range(count):
        enc = one_hot(rng.integers(0, s["n"], s["length"]), s["n"])
        xs.append(enc)
        ys.append(enc[s["index"] : s["index"] + 1])
    return np.stack(xs), np.stack(ys)


# --------------------------------------------------------------------------------------------
# PyTorch
# --------------------------------------------------------------------------------------------
def run_torch(name, seed):
    import torch
    from torch import nn

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    s = EXPERIMENTS[name]

    class Net(nn.Module):
        def __init__(self, features, units, classes, decoder_steps=None):
            super().__init__()
            self.encoder = nn.LSTM(features, units, batch_first=True)
            self.decoder = nn.LSTM(units, units, batch_first=True) if decoder_steps else None
            self.decoder_steps = decoder_steps
            self.head = nn.Linear(units, classes)

        def forward(self, x, state=None, many_to_one=True):
            enc_state, dec_state = state if state else (None, None)
            seq, enc_state = self.encoder(x, enc_state)
            if self.decoder is not None:
                rep = enc_state[0][-1].unsqueeze(1).repeat(1, self.decoder_steps, 1)
                seq, dec_state = self.decoder(rep, dec_state)
                return self.head(seq), (enc_state, dec_state)
            if many_to_one:
                return self.head(seq[:, -1:, :]), (enc_state, dec_state)
            return self.head(seq), (enc_state, dec_state)

    def detach(state):
        return tuple(None if st is None else tuple(t.detach() for t in st) for st in state)

    def loss_fn(logits, y):
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), torch.from_numpy(y).reshape(-1, y.shape[-1]).argmax(1))

    def accuracy(logits, y):
        return float((logits.argmax(-1).numpy() == y.argmax(-1)).mean())

    def adam(model):
        return torch.optim.Adam(model.parameters())

    # [correct, scored] over the batches of the current epoch or fit, as they were trained.
    tally = [0, 0]

    def train_step(opt, logits, y):
        loss = loss_fn(logits, y)
        tally[0] += int((logits.detach().argmax(-1).numpy() == y.argmax(-1)).sum())
        tally[1] += y.shape[0] * y.shape[1]
        opt.zero_grad()
        loss.backward()
        opt.step()

    steps = 0
    if s["kind"] in ("randint", "echo"):
        if s["kind"] == "randint":
            model, data, many = Net(100, s["units"], 100), lambda: randint_data(rng, s), True
            rounds = s["fits"]
        else:
            dec = s["n_out"] if s["n_out"] != 5 else None
            model, data, many = Net(100, s["units"], 100, dec), lambda: echo_data(rng, s), False
            rounds = s["epochs"]
        opt = adam(model)
        start = time.perf_counter()
        for _ in range(rounds):
            x, y = data()
            state = None
            tally[:] = [0, 0]
            for b in range(0, len(x), s["batch"]):
                xb, yb = torch.from_numpy(x[b : b + s["batch"]]), y[b : b + s["batch"]]
                logits, state = model(xb, state, many)
                state = detach(state)
                train_step(opt, logits, yb)
                steps += 1
        seconds = time.perf_counter() - start
        correct = []
        with torch.no_grad():
            for _ in range(20):
                x, y = data()
                state = None
                for b in range(0, len(x), s["batch"]):
                    logits, state = model(torch.from_numpy(x[b : b + s["batch"]]), state, many)
                    correct.append(accuracy(logits, y[b : b + s["batch"]]))
        acc = float(np.mean(correct))
    elif s["kind"] in ("alphabet", "second"):
        if s["kind"] == "alphabet":
            x, y = alphabet_data(s)
            model, epochs, batch, split = Net(x.shape[2], 32, 26), 500, 1, len(x)
        else:
            x, y = second_data(rng, s)
            model, epochs, batch = Net(s["n"], s["units"], s["n"]), s["epochs"], s["batch"]
            split = int(len(x) * 0.8)
        opt = adam(model)
        xt, yt = x[:split], y[:split]
        start = time.perf_counter()
        for _ in range(epochs):
            order = rng.permutation(split)
            tally[:] = [0, 0]
            for b in range(0, split, batch):
                idx = order[b : b + batch]
                logits, _ = model(torch.from_numpy(xt[idx]))
                train_step(opt, logits, yt[idx])
                steps += 1
            if split < len(x):
                with torch.no_grad():
                    logits, _ = model(torch.from_numpy(x[split:]))
                    loss_fn(logits, y[split:]).item()
        seconds = time.perf_counter() - start
        with torch.no_grad():
            if s["kind"] == "second":
                x, y = second_data(rng, s)
            logits, _ = model(torch.from_numpy(x))
            acc = accuracy(logits, y)
    else:  # vanilla-index
        model = Net(s["n"], s["units"], s["n"])
        opt = adam(model)
        start = time.perf_counter()
        for _ in range(s["fits"]):
            x, y = index_data(rng, s)
            tally[:] = [0, 0]
            logits, _ = model(torch.from_numpy(x))
            train_step(opt, logits, y)
            steps += 1
        seconds = time.perf_counter() - start
        x, y = index_data(rng, s, 100)
        with torch.no_grad():
            logits, _ = model(torch.from_numpy(x))
        acc = accuracy(logits, y)
    last_fit = 100 * tally[0] / tally[1]
    return dict(framework="pytorch", threads=torch.get_num_threads(), train_seconds=seconds, steps=steps, accuracy=100 * acc, last_fit_accuracy=last_fit)


# --------------------------------------------------------------------------------------------
# Keras 3 (the tutorials' own framework)
# --------------------------------------------------------------------------------------------
def run_keras(name, seed):
    import keras
    from keras import layers

    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    s = EXPERIMENTS[name]

    def reset(model):
        for layer in model.layers:
            if getattr(layer, "stateful", False):
                layer.reset_states()

    steps = 0
    if s["kind"] in ("randint", "echo"):
        if s["kind"] == "randint":
            data, rounds = (lambda: randint_data(rng, s)), s["fits"]
            model = keras.Sequential([keras.Input(batch_shape=(s["batch"], 5, 100)), layers.LSTM(s["units"], stateful=True), layers.Dense(100, activation="softmax")])
        else:
            data, rounds = (lambda: echo_data(rng, s)), s["epochs"]
            if s["n_out"] == 5:
                model = keras.Sequential([keras.Input(batch_shape=(s["batch"], 5, 100)), layers.LSTM(s["units"], return_sequences=True, stateful=True), layers.TimeDistributed(layers.Dense(100, activation="softmax"))])
            else:
                model = keras.Sequential([
                    keras.Input(batch_shape=(s["batch"], 5, 100)),
                    layers.LSTM(s["units"], stateful=True),
                    layers.RepeatVector(s["n_out"]),
                    layers.LSTM(s["units"], return_sequences=True, stateful=True),
                    layers.TimeDistributed(layers.Dense(100, activation="softmax")),
                ])
        model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
        start = time.perf_counter()
        for _ in range(rounds):
            x, y = data()
            y = y[:, 0, :] if s["kind"] == "randint" else y
            fitted = model.fit(x, y, epochs=1, batch_size=s["batch"], shuffle=False, verbose=0)
            reset(model)
            steps += len(x) // s["batch"]
        seconds = time.perf_counter() - start
        correct = []
        for _ in range(20):
            x, y = data()
            y = y[:, 0, :] if s["kind"] == "randint" else y
            p = model.predict(x, batch_size=s["batch"], verbose=0)
            reset(model)
            correct.append(float((p.argmax(-1) == y.argmax(-1)).mean()))
        acc = float(np.mean(correct))
    elif s["kind"] in ("alphabet", "second"):
        if s["kind"] == "alphabet":
            x, y = alphabet_data(s)
            units, classes, epochs, batch, split = 32, 26, 500, 1, 0.0
        else:
            x, y = second_data(rng, s)
            units, classes, epochs, batch, split = s["units"], s["n"], s["epochs"], s["batch"], 0.2
        y = y[:, 0, :]
        model = keras.Sequential([keras.Input(x.shape[1:]), layers.LSTM(units), layers.Dense(classes, activation="softmax")])
        model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
        start = time.perf_counter()
        fitted = model.fit(x, y, epochs=epochs, batch_size=batch, validation_split=split, verbose=0)
        seconds = time.perf_counter() - start
        train = int(len(x) * (1 - split))
        steps = epochs * -(-train // batch)
        if s["kind"] == "second":
            x, y = second_data(rng, s)
            y = y[:, 0, :]
        acc = float(model.evaluate(x, y, verbose=0)[1])
    else:
        model = keras.Sequential([keras.Input((s["length"], s["n"])), layers.LSTM(s["units"]), layers.Dense(s["n"], activation="softmax")])
        model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
        start = time.perf_counter()
        for _ in range(s["fits"]):
            x, y = index_data(rng, s)
            fitted = model.fit(x, y[:, 0, :], epochs=1, verbose=0)
            steps += 1
        seconds = time.perf_counter() - start
        x, y = index_data(rng, s, 100)
        acc = float((model.predict(x, verbose=0).argmax(-1) == y[:, 0, :].argmax(-1)).mean())
    last_fit = 100 * float(fitted.history["accuracy"][-1])
    return dict(framework="keras", train_seconds=seconds, steps=steps, accuracy=100 * acc, last_fit_accuracy=last_fit)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("torch", "keras", "jax") or sys.argv[2] not in EXPERIMENTS:
        sys.exit(f"usage: experiments.py torch|keras|jax {'|'.join(EXPERIMENTS)} SEED")
    framework, name, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if framework == "jax":
        from jax_experiments import run_jax as run
    else:
        run = run_torch if framework == "torch" else run_keras
    print(json.dumps(dict(experiment=name, seed=seed, **run(name, seed))))
