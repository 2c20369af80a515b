//! `Learner::fit` through the fused CPU training step ([`FusedStep`]) where it applies: on the
//! CPU backend, for one LSTM layer and a softmax Dense head (many-to-one or seq2seq) or Keras's
//! encoder-decoder, without masking. The parameters, Adam's moments and the carried state go into
//! plain buffers when the fit starts. The parameters, step count and state come back into the
//! learner before anything else reads them (a validation pass, an error, the end of the fit);
//! Adam's moments stay in the kept step until something steps without it (`release_fused`).

use super::train::{FitConfig, History, Learner, diverged};
use crate::array::Array3;
use crate::config::Checked;
use crate::error::Result;
use crate::fused::step::{Decoder, FusedStep, Params, SoftmaxLoss, StepModel};
use crate::layers::LstmState;
use crate::models::{Loss, Output, Topology};
use burn::module::{Module, ModuleMapper, Param, ParamId};
use burn::tensor::{Device, Tensor, TensorData};

/// `v` as a CPU tensor (the way back from [`values`]).
fn vector(v: &[f32]) -> Tensor<1> {
    Tensor::<1>::from_data(TensorData::new(v.to_vec(), [v.len()]), &Device::flex())
}

/// A tensor's values, or `None` if they cannot be read as `f32`.
fn values<const D: usize>(t: Tensor<D>) -> Option<Vec<f32>> {
    t.into_data().try_to_vec::<f32>().ok()
}

impl Learner {
    /// The ids of the parameters in [`Params`] order: each LSTM layer's kernel, recurrent
    /// kernel and bias, then the head's kernel and bias.
    fn param_ids(&self) -> Vec<ParamId> {
        let model = self.model();
        let lstm = model
            .lstm_layers()
            .flat_map(|l| [l.kernel.id, l.recurrent_kernel.id, l.bias.id]);
        lstm.chain([model.head().kernel.id, model.head().bias.id])
            .collect()
    }

    /// The fused step for this learner's model, its parameters, Adam's moments and the carried
    /// state copied in; `None` where it does not apply (then `fit` takes the reference step).
    pub(super) fn fused_step(&self) -> Option<FusedStep> {
        let model = self.model();
        let lstm = model.encoder();
        let (every_step, decoder) = match (model.topology, model.decoder()) {
            (Topology::ManyToOne, _) => (false, None),
            (Topology::Seq2Seq, _) => (true, None),
            (Topology::EncoderDecoder { out_steps }, Some(d)) => (
                true,
                Some(Decoder {
                    out_steps,
                    units: d.units(),
                }),
            ),
            _ => return None,
        };
        let loss = match model.loss_kind() {
            Loss::FromLogits => SoftmaxLoss::FromLogits,
            Loss::ClippedProbabilities => SoftmaxLoss::ClippedProbabilities,
            Loss::MeanSquaredError => return None,
        };
        let on_cpu = lstm.kernel.val().device() == Device::flex();
        if !on_cpu || model.output != Output::Softmax || model.mask_value.is_some() {
            return None;
        }
        let step_model = StepModel {
            d_input: lstm.d_input(),
            units: lstm.units(),
            classes: model.classes(),
            every_step,
            decoder,
            loss,
        };
        let head = model.head();
        let mut params: Params = Vec::with_capacity(step_model.param_count());
        for layer in model.lstm_layers() {
            params.push(values(layer.kernel.val())?);
            params.push(values(layer.recurrent_kernel.val())?);
            params.push(values(layer.bias.val())?);
        }
        params.push(values(head.kernel.val())?);
        params.push(values(head.bias.val())?);
        let adam = self.optimizer();
        let ids = self.param_ids();
        // Adam's first (`which == 0`) or second moments of the parameters, zeros before the
        // first step.
        let moments = |which: usize| -> Option<Params> {
            ids.iter()
                .zip(&params)
                .map(|(id, p)| match adam.moments(id) {
                    Some((m, v)) => values(if which == 0 { m.clone() } else { v.clone() }),
                    None => Some(vec![0.0; p.len()]),
                })
                .collect()
        };
        let (m, v) = (moments(0)?, moments(1)?);
        let state = match self.state() {
            Some(layers) => Some(
                layers
                    .iter()
                    .map(|l| Some((values(l.h.clone())?, values(l.c.clone())?)))
                    .collect::<Option<_>>()?,
            ),
            None => None,
        };
        let c = adam.config();
        let hyper = [c.learning_rate(), c.beta_1(), c.beta_2(), c.epsilon()];
        Some(FusedStep::new(
            step_model,
            hyper,
            params,
            (m, v, adam.iterations()),
            state,
        ))
    }

    /// One epoch of `fit` through the fused step: the reference loop's bookkeeping (the loss
    /// summed over samples as each batch's mean times its size, the correct rows, the divergence
    /// check, the validation pass) on host floats. The learner gets the step's values back
    /// before a validation pass, an error, and after the last epoch.
    pub(super) fn fused_epoch(
        &mut self,
        step: &mut FusedStep,
        (xs, ys): (&Array3, &Array3),
        config: &Checked<FitConfig>,
        (validation, rows): (&Option<(Array3, Array3)>, f32),
        history: &mut History,
    ) -> Result<()> {
        let n = xs.len();
        let (x_row, y_row) = (xs.as_slice().len() / n, ys.as_slice().len() / n);
        let (mut loss_sum, mut correct) = (0.0f32, 0.0f32);
        step.batch_losses.clear();
        for start in (0..n).step_by(config.batch_size()) {
            let len = config.batch_size().min(n - start);
            let x = &xs.as_slice()[start * x_row..][..len * x_row];
            let y = &ys.as_slice()[start * y_row..][..len * y_row];
            let (loss, right) = step.step(x, y, len, self.is_stateful());
            step.batch_losses.push(loss);
            loss_sum += loss * len as f32;
            correct += right;
        }
        let epoch_loss = loss_sum / n as f32;
        let last = history.loss.len() + 1 == config.epochs();
        // Adam's moments stay in the step that `fit` keeps (`release_fused` returns them), except
        // where the fit may stop here with an error and the step with it.
        let may_stop = !epoch_loss.is_finite() || validation.is_some();
        if may_stop || last {
            self.put_back(step, may_stop);
        }
        if !epoch_loss.is_finite() {
            return Err(diverged(history.loss.len() + 1, &step.batch_losses, epoch_loss));
        }
        history.loss.push(epoch_loss);
        history.accuracy.push(correct / rows);
        self.record_validation(validation, config.batch_size(), history)
    }

    /// Copies the fused step's parameters, step count and carried state back into the learner,
    /// under the same parameter ids, and with `moments` Adam's moments too (two thirds of the
    /// copying: echo-partial's 5000 one-epoch fits spent 2.4 s of 12.7 putting all three back).
    pub(super) fn put_back(&mut self, step: &FusedStep, moments: bool) {
        let ids = self.param_ids();
        self.optimizer_mut().set_iterations(step.iterations);
        if moments {
            self.put_back_moments(step);
        }
        let mut replace = Replace {
            ids,
            params: &step.params,
        };
        self.map_model(|model| model.map(&mut replace));
        if let Some(layers) = &step.state {
            let units: Vec<usize> = self.model().lstm_layers().map(|l| l.units()).collect();
            let state = layers
                .iter()
                .zip(units)
                .map(|((h, c), units)| {
                    let plain = |v: &Vec<f32>| vector(v).reshape([v.len() / units, units]);
                    LstmState {
                        h: plain(h),
                        c: plain(c),
                    }
                })
                .collect();
            self.set_state(state);
        }
    }
}

impl Learner {
    /// Adam's moments from the fused step into the optimizer, under the parameters' ids.
    fn put_back_moments(&mut self, step: &FusedStep) {
        for (i, id) in self.param_ids().into_iter().enumerate() {
            let (m, v) = (vector(&step.m[i]), vector(&step.v[i]));
            self.optimizer_mut().set_moments(id, m, v, step.iterations);
        }
    }

    /// Drops the kept fused step, its Adam moments returned to the optimizer first: what
    /// anything that steps, or moves the state, without the fused step calls.
    pub(super) fn release_fused(&mut self) {
        if let Some(step) = self.take_fused() {
            self.put_back_moments(&step);
        }
    }
}

/// Replaces the parameters' values, keeping their ids (so Adam's moments stay theirs).
struct Replace<'a> {
    ids: Vec<ParamId>,
    params: &'a Params,
}

impl ModuleMapper for Replace<'_> {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let (id, tensor, mapper) = param.consume();
        let Some(i) = self.ids.iter().position(|&known| known == id) else {
            return Param::from_mapped_value(id, tensor, mapper);
        };
        let values = self.params[i].clone();
        let updated =
            Tensor::<D>::from_data(TensorData::new(values, tensor.dims()), &tensor.device()).require_grad();
        Param::from_mapped_value(id, updated, mapper)
    }
}
