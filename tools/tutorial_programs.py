"""The tutorials' own Keras programs, with the fewest changes Keras 3 needs, over many seeds: the
check that tools/bench/experiments.py's Keras rewrite (the study's Keras column) runs the same
experiments as the tutorials.

Four tutorials draw their data with python's `random` (000, 001, 002) or numpy's global generator
(004), where the rewrite draws from `np.random.default_rng(seed)`, so the two can be compared only
as distributions over seeds (tutorial 003's alphabet has no random data, and the rewrite gives its
program's accuracies seed for seed). Each function below is the tutorial's code as printed; the
changes, all forced by Keras 3 or by running it as a function of a seed, are:

- `batch_input_shape=` / `input_shape=` on the first layer become a `keras.Input` (Keras 3 has
  no `batch_input_shape`);
- `model.reset_states()` resets each stateful layer (Keras 3's `Sequential` has no
  `reset_states`);
- `keras.utils.set_random_seed(seed)` seeds python's `random`, numpy and TensorFlow at the start
  (004 calls `np.random.seed(1234)`: that line takes the seed instead);
- 001's `one_hot_encode` appends each vector (the printed version returns an empty array, which
  cannot run);
- `verbose=0` everywhere (the printouts change no number);
- what the tutorial prints is returned as numbers, and one measurement is added where the
  tutorial shows a single sequence: the accuracy over 20 new sequences with the states reset
  before each (the rewrite's and lstm-lab's evaluation of 000 and 002).

Usage: python tutorial_programs.py EXPERIMENT SEED
prints one JSON line: {"experiment", "seed", "train_seconds", "accuracy", "last_fit_accuracy"},
the fields of experiments.py's Keras runs. tools/seed_study.py --framework tutorial runs it over
seeds, one process per run.
"""
import json
import os
import sys
import time
from random import randint

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
from numpy import argmax, array  # noqa: E402
from pandas import DataFrame, concat  # noqa: E402


def one_hot_encode(sequence, n_unique=100):
    encoding = list()
    for value in sequence:
        vector = [0 for _ in range(n_unique)]
        vector[value] = 1
        encoding.append(vector)
    return array(encoding)


def one_hot_decode(encoded_seq):
    return [argmax(vector) for vector in encoded_seq]


def reset_states(model):
    """`model.reset_states()` of Keras 2: every stateful layer's states to zero."""
    for layer in model.layers:
        if getattr(layer, "stateful", False):
            layer.reset_states()


def accuracy_over_sequences(model, data, batch_size, sequences=20):
    """The added measurement: element accuracy over `sequences` new sequences, states reset."""
    correct = []
    for _ in range(sequences):
        X, y = data()
        yhat = model.predict(X, batch_size=batch_size, verbose=0)
        reset_states(model)
        correct.append(float((yhat.argmax(-1) == y.argmax(-1)).mean()))
    return 100 * float(np.mean(correct))


def randint_echo():
    """000: a stateful LSTM(50) echoes the value one step back, 2000 one-epoch fits."""
    from keras.layers import LSTM, Dense
    from keras.models import Sequential
    import keras

    def generate_sequence(length=25):
        return [randint(0, 99) for _ in range(length)]

    def generate_data():
        sequence = generate_sequence()
        encoded = one_hot_encode(sequence)
        df = DataFrame(encoded)
        df = concat([df.shift(4), df.shift(3), df.shift(2), df.shift(1), df], axis=1)
        values = df.values
        values = values[5:, :]
        X = values.reshape(len(values), 5, 100)
        y = encoded[4:-1, :]
        return X, y

    model = Sequential()
    model.add(keras.Input(batch_shape=(5, 5, 100)))
    model.add(LSTM(50, stateful=True))
    model.add(Dense(100, activation="softmax"))
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["acc"])
    start = time.perf_counter()
    for i in range(2000):
        X, y = generate_data()
        history = model.fit(X, y, epochs=1, batch_size=5, verbose=0, shuffle=False)
        reset_states(model)
    seconds = time.perf_counter() - start
    accuracy = accuracy_over_sequences(model, generate_data, 5)
    return seconds, accuracy, 100 * history.history["acc"][-1]


def vanilla_index():
    """001: LSTM(25) on 50 one-hot steps, asked for the value at index 2, after 10 one-example fits."""
    from keras.layers import LSTM, Dense
    from keras.models import Sequential
    import keras

    def generate_sequence(length, n_features):
        return [randint(0, n_features - 1) for _ in range(length)]

    def generate_example(length, n_features, out_index):
        sequence = generate_sequence(length, n_features)
        encoded = one_hot_encode(sequence, n_features)
        X = encoded.reshape((1, length, n_features))
        y = encoded[out_index].reshape(1, n_features)
        return X, y

    length = 50
    n_features = 100
    out_index = 2
    model = Sequential()
    model.add(keras.Input((length, n_features)))
    model.add(LSTM(25))
    model.add(Dense(n_features, activation="softmax"))
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["acc"])
    start = time.perf_counter()
    for i in range(10):
        X, y = generate_example(length, n_features, out_index)
        history = model.fit(X, y, epochs=1, verbose=0)
    seconds = time.perf_counter() - start
    correct = 0
    for i in range(100):
        X, y = generate_example(length, n_features, out_index)
        yhat = model.predict(X, verbose=0)
        if one_hot_decode(yhat) == one_hot_decode(y):
            correct += 1
    return seconds, (correct / 100) * 100.0, 100 * history.history["acc"][-1]


def echo(n_out):
    """002: the whole 5-step window (n_out 5, LSTM(20), batch 7, 500 epochs) or its first 2 steps
    (n_out 2, encoder-decoder LSTM(150), batch 21, 5000 epochs) echoed, a fresh sequence an epoch."""
    from keras.layers import LSTM, Dense, RepeatVector, TimeDistributed
    from keras.models import Sequential
    import keras

    def generate_sequence(length=25):
        return [randint(0, 99) for _ in range(length)]

    def to_supervised(sequence, n_in, n_out):
        df = DataFrame(sequence)
        df = concat([df.shift(n_in - i - 1) for i in range(n_in)], axis=1)
        df.dropna(inplace=True)
        values = df.values
        width = sequence.shape[1]
        X = values.reshape(len(values), n_in, width)
        y = values[:, 0 : (n_out * width)].reshape(len(values), n_out, width)
        return X, y

    def get_data(n_in, n_out):
        sequence = generate_sequence()
        encoded = one_hot_encode(sequence)
        X, y = to_supervised(encoded, n_in, n_out)
        return X, y

    n_in = 5
    encoded_length = 100
    model = Sequential()
    if n_out == 5:
        batch_size, epochs = 7, 500
        model.add(keras.Input(batch_shape=(batch_size, n_in, encoded_length)))
        model.add(LSTM(20, return_sequences=True, stateful=True))
    else:
        batch_size, epochs = 21, 5000
        model.add(keras.Input(batch_shape=(batch_size, n_in, encoded_length)))
        model.add(LSTM(150, stateful=True))
        model.add(RepeatVector(n_out))
        model.add(LSTM(150, return_sequences=True, stateful=True))
    model.add(TimeDistributed(Dense(encoded_length, activation="softmax")))
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])

    start = time.perf_counter()
    for epoch in range(epochs):
        X, y = get_data(n_in, n_out)
        history = model.fit(X, y, epochs=1, batch_size=batch_size, verbose=0, shuffle=False)
        reset_states(model)
    seconds = time.perf_counter() - start
    accuracy = accuracy_over_sequences(model, lambda: get_data(n_in, n_out), batch_size)
    return seconds, accuracy, 100 * history.history["accuracy"][-1]


def vanilla_second(seed):
    """004: LSTM(25) on 10 one-hot steps of values 0..3, asked for the second, 250 epochs."""
    from keras.layers import LSTM, Dense
    from keras.models import Sequential
    from keras.utils import to_categorical
    import keras

    n_max = 5
    n_steps = 10
    n_samples = 1000
    np.random.seed(seed)
    X = np.random.randint(0, n_max - 1, n_samples * n_steps).reshape(n_samples, n_steps, 1)
    X_cat = to_categorical(X, num_classes=n_max)
    Y = X_cat[:, 1, :]
    model = Sequential()
    model.add(keras.Input((n_steps, n_max)))
    model.add(LSTM(25))
    model.add(Dense(n_max, activation="softmax"))
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["acc"])
    n_epochs = 250
    start = time.perf_counter()
    history = model.fit(X_cat, Y, validation_split=0.2, epochs=n_epochs, verbose=0)
    seconds = time.perf_counter() - start
    X = np.random.randint(0, n_max - 1, n_samples * n_steps).reshape(n_samples, n_steps, 1)
    X_cat = to_categorical(X, num_classes=n_max)
    Y = X_cat[:, 1, :]
    accuracy = 100 * float(model.evaluate(X_cat, Y, verbose=0)[1])
    return seconds, accuracy, 100 * history.history["acc"][-1]


PROGRAMS = {
    "randint-echo": lambda seed: randint_echo(),
    "vanilla-index": lambda seed: vanilla_index(),
    "echo-whole": lambda seed: echo(5),
    "echo-partial": lambda seed: echo(2),
    "vanilla-second": vanilla_second,
}


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in PROGRAMS:
        sys.exit(f"usage: tutorial_programs.py {'|'.join(PROGRAMS)} SEED")
    import keras

    name, seed = sys.argv[1], int(sys.argv[2])
    keras.utils.set_random_seed(seed)
    seconds, accuracy, last_fit = PROGRAMS[name](seed)
    print(json.dumps(dict(experiment=name, seed=seed, train_seconds=seconds, accuracy=accuracy, last_fit_accuracy=last_fit)))
