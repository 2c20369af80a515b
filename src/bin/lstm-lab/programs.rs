//! The check on the Keras column: the tutorials' own Keras programs (tools/tutorial_programs.py,
//! the seed texts with the fewest changes Keras 3 needs) against our Keras rewrite of the same
//! experiments (tools/bench/experiments.py, whose runs are the study's Keras side). If the two
//! differ, the Keras column is not the tutorial's experiment.
//!
//! Written to `programs.md` beside study.md whenever `datasets/keras-tutorial/study.json` is
//! there (`just tutorial-programs`, then `--merge`).

use lstm_lab::Result;
use lstm_lab::study::{Distribution, FrameworkStudy, Pair, Study};
use std::fmt::Write;

/// Where tools/seed_study.py `--framework tutorial --merge` writes the programs' runs.
pub(crate) const PROGRAMS: &str = "datasets/keras-tutorial/study.json";

/// One row per experiment the programs ran: both sides' numbers on the claim's measure, the
/// seeds on which both give the same numbers, the difference of means with its 90% interval,
/// Mann-Whitney's p, and the study's equivalence answer at the claim's margin.
pub(crate) fn to_markdown(
    study: &Study,
    rewrite: &FrameworkStudy,
    programs: &FrameworkStudy,
) -> Result<String> {
    let mut md = format!(
        "# The tutorials' Keras programs against the Keras rewrite\n\n\
         The tutorials' own programs, with the fewest changes Keras 3 needs \
         (`tools/tutorial_programs.py`; {}), against the rewrite of the same experiments whose runs \
         are the study's Keras side (`tools/bench/experiments.py`; {}). Both seed Keras with \
         `keras.utils.set_random_seed(seed)`. `same numbers` counts the seeds both ran on which \
         they print the same evaluation and the same last-fit accuracy. The difference is the rewrite's mean minus the programs', \
         with its 90% interval (Welch), compared at the claim's margin as the study compares \
         frameworks (same, different, or inconclusive); Mann-Whitney's p is two-sided.\n\n\
         | claim | measured as | rewrite mean ± sd | programs mean ± sd | same numbers | \
         difference (90% interval) | Mann-Whitney p | answer |\n\
         |---|---|---:|---:|---:|---:|---:|---|\n",
        programs.versions(),
        rewrite.versions()
    );
    for claim in &study.claims {
        let e = claim.experiment;
        let program_values = programs.values(e, claim.metric);
        if program_values.is_empty() {
            continue;
        }
        let rewrite_values = rewrite.values(e, claim.metric);
        let [a, b] = [
            Distribution::of(rewrite_values, claim.reported)?,
            Distribution::of(program_values, claim.reported)?,
        ];
        let pair = Pair::new(["rewrite", "programs"], &a, &b, claim.margin, None);
        let rewrite_runs = rewrite.runs_of(e);
        let same_seed: Vec<bool> = programs
            .runs_of(e)
            .iter()
            .filter_map(|p| {
                let r = rewrite_runs.iter().find(|r| r.seed == p.seed)?;
                Some((r.accuracy, r.last_fit_accuracy) == (p.accuracy, p.last_fit_accuracy))
            })
            .collect();
        let difference = match (pair.comparison, pair.interval) {
            (Some(c), Some([lo, hi])) => format!("{:+.2} ({lo:+.2} to {hi:+.2})", c.difference),
            _ => "-".to_string(),
        };
        let p = pair.mann_whitney_p.map_or("-".to_string(), |p| format!("{p:.3}"));
        let answer = match pair.comparison {
            Some(_) => format!("{} within {} points", pair.sameness.words(), claim.margin),
            None => "too few seeds to compare".to_string(),
        };
        writeln!(
            md,
            "| {e} | {} | {} | {} | {} of {} | {difference} | {p} | {answer} |",
            claim.measures,
            a.mean_sd(),
            b.mean_sd(),
            same_seed.iter().filter(|&&s| s).count(),
            same_seed.len(),
        )
        .map_err(|e| lstm_lab::Error::invalid("programs.md", e.to_string()))?;
    }
    Ok(md)
}
