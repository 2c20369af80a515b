//! The eight experiments of the five source tutorials, each a thin module whose config
//! `Default` is exactly the tutorial's numbers.
//!
//! | id | tutorial | module |
//! |---|---|---|
//! | `randint-echo` | 000 | [`randint_echo`] |
//! | `vanilla-index` | 001 | [`vanilla_index`] |
//! | `echo-whole`, `echo-partial` | 002 | [`echo`] |
//! | `alphabet-2step`, `alphabet-feature-window`, `alphabet-timestep-window` | 003 | [`alphabet`] |
//! | `vanilla-second` | 004 | [`vanilla_second`] |
//!
//! ```no_run
//! use lstm_lab::tutorials::{Experiment, RunOptions};
//! let device = burn::tensor::Device::flex();
//! let outcome = Experiment::EchoWhole.run(&RunOptions::new(1), &device).unwrap();
//! println!("{:.1}% in {:.1} s", outcome.accuracy, outcome.train_seconds);
//! ```

/// The [`Tutorial`] methods every config answers alike: its epochs (or fits) from the field
/// named, `run`, which checks a copy of the config and runs the checked one, and its JSON.
macro_rules! schedule_and_run {
    ($epochs:ident) => {
        fn epochs(&self) -> usize {
            self.$epochs
        }

        fn set_epochs(&mut self, epochs: usize) {
            self.$epochs = epochs;
        }

        fn run(
            &self,
            options: &super::RunOptions,
            device: &burn::tensor::Device,
        ) -> crate::error::Result<super::Outcome> {
            crate::config::ParamGuard::check(self.clone())?.run(options, device)
        }

        fn to_json(&self) -> crate::error::Result<serde_json::Value> {
            serde_json::to_value(self)
                .map_err(|e| crate::error::Error::invalid("config", format!("not JSON: {e}")))
        }
    };
}
use schedule_and_run;

pub mod alphabet;
pub mod echo;
pub mod randint_echo;
pub mod vanilla_index;
pub mod vanilla_second;

use crate::array::Array3;
use crate::error::{Error, Result};
use crate::metrics::Confusion;
use crate::models::ModelConfig;
use crate::train::History;
use burn::tensor::Device;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The shape every tutorial config has: its model, its training schedule, and a `run` that
/// trains and scores it. [`Experiment::config`] gives each experiment's, with the tutorial's
/// numbers.
pub trait Tutorial: Send + Sync + fmt::Debug {
    /// The tutorial's network.
    fn model(&self) -> Result<ModelConfig>;
    /// Epochs (or fits, for the one-fit-per-sequence tutorials).
    fn epochs(&self) -> usize;
    /// Sets the epochs (or fits).
    fn set_epochs(&mut self, epochs: usize);
    /// Samples per optimiser step.
    fn batch_size(&self) -> usize;
    /// Training samples per epoch (or fit).
    fn samples_per_epoch(&self) -> usize;
    /// Samples run forward only in each epoch (a validation split). Default: none.
    fn validation_samples_per_epoch(&self) -> usize {
        0
    }
    /// Multiplies the batch size (and the samples per epoch) by `scale`, to measure where a GPU
    /// starts to win. Default: only `scale == 1` is accepted.
    fn scale_batch(&mut self, scale: usize) -> Result<()> {
        match scale {
            1 => Ok(()),
            _ => Err(Error::invalid(
                "batch_scale",
                "only echo-partial's batch can be scaled",
            )),
        }
    }
    /// Checks the config ([`ParamGuard::check`](crate::config::ParamGuard::check), on a copy),
    /// then trains and scores the model; `device` is the plain (non-autodiff) device.
    fn run(&self, options: &RunOptions, device: &Device) -> Result<Outcome>;
    /// The config as JSON (the form saved beside results).
    fn to_json(&self) -> Result<serde_json::Value>;
}

/// Declares the experiments once: the enum, its ids, `ALL` and each one's tutorial config.
macro_rules! experiments {
    ($($(#[doc = $doc:literal])+ $variant:ident = $id:literal => $config:expr,)+) => {
        /// One of the experiments of the source tutorials.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Experiment {
            $($(#[doc = $doc])+ $variant,)+
        }

        impl Experiment {
            /// All of them, in the order of the source tutorials.
            pub const ALL: &'static [Experiment] = &[$(Experiment::$variant,)+];

            /// The id used in the CLI, results and tests.
            pub fn id(self) -> &'static str {
                match self {
                    $(Experiment::$variant => $id,)+
                }
            }

            /// One line on what it is (the first line of its doc).
            pub fn about(self) -> &'static str {
                match self {
                    $(Experiment::$variant => [$($doc),+][0].trim(),)+
                }
            }

            /// Its config with the tutorial's numbers.
            pub fn config(self) -> Box<dyn Tutorial> {
                match self {
                    $(Experiment::$variant => Box::new($config),)+
                }
            }
        }
    };
}

experiments! {
    /// 000: stateful LSTM(50) echoes the value one step back.
    RandintEcho = "randint-echo" => randint_echo::RandintEchoConfig::default(),
    /// 001: vanilla LSTM(25) after 10 one-example fits (the tutorial shows it has not learned).
    VanillaIndex = "vanilla-index" => vanilla_index::VanillaIndexConfig::default(),
    /// 002a: LSTM(20) + TimeDistributed Dense echoes the whole 5-step window.
    EchoWhole = "echo-whole" => echo::EchoConfig::whole(),
    /// 002b: encoder-decoder LSTM(150) echoes the first 2 steps of the window.
    EchoPartial = "echo-partial" => echo::EchoConfig::partial(),
    /// 003: 2 letters as 2 time steps -> next letter.
    Alphabet2Step = "alphabet-2step" => alphabet::AlphabetConfig::two_step(),
    /// 003: 3 letters as 3 features of 1 time step -> next letter.
    AlphabetFeatureWindow = "alphabet-feature-window" => alphabet::AlphabetConfig::feature_window(),
    /// 003: 3 letters as 3 time steps -> next letter.
    AlphabetTimestepWindow = "alphabet-timestep-window" => alphabet::AlphabetConfig::timestep_window(),
    /// 004: vanilla LSTM(25) outputs the 2nd element of a 10-step sequence.
    VanillaSecond = "vanilla-second" => vanilla_second::VanillaSecondConfig::default(),
}

impl Experiment {
    /// The tutorial's number of epochs (or fits) at full scale.
    pub fn default_epochs(self) -> usize {
        self.config().epochs()
    }

    /// Runs the experiment with its tutorial config (epochs overridden by `options.epochs`,
    /// batch scaled by `options.batch_scale`). `device` is the plain device (`Device::flex()`);
    /// training uses its autodiff form.
    pub fn run(self, options: &RunOptions, device: &Device) -> Result<Outcome> {
        options.check()?;
        let mut config = self.config();
        if let Some(epochs) = options.epochs {
            config.set_epochs(epochs);
        }
        config.scale_batch(options.batch_scale)?;
        config.run(options, device)
    }
}

impl fmt::Display for Experiment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Experiment {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        by_id(s, Experiment::ALL, Experiment::id, "experiment")
    }
}

/// The item of `all` whose `id` is `s`, or an error naming `what` and listing the known ids.
pub(crate) fn by_id<T: Copy>(
    s: &str,
    all: &[T],
    id: impl Fn(T) -> &'static str,
    what: &'static str,
) -> Result<T> {
    all.iter().copied().find(|&t| id(t) == s).ok_or_else(|| {
        let ids: Vec<&str> = all.iter().map(|&t| id(t)).collect();
        Error::invalid(what, format!("unknown id `{s}`; known ids: {}", ids.join(", ")))
    })
}

/// The CLI picks experiments by id, with each one's description in `--help`.
impl clap::ValueEnum for Experiment {
    fn value_variants<'a>() -> &'a [Self] {
        Experiment::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.id()).help(self.about()))
    }
}

impl Serialize for Experiment {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Experiment {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// How to run an experiment: the seed, an optional epoch override, progress bars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOptions {
    /// Seeds the data, the weights and the device.
    pub seed: u64,
    /// Overrides the tutorial's epochs (or fits).
    pub epochs: Option<usize>,
    /// Draws progress bars.
    pub progress: bool,
    /// Multiplies echo-partial's batch (and its samples per epoch: `batch_scale` fresh sequences
    /// per epoch) to measure where a GPU starts to win. 1 is the tutorial.
    pub batch_scale: usize,
    /// Trains through the fused CPU step where it applies (default: true; false takes the
    /// reference step, see
    /// [`FitConfig::with_fused_step`](crate::train::FitConfig::with_fused_step)).
    pub fused_step: bool,
}

impl RunOptions {
    /// The tutorial as written, with `seed`, silent.
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            epochs: None,
            progress: false,
            batch_scale: 1,
            fused_step: true,
        }
    }

    /// Overrides the number of epochs (or fits).
    pub fn with_epochs(mut self, epochs: usize) -> Self {
        self.epochs = Some(epochs);
        self
    }

    /// Shows progress bars.
    pub fn with_progress(mut self, progress: bool) -> Self {
        self.progress = progress;
        self
    }

    /// Scales echo-partial's batch size.
    pub fn with_batch_scale(mut self, scale: usize) -> Self {
        self.batch_scale = scale;
        self
    }

    /// Trains through the fused CPU step where it applies (true, the default) or through the
    /// reference step everywhere (false).
    pub fn with_fused_step(mut self, fused: bool) -> Self {
        self.fused_step = fused;
        self
    }

    /// `fit`'s arguments for one `fit` call over `epochs` epochs: the progress bar and the fused
    /// step as these options ask (the loops of many one-epoch fits draw their own bar and turn
    /// `fit`'s off).
    pub(crate) fn fit_config(&self, epochs: usize, batch_size: usize) -> crate::train::FitConfig {
        crate::train::FitConfig::new(epochs, batch_size)
            .with_progress(self.progress)
            .with_fused_step(self.fused_step)
    }

    fn check(&self) -> Result<()> {
        if self.epochs == Some(0) {
            return Err(Error::invalid("epochs", "must be at least 1"));
        }
        if self.batch_scale == 0 {
            return Err(Error::invalid("batch_scale", "must be at least 1"));
        }
        Ok(())
    }
}

/// What an experiment produced.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Outcome {
    /// Epochs (or fits) trained.
    pub epochs: usize,
    /// The tutorial's own metric, in percent.
    pub accuracy: f64,
    /// How `accuracy` was measured, in words.
    pub evaluation: String,
    /// Loss and accuracy per epoch (per fit for the one-fit-per-sequence tutorials).
    pub history: History,
    /// Seconds spent training (not evaluating).
    pub train_seconds: f64,
    /// The tutorial's own final printout.
    pub printout: Vec<String>,
    /// Confusion matrix of the evaluation, for the classification tutorials.
    pub confusion: Option<Confusion>,
}

/// One-hot rows as a `[1, rows, width]` array.
pub(crate) fn rows_to_array(rows: &[Vec<f32>]) -> Result<Array3> {
    let width = rows.first().map_or(0, Vec::len);
    Array3::new(rows.concat(), [1, rows.len(), width])
}

/// Class indices (argmax) of every row of every sample, flattened.
pub(crate) fn labels(a: &Array3) -> Vec<usize> {
    a.argmax().into_iter().flatten().collect()
}

/// The tutorials' training loop for a stateful model: `epochs` times, one epoch of `fit` (the
/// tutorials: one epoch, no shuffle) on freshly generated data, then a state reset. Returns the
/// history and the training seconds.
///
/// Fresh data comes in two parts: `draw` takes the random values from `rng`, `frame` turns them
/// into `(x, y)` (the windows of the pandas-style framing, no randomness). A shuffled fit takes
/// its orders from a second generator, seeded once from `rng` before the first draw, so the
/// draws are the same whether or not the fit shuffles.
pub(crate) fn fit_on_fresh<R: rand::Rng, D>(
    learner: &mut crate::train::Learner,
    epochs: usize,
    fit: crate::config::Checked<crate::train::FitConfig>,
    rng: &mut R,
    progress: bool,
    mut draw: impl FnMut(&mut R) -> Result<D>,
    frame: impl Fn(D) -> Result<(Array3, Array3)>,
) -> Result<(History, f64)> {
    let mut shuffler = fit
        .shuffle
        .then(|| <crate::ChaCha12Rng as rand::SeedableRng>::seed_from_u64(rng.next_u64()));
    let bar = crate::progress::progress_bar(progress, epochs as u64, "fits");
    let mut history = History::default();
    let start = std::time::Instant::now();
    for _ in 0..epochs {
        let (x, y) = frame(draw(rng)?)?;
        history.extend(match shuffler.as_mut() {
            Some(shuffler) => learner.fit(&x, &y, &fit, shuffler)?,
            None => learner.fit(&x, &y, &fit, rng)?,
        });
        learner.reset_states();
        if let (Some(l), Some(a)) = (history.loss.last(), history.accuracy.last()) {
            bar.set_message(format!("loss {l:.4} acc {a:.4}"));
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok((history, start.elapsed().as_secs_f64()))
}

/// Token accuracy of a stateful model on `sequences` freshly generated ones (state reset
/// before each), with the expected and predicted labels of the first.
pub(crate) struct FreshScore {
    /// Percent of predicted values equal to the expected ones.
    pub accuracy: f64,
    /// How many values were scored.
    pub values: usize,
    /// Expected labels of the first sequence, per sample.
    pub first_expected: Vec<Vec<usize>>,
    /// Predicted labels of the first sequence, per sample.
    pub first_predicted: Vec<Vec<usize>>,
}

impl FreshScore {
    /// Scores one-hot outputs: every row's class is its argmax.
    pub(crate) fn measure<R: rand::Rng>(
        learner: &mut crate::train::Learner,
        sequences: usize,
        batch_size: usize,
        rng: &mut R,
        data: impl FnMut(&mut R) -> Result<(Array3, Array3)>,
    ) -> Result<Self> {
        Self::measure_decoded(learner, sequences, batch_size, rng, data, |row| {
            Some(crate::data::argmax(row))
        })
    }

    /// Scores any output: `decode` turns a row (of a target or of a prediction) into its
    /// integer; a target row it decodes to `None` (a masked step) is not scored.
    pub(crate) fn measure_decoded<R: rand::Rng>(
        learner: &mut crate::train::Learner,
        sequences: usize,
        batch_size: usize,
        rng: &mut R,
        mut data: impl FnMut(&mut R) -> Result<(Array3, Array3)>,
        decode: impl Fn(&[f32]) -> Option<usize>,
    ) -> Result<Self> {
        let (mut expected, mut predicted) = (Vec::new(), Vec::new());
        let (mut first_expected, mut first_predicted) = (Vec::new(), Vec::new());
        for i in 0..sequences {
            let (x, y) = data(rng)?;
            learner.reset_states();
            let yhat = learner.predict(&x, batch_size)?;
            learner.reset_states();
            let [samples, steps, _] = y.shape();
            for s in 0..samples {
                let (mut e_row, mut p_row) = (Vec::new(), Vec::new());
                for t in 0..steps {
                    if let Some(e) = decode(y.row(s, t)) {
                        e_row.push(e);
                        p_row.push(decode(yhat.row(s, t)).unwrap_or(usize::MAX));
                    }
                }
                expected.extend(&e_row);
                predicted.extend(&p_row);
                if i == 0 {
                    first_expected.push(e_row);
                    first_predicted.push(p_row);
                }
            }
        }
        Ok(Self {
            accuracy: crate::metrics::accuracy_percent(&expected, &predicted)?,
            values: expected.len(),
            first_expected,
            first_predicted,
        })
    }

    /// The experiment's [`Outcome`]: this score (over `sequences` fresh sequences) with the
    /// training's history, seconds and the tutorial's printout.
    pub(crate) fn into_outcome(
        self,
        epochs: usize,
        sequences: usize,
        history: History,
        train_seconds: f64,
        printout: Vec<String>,
    ) -> Outcome {
        Outcome {
            epochs,
            accuracy: self.accuracy,
            evaluation: format!(
                "token accuracy over {sequences} fresh sequences ({} values)",
                self.values
            ),
            history,
            train_seconds,
            printout,
            confusion: None,
        }
    }
}
