//! The study's statistics against scipy's: every number in datasets/stats_fixture.json
//! (tools/stats_fixture.py, `just stats-fixture`) is computed again by `lstm_lab::study` and must
//! agree to a relative 1e-9 or an absolute 1e-12. A NaN on either side fails. No Python here.

use lstm_lab::study::{Comparison, Distribution, Pair, Sameness, wilson};
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    scipy: String,
    samples: Vec<Sample>,
    wilson: Vec<Wilson>,
    fisher: Vec<Fisher>,
}

#[derive(Deserialize)]
struct Sample {
    name: String,
    a: Vec<f64>,
    b: Vec<f64>,
    difference: f64,
    std_error: f64,
    df: Option<f64>,
    constant: bool,
    p_different: f64,
    p_equivalent: Vec<Margin>,
    interval: [f64; 2],
    detectable: f64,
    mann_whitney_p: f64,
}

#[derive(Deserialize)]
struct Margin {
    margin: f64,
    p: f64,
}

#[derive(Deserialize)]
struct Wilson {
    k: u64,
    n: u64,
    interval: [f64; 2],
}

#[derive(Deserialize)]
struct Fisher {
    a: [u64; 2],
    b: [u64; 2],
    p: f64,
}

/// Every value compared, and the largest relative and absolute differences seen (printed with
/// `--nocapture`).
#[derive(Default)]
struct Checks {
    count: usize,
    worst: (f64, String),
    worst_gap: (f64, String),
    failures: Vec<String>,
}

impl Checks {
    /// `rust` against `scipy`: within a relative 1e-9 or an absolute 1e-12; a NaN or a missing
    /// value (`None`) fails.
    fn close(&mut self, what: String, rust: Option<f64>, scipy: f64) {
        self.count += 1;
        let Some(rust) = rust else {
            self.failures.push(format!("{what}: no value, scipy {scipy:e}"));
            return;
        };
        let gap = (rust - scipy).abs();
        let ok = gap <= 1e-12 || gap <= 1e-9 * scipy.abs();
        if !ok {
            self.failures
                .push(format!("{what}: {rust:e} here, {scipy:e} in scipy"));
        }
        let relative = if scipy == 0.0 { gap } else { gap / scipy.abs() };
        // A NaN is the worst of all.
        if relative.is_nan() || relative > self.worst.0 {
            self.worst = (relative, format!("{what}: {rust:e} here, {scipy:e} in scipy"));
        }
        if gap.is_nan() || gap > self.worst_gap.0 {
            self.worst_gap = (gap, format!("{what}: {rust:e} here, {scipy:e} in scipy"));
        }
    }
}

fn fixture() -> Fixture {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/stats_fixture.json");
    let text = std::fs::read_to_string(path).expect("datasets/stats_fixture.json (`just stats-fixture`)");
    serde_json::from_str(&text).expect("the fixture's JSON")
}

#[test]
fn the_study_statistics_agree_with_scipy() {
    let f = fixture();
    let mut checks = Checks::default();
    for s in &f.samples {
        let name = &s.name;
        let c = Comparison::welch(&s.a, &s.b).unwrap_or_else(|| panic!("{name}: no comparison"));
        checks.close(format!("{name}: difference"), Some(c.difference), s.difference);
        checks.close(format!("{name}: standard error"), Some(c.std_error), s.std_error);
        match s.df {
            Some(df) => checks.close(format!("{name}: df"), c.df, df),
            None => assert_eq!(c.df, None, "{name}: both constant, yet degrees of freedom"),
        }
        assert_eq!(s.constant, s.df.is_none(), "{name}: the fixture's own flags");
        checks.close(format!("{name}: Welch p"), Some(c.p_different()), s.p_different);
        let [lo, hi] = c.interval();
        checks.close(format!("{name}: 90% interval, low"), Some(lo), s.interval[0]);
        checks.close(format!("{name}: 90% interval, high"), Some(hi), s.interval[1]);
        checks.close(format!("{name}: detectable"), Some(c.detectable()), s.detectable);
        checks.close(
            format!("{name}: Mann-Whitney p"),
            Pair::mann_whitney(&s.a, &s.b),
            s.mann_whitney_p,
        );
        // The pair a claim records holds the same numbers, and its answer follows them.
        let d = |v: &[f64]| Distribution::of(v.to_vec(), None).unwrap();
        for m in &s.p_equivalent {
            checks.close(
                format!("{name}: TOST p at margin {}", m.margin),
                Some(c.p_equivalent(m.margin)),
                m.p,
            );
            let pair = Pair::new(["a", "b"], &d(&s.a), &d(&s.b), m.margin, None);
            if s.a.len().min(s.b.len()) < 5 {
                // The study compares no pair with fewer than 5 seeds on a side (RULE).
                assert_eq!(
                    (pair.comparison, pair.sameness),
                    (None, Sameness::Inconclusive),
                    "{name}"
                );
                continue;
            }
            assert_eq!(pair.comparison, Some(c), "{name}");
            assert_eq!(pair.p_equivalent, Some(c.p_equivalent(m.margin)), "{name}");
            let same = m.p < 0.05;
            let different = !same && s.p_different < 0.05;
            let expected = match (same, different) {
                (true, _) => Sameness::Same,
                (false, true) => Sameness::Different,
                (false, false) => Sameness::Inconclusive,
            };
            assert_eq!(pair.sameness, expected, "{name} at margin {}", m.margin);
            assert_eq!(
                Sameness::of(&c, m.margin),
                expected,
                "{name} at margin {}",
                m.margin
            );
        }
    }
    for w in &f.wilson {
        let interval = wilson(w.k, w.n);
        for (i, end) in ["low", "high"].iter().enumerate() {
            checks.close(
                format!("Wilson {}/{} {end}", w.k, w.n),
                interval.map(|v| v[i]),
                w.interval[i],
            );
        }
    }
    for t in &f.fisher {
        checks.close(
            format!("Fisher {:?} against {:?}", t.a, t.b),
            Pair::fisher(t.a, t.b),
            t.p,
        );
    }
    println!(
        "{} values against scipy {}; the largest relative difference: {:e} ({}); the largest \
         absolute: {:e} ({})",
        checks.count, f.scipy, checks.worst.0, checks.worst.1, checks.worst_gap.0, checks.worst_gap.1
    );
    assert!(
        checks.failures.is_empty(),
        "{} of {} values differ from scipy's:\n{}",
        checks.failures.len(),
        checks.count,
        checks.failures.join("\n")
    );
    assert!(checks.count > 150, "only {} values checked", checks.count);
}

#[test]
fn a_nan_never_passes_for_scipy_s_value() {
    let mut checks = Checks::default();
    checks.close("NaN".into(), Some(f64::NAN), 0.5);
    checks.close("NaN in scipy".into(), Some(0.5), f64::NAN);
    checks.close("none".into(), None, 0.5);
    checks.close("far".into(), Some(0.5 + 1e-6), 0.5);
    checks.close("near".into(), Some(0.5 + 1e-10), 0.5);
    checks.close("tiny".into(), Some(1e-13), 0.0);
    assert_eq!(checks.failures.len(), 4, "{:?}", checks.failures);
}
