//! Is a past input still in the LSTM's state? A linear probe answers: a multinomial logistic
//! regression (linfa-logistic) trained to read the value of input step `k` from the cell state
//! `c_t` (or the hidden state `h_t`) after each step `t`, on one half of the samples, and scored
//! on the other half, which it never saw. Before step `k` the probe can do no better than
//! guessing the most common value; from step `k` on, a state that holds the value lets it read
//! the value back, and the curve over `t` shows how long the value stays readable.
//!
//! The probe is linear, so it finds what the state holds in a form one layer can read: what the
//! model's own Dense head could use. It says nothing of what the model uses.

use super::each_step;
use crate::array::Array3;
use crate::error::{Error, Result};
use crate::layers::Lstm;
use linfa::prelude::{Dataset, Fit, Predict};
use linfa_logistic::MultiLogisticRegression;
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

/// The probe's L2 penalty: small, as the states are few-dimensional and the samples many.
const PENALTY: f64 = 1e-3;

/// How well the value of input step `probed_step` is read back from each step's state by a
/// linear probe, on samples the probe did not train on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemoryCurve {
    /// The input step whose value is read back.
    pub probed_step: usize,
    /// Samples the probes were trained on (the first half).
    pub train_samples: usize,
    /// Samples they were scored on (the second half).
    pub test_samples: usize,
    /// The accuracy of always answering the most common value of the training half, in % of
    /// the test half: what a state that holds nothing gives.
    pub chance: f64,
    /// Per step `t`: the probe's accuracy (%) reading the value from the cell state `c_t`.
    pub cell: Vec<f64>,
    /// Per step `t`: the same from the hidden state `h_t`.
    pub hidden: Vec<f64>,
}

/// Trains and scores the probes of [`MemoryCurve`] on the states `lstm` reaches from zeros on
/// every sample of `x`, whose steps are one-hot values (the value of a step is its largest
/// feature).
///
/// - x: `[samples, steps, d_input]`, at least 4 samples; `probed_step < steps`
pub fn memory_probe(lstm: &Lstm, x: &Array3, probed_step: usize) -> Result<MemoryCurve> {
    let [samples, steps, _] = x.shape();
    if probed_step >= steps {
        return Err(Error::invalid(
            "probed_step",
            format!("step {probed_step} of a {steps}-step input"),
        ));
    }
    if samples < 4 {
        return Err(Error::invalid(
            "x",
            format!("a probe needs samples to train on and others to score on; got {samples}"),
        ));
    }
    let values: Vec<usize> = x.argmax().iter().map(|sample| sample[probed_step]).collect();
    let half = samples / 2;
    let (train_values, test_values) = (Array1::from(values[..half].to_vec()), &values[half..]);
    let units = lstm.units();
    let mut states: [Vec<Array2<f64>>; 2] = [Vec::new(), Vec::new()];
    each_step(lstm, x, None, |_, _, next| {
        for (kept, state) in states.iter_mut().zip([&next.c, &next.h]) {
            let data = super::values(state.clone())?.into_iter().map(f64::from).collect();
            kept.push(
                Array2::from_shape_vec((samples, units), data)
                    .map_err(|e| Error::invalid("states", e.to_string()))?,
            );
        }
        Ok(())
    })?;
    let score = |state: &Array2<f64>| -> Result<f64> {
        let train = state.slice(ndarray::s![..half, ..]).to_owned();
        let test = state.slice(ndarray::s![half.., ..]).to_owned();
        let classes: std::collections::BTreeSet<usize> = train_values.iter().copied().collect();
        let predicted: Vec<usize> = if classes.len() < 2 {
            // One value in the training half: the probe can only answer it.
            vec![train_values[0]; test.nrows()]
        } else {
            let model = MultiLogisticRegression::default()
                .alpha(PENALTY)
                .fit(&Dataset::new(train, train_values.clone()))
                .map_err(|e| Error::invalid("memory probe", format!("linfa-logistic: {e}")))?;
            let predicted: Array1<usize> = model.predict(&test);
            predicted.to_vec()
        };
        Ok(percent_equal(&predicted, test_values))
    };
    let curve = |kept: &[Array2<f64>]| kept.iter().map(score).collect::<Result<Vec<f64>>>();
    let most_common = (0..=values.iter().copied().max().unwrap_or(0))
        .max_by_key(|&v| {
            (
                train_values.iter().filter(|&&t| t == v).count(),
                std::cmp::Reverse(v),
            )
        })
        .unwrap_or(0);
    Ok(MemoryCurve {
        probed_step,
        train_samples: half,
        test_samples: samples - half,
        chance: percent_equal(&vec![most_common; samples - half], test_values),
        cell: curve(&states[0])?,
        hidden: curve(&states[1])?,
    })
}

/// The share of `a` equal to `b` at the same place, in %.
fn percent_equal(a: &[usize], b: &[usize]) -> f64 {
    100.0 * a.iter().zip(b).filter(|(p, t)| p == t).count() as f64 / b.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::LstmConfig;
    use burn::tensor::Device;
    use rand::{RngExt, SeedableRng};

    /// With a forget bias so high that the cell keeps what it is given, the value of step 0 is
    /// readable from the cell at every later step; before a value is read it is not: the probe
    /// of step 2 is at chance after step 0.
    #[test]
    fn a_probe_reads_a_kept_value_and_not_one_yet_to_come() {
        let device = Device::flex();
        let mut rng = crate::ChaCha12Rng::seed_from_u64(5);
        let lstm = LstmConfig::new(3, 8)
            .unwrap()
            .init(&mut rng, &device)
            .with_forget_bias(8.0);
        let (samples, steps) = (400, 4);
        let mut data = vec![0.0f32; samples * steps * 3];
        for s in 0..samples {
            for t in 0..steps {
                data[(s * steps + t) * 3 + rng.random_range(0..3)] = 1.0;
            }
        }
        let x = Array3::new(data, [samples, steps, 3]).unwrap();
        let first = memory_probe(&lstm, &x, 0).unwrap();
        assert_eq!((first.train_samples, first.test_samples), (200, 200));
        assert!(first.chance < 45.0, "{}", first.chance);
        for t in 0..steps {
            assert!(first.cell[t] > 90.0, "step {t}: {:?}", first.cell);
        }
        let later = memory_probe(&lstm, &x, 2).unwrap();
        assert!(later.cell[0] < later.chance + 10.0, "{:?}", later.cell);
        assert!(later.cell[2] > 90.0, "{:?}", later.cell);
        assert!(memory_probe(&lstm, &x, 4).is_err());
        assert!(memory_probe(&lstm, &x.select(&[0, 1]), 0).is_err());
    }
}
