//! Layer 1, the base: what every other layer stands on and nothing of the LSTM. The error type,
//! the host's description, checked configs, devices, the evcxr output protocol, staged writes,
//! the pool of independent runs and progress bars. Imports nothing from the crate above it.

pub mod config;
pub mod device;
pub mod error;
pub(crate) mod evcxr;
pub(crate) mod files;
pub mod host;
pub mod parallel;
pub(crate) mod progress;
pub mod staging;
