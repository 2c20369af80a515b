//! Layer 4, training: the fit loop with Keras's semantics (`train`), accuracy and confusion
//! (`metrics`), looking inside a trained model (`inspect`) and the charts of what training
//! produced (`plot`). Imports from `base`, `input` and `network`.

mod fit_config;
mod fused_fit;
pub mod inspect;
pub mod metrics;
pub mod plot;
pub mod train;
