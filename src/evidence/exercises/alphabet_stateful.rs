//! `alphabet-stateful`: tutorial 003's stateful model, asked to start mid-alphabet.

use super::{ArmRun, Arms, Question};
use crate::error::Result;
use crate::plot::Series;
use crate::tutorials::alphabet::AlphabetStatefulConfig;

/// Alphabet (003): a stateful LSTM fed one letter per step learns the sequence; what does it do
/// when asked to start mid-alphabet?
pub struct AlphabetStateful;

const FROM_A: &str = "stateful, one letter per step, scored from A";
const FROM_K: &str = "the same model, scored from K";

impl Question for AlphabetStateful {
    fn id(&self) -> &'static str {
        "alphabet-stateful"
    }

    fn question(&self) -> &'static str {
        "Tutorial 003's stateful variant: one letter per step, batch size 1, no shuffling, \
         the state carried through the whole alphabet and reset after each epoch (32 units \
         and 500 epochs, as the tutorial's other models). Does it learn A to Z, and what \
         happens when its state is reset and it is asked to go on from K?"
    }

    fn arms(&self) -> Vec<(String, ArmRun)> {
        vec![
            (FROM_A.into(), ArmRun::lstm(AlphabetStatefulConfig::default())),
            (
                FROM_K.into(),
                ArmRun::lstm(AlphabetStatefulConfig {
                    start: 10,
                    ..Default::default()
                }),
            ),
        ]
    }

    fn answer(&self, arms: &Arms, _: &[Series]) -> Result<String> {
        let (from_a, from_k) = (arms.named(FROM_A)?, arms.named(FROM_K)?);
        Ok(format!(
            "Fed one letter per step with its state carried, the model predicts {:.2}% of the \
             next letters in order from A (mean of {} seeds) but {:.2}% from K with a fresh \
             state: {}",
            from_a.mean,
            from_a.accuracies.len(),
            from_k.mean,
            if from_a.mean >= 90.0 && from_k.mean < from_a.mean - 20.0 {
                "it learned where it is in the sequence from its state, not what follows each letter"
            } else if from_a.mean >= 90.0 {
                "it maps each letter to the next, whatever the state"
            } else {
                "it does not learn the sequence in 500 epochs"
            }
        ))
    }
}
