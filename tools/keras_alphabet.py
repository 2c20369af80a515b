"""Real Keras 3 on the alphabet tutorial (003): the loss trajectory that tests/keras_trajectory.rs
follows from Keras's own initial weights. `just fixtures` runs it:
keras_alphabet.py trajectory datasets/keras/alphabet_trajectory.json
(The alphabet's accuracy over many seeds is tools/seed_study.py's.)"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras
import numpy as np

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


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
    if len(sys.argv) != 3 or sys.argv[1] != "trajectory":
        sys.exit("usage: keras_alphabet.py trajectory OUT.json")
    trajectory(sys.argv[2])
