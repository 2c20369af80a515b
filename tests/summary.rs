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
