//! Bad input gets an `Err` whose message names the problem.

use burn::module::Module;
use burn::tensor::Device;
use lstm_lab::data::{alphabet_windows, generate_sequence, one_hot_encode};
use lstm_lab::framing::{lag_echo, to_supervised};
use lstm_lab::models::{ModelConfig, Topology};
use lstm_lab::train::{FitConfig, Learner};
use lstm_lab::{Array3, Error};
use rand::{SeedableRng, rngs::StdRng};

fn message<T: std::fmt::Debug>(r: Result<T, Error>) -> String {
    r.expect_err("expected an error").to_string()
}

#[test]
fn one_hot_rejects_out_of_range_and_empty() {
    let m = message(one_hot_encode(&[3, 100], 100));
    assert!(m.contains("value 100") && m.contains("0..100"), "{m}");
    assert!(message(one_hot_encode(&[], 10)).contains("empty"));
    assert!(message(generate_sequence(&mut StdRng::seed_from_u64(0), 5, 0)).contains("n_unique"));
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
    let mut rng = StdRng::seed_from_u64(0);
    let model = ModelConfig::new(3, 4, 5, 6, Topology::ManyToOne)
        .unwrap()
        .init(&mut rng, &device)
        .unwrap();
    let mut learner = Learner::new(model.clone(), true).unwrap();
    let x = Array3::new(vec![0.0; 5 * 3 * 4], [5, 3, 4]).unwrap();
    let y = Array3::new(vec![0.0; 5 * 6], [5, 1, 6]).unwrap();
    let m = message(learner.fit(&x, &y, &FitConfig::new(1, 2), &mut rng));
    assert!(m.contains("multiple of the batch size"), "{m}");
    assert!(message(learner.fit(&x, &y, &FitConfig::new(0, 5), &mut rng)).contains("epochs"));
    assert!(message(learner.fit(&x, &y, &FitConfig::new(1, 0), &mut rng)).contains("batch_size"));
    let wrong_x = Array3::new(vec![0.0; 5 * 3 * 7], [5, 3, 7]).unwrap();
    assert!(message(learner.fit(&wrong_x, &y, &FitConfig::new(1, 5), &mut rng)).contains("features of X"));
    let wrong_y = Array3::new(vec![0.0; 5 * 2], [5, 1, 2]).unwrap();
    assert!(message(learner.fit(&x, &wrong_y, &FitConfig::new(1, 5), &mut rng)).contains("classes of y"));
    assert!(message(Array3::new(vec![0.0; 3], [2, 1, 1])).contains("shape mismatch"));

    let mut stateless = Learner::new(model.clone(), false).unwrap();
    let m = message(stateless.fit(&x, &y, &FitConfig::new(1, 5).with_validation_split(1.5), &mut rng));
    assert!(m.contains("validation_split"), "{m}");
    assert!(message(Learner::new(model.valid(), false)).contains("autodiff"));
}

#[test]
fn echo_extensions_reject_settings_keras_cannot_run() {
    use lstm_lab::tutorials::RunOptions;
    use lstm_lab::tutorials::echo::EchoConfig;
    let partial_masked = EchoConfig {
        masked: true,
        ..EchoConfig::partial()
    };
    let m = message(partial_masked.run(&RunOptions::new(1), &burn::tensor::Device::flex()));
    assert!(m.contains("masked") && m.contains("n_out 2 of n_in 5"), "{m}");
}
