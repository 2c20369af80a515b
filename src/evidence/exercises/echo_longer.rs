//! `echo-longer`: tutorial 002's encoder-decoder echoing more of the sequence.

use super::{ArmRun, Arms, CurveAxis, Question, REACHED, smallest_reaching};
use crate::error::Result;
use crate::plot::Series;
use crate::tutorials::echo::{EchoConfig, EchoLayout};

/// Echo (002): the encoder-decoder echoing the first 3, 4 and 5 steps.
pub struct EchoLonger;

/// The units tried per length.
pub const ECHO_LONGER_UNITS: [usize; 2] = [150, 300];
/// Epochs of the longer echoes (the tutorial's 2 steps train 5000).
pub const ECHO_LONGER_EPOCHS: usize = 10_000;

const ORIGINAL: &str = "first 2 steps, 150 units (the tutorial)";

impl Question for EchoLonger {
    fn id(&self) -> &'static str {
        "echo-longer"
    }

    fn question(&self) -> &'static str {
        "Tutorial 002's encoder-decoder echoes the first 2 of 5 steps with 150 units in \
         5000 epochs. Echoing the first 3, 4 and 5 steps (trained 10000 epochs): which \
         units (150 or 300) reach 99% over 20 fresh sequences, and after how many epochs?"
    }

    /// 3: its runs take a minute or more each.
    fn default_seeds(&self) -> u64 {
        3
    }

    fn arms(&self) -> Vec<(String, ArmRun)> {
        let mut arms = vec![(ORIGINAL.to_string(), ArmRun::lstm(EchoConfig::partial()))];
        for n_out in 3..=5 {
            for units in ECHO_LONGER_UNITS {
                arms.push((
                    format!("first {n_out} steps, {units} units"),
                    ArmRun::lstm(EchoConfig {
                        n_out,
                        units,
                        epochs: ECHO_LONGER_EPOCHS,
                        layout: EchoLayout::EncoderDecoder,
                        ..EchoConfig::partial()
                    }),
                ));
            }
        }
        arms
    }

    fn answer(&self, arms: &Arms, _: &[Series]) -> Result<String> {
        let original = arms.named(ORIGINAL)?;
        Ok(format!(
            "The smallest units reaching {REACHED}% over 20 fresh sequences: {}; {}; {} (the \
             tutorial's first 2 steps with 150 units: {:.2}%, {})",
            smallest_reaching(arms, "first 3 steps"),
            smallest_reaching(arms, "first 4 steps"),
            smallest_reaching(arms, "first 5 steps"),
            original.mean,
            original.reach_in_words()
        ))
    }

    fn curves(&self) -> Option<CurveAxis> {
        Some(CurveAxis::Epochs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_longer_echo_trains_the_longer_budget() {
        let arms = EchoLonger.arms();
        assert_eq!(arms.len(), 1 + 3 * ECHO_LONGER_UNITS.len());
        assert!(arms[1..].iter().all(|(_, a)| matches!(a,
            ArmRun::Lstm(c) if c.epochs() == ECHO_LONGER_EPOCHS)));
    }
}
