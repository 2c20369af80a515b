//! Adam exactly as Keras 3 computes it.
//!
//! Keras folds the bias correction into the step size and adds epsilon to `sqrt(v)`:
//!
//! ```text
//! t      = iterations + 1
//! alpha  = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)
//! m     += (g - m) * (1 - beta_1)
//! v     += (g^2 - v) * (1 - beta_2)
//! theta -= alpha * m / (sqrt(v) + epsilon)
//! ```
//!
//! Burn's `AdamConfig` differs (epsilon 1e-5 added to the bias-corrected `sqrt(v_hat)`), which
//! changes the very first steps noticeably when gradients are small; this is Keras's.

use crate::config::{ParamGuard, config_struct};
use crate::error::{Error, Result};
use burn::module::{Module, ModuleMapper, Param, ParamId};
use burn::tensor::{Gradients, Tensor};
use std::collections::HashMap;

config_struct! {
    /// Hyper-parameters of [`KerasAdam`]; `Default` is Keras's. Checked when the optimizer is
    /// built ([`KerasAdamConfig::init`]).
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct KerasAdamConfig {
        /// Step size (Keras: 0.001).
        learning_rate / with_learning_rate: f32,
        /// First-moment decay (Keras: 0.9).
        beta_1 / with_beta_1: f32,
        /// Second-moment decay (Keras: 0.999).
        beta_2 / with_beta_2: f32,
        /// Added to `sqrt(v)` (Keras: 1e-7).
        epsilon / with_epsilon: f32,
    }
}

impl Default for KerasAdamConfig {
    fn default() -> Self {
        Self {
            learning_rate: 0.001,
            beta_1: 0.9,
            beta_2: 0.999,
            epsilon: 1e-7,
        }
    }
}

/// Refuses what Keras's Adam would divide by or never converge with.
impl ParamGuard for KerasAdamConfig {
    fn validate(&self) -> Result<()> {
        if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            return Err(Error::invalid(
                "learning_rate",
                format!("must be positive, got {}", self.learning_rate),
            ));
        }
        for (name, beta) in [("beta_1", self.beta_1), ("beta_2", self.beta_2)] {
            if !(0.0..1.0).contains(&beta) {
                return Err(Error::invalid(name, format!("must be in [0, 1), got {beta}")));
            }
        }
        if self.epsilon.is_nan() || self.epsilon < 0.0 {
            return Err(Error::invalid(
                "epsilon",
                format!("must be non-negative, got {}", self.epsilon),
            ));
        }
        Ok(())
    }
}

impl KerasAdamConfig {
    /// Checks the values once and builds the optimizer.
    pub fn init(self) -> Result<KerasAdam> {
        let config = *self.check()?;
        Ok(KerasAdam {
            config,
            iterations: 0,
            moments: HashMap::new(),
        })
    }
}

/// Keras 3's Adam: moments per parameter, one shared step counter.
#[derive(Debug, Clone)]
pub struct KerasAdam {
    config: KerasAdamConfig,
    iterations: u64,
    /// `(m, v)` per parameter, flattened to one axis.
    moments: HashMap<ParamId, (Tensor<1>, Tensor<1>)>,
}

impl KerasAdam {
    /// Steps taken so far (Keras's `optimizer.iterations`).
    pub fn iterations(&self) -> u64 {
        self.iterations
    }

    /// The hyper-parameters.
    pub fn config(&self) -> KerasAdamConfig {
        self.config
    }

    /// The moments `(m, v)` of one parameter, flattened; `None` before its first step.
    pub(crate) fn moments(&self, id: &ParamId) -> Option<&(Tensor<1>, Tensor<1>)> {
        self.moments.get(id)
    }

    /// Replaces a parameter's moments and the step count (after steps taken elsewhere: the
    /// fused training step).
    pub(crate) fn set_moments(&mut self, id: ParamId, m: Tensor<1>, v: Tensor<1>, iterations: u64) {
        self.moments.insert(id, (m, v));
        self.iterations = iterations;
    }

    /// Sets the step count (after steps taken elsewhere, whose moments are still there: the
    /// fused training step's).
    pub(crate) fn set_iterations(&mut self, iterations: u64) {
        self.iterations = iterations;
    }

    /// One update of every parameter of `module` that has a gradient in `grads`.
    pub fn step<M: Module>(&mut self, module: M, grads: &Gradients) -> M {
        self.iterations += 1;
        let c = self.config;
        let t = self.iterations as f32;
        let alpha = c.learning_rate * (1.0 - c.beta_2.powf(t)).sqrt() / (1.0 - c.beta_1.powf(t));
        let mut mapper = AdamMapper {
            adam: self,
            grads,
            alpha,
        };
        module.map(&mut mapper)
    }
}

struct AdamMapper<'a> {
    adam: &'a mut KerasAdam,
    grads: &'a Gradients,
    alpha: f32,
}

impl ModuleMapper for AdamMapper<'_> {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let (id, tensor, mapper) = param.consume();
        let Some(grad) = tensor.grad(self.grads) else {
            return Param::from_mapped_value(id, tensor, mapper);
        };
        let c = self.adam.config;
        let shape = tensor.dims();
        let n = shape.iter().product::<usize>();
        let theta = tensor.without_autodiff().reshape([n]);
        let grad = grad.reshape([n]);
        let (m, v) = match self.adam.moments.remove(&id) {
            Some(mv) => mv,
            None => (theta.zeros_like(), theta.zeros_like()),
        };
        let (theta, m, v) =
            crate::fused::adam_update(theta, grad, m, v, self.alpha, c.beta_1, c.beta_2, c.epsilon);
        self.adam.moments.insert(id, (m, v));
        let updated = theta.reshape(shape).autodiff().require_grad();
        Param::from_mapped_value(id, updated, mapper)
    }
}
