//! The statistics the study judges with: Wilson intervals on reach counts, and Welch's t test
//! both ways on per-seed accuracies (a difference test, and two one-sided tests for
//! equivalence within a margin), on statrs's Student's t distribution.
//!
//! `tests/stats_fixture.rs` checks every formula here against scipy's (`tools/stats_fixture.py`
//! writes the fixture).

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};
use statrs::statistics::Statistics;

/// The 97.5th percentile of the standard normal: a 95% two-sided interval's half-width in
/// standard errors.
const Z_95: f64 = 1.959_963_984_540_054;

/// The level every test here is run at.
pub(crate) const ALPHA: f64 = 0.05;

/// The power [`Comparison::detectable`] is computed for.
pub(crate) const POWER: f64 = 0.8;

/// The Wilson score interval (95%, no continuity correction) of `k` successes in `n` trials,
/// as shares in `[0, 1]`; `None` when `n` is 0.
pub fn wilson(k: u64, n: u64) -> Option<[f64; 2]> {
    if n == 0 || k > n {
        return None;
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = Z_95 * Z_95;
    let denominator = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denominator;
    let half = Z_95 / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some([(center - half).max(0.0), (center + half).min(1.0)])
}

/// Welch's comparison of two samples' means: `a - b`, its standard error and the
/// Welch-Satterthwaite degrees of freedom.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// `mean(a) - mean(b)`, in the samples' unit (percentage points).
    pub difference: f64,
    /// Its standard error.
    pub std_error: f64,
    /// Welch-Satterthwaite degrees of freedom (`None` when both samples are constant: then the
    /// difference is known exactly).
    pub df: Option<f64>,
}

impl Comparison {
    /// `a` against `b`; `None` unless each has at least two values, all finite.
    pub fn welch(a: &[f64], b: &[f64]) -> Option<Self> {
        if a.len() < 2 || b.len() < 2 || a.iter().chain(b).any(|v| !v.is_finite()) {
            return None;
        }
        let (na, nb) = (a.len() as f64, b.len() as f64);
        let (va, vb) = (a.iter().variance() / na, b.iter().variance() / nb);
        let std_error = (va + vb).sqrt();
        let df = (std_error > 0.0).then(|| (va + vb).powi(2) / (va * va / (na - 1.0) + vb * vb / (nb - 1.0)));
        Some(Self {
            difference: a.iter().mean() - b.iter().mean(),
            std_error,
            df,
        })
    }

    /// Student's t with this comparison's degrees of freedom.
    fn t(&self) -> Option<StudentsT> {
        self.df.and_then(|df| StudentsT::new(0.0, 1.0, df).ok())
    }

    /// Welch's two-sided p-value for "the means are equal".
    pub fn p_different(&self) -> f64 {
        match self.t() {
            Some(t) => {
                // Not `f64::min`, which would turn a NaN into 1.
                let p = 2.0 * t.sf((self.difference / self.std_error).abs());
                if p > 1.0 { 1.0 } else { p }
            }
            None if self.difference == 0.0 => 1.0,
            None => 0.0,
        }
    }

    /// The two one-sided tests' p-value for "the means differ by at least `margin`": the larger
    /// of the p-values of `difference <= -margin` and `difference >= margin`. Below 0.05, the
    /// means are the same within `margin`.
    pub fn p_equivalent(&self, margin: f64) -> f64 {
        match self.t() {
            Some(t) => {
                let below = t.sf((self.difference + margin) / self.std_error);
                let above = t.cdf((self.difference - margin) / self.std_error);
                // Not `f64::max`, which would drop a NaN.
                if below.is_nan() || above.is_nan() {
                    f64::NAN
                } else {
                    below.max(above)
                }
            }
            None if self.difference.abs() < margin => 0.0,
            None => 1.0,
        }
    }

    /// The 90% interval of the difference (`1 - 2 alpha`, alpha 0.05): inside `+-margin` exactly
    /// when [`p_equivalent`](Self::p_equivalent) is below 0.05.
    pub fn interval(&self) -> [f64; 2] {
        let half = self
            .t()
            .map_or(0.0, |t| t.inverse_cdf(1.0 - ALPHA) * self.std_error);
        [self.difference - half, self.difference + half]
    }

    /// The smallest difference of means this comparison would have called different (two-sided,
    /// at 0.05) with probability 0.8, at its standard error: `(t_0.975 + t_0.8) se`.
    pub fn detectable(&self) -> f64 {
        self.t().map_or(0.0, |t| {
            (t.inverse_cdf(1.0 - ALPHA / 2.0) + t.inverse_cdf(POWER)) * self.std_error
        })
    }
}

/// Whether two frameworks' per-seed accuracies are the same, differ, or cannot be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sameness {
    /// The 90% interval of the difference lies inside `+-margin` (two one-sided tests).
    Same,
    /// Not the same within the margin, and Welch's test rejects equal means.
    Different,
    /// Neither: more seeds are needed to tell.
    Inconclusive,
}

impl Sameness {
    /// The verdict of `comparison` at `margin` points.
    pub fn of(comparison: &Comparison, margin: f64) -> Self {
        if comparison.p_equivalent(margin) < ALPHA {
            Sameness::Same
        } else if comparison.p_different() < ALPHA {
            Sameness::Different
        } else {
            Sameness::Inconclusive
        }
    }

    /// In words, for tables.
    pub fn words(self) -> &'static str {
        match self {
            Sameness::Same => "same",
            Sameness::Different => "different",
            Sameness::Inconclusive => "inconclusive",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_contains_the_share_and_narrows_with_n() {
        let [lo, hi] = wilson(18, 20).unwrap();
        assert!(lo < 0.9 && 0.9 < hi, "{lo} {hi}");
        let [lo2, hi2] = wilson(180, 200).unwrap();
        assert!(hi2 - lo2 < hi - lo);
        assert_eq!(wilson(0, 0), None);
        assert_eq!(wilson(3, 2), None);
        let [lo, hi] = wilson(20, 20).unwrap();
        assert!(lo > 0.8 && hi == 1.0, "{lo} {hi}");
    }

    #[test]
    fn constant_samples_are_compared_exactly() {
        let c = Comparison::welch(&[100.0; 5], &[100.0; 20]).unwrap();
        assert_eq!((c.difference, c.df), (0.0, None));
        assert_eq!(c.p_different(), 1.0);
        assert_eq!(c.p_equivalent(2.0), 0.0);
        assert_eq!(Sameness::of(&c, 2.0), Sameness::Same);
        let d = Comparison::welch(&[100.0; 5], &[90.0; 5]).unwrap();
        assert_eq!(Sameness::of(&d, 2.0), Sameness::Different);
    }

    #[test]
    fn few_or_non_finite_values_give_no_comparison() {
        assert_eq!(Comparison::welch(&[1.0], &[1.0, 2.0]), None);
        assert_eq!(Comparison::welch(&[1.0, f64::NAN], &[1.0, 2.0]), None);
    }

    #[test]
    fn the_interval_is_inside_the_margin_exactly_when_equivalence_is_shown() {
        let a = [99.0, 100.0, 98.5, 100.0, 99.5, 97.0, 100.0, 99.0];
        for shift in [-3.0, -1.0, 0.0, 0.4, 2.0] {
            let b: Vec<f64> = a.iter().map(|v| v + shift).collect();
            let b = [&b[..], &[100.0, 96.0]].concat();
            let c = Comparison::welch(&a, &b).unwrap();
            for margin in [0.5, 1.0, 2.0, 5.0] {
                let [lo, hi] = c.interval();
                let inside = -margin < lo && hi < margin;
                assert_eq!(
                    inside,
                    c.p_equivalent(margin) < ALPHA,
                    "shift {shift} margin {margin}"
                );
            }
        }
    }
}
