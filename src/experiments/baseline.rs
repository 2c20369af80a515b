//! A non-recurrent baseline: multinomial logistic regression (linfa-logistic) on the flattened
//! input window, trained on samples drawn as the tutorial draws them and scored as the tutorial
//! scores its LSTM. It tells which problems need memory and which only need the right framing.
//!
//! ```no_run
//! use lstm_lab::baseline::logistic;
//! use lstm_lab::tutorials::Experiment;
//! let outcome = logistic(Experiment::VanillaIndex, 1).unwrap();
//! println!("{:.2}%", outcome.accuracy);
//! ```

use crate::ChaCha12Rng;
use crate::array::Array3;
use crate::error::{Error, Result};
use crate::metrics::Confusion;
use crate::train::History;
use crate::tutorials::alphabet::AlphabetConfig;
use crate::tutorials::vanilla_index::VanillaIndexConfig;
use crate::tutorials::vanilla_second::VanillaSecondConfig;
use crate::tutorials::{Experiment, Outcome, labels};
use linfa::prelude::{Dataset, Fit, Predict};
use linfa_logistic::MultiLogisticRegression;
use ndarray::{Array1, Array2};
use rand::SeedableRng;

/// The experiments whose framing the baseline covers: one output step, one class per sample.
pub const FRAMINGS: &[Experiment] = &[
    Experiment::VanillaIndex,
    Experiment::Alphabet2Step,
    Experiment::AlphabetFeatureWindow,
    Experiment::AlphabetTimestepWindow,
    Experiment::VanillaSecond,
];

/// The L2 penalties tried, strongest first.
const PENALTIES: &[f64] = &[1.0, 1e-2, 1e-4, 1e-6];

/// The baseline on `experiment`'s framing with `seed`: training and evaluation samples drawn
/// as the tutorial draws them (the alphabet's are its fixed windows), the model fitted by
/// linfa-logistic's L-BFGS (at most 100 iterations) with the penalty of `PENALTIES` (1, 1e-2, 1e-4, 1e-6) that fits
/// the training samples best, accuracy by linfa's confusion matrix.
pub fn logistic(experiment: Experiment, seed: u64) -> Result<Outcome> {
    let mut rng = ChaCha12Rng::seed_from_u64(seed);
    let (train, eval, evaluation) = match experiment {
        Experiment::VanillaIndex => {
            let c = VanillaIndexConfig::default();
            let train = c.generate_batch(&mut rng, c.fits * c.examples_per_fit)?;
            let eval = c.generate_batch(&mut rng, c.eval_examples)?;
            let words = format!("accuracy over {} new examples", c.eval_examples);
            (train, eval, words)
        }
        Experiment::VanillaSecond => {
            let c = VanillaSecondConfig::default();
            let (x, y) = c.generate(&mut rng)?;
            let split = x.len() - crate::tutorials::Tutorial::validation_samples_per_epoch(&c);
            let eval = c.generate(&mut rng)?;
            let words = format!("accuracy on {} freshly generated samples", c.n_samples);
            ((x.slice(0, split), y.slice(0, split)), eval, words)
        }
        Experiment::Alphabet2Step
        | Experiment::AlphabetFeatureWindow
        | Experiment::AlphabetTimestepWindow => {
            let c = match experiment {
                Experiment::Alphabet2Step => AlphabetConfig::two_step(),
                Experiment::AlphabetFeatureWindow => AlphabetConfig::feature_window(),
                _ => AlphabetConfig::timestep_window(),
            };
            let (x, y, _) = c.dataset()?;
            let words = format!("accuracy on the {} training windows", x.len());
            ((x.clone(), y.clone()), (x, y), words)
        }
        other => {
            return Err(Error::invalid(
                "baseline",
                format!("{other} has several output steps; the baseline covers one"),
            ));
        }
    };
    let classes = train.1.shape()[2];
    let start = std::time::Instant::now();
    let (x_train, y_train) = (flatten(&train.0)?, Array1::from(labels(&train.1)));
    let dataset = Dataset::new(x_train.clone(), y_train.clone());
    // The L2 penalty with the best training accuracy (ties: the stronger penalty), so that a
    // weak fit is the model's limit and not an arbitrary penalty's.
    let mut best: Option<(usize, f64, _)> = None;
    for &alpha in PENALTIES {
        let model = MultiLogisticRegression::default()
            .alpha(alpha)
            .fit(&dataset)
            .map_err(|e| Error::invalid("baseline", format!("linfa-logistic: {e}")))?;
        let fitted: Array1<usize> = model.predict(&x_train);
        let correct = fitted.iter().zip(&y_train).filter(|(p, t)| p == t).count();
        if best.as_ref().is_none_or(|(c, _, _)| correct > *c) {
            best = Some((correct, alpha, model));
        }
    }
    let (_, alpha, model) = best.ok_or_else(|| Error::invalid("baseline", "no penalty to try"))?;
    let train_seconds = start.elapsed().as_secs_f64();
    let predicted: Array1<usize> = model.predict(&flatten(&eval.0)?);
    let evaluation = format!(
        "{evaluation}; L2 penalty {alpha:e} (the best training accuracy of {})",
        PENALTIES
            .iter()
            .map(|a| format!("{a:e}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let names = (0..classes).map(|c| c.to_string()).collect();
    let confusion = Confusion::new(&labels(&eval.1), &predicted.to_vec(), names)?;
    Ok(Outcome {
        epochs: 1,
        accuracy: confusion.accuracy,
        evaluation,
        history: History::default(),
        train_seconds,
        printout: Vec::new(),
        confusion: Some(confusion),
    })
}

/// `[samples, steps, features]` as `[samples, steps * features]`, in f64 for linfa.
fn flatten(x: &Array3) -> Result<Array2<f64>> {
    let [n, steps, features] = x.shape();
    let data = x.as_slice().iter().map(|&v| f64::from(v)).collect();
    Array2::from_shape_vec((n, steps * features), data)
        .map_err(|e| Error::invalid("baseline", format!("flattening the window: {e}")))
}
