//! Keras-compatible layers on Burn: `LSTM` with Keras's fused weights, `Dense`, `RepeatVector`.

use crate::error::{Error, Result};
use crate::fused::math::K_CHUNK;
use crate::init;
use burn::module::{Module, Param};
use burn::tensor::activation::{sigmoid, tanh};
use burn::tensor::{Device, Tensor, TensorData};
use rand::Rng;

/// Shape and size of an [`Lstm`] layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LstmConfig {
    d_input: usize,
    units: usize,
}

impl LstmConfig {
    /// Features per time step of the input.
    pub fn d_input(&self) -> usize {
        self.d_input
    }

    /// Memory units (Keras's `units`).
    pub fn units(&self) -> usize {
        self.units
    }

    /// An LSTM reading `d_input` features with `units` memory units.
    pub fn new(d_input: usize, units: usize) -> Result<Self> {
        if d_input == 0 {
            return Err(Error::invalid(
                "d_input",
                "an LSTM needs at least one input feature",
            ));
        }
        if units == 0 {
            return Err(Error::invalid("units", "an LSTM needs at least one memory unit"));
        }
        Ok(Self { d_input, units })
    }

    /// Keras's parameter count: `4 * (d_input * units + units * units + units)`.
    pub fn num_params(&self) -> usize {
        4 * (self.d_input * self.units + self.units * self.units + self.units)
    }

    /// Keras's initialisation: `glorot_uniform` kernel, `orthogonal` recurrent kernel, zero bias
    /// with the forget-gate slice at 1 (`unit_forget_bias=True`).
    pub fn init<R: Rng>(&self, rng: &mut R, device: &Device) -> Lstm {
        let (d, u) = (self.d_input, self.units);
        let kernel = init::glorot_uniform(rng, d, 4 * u);
        let recurrent = init::orthogonal(rng, u, 4 * u);
        let mut bias = vec![0.0; 4 * u];
        bias[u..2 * u].fill(1.0);
        Lstm::from_parts(
            param2(kernel, [d, 4 * u], device),
            param2(recurrent, [u, 4 * u], device),
            param1(bias, device),
        )
    }

    /// An LSTM holding given weights in Keras's layout: `kernel [d_input, 4 * units]`,
    /// `recurrent_kernel [units, 4 * units]`, `bias [4 * units]`, gates i, f, c, o.
    pub fn load(
        &self,
        kernel: Vec<f32>,
        recurrent_kernel: Vec<f32>,
        bias: Vec<f32>,
        device: &Device,
    ) -> Result<Lstm> {
        let (d, u) = (self.d_input, self.units);
        check_len("LSTM kernel", &kernel, d * 4 * u)?;
        check_len("LSTM recurrent kernel", &recurrent_kernel, u * 4 * u)?;
        check_len("LSTM bias", &bias, 4 * u)?;
        Ok(Lstm::from_parts(
            param2(kernel, [d, 4 * u], device),
            param2(recurrent_kernel, [u, 4 * u], device),
            param1(bias, device),
        ))
    }
}

/// The hidden and cell state of an LSTM layer, each `[batch, units]`.
#[derive(Debug, Clone)]
pub struct LstmState {
    /// Hidden state (the layer's output at the last step): `[batch, units]`.
    pub h: Tensor<2>,
    /// Cell state: `[batch, units]`.
    pub c: Tensor<2>,
}

impl LstmState {
    /// The same state cut from the autodiff graph: what a stateful layer carries to the next
    /// batch (no gradient flows across batches).
    pub fn detach(self) -> Self {
        Self {
            h: self.h.detach(),
            c: self.c.detach(),
        }
    }
}

/// A Keras `LSTM` layer with the fused weight layout.
///
/// For input `x_t` and state `(h, c)`: `z = x_t W + h U + b`, split in four along the last axis
/// as `i, f, g, o`; `c' = sigmoid(f) * c + sigmoid(i) * tanh(g)`, `h' = sigmoid(o) * tanh(c')`.
#[derive(Module, Debug)]
pub struct Lstm {
    /// Input kernel `W`: `[d_input, 4 * units]`.
    pub kernel: Param<Tensor<2>>,
    /// Recurrent kernel `U`: `[units, 4 * units]`.
    pub recurrent_kernel: Param<Tensor<2>>,
    /// Bias `b`: `[4 * units]`.
    pub bias: Param<Tensor<1>>,
}

impl Lstm {
    fn from_parts(
        kernel: Param<Tensor<2>>,
        recurrent_kernel: Param<Tensor<2>>,
        bias: Param<Tensor<1>>,
    ) -> Self {
        Self {
            kernel,
            recurrent_kernel,
            bias,
        }
    }

    /// Memory units.
    pub fn units(&self) -> usize {
        self.recurrent_kernel.shape().dims::<2>()[0]
    }

    /// The same layer with every forget-gate bias set to `value` (Keras's initial value is 1.0).
    pub fn with_forget_bias(self, value: f32) -> Self {
        let u = self.units();
        let mut bias: Vec<f32> = self.bias.val().into_data().try_to_vec::<f32>().expect("f32 bias");
        bias[u..2 * u].fill(value);
        let device = self.bias.val().device();
        Self {
            bias: param1(bias, &device),
            ..self
        }
    }

    /// Input features per step.
    pub fn d_input(&self) -> usize {
        self.kernel.shape().dims::<2>()[0]
    }

    /// Zero state for `batch` samples on `device`.
    pub fn zero_state(&self, batch: usize, device: &Device) -> LstmState {
        let u = self.units();
        LstmState {
            h: Tensor::zeros([batch, u], device),
            c: Tensor::zeros([batch, u], device),
        }
    }

    /// Runs the sequence through the layer, as one fused op ([`crate::fused::lstm_sequence`]):
    /// the input projection of all steps in one matmul, one `[batch, units] x [units, 4 * units]`
    /// matmul per step, and a hand-written backward through time on an autodiff device.
    ///
    /// - x: `[batch, steps, d_input]`
    /// - state: `[batch, units]` each, zeros when `None`
    /// - returns the hidden state of every step `[batch, steps, units]` and the final state.
    ///
    /// # Panics
    ///
    /// When `x` or the state does not fit the layer, with the message of
    /// `fused::check_shapes` (which names the shapes). [`crate::train::Learner`]
    /// checks its data first and returns that error instead; call
    /// [`crate::fused::lstm_sequence`] for a `Result`.
    pub fn forward(&self, x: Tensor<3>, state: Option<LstmState>) -> (Tensor<3>, LstmState) {
        let [batch, _, _] = x.dims();
        let LstmState { h, c } = state.unwrap_or_else(|| self.zero_state(batch, &x.device()));
        let out = crate::fused::lstm_sequence(
            x,
            self.kernel.val(),
            self.recurrent_kernel.val(),
            self.bias.val(),
            h,
            c,
        )
        .unwrap_or_else(|e| panic!("Lstm::forward: {e}"));
        (out.sequence, LstmState { h: out.h, c: out.c })
    }

    /// The same computation op by op (Burn's autodiff differentiates it): the reference the fused
    /// op is tested against, and the clearest statement of what an LSTM step does.
    ///
    /// - x: `[batch, steps, d_input]`
    /// - state: `[batch, units]` each, zeros when `None`
    /// - returns the hidden state of every step `[batch, steps, units]` and the final state.
    pub fn forward_reference(&self, x: Tensor<3>, state: Option<LstmState>) -> (Tensor<3>, LstmState) {
        self.forward_steps(x, None, state)
    }

    /// The layer behind Keras's `Masking`: where `mask` is 0 the step is skipped, so `h` and
    /// `c` keep their values and the step's output repeats the previous one (zeros before the
    /// first unmasked step), as Keras's `rnn` does with `zero_output_for_mask=False`. Computed op
    /// by op like [`Lstm::forward_reference`] (Burn's autodiff differentiates it).
    ///
    /// - x: `[batch, steps, d_input]`; mask: `[batch, steps]`, 1 to keep a step, 0 to skip it
    /// - state: `[batch, units]` each, zeros when `None`
    /// - returns the hidden state of every step `[batch, steps, units]` and the final state.
    pub fn forward_masked(
        &self,
        x: Tensor<3>,
        mask: Tensor<2>,
        state: Option<LstmState>,
    ) -> (Tensor<3>, LstmState) {
        self.forward_steps(x, Some(mask), state)
    }

    /// The input's share of every step's pre-activations, for all steps in one product:
    /// `x W + b`.
    ///
    /// - x: `[batch, steps, d_input]`
    /// - returns `[batch, steps, 4 * units]`
    pub fn project(&self, x: Tensor<3>) -> Tensor<3> {
        let [batch, steps, d_input] = x.dims();
        matmul(x.reshape([batch * steps, d_input]), self.kernel.val())
            .add(self.bias.val().unsqueeze_dim(0))
            .reshape([batch, steps, 4 * self.units()])
    }

    /// One LSTM step from its input projection `xw = x_t W + b` and the state before it:
    /// `z = xw + h U`, the activated gates `[i, f, g, o]` ([`split_gates`]), and the new state
    /// `c' = f * c + i * g`, `h' = o * tanh(c')`.
    ///
    /// - xw: `[batch, 4 * units]`; state: `[batch, units]` each
    /// - returns the gates (`[batch, units]` each) and the new state.
    pub fn step(&self, xw: Tensor<2>, state: LstmState) -> ([Tensor<2>; 4], LstmState) {
        let z = xw + matmul(state.h, self.recurrent_kernel.val()); // [batch, 4u]
        let [i, f, g, o] = split_gates(z);
        let c = f.clone() * state.c + i.clone() * g.clone();
        let h = o.clone() * tanh(c.clone());
        ([i, f, g, o], LstmState { h, c })
    }

    /// The op-by-op loop behind [`Lstm::forward_reference`] and [`Lstm::forward_masked`].
    fn forward_steps(
        &self,
        x: Tensor<3>,
        mask: Option<Tensor<2>>,
        state: Option<LstmState>,
    ) -> (Tensor<3>, LstmState) {
        let [batch, steps, _] = x.dims();
        let u = self.units();
        let mut state = state.unwrap_or_else(|| self.zero_state(batch, &x.device()));
        let projected = self.project(x); // [batch, steps, 4u]
        let mut outputs = Vec::with_capacity(steps);
        for t in 0..steps {
            let xw = projected.clone().narrow(1, t, 1).reshape([batch, 4 * u]);
            let (_, next) = self.step(xw, state.clone());
            state = match &mask {
                None => next,
                Some(mask) => {
                    let keep = mask.clone().narrow(1, t, 1); // [batch, 1]
                    let skip = keep.clone().neg() + 1.0;
                    LstmState {
                        h: next.h * keep.clone() + state.h * skip.clone(),
                        c: next.c * keep + state.c * skip,
                    }
                }
            };
            outputs.push(state.h.clone());
        }
        (Tensor::stack(outputs, 1), state)
    }
}

/// The pre-activations `z = x W + h U + b` (`[batch, 4 * units]`) split into Keras's gate
/// order and activated: `[sigmoid(i), sigmoid(f), tanh(g), sigmoid(o)]`, each `[batch, units]`.
pub fn split_gates(z: Tensor<2>) -> [Tensor<2>; 4] {
    let [i, f, g, o]: [Tensor<2>; 4] = z
        .chunk(4, 1)
        .try_into()
        .expect("4 * units columns split into 4 gates");
    [sigmoid(i), sigmoid(f), tanh(g), sigmoid(o)]
}

/// A Keras `Dense` layer (linear part; the softmax lives in the loss and in `predict`).
#[derive(Module, Debug)]
pub struct Dense {
    /// `[d_input, d_output]`.
    pub kernel: Param<Tensor<2>>,
    /// `[d_output]`.
    pub bias: Param<Tensor<1>>,
}

impl Dense {
    /// Keras's initialisation: `glorot_uniform` kernel, zero bias.
    pub fn init<R: Rng>(rng: &mut R, d_input: usize, d_output: usize, device: &Device) -> Result<Self> {
        if d_input == 0 || d_output == 0 {
            return Err(Error::invalid(
                "Dense size",
                format!("{d_input} -> {d_output}: both must be at least 1"),
            ));
        }
        let kernel = init::glorot_uniform(rng, d_input, d_output);
        Ok(Self {
            kernel: param2(kernel, [d_input, d_output], device),
            bias: param1(vec![0.0; d_output], device),
        })
    }

    /// A Dense layer holding given weights: `kernel [d_input, d_output]`, `bias [d_output]`.
    pub fn load(
        kernel: Vec<f32>,
        bias: Vec<f32>,
        d_input: usize,
        d_output: usize,
        device: &Device,
    ) -> Result<Self> {
        check_len("Dense kernel", &kernel, d_input * d_output)?;
        check_len("Dense bias", &bias, d_output)?;
        Ok(Self {
            kernel: param2(kernel, [d_input, d_output], device),
            bias: param1(bias, device),
        })
    }

    /// `[d_input, d_output]`.
    pub fn dims(&self) -> [usize; 2] {
        self.kernel.shape().dims::<2>()
    }

    /// Keras's parameter count: `(d_input + 1) * d_output`.
    pub fn num_params(&self) -> usize {
        let [d_in, d_out] = self.dims();
        (d_in + 1) * d_out
    }

    /// Applied to the last axis, so on `[batch, steps, d_input]` it is Keras's
    /// `TimeDistributed(Dense)`.
    ///
    /// - x: `[..., d_input]`
    /// - returns `[..., d_output]`
    pub fn forward<const D: usize>(&self, x: Tensor<D>) -> Tensor<D> {
        let [d_in, d_out] = self.dims();
        let dims = x.dims();
        let rows = dims[..D - 1].iter().product::<usize>();
        if rows.max(d_in).max(d_out) <= K_CHUNK {
            // Every product of the forward and the backward sums at most K_CHUNK terms.
            return burn::tensor::module::linear(x, self.kernel.val(), Some(self.bias.val()));
        }
        let mut out_dims = dims;
        out_dims[D - 1] = d_out;
        (matmul(x.reshape([rows, d_in]), self.kernel.val()) + self.bias.val().unsqueeze_dim(0))
            .reshape(out_dims)
    }
}

/// `a b` for `a [m, k]` and `b [k, n]`, with every product of the forward and of the backward
/// summing at most [`K_CHUNK`] terms, so that the bits are the same on every host (see
/// [`K_CHUNK`]: Burn's CPU matmul is the same `gemm` crate as ours). Within the chunk it is Burn's
/// own matmul; past it the product is cut into blocks of at most `K_CHUNK` rows of `a`, columns of
/// `a` (rows of `b`) and columns of `b`:
///
/// - the forward sums over `k` block by block (`k` of each product <= `K_CHUNK`);
/// - `d a = d out b^T` then sums over `n` (hence the column blocks of `b`);
/// - `d b = a^T d out` sums over `m` (hence the row blocks of `a`).
pub fn matmul(a: Tensor<2>, b: Tensor<2>) -> Tensor<2> {
    let ([m, k], [_, n]) = (a.dims(), b.dims());
    if m.max(k).max(n) <= K_CHUNK || k == 0 {
        return a.matmul(b);
    }
    let blocks = |len: usize| (0..len).step_by(K_CHUNK).map(move |s| (s, K_CHUNK.min(len - s)));
    let rows: Vec<Tensor<2>> = blocks(m)
        .map(|(r, rl)| {
            let a_rows = a.clone().narrow(0, r, rl); // [rl, k]
            let cols: Vec<Tensor<2>> = blocks(n)
                .map(|(c, cl)| {
                    let b_cols = b.clone().narrow(1, c, cl); // [k, cl]
                    blocks(k)
                        .map(|(d, dl)| {
                            a_rows
                                .clone()
                                .narrow(1, d, dl)
                                .matmul(b_cols.clone().narrow(0, d, dl))
                        })
                        .reduce(|sum, part| sum + part)
                        .expect("k > 0, checked above") // [rl, cl]
                })
                .collect();
            Tensor::cat(cols, 1) // [rl, n]
        })
        .collect();
    Tensor::cat(rows, 0) // [m, n]
}

/// Keras's `RepeatVector(n)`.
///
/// - x: `[batch, features]`
/// - returns `[batch, n, features]`
pub fn repeat_vector(x: Tensor<2>, n: usize) -> Tensor<3> {
    x.unsqueeze_dim::<3>(1).repeat_dim(1, n)
}

fn param2(values: Vec<f32>, shape: [usize; 2], device: &Device) -> Param<Tensor<2>> {
    Param::from_data(TensorData::new(values, shape), device)
}

fn param1(values: Vec<f32>, device: &Device) -> Param<Tensor<1>> {
    let n = values.len();
    Param::from_data(TensorData::new(values, [n]), device)
}

fn check_len(what: &'static str, values: &[f32], expected: usize) -> Result<()> {
    if values.len() != expected {
        return Err(Error::Shape {
            context: what,
            expected: vec![expected],
            actual: vec![values.len()],
        });
    }
    Ok(())
}
