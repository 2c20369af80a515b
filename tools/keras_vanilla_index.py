"""Real Keras 3 on tutorial 001's vanilla LSTM, trained far past the tutorial's 10 examples:
does it ever learn to output the value at index 2 of a 50-long sequence? The reference for
examples/vanilla_index_examples.rs. Usage: keras_vanilla_index.py SEED EXAMPLES_PER_FIT MAX_EXAMPLES

Trains one model on fits of EXAMPLES_PER_FIT fresh examples (one Adam step each), and scores 100
new examples after every 8,000, printing the accuracy, until 100% or MAX_EXAMPLES."""
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras
import numpy as np

LENGTH, N_FEATURES, OUT_INDEX = 50, 100, 2


def batch(rng, n):
    values = rng.integers(0, N_FEATURES, size=(n, LENGTH))
    x = keras.utils.to_categorical(values, N_FEATURES).reshape(n, LENGTH, N_FEATURES)
    y = keras.utils.to_categorical(values[:, OUT_INDEX], N_FEATURES)
    return x, y


def main(seed, per_fit, max_examples):
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    model = keras.Sequential([keras.Input((LENGTH, N_FEATURES)), keras.layers.LSTM(25),
                              keras.layers.Dense(N_FEATURES, activation="softmax")])
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    seen, start = 0, time.time()
    while seen < max_examples:
        for _ in range(8000 // per_fit):
            x, y = batch(rng, per_fit)
            loss, _ = model.train_on_batch(x, y)
            seen += per_fit
        x, y = batch(rng, 100)
        acc = np.mean(np.argmax(model.predict(x, verbose=0), 1) == np.argmax(y, 1)) * 100
        print(f"{seen} examples: {acc:.0f}% (loss {float(loss):.4f}, {time.time() - start:.1f} s)", flush=True)
        if acc >= 100:
            break


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
