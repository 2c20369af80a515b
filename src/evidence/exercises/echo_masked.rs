//! `echo-masked`: tutorial 002's dropped rows, kept behind Keras's `Masking`.

use super::{ArmRun, Arms, Question};
use crate::error::Result;
use crate::plot::Series;
use crate::tutorials::echo::EchoConfig;

/// Echo (002): the rows framing drops, kept and padded, behind Keras's `Masking`.
pub struct EchoMasked;

const FULL: &str = "21 full rows, batch 7 (the tutorial)";
const MASKED: &str = "all 25 rows, masked, batch 5";

impl Question for EchoMasked {
    fn id(&self) -> &'static str {
        "echo-masked"
    }

    fn question(&self) -> &'static str {
        "Tutorial 002's framing drops the 4 rows of each sequence that the shift leaves \
         partly empty. Kept instead, their empty steps set to -1 behind Keras's \
         Masking(-1) (a masked step leaves the state as it is and is left out of the \
         loss), does the model echo every value of all 25 rows as well as it echoes the \
         21 full rows? (25 rows need a batch size that divides them: 5.)"
    }

    fn arms(&self) -> Vec<(String, ArmRun)> {
        vec![
            (FULL.into(), ArmRun::lstm(EchoConfig::whole())),
            (
                MASKED.into(),
                ArmRun::lstm(EchoConfig {
                    masked: true,
                    batch_size: 5,
                    ..EchoConfig::whole()
                }),
            ),
        ]
    }

    fn answer(&self, arms: &Arms, _: &[Series]) -> Result<String> {
        let (full, masked) = (arms.named(FULL)?, arms.named(MASKED)?);
        Ok(format!(
            "With the dropped rows kept and masked, the model echoes {:.2}% of all values of \
             the 25 rows (mean of {} seeds, {:.2}-{:.2}%) against {:.2}% of the 21 full rows: \
             {}",
            masked.mean,
            masked.accuracies.len(),
            masked.min,
            masked.max,
            full.mean,
            if masked.mean >= full.mean - 1.0 {
                "masking lets it use every row at no cost in accuracy, the padded rows' values \
                 included"
            } else {
                "the masked rows cost accuracy"
            }
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_masked_arm_keeps_all_25_rows() {
        let arms = EchoMasked.arms();
        let ArmRun::Lstm(masked) = &arms[1].1 else {
            panic!("an LSTM arm");
        };
        assert_eq!(masked.samples_per_epoch(), 25);
        assert_eq!(masked.batch_size(), 5);
    }
}
