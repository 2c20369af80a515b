//! Parity with real Keras 3 (TensorFlow backend), from the fixtures that
//! tools/keras_fixtures.py wrote to datasets/keras/.
//!
//! Every check runs on the CPU backend and, in a build with `--features wgpu`, again on the wgpu
//! device (a GPU, or a software Vulkan device such as Mesa's llvmpipe in CI).
//!
//! Tolerances (absolute, f32). CPU: outputs, states, gradients and weights after 1 and 3 Adam
//! steps 1e-5, loss 1e-6. wgpu: 10x looser (1e-4, loss 1e-5): GPU kernels sum in another order
//! and use their own `exp`/`tanh`, and those rounding differences are what the margin covers.

mod common;

use burn::tensor::{Device, Tensor};
use common::*;
use lstm_lab::ChaCha12Rng;
use lstm_lab::config::ParamGuard;
use lstm_lab::layers::LstmState;
use lstm_lab::train::{FitConfig, Learner};
use rand::SeedableRng;

const FIXTURES: [&str; 6] = [
    "many_to_one",
    "seq2seq",
    "stateful",
    "encoder_decoder",
    "masked",
    "regression",
];

/// Absolute tolerances of one device.
#[derive(Clone, Copy)]
struct Tol {
    /// Outputs, states, gradients, weights.
    value: f32,
    /// Losses.
    loss: f32,
}

const CPU: Tol = Tol {
    value: 1e-5,
    loss: 1e-6,
};

#[cfg(feature = "wgpu")]
const WGPU: Tol = Tol {
    value: 1e-4,
    loss: 1e-5,
};

/// `#[test] fn name()` on the CPU and, with the `wgpu` feature, `name_on_wgpu()`.
macro_rules! on_each_device {
    ($($name:ident => $check:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                $check(&Device::flex().autodiff(), CPU);
            }
        )*
        #[cfg(feature = "wgpu")]
        mod on_wgpu {
            use super::*;
            fn wgpu() -> Device {
                lstm_lab::device::from_name("wgpu").expect("a wgpu adapter").autodiff()
            }
            $(
                #[test]
                fn $name() {
                    $check(&wgpu(), WGPU);
                }
            )*
        }
    };
}

on_each_device! {
    outputs_match_keras => check_outputs,
    lstm_sequences_and_final_states_match_keras => check_sequences_and_states,
    loss_and_gradients_match_keras => check_loss_and_gradients,
    adam_steps_match_keras => check_adam_steps,
    stateful_carry_matches_keras => check_stateful_carry,
}

fn check_outputs(device: &Device, tol: Tol) {
    for name in FIXTURES {
        let fx = fixture(name);
        let model = load_model(&fx, device);
        let (logits, _) = model.forward(array3(&fx["x"]).to_tensor(device), None);
        assert_close(
            &format!("{name} output"),
            &to_vec(model.output_values(logits)),
            &values(&fx["output"]),
            tol.value,
        );
    }
}

fn check_sequences_and_states(device: &Device, tol: Tol) {
    for name in ["many_to_one", "seq2seq", "masked", "regression"] {
        let fx = fixture(name);
        let model = load_model(&fx, device);
        let x = array3(&fx["x"]).to_tensor(device);
        let (seq, state) = match model.step_mask(&x) {
            Some(mask) => model.encoder().forward_masked(x.clone(), mask, None),
            None => model.encoder().forward(x.clone(), None),
        };
        let want = &fx["lstm"];
        assert_close(
            &format!("{name} sequence"),
            &to_vec(seq),
            &values(&want["sequence"]),
            tol.value,
        );
        assert_close(
            &format!("{name} h"),
            &to_vec(state.h),
            &values(&want["h"]),
            tol.value,
        );
        assert_close(
            &format!("{name} c"),
            &to_vec(state.c),
            &values(&want["c"]),
            tol.value,
        );
    }
    // State in: a given initial (h, c).
    let fx = fixture("many_to_one");
    let model = load_model(&fx, device);
    let (h0, hs) = flat(&fx["initial_h"]);
    let (c0, _) = flat(&fx["initial_c"]);
    let shape = [hs[0], hs[1]];
    let state = LstmState {
        h: Tensor::from_data(burn::tensor::TensorData::new(h0, shape), device),
        c: Tensor::from_data(burn::tensor::TensorData::new(c0, shape), device),
    };
    let (seq, out) = model
        .encoder()
        .forward(array3(&fx["x"]).to_tensor(device), Some(state));
    let want = &fx["lstm_from_state"];
    assert_close(
        "sequence from a given state",
        &to_vec(seq),
        &values(&want["sequence"]),
        tol.value,
    );
    assert_close(
        "h from a given state",
        &to_vec(out.h),
        &values(&want["h"]),
        tol.value,
    );
    assert_close(
        "c from a given state",
        &to_vec(out.c),
        &values(&want["c"]),
        tol.value,
    );
}

fn check_loss_and_gradients(device: &Device, tol: Tol) {
    for name in FIXTURES {
        let fx = fixture(name);
        let model = load_model(&fx, device);
        let x = array3(&fx["x"]).to_tensor(device);
        let y = array3(&fx["y"]).to_tensor(device);
        let mask = model.output_mask(&x);
        let (logits, _) = model.forward(x, None);
        let loss = model.loss_kind().forward_masked(logits, y, mask);
        let value = to_vec(loss.clone())[0];
        let keras_loss = fx["loss"].as_f64().unwrap() as f32;
        assert!(
            (value - keras_loss).abs() <= tol.loss,
            "{name} loss: ours {value}, keras {keras_loss}"
        );
        let grads = loss.backward();
        let mut ours = Vec::new();
        for l in model.lstm_layers() {
            ours.push(to_vec(l.kernel.val().grad(&grads).unwrap()));
            ours.push(to_vec(l.recurrent_kernel.val().grad(&grads).unwrap()));
            ours.push(to_vec(l.bias.val().grad(&grads).unwrap()));
        }
        ours.push(to_vec(model.head().kernel.val().grad(&grads).unwrap()));
        ours.push(to_vec(model.head().bias.val().grad(&grads).unwrap()));
        let keras: Vec<Vec<f32>> = fx["grads"].as_array().unwrap().iter().map(values).collect();
        assert_all_close(&format!("{name} gradient of weight"), &ours, &keras, tol.value);
    }
}

/// `train_on_batch` three times: stateless fixtures repeat one batch, the stateful one runs
/// three consecutive batches with the state carried.
fn check_adam_steps(device: &Device, tol: Tol) {
    check_adam_steps_through(device, tol, false);
}

/// The same three steps through `fit`'s fused CPU step, where it applies (the many-to-one,
/// seq2seq, stateful and encoder-decoder fixtures; the others take the reference step).
#[test]
fn adam_steps_match_keras_through_the_fused_step() {
    check_adam_steps_through(&Device::flex().autodiff(), CPU, true);
}

fn check_adam_steps_through(device: &Device, tol: Tol, fused: bool) {
    for name in FIXTURES {
        let fx = fixture(name);
        let stateful = name == "stateful";
        let mut learner = Learner::new(load_model(&fx, device), stateful).unwrap();
        let xs: Vec<_> = fx["train_x"].as_array().unwrap().iter().map(array3).collect();
        let ys: Vec<_> = fx["train_y"].as_array().unwrap().iter().map(array3).collect();
        let keras_losses: Vec<f32> = values(&fx["train_losses"]);
        let mut rng = ChaCha12Rng::seed_from_u64(0);
        for step in 0..3 {
            let config = FitConfig::new(1, xs[step].len())
                .with_shuffle(false)
                .with_fused_step(fused)
                .check()
                .unwrap();
            let history = learner.fit(&xs[step], &ys[step], &config, &mut rng).unwrap();
            // The fused step takes one LSTM layer or an encoder-decoder and a softmax head,
            // unmasked.
            let takes_it = ["many_to_one", "seq2seq", "stateful", "encoder_decoder"].contains(&name);
            assert_eq!(learner.uses_fused_step(), fused && takes_it, "{name}: fused step");
            let d = (history.loss[0] - keras_losses[step]).abs();
            assert!(
                d <= tol.loss,
                "{name} loss of step {}: ours {}, keras {}",
                step + 1,
                history.loss[0],
                keras_losses[step]
            );
            let key = match step {
                0 => "weights_after_1",
                2 => "weights_after_3",
                _ => continue,
            };
            let keras = weight_list(&fx[key]);
            let ours = model_weights(learner.model());
            assert_all_close(&format!("{name} {key} weight"), &ours, &keras, tol.value);
        }
        assert_eq!(learner.optimizer().iterations(), 3);
    }
}

/// Keras's `predict_on_batch` over three batches of a stateful model, state carried.
fn check_stateful_carry(device: &Device, tol: Tol) {
    let fx = fixture("stateful");
    let mut learner = Learner::new(load_model(&fx, device), true).unwrap();
    let batches = fx["train_x"].as_array().unwrap().len();
    assert_eq!(batches, fx["carried_outputs"].as_array().unwrap().len());
    for (i, (x, want)) in fx["train_x"]
        .as_array()
        .unwrap()
        .iter()
        .zip(fx["carried_outputs"].as_array().unwrap())
        .enumerate()
    {
        let x = array3(x);
        let got = learner.predict(&x, x.len()).unwrap();
        assert_close(
            &format!("stateful batch {i}"),
            got.as_slice(),
            &values(want),
            tol.value,
        );
    }
    let state = &learner.state().expect("a carried state")[0];
    assert_close(
        "carried h",
        &to_vec(state.h.clone()),
        &values(&fx["carried_final_h"]),
        tol.value,
    );
    assert_close(
        "carried c",
        &to_vec(state.c.clone()),
        &values(&fx["carried_final_c"]),
        tol.value,
    );
    // After a reset the first batch gives its first output again.
    learner.reset_states();
    let x0 = array3(&fx["train_x"][0]);
    let again = learner.predict(&x0, x0.len()).unwrap();
    assert_close(
        "after reset",
        again.as_slice(),
        &values(&fx["carried_outputs"][0]),
        tol.value,
    );
}
