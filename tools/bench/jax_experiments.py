"""The eight experiments written in JAX for speed, for `just bench` (called by experiments.py).

Written the way a JAX engineer would write them to be fast, keeping Keras's semantics:
- Keras's LSTM (gates i, f, c, o; the input projection of every step as one product before a
  `lax.scan` over time, unrolled: the tutorials' sequences are 1 to 50 steps), Keras's
  initialisers (Glorot-uniform kernels, orthogonal recurrent kernels, a forget-gate bias of 1),
  Keras's categorical cross-entropy in the two forms Keras 3 computes (from the logits behind a
  softmax Dense; renormalised, clipped probabilities behind TimeDistributed), and Keras 3's
  Adam rule (lr 1e-3, betas 0.9 / 0.999, epsilon 1e-7) written out;
- one `jax.jit`-compiled call per Keras `fit()` call, scanning over that fit's batches (and
  epochs) with the stateful LSTM state and the optimiser state carried through the scan, the
  parameters and optimiser state donated so that each call updates them in place;
- the data of each fit made with numpy inside the clock, as lstm-lab and the PyTorch version do;
- every distinct compiled call compiled ahead of time, before the clock (`compile_seconds`,
  reported apart), and the clock stopped only after the last result is ready.

Same sizes, batches, epochs, statefulness and evaluation as experiments.py's PyTorch version.
"""
import time

import numpy as np

import experiments as ex


def run_jax(name, seed):
    import jax
    import jax.numpy as jnp
    from jax import lax

    s = ex.EXPERIMENTS[name]
    rng = np.random.default_rng(seed)
    key = jax.random.PRNGKey(seed)

    # ---------------------------------------------------------------- parameters (Keras's init)
    def glorot(key, shape):
        limit = np.sqrt(6.0 / (shape[0] + shape[1]))
        return jax.random.uniform(key, shape, jnp.float32, -limit, limit)

    def lstm_params(key, d, u):
        k1, k2 = jax.random.split(key)
        bias = jnp.zeros(4 * u, jnp.float32).at[u : 2 * u].set(1.0)
        return dict(kernel=glorot(k1, (d, 4 * u)), recurrent=jax.nn.initializers.orthogonal()(k2, (u, 4 * u)), bias=bias)

    def model_params(key, d, u, classes, decoder):
        k1, k2, k3 = jax.random.split(key, 3)
        p = dict(encoder=lstm_params(k1, d, u), head=dict(kernel=glorot(k3, (u, classes)), bias=jnp.zeros(classes, jnp.float32)))
        if decoder:
            p["decoder"] = lstm_params(k2, u, u)
        return p

    # ---------------------------------------------------------------- the model
    def lstm(p, x, state):
        """x [batch, steps, d] -> hidden states [batch, steps, u] and the final (h, c)."""
        b, t, d = x.shape
        u = p["recurrent"].shape[0]
        xz = (x.reshape(b * t, d) @ p["kernel"] + p["bias"]).reshape(b, t, 4 * u).transpose(1, 0, 2)

        def cell(carry, z_x):
            h, c = carry
            z = z_x + h @ p["recurrent"]
            i, f = jax.nn.sigmoid(z[:, :u]), jax.nn.sigmoid(z[:, u : 2 * u])
            g, o = jnp.tanh(z[:, 2 * u : 3 * u]), jax.nn.sigmoid(z[:, 3 * u :])
            c = f * c + i * g
            h = o * jnp.tanh(c)
            return (h, c), h

        (h, c), hs = lax.scan(cell, state, xz, unroll=True)
        return hs.transpose(1, 0, 2), (h, c)

    def forward(p, x, states, topology, n_out):
        """Logits and the LSTM states after the batch."""
        enc_state, dec_state = states
        seq, enc_state = lstm(p["encoder"], x, enc_state)
        if topology == "many-to-one":
            out = seq[:, -1, :]
        elif topology == "seq2seq":
            out = seq
        else:  # encoder-decoder: RepeatVector(n_out) of the last hidden state
            rep = jnp.repeat(enc_state[0][:, None, :], n_out, axis=1)
            out, dec_state = lstm(p["decoder"], rep, dec_state)
        return out @ p["head"]["kernel"] + p["head"]["bias"], (enc_state, dec_state)

    def crossentropy(logits, y):
        """Keras's categorical_crossentropy as Keras 3 computes it, averaged over samples (and
        steps): from the logits behind a `Dense(softmax)`, from the renormalised, clipped
        probabilities behind `TimeDistributed` (see lstm-lab's `models::Loss`)."""
        if topology == "many-to-one":
            return jnp.mean(-jnp.sum(y * jax.nn.log_softmax(logits, axis=-1), axis=-1))
        probs = jax.nn.softmax(logits, axis=-1)
        probs = jnp.clip(probs / jnp.sum(probs, axis=-1, keepdims=True), 1e-7, 1.0 - 1e-7)
        return jnp.mean(-jnp.sum(y * jnp.log(probs), axis=-1))

    def adam(p, g, opt):
        """Keras 3's Adam: m, v moved toward g, g^2; the bias correction folded into the step."""
        m, v, t = opt
        t = t + 1
        alpha = 1e-3 * jnp.sqrt(1.0 - 0.999**t) / (1.0 - 0.9**t)
        m = jax.tree.map(lambda m, g: m + (g - m) * (1.0 - 0.9), m, g)
        v = jax.tree.map(lambda v, g: v + (g * g - v) * (1.0 - 0.999), v, g)
        p = jax.tree.map(lambda p, m, v: p - alpha * m / (jnp.sqrt(v) + 1e-7), p, m, v)
        return p, (m, v, t)

    def make_fit(topology, n_out, stateful):
        """One Keras fit: a scan over its batches `xs [n, batch, ...]`, `ys [n, batch, ...]`."""

        def loss_fn(p, states, x, y):
            logits, states = forward(p, x, states, topology, n_out)
            return crossentropy(logits, y), states

        grad_fn = jax.value_and_grad(loss_fn, has_aux=True)

        def step(carry, batch):
            p, opt, states = carry
            x, y = batch
            (loss, new_states), g = grad_fn(p, states, x, y)
            p, opt = adam(p, g, opt)
            states = lax.stop_gradient(new_states) if stateful else states
            return (p, opt, states), loss

        def fit(p, opt, xs, ys):
            states = zero_states(xs.shape[1])
            (p, opt, _), losses = lax.scan(step, (p, opt, states), (xs, ys))
            return p, opt, losses

        return fit

    def zero_states(batch):
        z = jnp.zeros((batch, units), jnp.float32)
        return ((z, z), (z, z))

    def predict(p, x, states, topology, n_out):
        logits, states = forward(p, x, states, topology, n_out)
        return jax.nn.softmax(logits, axis=-1), states

    # ---------------------------------------------------------------- the experiment
    kind = s["kind"]
    if kind == "randint":
        units, d, classes, topology, n_out = s["units"], s["n"], s["n"], "many-to-one", None
    elif kind == "echo":
        units, d, classes = s["units"], 100, 100
        topology, n_out = ("seq2seq", None) if s["n_out"] == 5 else ("encoder-decoder", s["n_out"])
    elif kind == "alphabet":
        units, classes, topology, n_out = 32, 26, "many-to-one", None
        d = s["letters"] if s["features"] else 1
    elif kind == "second":
        units, d, classes, topology, n_out = s["units"], s["n"], s["n"], "many-to-one", None
    else:
        units, d, classes, topology, n_out = s["units"], s["n"], s["n"], "many-to-one", None
    params = model_params(key, d, units, classes, topology == "encoder-decoder")
    opt = (jax.tree.map(jnp.zeros_like, params), jax.tree.map(jnp.zeros_like, params), jnp.zeros((), jnp.float32))
    stateful = kind in ("randint", "echo")
    fit = make_fit(topology, n_out, stateful)

    def batches(x, y, batch):
        n = len(x) // batch
        return x[: n * batch].reshape(n, batch, *x.shape[1:]), y[: n * batch].reshape(n, batch, *y.shape[1:])

    def target(y):
        return y[:, 0, :] if topology == "many-to-one" else y

    compile_seconds = 0.0

    def compiled(fn, *args):
        nonlocal compile_seconds
        start = time.perf_counter()
        # The parameters and Adam's state are donated: each call updates their buffers in place.
        out = jax.jit(fn, donate_argnums=(0, 1)).lower(*args).compile()
        compile_seconds += time.perf_counter() - start
        return out

    steps = 0
    if kind in ("randint", "echo", "index"):
        if kind == "randint":
            draw, rounds, batch = (lambda r: ex.randint_data(r, s)), s["fits"], s["batch"]
        elif kind == "echo":
            draw, rounds, batch = (lambda r: ex.echo_data(r, s)), s["epochs"], s["batch"]
        else:
            draw, rounds, batch = (lambda r: ex.index_data(r, s)), s["fits"], 1

        def data():
            return draw(rng)

        # The compiled call's shapes, from a generator of their own: `rng` draws exactly what
        # the PyTorch version's does.
        x, y = draw(np.random.default_rng(0))
        shapes = batches(x, target(y), batch)
        fit_c = compiled(fit, params, opt, *shapes)
        start = time.perf_counter()
        for _ in range(rounds):
            x, y = data()
            xs, ys = batches(x, target(y), batch)
            params, opt, losses = fit_c(params, opt, xs, ys)
            steps += len(xs)
        jax.block_until_ready(params)
        seconds = time.perf_counter() - start
        pred = jax.jit(lambda p, x, st: predict(p, x, st, topology, n_out))
        correct = []
        for _ in range(20 if kind != "index" else 1):
            if kind == "index":
                x, y = ex.index_data(rng, s, 100)
                probs, _ = pred(params, jnp.asarray(x), zero_states(len(x)))
                correct.append(float((np.asarray(probs).argmax(-1) == target(y).argmax(-1)).mean()))
                continue
            x, y = data()
            y = target(y)
            states = zero_states(batch)
            for b in range(0, len(x), batch):
                probs, states = pred(params, jnp.asarray(x[b : b + batch]), states)
                correct.append(float((np.asarray(probs).argmax(-1) == y[b : b + batch].argmax(-1)).mean()))
        acc = float(np.mean(correct))
    else:  # alphabet, second: one fit of many epochs, reshuffled every epoch
        if kind == "alphabet":
            x, y = ex.alphabet_data(s)
            epochs, batch, split = 500, 1, len(x)
        else:
            x, y = ex.second_data(rng, s)
            epochs, batch, split = s["epochs"], s["batch"], int(len(x) * 0.8)
        y = target(y)
        xt, yt, xv, yv = x[:split], y[:split], x[split:], y[split:]
        per_epoch = split // batch

        def whole_fit(p, opt, order):
            """order [epochs, per_epoch * batch]: the shuffled sample indices of every epoch."""
            xtj, ytj, xvj, yvj = jnp.asarray(xt), jnp.asarray(yt), jnp.asarray(xv), jnp.asarray(yv)

            def epoch(carry, idx):
                p, opt = carry
                xs = xtj[idx].reshape(per_epoch, batch, *xt.shape[1:])
                ys = ytj[idx].reshape(per_epoch, batch, *yt.shape[1:])
                p, opt, losses = fit(p, opt, xs, ys)
                val = crossentropy(forward(p, xvj, zero_states(len(xv)), topology, n_out)[0], yvj) if len(xv) else 0.0
                return (p, opt), (losses[-1], val)

            (p, opt), history = lax.scan(epoch, (p, opt), order)
            return p, opt, history

        order_shape = np.zeros((epochs, per_epoch * batch), np.int32)
        fit_c = compiled(whole_fit, params, opt, order_shape)
        start = time.perf_counter()
        order = np.stack([rng.permutation(split)[: per_epoch * batch] for _ in range(epochs)]).astype(np.int32)
        params, opt, history = fit_c(params, opt, order)
        jax.block_until_ready(params)
        seconds = time.perf_counter() - start
        steps = epochs * per_epoch
        if kind == "second":
            x, y = ex.second_data(rng, s)
            y = target(y)
        probs, _ = jax.jit(lambda p, x, st: predict(p, x, st, topology, n_out))(params, jnp.asarray(x), zero_states(len(x)))
        acc = float((np.asarray(probs).argmax(-1) == y.argmax(-1)).mean())
    return dict(
        framework="jax",
        version=jax.__version__,
        train_seconds=seconds,
        compile_seconds=compile_seconds,
        steps=steps,
        accuracy=100 * acc,
    )
