//! Parameter counts equal Keras's (datasets/keras/param_counts.json, written by real Keras).

mod common;

use burn::tensor::Device;
use lstm_lab::ChaCha12Rng;
use lstm_lab::models::{ModelConfig, Topology};
use lstm_lab::summary::Summary;
use rand::SeedableRng;

#[test]
fn parameter_counts_match_keras() {
    let keras = common::fixture("param_counts");
    let device = Device::flex();
    let mut rng = ChaCha12Rng::seed_from_u64(0);
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

/// Every topology the project builds, at a tutorial's sizes, against real Keras's counts
/// (datasets/keras/param_counts.json, `topologies`): the built model's parameters (Burn's
/// `num_params`), its summary's layers and the summary made from the config alone.
#[test]
fn every_topology_counts_its_parameters_as_keras_does() {
    use burn::module::Module;
    use lstm_lab::models::Output;
    let keras = common::fixture("param_counts");
    let device = Device::flex();
    let mut rng = ChaCha12Rng::seed_from_u64(0);
    let entries = keras["topologies"].as_array().unwrap();
    assert_eq!(entries.len(), 6);
    for e in entries {
        let n = |k: &str| e[k].as_u64().unwrap() as usize;
        let out_steps = || n("out_steps");
        let topology = match e["topology"].as_str().unwrap() {
            "many-to-one" => Topology::ManyToOne,
            "seq2seq" => Topology::Seq2Seq,
            "encoder-decoder" => Topology::EncoderDecoder {
                out_steps: out_steps(),
            },
            "vector-output" => Topology::VectorOutput {
                out_steps: out_steps(),
            },
            other => panic!("unknown topology {other}"),
        };
        let mut config =
            ModelConfig::new(n("steps"), n("features"), n("units"), n("classes"), topology).unwrap();
        if e["masked"].as_bool().unwrap() {
            config = config.with_masking(-1.0);
        }
        if e["linear"].as_bool().unwrap() {
            config = config.with_output(Output::Linear { levels: 100 }).unwrap();
        }
        let theirs: Vec<usize> = e["layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect();
        let model = config.init(&mut rng, &device).unwrap();
        assert_eq!(model.num_params(), theirs.iter().sum::<usize>(), "{e}: total");
        let summary = Summary::of(&model, n("steps"), None);
        let nonzero = |v: Vec<usize>| v.into_iter().filter(|&p| p > 0).collect::<Vec<_>>();
        let ours: Vec<usize> = summary.layers.iter().map(|l| l.params).collect();
        assert_eq!(nonzero(ours), nonzero(theirs.clone()), "{e}: layers");
        assert_eq!(config.summary(None), summary, "{e}: the config's summary");
    }
}

#[test]
fn echo_partial_prints_the_tutorials_counts() {
    // echo-partial: 150 + 150 units, as the tutorial prints.
    let s = ModelConfig::new(5, 100, 150, 100, Topology::EncoderDecoder { out_steps: 2 })
        .unwrap()
        .summary(Some(21));
    let params: Vec<usize> = s.layers.iter().map(|l| l.params).collect();
    assert_eq!(params, [150_600, 0, 180_600, 15_100]);
}
