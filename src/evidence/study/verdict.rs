//! A claim's verdict and the distribution of numbers it is judged from.

use super::stats::wilson;
use crate::error::{Error, Result};
use crate::report::ClaimKind;
use serde::{Deserialize, Serialize};
use statrs::statistics::{Data, OrderStatistics, Statistics};

/// Half a unit of the tutorials' printed precision (two decimals, in percent): a run's
/// 86.9565...% is the tutorial's "86.96%".
const PRINTED: f64 = 0.005;

/// The fewest seeds whose 10th and 90th percentiles a typical claim is judged against: with
/// fewer, the percentiles are the extremes of a handful of runs, and the claim is not settled.
const TYPICAL_MIN_SEEDS: usize = 10;

/// A claim's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Most seeds reach the number (the reach's 95% interval lies above one half), or the
    /// number is typical.
    Holds,
    /// The reach's interval straddles one half (these seeds cannot say whether most runs get
    /// there), or a typical claim has fewer than 10 seeds.
    NotSettled,
    /// Most seeds miss it (the interval lies below one half), or the number is outside the
    /// 10th-90th percentiles.
    DoesNotHold,
    /// The tutorial prints no number.
    NoClaim,
}

impl Verdict {
    /// The verdict of a claim of `kind` that the tutorial's number is `reported`, on the
    /// seeds' `distribution` (percent), by [`RULE`](crate::study::RULE).
    pub fn judge(reported: Option<f64>, kind: ClaimKind, distribution: &Distribution) -> Self {
        let Some(reported) = reported else {
            return Verdict::NoClaim;
        };
        match kind {
            ClaimKind::AtLeast => match distribution.reach_interval {
                Some([low, _]) if low > 0.5 => Verdict::Holds,
                Some([_, high]) if high < 0.5 => Verdict::DoesNotHold,
                _ => Verdict::NotSettled,
            },
            ClaimKind::Typical if distribution.values.len() < TYPICAL_MIN_SEEDS => Verdict::NotSettled,
            ClaimKind::Typical => {
                let range = distribution.p10 - PRINTED..=distribution.p90 + PRINTED;
                if range.contains(&reported) {
                    Verdict::Holds
                } else {
                    Verdict::DoesNotHold
                }
            }
        }
    }

    /// In words, for tables.
    pub fn words(self) -> &'static str {
        match self {
            Verdict::Holds => "holds",
            Verdict::NotSettled => "not settled",
            Verdict::DoesNotHold => "does not hold",
            Verdict::NoClaim => "no claim",
        }
    }
}

/// The distribution of one number over seeds, percent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    /// Every seed's number, in seed order.
    pub values: Vec<f64>,
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation (`None` for one seed).
    pub std_dev: Option<f64>,
    /// Smallest.
    pub min: f64,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub median: f64,
    /// 90th percentile.
    pub p90: f64,
    /// Largest.
    pub max: f64,
    /// Share of seeds at or above the reported number (`None` when there is none).
    pub reach: Option<f64>,
    /// The Wilson 95% interval of that share (`None` when there is no reported number).
    pub reach_interval: Option<[f64; 2]>,
}

impl Distribution {
    /// The summary of `values` (at least one) against `reported`.
    pub fn of(values: Vec<f64>, reported: Option<f64>) -> Result<Self> {
        if values.is_empty() {
            return Err(Error::Empty {
                what: "the values of a distribution",
            });
        }
        if let Some(bad) = values.iter().find(|v| !v.is_finite()) {
            return Err(Error::invalid("study", format!("a non-finite accuracy ({bad})")));
        }
        let mut data = Data::new(values.clone());
        let n = values.len();
        let reached = reported.map(|r| values.iter().filter(|&&v| reaches(v, r)).count());
        Ok(Self {
            mean: values.iter().mean(),
            std_dev: (n > 1).then(|| values.iter().std_dev()),
            min: Statistics::min(values.iter()),
            p10: data.quantile(0.1),
            median: data.median(),
            p90: data.quantile(0.9),
            max: Statistics::max(values.iter()),
            reach: reached.map(|k| k as f64 / n as f64),
            reach_interval: reached.and_then(|k| wilson(k as u64, n as u64)),
            values,
        })
    }

    /// Seeds at or above `reported`, and below it.
    pub(super) fn reach_counts(&self, reported: f64) -> [u64; 2] {
        let reach = self.values.iter().filter(|&&v| reaches(v, reported)).count() as u64;
        [reach, self.values.len() as u64 - reach]
    }

    /// `mean ± sd (n)`.
    pub fn mean_sd(&self) -> String {
        match self.std_dev {
            Some(sd) => format!("{:.2} ± {:.2} (n={})", self.mean, sd, self.values.len()),
            None => format!("{:.2} (n=1)", self.mean),
        }
    }

    /// `85% (64-95%)`: the reach and its interval.
    pub(crate) fn reach_words(&self) -> String {
        match (self.reach, self.reach_interval) {
            (Some(r), Some([lo, hi])) => {
                format!("{:.0}% ({:.0}-{:.0}%)", 100.0 * r, 100.0 * lo, 100.0 * hi)
            }
            _ => "-".to_string(),
        }
    }
}

/// Whether `value` is at least `reported` at the tutorials' printed precision.
fn reaches(value: f64, reported: f64) -> bool {
    value >= reported - PRINTED
}

#[cfg(test)]
mod tests {
    use super::*;
    use statrs::stats_tests::Alternative;
    use statrs::stats_tests::fisher::fishers_exact;

    /// The verdict of `k` of `n` seeds reaching a 100% claim.
    fn verdict(k: usize, n: usize) -> Verdict {
        let values: Vec<f64> = (0..n).map(|i| if i < k { 100.0 } else { 90.0 }).collect();
        let d = Distribution::of(values, Some(100.0)).unwrap();
        Verdict::judge(Some(100.0), ClaimKind::AtLeast, &d)
    }

    /// No cliff edge: two reach counts that Fisher's exact test cannot tell apart (p >= 0.05)
    /// never get opposite words, for every pair of counts up to 30 seeds a side.
    #[test]
    fn counts_fisher_cannot_tell_apart_never_get_opposite_verdicts() {
        let max = 30;
        // (k, n, verdict): k of n seeds reach it.
        let verdicts: Vec<(usize, usize, Verdict)> = (1..=max)
            .flat_map(|n| (0..=n).map(move |k| (k, n, verdict(k, n))))
            .collect();
        let with = |v: Verdict| verdicts.iter().filter(move |c| c.2 == v);
        let mut checked = 0;
        for &(k1, n1, _) in with(Verdict::Holds) {
            for &(k2, n2, _) in with(Verdict::DoesNotHold) {
                let table = [k1, n1 - k1, k2, n2 - k2].map(|v| v as u64);
                let p = fishers_exact(&table, Alternative::TwoSided).unwrap();
                assert!(p < 0.05, "{k1}/{n1} holds, {k2}/{n2} does not, Fisher p = {p}");
                checked += 1;
            }
        }
        assert!(checked > 1000, "only {checked} opposite pairs checked");
    }

    #[test]
    fn the_words_follow_the_interval() {
        assert_eq!(verdict(20, 20), Verdict::Holds);
        assert_eq!(verdict(15, 20), Verdict::Holds);
        assert_eq!(verdict(11, 20), Verdict::NotSettled);
        assert_eq!(verdict(3, 3), Verdict::NotSettled);
        assert_eq!(verdict(5, 20), Verdict::DoesNotHold);
        let few = Distribution::of(vec![1.0, 3.0], Some(0.0)).unwrap();
        assert_eq!(
            Verdict::judge(Some(0.0), ClaimKind::Typical, &few),
            Verdict::NotSettled
        );
    }
}
