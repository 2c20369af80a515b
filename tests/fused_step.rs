//! The fused CPU training step against the reference step (Burn's autodiff through the same
//! model): the same fit through both paths, from the same weights and data, on the tutorials'
//! shapes and on random ones, compared after about 50 steps.
//!
//! The two sum the head's products and the softmax in different orders, so their bits differ;
//! what is asserted is that every weight, every epoch's loss and accuracy, Adam's step count and
//! the carried state agree to within `TOLERANCE`.

use burn::tensor::{Device, Tensor};
use lstm_lab::prelude::*;
use rand::RngExt;

/// The largest difference allowed between the two paths' weights after the fit, and between their
/// per-epoch losses: about 7 times the largest measured (1.4e-6, echo-partial's encoder-decoder over
/// 50 steps; 9.5e-7 over 15 fits of randint-echo's model). On accuracies,
/// which move in steps of one row, it asks for equality.
const TOLERANCE: f32 = 1e-5;

/// One case: a model, its data, and how it is fitted.
struct Case {
    name: String,
    config: ModelConfig,
    stateful: bool,
    samples: usize,
    fit: FitConfig,
}

/// `n` samples of one-hot rows (or, with one feature, values in [0, 1)) and one-hot targets.
fn data(rng: &mut ChaCha12Rng, n: usize, config: &ModelConfig) -> (Array3, Array3) {
    let (steps, features, classes) = (config.steps(), config.features(), config.classes());
    let mut x = vec![0.0f32; n * steps * features];
    for row in x.chunks_mut(features) {
        if features == 1 {
            row[0] = rng.random::<f32>();
        } else {
            row[rng.random_range(0..features)] = 1.0;
        }
    }
    let out_steps = match config.topology() {
        Topology::Seq2Seq => steps,
        Topology::EncoderDecoder { out_steps } => out_steps,
        _ => 1,
    };
    let mut y = vec![0.0f32; n * out_steps * classes];
    for row in y.chunks_mut(classes) {
        row[rng.random_range(0..classes)] = 1.0;
    }
    (
        Array3::new(x, [n, steps, features]).unwrap(),
        Array3::new(y, [n, out_steps, classes]).unwrap(),
    )
}

/// Every parameter's values: each LSTM layer's three, then the head's two.
fn weights(learner: &Learner) -> Vec<Vec<f32>> {
    let read = |t: Tensor<2>| t.into_data().try_to_vec::<f32>().unwrap();
    let read1 = |t: Tensor<1>| t.into_data().try_to_vec::<f32>().unwrap();
    let mut all = Vec::new();
    for lstm in learner.model().lstm_layers() {
        all.push(read(lstm.kernel.val()));
        all.push(read(lstm.recurrent_kernel.val()));
        all.push(read1(lstm.bias.val()));
    }
    let head = learner.model().head();
    all.push(read(head.kernel.val()));
    all.push(read1(head.bias.val()));
    all
}

/// Fits `case` through the fused step or the reference one; returns the learner and history.
fn fit(case: &Case, fused: bool) -> (Learner, History) {
    let device = Device::flex().autodiff();
    let mut rng = ChaCha12Rng::seed_from_u64(7);
    let model = case.config.init(&mut rng, &device).unwrap();
    let (x, y) = data(&mut rng, case.samples, &case.config);
    let mut learner = Learner::new(model, case.stateful).unwrap();
    let config = case.fit.clone().with_fused_step(fused).check().unwrap();
    let history = learner.fit(&x, &y, &config, &mut rng).unwrap();
    // Without this, a fit that fell back to the reference step would compare it with itself.
    assert_eq!(
        learner.uses_fused_step(),
        fused,
        "{}: the fused step did not run",
        case.name
    );
    (learner, history)
}

fn largest_difference(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    // A NaN on either side is an infinite difference, so that no comparison passes it.
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .map(|d| if d.is_nan() { f32::INFINITY } else { d })
        .fold(0.0, f32::max)
}

fn check(case: &Case) {
    let (fused, fused_history) = fit(case, true);
    let (reference, history) = fit(case, false);
    assert_eq!(
        fused.optimizer().iterations(),
        reference.optimizer().iterations(),
        "{}",
        case.name
    );
    let mut worst = 0.0f32;
    for (a, b) in weights(&fused).iter().zip(&weights(&reference)) {
        worst = worst.max(largest_difference(a, b));
    }
    let loss = largest_difference(&fused_history.loss, &history.loss);
    let accuracy = largest_difference(&fused_history.accuracy, &history.accuracy);
    let val = largest_difference(&fused_history.val_loss, &history.val_loss);
    let val_accuracy = largest_difference(&fused_history.val_accuracy, &history.val_accuracy);
    println!(
        "{}: {} steps; largest differences: weights {worst:.1e}, loss {loss:.1e}, accuracy {accuracy:.1e}, validation loss {val:.1e}, validation accuracy {val_accuracy:.1e}",
        case.name,
        reference.optimizer().iterations()
    );
    assert!(worst <= TOLERANCE, "{}: weights differ by {worst}", case.name);
    assert!(loss <= TOLERANCE, "{}: epoch losses differ by {loss}", case.name);
    assert!(
        accuracy <= TOLERANCE,
        "{}: epoch accuracies differ by {accuracy}",
        case.name
    );
    assert!(
        val <= TOLERANCE,
        "{}: validation losses differ by {val}",
        case.name
    );
    assert!(
        val_accuracy <= TOLERANCE,
        "{}: validation accuracies differ by {val_accuracy}",
        case.name
    );
    assert_eq!(fused_history.val_loss.len(), history.val_loss.len());
    if case.stateful {
        let state = |l: &Learner| {
            let layers = l.state().expect("a carried state");
            assert_eq!(layers.len(), l.model().lstm_layers().count());
            let read = |t: &Tensor<2>| t.clone().into_data().try_to_vec::<f32>().unwrap();
            layers
                .iter()
                .flat_map(|s| [read(&s.h), read(&s.c)])
                .collect::<Vec<_>>()
                .concat()
        };
        let d = largest_difference(&state(&fused), &state(&reference));
        assert!(d <= TOLERANCE, "{}: carried states differ by {d}", case.name);
    }
}

#[test]
fn the_fused_step_trains_as_the_reference_step_on_the_tutorials_shapes() {
    let cases = [
        Case {
            name: "alphabet-2step's model, batch 1".into(),
            config: ModelConfig::new(2, 1, 32, 26, Topology::ManyToOne).unwrap(),
            stateful: false,
            samples: 24,
            fit: FitConfig::new(2, 1),
        },
        Case {
            name: "echo-whole's model, batch 7, stateful".into(),
            config: ModelConfig::new(5, 100, 20, 100, Topology::Seq2Seq).unwrap(),
            stateful: true,
            samples: 21,
            fit: FitConfig::new(17, 7).with_shuffle(false),
        },
        Case {
            name: "vanilla-second's model, batch 32, validation split 0.2".into(),
            config: ModelConfig::new(10, 5, 25, 5, Topology::ManyToOne).unwrap(),
            stateful: false,
            samples: 250,
            fit: FitConfig::new(8, 32).with_validation_split(0.2),
        },
        Case {
            name: "randint-echo's model, batch 5, stateful".into(),
            config: ModelConfig::new(5, 100, 50, 100, Topology::ManyToOne).unwrap(),
            stateful: true,
            samples: 20,
            fit: FitConfig::new(12, 5).with_shuffle(false),
        },
        Case {
            name: "echo-partial's encoder-decoder, batch 21, shuffled".into(),
            config: ModelConfig::new(5, 100, 150, 100, Topology::EncoderDecoder { out_steps: 2 }).unwrap(),
            stateful: false,
            samples: 42,
            fit: FitConfig::new(25, 21),
        },
    ];
    for case in &cases {
        check(case);
    }
}

#[test]
fn the_fused_step_trains_as_the_reference_step_on_random_shapes() {
    let mut rng = ChaCha12Rng::seed_from_u64(2026);
    for i in 0..12 {
        let steps = rng.random_range(1..=12);
        let features = rng.random_range(1..=20);
        let units = rng.random_range(1..=40);
        let classes = rng.random_range(2..=30);
        let batch: usize = rng.random_range(1..=9);
        let samples = rng.random_range(batch..=4 * batch + 3);
        let stateful = rng.random_bool(0.5);
        let topology = match rng.random_range(0..3) {
            0 => Topology::Seq2Seq,
            1 => Topology::ManyToOne,
            _ => Topology::EncoderDecoder {
                out_steps: rng.random_range(1..=4),
            },
        };
        // A stateful model keeps its batch: the samples are a whole number of batches.
        let samples = if stateful {
            samples / batch * batch
        } else {
            samples
        };
        let epochs = 50usize.div_ceil(samples.div_ceil(batch));
        let case = Case {
            name: format!(
                "random {i}: {topology:?} [{steps}, {features}] -> LSTM({units}) -> {classes}, batch {batch}, {samples} samples{}",
                if stateful { ", stateful" } else { "" }
            ),
            config: ModelConfig::new(steps, features, units, classes, topology).unwrap(),
            stateful,
            samples,
            fit: FitConfig::new(epochs, batch).with_shuffle(!stateful),
        };
        check(&case);
    }
}

/// The fresh-data tutorials' loop: one-epoch fits on new data, the state reset after each, and
/// an evaluation every fifth fit; the fused step's buffers are kept from one fit to the next.
/// Returns the weights, every loss, and Adam's step count.
fn many_fits(
    config: &ModelConfig,
    (fits, samples, batch): (usize, usize, usize),
    fused: bool,
) -> (Vec<Vec<f32>>, Vec<f32>, u64) {
    let device = Device::flex().autodiff();
    let mut rng = ChaCha12Rng::seed_from_u64(3);
    let model = config.init(&mut rng, &device).unwrap();
    let mut learner = Learner::new(model, true).unwrap();
    let fit = FitConfig::new(1, batch)
        .with_shuffle(false)
        .with_fused_step(fused)
        .check()
        .unwrap();
    let mut losses = Vec::new();
    for k in 0..fits {
        let (x, y) = data(&mut rng, samples, config);
        losses.extend(learner.fit(&x, &y, &fit, &mut rng).unwrap().loss);
        assert_eq!(learner.uses_fused_step(), fused);
        learner.reset_states();
        if k % 5 == 4 {
            losses.push(learner.evaluate(&x, &y, batch).unwrap().loss);
            learner.reset_states();
        }
    }
    (weights(&learner), losses, learner.optimizer().iterations())
}

#[test]
fn the_fused_step_trains_as_the_reference_step_over_many_fits() {
    let models = [
        (
            "randint-echo's model",
            ModelConfig::new(5, 100, 50, 100, Topology::ManyToOne).unwrap(),
            (15, 20, 5),
        ),
        (
            "echo-partial's encoder-decoder",
            ModelConfig::new(5, 100, 150, 100, Topology::EncoderDecoder { out_steps: 2 }).unwrap(),
            (50, 21, 21),
        ),
    ];
    for (name, config, sizes) in &models {
        let (fused_weights, fused_losses, fused_steps) = many_fits(config, *sizes, true);
        let (weights, losses, steps) = many_fits(config, *sizes, false);
        assert_eq!(fused_steps, steps);
        let mut worst = largest_difference(&fused_losses, &losses);
        for (a, b) in fused_weights.iter().zip(&weights) {
            worst = worst.max(largest_difference(a, b));
        }
        println!(
            "{} fits of {name}, {steps} steps: largest difference {worst:.1e}",
            sizes.0
        );
        assert!(worst <= TOLERANCE, "{name}: the fits differ by {worst}");
    }
}

/// A fit through the fused step, then one through the reference step: the second takes Adam's
/// moments from the kept fused step (`Learner::release_fused`), so both fits together train as
/// two reference fits do. With the moments left behind (zeros after a first fit), Adam's second
/// fit would move every weight by about the learning rate instead.
#[test]
fn a_reference_fit_after_a_fused_one_continues_its_adam() {
    let config = ModelConfig::new(5, 100, 20, 100, Topology::Seq2Seq).unwrap();
    let run = |first_fused: bool| {
        let device = Device::flex().autodiff();
        let mut rng = ChaCha12Rng::seed_from_u64(11);
        let model = config.init(&mut rng, &device).unwrap();
        let (x, y) = data(&mut rng, 21, &config);
        let mut learner = Learner::new(model, false).unwrap();
        let mut losses = Vec::new();
        for fused in [first_fused, false] {
            let fit = FitConfig::new(10, 7)
                .with_shuffle(false)
                .with_fused_step(fused)
                .check()
                .unwrap();
            losses.extend(learner.fit(&x, &y, &fit, &mut rng).unwrap().loss);
            assert_eq!(learner.uses_fused_step(), fused);
        }
        (weights(&learner), losses, learner.optimizer().iterations())
    };
    let (fused_weights, fused_losses, fused_steps) = run(true);
    let (weights, losses, steps) = run(false);
    assert_eq!((fused_steps, steps), (60, 60));
    let mut worst = largest_difference(&fused_losses, &losses);
    for (a, b) in fused_weights.iter().zip(&weights) {
        worst = worst.max(largest_difference(a, b));
    }
    println!("a fused fit then a reference fit against two reference fits: largest difference {worst:.1e}");
    assert!(worst <= TOLERANCE, "the fits differ by {worst}");
}
