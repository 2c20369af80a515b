//! Same seed, same device: bit-identical weights after training.

mod common;

use burn::tensor::Device;
use lstm_lab::ChaCha12Rng;
use lstm_lab::config::ParamGuard;
use lstm_lab::data::{generate_sequence, one_hot_encode};
use lstm_lab::framing::to_supervised;
use lstm_lab::models::{ModelConfig, Topology};
use lstm_lab::train::{FitConfig, Learner};
use rand::SeedableRng;

fn train(seed: u64) -> Vec<Vec<f32>> {
    let device = Device::flex().autodiff();
    device.seed(seed);
    let mut rng = ChaCha12Rng::seed_from_u64(seed);
    let model = ModelConfig::new(5, 20, 8, 20, Topology::Seq2Seq)
        .unwrap()
        .init(&mut rng, &device)
        .unwrap();
    let mut learner = Learner::new(model, true).unwrap();
    for _ in 0..5 {
        let seq = generate_sequence(&mut rng, 25, 20).unwrap();
        let framed = to_supervised(&one_hot_encode(&seq, 20).unwrap(), 5, 5).unwrap();
        learner
            .fit(
                &framed.x,
                &framed.y,
                &FitConfig::new(1, 7).with_shuffle(false).check().unwrap(),
                &mut rng,
            )
            .unwrap();
        learner.reset_states();
    }
    common::model_weights(learner.model())
}

#[test]
fn same_seed_gives_bit_identical_weights() {
    let (a, b) = (train(42), train(42));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(
            x.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            y.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
        );
    }
    let c = train(43);
    assert_ne!(a, c, "a different seed gives different weights");
}
