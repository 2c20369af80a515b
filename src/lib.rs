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

// Six layers, each a folder, bottom to top: base, input, network, training, experiments,
// evidence. A layer imports only from the layers below it (tests/layering.rs checks it;
// docs/ARCHITECTURE.md maps them). Their modules are re-exported here, so that a path is
// `lstm_lab::train`, not `lstm_lab::training::train`.
mod base;
mod evidence;
mod experiments;
mod input;
mod network;
mod training;

pub use base::{config, device, host, parallel, staging};
pub(crate) use base::{error, evcxr, files, progress};
pub use evidence::{exercises, notebook, report, study};
pub use experiments::{baseline, bench, tutorials};
pub use input::{array, data, framing};
pub use network::{fused, init, layers, models, optim, summary};
pub use training::{inspect, metrics, plot, train};

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

/// What a notebook or a small program needs, in one import: `use lstm_lab::prelude::*;`.
///
/// The models and their training (`ModelConfig`, `Learner`, `FitConfig`), the tutorials'
/// configs and the [`Tutorial`](crate::tutorials::Tutorial) trait that runs them, the records
/// of results, the modules a notebook calls into by name (`data`, `framing`, `inspect`,
/// `metrics`, `plot`), and the Burn and rand names they speak in.
///
/// ```
/// use lstm_lab::prelude::*;
/// let mut rng = ChaCha12Rng::seed_from_u64(1);
/// let sequence = data::generate_sequence(&mut rng, 5, 10).unwrap();
/// let config = ModelConfig::new(1, 10, 4, 10, Topology::ManyToOne).unwrap();
/// let model = config.init(&mut rng, &Device::flex().autodiff()).unwrap();
/// assert_eq!((sequence.len(), model.config(1).topology()), (5, Topology::ManyToOne));
/// ```
pub mod prelude {
    pub use crate::array::Array3;
    pub use crate::config::ParamGuard;
    pub use crate::exercises::{Answer, Exercise};
    pub use crate::layers::{Dense, Lstm, LstmConfig, LstmState};
    pub use crate::metrics::Confusion;
    pub use crate::models::{Loss, LstmModel, ModelConfig, Output, Topology};
    pub use crate::notebook::{Markdown, claim};
    pub use crate::plot::{Heatmap, Series, Svg};
    pub use crate::report::{ResultsTable, RunRecord};
    pub use crate::study::Study;
    pub use crate::train::{Evaluation, FitConfig, History, Learner};
    pub use crate::tutorials::alphabet::{AlphabetConfig, AlphabetStatefulConfig, Window};
    pub use crate::tutorials::echo::EchoConfig;
    pub use crate::tutorials::randint_echo::RandintEchoConfig;
    pub use crate::tutorials::vanilla_index::VanillaIndexConfig;
    pub use crate::tutorials::vanilla_second::VanillaSecondConfig;
    pub use crate::tutorials::{Experiment, Outcome, RunOptions, Tutorial};
    pub use crate::{ChaCha12Rng, data, framing, inspect, metrics, plot};
    pub use burn::tensor::{Device, Tensor};
    pub use rand::SeedableRng;
}
