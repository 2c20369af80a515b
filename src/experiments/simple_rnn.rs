//! Keras's `SimpleRNN`, trained on tutorial 001's task beside the LSTM, for the exercise
//! `vanilla-index-rnn`: does a plain tanh RNN learn the value at index 2 where the LSTM does
//! not?
//!
//! The layer is one line, `h_t = tanh(x_t W + h_{t-1} U + b)`, initialised as Keras initialises
//! it (Glorot-uniform `W`, orthogonal `U`, zero `b`), and its last `h` is read by a `Dense`
//! softmax head, as the tutorial's LSTM is. It is trained as `vanilla-index-reach` trains the
//! LSTM: one step of Keras's Adam per batch of fresh examples, the gradient from Burn's autodiff
//! (the fused training step is the LSTM's alone).

use crate::ChaCha12Rng;
use crate::array::Array3;
use crate::config::Checked;
use crate::error::{Error, Result};
use crate::init;
use crate::layers::{Dense, matmul};
use crate::metrics::accuracy_percent;
use crate::models::Loss;
use crate::optim::KerasAdamConfig;
use crate::train::History;
use crate::tutorials::vanilla_index::VanillaIndexConfig;
use crate::tutorials::{Outcome, labels};
use burn::module::{Module, Param};
use burn::tensor::activation::tanh;
use burn::tensor::{Device, Tensor, TensorData};
use rand::SeedableRng;
use std::time::Instant;

/// `SimpleRNN(units)` then `Dense(classes, softmax)`, many-to-one.
#[derive(Module, Debug)]
struct SimpleRnn {
    /// `W`, `[features, units]`.
    kernel: Param<Tensor<2>>,
    /// `U`, `[units, units]`.
    recurrent_kernel: Param<Tensor<2>>,
    /// `b`, `[units]`.
    bias: Param<Tensor<1>>,
    /// The softmax layer on the last hidden state.
    head: Dense,
}

impl SimpleRnn {
    /// Keras's initialisers, drawn in Keras's order: the RNN's kernel, its recurrent kernel,
    /// then the head.
    fn init(
        rng: &mut ChaCha12Rng,
        features: usize,
        units: usize,
        classes: usize,
        device: &Device,
    ) -> Result<Self> {
        let matrix =
            |values: Vec<f32>, shape: [usize; 2]| Param::from_data(TensorData::new(values, shape), device);
        let kernel = matrix(init::glorot_uniform(rng, features, units), [features, units]);
        let recurrent_kernel = matrix(init::orthogonal(rng, units, units), [units, units]);
        let bias = Param::from_data(TensorData::new(vec![0.0f32; units], [units]), device);
        let head = Dense::init(rng, units, classes, device)?;
        Ok(Self {
            kernel,
            recurrent_kernel,
            bias,
            head,
        })
    }

    /// - x: `[batch, steps, features]`
    /// - returns the logits `[batch, 1, classes]`
    fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        let [n, steps, features] = x.dims();
        let units = self.bias.dims()[0];
        // Every step's x_t W + b in one product: [n * steps, features] -> [n, steps, units]
        // (`matmul` keeps every sum of it and of its backward within the host-independent chunk;
        // the recurrent product and the head's are small enough already).
        let xw = matmul(x.reshape([n * steps, features]), self.kernel.val()).reshape([n, steps, units])
            + self.bias.val().reshape([1, 1, units]);
        let mut h = Tensor::<2>::zeros([n, units], &xw.device());
        for t in 0..steps {
            let x_t = xw.clone().narrow(1, t, 1).reshape([n, units]); // [n, units]
            h = tanh(x_t + h.matmul(self.recurrent_kernel.val()));
        }
        self.head.forward(h).unsqueeze_dim::<3>(1)
    }
}

/// Trains a `SimpleRNN(config.units)` and a `Dense(config.n_features)` head on `config`'s task
/// with `seed`: `config.fits` Adam steps (Keras's defaults), each on `config.examples_per_fit`
/// fresh examples, then scores `config.eval_examples` new ones. `device` is the plain
/// (non-autodiff) device. The history holds each step's loss and training accuracy.
pub(crate) fn train(config: &Checked<VanillaIndexConfig>, seed: u64, device: &Device) -> Result<Outcome> {
    let mut rng = ChaCha12Rng::seed_from_u64(seed);
    let device = device.clone().autodiff();
    let (features, units) = (config.n_features, config.units);
    let mut model = SimpleRnn::init(&mut rng, features, units, features, &device)?;
    let mut adam = KerasAdamConfig::default().init()?;
    let mut history = History::default();
    let start = Instant::now();
    for _ in 0..config.fits {
        let (x, y) = config.generate_batch(&mut rng, config.examples_per_fit)?;
        let logits = model.forward(x.to_tensor(&device)); // [batch, 1, classes]
        let predicted = labels(&Array3::from_tensor(logits.clone().without_autodiff()));
        let loss = Loss::FromLogits.forward(logits, y.to_tensor(&device));
        history
            .loss
            .push(crate::train::scalar(loss.clone().without_autodiff()));
        history
            .accuracy
            .push(accuracy_percent(&labels(&y), &predicted)? as f32 / 100.0);
        model = adam.step(model, &loss.backward());
    }
    let train_seconds = start.elapsed().as_secs_f64();
    if history.loss.last().is_some_and(|l| !l.is_finite()) {
        return Err(Error::invalid(
            "SimpleRNN",
            format!("training diverged on seed {seed}"),
        ));
    }
    let (x, y) = config.generate_batch(&mut rng, config.eval_examples)?;
    let logits = model.valid().forward(x.to_tensor(&device).without_autodiff());
    let accuracy = accuracy_percent(&labels(&y), &labels(&Array3::from_tensor(logits)))?;
    Ok(Outcome {
        epochs: config.fits,
        accuracy,
        evaluation: format!(
            "exact-match accuracy over {} new examples, after {} examples",
            config.eval_examples,
            config.fits * config.examples_per_fit
        ),
        history,
        train_seconds,
        printout: Vec::new(),
        confusion: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tensor forward against the recurrence written out in plain loops, on the layer's own
    /// weights: `h_t = tanh(x_t W + h_{t-1} U + b)`, then the head.
    #[test]
    fn forward_is_the_recurrence() {
        let device = Device::default();
        let (n, steps, features, units, classes) = (2, 4, 3, 5, 3);
        let model = SimpleRnn::init(
            &mut ChaCha12Rng::seed_from_u64(7),
            features,
            units,
            classes,
            &device,
        )
        .unwrap();
        let x: Vec<f32> = (0..n * steps * features)
            .map(|i| ((i * 7 % 11) as f32 - 5.0) / 5.0)
            .collect();
        let logits = model.forward(Tensor::from_data(
            TensorData::new(x.clone(), [n, steps, features]),
            &device,
        ));
        let got = logits.into_data().try_to_vec::<f32>().unwrap();
        let values = |p: &Param<Tensor<2>>| p.val().into_data().try_to_vec::<f32>().unwrap();
        let (w, u) = (values(&model.kernel), values(&model.recurrent_kernel));
        let (hw, hb) = (
            values(&model.head.kernel),
            model.head.bias.val().into_data().try_to_vec::<f32>().unwrap(),
        );
        // An orthogonal U and a non-zero bias would hide nothing here; b starts at zero.
        assert!(
            model
                .bias
                .val()
                .into_data()
                .try_to_vec::<f32>()
                .unwrap()
                .iter()
                .all(|&b| b == 0.0)
        );
        for s in 0..n {
            let mut h = vec![0.0f32; units];
            for t in 0..steps {
                let x_t = &x[(s * steps + t) * features..][..features];
                h = (0..units)
                    .map(|j| {
                        let xw: f32 = (0..features).map(|k| x_t[k] * w[k * units + j]).sum();
                        let hu: f32 = (0..units).map(|k| h[k] * u[k * units + j]).sum();
                        (xw + hu).tanh()
                    })
                    .collect();
            }
            for c in 0..classes {
                let want = hb[c] + (0..units).map(|k| h[k] * hw[k * classes + c]).sum::<f32>();
                let have = got[s * classes + c];
                assert!(
                    (want - have).abs() < 1e-5,
                    "sample {s} class {c}: {have} against {want}"
                );
            }
        }
    }
}
