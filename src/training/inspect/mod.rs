//! A look inside a model: what each gate and state of an LSTM did at every step of one sample
//! ([`trace`]), how much of the cell state survives the forget gates to the end
//! ([`LstmTrace::forget_reach`]), how strongly the loss depends on each input step
//! ([`input_gradient_norms`]) and on each weight ([`weight_gradients`]), and whether changing
//! one input step changes the answer, and to what ([`intervene`]); over many samples, how each gate
//! behaves: its mean and how often it is shut or open ([`gate_stats`]).
//!
//! The gradient of the loss with respect to the input at step `t` says how much a change there
//! would move the answer. Backpropagation through time carries it from the output back to step
//! `t` along two paths at every step in between: through the cell, multiplied by that step's
//! forget gate, and through `h`, which enters every gate of the next step through the recurrent
//! kernel. For a value read many steps before the answer it shrinks step after step: the vanilla
//! LSTM's index 2 of 50 is out of reach long before it is learned.
//!
//! ```
//! use burn::tensor::Device;
//! use lstm_lab::inspect::input_gradient_norms;
//! use lstm_lab::tutorials::{Tutorial, vanilla_index::VanillaIndexConfig};
//! use rand::SeedableRng;
//! use lstm_lab::ChaCha12Rng;
//!
//! let config = VanillaIndexConfig::default();
//! let mut rng = ChaCha12Rng::seed_from_u64(1);
//! let model = config.model().unwrap().init(&mut rng, &Device::flex().autodiff()).unwrap();
//! let (x, y) = config.generate_batch(&mut rng, 8).unwrap();
//! let norms = input_gradient_norms(&model, &x, &y).unwrap();
//! assert_eq!(norms.len(), 50);
//! assert!(norms[49] > 100.0 * norms[2]); // the last step counts far more than index 2
//! ```

use crate::array::Array3;
use crate::error::{Error, Result};
use crate::layers::{Lstm, LstmState};
use crate::models::LstmModel;
use burn::tensor::Tensor;

mod gates;
mod probe;
mod weights;

pub use gates::{GateStats, gate_stats};
pub use probe::{MemoryCurve, memory_probe};
pub use weights::{LstmWeights, weight_gradients};

/// Everything one LSTM layer computed for one sample, step by step: each field is
/// `[steps][units]`.
///
/// At step `t`, with `z = x_t W + h_{t-1} U + b` split in four: `input = sigmoid(z_i)`,
/// `forget = sigmoid(z_f)`, `candidate = tanh(z_g)`, `output = sigmoid(z_o)`;
/// `cell = forget * c_{t-1} + input * candidate`, `hidden = output * tanh(cell)`.
#[derive(Debug, Clone, PartialEq)]
pub struct LstmTrace {
    /// Input gate `i`: how much of the candidate is written into the cell.
    pub input: Vec<Vec<f32>>,
    /// Forget gate `f`: how much of the cell is kept from the step before.
    pub forget: Vec<Vec<f32>>,
    /// Candidate `g`: the new value offered to the cell, in (-1, 1).
    pub candidate: Vec<Vec<f32>>,
    /// Output gate `o`: how much of `tanh(cell)` is shown as the hidden state.
    pub output: Vec<Vec<f32>>,
    /// Cell state `c` after the step.
    pub cell: Vec<Vec<f32>>,
    /// Hidden state `h` after the step (the layer's output).
    pub hidden: Vec<Vec<f32>>,
}

impl LstmTrace {
    /// Time steps traced.
    pub fn steps(&self) -> usize {
        self.hidden.len()
    }

    /// How much of what the cell held after step `t` is still there at the last step, per
    /// unit: the product of the forget gates of the steps after `t` (1 at the last step).
    /// A value written at step `t` reaches the answer scaled by this (plus whatever the input
    /// gates add back), so it shows how far back each unit can remember. `[steps][units]`.
    pub fn forget_reach(&self) -> Vec<Vec<f32>> {
        let units = self.forget.first().map_or(0, Vec::len);
        let mut reach = vec![vec![1.0f32; units]; self.steps()];
        for t in (0..self.steps().saturating_sub(1)).rev() {
            let (now, later) = reach.split_at_mut(t + 1);
            for (u, r) in now[t].iter_mut().enumerate() {
                *r = later[0][u] * self.forget[t + 1][u];
            }
        }
        reach
    }
}

/// Runs one sample through `lstm` step by step and records its gates and states.
///
/// - x: `[1, steps, d_input]` (one sample); state: its initial `(h, c)`, zeros when `None`
/// - returns an [`LstmTrace`] whose `hidden` equals the layer's own forward output.
pub fn trace(lstm: &Lstm, x: &Array3, state: Option<LstmState>) -> Result<LstmTrace> {
    let [samples, steps, _] = x.shape();
    if samples != 1 {
        return Err(Error::invalid(
            "x",
            format!("trace takes one sample ([1, steps, features]), got {samples}"),
        ));
    }
    let row = |t: &Tensor<2>| -> Result<Vec<f32>> { values(t.clone()) };
    let mut out = LstmTrace {
        input: Vec::with_capacity(steps),
        forget: Vec::with_capacity(steps),
        candidate: Vec::with_capacity(steps),
        output: Vec::with_capacity(steps),
        cell: Vec::with_capacity(steps),
        hidden: Vec::with_capacity(steps),
    };
    each_step(lstm, x, state, |_, [i, f, g, o], next| {
        out.input.push(row(i)?);
        out.forget.push(row(f)?);
        out.candidate.push(row(g)?);
        out.output.push(row(o)?);
        out.cell.push(row(&next.c)?);
        out.hidden.push(row(&next.h)?);
        Ok(())
    })?;
    Ok(out)
}

/// Runs every sample of `x` (`[samples, steps, d_input]`) through `lstm` from `state` (zeros
/// when `None`), one step at a time, without autodiff, and calls `visit(t, gates, state)` after
/// each step with its gates `[i, f, g, o]` and the state it reached, each `[samples, units]`.
fn each_step(
    lstm: &Lstm,
    x: &Array3,
    state: Option<LstmState>,
    mut visit: impl FnMut(usize, &[Tensor<2>; 4], &LstmState) -> Result<()>,
) -> Result<()> {
    let [samples, steps, d_input] = x.shape();
    if d_input != lstm.d_input() {
        return Err(Error::Shape {
            context: "features of x vs the LSTM's input",
            expected: vec![lstm.d_input()],
            actual: vec![d_input],
        });
    }
    if samples == 0 || steps == 0 {
        return Err(Error::Empty {
            what: "the samples run through the LSTM",
        });
    }
    let device = lstm.kernel.val().device();
    let lstm = burn::module::Module::valid(lstm);
    let xt = x.to_tensor(&device).without_autodiff(); // [samples, steps, d]
    let mut state = state.unwrap_or_else(|| lstm.zero_state(samples, &xt.device()));
    let projected = lstm.project(xt); // [samples, steps, 4u]
    for t in 0..steps {
        let xw = projected
            .clone()
            .narrow(1, t, 1)
            .reshape([samples, 4 * lstm.units()]);
        let (gates, next) = lstm.step(xw, state);
        visit(t, &gates, &next)?;
        state = next;
    }
    Ok(())
}

/// A tensor's values, row-major.
fn values(t: Tensor<2>) -> Result<Vec<f32>> {
    t.into_data()
        .try_to_vec::<f32>()
        .map_err(|e| Error::invalid("activations", format!("{e:?}")))
}

/// The norm of the loss's gradient with respect to each input step, `|dL/dx_t|`, averaged over
/// the samples: one number per step. The model must live on an autodiff device.
///
/// - x: `[samples, steps, features]`; y: the targets, `[samples, out_steps, classes]`
/// - returns `[steps]`
pub fn input_gradient_norms(model: &LstmModel, x: &Array3, y: &Array3) -> Result<Vec<f32>> {
    let (xt, steps) = gradient_input(model, x, y)?;
    norms_per_step(loss(model, xt.clone(), y), xt, steps)
}

/// The model's training loss (Keras's, masked where the model masks) on `xt` against `y`.
fn loss(model: &LstmModel, xt: Tensor<3>, y: &Array3) -> Tensor<1> {
    let targets = y.to_tensor(&xt.device());
    let mask = model.output_mask(&xt);
    let (logits, _) = model.forward(xt, None);
    model.loss_kind().forward_masked(logits, targets, mask)
}

/// What changing one input step did to a model's answers ([`intervene`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Intervention {
    /// Samples changed.
    pub samples: usize,
    /// Samples whose answer changed (at any output step).
    pub changed: usize,
    /// Samples whose answer changed to the new value itself (at every output step): the answer
    /// followed the changed input rather than merely moving.
    pub followed: usize,
}

/// An intervention on one input step: in every sample the one-hot value at `step` is replaced
/// by the next of the `values` the data uses (`v -> (v + 1) % values`), everything else kept,
/// and the model's answers before and after are compared: how many changed, and how many became
/// the new value. Where a gradient says how much an infinitesimal change would move the loss,
/// this says whether a whole change of the value moves the answer, and where to.
///
/// - x: `[samples, steps, classes]`, one-hot rows holding values below `values`
pub fn intervene(model: &LstmModel, x: &Array3, step: usize, values: usize) -> Result<Intervention> {
    let [samples, steps, classes] = x.shape();
    if values < 2 || values > classes {
        return Err(Error::invalid(
            "values",
            format!("{values}: the data must use 2 to {classes} classes"),
        ));
    }
    if step >= steps {
        return Err(Error::invalid(
            "step",
            format!("{step} is past the last of {steps} input steps"),
        ));
    }
    if classes != model.features() {
        return Err(Error::Shape {
            context: "features of x vs the model's input",
            expected: vec![model.features()],
            actual: vec![classes],
        });
    }
    let mut changed = x.as_slice().to_vec();
    let mut new_values = Vec::with_capacity(samples);
    for sample in 0..samples {
        let row = &mut changed[(sample * steps + step) * classes..][..classes];
        let hot = row
            .iter()
            .position(|&v| v == 1.0)
            .filter(|&hot| hot < values)
            .ok_or_else(|| {
                Error::invalid(
                    "x",
                    format!("sample {sample}, step {step} is not one-hot over the first {values} classes"),
                )
            })?;
        row.fill(0.0);
        row[(hot + 1) % values] = 1.0;
        new_values.push((hot + 1) % values);
    }
    let changed = Array3::new(changed, x.shape())?;
    let model = burn::module::Module::valid(model);
    let device = model.encoder().kernel.val().device();
    let answers = |x: &Array3| Array3::from_tensor(model.forward(x.to_tensor(&device), None).0).argmax();
    let (before, after) = (answers(x), answers(&changed));
    Ok(Intervention {
        samples,
        changed: before.iter().zip(&after).filter(|(b, a)| b != a).count(),
        followed: before
            .iter()
            .zip(&after)
            .zip(&new_values)
            .filter(|((b, a), v)| b != a && a.iter().all(|answer| answer == *v))
            .count(),
    })
}

/// `x` as a tensor that records its gradient, on the model's (autodiff) device, and its steps;
/// refuses a model off autodiff, an empty `x`, and `x` or `y` that do not fit the model.
fn gradient_input(model: &LstmModel, x: &Array3, y: &Array3) -> Result<(Tensor<3>, usize)> {
    let device = model.encoder().kernel.val().device();
    if !model.encoder().kernel.val().is_autodiff() {
        return Err(Error::invalid(
            "device",
            "input gradients need the model on an autodiff device: use `device.autodiff()`",
        ));
    }
    let [samples, steps, features] = x.shape();
    if samples == 0 || steps == 0 {
        return Err(Error::Empty { what: "the input X" });
    }
    if features != model.features() || y.len() != samples {
        return Err(Error::Shape {
            context: "X [samples, features] vs the model and y",
            expected: vec![y.len(), model.features()],
            actual: vec![samples, features],
        });
    }
    Ok((x.to_tensor(&device).require_grad(), steps))
}

/// `|dL/dx_t|` for each step `t`, averaged over the samples.
fn norms_per_step(loss: Tensor<1>, xt: Tensor<3>, steps: usize) -> Result<Vec<f32>> {
    let grads = loss.backward();
    let dx = xt
        .grad(&grads)
        .ok_or_else(|| Error::invalid("input", "the loss does not depend on the input"))?; // [samples, steps, features]
    let per_step = (dx.clone() * dx).sum_dim(2).sqrt().mean_dim(0); // [1, steps, 1]
    let values: Vec<f32> = per_step
        .into_data()
        .try_to_vec::<f32>()
        .map_err(|e| Error::invalid("input gradient", format!("{e:?}")))?;
    debug_assert_eq!(values.len(), steps);
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::LstmConfig;

    /// The trace's hidden states are the layer's own (fused) output, and its gates are those
    /// recomputed by hand, in f64, from the layer's weights.
    #[test]
    fn trace_matches_the_layer_and_its_weights() {
        let device = Device::flex();
        let mut rng = ChaCha12Rng::seed_from_u64(5);
        let (d, u, steps) = (3, 4, 6);
        let lstm = LstmConfig::new(d, u).unwrap().init(&mut rng, &device);
        let lstm = lstm.with_forget_bias(0.3);
        let x_values: Vec<f32> = (0..steps * d)
            .map(|i| ((i * 5 % 13) as f32 - 6.0) / 6.0)
            .collect();
        let x = Array3::new(x_values.clone(), [1, steps, d]).unwrap();
        let tr = trace(&lstm, &x, None).unwrap();
        let (seq, _) = lstm.forward(x.to_tensor(&device), None);
        let seq: Vec<f32> = seq.into_data().try_to_vec::<f32>().unwrap();
        for t in 0..steps {
            for k in 0..u {
                assert!((tr.hidden[t][k] - seq[t * u + k]).abs() < 1e-6, "h[{t}][{k}]");
            }
        }
        let w = |p: Tensor<2>| p.into_data().try_to_vec::<f32>().unwrap();
        let (kernel, recurrent) = (w(lstm.kernel.val()), w(lstm.recurrent_kernel.val()));
        let bias: Vec<f32> = lstm.bias.val().into_data().try_to_vec::<f32>().unwrap();
        let sig = |v: f64| 1.0 / (1.0 + (-v).exp());
        let (mut h, mut c) = (vec![0.0f64; u], vec![0.0f64; u]);
        for t in 0..steps {
            let z: Vec<f64> = (0..4 * u)
                .map(|j| {
                    let from_x: f64 = (0..d)
                        .map(|i| f64::from(x_values[t * d + i]) * f64::from(kernel[i * 4 * u + j]))
                        .sum();
                    let from_h: f64 = (0..u).map(|i| h[i] * f64::from(recurrent[i * 4 * u + j])).sum();
                    from_x + from_h + f64::from(bias[j])
                })
                .collect();
            for k in 0..u {
                let (i, f, g, o) = (sig(z[k]), sig(z[u + k]), z[2 * u + k].tanh(), sig(z[3 * u + k]));
                c[k] = f * c[k] + i * g;
                h[k] = o * c[k].tanh();
                for (name, ours, want) in [
                    ("i", tr.input[t][k], i),
                    ("f", tr.forget[t][k], f),
                    ("g", tr.candidate[t][k], g),
                    ("o", tr.output[t][k], o),
                    ("c", tr.cell[t][k], c[k]),
                ] {
                    assert!(
                        (f64::from(ours) - want).abs() < 1e-5,
                        "{name}[{t}][{k}]: {ours} vs {want}"
                    );
                }
            }
        }
        // The reach is the product of the later forget gates.
        let reach = tr.forget_reach();
        assert_eq!(reach[steps - 1], vec![1.0; u]);
        let want: f32 = (2..steps).map(|t| tr.forget[t][1]).product();
        assert!((reach[1][1] - want).abs() < 1e-6);
    }
    use crate::ChaCha12Rng;
    use crate::models::{ModelConfig, Topology};
    use burn::module::Module;
    use burn::tensor::Device;
    use rand::SeedableRng;

    /// Central differences in f64 arithmetic on the f32 model: the gradient's norm at each step
    /// agrees with the one backpropagation gives.
    #[test]
    fn input_gradients_match_finite_differences() {
        let device = Device::flex().autodiff();
        let mut rng = ChaCha12Rng::seed_from_u64(3);
        let model = ModelConfig::new(4, 3, 5, 3, Topology::ManyToOne)
            .unwrap()
            .init(&mut rng, &device)
            .unwrap();
        let x_values: Vec<f32> = (0..12).map(|i| ((i * 7 % 11) as f32 - 5.0) / 5.0).collect();
        let x = Array3::new(x_values.clone(), [1, 4, 3]).unwrap();
        let y = Array3::new(vec![0.0, 1.0, 0.0], [1, 1, 3]).unwrap();
        let norms = input_gradient_norms(&model, &x, &y).unwrap();
        let plain = model.valid();
        let loss_at = |values: &[f32]| -> f64 {
            let x = Array3::new(values.to_vec(), [1, 4, 3])
                .unwrap()
                .to_tensor(&Device::flex());
            let (logits, _) = plain.forward(x, None);
            let loss = plain.loss_kind().forward(logits, y.to_tensor(&Device::flex()));
            crate::train::scalar(loss) as f64
        };
        let h = 1e-2_f32;
        for (t, norm) in norms.iter().enumerate() {
            let mut squares = 0.0;
            for f in 0..3 {
                let (mut up, mut down) = (x_values.clone(), x_values.clone());
                up[t * 3 + f] += h;
                down[t * 3 + f] -= h;
                let d = (loss_at(&up) - loss_at(&down)) / (2.0 * h as f64);
                squares += d * d;
            }
            let fd = squares.sqrt() as f32;
            assert!(
                (fd - norm).abs() <= 1e-3 + 1e-2 * fd,
                "step {t}: backprop {norm}, finite differences {fd}"
            );
        }
    }

    #[test]
    fn interventions_count_changed_answers_and_refuse_bad_steps() {
        let device = Device::flex();
        let model = ModelConfig::new(4, 3, 5, 3, Topology::ManyToOne)
            .unwrap()
            .init(&mut ChaCha12Rng::seed_from_u64(6), &device)
            .unwrap();
        let hot = |v: usize| (0..3).map(move |c| if c == v { 1.0 } else { 0.0 });
        let values: Vec<f32> = (0..6 * 4).flat_map(|i| hot(i % 3)).collect();
        let x = Array3::new(values, [6, 4, 3]).unwrap();
        for step in 0..4 {
            let seen = intervene(&model, &x, step, 3).unwrap();
            assert_eq!(seen.samples, 6);
            assert!(seen.changed <= 6 && seen.followed <= seen.changed);
        }
        assert!(
            intervene(&model, &x, 4, 3)
                .unwrap_err()
                .to_string()
                .contains("past the last")
        );
        assert!(
            intervene(&model, &x, 0, 2)
                .unwrap_err()
                .to_string()
                .contains("not one-hot")
        );
        assert!(intervene(&model, &x, 0, 1).is_err());
    }
}
