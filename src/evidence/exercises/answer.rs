//! What an exercise produces: each [`Arm`]'s numbers over its seeds and the [`Answer`] they
//! support, as saved in `results/exercises/<id>.json`, with its table and charts.

use super::{CurveAxis, Exercise};
use crate::error::{Error, Result};
use crate::plot::{Series, Svg};
use crate::tutorials::Outcome;
use serde::{Deserialize, Serialize};
use statrs::statistics::Statistics;

/// An accuracy counts as reached when the mean over a window of epochs is at least this.
pub const REACHED: f64 = 99.0;

/// One arm of an exercise over its seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Arm {
    /// What it is.
    pub name: String,
    /// Its config as JSON: a tutorial config's fields, or what the baseline is.
    pub config: serde_json::Value,
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
    /// An arm's numbers from its runs, one per seed.
    pub(super) fn new(
        name: &str,
        config: serde_json::Value,
        epochs: usize,
        samples_per_epoch: usize,
        seeds: Vec<u64>,
        runs: &[&Outcome],
    ) -> Self {
        let accuracies: Vec<f64> = runs.iter().map(|o| o.accuracy).collect();
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

    /// When the training accuracy reached [`REACHED`]%: the median epoch over the seeds that
    /// did, and how many did.
    pub fn reach_in_words(&self) -> String {
        self.reach_in(|epoch| format!("epoch {epoch}"))
    }

    /// [`Self::reach_in_words`] counted in examples seen, for arms whose every epoch is one
    /// fresh batch (where "epoch" would mislead).
    pub fn reach_in_examples(&self) -> String {
        self.reach_in(|epoch| format!("{} examples", epoch * self.samples_per_epoch))
    }

    fn reach_in(&self, when: impl Fn(usize) -> String) -> String {
        let mut reached: Vec<usize> = self.epochs_to_reach.iter().flatten().copied().collect();
        if reached.is_empty() {
            return format!("never {REACHED}% in training");
        }
        reached.sort_unstable();
        let median = reached[reached.len() / 2];
        let n = self.epochs_to_reach.len();
        format!("{REACHED}% by {} on {} of {n} seeds", when(median), reached.len())
    }
}

/// A question's arms, found by name when its answer is written.
#[derive(Debug, Clone, Copy)]
pub struct Arms<'a>(pub &'a [Arm]);

impl<'a> Arms<'a> {
    /// The arm called `name`.
    pub fn named(&self, name: &str) -> Result<&'a Arm> {
        self.0.iter().find(|a| a.name == name).ok_or_else(|| {
            let names: Vec<&str> = self.0.iter().map(|a| a.name.as_str()).collect();
            Error::invalid("arm", format!("no arm `{name}`; the arms: {}", names.join(", ")))
        })
    }

    /// Every arm, in order.
    pub fn iter(&self) -> std::slice::Iter<'a, Arm> {
        self.0.iter()
    }

    /// The arms whose mean is at least [`REACHED`]%: `none` when there is no such arm, else
    /// `some` then their names.
    pub(crate) fn reaching_in_words(&self, none: &str, some: &str) -> String {
        let names: Vec<&str> = self
            .iter()
            .filter(|a| a.mean >= REACHED)
            .map(|a| a.name.as_str())
            .collect();
        if names.is_empty() {
            none.to_string()
        } else {
            format!("{some}{}", names.join(", "))
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
    /// The arm called `name` (an error naming the arms there are, if none is).
    pub fn arm(&self, name: &str) -> Result<&Arm> {
        Arms(&self.arms).named(name)
    }

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
            Error::unless_same(&id, "config", ours.config.to_string(), saved.config.to_string())?;
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

    /// Reads `dir/exercises/<id>.json`; the id must name an exercise.
    pub fn load(dir: &std::path::Path, id: &str) -> Result<Self> {
        let exercise: Exercise = id.parse()?;
        let path = dir.join("exercises").join(format!("{}.json", exercise.id()));
        crate::files::read_json(&path, " (run `lstm-lab exercises` first)")
    }

    /// The exercise that made this answer.
    fn exercise(&self) -> Result<Exercise> {
        self.id.parse()
    }

    /// Writes [`Self::question`] and [`Self::answer`] again from the saved arms and series, as a
    /// fresh run would (after a change to the wording code; the numbers are the saved ones).
    pub fn reword(&mut self) -> Result<()> {
        let question = self.exercise()?.get();
        self.question = question.question().to_string();
        self.answer = question.answer(&Arms(&self.arms), &self.series)?;
        Ok(())
    }

    /// Every chart of the answer, with the name of its file (`results/exercises/<name>.svg`):
    /// the question's main chart, the learning curves where the question is about epochs, and
    /// the `series` where it measured any.
    pub fn charts(&self) -> Result<Vec<(String, Svg)>> {
        let mut charts = vec![(self.id.clone(), self.chart()?)];
        if self.exercise()?.get().curves().is_some() {
            charts.push((format!("{}-curves", self.id), self.curves_chart()?));
        }
        if !self.series.is_empty() {
            charts.push((format!("{}-gradients", self.id), self.gradient_chart()?));
        }
        Ok(charts)
    }

    /// The question's main chart (the notebook's and `results/exercises/<id>.svg`).
    pub fn chart(&self) -> Result<Svg> {
        self.exercise()?.get().chart(self)
    }

    /// Each arm's accuracy during training (its `curve`), by epoch, or by examples seen where
    /// the question says so ([`CurveAxis`]).
    pub fn curves_chart(&self) -> Result<Svg> {
        let axis = self.exercise()?.get().curves().unwrap_or(CurveAxis::Epochs);
        let by_examples = axis == CurveAxis::Examples;
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
        crate::plot::line_chart(
            &format!(
                "{}: accuracy while training (mean of {} seeds)",
                self.id,
                self.seeds()
            ),
            if by_examples { "examples seen" } else { "epoch" },
            "accuracy on each new batch (%)",
            &series,
            false,
        )
    }

    /// The `series` (the gradient reaching each input step) on a log scale.
    pub fn gradient_chart(&self) -> Result<Svg> {
        crate::plot::line_chart(
            &format!("{}: gradient reaching each input step, untrained", self.id),
            "steps before the answer",
            "|dLoss/dx_t| (log scale)",
            &self.series,
            true,
        )
    }

    /// Every arm's mean accuracy as a bar.
    pub fn bar_chart(&self) -> Result<Svg> {
        let bars: Vec<(String, Option<f64>, f64)> =
            self.arms.iter().map(|a| (a.name.clone(), None, a.mean)).collect();
        crate::plot::paired_bars(&bars, &self.chart_title(), ["", "mean accuracy"])
    }

    /// "`id`: mean accuracy over `n` seeds".
    pub(super) fn chart_title(&self) -> String {
        format!("{}: mean accuracy over {} seeds", self.id, self.seeds())
    }

    /// Seeds per arm.
    fn seeds(&self) -> usize {
        self.arms.first().map_or(0, |a| a.seeds.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_names_the_arm_and_the_field_that_differ() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("results");
        let saved = Answer::load(&dir, "echo-linear").unwrap();
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
    fn an_arm_is_found_by_name_or_the_error_lists_the_arms() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("results");
        let saved = Answer::load(&dir, "echo-masked").unwrap();
        let arms = Arms(&saved.arms);
        assert_eq!(arms.named(&saved.arms[1].name).unwrap(), &saved.arms[1]);
        let err = arms.named("nope").unwrap_err().to_string();
        assert!(err.contains("nope") && err.contains(&saved.arms[0].name), "{err}");
        let err = Answer::load(&dir, "no-such-question").unwrap_err().to_string();
        assert!(
            err.contains("no-such-question") && err.contains("echo-masked"),
            "{err}"
        );
    }
}
