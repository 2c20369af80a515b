//! Bad input gets an `Err` whose message names the problem.

use burn::module::Module;
use burn::tensor::Device;
use lstm_lab::ChaCha12Rng;
use lstm_lab::Error;
use lstm_lab::array::Array3;
use lstm_lab::config::ParamGuard;
use lstm_lab::data::{alphabet_windows, generate_sequence, one_hot_encode};
use lstm_lab::framing::{lag_echo, to_supervised};
use lstm_lab::models::{ModelConfig, Topology};
use lstm_lab::train::{FitConfig, Learner};
use rand::SeedableRng;

fn message<T: std::fmt::Debug>(r: Result<T, Error>) -> String {
    r.expect_err("expected an error").to_string()
}

#[test]
fn one_hot_rejects_out_of_range_and_empty() {
    let m = message(one_hot_encode(&[3, 100], 100));
    assert!(m.contains("value 100") && m.contains("0..100"), "{m}");
    assert!(message(one_hot_encode(&[], 10)).contains("empty"));
    assert!(message(generate_sequence(&mut ChaCha12Rng::seed_from_u64(0), 5, 0)).contains("n_unique"));
}

#[test]
fn to_supervised_rejects_bad_windows() {
    let encoded = one_hot_encode(&[1, 2, 3, 4], 10).unwrap();
    let m = message(to_supervised(&encoded, 3, 4));
    assert!(m.contains("n_out") && m.contains("n_in (3)"), "{m}");
    assert!(message(to_supervised(&encoded, 0, 0)).contains("n_in"));
    let m = message(to_supervised(&encoded, 5, 1));
    assert!(
        m.contains("too short") && m.contains("length 4") && m.contains("window of 5"),
        "{m}"
    );
    let empty: Vec<Vec<f32>> = Vec::new();
    assert!(message(to_supervised(&empty, 2, 1)).contains("empty"));
    let ragged = vec![vec![1.0, 0.0], vec![1.0]];
    assert!(message(to_supervised(&ragged, 1, 1)).contains("row widths differ"));
}

#[test]
fn lag_echo_rejects_short_sequences() {
    let encoded = one_hot_encode(&[1, 2, 3, 4, 5], 10).unwrap();
    let m = message(lag_echo(&encoded, 5));
    assert!(m.contains("too short"), "{m}");
    assert!(message(lag_echo(&encoded, 1)).contains("n_lags"));
}

#[test]
fn alphabet_rejects_windows_it_cannot_fill() {
    assert!(message(alphabet_windows(0)).contains("seq_length"));
    assert!(message(alphabet_windows(26)).contains("too short"));
}

#[test]
fn models_and_fit_reject_bad_shapes_and_settings() {
    assert!(message(ModelConfig::new(5, 0, 4, 3, Topology::ManyToOne)).contains("features"));
    assert!(
        message(ModelConfig::new(
            5,
            2,
            4,
            3,
            Topology::EncoderDecoder { out_steps: 0 }
        ))
        .contains("out_steps")
    );

    let device = Device::flex().autodiff();
    let mut rng = ChaCha12Rng::seed_from_u64(0);
    let model = ModelConfig::new(3, 4, 5, 6, Topology::ManyToOne)
        .unwrap()
        .init(&mut rng, &device)
        .unwrap();
    let mut learner = Learner::new(model.clone(), true).unwrap();
    let x = Array3::new(vec![0.0; 5 * 3 * 4], [5, 3, 4]).unwrap();
    let y = Array3::new(vec![0.0; 5 * 6], [5, 1, 6]).unwrap();
    let m = message(learner.fit(&x, &y, &FitConfig::new(1, 2).check().unwrap(), &mut rng));
    assert!(m.contains("multiple of the batch size"), "{m}");
    assert!(message(FitConfig::new(0, 5).check()).contains("epochs"));
    assert!(message(FitConfig::new(1, 0).check()).contains("batch_size"));
    let wrong_x = Array3::new(vec![0.0; 5 * 3 * 7], [5, 3, 7]).unwrap();
    assert!(
        message(learner.fit(&wrong_x, &y, &FitConfig::new(1, 5).check().unwrap(), &mut rng))
            .contains("features of X")
    );
    let wrong_y = Array3::new(vec![0.0; 5 * 2], [5, 1, 2]).unwrap();
    assert!(
        message(learner.fit(&x, &wrong_y, &FitConfig::new(1, 5).check().unwrap(), &mut rng))
            .contains("classes of y")
    );
    assert!(message(Array3::new(vec![0.0; 3], [2, 1, 1])).contains("shape mismatch"));

    let m = message(FitConfig::new(1, 5).with_validation_split(1.5).check());
    assert!(m.contains("validation_split"), "{m}");
    assert!(message(Learner::new(model.valid(), false)).contains("autodiff"));
}

/// A small model and data that fit it: `[samples, steps, features]` = `[4, 3, 2]`, 3 classes.
fn small(topology: Topology) -> (lstm_lab::models::LstmModel, Array3, Array3) {
    let device = Device::flex().autodiff();
    let config = ModelConfig::new(3, 2, 4, 3, topology).unwrap();
    let model = config.init(&mut ChaCha12Rng::seed_from_u64(1), &device).unwrap();
    let x = Array3::new((0..24).map(|v| v as f32 / 24.0).collect(), [4, 3, 2]).unwrap();
    let out = config.out_steps();
    let y = Array3::new(
        (0..4 * out * 3).map(|i| (i % 3 == 0) as u8 as f32).collect(),
        [4, out, 3],
    )
    .unwrap();
    (model, x, y)
}

#[test]
fn learner_refuses_targets_of_the_wrong_length_and_inputs_without_steps() {
    let mut rng = ChaCha12Rng::seed_from_u64(0);
    // many-to-one takes one output step; y with 5 used to broadcast into the loss
    let (model, x, _) = small(Topology::ManyToOne);
    let mut learner = Learner::new(model, false).unwrap();
    let y5 = Array3::new(vec![0.0; 4 * 5 * 3], [4, 5, 3]).unwrap();
    let m = message(learner.fit(&x, &y5, &FitConfig::new(1, 2).check().unwrap(), &mut rng));
    assert!(
        m.contains("output steps of y") && m.contains("[1]") && m.contains("[5]"),
        "{m}"
    );
    // a sequence-to-sequence model outputs one step per input step
    let (model, x, _) = small(Topology::Seq2Seq);
    let mut learner = Learner::new(model, false).unwrap();
    let y1 = Array3::new(vec![0.0; 4 * 3], [4, 1, 3]).unwrap();
    let m = message(learner.evaluate(&x, &y1, 2));
    assert!(m.contains("output steps of y") && m.contains("[3]"), "{m}");
    // zero time steps used to panic inside gemm
    let no_steps = Array3::new(Vec::new(), [4, 0, 2]).unwrap();
    let m = message(learner.predict(&no_steps, 2));
    assert!(m.contains("time steps of X") && m.contains("empty"), "{m}");
}

#[test]
fn learner_refuses_nan_and_infinity_and_names_where() {
    let mut rng = ChaCha12Rng::seed_from_u64(0);
    let (model, x, y) = small(Topology::ManyToOne);
    let mut learner = Learner::new(model, false).unwrap();
    let mut values = x.as_slice().to_vec();
    values[2 * 6 + 2 + 1] = f32::NAN; // sample 2 (6 values each), step 1 (2 each), feature 1
    let bad_x = Array3::new(values, [4, 3, 2]).unwrap();
    let m = message(learner.fit(&bad_x, &y, &FitConfig::new(1, 2).check().unwrap(), &mut rng));
    assert!(
        m.contains("input X holds NaN at sample 2, step 1, feature 1"),
        "{m}"
    );
    let m = message(learner.predict(&bad_x, 2));
    assert!(m.contains("NaN at sample 2"), "{m}");
    let mut targets = y.as_slice().to_vec();
    targets[3 * 3 + 2] = f32::INFINITY; // sample 3, step 0, class 2
    let bad_y = Array3::new(targets, [4, 1, 3]).unwrap();
    let m = message(learner.evaluate(&x, &bad_y, 4));
    assert!(
        m.contains("targets y holds inf at sample 3, step 0, class 2"),
        "{m}"
    );
}

#[test]
fn training_stops_at_the_first_batch_whose_loss_is_not_finite() {
    // Finite data, weights made non-finite: the loss of the first batch is NaN.
    let mut rng = ChaCha12Rng::seed_from_u64(0);
    let (model, x, y) = small(Topology::ManyToOne);
    let model = model.with_forget_bias(f32::NAN);
    let mut learner = Learner::new(model, false).unwrap();
    let err = learner
        .fit(&x, &y, &FitConfig::new(3, 2).check().unwrap(), &mut rng)
        .expect_err("NaN weights");
    assert!(
        matches!(err, Error::Diverged { epoch: 1, batch: 1, loss } if loss.is_nan()),
        "{err}"
    );
    assert!(
        err.to_string().contains("loss became NaN at epoch 1, batch 1"),
        "{err}"
    );
}

#[test]
fn a_stateful_model_refuses_a_new_batch_size_until_reset() {
    let mut rng = ChaCha12Rng::seed_from_u64(0);
    let (model, x, y) = small(Topology::ManyToOne);
    let mut learner = Learner::new(model, true).unwrap();
    learner
        .fit(&x, &y, &FitConfig::new(1, 4).check().unwrap(), &mut rng)
        .unwrap();
    let m = message(learner.predict(&x, 2));
    assert!(
        m.contains("carries the state of a batch of 4") && m.contains("reset_states"),
        "{m}"
    );
    learner.reset_states();
    assert_eq!(learner.predict(&x, 2).unwrap().shape(), [4, 1, 3]);
}

#[test]
fn a_head_with_nothing_to_learn_is_refused() {
    use lstm_lab::models::Output;
    let device = Device::flex().autodiff();
    let mut rng = ChaCha12Rng::seed_from_u64(0);
    let one_class = ModelConfig::new(3, 2, 4, 1, Topology::ManyToOne).unwrap();
    assert!(message(one_class.init(&mut rng, &device)).contains("at least 2 classes"));
    assert!(message(one_class.with_output(Output::Linear { levels: 1 })).contains("levels"));
    let (model, _, _) = small(Topology::ManyToOne);
    assert!(message(model.with_output(Output::Linear { levels: 0 })).contains("at least 2 levels"));
}

#[test]
fn echo_extensions_reject_settings_keras_cannot_run() {
    use lstm_lab::tutorials::echo::EchoConfig;
    let m = message(EchoConfig::partial().with_masked(true).check());
    assert!(m.contains("masked") && m.contains("n_out 2 of n_in 5"), "{m}");
}

/// Every tutorial config is checked before it can run: each broken rule is refused by `check`
/// with the field's name, and `Tutorial::run` checks too, so an unchecked config never trains.
#[test]
fn tutorial_configs_are_checked_before_they_run() {
    use lstm_lab::optim::KerasAdamConfig;
    use lstm_lab::tutorials::alphabet::{AlphabetConfig, AlphabetStatefulConfig, Window};
    use lstm_lab::tutorials::randint_echo::RandintEchoConfig;
    use lstm_lab::tutorials::vanilla_index::VanillaIndexConfig;
    use lstm_lab::tutorials::vanilla_second::VanillaSecondConfig;
    use lstm_lab::tutorials::{RunOptions, Tutorial};
    let cases = [
        (
            message(VanillaIndexConfig::default().with_out_index(50).check()),
            "invalid out_index: 50 is past the sequence length 50",
        ),
        (
            message(VanillaIndexConfig::default().with_units(0).check()),
            "invalid units: must be at least 1",
        ),
        (
            message(VanillaSecondConfig::default().with_validation_split(1.0).check()),
            "invalid validation_split: must be in [0, 1), got 1",
        ),
        (
            message(VanillaSecondConfig::default().with_n_samples(0).check()),
            "invalid n_samples: must be at least 1",
        ),
        (
            message(
                AlphabetConfig::two_step()
                    .with_window(Window::Features(26))
                    .check(),
            ),
            "invalid window: 26 letters: a window needs 1 to 25 letters",
        ),
        (
            message(AlphabetConfig::two_step().with_batch_size(0).check()),
            "invalid batch_size: must be at least 1",
        ),
        (
            message(AlphabetStatefulConfig::default().with_start(25).check()),
            "invalid start: 25 is past the last input letter (24)",
        ),
        (
            message(RandintEchoConfig::default().with_eval_sequences(0).check()),
            "invalid eval_sequences: must be at least 1",
        ),
        (
            message(RandintEchoConfig::default().with_fits(0).check()),
            "invalid fits: must be at least 1",
        ),
        (
            message(VanillaSecondConfig::default().with_n_steps(1).check()),
            "invalid n_steps: 1: the target is the 2nd element, so a sequence needs at least 2",
        ),
        (
            message(
                lstm_lab::tutorials::echo::EchoConfig::whole()
                    .with_sequences_per_epoch(0)
                    .check(),
            ),
            "invalid sequences_per_epoch: must be at least 1",
        ),
        (
            message(KerasAdamConfig::default().with_learning_rate(f32::NAN).init()),
            "invalid learning_rate: must be positive, got NaN",
        ),
    ];
    for (got, want) in cases {
        assert_eq!(got, want);
    }
    // Through the trait, as the CLI and the exercises run it: refused before any training.
    let unchecked: Box<dyn Tutorial> = Box::new(VanillaIndexConfig::default().with_out_index(50));
    let m = message(unchecked.run(&RunOptions::new(1), &Device::flex()));
    assert!(m.contains("out_index"), "{m}");
}

#[test]
fn the_fused_lstm_checks_every_shape_before_it_computes() {
    use burn::tensor::Tensor;
    use lstm_lab::fused::lstm_sequence;
    let device = Device::flex();
    let (batch, steps, d_input, units) = (2, 3, 4, 5);
    let t2 = |a: usize, b: usize| Tensor::<2>::zeros([a, b], &device);
    let x = |b: usize, s: usize, d: usize| Tensor::<3>::zeros([b, s, d], &device);
    let bias = |n: usize| Tensor::<1>::zeros([n], &device);
    let (k, r, g) = (t2(d_input, 4 * units), t2(units, 4 * units), 4 * units);
    let run = |x, k, r, b, h, c| message(lstm_sequence(x, k, r, bias(b), h, c));
    // fewer features than the kernel used to read the kernel's first rows
    let m = run(
        x(batch, steps, 3),
        k.clone(),
        r.clone(),
        g,
        t2(batch, units),
        t2(batch, units),
    );
    assert!(
        m.contains("kernel [d_input of x, 4 * units]") && m.contains("[3, 20]"),
        "{m}"
    );
    // a state with fewer units used to read the weights at the wrong stride
    let m = run(
        x(batch, steps, d_input),
        k.clone(),
        r.clone(),
        g,
        t2(batch, 4),
        t2(batch, 4),
    );
    assert!(
        m.contains("h0 [batch of x, units]") && m.contains("[2, 4]"),
        "{m}"
    );
    // extra batch rows in the state used to be ignored
    let m = run(
        x(batch, steps, d_input),
        k.clone(),
        r.clone(),
        g,
        t2(batch, units),
        t2(3, units),
    );
    assert!(
        m.contains("c0 [batch of x, units]") && m.contains("[3, 5]"),
        "{m}"
    );
    let m = run(
        x(batch, steps, d_input),
        k.clone(),
        t2(units, 4 * units + 1),
        g,
        t2(batch, units),
        t2(batch, units),
    );
    assert!(m.contains("recurrent kernel"), "{m}");
    let m = run(
        x(batch, steps, d_input),
        k.clone(),
        r.clone(),
        g - 1,
        t2(batch, units),
        t2(batch, units),
    );
    assert!(m.contains("bias [4 * units]"), "{m}");
    let m = run(
        x(batch, 0, d_input),
        k.clone(),
        r.clone(),
        g,
        t2(batch, units),
        t2(batch, units),
    );
    assert!(m.contains("time steps of x"), "{m}");
    let ok = lstm_sequence(
        x(batch, steps, d_input),
        k,
        r,
        bias(g),
        t2(batch, units),
        t2(batch, units),
    )
    .unwrap();
    assert_eq!(ok.sequence.dims(), [batch, steps, units]);
}
