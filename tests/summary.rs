//! Parameter counts equal Keras's (datasets/keras/param_counts.json, written by real Keras).

mod common;

use burn::tensor::Device;
use lstm_lab::models::{ModelConfig, Topology};
use lstm_lab::summary::Summary;
use rand::{SeedableRng, rngs::StdRng};

#[test]
fn parameter_counts_match_keras() {
    let keras = common::fixture("param_counts");
    let device = Device::flex();
    let mut rng = StdRng::seed_from_u64(0);
    for (name, steps, features, units) in [("vanilla_index", 50, 100, 25), ("vanilla_second", 10, 5, 25)] {
        let model = ModelConfig::new(steps, features, units, features, Topology::ManyToOne)
            .unwrap()
            .init(&mut rng, &device)
            .unwrap();
        let summary = Summary::of(&model, steps, None);
        let ours: Vec<u64> = summary.layers.iter().map(|l| l.params as u64).collect();
        let theirs: Vec<u64> = keras[name]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        assert_eq!(ours, theirs, "{name}");
    }
    // The numbers the tutorials print.
    let model = ModelConfig::new(50, 100, 25, 100, Topology::ManyToOne)
        .unwrap()
        .init(&mut rng, &device)
        .unwrap();
    let s = Summary::of(&model, 50, None);
    assert_eq!(
        (s.layers[0].params, s.layers[1].params, s.total_params()),
        (12600, 2600, 15200)
    );
    assert!(s.to_string().contains("Total params: 15,200"), "{s}");
    let model = ModelConfig::new(10, 5, 25, 5, Topology::ManyToOne)
        .unwrap()
        .init(&mut rng, &device)
        .unwrap();
    let s = Summary::of(&model, 10, None);
    assert_eq!(
        (s.layers[0].params, s.layers[1].params, s.total_params()),
        (3100, 130, 3230)
    );
}

#[test]
fn summary_from_a_config_equals_summary_of_the_built_model() {
    let device = Device::flex();
    let mut rng = StdRng::seed_from_u64(0);
    for topology in [
        Topology::ManyToOne,
        Topology::Seq2Seq,
        Topology::EncoderDecoder { out_steps: 2 },
    ] {
        let config = ModelConfig::new(5, 100, 20, 100, topology).unwrap();
        let model = config.init(&mut rng, &device).unwrap();
        assert_eq!(
            config.summary(Some(7)),
            Summary::of(&model, 5, Some(7)),
            "{topology:?}"
        );
    }
    // echo-partial: 150 + 150 units, as the tutorial prints.
    let s = ModelConfig::new(5, 100, 150, 100, Topology::EncoderDecoder { out_steps: 2 })
        .unwrap()
        .summary(Some(21));
    let params: Vec<usize> = s.layers.iter().map(|l| l.params).collect();
    assert_eq!(params, [150_600, 0, 180_600, 15_100]);
}
