//! Each tutorial's claim judged on the study's runs: the distribution of the like-for-like
//! number over seeds, ours and real Keras's, two-sample tests between them, and a verdict by
//! the rule in [`RULE`].

use super::{Part, SeedRun};
use crate::error::{Error, Result};
use crate::report::{ClaimKind, Metric, reported};
use crate::tutorials::Experiment;
use serde::{Deserialize, Serialize};
use statrs::statistics::Statistics;
use statrs::stats_tests::Alternative;
use statrs::stats_tests::fisher::fishers_exact;
use statrs::stats_tests::mannwhitneyu::{MannWhitneyUMethod, mannwhitneyu};
use std::path::Path;

use super::{Distribution, KerasStudy, Verdict};

/// How a verdict is reached, as written into study.json, study.md and the README.
pub const RULE: &str = "Each claim is the tutorial's number, compared with the like-for-like \
number of every seed's run (`measured as`), at the precision the tutorial printed (two decimals). \
`reach` is the share of seeds whose number is at least the tutorial's. A number the tutorial \
says the model gets to (its 100% claims, randint-echo's 95%) holds when at least 90% of seeds \
reach it, holds on most seeds when at least 50% do, and does not hold otherwise. A number that \
describes a limit or a failure (vanilla-index's 0%, the feature window's 86.96%) is what one run \
printed: it holds when it lies between the 10th and 90th percentiles of the seeds' numbers \
(statrs's quantile estimator, R type 8), and does not hold otherwise. Ours and Keras's runs are \
compared with Fisher's exact test on the reach counts and the Mann-Whitney U test on the numbers \
(both two-sided, from statrs): a small p-value says that the port and Keras behave differently; \
a large one says that these seeds cannot tell them apart.";

/// One tutorial claim over the study's seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// The experiment.
    pub experiment: Experiment,
    /// The tutorial's number, percent (`None`: it prints none).
    pub reported: Option<f64>,
    /// The line that states it.
    pub quote: String,
    /// Which of each run's numbers is compared with it.
    pub metric: Metric,
    /// How it is judged.
    pub kind: ClaimKind,
    /// What that number is, in words.
    pub measures: String,
    /// Ours over the study's seeds.
    pub ours: Distribution,
    /// The verdict on ours.
    pub verdict: Verdict,
    /// Real Keras over its seeds (`None`: no Keras runs of this experiment).
    pub keras: Option<Distribution>,
    /// The verdict on Keras's runs, by the same rule.
    pub keras_verdict: Option<Verdict>,
    /// Fisher's exact test (two-sided) of ours against Keras on the reach counts.
    pub fisher_p: Option<f64>,
    /// Mann-Whitney U test (two-sided) of ours against Keras on the numbers.
    pub mann_whitney_p: Option<f64>,
    /// Mean training seconds of our runs.
    pub mean_seconds: f64,
    /// Mean training seconds of Keras's runs.
    pub keras_mean_seconds: Option<f64>,
}

impl Claim {
    /// The claim of `experiment` judged on `runs` (ours) and `keras`.
    pub fn judge(experiment: Experiment, runs: &[&SeedRun], keras: Option<&KerasStudy>) -> Result<Self> {
        let reported = reported()?
            .remove(experiment.id())
            .ok_or_else(|| Error::invalid("reported.json", format!("no entry for {experiment}")))?;
        let metric = reported.metric;
        let ours = Distribution::of(runs.iter().map(|r| r.value(metric)).collect(), reported.reported)?;
        let keras_values = keras.map(|k| k.values(experiment, metric)).unwrap_or_default();
        let theirs = (!keras_values.is_empty())
            .then(|| Distribution::of(keras_values, reported.reported))
            .transpose()?;
        let fisher_p = match (&theirs, reported.reported) {
            (Some(theirs), Some(r)) => {
                let [a, b] = ours.reach_counts(r);
                let [c, d] = theirs.reach_counts(r);
                fishers_exact(&[a, b, c, d], Alternative::TwoSided).ok()
            }
            _ => None,
        };
        let mann_whitney_p = theirs
            .as_ref()
            .and_then(|theirs| mann_whitney(&ours.values, &theirs.values));
        let keras_mean_seconds = keras
            .map(|k| k.runs_of(experiment))
            .filter(|runs| !runs.is_empty())
            .map(|runs| runs.iter().map(|r| r.train_seconds).mean());
        Ok(Self {
            experiment,
            reported: reported.reported,
            quote: reported.quote,
            metric,
            kind: reported.claim,
            measures: reported.measures,
            verdict: Verdict::judge(reported.reported, reported.claim, &ours),
            keras_verdict: theirs
                .as_ref()
                .map(|t| Verdict::judge(reported.reported, reported.claim, t)),
            ours,
            keras: theirs,
            fisher_p,
            mann_whitney_p,
            mean_seconds: runs.iter().map(|r| r.train_seconds).mean(),
            keras_mean_seconds,
        })
    }
}

/// Two-sided Mann-Whitney U p-value of `a` against `b`; 1 when every value is the same (no
/// difference is possible), `None` when statrs cannot compute it.
fn mann_whitney(a: &[f64], b: &[f64]) -> Option<f64> {
    let first = a.first().or(b.first())?;
    if a.iter().chain(b).all(|v| v == first) {
        return Some(1.0);
    }
    mannwhitneyu(a, b, MannWhitneyUMethod::Automatic, Alternative::TwoSided)
        .ok()
        .map(|(_, p)| p)
        .filter(|p| p.is_finite())
}

/// `results/study.json`: the study's runs and every claim judged on them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Study {
    /// How verdicts are reached.
    pub rule: String,
    /// Where Keras's runs come from, and their versions.
    pub keras_source: Option<String>,
    /// One claim per experiment of the grid.
    pub claims: Vec<Claim>,
    /// The grid, device, epochs and every run.
    #[serde(flatten)]
    pub part: Part,
}

impl Study {
    /// Judges every experiment of a complete `part` (no shard) against `keras` (read from
    /// `keras_path`, named in the output).
    pub fn new(part: Part, keras: Option<(&Path, &KerasStudy)>) -> Result<Self> {
        if let Some(shard) = part.shard {
            return Err(Error::invalid(
                "study",
                format!("shard {shard} is only part of the study: merge the parts first"),
            ));
        }
        let claims = part
            .grid
            .experiments
            .iter()
            .map(|&e| {
                let runs: Vec<&SeedRun> = part.runs.iter().filter(|r| r.experiment == e).collect();
                Claim::judge(e, &runs, keras.map(|k| k.1))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            rule: RULE.to_string(),
            keras_source: keras
                .map(|(path, k)| format!("{} ({}, {})", path.display(), k.versions(), k.machine)),
            claims,
            part,
        })
    }

    /// Reads `results/study.json`.
    pub fn load(path: &Path) -> Result<Self> {
        crate::files::read_json(path, " (run `lstm-lab study` first)")
    }

    /// The claim of `experiment`.
    pub fn claim(&self, experiment: Experiment) -> Result<&Claim> {
        self.claims
            .iter()
            .find(|c| c.experiment == experiment)
            .ok_or_else(|| Error::invalid("study", format!("{experiment} is not in the study")))
    }

    /// The saved run of `(experiment, seed)`.
    pub fn run(&self, experiment: Experiment, seed: u64) -> Result<&SeedRun> {
        self.part
            .runs
            .iter()
            .find(|r| r.experiment == experiment && r.seed == seed)
            .ok_or_else(|| Error::invalid("study", format!("{experiment} seed {seed} is not in the study")))
    }

    /// Checks that every run of `runs` has the numbers the study saved for its cell.
    pub fn check(&self, runs: &[SeedRun]) -> Result<()> {
        runs.iter()
            .try_for_each(|run| run.check_agrees_with(self.run(run.experiment, run.seed)?))
    }

    /// The verdict table (study.md and the README).
    pub fn to_markdown(&self) -> String {
        let p = |v: Option<f64>| v.map_or("-".to_string(), |p| format!("{p:.3}"));
        let pct = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.2}%"));
        let share = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{:.0}%", 100.0 * v));
        let grid = &self.part.grid;
        let mut md = format!(
            "Seeds {}..={} of every experiment, at {} on `{}`{}.\n\n",
            grid.first_seed,
            grid.first_seed + grid.seeds - 1,
            self.part
                .epochs
                .map_or("tutorial scale".to_string(), |e| format!("{e} epochs")),
            self.part.device,
            self.keras_source
                .as_ref()
                .map_or(String::new(), |k| format!("; Keras: {k}"))
        );
        md.push_str(
            "| claim | tutorial | measured as | ours: mean ± sd | ours: min / median / max | ours reach | verdict | Keras: mean ± sd | Keras: min / median / max | Keras reach | Keras verdict | Fisher p | Mann-Whitney p |\n\
             |---|---:|---|---:|---:|---:|---|---:|---:|---:|---|---:|---:|\n",
        );
        for c in &self.claims {
            let (k_mean, k_spread, k_reach) = c
                .keras
                .as_ref()
                .map_or(("no runs".to_string(), "-".to_string(), "-".to_string()), |k| {
                    (k.mean_sd(), k.spread(), share(k.reach))
                });
            md.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | **{}** | {} | {} | {} | {} | {} | {} |\n",
                c.experiment,
                pct(c.reported),
                c.measures,
                c.ours.mean_sd(),
                c.ours.spread(),
                share(c.ours.reach),
                c.verdict.words(),
                k_mean,
                k_spread,
                k_reach,
                c.keras_verdict.map_or("-", Verdict::words),
                p(c.fisher_p),
                p(c.mann_whitney_p),
            ));
        }
        md.push_str(&format!("\n{}\n\nIn words:\n\n", self.rule));
        for c in &self.claims {
            md.push_str(&format!("- {}\n", c.sentence()));
        }
        md
    }

    /// Per experiment: our numbers beside Keras's (`study-<id>.svg`) and the learning curves
    /// of every seed (`study-<id>-curves.svg`).
    pub fn charts(&self) -> Result<Vec<(String, crate::plot::Svg)>> {
        let mut charts = Vec::new();
        for c in &self.claims {
            let id = c.experiment.id();
            charts.push((format!("study-{id}"), self.strip(c.experiment)?));
            charts.push((format!("study-{id}-curves"), self.curves(c.experiment)?));
        }
        Ok(charts)
    }

    /// `experiment`'s number per seed, ours beside Keras's, with the tutorial's as a line.
    pub fn strip(&self, experiment: Experiment) -> Result<crate::plot::Svg> {
        let c = self.claim(experiment)?;
        let keras = c.keras.as_ref().map_or(&[][..], |k| &k.values[..]);
        let title = format!("{experiment}: {} per seed", c.metric_label());
        crate::plot::strip_chart(
            &title,
            &[("lstm-lab", &c.ours.values), ("Keras", keras)],
            c.reported,
        )
    }

    /// `experiment`'s training loss per epoch over every seed: mean and min-max band.
    pub fn curves(&self, experiment: Experiment) -> Result<crate::plot::Svg> {
        let curves: Vec<&[f32]> = self
            .part
            .runs
            .iter()
            .filter(|r| r.experiment == experiment)
            .map(|r| &r.loss[..])
            .collect();
        let title = format!("{experiment}: training loss over {} seeds", curves.len());
        crate::plot::band_chart(&title, &curves)
    }
}

impl Claim {
    /// The claim's outcome in one sentence, from its numbers.
    pub fn sentence(&self) -> String {
        let n = self.ours.values.len();
        let seeds = |n: usize| if n == 1 { "seed" } else { "seeds" };
        let o = &self.ours;
        let mut s = format!("{} ({}): ", self.experiment, self.measures);
        s.push_str(&match (self.reported, self.kind) {
            (None, _) => format!(
                "the tutorial prints no number; ours is {:.2}% on average over {n} {} ({:.2}-{:.2}%)",
                o.mean,
                seeds(n),
                o.min,
                o.max
            ),
            (Some(r), ClaimKind::AtLeast) => format!(
                "the tutorial's {r:.2}% is reached by {:.0}% of our {n} {} (mean {:.2}%): it {}",
                100.0 * o.reach.unwrap_or(0.0),
                seeds(n),
                o.mean,
                self.verdict.words()
            ),
            (Some(r), ClaimKind::Typical) => format!(
                "the tutorial's {r:.2}% against the 10th-90th percentiles of our {n} {}, \
                 {:.2}-{:.2}% (mean {:.2}%): it {}",
                seeds(n),
                o.p10,
                o.p90,
                o.mean,
                self.verdict.words()
            ),
        });
        if let Some(k) = &self.keras {
            let reach = k
                .reach
                .map_or(String::new(), |r| format!(", {:.0}% reaching it", 100.0 * r));
            s.push_str(&format!(
                ". Keras: mean {:.2}% over {} {}{reach}",
                k.mean,
                k.values.len(),
                seeds(k.values.len())
            ));
            if let Some(p) = self.mann_whitney_p {
                s.push_str(&if p < 0.05 {
                    format!("; Mann-Whitney p = {p:.3}: the port and Keras differ")
                } else {
                    format!("; Mann-Whitney p = {p:.2}: these seeds cannot tell the port from Keras")
                });
            }
        }
        s.push('.');
        s
    }

    /// `last-fit training accuracy (%)` or `accuracy (%)`.
    pub fn metric_label(&self) -> &'static str {
        match self.metric {
            Metric::Evaluation => "accuracy (%)",
            Metric::LastFit => "last-fit training accuracy (%)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mann_whitney_is_one_on_identical_samples_and_small_on_separated_ones() {
        assert_eq!(mann_whitney(&[100.0; 10], &[100.0; 5]), Some(1.0));
        let p = mann_whitney(&[100.0; 10], &[50.0; 10]).unwrap();
        assert!(p < 1e-3, "{p}");
        let q = mann_whitney(&[1.0, 2.0, 3.0, 4.0], &[1.5, 2.5, 3.5, 4.5]).unwrap();
        assert!(q > 0.5, "{q}");
    }

    #[test]
    fn fisher_tells_all_reach_from_none_reach() {
        let p = fishers_exact(&[10, 0, 0, 10], Alternative::TwoSided).unwrap();
        assert!(p < 1e-4, "{p}");
        let q = fishers_exact(&[9, 1, 8, 2], Alternative::TwoSided).unwrap();
        assert!(q > 0.5, "{q}");
    }
}
