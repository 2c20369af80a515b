//! A Keras-like training loop: `fit`, `evaluate`, `predict`, stateful carry and reset.

use crate::array::Array3;
use crate::config::Checked;
use crate::error::{Error, Result};
use crate::fused::step::FusedStep;
use crate::layers::LstmState;
use crate::models::{LstmModel, ModelState};
use crate::optim::{KerasAdam, KerasAdamConfig};
use crate::progress::progress_bar;
use burn::module::Module;
use burn::tensor::{Device, Tensor};
use rand::Rng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

pub use super::fit_config::FitConfig;

/// Loss and accuracy per epoch, as Keras's `History.history`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    /// Mean training loss of each epoch (over its batches, weighted by batch size).
    pub loss: Vec<f32>,
    /// Training accuracy of each epoch (fraction of correct rows).
    pub accuracy: Vec<f32>,
    /// Validation loss per epoch (empty without a validation split).
    pub val_loss: Vec<f32>,
    /// Validation accuracy per epoch (empty without a validation split).
    pub val_accuracy: Vec<f32>,
}

impl History {
    /// Appends another history (the tutorials call `fit` once per fresh sequence).
    pub fn extend(&mut self, other: History) {
        self.loss.extend(other.loss);
        self.accuracy.extend(other.accuracy);
        self.val_loss.extend(other.val_loss);
        self.val_accuracy.extend(other.val_accuracy);
    }

    /// Number of epochs recorded.
    pub fn len(&self) -> usize {
        self.loss.len()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.loss.is_empty()
    }
}

/// Loss and accuracy over a dataset (`model.evaluate`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Mean categorical cross-entropy.
    pub loss: f32,
    /// Fraction of correct `[sample, step]` rows.
    pub accuracy: f32,
}

/// A compiled Keras model: the network, its Adam, and (when stateful) the carried LSTM state.
///
/// Stateful semantics are Keras's: the final state of sample `i` of one batch is the initial
/// state of sample `i` of the next, in `fit`, `evaluate` and `predict` alike, with no gradient
/// across batches, until [`Learner::reset_states`].
#[derive(Debug, Clone)]
pub struct Learner {
    /// Always `Some`, except inside [`Learner::train_step`] while Adam consumes the model (so the
    /// update can reuse the parameters' buffers in place).
    model: Option<LstmModel>,
    optimizer: KerasAdam,
    stateful: bool,
    state: Option<ModelState>,
    /// The fused step of the last `fit` that took it, kept so that the next one starts from its
    /// buffers; released (`release_fused`) by anything that changes the model, Adam or the state
    /// without it. While it is kept, Adam's moments live in it, not in `optimizer`.
    fused: Option<FusedStep>,
}

impl Learner {
    /// Compiles `model` with Keras's default Adam. The model's parameters must live on an
    /// autodiff device (`Device::flex().autodiff()`).
    pub fn new(model: LstmModel, stateful: bool) -> Result<Self> {
        Self::with_optimizer(model, stateful, KerasAdamConfig::default())
    }

    /// Compiles `model` with the given Adam settings.
    pub fn with_optimizer(model: LstmModel, stateful: bool, adam: KerasAdamConfig) -> Result<Self> {
        crate::models::check_head(model.output, model.classes())?;
        if !model.encoder().kernel.val().is_autodiff() {
            return Err(Error::invalid(
                "device",
                "training needs an autodiff device: use `device.autodiff()`",
            ));
        }
        Ok(Self {
            model: Some(model),
            optimizer: adam.init()?,
            stateful,
            state: None,
            fused: None,
        })
    }

    /// The network.
    pub fn model(&self) -> &LstmModel {
        self.model
            .as_ref()
            .expect("the model is only taken out during an optimiser step")
    }

    /// The optimizer (its step count, its settings). While the last fit's fused step is kept
    /// ([`Learner::uses_fused_step`]), Adam's moments live in it: they come back into this
    /// optimizer when anything steps without it (`train_step`, a fit through the reference
    /// step), so step through the learner rather than through a copy of its optimizer.
    pub fn optimizer(&self) -> &KerasAdam {
        &self.optimizer
    }

    /// Whether the last `fit` trained through the fused CPU step
    /// ([`FitConfig::with_fused_step`]) and keeps its buffers for the next one.
    pub fn uses_fused_step(&self) -> bool {
        self.fused.is_some()
    }

    /// Whether state is carried across batches.
    pub fn is_stateful(&self) -> bool {
        self.stateful
    }

    /// The carried state, if any batch has run since the last reset.
    pub fn state(&self) -> Option<&ModelState> {
        self.state.as_ref()
    }

    pub(super) fn optimizer_mut(&mut self) -> &mut KerasAdam {
        &mut self.optimizer
    }

    pub(super) fn map_model(&mut self, f: impl FnOnce(LstmModel) -> LstmModel) {
        let model = self.model.take().expect("a model between steps");
        self.model = Some(f(model));
    }

    pub(super) fn take_fused(&mut self) -> Option<FusedStep> {
        self.fused.take()
    }

    pub(super) fn set_state(&mut self, state: ModelState) {
        self.state = Some(state);
    }

    /// Keras's `model.reset_states()`: the next batch starts from zeros.
    pub fn reset_states(&mut self) {
        self.state = None;
        if let Some(fused) = self.fused.as_mut() {
            fused.state = None;
        }
    }

    fn device(&self) -> Device {
        self.model().encoder().kernel.val().device()
    }

    /// Refuses data the model cannot take, before any arithmetic: no samples or no steps, `X`'s
    /// features or `y`'s samples, steps or classes that do not match the model, a NaN or an
    /// infinity anywhere, and (stateful) a batch that does not divide the samples or differs
    /// from the batch of the carried state until `reset_states` (Keras, whose stateful models
    /// fix their batch size when built, refuses any other batch at all).
    fn check_data(&self, x: &Array3, y: Option<&Array3>, batch_size: usize) -> Result<()> {
        let [n, steps, features] = x.shape();
        if n == 0 {
            return Err(Error::Empty { what: "the input X" });
        }
        if steps == 0 {
            return Err(Error::Empty {
                what: "the time steps of X",
            });
        }
        if features != self.model().features() {
            return Err(Error::Shape {
                context: "features of X vs the model's input",
                expected: vec![self.model().features()],
                actual: vec![features],
            });
        }
        x.check_finite("the input X", "feature")?;
        if let Some(y) = y {
            let [ny, y_steps, classes] = y.shape();
            if ny != n {
                return Err(Error::Shape {
                    context: "samples of y vs X",
                    expected: vec![n],
                    actual: vec![ny],
                });
            }
            let out_steps = self.model().config(steps).out_steps();
            if y_steps != out_steps {
                return Err(Error::Shape {
                    context: "output steps of y vs the model's output for X's steps",
                    expected: vec![out_steps],
                    actual: vec![y_steps],
                });
            }
            if classes != self.model().classes() {
                return Err(Error::Shape {
                    context: "classes of y vs the model's output",
                    expected: vec![self.model().classes()],
                    actual: vec![classes],
                });
            }
            y.check_finite("the targets y", "class")?;
        }
        if self.stateful && n % batch_size != 0 {
            return Err(Error::invalid(
                "batch_size",
                format!(
                    "a stateful model needs the samples ({n}) to be a multiple of the batch size ({batch_size})"
                ),
            ));
        }
        if let (true, Some(state)) = (self.stateful, self.state.as_ref().and_then(|s| s.first())) {
            let carried = state.h.dims()[0];
            if carried != batch_size {
                return Err(Error::invalid(
                    "batch_size",
                    format!(
                        "{batch_size}, but the stateful model carries the state of a batch of {carried}: call `reset_states()` first"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Keras's `model.fit(x, y, epochs, batch_size, shuffle, validation_split)`.
    ///
    /// - x: `[samples, steps, features]`
    /// - y: one-hot `[samples, out_steps, classes]`
    ///
    /// Loss and accuracy are read from the device once per epoch, not per batch.
    ///
    /// Bad data is refused before any step (see `check_data`). Training stops with
    /// [`Error::Diverged`] at the end of an epoch whose loss is not finite, naming the first
    /// such batch (Keras's `TerminateOnNaN`); unlike Keras's `fit`, the history of the epochs
    /// before it is not returned, and the weights are left as the bad step made them.
    pub fn fit<R: Rng>(
        &mut self,
        x: &Array3,
        y: &Array3,
        config: &Checked<FitConfig>,
        rng: &mut R,
    ) -> Result<History> {
        self.check_data(x, Some(y), config.batch_size)?;
        if self.stateful && config.validation_split > 0.0 {
            return Err(Error::invalid(
                "validation_split",
                "not supported for a stateful model",
            ));
        }
        let n = x.len();
        let split = (n as f64 * (1.0 - config.validation_split as f64)).floor() as usize;
        if split == 0 {
            return Err(Error::invalid(
                "validation_split",
                format!("leaves no training samples out of {n}"),
            ));
        }
        let (train_x, train_y) = (x.slice(0, split), y.slice(0, split));
        let validation = (split < n).then(|| (x.slice(split, n), y.slice(split, n)));
        let device = self.device();
        let bar = progress_bar(config.progress, config.epochs as u64, "epochs");
        let mut history = History::default();
        let mut order: Vec<usize> = (0..split).collect();
        // Rows the accuracy counts: the same every epoch, whatever the order.
        let rows = self.scored_rows(&train_x, &train_y);
        // Each batch's loss (on the device), read only to name the first non-finite batch if an
        // epoch's loss is not finite; one buffer for the whole fit.
        let mut batch_losses = Vec::with_capacity(split.div_ceil(config.batch_size));
        if !config.fused_step {
            self.release_fused();
        }
        let mut fused = match self.fused.take() {
            Some(kept) => Some(kept),
            None if config.fused_step => self.fused_step(),
            None => None,
        };
        // The epoch's shuffled samples, one buffer for the whole fit.
        let (mut shuffled_x, mut shuffled_y) = (train_x.select(&[]), train_y.select(&[]));
        for _ in 0..config.epochs {
            let (xs, ys) = if config.shuffle {
                order.shuffle(rng);
                train_x.select_into(&order, &mut shuffled_x);
                train_y.select_into(&order, &mut shuffled_y);
                (&shuffled_x, &shuffled_y)
            } else {
                (&train_x, &train_y)
            };
            if let Some(step) = fused.as_mut() {
                self.fused_epoch(step, (xs, ys), config, (&validation, rows), &mut history)?;
                if !bar.is_hidden() {
                    bar.set_message(epoch_message(&history));
                }
                bar.inc(1);
                continue;
            }
            let (xs, ys) = (xs.to_tensor(&device), ys.to_tensor(&device));
            let mut loss_sum: Option<Tensor<1>> = None;
            let mut correct: Option<Tensor<1>> = None;
            batch_losses.clear();
            for start in (0..split).step_by(config.batch_size) {
                let len = config.batch_size.min(split - start);
                let xb = xs.clone().narrow(0, start, len);
                let yb = ys.clone().narrow(0, start, len);
                let (batch_loss, batch_correct) = self.train_step(xb, yb);
                batch_losses.push(batch_loss.clone());
                let weighted = batch_loss * len as f32;
                loss_sum = Some(match loss_sum {
                    Some(s) => s + weighted,
                    None => weighted,
                });
                correct = Some(match correct {
                    Some(s) => s + batch_correct,
                    None => batch_correct,
                });
            }
            let epoch_loss = scalar(loss_sum.expect("at least one batch")) / split as f32;
            if !epoch_loss.is_finite() {
                let losses: Vec<f32> = batch_losses.iter().map(|l| scalar(l.clone())).collect();
                return Err(diverged(history.loss.len() + 1, &losses, epoch_loss));
            }
            history.loss.push(epoch_loss);
            history
                .accuracy
                .push(scalar(correct.expect("at least one batch")) / rows);
            self.record_validation(&validation, config.batch_size, &mut history)?;
            bar.set_message(epoch_message(&history));
            bar.inc(1);
        }
        bar.finish_and_clear();
        self.fused = fused;
        Ok(history)
    }

    /// Keras's end-of-epoch validation pass, when `fit` holds samples out.
    pub(super) fn record_validation(
        &mut self,
        validation: &Option<(Array3, Array3)>,
        batch_size: usize,
        history: &mut History,
    ) -> Result<()> {
        if let Some((vx, vy)) = validation {
            let eval = self.evaluate(vx, vy, batch_size)?;
            history.val_loss.push(eval.loss);
            history.val_accuracy.push(eval.accuracy);
        }
        Ok(())
    }

    /// One Adam step on one batch; returns the batch's loss and its number of correct rows
    /// (both still on the device, computed before the update, as Keras reports them).
    ///
    /// - xb: `[batch, steps, features]`, yb: `[batch, out_steps, classes]`
    pub fn train_step(&mut self, xb: Tensor<3>, yb: Tensor<3>) -> (Tensor<1>, Tensor<1>) {
        self.release_fused();
        let state = if self.stateful { self.state.take() } else { None };
        let mask = self.model().output_mask(&xb);
        let (logits, new_state) = self.model().forward(xb, state);
        if self.stateful {
            self.state = Some(plain_state(new_state));
        }
        let loss = (self.model().loss_kind()).forward_masked(logits.clone(), yb.clone(), mask.clone());
        let grads = loss.backward();
        let correct = self.model().correct(
            logits.without_autodiff(),
            yb.without_autodiff(),
            mask.map(|m| m.without_autodiff()),
        );
        let model = self.model.take().expect("a model between steps");
        self.model = Some(self.optimizer.step(model, &grads));
        (loss.without_autodiff(), correct)
    }

    /// Logits of `x`, batch by batch, carrying state when stateful.
    fn forward_batches(&mut self, x: &Array3, batch_size: usize) -> Vec<Tensor<3>> {
        if self.stateful {
            self.release_fused(); // the carried state moves on
        }
        let device = self.device();
        let model = self.model().valid();
        let xs = x.to_tensor(&device).without_autodiff();
        let n = x.len();
        (0..n)
            .step_by(batch_size)
            .map(|start| {
                let xb = xs.clone().narrow(0, start, batch_size.min(n - start));
                let state = if self.stateful { self.state.take() } else { None };
                let (logits, new_state) = model.forward(xb, state);
                if self.stateful {
                    self.state = Some(plain_state(new_state));
                }
                logits
            })
            .collect()
    }

    /// Keras's `model.predict(x, batch_size)`: softmax probabilities `[samples, out_steps,
    /// classes]`.
    pub fn predict(&mut self, x: &Array3, batch_size: usize) -> Result<Array3> {
        check_batch(batch_size)?;
        self.check_data(x, None, batch_size)?;
        let logits = Tensor::cat(self.forward_batches(x, batch_size), 0);
        Ok(Array3::from_tensor(self.model().output_values(logits)))
    }

    /// Keras's `model.evaluate(x, y, batch_size)`: mean loss and accuracy over all samples.
    pub fn evaluate(&mut self, x: &Array3, y: &Array3, batch_size: usize) -> Result<Evaluation> {
        check_batch(batch_size)?;
        self.check_data(x, Some(y), batch_size)?;
        let logits = Tensor::cat(self.forward_batches(x, batch_size), 0);
        let targets = y.to_tensor(&logits.device());
        let mask = self.output_mask(x, &logits.device());
        let rows = self.scored_rows(x, y);
        let correct = scalar(
            self.model()
                .correct(logits.clone(), targets.clone(), mask.clone()),
        );
        // Keras averages per-batch losses weighted by batch size: the mean over all rows.
        let loss = scalar(self.model().loss_kind().forward_masked(logits, targets, mask));
        Ok(Evaluation {
            loss,
            accuracy: correct / rows,
        })
    }
}

impl Learner {
    /// Output rows the accuracy is taken over: every `[sample, step]` of `y`, less the rows
    /// Keras's mask leaves out.
    fn scored_rows(&self, x: &Array3, y: &Array3) -> f32 {
        let all = (y.len() * y.shape()[1]) as f32;
        self.output_mask(x, &Device::flex())
            .map_or(all, |mask| scalar(mask.sum()))
    }

    /// Keras's output mask of `x` on `device`; `None`, without building anything, for a model
    /// without `Masking`.
    fn output_mask(&self, x: &Array3, device: &Device) -> Option<Tensor<2>> {
        self.model().mask_value?;
        self.model().output_mask(&x.to_tensor(device))
    }
}

/// The progress bar's message: the last epoch's loss and accuracy.
fn epoch_message(history: &History) -> String {
    format!(
        "loss {:.4} acc {:.4}",
        history.loss.last().unwrap_or(&0.0),
        history.accuracy.last().unwrap_or(&0.0)
    )
}

/// The error for an epoch whose loss is not finite: the first batch whose loss is not (Keras's
/// `TerminateOnNaN` stops there), or the epoch's last batch and sum if every batch's loss was
/// finite and only their sum overflowed.
pub(super) fn diverged(epoch: usize, batch_losses: &[f32], epoch_loss: f32) -> Error {
    let batches = batch_losses.len();
    let (batch, loss) = batch_losses
        .iter()
        .copied()
        .enumerate()
        .find(|(_, l)| !l.is_finite())
        .map_or((batches, epoch_loss), |(b, l)| (b + 1, l));
    Error::Diverged { epoch, batch, loss }
}

fn check_batch(batch_size: usize) -> Result<()> {
    if batch_size == 0 {
        return Err(Error::invalid("batch_size", "must be at least 1"));
    }
    Ok(())
}

/// The state as plain tensors: carried as constants into the next batch.
fn plain_state(state: ModelState) -> ModelState {
    state
        .into_iter()
        .map(|s| LstmState {
            h: s.h.without_autodiff(),
            c: s.c.without_autodiff(),
        })
        .collect()
}

/// The single value of a `[1]` tensor, read back to the host.
pub(crate) fn scalar(t: Tensor<1>) -> f32 {
    t.into_scalar::<f32>()
}
