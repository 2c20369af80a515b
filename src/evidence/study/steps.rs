//! The fused CPU training step against the reference step (Burn's autodiff) over the study's
//! seeds: `study --reference-step` runs the grid again through the reference step and judges
//! each claim's number from both with the study's own equivalence test and margins.
//!
//! The two steps do the same arithmetic in a different order (the fused step's products and
//! softmax sum in another order than Burn's ops), so their last bits differ and, over hundreds of
//! steps, so can a run's accuracy: a seed that reaches 100% through one step may stop at 96%
//! through the other. Seed by seed the two cannot be compared; over 20 seeds they can.

use super::{Distribution, Pair, Part, Sameness, SeedRun, Study};
use crate::error::{Error, Result};
use crate::report::Metric;
use crate::tutorials::Experiment;
use serde::{Deserialize, Serialize};

/// Each claim's number through the fused step (the study's runs) and through the reference
/// step, compared: what `study --reference-step` writes to `steps.json` and `steps.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepComparison {
    /// One row per experiment of the grid.
    pub rows: Vec<StepRow>,
    /// The reference step's runs.
    pub reference: Part,
}

/// One claim's number through both steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepRow {
    /// The experiment.
    pub experiment: Experiment,
    /// The number compared (the claim's like-for-like measure).
    pub metric: Metric,
    /// The claim's margin, in percentage points.
    pub margin: f64,
    /// Seeds whose number is the same through both steps.
    pub same_number: usize,
    /// Seeds whose whole loss curve is the same, to the last bit, through both steps: all of
    /// them where the fused step does not apply (the run takes the reference step both times).
    #[serde(default)]
    pub same_loss: usize,
    /// Through the fused step (the study's runs).
    pub fused: Distribution,
    /// Through the reference step.
    pub reference: Distribution,
    /// Fused minus reference, with the study's tests.
    pub pair: Pair,
}

impl StepRow {
    /// The answer: `identical` when every seed's number is the same, else the pair's.
    pub fn answer(&self) -> &'static str {
        if self.same_number == self.fused.values.len() {
            "identical"
        } else {
            self.pair.sameness.words()
        }
    }
}

impl Study {
    /// The study's runs (through the fused step) against `reference`, the same grid run
    /// through the reference step, each claim judged with its metric and margin.
    pub fn compare_steps(&self, reference: Part) -> Result<StepComparison> {
        let mismatch = |what: &str| {
            Error::invalid(
                "study --reference-step",
                format!("the reference step's runs and the study's differ in {what}: run both on one grid"),
            )
        };
        if !self.part.fused_step || reference.fused_step {
            return Err(mismatch("step (the study must be the fused one)"));
        }
        if reference.grid != self.part.grid {
            return Err(mismatch("grid"));
        }
        if (reference.epochs, &reference.device) != (self.part.epochs, &self.part.device) {
            return Err(mismatch("epochs or device"));
        }
        let rows = self
            .claims
            .iter()
            .map(|claim| {
                let e = claim.experiment;
                let values = |runs: &[SeedRun]| -> Vec<f64> {
                    runs.iter()
                        .filter(|r| r.experiment == e)
                        .map(|r| r.value(claim.metric))
                        .collect()
                };
                let (fused, refs) = (values(&self.part.runs), values(&reference.runs));
                if fused.len() != refs.len() {
                    return Err(mismatch(&format!("the number of {e}'s runs")));
                }
                let losses = |runs: &[SeedRun]| -> Vec<Vec<f32>> {
                    runs.iter()
                        .filter(|r| r.experiment == e)
                        .map(|r| r.loss.clone())
                        .collect()
                };
                let (fused_loss, reference_loss) = (losses(&self.part.runs), losses(&reference.runs));
                let same_loss = fused_loss
                    .iter()
                    .zip(&reference_loss)
                    .filter(|(a, b)| a == b)
                    .count();
                let same_number = fused.iter().zip(&refs).filter(|(a, b)| a == b).count();
                let fused = Distribution::of(fused, claim.reported)?;
                let reference = Distribution::of(refs, claim.reported)?;
                let at_least = claim
                    .reported
                    .filter(|_| claim.kind == crate::report::ClaimKind::AtLeast);
                let pair = Pair::new(["fused", "reference"], &fused, &reference, claim.margin, at_least);
                Ok(StepRow {
                    experiment: e,
                    metric: claim.metric,
                    margin: claim.margin,
                    same_number,
                    same_loss,
                    fused,
                    reference,
                    pair,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(StepComparison { rows, reference })
    }
}

impl StepComparison {
    /// The table: per claim, both distributions, the seeds with the same number, and the answer.
    pub fn to_markdown(&self) -> String {
        let grid = &self.reference.grid;
        let mut md = format!(
            "The study's seeds {}..={} trained through the fused CPU step (`results/study.json`) and \
             again through the reference step, Burn's autodiff (`study --reference-step`). Each \
             claim's number is compared as the study compares frameworks: the same when the 90% \
             interval of the difference of means lies inside the claim's margin, different when \
             not and Welch's test rejects equal means, inconclusive otherwise; identical when \
             every seed gives the same number through both.\n\n\
             | claim | measured as | margin | fused mean ± sd | reference mean ± sd | seeds with the same number | same loss curve | answer | difference (90% interval) |\n\
             |---|---|---:|---:|---:|---:|---:|---|---:|\n",
            grid.first_seed,
            grid.first_seed + grid.seeds - 1,
        );
        for row in &self.rows {
            let difference = match (row.pair.comparison, row.pair.interval) {
                (Some(d), Some([lo, hi])) => format!("{:+.2} ({lo:+.2} to {hi:+.2})", d.difference),
                _ => "-".to_string(),
            };
            md.push_str(&format!(
                "| {} | {} | ±{} | {} | {} | {} of {n} | {} of {n} | **{}** | {difference} |\n",
                row.experiment,
                row.metric.words(),
                row.margin,
                row.fused.mean_sd(),
                row.reference.mean_sd(),
                row.same_number,
                row.same_loss,
                row.answer(),
                n = row.fused.values.len(),
            ));
        }
        let unfused: Vec<String> = self
            .rows
            .iter()
            .filter(|r| r.same_loss == r.fused.values.len())
            .map(|r| r.experiment.to_string())
            .collect();
        if !unfused.is_empty() {
            md.push_str(&format!(
                "\nOn {}, every seed's loss curve is the same to the last bit through both: the fused \
                 step does not apply there, and the run takes the reference step both times.\n",
                unfused.join(", ")
            ));
        }
        let different = self
            .rows
            .iter()
            .filter(|r| r.answer() != "identical" && r.pair.sameness == Sameness::Different)
            .count();
        md.push_str(&format!(
            "\n{different} of {} claims differ between the two steps.\n",
            self.rows.len()
        ));
        md
    }
}
