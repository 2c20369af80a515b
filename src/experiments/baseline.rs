//! Non-recurrent baselines on the flattened input window, trained on samples drawn as the
//! tutorial draws them and scored as the tutorial scores its LSTM: a multinomial logistic
//! regression (linfa-logistic), which has neither memory nor non-linearity, and an MLP
//! (Dense-ReLU-Dense with the LSTM's units, Keras's initialisers and Adam, the tutorial's epochs
//! and batch size), which has non-linearity but no memory. A problem the MLP solves and the
//! logistic regression does not needs non-linearity, not memory.
//!
//! ```no_run
//! use lstm_lab::baseline::{logistic, mlp};
//! use lstm_lab::tutorials::Experiment;
//! let linear = logistic(Experiment::Alphabet2Step, 1).unwrap();
//! let dense = mlp(Experiment::Alphabet2Step, 1).unwrap();
//! println!("{:.2}% against {:.2}%", linear.accuracy, dense.accuracy);
//! ```

use crate::ChaCha12Rng;
use crate::array::Array3;
use crate::error::{Error, Result};
use crate::layers::Dense;
use crate::metrics::Confusion;
use crate::models::Loss;
use crate::optim::KerasAdamConfig;
use crate::train::History;
use crate::tutorials::alphabet::AlphabetConfig;
use crate::tutorials::vanilla_index::VanillaIndexConfig;
use crate::tutorials::vanilla_second::VanillaSecondConfig;
use crate::tutorials::{Experiment, Outcome, labels};
use burn::module::Module;
use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor};
use linfa::prelude::{Dataset, Fit, Predict};
use linfa_logistic::MultiLogisticRegression;
use ndarray::{Array1, Array2};
use rand::SeedableRng;
use rand::seq::SliceRandom;

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

/// `experiment`'s samples as its tutorial draws them: the training samples, the evaluation
/// samples, the words for the evaluation, and how the tutorial trains its LSTM on them
/// (epochs, batch size, units).
fn framing(experiment: Experiment, rng: &mut ChaCha12Rng) -> Result<Framing> {
    Ok(match experiment {
        Experiment::VanillaIndex => {
            let c = VanillaIndexConfig::default();
            let train = c.generate_batch(rng, c.fits * c.examples_per_fit)?;
            let eval = c.generate_batch(rng, c.eval_examples)?;
            let words = format!("accuracy over {} new examples", c.eval_examples);
            // Ten one-example fits: one epoch over their examples, a step each.
            (train, eval, words, (1, c.examples_per_fit, c.units))
        }
        Experiment::VanillaSecond => {
            let c = VanillaSecondConfig::default();
            let (x, y) = c.generate(rng)?;
            let split = x.len() - crate::tutorials::Tutorial::validation_samples_per_epoch(&c);
            let eval = c.generate(rng)?;
            let words = format!("accuracy on {} freshly generated samples", c.n_samples);
            let train = (x.slice(0, split), y.slice(0, split));
            (train, eval, words, (c.epochs, c.batch_size, c.units))
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
            (
                (x.clone(), y.clone()),
                (x, y),
                words,
                (c.epochs, c.batch_size, c.units),
            )
        }
        other => {
            return Err(Error::invalid(
                "baseline",
                format!("{other} has several output steps; the baselines cover one"),
            ));
        }
    })
}

/// Training samples, evaluation samples, the evaluation's words, and (epochs, batch, units).
type Framing = ((Array3, Array3), (Array3, Array3), String, (usize, usize, usize));

/// The logistic baseline on `experiment`'s framing with `seed`: training and evaluation samples
/// drawn as the tutorial draws them (the alphabet's are its fixed windows), the model fitted by
/// linfa-logistic's L-BFGS (at most 100 iterations) with the penalty of `PENALTIES` (1, 1e-2,
/// 1e-4, 1e-6) that fits the training samples best, accuracy by linfa's confusion matrix.
pub fn logistic(experiment: Experiment, seed: u64) -> Result<Outcome> {
    let mut rng = ChaCha12Rng::seed_from_u64(seed);
    let (train, eval, evaluation, _) = framing(experiment, &mut rng)?;
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

/// The MLP baseline on `experiment`'s framing with `seed`: Keras's `Dense(units, relu)` then
/// `Dense(classes, softmax)` on the flattened window (`units` the tutorial LSTM's), initialised
/// as Keras does (Glorot-uniform kernels, zero biases) and trained as the tutorial trains its
/// LSTM on the same samples: Keras's Adam and cross-entropy, its epochs and batch size,
/// shuffled every epoch. Scored like [`logistic`].
pub fn mlp(experiment: Experiment, seed: u64) -> Result<Outcome> {
    let mut rng = ChaCha12Rng::seed_from_u64(seed);
    let ((x, y), eval, evaluation, (epochs, batch, units)) = framing(experiment, &mut rng)?;
    let [n, steps, features] = x.shape();
    let classes = y.shape()[2];
    let device = Device::flex().autodiff();
    let mut model = Mlp {
        hidden: Dense::init(&mut rng, steps * features, units, &device)?,
        output: Dense::init(&mut rng, units, classes, &device)?,
    };
    let mut adam = KerasAdamConfig::default().init()?;
    let start = std::time::Instant::now();
    let mut order: Vec<usize> = (0..n).collect();
    let mut history = History::default();
    for _ in 0..epochs {
        order.shuffle(&mut rng);
        let (xs, ys) = (x.select(&order), y.select(&order));
        let mut loss_sum = 0.0;
        for first in (0..n).step_by(batch) {
            let rows = batch.min(n - first);
            let xb = xs
                .slice(first, first + rows)
                .to_tensor(&device)
                .reshape([rows, steps * features]);
            let yb = ys.slice(first, first + rows).to_tensor(&device); // [rows, 1, classes]
            let logits = model.forward(xb).unsqueeze_dim::<3>(1); // [rows, 1, classes]
            let loss = Loss::FromLogits.forward(logits, yb);
            loss_sum += crate::train::scalar(loss.clone().without_autodiff()) * rows as f32;
            let grads = loss.backward();
            model = adam.step(model, &grads);
        }
        history.loss.push(loss_sum / n as f32);
    }
    let train_seconds = start.elapsed().as_secs_f64();
    let [m, _, _] = eval.0.shape();
    let logits = burn::module::Module::valid(&model).forward(
        eval.0
            .to_tensor(&device)
            .without_autodiff()
            .reshape([m, steps * features]),
    );
    let predicted = labels(&Array3::from_tensor(logits.unsqueeze_dim::<3>(1)));
    let names = (0..classes).map(|c| c.to_string()).collect();
    let confusion = Confusion::new(&labels(&eval.1), &predicted, names)?;
    if history.loss.last().is_some_and(|l| !l.is_finite()) {
        return Err(Error::invalid(
            "baseline",
            format!("the MLP on {experiment} diverged"),
        ));
    }
    Ok(Outcome {
        epochs,
        accuracy: confusion.accuracy,
        evaluation: format!(
            "{evaluation}; Dense({units}, relu) -> Dense({classes}), {epochs} epochs, batch {batch}"
        ),
        history,
        train_seconds,
        printout: Vec::new(),
        confusion: Some(confusion),
    })
}

/// Keras's `Sequential([Dense(units, activation="relu"), Dense(classes, activation="softmax")])`,
/// to the logits.
#[derive(Module, Debug)]
struct Mlp {
    hidden: Dense,
    output: Dense,
}

impl Mlp {
    /// - x: `[batch, inputs]`
    /// - returns logits `[batch, classes]`
    fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        self.output.forward(relu(self.hidden.forward(x)))
    }
}

/// `[samples, steps, features]` as `[samples, steps * features]`, in f64 for linfa.
fn flatten(x: &Array3) -> Result<Array2<f64>> {
    let [n, steps, features] = x.shape();
    let data = x.as_slice().iter().map(|&v| f64::from(v)).collect();
    Array2::from_shape_vec((n, steps * features), data)
        .map_err(|e| Error::invalid("baseline", format!("flattening the window: {e}")))
}
