//! `Learner::fit` through the fused CPU training step ([`FusedStep`]) where it applies: on the
//! CPU backend, for one LSTM layer and a softmax Dense head, many-to-one or seq2seq, without
//! masking. The parameters, Adam's moments and the carried state go into plain buffers when the
//! fit starts, and come back into the learner before anything else reads them (a validation
//! pass, an error, the end of the fit).

use super::train::{FitConfig, History, Learner, diverged};
use crate::array::Array3;
use crate::config::Checked;
use crate::error::Result;
use crate::fused::step::{FusedStep, Params, SoftmaxLoss, StepModel};
use crate::layers::LstmState;
use crate::models::{Loss, Output, Topology};
use burn::module::{Module, ModuleMapper, Param, ParamId};
use burn::tensor::{Device, Tensor, TensorData};

/// A tensor's values, or `None` if they cannot be read as `f32`.
fn values<const D: usize>(t: Tensor<D>) -> Option<Vec<f32>> {
    t.into_data().try_to_vec::<f32>().ok()
}

impl Learner {
    /// The ids of the five parameters in [`Params`] order.
    fn param_ids(&self) -> [ParamId; 5] {
        let (lstm, head) = (self.model().encoder(), self.model().head());
        [
            lstm.kernel.id,
            lstm.recurrent_kernel.id,
            lstm.bias.id,
            head.kernel.id,
            head.bias.id,
        ]
    }

    /// The fused step for this learner's model, its parameters, Adam's moments and the carried
    /// state copied in; `None` where it does not apply (then `fit` takes the reference step).
    pub(super) fn fused_step(&self) -> Option<FusedStep> {
        let model = self.model();
        let lstm = model.encoder();
        let every_step = match model.topology {
            Topology::ManyToOne => false,
            Topology::Seq2Seq => true,
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
            loss,
        };
        let head = model.head();
        let params: Params = [
            values(lstm.kernel.val())?,
            values(lstm.recurrent_kernel.val())?,
            values(lstm.bias.val())?,
            values(head.kernel.val())?,
            values(head.bias.val())?,
        ];
        let adam = self.optimizer();
        let ids = self.param_ids();
        // Adam's first (`which == 0`) or second moments of the five parameters, zeros before
        // the first step.
        let moments = |which: usize| -> Option<Params> {
            let all: Vec<Vec<f32>> = (0..5)
                .map(|i| match adam.moments(&ids[i]) {
                    Some((m, v)) => values(if which == 0 { m.clone() } else { v.clone() }),
                    None => Some(vec![0.0; params[i].len()]),
                })
                .collect::<Option<_>>()?;
            all.try_into().ok()
        };
        let (m, v) = (moments(0)?, moments(1)?);
        let state = match self.state() {
            Some(layers) => {
                let first = layers.first()?;
                Some((values(first.h.clone())?, values(first.c.clone())?))
            }
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
        let mut batch_losses = Vec::with_capacity(n.div_ceil(config.batch_size()));
        for start in (0..n).step_by(config.batch_size()) {
            let len = config.batch_size().min(n - start);
            let x = &xs.as_slice()[start * x_row..][..len * x_row];
            let y = &ys.as_slice()[start * y_row..][..len * y_row];
            let (loss, right) = step.step(x, y, len, self.is_stateful());
            batch_losses.push(loss);
            loss_sum += loss * len as f32;
            correct += right;
        }
        let epoch_loss = loss_sum / n as f32;
        let last = history.loss.len() + 1 == config.epochs();
        if !epoch_loss.is_finite() || validation.is_some() || last {
            self.put_back(step);
        }
        if !epoch_loss.is_finite() {
            return Err(diverged(history.loss.len() + 1, &batch_losses, epoch_loss));
        }
        history.loss.push(epoch_loss);
        history.accuracy.push(correct / rows);
        self.record_validation(validation, config.batch_size(), history)
    }

    /// Copies the fused step's parameters, moments, step count and carried state back into the
    /// learner, under the same parameter ids.
    pub(super) fn put_back(&mut self, step: &FusedStep) {
        let ids = self.param_ids();
        let cpu = Device::flex();
        let vector = |v: &Vec<f32>| Tensor::<1>::from_data(TensorData::new(v.clone(), [v.len()]), &cpu);
        for (i, id) in ids.iter().enumerate() {
            let (m, v) = (vector(&step.m[i]), vector(&step.v[i]));
            self.optimizer_mut().set_moments(*id, m, v, step.iterations);
        }
        let mut replace = Replace {
            ids,
            params: &step.params,
        };
        self.map_model(|model| model.map(&mut replace));
        if let Some((h, c)) = &step.state {
            let units = self.model().encoder().units();
            let batch = h.len() / units;
            let plain = |v: &Vec<f32>| vector(v).reshape([batch, units]);
            self.set_state(vec![LstmState {
                h: plain(h),
                c: plain(c),
            }]);
        }
    }
}

/// Replaces the five parameters' values, keeping their ids (so Adam's moments stay theirs).
struct Replace<'a> {
    ids: [ParamId; 5],
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
