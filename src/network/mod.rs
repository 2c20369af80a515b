//! Layer 3, the network: Keras's initialisers (`init`), the fused LSTM and Adam kernels with
//! their references (`fused`), the layers and the three model families (`layers`, `models`),
//! Keras's Adam (`optim`) and Keras's model summary (`summary`). Imports from `base`.

pub mod fused;
pub mod init;
pub mod layers;
pub mod models;
pub mod optim;
pub mod summary;
