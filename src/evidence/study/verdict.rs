//! A claim's verdict and the distribution of numbers it is judged from.

use crate::error::{Error, Result};
use crate::report::ClaimKind;
use serde::{Deserialize, Serialize};
use statrs::statistics::{Data, OrderStatistics, Statistics};

/// Half a unit of the tutorials' printed precision (two decimals, in percent): a run's
/// 86.9565...% is the tutorial's "86.96%".
const PRINTED: f64 = 0.005;

/// A claim's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The claim holds on (nearly) every seed, or the number is typical.
    Holds,
    /// A 100% claim that at least half of the seeds reach.
    HoldsOnMostSeeds,
    /// Fewer than half reach it, or the number is outside the 10th-90th percentiles.
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
            ClaimKind::AtLeast => match distribution.reach.unwrap_or(0.0) {
                r if r >= 0.9 => Verdict::Holds,
                r if r >= 0.5 => Verdict::HoldsOnMostSeeds,
                _ => Verdict::DoesNotHold,
            },
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
            Verdict::HoldsOnMostSeeds => "holds on most seeds",
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
        Ok(Self {
            mean: values.iter().mean(),
            std_dev: (n > 1).then(|| values.iter().std_dev()),
            min: Statistics::min(values.iter()),
            p10: data.quantile(0.1),
            median: data.median(),
            p90: data.quantile(0.9),
            max: Statistics::max(values.iter()),
            reach: reported.map(|r| values.iter().filter(|&&v| reaches(v, r)).count() as f64 / n as f64),
            values,
        })
    }

    /// Seeds at or above `reported`, and below it.
    pub(super) fn reach_counts(&self, reported: f64) -> [u64; 2] {
        let reach = self.values.iter().filter(|&&v| reaches(v, reported)).count() as u64;
        [reach, self.values.len() as u64 - reach]
    }

    /// `mean ± sd (n)`.
    pub(crate) fn mean_sd(&self) -> String {
        match self.std_dev {
            Some(sd) => format!("{:.2} ± {:.2} (n={})", self.mean, sd, self.values.len()),
            None => format!("{:.2} (n=1)", self.mean),
        }
    }

    /// `min / median / max`.
    pub(super) fn spread(&self) -> String {
        format!("{:.2} / {:.2} / {:.2}", self.min, self.median, self.max)
    }
}

/// Whether `value` is at least `reported` at the tutorials' printed precision.
fn reaches(value: f64, reported: f64) -> bool {
    value >= reported - PRINTED
}
