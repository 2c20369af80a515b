"""Write the Keras 3 parity fixtures in datasets/keras/.

Each fixture is one small model built in real Keras 3 (TensorFlow backend): its weights, an
input batch with one-hot targets, the outputs, the LSTM states, the training loss and the
gradients of that loss (computed inside a tf.function, as `fit` does), and the weights after 1
and after 3 Adam steps of `train_on_batch`. The Rust tests in tests/keras_parity.rs load these
files into lstm_lab's layers and compare.

    python -m venv .venv-keras && .venv-keras/bin/pip install -r tools/requirements-keras.txt
    .venv-keras/bin/python tools/keras_fixtures.py
"""

import json
import os
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "datasets" / "keras"
BATCH, STEPS, D_IN, UNITS, CLASSES = 2, 3, 5, 4, 6


def as_list(a):
    return np.asarray(a, dtype=np.float32).tolist()


def one_hot_batch(rng, shape):
    idx = rng.integers(0, CLASSES, size=shape)
    return np.eye(CLASSES, dtype=np.float32)[idx]


def perturb_biases(model, rng):
    """Random small biases, so that a wrong bias layout cannot pass the tests."""
    for layer in model.layers:
        for w in layer.weights:
            if "bias" in w.path:
                w.assign(w.numpy() + rng.normal(0.0, 0.1, w.shape).astype(np.float32))


def weights_of(model):
    return [{"path": w.path, "shape": list(w.shape), "value": as_list(w.numpy())} for w in model.weights]


def lstm_states(lstm_layer, x, initial_state=None, mask=None):
    """Run a copy of `lstm_layer` with return_sequences and return_state: (seq, h, c)."""
    probe = layers.LSTM(lstm_layer.units, return_sequences=True, return_state=True)
    probe.build(x.shape)
    probe.set_weights(lstm_layer.get_weights())
    seq, h, c = probe(x, initial_state=initial_state, mask=mask)
    return {"sequence": as_list(seq), "h": as_list(h), "c": as_list(c)}


def loss_and_grads(model, x, y, loss="categorical_crossentropy"):
    loss_fn = {"categorical_crossentropy": keras.losses.CategoricalCrossentropy(),
               "mse": keras.losses.MeanSquaredError()}[loss]

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            pred = model(x, training=True)
            loss = loss_fn(y, pred)
        return loss, tape.gradient(loss, model.trainable_weights)

    loss, grads = step(tf.constant(x), tf.constant(y))
    return float(loss.numpy()), [as_list(g) for g in grads]


def adam_steps(model, batches, loss="categorical_crossentropy"):
    """Weights after each `train_on_batch` (Adam, Keras defaults) over `batches`."""
    model.compile(loss=loss, optimizer=keras.optimizers.Adam(), metrics=["accuracy"])
    after = []
    losses = []
    for x, y in batches:
        loss = model.train_on_batch(x, y, return_dict=True)["loss"]
        losses.append(float(loss))
        after.append(weights_of(model))
    return losses, after


def reset_states(model):
    """Zero the state of every stateful layer (a no-op for stateless models)."""
    for layer in model.layers:
        if getattr(layer, "stateful", False):
            layer.reset_states()


def write(name, model, x, y, extra, train_batches, loss="categorical_crossentropy"):
    rng_w = weights_of(model)
    loss_value, grads = loss_and_grads(model, x, y, loss)
    reset_states(model)
    pred = model(x)
    reset_states(model)
    losses, after = adam_steps(model, train_batches, loss)
    fixture = {
        "name": name,
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "weights": rng_w,
        "x": as_list(x),
        "y": as_list(y),
        "output": as_list(pred),
        "loss_function": loss,
        "loss": loss_value,
        "grads": grads,
        "train_x": [as_list(b[0]) for b in train_batches],
        "train_y": [as_list(b[1]) for b in train_batches],
        "train_losses": losses,
        "weights_after_1": after[0],
        "weights_after_3": after[2],
        **extra,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(fixture))
    print(f"wrote {path.relative_to(OUT.parent.parent)}: loss {loss_value:.6f}")


def many_to_one(rng):
    keras.utils.set_random_seed(1)
    model = keras.Sequential([
        keras.Input((STEPS, D_IN), batch_size=BATCH),
        layers.LSTM(UNITS),
        layers.Dense(CLASSES, activation="softmax"),
    ])
    perturb_biases(model, rng)
    x = rng.normal(size=(BATCH, STEPS, D_IN)).astype(np.float32)
    y = one_hot_batch(rng, (BATCH,))
    h0 = rng.normal(scale=0.5, size=(BATCH, UNITS)).astype(np.float32)
    c0 = rng.normal(scale=0.5, size=(BATCH, UNITS)).astype(np.float32)
    extra = {
        "lstm": lstm_states(model.layers[0], x),
        "initial_h": as_list(h0),
        "initial_c": as_list(c0),
        "lstm_from_state": lstm_states(model.layers[0], x, [tf.constant(h0), tf.constant(c0)]),
    }
    write("many_to_one", model, x, y, extra, [(x, y)] * 3)


def seq2seq(rng):
    keras.utils.set_random_seed(2)
    model = keras.Sequential([
        keras.Input((STEPS, D_IN), batch_size=BATCH),
        layers.LSTM(UNITS, return_sequences=True),
        layers.TimeDistributed(layers.Dense(CLASSES, activation="softmax")),
    ])
    perturb_biases(model, rng)
    x = rng.normal(size=(BATCH, STEPS, D_IN)).astype(np.float32)
    y = one_hot_batch(rng, (BATCH, STEPS))
    write("seq2seq", model, x, y, {"lstm": lstm_states(model.layers[0], x)}, [(x, y)] * 3)


def stateful(rng):
    """Three consecutive batches through a stateful LSTM: state of sample i seeds sample i."""
    keras.utils.set_random_seed(3)
    model = keras.Sequential([
        keras.Input((STEPS, D_IN), batch_size=BATCH),
        layers.LSTM(UNITS, return_sequences=True, stateful=True),
        layers.TimeDistributed(layers.Dense(CLASSES, activation="softmax")),
    ])
    perturb_biases(model, rng)
    batches = [
        (rng.normal(size=(BATCH, STEPS, D_IN)).astype(np.float32), one_hot_batch(rng, (BATCH, STEPS)))
        for _ in range(3)
    ]
    x, y = batches[0]
    # Outputs of the three batches in a row, state carried, then the final state.
    reset_states(model)
    carried = [as_list(model.predict_on_batch(b[0])) for b in batches]
    h, c = (s.numpy() for s in model.layers[0].states)
    reset_states(model)
    extra = {
        "carried_outputs": carried,
        "carried_final_h": as_list(h),
        "carried_final_c": as_list(c),
    }
    write("stateful", model, x, y, extra, batches)


def encoder_decoder(rng):
    keras.utils.set_random_seed(4)
    model = keras.Sequential([
        keras.Input((STEPS, D_IN), batch_size=BATCH),
        layers.LSTM(UNITS),
        layers.RepeatVector(2),
        layers.LSTM(UNITS + 1, return_sequences=True),
        layers.TimeDistributed(layers.Dense(CLASSES, activation="softmax")),
    ])
    perturb_biases(model, rng)
    x = rng.normal(size=(BATCH, STEPS, D_IN)).astype(np.float32)
    y = one_hot_batch(rng, (BATCH, 2))
    write("encoder_decoder", model, x, y, {}, [(x, y)] * 3)


def masked(rng):
    """`Masking(0.0)` before a return-sequences LSTM: sample 0 has two leading masked steps (as
    echo framing's padded rows have), sample 1 one masked step in the middle. The targets of
    masked steps are real one-hot rows, so a loss that counted them would differ."""
    keras.utils.set_random_seed(5)
    model = keras.Sequential([
        keras.Input((STEPS + 1, D_IN), batch_size=BATCH),
        layers.Masking(mask_value=0.0),
        layers.LSTM(UNITS, return_sequences=True),
        layers.TimeDistributed(layers.Dense(CLASSES, activation="softmax")),
    ])
    perturb_biases(model, rng)
    x = rng.normal(size=(BATCH, STEPS + 1, D_IN)).astype(np.float32)
    x[0, :2] = 0.0
    x[1, 2] = 0.0
    y = one_hot_batch(rng, (BATCH, STEPS + 1))
    mask = tf.constant(np.any(x != 0.0, axis=-1))
    extra = {"lstm": lstm_states(model.layers[1], x, mask=mask), "mask_value": 0.0}
    write("masked", model, x, y, extra, [(x, y)] * 3)


def regression(rng):
    """A regression head: `TimeDistributed(Dense(1))`, linear, with mean squared error."""
    keras.utils.set_random_seed(6)
    model = keras.Sequential([
        keras.Input((STEPS, 1), batch_size=BATCH),
        layers.LSTM(UNITS, return_sequences=True),
        layers.TimeDistributed(layers.Dense(1)),
    ])
    perturb_biases(model, rng)
    x = rng.uniform(size=(BATCH, STEPS, 1)).astype(np.float32)
    y = x.copy()
    write("regression", model, x, y, {"lstm": lstm_states(model.layers[0], x)}, [(x, y)] * 3, "mse")


def param_counts():
    """Keras's parameter count of every layer, for one model of each topology the project builds
    (the tutorials' sizes), beside the two the tutorials print. Each entry: the model's sizes and
    its layers' counts, in Keras's layer order (Masking, RepeatVector and Reshape hold 0)."""
    counts = {}
    for name, steps, features, units in [("vanilla_index", 50, 100, 25), ("vanilla_second", 10, 5, 25)]:
        model = keras.Sequential([
            keras.Input((steps, features)),
            layers.LSTM(units),
            layers.Dense(features, activation="softmax"),
        ])
        counts[name] = [layer.count_params() for layer in model.layers]

    def entry(topology, steps, features, units, classes, stack, out_steps=None, masked=False, linear=False):
        model = keras.Sequential([keras.Input((steps, features))] + stack)
        return {"topology": topology, "steps": steps, "features": features, "units": units,
                "classes": classes, "out_steps": out_steps, "masked": masked, "linear": linear,
                "layers": [layer.count_params() for layer in model.layers]}

    counts["topologies"] = [
        # alphabet-timestep-window: many-to-one
        entry("many-to-one", 3, 1, 32, 26, [layers.LSTM(32), layers.Dense(26, activation="softmax")]),
        # echo-whole: one output per input step
        entry("seq2seq", 5, 100, 20, 100, [layers.LSTM(20, return_sequences=True),
                                           layers.TimeDistributed(layers.Dense(100, activation="softmax"))]),
        # echo-partial: encoder, RepeatVector, decoder
        entry("encoder-decoder", 5, 100, 150, 100, [
            layers.LSTM(150), layers.RepeatVector(2), layers.LSTM(150, return_sequences=True),
            layers.TimeDistributed(layers.Dense(100, activation="softmax"))], out_steps=2),
        # echo-topologies' one-to-one and many-to-one: the whole output as one vector
        entry("vector-output", 5, 100, 50, 100, [
            layers.LSTM(50), layers.Dense(5 * 100), layers.Reshape((5, 100)), layers.Activation("softmax")],
            out_steps=5),
        # echo-masked: Masking in front
        entry("seq2seq", 5, 100, 20, 100, [layers.Masking(mask_value=-1.0), layers.LSTM(20, return_sequences=True),
                                           layers.TimeDistributed(layers.Dense(100, activation="softmax"))],
              masked=True),
        # echo-linear: one scaled value per step, linear output
        entry("seq2seq", 5, 1, 20, 1, [layers.LSTM(20, return_sequences=True),
                                       layers.TimeDistributed(layers.Dense(1))], linear=True),
    ]
    (OUT / "param_counts.json").write_text(json.dumps(counts, indent=1))
    print("param counts", counts)


if __name__ == "__main__":
    rng = np.random.default_rng(20261122)
    many_to_one(rng)
    seq2seq(rng)
    stateful(rng)
    encoder_decoder(rng)
    masked(rng)
    regression(rng)
    param_counts()
