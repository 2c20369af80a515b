"""scipy's numbers for the study's statistics: datasets/stats_fixture.json, which
tests/stats_fixture.rs checks lstm_lab::study's Rust versions against (no Python needed there).

`just stats-fixture` runs it in its own venv (.venv-stats, scipy and numpy pinned in the justfile).
For a dozen pairs of samples (constant ones, 3 against 20 seeds, accuracies of 23/24 and 24/24
windows, random ones) and several margins it writes: Welch's two-sided p-value
(scipy.stats.ttest_ind, equal_var=False), the two one-sided tests' p-value (the larger of two
one-sided Welch tests on shifted samples), the 90% interval of the difference of means, the
difference detectable at 80% power and the Mann-Whitney U p-value; then Wilson intervals and
Fisher's exact p-values for reach counts."""
import json
import math
import sys
import warnings
from pathlib import Path

import numpy as np
import scipy
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "datasets" / "stats_fixture.json"
MARGINS = [0.5, 2.0, 4.8, 8.4]
ALPHA, POWER = 0.05, 0.8

ABOUT = (
    "scipy's values for the study's statistics (tools/stats_fixture.py; `just stats-fixture`), "
    "checked by tests/stats_fixture.rs against lstm_lab::study (relative 1e-9 or absolute 1e-12). "
    "samples: p_different is scipy.stats.ttest_ind(a, b, equal_var=False).pvalue; p_equivalent "
    "(per margin) is the larger of ttest_ind(a + margin, b, equal_var=False, alternative='greater') "
    "and ttest_ind(a - margin, b, equal_var=False, alternative='less'); interval is that Welch "
    "test's confidence_interval(0.90); detectable is (t.ppf(0.975, df) + t.ppf(0.8, df)) * se; "
    "mann_whitney_p is scipy.stats.mannwhitneyu(a, b, alternative='two-sided', method='auto'), "
    "which chooses as statrs's MannWhitneyUMethod::Automatic does: the normal approximation with "
    "continuity and tie corrections when both samples have more than 8 values or there are ties "
    "(statrs computes the same tie correction, so tied samples, tied: true, are checked too), else "
    "the exact distribution of U. statrs 0.19.1's exact two-sided p-value is wrong (one minus the "
    "one-sided tail, doubled and capped: always 1), so lstm-lab computes the exact distribution "
    "itself (Pair::mann_whitney); the untied cases with at most 8 values a side check it. Where both samples are constant scipy's t test has no answer (nan: the "
    "standard error is 0); there the difference is known exactly and the fixture holds what follows "
    "from that (marked constant: true): p_different 1 if the means are equal else 0, p_equivalent 0 if "
    "|difference| < margin else 1, the interval [difference, difference], detectable 0, df null. "
    "wilson: scipy.stats.binomtest(k, n).proportion_ci(0.95, method='wilson'). fisher: "
    "scipy.stats.fisher_exact([[a_reached, a_missed], [b_reached, b_missed]]) two-sided."
)


def accuracies(windows, hits):
    """Accuracy in percent of `hits` (a list) out of `windows` scored items."""
    return [100.0 * h / windows for h in hits]


def samples():
    rng = np.random.default_rng(20260512)
    untied = rng.permutation(40) + 0.5
    return [
        ("both all 100s", [100.0] * 20, [100.0] * 10),
        ("both constant, apart", [100.0] * 5, [90.0] * 5),
        ("all 100s against 23/24 and 24/24", [100.0] * 20, accuracies(24, [24] * 13 + [23] * 7)),
        ("23/24 and 24/24 both", accuracies(24, [24] * 15 + [23] * 5), accuracies(24, [24] * 6 + [23] * 4)),
        ("3 seeds against 20", [100.0, 97.619047619047619, 100.0], accuracies(42, list(rng.integers(38, 43, 20)))),
        ("3 untied against 20 untied (exact Mann-Whitney)", list(untied[:3]), list(untied[3:23])),
        ("5 against 7 untied (exact Mann-Whitney)", list(untied[23:28]), list(untied[28:35])),
        ("8 against 8 untied (exact Mann-Whitney)", list(untied[:8]), list(untied[8:16] + 0.25)),
        ("random, 20 and 20, near", list(rng.normal(99.0, 0.8, 20)), list(rng.normal(99.2, 0.9, 20))),
        ("random, 10 and 20, unequal spread", list(rng.normal(86.9, 4.0, 10)), list(rng.normal(88.0, 1.5, 20))),
        ("random, 20 and 20, far apart", list(rng.normal(95.0, 2.0, 20)), list(rng.normal(80.0, 6.0, 20))),
        ("few percent, 0 to 3 of 100", accuracies(100, list(rng.integers(0, 4, 20))), accuracies(100, list(rng.integers(0, 3, 10)))),
        ("constant against spread", [100.0] * 10, accuracies(105, list(rng.integers(100, 106, 20)))),
    ]


def finite(x):
    x = float(x)
    if not math.isfinite(x):
        raise SystemExit(f"a non-finite value: {x}")
    return x


def welch_case(name, a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    diff = a.mean() - b.mean()
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(va + vb)
    tied = len(np.unique(np.concatenate([a, b]))) < len(a) + len(b)
    mw = stats.mannwhitneyu(a, b, alternative="two-sided", method="auto").pvalue
    case = {
        "name": name,
        "a": [float(v) for v in a],
        "b": [float(v) for v in b],
        "difference": finite(diff),
        "std_error": finite(se),
        "tied": bool(tied),
        "mann_whitney_p": finite(mw),
    }
    if se == 0.0:
        case.update(
            constant=True,
            df=None,
            p_different=1.0 if diff == 0.0 else 0.0,
            interval=[finite(diff), finite(diff)],
            detectable=0.0,
            p_equivalent=[{"margin": m, "p": 0.0 if abs(diff) < m else 1.0} for m in MARGINS],
        )
        return case
    test = stats.ttest_ind(a, b, equal_var=False)
    df = float(test.df)
    t = stats.t(df)
    ci = test.confidence_interval(1 - 2 * ALPHA)
    tost = []
    for m in MARGINS:
        lower = stats.ttest_ind(a + m, b, equal_var=False, alternative="greater").pvalue
        upper = stats.ttest_ind(a - m, b, equal_var=False, alternative="less").pvalue
        tost.append({"margin": m, "p": finite(max(lower, upper))})
    case.update(
        constant=False,
        df=finite(df),
        p_different=finite(test.pvalue),
        interval=[finite(ci.low), finite(ci.high)],
        detectable=finite((t.ppf(1 - ALPHA / 2) + t.ppf(POWER)) * se),
        p_equivalent=tost,
    )
    return case


def main():
    # scipy warns of "catastrophic cancellation" when a sample is constant (all 100s): its
    # variance is exactly 0 there, so the numbers are exact.
    warnings.filterwarnings("ignore", message="Precision loss occurred in moment calculation")
    wilson = []
    for k, n in [(0, 1), (1, 1), (3, 3), (0, 20), (1, 20), (5, 20), (10, 20), (14, 20), (15, 20), (19, 20), (20, 20), (8, 10), (9, 10), (100, 200), (7, 42)]:
        ci = stats.binomtest(k, n).proportion_ci(0.95, method="wilson")
        wilson.append({"k": k, "n": n, "interval": [finite(ci.low), finite(ci.high)]})
    fisher = []
    for a, b in [([20, 0], [10, 0]), ([20, 0], [0, 20]), ([15, 5], [3, 7]), ([10, 10], [10, 10]), ([4, 0], [9, 21]), ([1, 19], [8, 2]), ([3, 0], [12, 8]), ([18, 2], [5, 5]), ([17, 3], [20, 0]), ([9, 1], [8, 2]), ([0, 20], [0, 10]), ([12, 8], [6, 4])]:
        p = stats.fisher_exact([a, b], alternative="two-sided").pvalue
        fisher.append({"a": a, "b": b, "p": finite(p)})
    fixture = {
        "_about": ABOUT,
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "samples": [welch_case(*s) for s in samples()],
        "wilson": wilson,
        "fisher": fisher,
    }
    OUT.write_text(json.dumps(fixture, indent=1) + "\n")
    print(f"{OUT.relative_to(ROOT)}: {len(fixture['samples'])} sample pairs x {len(MARGINS)} margins, {len(wilson)} Wilson intervals, {len(fisher)} Fisher tables (scipy {scipy.__version__})")


if __name__ == "__main__":
    main()
