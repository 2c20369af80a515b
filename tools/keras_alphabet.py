"""Real Keras 3 on the alphabet tutorial (003), several seeds: the reference distribution
our alphabet experiments are compared with. Usage: keras_alphabet.py 2step|feature|timestep SEED...
or: keras_alphabet.py trajectory OUT.json (the fixture of tests/keras_trajectory.rs)."""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras
import numpy as np

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def run(variant, seed):
    keras.utils.set_random_seed(seed)
    n = 2 if variant == "2step" else 3
    data_x = [[i + k for k in range(n)] for i in range(len(ALPHABET) - n)]
    data_y = [i + n for i in range(len(ALPHABET) - n)]
    shape = (len(data_x), 1, n) if variant == "feature" else (len(data_x), n, 1)
    x = np.reshape(data_x, shape) / float(len(ALPHABET))
    y = keras.utils.to_categorical(data_y)
    model = keras.Sequential([keras.Input(shape[1:]), keras.layers.LSTM(32), keras.layers.Dense(y.shape[1], activation="softmax")])
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    history = model.fit(x, y, epochs=500, batch_size=1, verbose=0)
    _, acc = model.evaluate(x, y, verbose=0)
    print(f"{variant} seed {seed}: {100 * acc:.2f}% final loss {history.history['loss'][-1]:.4f}", flush=True)




def trajectory(path, seed=5, epochs=500):
    """Fixture for tests/keras_trajectory.rs: the timestep-window model trained for the
    tutorial's 500 epochs without shuffling (so that both sides see the same batches), from
    Keras's initial weights: the loss per epoch and the final weights and accuracy."""
    import json

    keras.utils.set_random_seed(seed)
    n = 3
    data_x = [[i + k for k in range(n)] for i in range(len(ALPHABET) - n)]
    data_y = [i + n for i in range(len(ALPHABET) - n)]
    x = np.reshape(data_x, (len(data_x), n, 1)) / float(len(ALPHABET))
    y = keras.utils.to_categorical(data_y)
    model = keras.Sequential([keras.Input((n, 1)), keras.layers.LSTM(32), keras.layers.Dense(26, activation="softmax")])
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    weights = lambda: [{"path": w.path, "shape": list(w.shape), "value": np.asarray(w.numpy()).ravel().tolist()} for w in model.weights]
    initial = weights()
    history = model.fit(x, y, epochs=epochs, batch_size=1, shuffle=False, verbose=0)
    _, acc = model.evaluate(x, y, verbose=0)
    out = {
        "name": "alphabet_trajectory",
        "seed": seed,
        "epochs": epochs,
        "weights": initial,
        "x": {"shape": list(x.shape), "value": x.astype("float32").ravel().tolist()},
        "y": {"shape": [len(data_y), 1, 26], "value": y.astype("float32").ravel().tolist()},
        "loss": [float(v) for v in history.history["loss"]],
        "accuracy": float(acc),
        "weights_after": weights(),
    }
    with open(path, "w") as f:
        json.dump(out, f)
    print(f"trajectory: final loss {out['loss'][-1]:.4f}, accuracy {100 * acc:.2f}%")


if __name__ == "__main__":
    if sys.argv[1] == "trajectory":
        trajectory(sys.argv[2])
    else:
        for s in sys.argv[2:]:
            run(sys.argv[1], int(s))
