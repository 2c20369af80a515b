//! The tutorials' open questions, answered by experiment.
//!
//! Each question is a [`Question`]: a few *arms* (the tutorial's setting and the variants the
//! question is about), each trained over several seeds at the tutorial's scale through the same
//! [`Tutorial::run`] as the experiments, and an answer written from the arms' numbers. An
//! [`Exercise`] is a handle on one of them; [`Exercise::run`] trains every arm and returns the
//! [`Answer`] that `lstm-lab exercises` writes to `results/exercises/<id>.json`.
//!
//! One file per question; adding one is a new file here and one line in the table below.
//!
//! ```no_run
//! use lstm_lab::exercises::Exercise;
//! let exercise: Exercise = "randint-stateless".parse().unwrap();
//! let answer = exercise.run(5, 2, &burn::tensor::Device::flex(), false).unwrap();
//! println!("{}", answer.answer);
//! ```

mod answer;

pub use answer::{Answer, Arm, Arms, REACHED};

use crate::config::ParamGuard;
use crate::error::{Error, Result};
use crate::parallel::parallel_map;
use crate::plot::Series;
use crate::tutorials::vanilla_index::VanillaIndexConfig;
use crate::tutorials::{Experiment, Outcome, RunOptions, Tutorial};
use burn::tensor::Device;

/// One of the tutorials' open questions: what it asks, the arms that answer it, and how the
/// answer reads from their numbers.
pub trait Question: Sync {
    /// The id used in the CLI and `results/exercises/<id>.json`.
    fn id(&self) -> &'static str;
    /// The question, in words.
    fn question(&self) -> &'static str;
    /// Seeds per arm unless told otherwise.
    fn default_seeds(&self) -> u64 {
        5
    }
    /// The arms compared: a name and how it is trained.
    fn arms(&self) -> Vec<(String, ArmRun)>;
    /// Measurements beside the arms' accuracies (none unless the question needs them).
    fn series(&self, _seeds: u64, _device: &Device) -> Result<Vec<Series>> {
        Ok(Vec::new())
    }
    /// The answer in one sentence, from the arms' numbers (arms found by name).
    fn answer(&self, arms: &Arms, series: &[Series]) -> Result<String>;
    /// How the learning curves are drawn, for questions about epochs; `None`: no curves chart.
    fn curves(&self) -> Option<CurveAxis> {
        None
    }
    /// The answer's main chart: every arm's mean accuracy as a bar.
    fn chart(&self, answer: &Answer) -> Result<crate::plot::Svg> {
        answer.bar_chart()
    }
}

/// The x axis of a question's learning curves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CurveAxis {
    /// Epochs trained.
    Epochs,
    /// Examples seen (epochs times samples per epoch): where every epoch is a batch of fresh
    /// examples.
    Examples,
}

/// How an arm is trained.
#[derive(Debug)]
pub enum ArmRun {
    /// The LSTM of a tutorial config.
    Lstm(Box<dyn Tutorial>),
    /// linfa's multinomial logistic regression on an experiment's flattened windows
    /// ([`crate::baseline::logistic`]).
    Logistic(Experiment),
    /// An MLP (Dense-ReLU-Dense, Keras's Adam) on an experiment's flattened windows
    /// ([`crate::baseline::mlp`]).
    Mlp(Experiment),
    /// Keras's `SimpleRNN` in place of the LSTM, on vanilla-index's task as the config sets
    /// it, trained as that config trains its LSTM.
    SimpleRnn(VanillaIndexConfig),
}

impl ArmRun {
    /// The LSTM arm of a tutorial config.
    pub fn lstm(config: impl Tutorial + 'static) -> Self {
        ArmRun::Lstm(Box::new(config))
    }

    fn run(&self, seed: u64, device: &Device) -> Result<Outcome> {
        match self {
            ArmRun::Lstm(config) => config.run(&RunOptions::new(seed), device),
            ArmRun::Logistic(experiment) => crate::baseline::logistic(*experiment, seed),
            ArmRun::Mlp(experiment) => crate::baseline::mlp(*experiment, seed),
            ArmRun::SimpleRnn(config) => {
                crate::experiments::simple_rnn::train(&config.clone().check()?, seed, device)
            }
        }
    }

    /// Its config as JSON, epochs, and samples per epoch.
    fn describe(&self) -> Result<(serde_json::Value, usize, usize)> {
        Ok(match self {
            ArmRun::Lstm(config) => (config.to_json()?, config.epochs(), config.samples_per_epoch()),
            ArmRun::Logistic(e) => (
                serde_json::json!({
                    "model": "linfa-logistic MultiLogisticRegression::default()",
                    "inputs": format!("{e}'s windows, flattened"),
                }),
                1,
                0,
            ),
            // Trained as the tutorial trains its LSTM: its epochs (vanilla-index: its ten
            // one-example fits).
            ArmRun::Mlp(e) => (
                serde_json::json!({
                    "model": "Dense(units, relu) -> Dense(classes, softmax), Keras's initialisers and Adam",
                    "inputs": format!("{e}'s windows, flattened"),
                    "training": "the tutorial LSTM's units, epochs and batch size, shuffled",
                }),
                e.config().epochs(),
                e.config().samples_per_epoch(),
            ),
            ArmRun::SimpleRnn(config) => {
                let mut json = config.to_json()?;
                json["model"] = serde_json::json!(format!(
                    "SimpleRNN({}) -> Dense({}, softmax), Keras's initialisers and Adam, Burn's autodiff",
                    config.units, config.n_features
                ));
                (json, config.fits, config.examples_per_fit)
            }
        })
    }
}

/// A handle on one [`Question`] of the table: copyable, comparable by id, parsed from its id.
#[derive(Clone, Copy)]
pub struct Exercise(&'static dyn Question);

/// The table: each question's file and type, in the order of `results/exercises/` and the README.
/// (`cargo fmt` does not follow modules declared in a macro; CI and `just lint` run rustfmt on
/// every source file.)
macro_rules! questions {
    ($($file:ident::$question:ident),* $(,)?) => {
        $(mod $file;)*
        impl Exercise {
            /// Every question.
            pub const ALL: &'static [Exercise] = &[$(Exercise(&$file::$question)),*];
        }
    };
}

questions! {
    randint_stateless::RandintStateless,
    echo_stateless::EchoStateless,
    echo_linear::EchoLinear,
    echo_masked::EchoMasked,
    echo_longer::EchoLonger,
    echo_topologies::EchoTopologies,
    vanilla_index_reach::VanillaIndexReach,
    vanilla_index_rnn::VanillaIndexRnn,
    alphabet_longer::AlphabetLonger,
    alphabet_stateful::AlphabetStateful,
    linfa_baseline::LinfaBaseline,
}

impl Exercise {
    /// The question behind the handle.
    pub fn get(self) -> &'static dyn Question {
        self.0
    }

    /// The id used in the CLI and `results/exercises/<id>.json`.
    pub fn id(self) -> &'static str {
        self.0.id()
    }

    /// The question, in words.
    pub fn question(self) -> &'static str {
        self.0.question()
    }

    /// Seeds per arm unless told otherwise.
    pub fn default_seeds(self) -> u64 {
        self.0.default_seeds()
    }

    /// The arms compared.
    pub fn arms(self) -> Vec<(String, ArmRun)> {
        self.0.arms()
    }

    /// Trains every arm over seeds `1..=seeds`, `jobs` runs at a time (the numbers do not depend
    /// on `jobs`), and answers the question from the numbers.
    pub fn run(self, seeds: u64, jobs: usize, device: &Device, progress: bool) -> Result<Answer> {
        if seeds == 0 {
            return Err(Error::invalid("seeds", "must be at least 1"));
        }
        let arms = self.arms();
        let cells: Vec<(usize, u64)> = (0..arms.len())
            .flat_map(|a| (1..=seeds).map(move |s| (a, s)))
            .collect();
        let start = std::time::Instant::now();
        let outcomes = parallel_map(&cells, jobs, progress, |&(a, seed)| arms[a].1.run(seed, device))?;
        let seconds = start.elapsed().as_secs_f64();
        let arms: Vec<Arm> = arms
            .iter()
            .enumerate()
            .map(|(a, (name, run))| {
                let runs: Vec<&Outcome> = cells
                    .iter()
                    .zip(&outcomes)
                    .filter(|((arm, _), _)| *arm == a)
                    .map(|(_, o)| o)
                    .collect();
                let (config, epochs, samples_per_epoch) = run.describe()?;
                Ok(Arm::new(
                    name,
                    config,
                    epochs,
                    samples_per_epoch,
                    (1..=seeds).collect(),
                    &runs,
                ))
            })
            .collect::<Result<_>>()?;
        let series = self.0.series(seeds, device)?;
        let answer = self.0.answer(&Arms(&arms), &series)?;
        Ok(Answer {
            id: self.id().to_string(),
            question: self.question().to_string(),
            arms,
            answer,
            series,
            wall_seconds: seconds,
            jobs,
            host: crate::host::Host::this(),
        })
    }
}

impl PartialEq for Exercise {
    fn eq(&self, other: &Self) -> bool {
        self.id() == other.id()
    }
}

impl Eq for Exercise {}

impl std::fmt::Debug for Exercise {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl std::fmt::Display for Exercise {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl std::str::FromStr for Exercise {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        crate::tutorials::by_id(s, Exercise::ALL, |e| e.id(), "exercise")
    }
}

/// The CLI picks exercises by id.
impl clap::ValueEnum for Exercise {
    fn value_variants<'a>() -> &'a [Self] {
        Exercise::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.id()))
    }
}

/// "`prefix`: the smallest-units arm whose name starts with `prefix` that reaches [`REACHED`]% on
/// average", or the best of them when none does (arms listed by units, smallest first).
fn smallest_reaching(arms: &Arms, prefix: &str) -> String {
    let candidates: Vec<&Arm> = arms.0.iter().filter(|a| a.name.starts_with(prefix)).collect();
    match candidates.iter().find(|a| a.mean >= REACHED) {
        Some(a) => format!("{} ({:.2}%, {})", a.name, a.mean, a.reach_in_words()),
        None => {
            let best = candidates
                .iter()
                .max_by(|a, b| a.mean.total_cmp(&b.mean))
                .map_or(String::new(), |a| {
                    format!(", best {} with {:.2}%", a.name, a.mean)
                });
            format!("{prefix}: no arm reaches {REACHED}%{best}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_back_and_are_unique() {
        for e in Exercise::ALL {
            assert_eq!(e.id().parse::<Exercise>().unwrap(), *e);
        }
        let mut ids: Vec<&str> = Exercise::ALL.iter().map(|e| e.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), Exercise::ALL.len());
        assert!("nope".parse::<Exercise>().is_err());
    }

    /// The saved answers in results/ were made by these questions: the same arms (names and
    /// configs), and the same sentence when the answer is written again from the saved numbers.
    #[test]
    fn every_saved_answer_matches_its_question() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("results");
        for e in Exercise::ALL {
            let saved = Answer::load(&dir, e.id())
                .unwrap_or_else(|err| panic!("{err}: a new question needs `lstm-lab exercises --only {e}`"));
            let arms: Vec<(String, serde_json::Value)> = e
                .arms()
                .iter()
                .map(|(name, run)| (name.clone(), run.describe().unwrap().0))
                .collect();
            let saved_arms: Vec<(String, serde_json::Value)> = saved
                .arms
                .iter()
                .map(|a| (a.name.clone(), a.config.clone()))
                .collect();
            assert_eq!(arms, saved_arms, "{e}");
            let answer = e.get().answer(&Arms(&saved.arms), &saved.series).unwrap();
            assert_eq!(answer, saved.answer, "{e}");
        }
    }
}
