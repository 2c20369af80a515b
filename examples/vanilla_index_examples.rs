//! How many examples does tutorial 001's vanilla LSTM need before it outputs the value at
//! index 2 of a 50-long sequence perfectly? The tutorial stops after 10 and scores 0%.
//!
//! `cargo run --release --example vanilla_index_examples -- [examples_per_fit] [max_examples]`
//! keeps training one model in fits of `examples_per_fit` fresh examples (one Adam step each)
//! and scores 100 new examples after every 8,000, until 100%.
//!
//! What it should reach: nothing, for as long as we could run it. The value at index 2 must
//! survive 47 later steps, and the gradient that would teach the LSTM to keep it passes through
//! 47 forget gates (about 0.73 each at Keras's initial forget bias of 1), so the loss sits at
//! ln(100) = 4.6 and the accuracy at chance (1%). With seed 1, 1,600,000 examples (50,000 Adam
//! steps of 32) scored 0-5% at all 200 checkpoints. Real Keras does the same: 608,000 examples
//! scored 0-4% (`tools/keras_vanilla_index.py` is this probe written against Keras 3).

use lstm_lab::ChaCha12Rng;
use lstm_lab::config::ParamGuard;
use lstm_lab::models::{ModelConfig, Topology};
use lstm_lab::train::{FitConfig, Learner};
use lstm_lab::tutorials::vanilla_index::VanillaIndexConfig;
use rand::SeedableRng;
use std::time::Instant;

fn main() -> lstm_lab::Result<()> {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let per_fit = args.first().copied().unwrap_or(32);
    let max_examples = args.get(1).copied().unwrap_or(400_000);
    let config = VanillaIndexConfig::default();
    let device = lstm_lab::device::cpu().autodiff();
    let mut rng = ChaCha12Rng::seed_from_u64(1);
    let model = ModelConfig::new(
        config.length(),
        config.n_features(),
        config.units(),
        config.n_features(),
        Topology::ManyToOne,
    )?
    .init(&mut rng, &device)?;
    let mut learner = Learner::new(model, false)?;
    let fit = FitConfig::new(1, per_fit).check()?;
    let start = Instant::now();
    let mut seen = 0;
    while seen < max_examples {
        for _ in 0..8000 / per_fit {
            let (x, y) = config.generate_batch(&mut rng, per_fit)?;
            learner.fit(&x, &y, &fit, &mut rng)?;
            seen += per_fit;
        }
        let (x, y) = config.generate_batch(&mut rng, config.eval_examples())?;
        let acc = learner.evaluate(&x, &y, 100)?.accuracy * 100.0;
        println!(
            "{seen} examples: {acc:.0}% ({:.1} s)",
            start.elapsed().as_secs_f64()
        );
        if acc >= 100.0 {
            break;
        }
    }
    Ok(())
}
