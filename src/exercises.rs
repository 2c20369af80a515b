//! The tutorials' open questions, answered by experiment.
//!
//! Each [`Exercise`] is a question a tutorial leaves open, asked of the tutorial's own model:
//! a few *arms* (the tutorial's setting and the variants the question is about), each trained
//! over several seeds at the tutorial's scale through the same [`Tutorial::run`] as the
//! experiments. The [`Answer`] holds every arm's accuracies, epochs and seconds and a one-line
//! answer written from those numbers; `lstm-lab exercises` writes it to
//! `results/exercises/<id>.json`.
//!
//! ```no_run
//! use lstm_lab::exercises::Exercise;
//! let answer = Exercise::RandintStateless.run(5, 2, &burn::tensor::Device::flex(), false).unwrap();
//! println!("{}", answer.answer);
//! ```

use crate::ChaCha12Rng;
use crate::error::{Error, Result};
use crate::parallel::parallel_map;
use crate::plot::Series;
use crate::tutorials::alphabet::{AlphabetConfig, AlphabetStatefulConfig};
use crate::tutorials::echo::{EchoConfig, EchoLayout, Representation};
use crate::tutorials::randint_echo::RandintEchoConfig;
use crate::tutorials::vanilla_index::VanillaIndexConfig;
use crate::tutorials::{Experiment, Outcome, RunOptions, Tutorial};
use burn::tensor::Device;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};
use statrs::statistics::Statistics;

/// One of the tutorials' open questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Exercise {
    /// Randint echo (000): the target lies inside the input window, so is carrying state needed?
    RandintStateless,
    /// Echo (002): a stateless LSTM with batch size 1 against the tutorial's stateful one.
    EchoStateless,
    /// Echo (002): integers scaled to [0, 1] and a regression head instead of one-hot.
    EchoLinear,
    /// Echo (002): the rows framing drops, kept and padded, behind Keras's `Masking`.
    EchoMasked,
    /// Echo (002): the encoder-decoder echoing the first 3, 4 and 5 steps.
    EchoLonger,
    /// Echo (002): one-to-one and many-to-one (vector output) instead of many-to-many.
    EchoTopologies,
    /// Vanilla LSTM (001): what makes index 2 of 50 learnable.
    VanillaIndexReach,
    /// Alphabet (003): is the feature window a worse framing, or only less trained?
    AlphabetLonger,
    /// Alphabet (003): a stateful LSTM fed one letter per step learns the sequence; what does it
    /// do when asked to start mid-alphabet?
    AlphabetStateful,
    /// Every single-output framing: does it need memory, or only the right framing? A linfa
    /// logistic regression on the flattened window beside the LSTM.
    LinfaBaseline,
}

/// `echo-linear`: the units tried with the scaled representation.
pub const ECHO_LINEAR_UNITS: [usize; 3] = [20, 50, 100];
/// `echo-linear`: epochs of the scaled arms (the tutorial trains 500).
pub const ECHO_LINEAR_EPOCHS: usize = 2000;
/// `echo-longer`: the units tried per length.
pub const ECHO_LONGER_UNITS: [usize; 2] = [150, 300];
/// `echo-longer`: epochs of the longer echoes (the tutorial's 2 steps train 5000).
pub const ECHO_LONGER_EPOCHS: usize = 10_000;
/// `echo-topologies`: the units tried per topology.
pub const ECHO_TOPOLOGY_UNITS: [usize; 5] = [20, 50, 100, 200, 400];
/// `echo-topologies`: epochs of the alternative topologies (the tutorial trains 500).
pub const ECHO_TOPOLOGY_EPOCHS: usize = 2000;
/// `vanilla-index-reach`: fresh examples per Adam step.
pub const REACH_BATCH: usize = 32;
/// `vanilla-index-reach`: Adam steps (`REACH_BATCH` fresh examples each).
pub const REACH_FITS: usize = 20000;
/// `vanilla-index-reach`: the larger forget-gate bias tried.
pub const REACH_FORGET_BIAS: f32 = 5.0;
/// An accuracy counts as reached when the mean over a window of epochs is at least this.
pub const REACHED: f64 = 99.0;

/// `vanilla-index-reach`'s arms: the tutorial's task trained on many fresh examples, then one
/// change at a time.
fn vanilla_reach_arms() -> Vec<(String, VanillaIndexConfig)> {
    let base = VanillaIndexConfig {
        fits: REACH_FITS,
        examples_per_fit: REACH_BATCH,
        eval_examples: 1000,
        ..Default::default()
    };
    let mut arms = vec![
        (
            "50 steps, in order (the tutorial's task)".to_string(),
            base.clone(),
        ),
        (
            "50 steps, reversed".to_string(),
            VanillaIndexConfig {
                reverse: true,
                ..base.clone()
            },
        ),
        (
            format!("50 steps, forget bias {REACH_FORGET_BIAS}"),
            VanillaIndexConfig {
                forget_bias: REACH_FORGET_BIAS,
                ..base.clone()
            },
        ),
    ];
    for length in [30, 20, 10] {
        arms.push((
            format!("{length} steps, in order"),
            VanillaIndexConfig {
                length,
                ..base.clone()
            },
        ));
    }
    arms
}

/// How an arm is trained.
#[derive(Debug)]
pub enum ArmRun {
    /// The LSTM of a tutorial config.
    Lstm(Box<dyn Tutorial>),
    /// linfa's multinomial logistic regression on an experiment's flattened windows
    /// ([`crate::baseline::logistic`]).
    Logistic(Experiment),
}

impl ArmRun {
    fn run(&self, seed: u64, device: &Device) -> Result<Outcome> {
        match self {
            ArmRun::Lstm(config) => config.run(&RunOptions::new(seed), device),
            ArmRun::Logistic(experiment) => crate::baseline::logistic(*experiment, seed),
        }
    }

    /// Its config in words, epochs, and samples per epoch.
    fn describe(&self) -> (String, usize, usize) {
        match self {
            ArmRun::Lstm(config) => (format!("{config:?}"), config.epochs(), config.samples_per_epoch()),
            ArmRun::Logistic(e) => (
                format!("linfa-logistic MultiLogisticRegression::default() on {e}'s flattened windows"),
                1,
                0,
            ),
        }
    }
}

impl Exercise {
    /// All of them.
    pub const ALL: &'static [Exercise] = &[
        Exercise::RandintStateless,
        Exercise::EchoStateless,
        Exercise::EchoLinear,
        Exercise::EchoMasked,
        Exercise::EchoLonger,
        Exercise::EchoTopologies,
        Exercise::VanillaIndexReach,
        Exercise::AlphabetLonger,
        Exercise::AlphabetStateful,
        Exercise::LinfaBaseline,
    ];

    /// The id used in the CLI and `results/exercises/<id>.json`.
    pub fn id(self) -> &'static str {
        match self {
            Exercise::RandintStateless => "randint-stateless",
            Exercise::EchoStateless => "echo-stateless",
            Exercise::EchoLinear => "echo-linear",
            Exercise::EchoMasked => "echo-masked",
            Exercise::EchoLonger => "echo-longer",
            Exercise::EchoTopologies => "echo-topologies",
            Exercise::VanillaIndexReach => "vanilla-index-reach",
            Exercise::AlphabetLonger => "alphabet-longer",
            Exercise::AlphabetStateful => "alphabet-stateful",
            Exercise::LinfaBaseline => "linfa-baseline",
        }
    }

    /// Seeds per arm unless told otherwise: 5, and 3 for `echo-longer`, whose runs take a
    /// minute or more each.
    pub fn default_seeds(self) -> u64 {
        match self {
            Exercise::EchoLonger => 3,
            _ => 5,
        }
    }

    /// The question, in words.
    pub fn question(self) -> &'static str {
        match self {
            Exercise::RandintStateless => {
                "Tutorial 000 echoes the value one step back with a stateful LSTM, but that value \
                 is inside each sample's 5-step window. Does the model need the state it carries? \
                 The same model, stateless and with shuffled batches, against the original."
            }
            Exercise::EchoStateless => {
                "Tutorial 002 lists a stateless LSTM with batch size 1 (state reset and weights \
                 updated after every sample) as an extension. How does it compare with the \
                 tutorial's stateful echo-whole model, in accuracy and in time?"
            }
            Exercise::EchoLinear => {
                "Tutorial 002 one-hot encodes each integer (100 inputs and outputs per value). \
                 Scaled to [0, 1] instead, with a linear output trained on mean squared error, \
                 how many values does the model echo exactly (after rounding back to an \
                 integer), and how many units and epochs does it need?"
            }
            Exercise::EchoMasked => {
                "Tutorial 002's framing drops the 4 rows of each sequence that the shift leaves \
                 partly empty. Kept instead, their empty steps set to -1 behind Keras's \
                 Masking(-1) (a masked step leaves the state as it is and is left out of the \
                 loss), does the model echo every value of all 25 rows as well as it echoes the \
                 21 full rows? (25 rows need a batch size that divides them: 5.)"
            }
            Exercise::EchoLonger => {
                "Tutorial 002's encoder-decoder echoes the first 2 of 5 steps with 150 units in \
                 5000 epochs. Echoing the first 3, 4 and 5 steps (trained 10000 epochs): which \
                 units (150 or 300) reach 99% over 20 fresh sequences, and after how many epochs?"
            }
            Exercise::EchoTopologies => {
                "Tutorial 002 wraps the output in TimeDistributed so that the model is \
                 many-to-many. One-to-one (the 5 steps as the features of one step) or \
                 many-to-one (the 5 outputs as one vector of 500 values): how many units and \
                 epochs do they need to match the many-to-many model?"
            }
            Exercise::VanillaIndexReach => {
                "Tutorial 001's LSTM does not learn the value at index 2 of 50, even from many \
                 examples: the answer is read 47 steps after the value. Trained on fresh batches \
                 of 32, which changes make it learnable: the sequence reversed (index 2 then 2 \
                 steps before the answer), shorter sequences (10, 20, 30 steps), or a larger \
                 forget-gate bias? And how much of the loss's gradient reaches each input step?"
            }
            Exercise::AlphabetLonger => {
                "Tutorial 003 prints 86.96% for the feature window beside 100% for the time-step \
                 framings, which reads as a poorer framing, but its loss is still falling at \
                 epoch 500. Trained to 2000 and 5000 epochs, do the three framings still differ?"
            }
            Exercise::AlphabetStateful => {
                "Tutorial 003's stateful variant: one letter per step, batch size 1, no shuffling, \
                 the state carried through the whole alphabet and reset after each epoch (32 units \
                 and 500 epochs, as the tutorial's other models). Does it learn A to Z, and what \
                 happens when its state is reset and it is asked to go on from K?"
            }
            Exercise::LinfaBaseline => {
                "Which of the tutorials' problems need memory, and which only the right framing? \
                 A multinomial logistic regression (linfa) on the flattened input window, trained \
                 on samples drawn as the tutorial draws them and scored the same way, beside the \
                 LSTM, for every framing with one output step."
            }
        }
    }

    /// The arms compared: a name and how it is trained.
    pub fn arms(self) -> Vec<(String, ArmRun)> {
        let lstm = |arms: Vec<(String, Box<dyn Tutorial>)>| {
            arms.into_iter()
                .map(|(name, c)| (name, ArmRun::Lstm(c)))
                .collect()
        };
        match self {
            Exercise::LinfaBaseline => crate::baseline::FRAMINGS
                .iter()
                .flat_map(|&e| {
                    [
                        (format!("LSTM: {e}"), ArmRun::Lstm(e.config())),
                        (format!("logistic regression: {e}"), ArmRun::Logistic(e)),
                    ]
                })
                .collect(),
            other => lstm(other.lstm_arms()),
        }
    }

    /// The LSTM arms of the exercises that compare tutorial configs.
    fn lstm_arms(self) -> Vec<(String, Box<dyn Tutorial>)> {
        match self {
            Exercise::LinfaBaseline => Vec::new(),
            Exercise::EchoLinear => {
                let mut arms = vec![(
                    "one-hot, 20 units (the tutorial)".to_string(),
                    Box::new(EchoConfig::whole()) as Box<dyn Tutorial>,
                )];
                arms.extend(ECHO_LINEAR_UNITS.iter().map(|&units| {
                    (
                        format!("scaled, {units} units"),
                        Box::new(EchoConfig {
                            representation: Representation::Scaled,
                            units,
                            epochs: ECHO_LINEAR_EPOCHS,
                            ..EchoConfig::whole()
                        }) as Box<dyn Tutorial>,
                    )
                }));
                arms
            }
            Exercise::EchoMasked => vec![
                (
                    "21 full rows, batch 7 (the tutorial)".into(),
                    Box::new(EchoConfig::whole()) as Box<dyn Tutorial>,
                ),
                (
                    "all 25 rows, masked, batch 5".into(),
                    Box::new(EchoConfig {
                        masked: true,
                        batch_size: 5,
                        ..EchoConfig::whole()
                    }),
                ),
            ],
            Exercise::EchoLonger => {
                let mut arms = vec![(
                    "first 2 steps, 150 units (the tutorial)".to_string(),
                    Box::new(EchoConfig::partial()) as Box<dyn Tutorial>,
                )];
                for n_out in 3..=5 {
                    for units in ECHO_LONGER_UNITS {
                        arms.push((
                            format!("first {n_out} steps, {units} units"),
                            Box::new(EchoConfig {
                                n_out,
                                units,
                                epochs: ECHO_LONGER_EPOCHS,
                                layout: EchoLayout::EncoderDecoder,
                                ..EchoConfig::partial()
                            }),
                        ));
                    }
                }
                arms
            }
            Exercise::EchoTopologies => {
                let mut arms = vec![(
                    "many-to-many, 20 units (the tutorial)".to_string(),
                    Box::new(EchoConfig::whole()) as Box<dyn Tutorial>,
                )];
                for (name, layout) in [
                    ("one-to-one", EchoLayout::OneToOne),
                    ("many-to-one", EchoLayout::ManyToOneVector),
                ] {
                    for units in ECHO_TOPOLOGY_UNITS {
                        arms.push((
                            format!("{name}, {units} units"),
                            Box::new(EchoConfig {
                                layout,
                                units,
                                epochs: ECHO_TOPOLOGY_EPOCHS,
                                ..EchoConfig::whole()
                            }),
                        ));
                    }
                }
                arms
            }
            Exercise::VanillaIndexReach => vanilla_reach_arms()
                .into_iter()
                .map(|(name, c)| (name, Box::new(c) as Box<dyn Tutorial>))
                .collect(),
            Exercise::AlphabetStateful => vec![
                (
                    "stateful, one letter per step, scored from A".into(),
                    Box::new(AlphabetStatefulConfig::default()) as Box<dyn Tutorial>,
                ),
                (
                    "the same model, scored from K".into(),
                    Box::new(AlphabetStatefulConfig {
                        start: 10,
                        ..Default::default()
                    }),
                ),
            ],
            Exercise::RandintStateless => vec![
                (
                    "stateful, in order (the tutorial)".into(),
                    Box::new(RandintEchoConfig::default()) as Box<dyn Tutorial>,
                ),
                (
                    "stateless, shuffled".into(),
                    Box::new(RandintEchoConfig {
                        stateful: false,
                        shuffle: true,
                        ..Default::default()
                    }),
                ),
            ],
            Exercise::EchoStateless => vec![
                (
                    "stateful, batch 7 (the tutorial)".into(),
                    Box::new(EchoConfig::whole()) as Box<dyn Tutorial>,
                ),
                (
                    "stateless, batch 1".into(),
                    Box::new(EchoConfig {
                        stateful: false,
                        batch_size: 1,
                        ..EchoConfig::whole()
                    }),
                ),
            ],
            Exercise::AlphabetLonger => {
                let framings = [
                    ("2 time steps", AlphabetConfig::two_step()),
                    ("feature window", AlphabetConfig::feature_window()),
                    ("time-step window", AlphabetConfig::timestep_window()),
                ];
                [500, 2000, 5000]
                    .into_iter()
                    .flat_map(|epochs| {
                        framings.iter().map(move |(name, config)| {
                            (
                                format!("{name}, {epochs} epochs"),
                                Box::new(AlphabetConfig {
                                    epochs,
                                    ..config.clone()
                                }) as Box<dyn Tutorial>,
                            )
                        })
                    })
                    .collect()
            }
        }
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
            .map(|(a, (name, config))| {
                let runs: Vec<&Outcome> = cells
                    .iter()
                    .zip(&outcomes)
                    .filter(|((arm, _), _)| *arm == a)
                    .map(|(_, o)| o)
                    .collect();
                Arm::new(name, config, (1..=seeds).collect(), &runs)
            })
            .collect();
        let series = self.series(seeds, device)?;
        let answer = self.answer(&arms, &series);
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

    /// Measurements beside the arms' accuracies: for `vanilla-index-reach`, the norm of the
    /// loss's gradient reaching each input step of the untrained 50-step models (mean over the
    /// seeds, 100 fresh examples each), by how many steps before the answer the step is read.
    /// (The reversed model is left out: on random inputs its curve is the in-order one; what
    /// changes is where index 2 sits on it, 2 steps before the answer instead of 47.)
    fn series(self, seeds: u64, device: &Device) -> Result<Vec<Series>> {
        if self != Exercise::VanillaIndexReach {
            return Ok(Vec::new());
        }
        let autodiff = device.clone().autodiff();
        vanilla_reach_arms()
            .into_iter()
            .filter(|(_, c)| c.length == VanillaIndexConfig::default().length && !c.reverse)
            .map(|(name, config)| {
                let mut sums = vec![0.0f64; config.length];
                for seed in 1..=seeds {
                    let mut rng = ChaCha12Rng::seed_from_u64(seed);
                    let model = config.init_model(&mut rng, &autodiff)?;
                    let (x, y) = config.generate_batch(&mut rng, 100)?;
                    let norms = crate::inspect::input_gradient_norms(&model, &x, &y)?;
                    for (sum, n) in sums.iter_mut().zip(norms) {
                        *sum += f64::from(n) / seeds as f64;
                    }
                }
                let last = config.length - 1;
                let points = sums
                    .iter()
                    .enumerate()
                    .map(|(t, &v)| ((last - t) as f64, v))
                    .rev()
                    .collect();
                Ok(Series { name, points })
            })
            .collect()
    }

    /// The answer in one sentence, from the arms' numbers.
    fn answer(self, arms: &[Arm], series: &[Series]) -> String {
        let m = |i: usize| &arms[i];
        let scores = |arms: &[Arm]| -> String {
            arms.iter()
                .map(|a| format!("{} {:.2}% ({})", a.name, a.mean, a.reach_in_words()))
                .collect::<Vec<_>>()
                .join("; ")
        };
        // The smallest-units arm whose name starts with `prefix` that reaches REACHED on average.
        let smallest = |prefix: &str| -> String {
            let candidates: Vec<&Arm> = arms.iter().filter(|a| a.name.starts_with(prefix)).collect();
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
        };
        match self {
            Exercise::EchoLinear => format!(
                "Scaled to [0, 1] with a linear head and mean squared error, the share of values \
                 echoed exactly after rounding is {}, against {:.2}% for the tutorial's one-hot \
                 model ({}): {}",
                arms[1..]
                    .iter()
                    .map(|a| format!("{:.2}% with {} ({})", a.mean, a.name, a.reach_in_words()))
                    .collect::<Vec<_>>()
                    .join(", "),
                m(0).mean,
                m(0).reach_in_words(),
                if arms[1..].iter().any(|a| a.mean >= REACHED) {
                    "regression can echo exactly, but needs more units and epochs than classification"
                } else {
                    "a regression output does not recover the integers exactly at these sizes; the \
                     one-hot framing is the better one for an exact echo"
                }
            ),
            Exercise::EchoMasked => format!(
                "With the dropped rows kept and masked, the model echoes {:.2}% of all values of \
                 the 25 rows (mean of {} seeds, {:.2}-{:.2}%) against {:.2}% of the 21 full rows: \
                 {}",
                m(1).mean,
                m(1).accuracies.len(),
                m(1).min,
                m(1).max,
                m(0).mean,
                if m(1).mean >= m(0).mean - 1.0 {
                    "masking lets it use every row at no cost in accuracy, the padded rows' values \
                     included"
                } else {
                    "the masked rows cost accuracy"
                }
            ),
            Exercise::EchoLonger => format!(
                "The smallest units reaching {REACHED}% over 20 fresh sequences: {}; {}; {} (the \
                 tutorial's first 2 steps with 150 units: {:.2}%, {})",
                smallest("first 3 steps"),
                smallest("first 4 steps"),
                smallest("first 5 steps"),
                m(0).mean,
                m(0).reach_in_words()
            ),
            Exercise::EchoTopologies => format!(
                "Against the many-to-many model's {:.2}% with 20 units ({}), the smallest that \
                 match it: {}; {}",
                m(0).mean,
                m(0).reach_in_words(),
                smallest("one-to-one"),
                smallest("many-to-one")
            ),
            Exercise::VanillaIndexReach => {
                let examples = REACH_FITS * REACH_BATCH;
                let tutorial = VanillaIndexConfig::default();
                // Steps between reading index 2 and answering: in order and reversed.
                let in_order = (tutorial.length - 1 - tutorial.out_index) as f64;
                let reversed = tutorial.out_index as f64;
                // How much of the last step's gradient reaches the step that holds index 2.
                let share = |name_start: &str, at: f64| -> String {
                    let points = series.iter().find(|s| s.name.starts_with(name_start));
                    let value = |x: f64| {
                        points
                            .and_then(|s| s.points.iter().find(|p| p.0 == x))
                            .map(|p| p.1)
                    };
                    match (value(0.0), value(at)) {
                        (Some(last), Some(there)) => format!("{:.1e}", there / last),
                        _ => "?".into(),
                    }
                };
                let learned: Vec<&str> = arms
                    .iter()
                    .filter(|a| a.mean >= REACHED)
                    .map(|a| a.name.as_str())
                    .collect();
                format!(
                    "After {examples} fresh examples (batches of {REACH_BATCH}), accuracy over 1000 \
                     new examples: {}. Before training, the gradient at the step holding index 2 \
                     is {} of the last step's in order ({in_order:.0} steps before the answer), \
                     {} reversed ({reversed:.0} steps before) and {} with a forget bias of \
                     {REACH_FORGET_BIAS}; {}",
                    scores(arms),
                    share("50 steps, in order", in_order),
                    share("50 steps, in order", reversed),
                    share("50 steps, forget", in_order),
                    if learned.is_empty() {
                        format!("none of them reaches {REACHED}% in this budget")
                    } else {
                        format!("learned ({REACHED}% or more): {}", learned.join(", "))
                    }
                )
            }
            Exercise::RandintStateless => format!(
                "Stateless with shuffled batches, the model scores {:.2}% on fresh sequences \
                 (mean of {} seeds, {:.2}-{:.2}%) against {:.2}% for the stateful original: {}",
                m(1).mean,
                m(1).accuracies.len(),
                m(1).min,
                m(1).max,
                m(0).mean,
                if m(1).mean >= m(0).mean - 1.0 {
                    "the carried state is not needed, since the value to echo is inside each window"
                } else {
                    "carrying the state helps here"
                }
            ),
            Exercise::EchoStateless => format!(
                "Stateless with batch size 1, echo-whole reaches {:.2}% (mean of {} seeds) in \
                 {:.1} s of training, against {:.2}% in {:.1} s for the stateful batch-7 original: \
                 {}, {:.1}x the training time for 7 times as many (smaller) optimiser steps",
                m(1).mean,
                m(1).accuracies.len(),
                m(1).mean_train_seconds,
                m(0).mean,
                m(0).mean_train_seconds,
                if m(1).mean >= m(0).mean - 1.0 {
                    "as accurate"
                } else {
                    "less accurate"
                },
                m(1).mean_train_seconds / m(0).mean_train_seconds
            ),
            Exercise::AlphabetStateful => format!(
                "Fed one letter per step with its state carried, the model predicts {:.2}% of the \
                 next letters in order from A (mean of {} seeds) but {:.2}% from K with a fresh \
                 state: {}",
                m(0).mean,
                m(0).accuracies.len(),
                m(1).mean,
                if m(0).mean >= 90.0 && m(1).mean < m(0).mean - 20.0 {
                    "it learned where it is in the sequence from its state, not what follows each letter"
                } else if m(0).mean >= 90.0 {
                    "it maps each letter to the next, whatever the state"
                } else {
                    "it does not learn the sequence in 500 epochs"
                }
            ),
            Exercise::LinfaBaseline => {
                // The arms are (LSTM, logistic regression) per framing, in FRAMINGS order.
                let pairs: Vec<(Experiment, &Arm, &Arm)> = crate::baseline::FRAMINGS
                    .iter()
                    .zip(arms.chunks(2))
                    .map(|(&e, p)| (e, &p[0], &p[1]))
                    .collect();
                let framings = |keep: &dyn Fn(&Arm, &Arm) -> bool| -> Vec<String> {
                    pairs
                        .iter()
                        .filter(|(_, lstm, linear)| keep(lstm, linear))
                        .map(|(e, _, _)| e.to_string())
                        .collect()
                };
                let solved = framings(&|_, linear| linear.mean >= 99.0);
                let unlearned = framings(&|lstm, linear| lstm.mean < 10.0 && linear.mean < 10.0);
                let scores: Vec<String> = pairs
                    .iter()
                    .map(|(e, lstm, linear)| format!("{e} {:.2}% (LSTM {:.2}%)", linear.mean, lstm.mean))
                    .collect();
                let mut answer = format!(
                    "Logistic regression on the flattened window scores {}",
                    scores.join(", ")
                );
                answer.push_str(&match solved.len() {
                    0 => ": no framing is solved without memory".to_string(),
                    1 => format!(
                        ": {} needs no memory, only the framing (a linear model solves it)",
                        solved[0]
                    ),
                    _ => format!(
                        ": {} need no memory, only the framing (a linear model solves them)",
                        solved.join(", ")
                    ),
                });
                let near: Vec<String> = pairs
                    .iter()
                    .filter(|(_, _, linear)| (90.0..99.0).contains(&linear.mean))
                    .map(|(e, _, linear)| format!("{e} ({:.2}%)", linear.mean))
                    .collect();
                if !near.is_empty() {
                    answer.push_str(&format!("; nearly linear: {}", near.join(", ")));
                }
                if !unlearned.is_empty() {
                    answer.push_str(&format!(
                        "; from the tutorial's few examples, {} is learned by neither",
                        unlearned.join(", ")
                    ));
                }
                answer
            }
            Exercise::AlphabetLonger => {
                let at = |epochs: usize| {
                    arms.iter()
                        .filter(|a| a.epochs == epochs)
                        .map(|a| format!("{:.2}%", a.mean))
                        .collect::<Vec<_>>()
                        .join(" / ")
                };
                let feature = |epochs: usize| {
                    arms.iter()
                        .find(|a| a.epochs == epochs && a.name.starts_with("feature"))
                        .map_or(f64::NAN, |a| a.mean)
                };
                format!(
                    "Mean accuracy (2 steps / feature window / time-step window) at 500 epochs \
                     {}, at 2000 {}, at 5000 {}: {}",
                    at(500),
                    at(2000),
                    at(5000),
                    if feature(5000) >= 99.0 {
                        "with longer training the feature window learns the alphabet too, so its \
                         86.96% was under-training, not a poorer framing"
                    } else if feature(5000) > feature(500) + 1.0 {
                        "longer training closes part of the feature window's gap, but not all of it"
                    } else {
                        "longer training does not close the feature window's gap"
                    }
                )
            }
        }
    }
}

impl std::str::FromStr for Exercise {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        crate::tutorials::by_id(s, Exercise::ALL, |e| e.id(), "exercise")
    }
}

/// The CLI picks exercises by id, with each one's description in `--help`.
impl clap::ValueEnum for Exercise {
    fn value_variants<'a>() -> &'a [Self] {
        Exercise::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.id()))
    }
}

/// The exercises whose question is about epochs, drawn as learning curves too.
const CURVES: [&str; 4] = [
    "echo-linear",
    "echo-longer",
    "echo-topologies",
    "vanilla-index-reach",
];

/// One arm of an exercise over its seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Arm {
    /// What it is.
    pub name: String,
    /// Its config, as Rust's `Debug` prints it.
    pub config: String,
    /// Epochs (or fits) trained.
    pub epochs: usize,
    /// The seeds.
    pub seeds: Vec<u64>,
    /// The run's scored accuracy per seed (`outcome.accuracy`, percent).
    pub accuracies: Vec<f64>,
    /// How it is scored, in words.
    pub evaluation: String,
    /// Mean accuracy.
    pub mean: f64,
    /// Lowest accuracy.
    pub min: f64,
    /// Highest accuracy.
    pub max: f64,
    /// Mean training seconds per seed.
    pub mean_train_seconds: f64,
    /// The first lines of the first seed's printout (what the model printed, as the tutorial
    /// shows it).
    pub example: Vec<String>,
    /// Samples per epoch (per fit), to turn epochs into examples seen.
    #[serde(default)]
    pub samples_per_epoch: usize,
    /// Epochs per point of `curve`: about a hundredth of the training.
    #[serde(default)]
    pub window: usize,
    /// The accuracy of each epoch's batches as it was trained (percent, mean over the seeds),
    /// averaged over windows of `window` epochs. On fresh-data tutorials every batch is new
    /// when it is scored, so this is accuracy on unseen data as training goes on; on the
    /// alphabet it is training accuracy.
    #[serde(default)]
    pub curve: Vec<f64>,
    /// Per seed: the epoch at the end of the first window whose accuracy averaged at least
    /// [`REACHED`]%, or `None`.
    #[serde(default)]
    pub epochs_to_reach: Vec<Option<usize>>,
}

impl Arm {
    fn new(name: &str, run: &ArmRun, seeds: Vec<u64>, runs: &[&Outcome]) -> Self {
        let accuracies: Vec<f64> = runs.iter().map(|o| o.accuracy).collect();
        let (config, epochs, samples_per_epoch) = run.describe();
        let trained = runs.iter().map(|o| o.history.accuracy.len()).min().unwrap_or(0);
        let window = (trained / 100).max(1);
        let windows = |o: &Outcome| -> Vec<f64> {
            o.history.accuracy[..trained]
                .chunks_exact(window)
                .map(|w| w.iter().map(|&a| f64::from(a) * 100.0).mean())
                .collect()
        };
        let per_seed: Vec<Vec<f64>> = runs.iter().map(|o| windows(o)).collect();
        let points = per_seed.first().map_or(0, Vec::len);
        let curve = (0..points)
            .map(|k| per_seed.iter().map(|c| c[k]).mean())
            .collect();
        let epochs_to_reach = per_seed
            .iter()
            .map(|c| c.iter().position(|&a| a >= REACHED).map(|k| (k + 1) * window))
            .collect();
        Self {
            samples_per_epoch,
            window,
            curve,
            epochs_to_reach,
            name: name.to_string(),
            config,
            epochs,
            seeds,
            mean: accuracies.iter().mean(),
            min: Statistics::min(accuracies.iter()),
            max: Statistics::max(accuracies.iter()),
            evaluation: runs.first().map_or(String::new(), |o| o.evaluation.clone()),
            mean_train_seconds: runs.iter().map(|o| o.train_seconds).mean(),
            example: runs
                .first()
                .map_or(Vec::new(), |o| o.printout.iter().take(3).cloned().collect()),
            accuracies,
        }
    }
}

impl Arm {
    /// When the training accuracy reached [`REACHED`]%: the median epoch over the seeds that
    /// did, and how many did.
    pub fn reach_in_words(&self) -> String {
        let mut reached: Vec<usize> = self.epochs_to_reach.iter().flatten().copied().collect();
        if reached.is_empty() {
            return format!("never {REACHED}% in training");
        }
        reached.sort_unstable();
        let median = reached[reached.len() / 2];
        let n = self.epochs_to_reach.len();
        format!("{REACHED}% by epoch {median} on {} of {n} seeds", reached.len())
    }
}

/// `results/exercises/<id>.json`: a question, its arms' numbers and the answer they support.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    /// The exercise's id.
    pub id: String,
    /// The question.
    pub question: String,
    /// Every arm over its seeds.
    pub arms: Vec<Arm>,
    /// The answer in one sentence, from the numbers.
    pub answer: String,
    /// Measurements beside the arms (for `vanilla-index-reach`: the gradient per input step).
    #[serde(default)]
    pub series: Vec<Series>,
    /// Wall seconds for all arms and seeds.
    pub wall_seconds: f64,
    /// Runs at a time.
    pub jobs: usize,
    /// The machine the runs were made on.
    #[serde(default)]
    pub host: crate::host::Host,
}

impl Answer {
    /// The arms as a markdown table, with the answer under it.
    pub fn to_markdown(&self) -> String {
        let mut md = format!(
            "### {}\n\n{}\n\n| arm | epochs | seeds | mean | min | max | train s (mean) |\n|---|---:|---:|---:|---:|---:|---:|\n",
            self.id, self.question
        );
        for a in &self.arms {
            md.push_str(&format!(
                "| {} | {} | {} | {:.2}% | {:.2}% | {:.2}% | {:.2} |\n",
                a.name,
                a.epochs,
                a.seeds.len(),
                a.mean,
                a.min,
                a.max,
                a.mean_train_seconds
            ));
        }
        let examples: Vec<String> = self
            .arms
            .iter()
            .map(|a| {
                (
                    a,
                    a.example.iter().take(2).cloned().collect::<Vec<_>>().join("; "),
                )
            })
            .filter(|(_, line)| !line.is_empty() && line.len() <= 220)
            .map(|(a, line)| format!("- {}: `{line}`\n", a.name))
            .collect();
        if !examples.is_empty() {
            md.push_str(&format!("\nSeed 1, as printed:\n\n{}", examples.concat()));
        }
        let mut scored: Vec<&str> = Vec::new();
        for a in &self.arms {
            if !scored.contains(&a.evaluation.as_str()) {
                scored.push(&a.evaluation);
            }
        }
        md.push_str(&format!(
            "\n{}. ({:.0} s for all runs, {} at a time; scored as: {}.)\n",
            self.answer,
            self.wall_seconds,
            self.jobs,
            scored.join("; ")
        ));
        md
    }

    /// Checks a re-run of this exercise's first seeds (`fresh`, from [`Exercise::run`] with
    /// fewer seeds) against this saved answer: every arm's config, epochs, per-seed accuracy and
    /// per-seed epoch of reaching [`REACHED`]% must be the same, to the last bit.
    pub fn check_agrees_with(&self, fresh: &Answer) -> Result<()> {
        let names = |a: &Answer| a.arms.iter().map(|a| a.name.clone()).collect::<Vec<_>>();
        Error::unless_same_values(&self.id, "arms", &names(fresh), &names(self))?;
        for (ours, saved) in fresh.arms.iter().zip(&self.arms) {
            let n = ours.seeds.len();
            let id = format!("{} arm {:?}", self.id, saved.name);
            let first = |v: &'_ [f64]| v.get(..n).unwrap_or(v).to_vec();
            Error::unless_same_values(
                &id,
                "seeds",
                &ours.seeds,
                saved.seeds.get(..n).unwrap_or(&saved.seeds),
            )?;
            Error::unless_same(&id, "config", ours.config.clone(), saved.config.clone())?;
            Error::unless_same(&id, "epochs", ours.epochs, saved.epochs)?;
            Error::unless_same_values(
                &id,
                "accuracy per seed",
                &first(&ours.accuracies),
                &first(&saved.accuracies),
            )?;
            Error::unless_same_values(
                &id,
                "epoch reaching 99% per seed",
                &ours.epochs_to_reach,
                saved.epochs_to_reach.get(..n).unwrap_or(&saved.epochs_to_reach),
            )?;
        }
        Ok(())
    }

    /// Reads `dir/exercises/<id>.json`.
    pub fn load(dir: &std::path::Path, exercise: Exercise) -> Result<Self> {
        let path = dir.join("exercises").join(format!("{}.json", exercise.id()));
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Error::invalid(
                "exercises",
                format!(
                    "cannot read {}: {e} (run `lstm-lab exercises` first)",
                    path.display()
                ),
            )
        })?;
        Ok(serde_json::from_str(&text)?)
    }

    /// Every chart of the answer, with the name of its file (`results/exercises/<name>.svg`):
    /// the [`Answer::chart`], the learning curves where the question is about epochs, and the
    /// gradient per input step for `vanilla-index-reach`.
    pub fn charts(&self) -> Result<Vec<(String, crate::plot::Svg)>> {
        let mut charts = vec![(self.id.clone(), self.chart()?)];
        if CURVES.contains(&self.id.as_str()) {
            charts.push((format!("{}-curves", self.id), self.curves_chart()?));
        }
        if !self.series.is_empty() {
            charts.push((format!("{}-gradients", self.id), self.gradient_chart()?));
        }
        Ok(charts)
    }

    /// Each arm's accuracy during training (its `curve`), by epoch, or by examples seen when
    /// every epoch is a batch of fresh examples.
    pub fn curves_chart(&self) -> Result<crate::plot::Svg> {
        let by_examples = self.id == Exercise::VanillaIndexReach.id();
        let series: Vec<Series> = self
            .arms
            .iter()
            .map(|a| Series {
                name: a.name.clone(),
                points: a
                    .curve
                    .iter()
                    .enumerate()
                    .map(|(k, &v)| {
                        let epoch = ((k + 1) * a.window) as f64;
                        let x = if by_examples {
                            epoch * a.samples_per_epoch as f64
                        } else {
                            epoch
                        };
                        (x, v)
                    })
                    .collect(),
            })
            .collect();
        let seeds = self.arms.first().map_or(0, |a| a.seeds.len());
        crate::plot::line_chart(
            &format!("{}: accuracy while training (mean of {seeds} seeds)", self.id),
            if by_examples { "examples seen" } else { "epoch" },
            "accuracy on each new batch (%)",
            &series,
            false,
        )
    }

    /// The `series` (the gradient reaching each input step) on a log scale.
    pub fn gradient_chart(&self) -> Result<crate::plot::Svg> {
        crate::plot::line_chart(
            &format!("{}: gradient reaching each input step, untrained", self.id),
            "steps before the answer",
            "|dLoss/dx_t| (log scale)",
            &self.series,
            true,
        )
    }

    /// Every arm's mean accuracy as a bar; for `linfa-baseline`, the LSTM and the linear model
    /// side by side per framing (the chart of the notebook and of `results/exercises/<id>.svg`).
    pub fn chart(&self) -> Result<crate::plot::Svg> {
        let seeds = self.arms.first().map_or(0, |a| a.seeds.len());
        let title = format!("{}: mean accuracy over {seeds} seeds", self.id);
        if self.id == Exercise::LinfaBaseline.id() {
            let bars: Vec<(String, Option<f64>, f64)> = crate::baseline::FRAMINGS
                .iter()
                .zip(self.arms.chunks(2))
                .map(|(e, p)| (e.to_string(), p.get(1).map(|l| l.mean), p[0].mean))
                .collect();
            return crate::plot::paired_bars(&bars, &title, ["logistic regression (linfa)", "LSTM"]);
        }
        let bars: Vec<(String, Option<f64>, f64)> =
            self.arms.iter().map(|a| (a.name.clone(), None, a.mean)).collect();
        crate::plot::paired_bars(&bars, &title, ["", "mean accuracy"])
    }

    /// Notebook display (evcxr): the markdown table as HTML rows.
    pub fn evcxr_display(&self) {
        let rows: Vec<Vec<String>> = self
            .arms
            .iter()
            .map(|a| {
                vec![
                    a.name.clone(),
                    a.epochs.to_string(),
                    a.seeds.len().to_string(),
                    format!("{:.2}%", a.mean),
                    format!("{:.2}-{:.2}%", a.min, a.max),
                    format!("{:.2}", a.mean_train_seconds),
                ]
            })
            .collect();
        crate::notebook::show_table(&["arm", "epochs", "seeds", "mean", "range", "train s"], &rows);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_names_the_arm_and_the_field_that_differ() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("results");
        let saved = Answer::load(&dir, Exercise::EchoLinear).unwrap();
        // A re-run of seed 1 alone agrees with the saved answer's first seed.
        let mut fresh = saved.clone();
        for arm in &mut fresh.arms {
            arm.seeds.truncate(1);
            arm.accuracies.truncate(1);
            arm.epochs_to_reach.truncate(1);
        }
        saved.check_agrees_with(&fresh).unwrap();
        fresh.arms[1].accuracies[0] += 0.01;
        let err = saved.check_agrees_with(&fresh).unwrap_err().to_string();
        assert!(
            err.contains("accuracy per seed") && err.contains(&saved.arms[1].name),
            "{err}"
        );
        // A seed the saved answer does not hold is named too.
        fresh.arms[1].seeds = vec![9];
        let err = saved.check_agrees_with(&fresh).unwrap_err().to_string();
        assert!(err.contains("seeds"), "{err}");
    }

    #[test]
    fn arms_vary_only_what_the_question_is_about() {
        let randint = Exercise::RandintStateless.lstm_arms();
        assert_eq!(randint.len(), 2);
        assert_eq!(
            format!("{:?}", randint[0].1),
            format!("{:?}", RandintEchoConfig::default())
        );
        let changed = RandintEchoConfig {
            stateful: false,
            shuffle: true,
            ..Default::default()
        };
        assert_eq!(format!("{:?}", randint[1].1), format!("{changed:?}"));
        let echo = Exercise::EchoStateless.lstm_arms();
        assert_eq!(echo[1].1.batch_size(), 1);
        assert_eq!(echo[1].1.epochs(), echo[0].1.epochs());
        let alphabet = Exercise::AlphabetLonger.lstm_arms();
        let epochs: Vec<usize> = alphabet.iter().map(|a| a.1.epochs()).collect();
        assert_eq!(epochs, [500, 500, 500, 2000, 2000, 2000, 5000, 5000, 5000]);
        let masked = Exercise::EchoMasked.lstm_arms();
        assert_eq!(
            format!("{:?}", masked[1].1),
            format!(
                "{:?}",
                EchoConfig {
                    masked: true,
                    batch_size: 5,
                    ..EchoConfig::whole()
                }
            )
        );
        assert_eq!(masked[1].1.samples_per_epoch(), 25);
        let longer = Exercise::EchoLonger.lstm_arms();
        assert_eq!(longer.len(), 1 + 3 * ECHO_LONGER_UNITS.len());
        assert!(longer[1..].iter().all(|a| a.1.epochs() == ECHO_LONGER_EPOCHS));
        let reach = vanilla_reach_arms();
        assert_eq!(reach.len(), 6);
        let base = &reach[0].1;
        assert!(reach[1..].iter().all(|(_, c)| {
            let changed = [c.reverse, c.forget_bias != 1.0, c.length != base.length];
            changed.iter().filter(|&&b| b).count() == 1
                && (c.fits, c.examples_per_fit, c.units) == (base.fits, base.examples_per_fit, base.units)
        }));
        let baseline = Exercise::LinfaBaseline.arms();
        assert_eq!(baseline.len(), 2 * crate::baseline::FRAMINGS.len());
        for e in Exercise::ALL {
            assert_eq!(e.id().parse::<Exercise>().unwrap(), *e);
        }
        assert!("nope".parse::<Exercise>().is_err());
    }
}
