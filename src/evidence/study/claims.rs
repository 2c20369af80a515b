//! Each tutorial's claim judged on the study's runs: the distribution of the like-for-like
//! number over seeds in each framework (ours, real Keras's, PyTorch's), a verdict on each, and
//! every two frameworks compared, by the rule in [`RULE`].

use super::{Distribution, FrameworkStudy, Pair, SeedRun, Verdict};
use crate::error::{Error, Result};
use crate::report::{ClaimKind, Metric, reported};
use crate::tutorials::Experiment;
use serde::{Deserialize, Serialize};
use statrs::statistics::Statistics;

/// How a verdict is reached, as written into study.json, study.md and the README.
pub const RULE: &str = "Each claim is the tutorial's number, compared with the like-for-like number of every seed's run \
(`measured as`), at the precision the tutorial printed (two decimals), in three frameworks, each \
over its own seeds: lstm-lab (this port), real Keras and PyTorch (with PyTorch's own defaults, \
its initialisers among them). `reach` is the share of seeds whose number is at least the \
tutorial's, with its 95% Wilson interval in brackets: the shares that many more seeds could \
plausibly give. A number the tutorial says the model gets to (its 100% claims, randint-echo's \
95%) holds when that whole interval lies above one half (most runs get there), does not hold \
when it lies below one half (most runs miss it), and is not settled when it contains one half \
(these seeds cannot say). A number that describes a limit or a failure (vanilla-index's 0%, the \
feature window's 86.96%) is what one run printed: it holds when it lies between the 10th and \
90th percentiles of the seeds' numbers (statrs's quantile estimator, R type 8), does not hold \
otherwise, and is not settled on fewer than 10 seeds. Two frameworks with at least 5 seeds each \
are compared on their mean number per seed, within a margin per claim in percentage points (one \
or two scored items, never under 2 points), fixed in datasets/reported.json before the 20-seed \
runs. They are the same when the 90% interval of the difference of their means lies inside plus \
or minus the margin (two one-sided Welch t tests, each at 0.05); different when they are not the \
same and Welch's two-sided t test rejects equal means at 0.05; inconclusive otherwise. At these \
seed counts the share of runs that reach a number cannot be shown equal within a few points, so \
inconclusive is an allowed answer: it says that more seeds are needed, not that the frameworks \
differ. `detectable` is the smallest difference of means that these seeds would call different \
four times in five (80% power, two-sided 0.05). Beside them: Fisher's exact test on the reach \
counts (at-least claims only) and the Mann-Whitney U test on the numbers (exact for small untied \
samples, else statrs's normal approximation), both two-sided; a large p-value from these says \
that the seeds cannot tell two frameworks apart, which is not the same as showing them equal. A \
claim that holds in all three frameworks is robust to the framework and its initialisers; one \
that holds in lstm-lab and Keras but not with PyTorch's defaults is tied to Keras's initialisers \
and defaults.";

/// One framework's runs of a claim: their numbers, the verdict on them, their training time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Side {
    /// `lstm-lab`, `Keras` or `PyTorch`.
    pub framework: String,
    /// The like-for-like number over the framework's seeds.
    pub distribution: Distribution,
    /// The verdict on them.
    pub verdict: Verdict,
    /// Mean training seconds of a run.
    pub mean_seconds: f64,
}

impl Side {
    /// `values` (one per seed) of `framework`, judged against the claim `reported`/`kind`.
    fn of(
        framework: &str,
        values: Vec<f64>,
        seconds: &[f64],
        reported: Option<f64>,
        kind: ClaimKind,
    ) -> Result<Self> {
        // A limit the tutorial printed is judged on percentiles: a share of seeds "reaching" it
        // would mean nothing, so only an at-least claim's number is a target to reach.
        let target = reported.filter(|_| kind == ClaimKind::AtLeast);
        let distribution = Distribution::of(values, target)?;
        Ok(Self {
            framework: framework.to_string(),
            verdict: Verdict::judge(reported, kind, &distribution),
            mean_seconds: seconds.iter().mean(),
            distribution,
        })
    }
}

/// One tutorial claim over the study's seeds, in each framework that has runs of it.
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
    /// Two frameworks' means are the same when the 90% interval of their difference lies
    /// inside plus or minus this many percentage points.
    pub margin: f64,
    /// Ours (lstm-lab) over the study's seeds.
    pub ours: Side,
    /// Real Keras over its seeds (`None`: no Keras runs of this experiment).
    pub keras: Option<Side>,
    /// PyTorch over its seeds (`None`: no PyTorch runs of this experiment).
    pub torch: Option<Side>,
    /// Every two frameworks that have runs, compared: ours and Keras, ours and PyTorch, Keras
    /// and PyTorch.
    pub pairs: Vec<Pair>,
    /// What the verdicts in the three frameworks say about the claim's dependence on the
    /// framework, in words.
    pub across_frameworks: String,
}

impl Claim {
    /// The claim of `experiment` judged on `runs` (ours), `keras`'s and `torch`'s.
    pub fn judge(
        experiment: Experiment,
        runs: &[&SeedRun],
        keras: Option<&FrameworkStudy>,
        torch: Option<&FrameworkStudy>,
    ) -> Result<Self> {
        let reported = reported()?
            .remove(experiment.id())
            .ok_or_else(|| Error::invalid("reported.json", format!("no entry for {experiment}")))?;
        let (metric, kind, number, margin) = (
            reported.metric,
            reported.claim,
            reported.reported,
            reported.margin,
        );
        if !(margin.is_finite() && margin > 0.0) {
            return Err(Error::invalid(
                "reported.json",
                format!("{experiment}: margin {margin} is not a positive number of points"),
            ));
        }
        let seconds: Vec<f64> = runs.iter().map(|r| r.train_seconds).collect();
        let values = runs.iter().map(|r| r.value(metric)).collect();
        let ours = Side::of("lstm-lab", values, &seconds, number, kind)?;
        let other = |study: Option<&FrameworkStudy>| -> Result<Option<Side>> {
            let Some(study) = study else { return Ok(None) };
            let runs = study.runs_of(experiment);
            if runs.is_empty() {
                return Ok(None);
            }
            let seconds: Vec<f64> = runs.iter().map(|r| r.train_seconds).collect();
            let values = study.values(experiment, metric);
            Side::of(study.name(), values, &seconds, number, kind).map(Some)
        };
        let (keras, torch) = (other(keras)?, other(torch)?);
        let at_least = number.filter(|_| kind == ClaimKind::AtLeast);
        let sides: Vec<&Side> = [Some(&ours), keras.as_ref(), torch.as_ref()]
            .into_iter()
            .flatten()
            .collect();
        let mut pairs = Vec::new();
        for (i, a) in sides.iter().enumerate() {
            for b in &sides[i + 1..] {
                pairs.push(Pair::new(
                    [&a.framework, &b.framework],
                    &a.distribution,
                    &b.distribution,
                    margin,
                    at_least,
                ));
            }
        }
        let across_frameworks = framework_words(
            number.map(|_| kind),
            ours.verdict,
            keras.as_ref().map(|s| s.verdict),
            torch.as_ref().map(|s| s.verdict),
        );
        Ok(Self {
            experiment,
            reported: number,
            quote: reported.quote,
            metric,
            kind,
            measures: reported.measures,
            margin,
            ours,
            keras,
            torch,
            pairs,
            across_frameworks,
        })
    }

    /// The claim's outcome in a few sentences, from its numbers.
    pub fn sentence(&self) -> String {
        let mut s = format!("{} ({}): ", self.experiment, self.measures);
        s.push_str(&self.side_words(&self.ours, true));
        for (name, side) in [("Keras", &self.keras), ("PyTorch", &self.torch)] {
            match side {
                Some(side) => s.push_str(&format!(". {name}: {}", self.side_words(side, false))),
                None => s.push_str(&format!(". {name}: no runs yet")),
            }
        }
        for pair in &self.pairs {
            s.push_str(&format!(". {}", pair.words(self.margin)));
        }
        s.push_str(&format!(". {}", self.across_frameworks));
        if !s.ends_with('.') {
            s.push('.');
        }
        s
    }

    /// One framework's runs against the claim, in words; `first` names the tutorial's number.
    fn side_words(&self, side: &Side, first: bool) -> String {
        let d = &side.distribution;
        let n = d.values.len();
        let seeds = if n == 1 { "seed" } else { "seeds" };
        let it = match side.verdict {
            Verdict::Holds => "it holds",
            Verdict::NotSettled => "it is not settled",
            Verdict::DoesNotHold => "it does not hold",
            Verdict::NoClaim => "no claim",
        };
        match (self.reported, self.kind) {
            (None, _) => format!(
                "{:.2}% on average over {n} {seeds} ({:.2}-{:.2}%){}",
                d.mean,
                d.min,
                d.max,
                if first {
                    "; the tutorial prints no number"
                } else {
                    ""
                }
            ),
            (Some(r), ClaimKind::AtLeast) => {
                let likely = d.reach_interval.map_or(String::new(), |[lo, hi]| {
                    format!(
                        " (with many more seeds, likely {:.0}-{:.0}%)",
                        100.0 * lo,
                        100.0 * hi
                    )
                });
                let number = if first {
                    format!("the tutorial's {r:.2}%")
                } else {
                    "it".into()
                };
                format!(
                    "{:.0}% of {n} {seeds} reach {number}{likely}, mean {:.2}%: {it}",
                    100.0 * d.reach.unwrap_or(0.0),
                    d.mean
                )
            }
            (Some(r), ClaimKind::Typical) => format!(
                "the 10th-90th percentiles of {n} {seeds} are {:.2}-{:.2}% (mean {:.2}%){}: {it}",
                d.p10,
                d.p90,
                d.mean,
                if first {
                    format!(", against the tutorial's {r:.2}%")
                } else {
                    String::new()
                }
            ),
        }
    }

    /// `last-fit training accuracy (%)` or `accuracy (%)`.
    pub fn metric_label(&self) -> &'static str {
        match self.metric {
            Metric::Evaluation => "accuracy (%)",
            Metric::LastFit => "last-fit training accuracy (%)",
        }
    }
}

/// What the verdicts in the three frameworks say about the claim and the framework.
fn framework_words(
    kind: Option<ClaimKind>,
    ours: Verdict,
    keras: Option<Verdict>,
    torch: Option<Verdict>,
) -> String {
    use Verdict::{DoesNotHold, Holds, NotSettled};
    let Some(kind) = kind else {
        return "The tutorial prints no number, so nothing is claimed across frameworks.".into();
    };
    if kind == ClaimKind::Typical {
        // A limit or a failure: "holds" means the tutorial's run was typical there, which no
        // framework's initialisers can be said to help or hold back.
        let sides = [("lstm-lab", Some(ours)), ("Keras", keras), ("PyTorch", torch)];
        let said = |v: Verdict| -> Vec<&str> {
            sides
                .iter()
                .filter(|(_, s)| *s == Some(v))
                .map(|(n, _)| *n)
                .collect()
        };
        let (typical, not, open) = (said(Holds), said(DoesNotHold), said(NotSettled));
        let list = |names: &[&str]| names.join(" and ");
        let mut words = match (typical.is_empty(), not.is_empty()) {
            (false, true) => format!("The tutorial's number is typical of {}'s runs", list(&typical)),
            (true, false) => format!("The tutorial's number is not typical of {}'s runs", list(&not)),
            (false, false) => format!(
                "The tutorial's number is typical of {}'s runs but not of {}'s",
                list(&typical),
                list(&not)
            ),
            (true, true) => "No framework has enough seeds to judge the tutorial's number".into(),
        };
        if !open.is_empty() {
            words.push_str(&format!("; not settled for {}", list(&open)));
        }
        if keras.is_none() || torch.is_none() {
            words.push_str("; a framework has no runs yet");
        }
        return words + ".";
    }
    let Some(keras) = keras else {
        return "No Keras runs: whether the claim depends on the framework is not known.".into();
    };
    let torch_words = torch.map_or("no runs yet", Verdict::words);
    match (ours, keras, torch) {
        (Holds, Holds, Some(Holds)) => "It holds in lstm-lab, Keras and PyTorch: robust to the \
             framework and its initialisers, PyTorch's defaults included."
            .into(),
        (Holds, Holds, Some(DoesNotHold)) => "It holds in lstm-lab and Keras but not with \
             PyTorch's defaults: tied to Keras's initialisers and defaults rather than to the \
             LSTM itself."
            .into(),
        (Holds, Holds, _) => format!(
            "It holds in lstm-lab and Keras; PyTorch: {torch_words}, so whether it needs Keras's \
             initialisers and defaults is not known yet."
        ),
        (DoesNotHold, DoesNotHold, Some(DoesNotHold)) => {
            "It holds in none of lstm-lab, Keras and PyTorch: not a matter of framework.".into()
        }
        (DoesNotHold, DoesNotHold, Some(Holds)) => "It holds in neither lstm-lab nor Keras, but \
             does with PyTorch's defaults: Keras's initialisers and defaults hold it back."
            .into(),
        (DoesNotHold, DoesNotHold, _) => {
            format!("It holds in neither lstm-lab nor Keras; PyTorch: {torch_words}.")
        }
        (o, k, t) if o == k && t == Some(o) => format!(
            "It is {} in lstm-lab, in Keras and in PyTorch alike: more seeds are needed before \
             it can be said whether it depends on the framework.",
            o.words()
        ),
        (o, k, _) if o == k => format!(
            "It is {} in lstm-lab and in Keras (PyTorch: {torch_words}): more seeds are needed \
             before it can be said whether it depends on the framework.",
            o.words()
        ),
        _ => {
            let why = if [ours, keras].contains(&NotSettled) {
                "more seeds are needed where it is not settled"
            } else {
                "the port and Keras disagree here"
            };
            format!(
                "The verdicts are not the same (lstm-lab: {}, Keras: {}, PyTorch: {torch_words}): {why}.",
                ours.words(),
                keras.words()
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Verdict::{DoesNotHold, Holds, NotSettled};

    #[test]
    fn the_framework_statement_follows_the_three_verdicts() {
        let say = |o, k, t| framework_words(Some(ClaimKind::AtLeast), o, k, t);
        assert!(say(Holds, Some(Holds), Some(Holds)).contains("robust to the framework"));
        assert!(say(Holds, Some(Holds), Some(DoesNotHold)).contains("tied to Keras's initialisers"));
        assert!(say(Holds, Some(Holds), None).contains("PyTorch: no runs yet"));
        assert!(say(Holds, Some(Holds), Some(NotSettled)).contains("PyTorch: not settled"));
        assert!(say(Holds, None, Some(Holds)).contains("No Keras runs"));
        assert!(say(NotSettled, Some(Holds), Some(Holds)).contains("more seeds are needed"));
        assert!(
            say(NotSettled, Some(NotSettled), Some(NotSettled))
                .contains("not settled in lstm-lab, in Keras and in PyTorch alike")
        );
        assert!(say(NotSettled, Some(NotSettled), Some(Holds)).contains("(PyTorch: holds)"));
        assert!(say(DoesNotHold, Some(Holds), None).contains("the port and Keras disagree"));
        assert!(say(DoesNotHold, Some(DoesNotHold), Some(Holds)).contains("hold it back"));
        let typical = |o, k, t| framework_words(Some(ClaimKind::Typical), o, k, t);
        let mixed = typical(DoesNotHold, Some(DoesNotHold), Some(Holds));
        assert!(
            mixed.contains("typical of PyTorch's runs but not of lstm-lab and Keras's"),
            "{mixed}"
        );
        assert!(!mixed.contains("hold it back"), "{mixed}");
        let open = typical(Holds, Some(Holds), Some(NotSettled));
        assert!(open.contains("not settled for PyTorch"), "{open}");
        let unsettled = say(NotSettled, Some(NotSettled), None);
        assert!(
            unsettled.contains("not settled in lstm-lab and in Keras"),
            "{unsettled}"
        );
        assert!(framework_words(None, Verdict::NoClaim, None, None).contains("prints no number"));
    }
}
