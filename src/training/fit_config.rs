//! `model.fit`'s arguments, checked once into the form
//! [`Learner::fit`](super::train::Learner::fit) takes.

use crate::config::{ParamGuard, config_struct};
use crate::error::{Error, Result};

config_struct! {
    /// `model.fit` arguments: built with [`FitConfig::new`] and the `with_*` methods, then
    /// [`check`](ParamGuard::check)ed once into the [`Checked`](crate::config::Checked) form
    /// that [`Learner::fit`](crate::train::Learner::fit) takes.
    #[derive(Debug, Clone, PartialEq)]
    pub struct FitConfig {
        /// Passes over the training samples.
        epochs / with_epochs: usize,
        /// Samples per gradient step.
        batch_size / with_batch_size: usize,
        /// Shuffle the training samples before every epoch (Keras's default: true).
        shuffle / with_shuffle: bool,
        /// Fraction of samples, taken from the end before any shuffling, held out for validation.
        validation_split / with_validation_split: f32,
        /// Show a progress bar over the epochs.
        progress / with_progress: bool,
        /// Train through the fused CPU step where it applies (one LSTM layer and a softmax head,
        /// many-to-one or seq2seq, no masking, on the CPU): the same arithmetic without the
        /// autodiff graph, to within 1e-5 of the reference step (default: true; false takes
        /// the reference step, Burn's autodiff, everywhere).
        fused_step / with_fused_step: bool,
    }
}

impl FitConfig {
    /// Keras's defaults for everything but the epochs and batch size.
    pub fn new(epochs: usize, batch_size: usize) -> Self {
        Self {
            epochs,
            batch_size,
            shuffle: true,
            validation_split: 0.0,
            progress: false,
            fused_step: true,
        }
    }
}

/// Refuses values Keras would refuse.
impl ParamGuard for FitConfig {
    fn validate(&self) -> Result<()> {
        if self.epochs == 0 {
            return Err(Error::invalid("epochs", "must be at least 1"));
        }
        if self.batch_size == 0 {
            return Err(Error::invalid("batch_size", "must be at least 1"));
        }
        if !(0.0..1.0).contains(&self.validation_split) {
            return Err(Error::invalid(
                "validation_split",
                format!("must be in [0, 1), got {}", self.validation_split),
            ));
        }
        Ok(())
    }
}
