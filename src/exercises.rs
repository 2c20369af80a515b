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

use crate::error::{Error, Result};
use crate::parallel::parallel_map;
use crate::tutorials::alphabet::{AlphabetConfig, AlphabetStatefulConfig};
use crate::tutorials::echo::EchoConfig;
use crate::tutorials::randint_echo::RandintEchoConfig;
use crate::tutorials::{Experiment, Outcome, RunOptions, Tutorial};
use burn::tensor::Device;
use serde::{Deserialize, Serialize};
use statrs::statistics::Statistics;

/// One of the tutorials' open questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Exercise {
    /// Randint echo (000): the target lies inside the input window, so is carrying state needed?
    RandintStateless,
    /// Echo (002): a stateless LSTM with batch size 1 against the tutorial's stateful one.
    EchoStateless,
    /// Alphabet (003): is the feature window a worse framing, or only less trained?
    AlphabetLonger,
    /// Alphabet (003): a stateful LSTM fed one letter per step learns the sequence; what does it
    /// do when asked to start mid-alphabet?
    AlphabetStateful,
    /// Every single-output framing: does it need memory, or only the right framing? A linfa
    /// logistic regression on the flattened window beside the LSTM.
    LinfaBaseline,
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
            ArmRun::Lstm(config) => {
                device.seed(seed);
                config.run(&RunOptions::new(seed), device)
            }
            ArmRun::Logistic(experiment) => crate::baseline::logistic(*experiment, seed),
        }
    }

    fn describe(&self) -> (String, usize) {
        match self {
            ArmRun::Lstm(config) => (format!("{config:?}"), config.epochs()),
            ArmRun::Logistic(e) => (
                format!("linfa-logistic MultiLogisticRegression::default() on {e}'s flattened windows"),
                1,
            ),
        }
    }
}

impl Exercise {
    /// All of them.
    pub const ALL: &'static [Exercise] = &[
        Exercise::RandintStateless,
        Exercise::EchoStateless,
        Exercise::AlphabetLonger,
        Exercise::AlphabetStateful,
        Exercise::LinfaBaseline,
    ];

    /// The id used in the CLI and `results/exercises/<id>.json`.
    pub fn id(self) -> &'static str {
        match self {
            Exercise::RandintStateless => "randint-stateless",
            Exercise::EchoStateless => "echo-stateless",
            Exercise::AlphabetLonger => "alphabet-longer",
            Exercise::AlphabetStateful => "alphabet-stateful",
            Exercise::LinfaBaseline => "linfa-baseline",
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
            Exercise::AlphabetLonger => {
                "Tutorial 003 reads the feature window's 86.96% as a poorer framing, but its loss \
                 is still falling at epoch 500. Trained to 2000 and 5000 epochs, do the three \
                 framings still differ?"
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
        let answer = self.answer(&arms);
        Ok(Answer {
            id: self.id().to_string(),
            question: self.question().to_string(),
            arms,
            answer,
            wall_seconds: seconds,
            jobs,
        })
    }

    /// The answer in one sentence, from the arms' numbers.
    fn answer(self, arms: &[Arm]) -> String {
        let m = |i: usize| &arms[i];
        match self {
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
}

impl Arm {
    fn new(name: &str, run: &ArmRun, seeds: Vec<u64>, runs: &[&Outcome]) -> Self {
        let accuracies: Vec<f64> = runs.iter().map(|o| o.accuracy).collect();
        let (config, epochs) = run.describe();
        Self {
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
    /// Wall seconds for all arms and seeds.
    pub wall_seconds: f64,
    /// Runs at a time.
    pub jobs: usize,
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
        crate::notebook::emit_html(&crate::notebook::html_table(
            &["arm", "epochs", "seeds", "mean", "range", "train s"],
            &rows,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let baseline = Exercise::LinfaBaseline.arms();
        assert_eq!(baseline.len(), 2 * crate::baseline::FRAMINGS.len());
        for e in Exercise::ALL {
            assert_eq!(e.id().parse::<Exercise>().unwrap(), *e);
        }
        assert!("nope".parse::<Exercise>().is_err());
    }
}
