//! `vanilla-index-rnn`: does a plain tanh RNN learn tutorial 001's index 2 where the LSTM does
//! not? Keras's `SimpleRNN` trained exactly as `vanilla-index-reach` trains the LSTM.

use super::vanilla_index_reach::{REACH_BATCH, REACH_FITS, reach_base};
use super::{ArmRun, Arms, CurveAxis, Question, REACHED};
use crate::error::Result;
use crate::plot::Series;
use crate::tutorials::vanilla_index::VanillaIndexConfig;

/// Vanilla LSTM (001), its open question: would the RNN before it do better?
pub struct VanillaIndexRnn;

/// The sequence lengths tried, the tutorial's first.
const LENGTHS: [usize; 3] = [50, 20, 10];

/// One arm per length: `vanilla-index-reach`'s in-order LSTM arms, with a `SimpleRNN` of the
/// same units in place of the LSTM.
fn arms() -> Vec<(String, VanillaIndexConfig)> {
    LENGTHS
        .iter()
        .map(|&length| {
            let config = VanillaIndexConfig {
                length,
                ..reach_base()
            };
            (format!("SimpleRNN, {length} steps"), config)
        })
        .collect()
}

impl Question for VanillaIndexRnn {
    fn id(&self) -> &'static str {
        "vanilla-index-rnn"
    }

    fn question(&self) -> &'static str {
        "Before the LSTM, a recurrent layer was h_t = tanh(x_t W + h_{t-1} U + b) (Keras's \
         SimpleRNN). Untrained, it passes more of the gradient back to index 2 than the \
         tutorial's LSTM does (notebook 01). Trained as vanilla-index-reach trains the LSTM \
         (fresh batches of 32, Keras's Adam), does it learn the value at index 2 of 50 steps, \
         or of 20 or 10?"
    }

    fn arms(&self) -> Vec<(String, ArmRun)> {
        arms()
            .into_iter()
            .map(|(name, c)| (name, ArmRun::SimpleRnn(c)))
            .collect()
    }

    fn answer(&self, arms: &Arms, _series: &[Series]) -> Result<String> {
        let examples = REACH_FITS * REACH_BATCH;
        let scores: Vec<String> = arms
            .iter()
            .map(|a| {
                format!(
                    "{} {:.2}% (seeds {:.2}% to {:.2}%; {})",
                    a.name,
                    a.mean,
                    a.min,
                    a.max,
                    a.reach_in_examples()
                )
            })
            .collect();
        Ok(format!(
            "SimpleRNN(25) -> Dense(100), Keras's initialisers, after {examples} fresh examples \
             (batches of {REACH_BATCH}), accuracy over 1000 new examples: {}; {}",
            scores.join("; "),
            arms.reaching_in_words(
                &format!("none averages {REACHED}% on the new examples"),
                &format!("averaging {REACHED}% or more on the new examples: ")
            )
        ))
    }

    fn curves(&self) -> Option<CurveAxis> {
        Some(CurveAxis::Examples)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tutorials::Tutorial;

    /// Each RNN arm trains on exactly the config of one of `vanilla-index-reach`'s LSTM arms.
    #[test]
    fn arms_are_reach_arms() {
        let reach: Vec<serde_json::Value> = super::super::vanilla_index_reach::arms()
            .iter()
            .map(|(_, c)| c.to_json().expect("a config serialises"))
            .collect();
        let rnn = arms();
        assert_eq!(rnn.len(), LENGTHS.len());
        for (name, c) in &rnn {
            let json = c.to_json().expect("a config serialises");
            assert!(reach.contains(&json), "{name} is not one of the reach arms");
        }
    }
}
