//! # lstm_lab
//!
//! The classic Keras LSTM tutorials, reproduced exactly in Rust on [Burn](https://burn.dev).
//!
//! Data flows one way: [`data`] generates and one-hot encodes, [`framing`] frames sequences as
//! supervised samples (the pandas `shift`/`concat` idiom, in polars), [`models`] builds the
//! Keras-compatible networks from [`layers`], [`train`] fits them with Keras's semantics and
//! [`optim`]'s Keras Adam.
//!
//! ```no_run
//! use burn::tensor::Device;
//! use lstm_lab::{config::ParamGuard, models::{ModelConfig, Topology}, train::{FitConfig, Learner}, data, framing};
//! use rand::SeedableRng;
//! use lstm_lab::ChaCha12Rng;
//!
//! let device = Device::flex().autodiff();
//! let mut rng = ChaCha12Rng::seed_from_u64(1);
//! let config = ModelConfig::new(5, 100, 20, 100, Topology::Seq2Seq).unwrap();
//! let mut learner = Learner::new(config.init(&mut rng, &device).unwrap(), true).unwrap();
//! let sequence = data::generate_sequence(&mut rng, 25, 100).unwrap();
//! let framed = framing::to_supervised(&data::one_hot_encode(&sequence, 100).unwrap(), 5, 5).unwrap();
//! // Checked once: a batch size of 0, say, is refused here, before any training.
//! let fit = FitConfig::new(1, 7).with_shuffle(false).check().unwrap();
//! let history = learner.fit(&framed.x, &framed.y, &fit, &mut rng).unwrap();
//! learner.reset_states();
//! println!("loss {:?}", history.loss);
//! ```

pub mod array;
pub mod baseline;
pub mod bench;
pub mod config;
pub mod data;
pub mod device;
pub mod error;
pub mod exercises;
pub mod framing;
pub mod fused;
pub mod host;
pub mod init;
pub mod inspect;
pub mod layers;
pub mod metrics;
pub mod models;
pub mod notebook;
pub mod optim;
pub mod parallel;
pub mod plot;
pub mod report;
pub mod study;
pub mod summary;
pub mod train;
pub mod tutorials;

pub use array::Array3;
pub use error::{Error, Result};

/// The random generator of every run, named: ChaCha with 12 rounds (the `chacha20` crate).
/// `rand`'s `StdRng` is this generator today (every committed result was drawn from it) but
/// may change in any `rand` release. Naming it ties the stream to `chacha20` and to
/// `rand_core`'s `seed_from_u64`; tests/rng.rs pins the stream of a seed, so an upgrade of
/// either that moved it fails there before it moves a result.
pub use chacha20::ChaCha12Rng;

/// The crates the public API speaks in, re-exported so that a notebook needs one `:dep` and
/// gets the same versions: `lstm_lab::burn::tensor::Device`, `lstm_lab::rand::SeedableRng`,
/// `lstm_lab::polars::prelude::DataFrame`.
pub use burn;
pub use polars;
pub use rand;
