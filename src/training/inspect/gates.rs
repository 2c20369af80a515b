//! How the gates of a trained LSTM behave over many samples: each gate's mean activation and
//! how often it is saturated (nearly shut or nearly open), per unit and overall, as in Karpathy,
//! Johnson and Fei-Fei (2015), "Visualizing and Understanding Recurrent Networks", figure 3.
//!
//! A gate that sits near 0 or 1 acts as a switch: a forget gate above 0.9 keeps its unit's cell
//! almost whole from one step to the next, one below 0.1 wipes it. A gate in between scales.

use super::{each_step, values};
use crate::array::Array3;
use crate::error::Result;
use crate::layers::{Lstm, LstmState};
use serde::{Deserialize, Serialize};

/// Activations of the four gates of one LSTM layer over `samples` samples and `steps` steps.
///
/// Saturation is counted against 0.1 and 0.9 for the sigmoid gates (`i`, `f`, `o`, in (0, 1))
/// and against -0.9 and 0.9 for the candidate `g` (a tanh, in (-1, 1)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateStats {
    /// Samples run through.
    pub samples: usize,
    /// Steps of each sample.
    pub steps: usize,
    /// Per gate (`[i, f, g, o]`): the mean activation over samples, steps and units.
    pub mean: [f64; 4],
    /// Per gate: the mean size of the activation, `|a|` (for the signed `g`, how strongly it
    /// writes, whichever the direction; for the others the same as `mean`).
    #[serde(default)]
    pub mean_abs: [f64; 4],
    /// Per gate, per unit: the share of (sample, step) activations below the low threshold.
    pub low: [Vec<f64>; 4],
    /// Per gate, per unit: the share of (sample, step) activations above the high threshold.
    pub high: [Vec<f64>; 4],
}

impl GateStats {
    /// Units of the layer.
    pub fn units(&self) -> usize {
        self.low[0].len()
    }

    /// Per gate: the share of all activations (every sample, step and unit) below the low
    /// threshold, and above the high one.
    pub fn saturated(&self) -> [[f64; 2]; 4] {
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
        std::array::from_fn(|g| [mean(&self.low[g]), mean(&self.high[g])])
    }

    /// Per gate: the units that spend more than `share` of the steps saturated (low or high).
    pub fn mostly_saturated(&self, share: f64) -> [usize; 4] {
        std::array::from_fn(|g| {
            (0..self.units())
                .filter(|&u| self.low[g][u] + self.high[g][u] > share)
                .count()
        })
    }
}

/// Runs every sample of `x` through `lstm` from `state` (zeros when `None`) and gathers
/// [`GateStats`] over all samples and steps.
///
/// - x: `[samples, steps, d_input]`
pub fn gate_stats(lstm: &Lstm, x: &Array3, state: Option<LstmState>) -> Result<GateStats> {
    let [samples, steps, _] = x.shape();
    let units = lstm.units();
    let (mut sum, mut sum_abs) = ([0.0f64; 4], [0.0f64; 4]);
    let mut low: [Vec<f64>; 4] = std::array::from_fn(|_| vec![0.0; units]);
    let mut high: [Vec<f64>; 4] = std::array::from_fn(|_| vec![0.0; units]);
    each_step(lstm, x, state, |_, gates, _| {
        for (g, gate) in gates.iter().enumerate() {
            let lower = if g == 2 { -0.9 } else { 0.1 };
            for (k, &a) in values(gate.clone())?.iter().enumerate() {
                let u = k % units; // [samples, units], row-major
                sum[g] += f64::from(a);
                sum_abs[g] += f64::from(a.abs());
                low[g][u] += f64::from(u8::from(a < lower));
                high[g][u] += f64::from(u8::from(a > 0.9));
            }
        }
        Ok(())
    })?;
    let per_unit = (samples * steps) as f64;
    for share in low.iter_mut().chain(high.iter_mut()).flatten() {
        *share /= per_unit;
    }
    Ok(GateStats {
        samples,
        steps,
        mean: sum.map(|s| s / (per_unit * units as f64)),
        mean_abs: sum_abs.map(|s| s / (per_unit * units as f64)),
        low,
        high,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::LstmConfig;
    use burn::tensor::Device;
    use rand::SeedableRng;

    /// The statistics agree with a trace of each sample, counted by hand.
    #[test]
    fn gate_stats_agree_with_traces_of_each_sample() {
        let device = Device::flex();
        let mut rng = crate::ChaCha12Rng::seed_from_u64(3);
        let lstm = LstmConfig::new(2, 3).unwrap().init(&mut rng, &device);
        let data: Vec<f32> = (0..4 * 5 * 2)
            .map(|k| ((k * 7) % 11) as f32 / 3.0 - 1.5)
            .collect();
        let x = Array3::new(data, [4, 5, 2]).unwrap();
        let stats = gate_stats(&lstm, &x, None).unwrap();
        let (mut sum, mut high_f_unit0) = (0.0f64, 0.0f64);
        for s in 0..4 {
            let trace = super::super::trace(&lstm, &x.select(&[s]), None).unwrap();
            for t in 0..5 {
                sum += trace.forget[t].iter().map(|&v| f64::from(v)).sum::<f64>();
                high_f_unit0 += f64::from(u8::from(trace.forget[t][0] > 0.9));
            }
        }
        assert!(
            (stats.mean[1] - sum / 60.0).abs() < 1e-6,
            "{} vs {}",
            stats.mean[1],
            sum / 60.0
        );
        assert_eq!(stats.high[1][0], high_f_unit0 / 20.0);
        assert_eq!((stats.samples, stats.steps, stats.units()), (4, 5, 3));
        // The sigmoid gates are positive, so their mean size is their mean; g's is at least |mean|.
        assert!((stats.mean_abs[1] - stats.mean[1]).abs() < 1e-9);
        assert!(stats.mean_abs[2] >= stats.mean[2].abs() && stats.mean_abs[2] > 0.0);
        for [lo, hi] in stats.saturated() {
            assert!((0.0..=1.0).contains(&lo) && (0.0..=1.0).contains(&hi) && lo + hi <= 1.0);
        }
        let wrong = Array3::new(vec![0.0; 3], [1, 1, 3]).unwrap();
        assert!(gate_stats(&lstm, &wrong, None).is_err());
    }
}
