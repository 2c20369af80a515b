//! Two frameworks' runs of one claim compared: the same, different, or not yet known.

use super::Distribution;
use super::stats::{Comparison, Sameness};
use serde::{Deserialize, Serialize};
use statrs::stats_tests::Alternative;
use statrs::stats_tests::fisher::fishers_exact;
use statrs::stats_tests::mannwhitneyu::{MannWhitneyUMethod, mannwhitneyu};

/// One claim's numbers in two frameworks, compared by the rule in
/// [`RULE`](crate::study::RULE).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pair {
    /// The two frameworks, as the tables name them (`lstm-lab`, `Keras`, `PyTorch`); every
    /// difference is the first's mean minus the second's.
    pub sides: [String; 2],
    /// Welch's comparison of the means: difference, standard error, degrees of freedom
    /// (`None` when a side has fewer than two seeds).
    pub comparison: Option<Comparison>,
    /// The 90% interval of the difference of means, percentage points.
    pub interval: Option<[f64; 2]>,
    /// The two one-sided tests' p-value: below 0.05, the means are the same within the margin.
    pub p_equivalent: Option<f64>,
    /// Welch's two-sided p-value: below 0.05, the means differ.
    pub p_different: Option<f64>,
    /// The answer: same, different or inconclusive.
    pub sameness: Sameness,
    /// The smallest difference of means these seeds would call different four times in five.
    pub detectable: Option<f64>,
    /// Mann-Whitney U test (two-sided) on the numbers.
    pub mann_whitney_p: Option<f64>,
    /// Fisher's exact test (two-sided) on the reach counts; only for an at-least claim, since
    /// the reach says nothing about a typical number.
    pub fisher_p: Option<f64>,
}

/// The fewest seeds a side needs before two frameworks are compared at all: with fewer, its
/// spread is unknown and a pair's answer is "inconclusive: too few seeds".
pub(crate) const PAIR_MIN_SEEDS: usize = 5;

impl Pair {
    /// `a` against `b` (named `sides`) with the claim's `margin`; `at_least` is the reported
    /// number of an at-least claim (its reach counts go to Fisher's test), `None` otherwise.
    pub fn new(
        sides: [&str; 2],
        a: &Distribution,
        b: &Distribution,
        margin: f64,
        at_least: Option<f64>,
    ) -> Self {
        // Below PAIR_MIN_SEEDS a side's spread is not known (one or two seeds, often equal),
        // and neither Welch's nor the rank and count tests can say anything honest.
        let enough = a.values.len().min(b.values.len()) >= PAIR_MIN_SEEDS;
        let comparison = enough.then(|| Comparison::welch(&a.values, &b.values)).flatten();
        Self {
            sides: sides.map(str::to_string),
            interval: comparison.map(|c| c.interval()),
            p_equivalent: comparison.map(|c| c.p_equivalent(margin)),
            p_different: comparison.map(|c| c.p_different()),
            sameness: comparison.map_or(Sameness::Inconclusive, |c| Sameness::of(&c, margin)),
            detectable: comparison.map(|c| c.detectable()),
            comparison,
            mann_whitney_p: enough
                .then(|| Self::mann_whitney(&at_resolution(&a.values), &at_resolution(&b.values)))
                .flatten(),
            fisher_p: at_least
                .filter(|_| enough)
                .and_then(|r| Self::fisher(a.reach_counts(r), b.reach_counts(r))),
        }
    }

    /// Two-sided Mann-Whitney U p-value of `a` against `b`, choosing as scipy's `method='auto'`
    /// (and statrs's automatic method) do: the exact distribution of U for untied samples when
    /// one has at most 8 values, else the normal approximation with continuity and tie
    /// corrections (statrs). 1 when every value is the same (no difference is possible); `None`
    /// when a sample is empty or a value is NaN.
    ///
    /// The exact p-value is computed here, not by statrs: statrs 0.19's exact two-sided
    /// p-value is one minus the one-sided tail, doubled and capped, so always 1
    /// (tests/stats_fixture.rs compares both paths with scipy).
    pub fn mann_whitney(a: &[f64], b: &[f64]) -> Option<f64> {
        let first = a.first().or(b.first())?;
        if a.is_empty() || b.is_empty() || a.iter().chain(b).any(|v| v.is_nan()) {
            return None;
        }
        if a.iter().chain(b).all(|v| v == first) {
            return Some(1.0);
        }
        let mut all: Vec<f64> = a.iter().chain(b).copied().collect();
        all.sort_by(f64::total_cmp);
        let tied = all.windows(2).any(|w| w[0] == w[1]);
        if !tied && a.len().min(b.len()) <= 8 {
            // Untied: U of `a` counts the pairs in which `a`'s value is the larger.
            let u_a = a
                .iter()
                .map(|x| b.iter().filter(|y| x > y).count())
                .sum::<usize>();
            let u = u_a.max(a.len() * b.len() - u_a);
            if let Some(p) = mann_whitney_exact(u, a.len(), b.len()) {
                return Some(p);
            }
        }
        mannwhitneyu(
            a,
            b,
            MannWhitneyUMethod::AsymptoticInclContinuityCorrection,
            Alternative::TwoSided,
        )
        .ok()
        .map(|(_, p)| p)
        .filter(|p| p.is_finite())
    }

    /// Two-sided Fisher's exact p-value of the counts `[reached, missed]` of `a` against `b`.
    pub fn fisher(a: [u64; 2], b: [u64; 2]) -> Option<f64> {
        fishers_exact(&[a[0], a[1], b[0], b[1]], Alternative::TwoSided)
            .ok()
            .filter(|p| p.is_finite())
    }

    /// `lstm-lab vs Keras`.
    pub(crate) fn label(&self) -> String {
        format!("{} vs {}", self.sides[0], self.sides[1])
    }

    /// The answer in plain words, for the sentences under the table.
    pub(crate) fn words(&self, margin: f64) -> String {
        let [a, b] = [&self.sides[0], &self.sides[1]];
        let (Some(c), Some([lo, hi])) = (self.comparison, self.interval) else {
            return format!(
                "{a} and {b}: too few seeds on one side to compare (at least {PAIR_MIN_SEEDS} each)"
            );
        };
        let d = c.difference;
        let range = format!("{a} minus {b} is {d:+.2} points, likely between {lo:+.2} and {hi:+.2}");
        match self.sameness {
            Sameness::Same => format!("{a} and {b} are the same within {margin} points ({range})"),
            Sameness::Different => format!("{a} and {b} differ ({range}; chance does not explain it)"),
            Sameness::Inconclusive => format!(
                "{a} and {b}: these seeds cannot tell ({range}: not inside {margin} points either \
                 way, yet not far enough from 0 to rule chance out; a true difference of {:.2} \
                 points would usually show)",
                self.detectable.unwrap_or(f64::NAN)
            ),
        }
    }
}

/// Numbers that differ by less than a ten-thousandth of a point count as equal (ties, for
/// Mann-Whitney's ranks): Keras logs float32 accuracies (95.83333134651184 for 23 of 24), ours are
/// exact counts in f64 (95.83333333333333), and the same score must rank as a tie.
const RESOLUTION: f64 = 1e-4;

/// `values` rounded to [`RESOLUTION`].
fn at_resolution(values: &[f64]) -> Vec<f64> {
    values
        .iter()
        .map(|v| (v / RESOLUTION).round() * RESOLUTION)
        .collect()
}

/// Twice the share of the `C(m + n, m)` equally likely arrangements of untied samples of `m`
/// and `n` values whose U is at least `u`, at most 1 (scipy's exact two-sided p-value). The
/// counts of each U are the coefficients of the Gaussian binomial `[m + n choose m]`,
/// `prod_{i=1..k} (1 - q^(l + i)) / (1 - q^i)` with `k, l` the smaller and larger size. `None`
/// when the counts would overflow (more than about 10^37 arrangements).
fn mann_whitney_exact(u: usize, m: usize, n: usize) -> Option<f64> {
    let (k, l) = (m.min(n), m.max(n));
    let arrangements: f64 = (1..=k).map(|i| (l + i) as f64 / i as f64).product();
    if arrangements > 1e37 {
        return None;
    }
    let mut counts = vec![0i128; k * l + 1];
    counts[0] = 1;
    for i in 1..=k {
        // Times (1 - q^(l + i)), then divided by (1 - q^i): a running sum with stride i.
        for d in (l + i..counts.len()).rev() {
            counts[d] -= counts[d - l - i];
        }
        for d in i..counts.len() {
            counts[d] += counts[d - i];
        }
    }
    let total: i128 = counts.iter().sum();
    let tail: i128 = counts.iter().skip(u).sum();
    let p = 2.0 * tail as f64 / total as f64;
    Some(if p > 1.0 { 1.0 } else { p })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(values: &[f64]) -> Distribution {
        Distribution::of(values.to_vec(), Some(100.0)).unwrap()
    }

    #[test]
    fn mann_whitney_is_one_on_identical_samples_and_small_on_separated_ones() {
        assert_eq!(Pair::mann_whitney(&[100.0; 10], &[100.0; 5]), Some(1.0));
        let p = Pair::mann_whitney(&[100.0; 10], &[50.0; 10]).unwrap();
        assert!(p < 1e-3, "{p}");
        let q = Pair::mann_whitney(&[1.0, 2.0, 3.0, 4.0], &[1.5, 2.5, 3.5, 4.5]).unwrap();
        assert!(q > 0.5, "{q}");
        assert_eq!(Pair::mann_whitney(&[], &[]), None);
    }

    #[test]
    fn the_exact_distribution_of_u_counts_every_arrangement() {
        // 2 and 2 values: U is 0, 1, 2, 2, 3, 4 over the six arrangements.
        assert_eq!(mann_whitney_exact(4, 2, 2), Some(2.0 / 6.0));
        assert_eq!(mann_whitney_exact(3, 2, 2), Some(4.0 / 6.0));
        assert_eq!(mann_whitney_exact(2, 2, 2), Some(1.0));
        // Fully separated 3 and 5: one arrangement of 56 in each tail.
        let p = Pair::mann_whitney(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0, 7.0, 8.0]).unwrap();
        assert_eq!(p, 2.0 / 56.0);
        assert_eq!(mann_whitney_exact(1, 8, 300_000), None, "too many arrangements");
    }

    #[test]
    fn a_float32_score_ties_with_the_same_exact_score() {
        let exact = d(&[100.0 * 23.0 / 24.0, 100.0, 100.0 * 23.0 / 24.0, 100.0, 100.0]);
        let float32 = d(&[95.833_331_346_511_84, 100.0, 95.833_331_346_511_84, 100.0, 100.0]);
        let pair = Pair::new(["a", "b"], &exact, &float32, 8.4, Some(100.0));
        assert_eq!(pair.mann_whitney_p, Some(1.0));
    }

    #[test]
    fn fisher_tells_all_reach_from_none_reach() {
        let p = Pair::fisher([10, 0], [0, 10]).unwrap();
        assert!(p < 1e-4, "{p}");
        let q = Pair::fisher([9, 1], [8, 2]).unwrap();
        assert!(q > 0.5, "{q}");
    }

    #[test]
    fn a_pair_is_same_different_or_inconclusive_and_fisher_only_for_at_least_claims() {
        let all = d(&[100.0; 20]);
        let same = Pair::new(["a", "b"], &all, &d(&[100.0; 10]), 2.0, Some(100.0));
        assert_eq!(same.sameness, Sameness::Same);
        assert_eq!(same.fisher_p, Some(1.0));
        assert!(
            same.words(2.0).contains("the same within 2 points"),
            "{}",
            same.words(2.0)
        );
        let low: Vec<f64> = (0..20).map(|i| 60.0 + i as f64).collect();
        let different = Pair::new(["a", "b"], &all, &d(&low), 2.0, None);
        assert_eq!(different.sameness, Sameness::Different);
        assert_eq!(different.fisher_p, None);
        assert!(different.comparison.unwrap().difference > 0.0);
        let mixed: Vec<f64> = (0..6).map(|i| if i % 2 == 0 { 100.0 } else { 90.0 }).collect();
        let unsure = Pair::new(["a", "b"], &all, &d(&mixed), 2.0, Some(100.0));
        assert_eq!(unsure.sameness, Sameness::Inconclusive);
        assert!(unsure.words(2.0).contains("cannot tell"), "{}", unsure.words(2.0));
        let four = Pair::new(["a", "b"], &all, &d(&[90.0, 95.0, 90.0, 95.0]), 2.0, Some(100.0));
        assert_eq!(
            (four.sameness, four.mann_whitney_p, four.fisher_p),
            (Sameness::Inconclusive, None, None)
        );
        let one = Pair::new(["a", "b"], &all, &d(&[100.0]), 2.0, Some(100.0));
        assert_eq!((one.sameness, one.comparison), (Sameness::Inconclusive, None));
        assert!(one.words(2.0).contains("too few seeds"));
    }
}
