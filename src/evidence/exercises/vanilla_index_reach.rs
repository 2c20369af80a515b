//! `vanilla-index-reach`: what makes tutorial 001's index 2 of 50 learnable.

use super::{ArmRun, Arms, CurveAxis, Question, REACHED};
use crate::ChaCha12Rng;
use crate::error::Result;
use crate::plot::Series;
use crate::tutorials::vanilla_index::VanillaIndexConfig;
use burn::tensor::Device;
use rand::SeedableRng;

/// Vanilla LSTM (001): what makes index 2 of 50 learnable.
pub struct VanillaIndexReach;

/// Fresh examples per Adam step.
pub const REACH_BATCH: usize = 32;
/// Adam steps (`REACH_BATCH` fresh examples each).
pub const REACH_FITS: usize = 20000;
/// The larger forget-gate bias tried.
pub const REACH_FORGET_BIAS: f32 = 5.0;

const IN_ORDER: &str = "50 steps, in order";
const FORGET: &str = "50 steps, forget";

/// The tutorial's task as the arms train it: `REACH_FITS` fresh batches of `REACH_BATCH`,
/// scored on 1000 new examples.
pub(super) fn reach_base() -> VanillaIndexConfig {
    VanillaIndexConfig {
        fits: REACH_FITS,
        examples_per_fit: REACH_BATCH,
        eval_examples: 1000,
        ..Default::default()
    }
}

/// The arms: the tutorial's task trained on many fresh examples, then one change at a time.
pub(super) fn arms() -> Vec<(String, VanillaIndexConfig)> {
    let base = reach_base();
    let mut arms = vec![
        (format!("{IN_ORDER} (the tutorial's task)"), base.clone()),
        (
            "50 steps, reversed".to_string(),
            VanillaIndexConfig {
                reverse: true,
                ..base.clone()
            },
        ),
        (
            format!("{FORGET} bias {REACH_FORGET_BIAS}"),
            VanillaIndexConfig {
                forget_bias: REACH_FORGET_BIAS,
                ..base.clone()
            },
        ),
    ];
    for length in [30, 20, 10] {
        arms.push((
            format!("{length} steps, in order"),
            VanillaIndexConfig {
                length,
                ..base.clone()
            },
        ));
    }
    arms
}

impl Question for VanillaIndexReach {
    fn id(&self) -> &'static str {
        "vanilla-index-reach"
    }

    fn question(&self) -> &'static str {
        "Tutorial 001's LSTM must answer with the value at index 2 of 50, 47 steps after \
         reading it, and ten examples teach it nothing. Trained on fresh batches of 32, \
         does it learn the task, and which changes make it learnable: the sequence reversed (index 2 then 2 \
         steps before the answer), shorter sequences (10, 20, 30 steps), or a larger \
         forget-gate bias? And how much of the loss's gradient reaches each input step?"
    }

    fn arms(&self) -> Vec<(String, ArmRun)> {
        arms()
            .into_iter()
            .map(|(name, c)| (name, ArmRun::lstm(c)))
            .collect()
    }

    /// The norm of the loss's gradient reaching each input step of the untrained 50-step models
    /// (mean over the seeds, 100 fresh examples each), by how many steps before the answer the
    /// step is read. (The reversed model is left out: on random inputs its curve is the
    /// in-order one; what changes is where index 2 sits on it, 2 steps before the answer
    /// instead of 47.)
    fn series(&self, seeds: u64, device: &Device) -> Result<Vec<Series>> {
        let autodiff = device.clone().autodiff();
        arms()
            .into_iter()
            .filter(|(_, c)| c.length == VanillaIndexConfig::default().length && !c.reverse)
            .map(|(name, config)| {
                let mut sums = vec![0.0f64; config.length];
                for seed in 1..=seeds {
                    let mut rng = ChaCha12Rng::seed_from_u64(seed);
                    let model = config.init_model(&mut rng, &autodiff)?;
                    let (x, y) = config.generate_batch(&mut rng, 100)?;
                    let norms = crate::inspect::input_gradient_norms(&model, &x, &y)?;
                    for (sum, n) in sums.iter_mut().zip(norms) {
                        *sum += f64::from(n) / seeds as f64;
                    }
                }
                let last = config.length - 1;
                let points = sums
                    .iter()
                    .enumerate()
                    .map(|(t, &v)| ((last - t) as f64, v))
                    .rev()
                    .collect();
                Ok(Series { name, points })
            })
            .collect()
    }

    fn answer(&self, arms: &Arms, series: &[Series]) -> Result<String> {
        let examples = REACH_FITS * REACH_BATCH;
        let tutorial = VanillaIndexConfig::default();
        // Steps between reading index 2 and answering: in order and reversed.
        let in_order = (tutorial.length - 1 - tutorial.out_index) as f64;
        let reversed = tutorial.out_index as f64;
        // How much of the last step's gradient reaches the step that holds index 2.
        let share = |name_start: &str, at: f64| -> String {
            let points = series.iter().find(|s| s.name.starts_with(name_start));
            let value = |x: f64| {
                points
                    .and_then(|s| s.points.iter().find(|p| p.0 == x))
                    .map(|p| p.1)
            };
            match (value(0.0), value(at)) {
                (Some(last), Some(there)) => format!("{:.1e}", there / last),
                _ => "?".into(),
            }
        };
        let scores: Vec<String> = arms
            .iter()
            .map(|a| format!("{} {:.2}% ({})", a.name, a.mean, a.reach_in_examples()))
            .collect();
        Ok(format!(
            "After {examples} fresh examples (batches of {REACH_BATCH}), accuracy over 1000 \
             new examples: {}. Before training, the gradient at the step holding index 2 \
             is {} of the last step's in order ({in_order:.0} steps before the answer), \
             {} reversed ({reversed:.0} steps before) and {} with a forget bias of \
             {REACH_FORGET_BIAS}; {}",
            scores.join("; "),
            share(IN_ORDER, in_order),
            share(IN_ORDER, reversed),
            share(FORGET, in_order),
            arms.reaching_in_words(
                &format!("none of them reaches {REACHED}% in this budget"),
                &format!("learned ({REACHED}% or more): ")
            )
        ))
    }

    fn curves(&self) -> Option<CurveAxis> {
        Some(CurveAxis::Examples)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_arm_changes_one_thing() {
        let reach = arms();
        assert_eq!(reach.len(), 6);
        let base = &reach[0].1;
        assert!(reach[1..].iter().all(|(_, c)| {
            let changed = [c.reverse, c.forget_bias != 1.0, c.length != base.length];
            changed.iter().filter(|&&b| b).count() == 1
                && (c.fits, c.examples_per_fit, c.units) == (base.fits, base.examples_per_fit, base.units)
        }));
    }
}
