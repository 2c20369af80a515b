//! `randint-stateless`: does tutorial 000's echo need the state it carries?

use super::{ArmRun, Arms, Question};
use crate::error::Result;
use crate::plot::Series;
use crate::tutorials::randint_echo::RandintEchoConfig;

/// Randint echo (000): the target lies inside the input window, so is carrying state needed?
pub struct RandintStateless;

const ORIGINAL: &str = "stateful, in order (the tutorial)";
const STATELESS: &str = "stateless, shuffled";

impl Question for RandintStateless {
    fn id(&self) -> &'static str {
        "randint-stateless"
    }

    fn question(&self) -> &'static str {
        "Tutorial 000 echoes the value one step back with a stateful LSTM whose samples \
         are 5-step windows. Does the model need the state it carries? \
         The same model, stateless and with shuffled batches, against the original."
    }

    fn arms(&self) -> Vec<(String, ArmRun)> {
        vec![
            (ORIGINAL.into(), ArmRun::lstm(RandintEchoConfig::default())),
            (
                STATELESS.into(),
                ArmRun::lstm(RandintEchoConfig {
                    stateful: false,
                    shuffle: true,
                    ..Default::default()
                }),
            ),
        ]
    }

    fn answer(&self, arms: &Arms, _: &[Series]) -> Result<String> {
        let (original, stateless) = (arms.named(ORIGINAL)?, arms.named(STATELESS)?);
        Ok(format!(
            "Stateless with shuffled batches, the model scores {:.2}% on fresh sequences \
             (mean of {} seeds, {:.2}-{:.2}%) against {:.2}% for the stateful original: {}",
            stateless.mean,
            stateless.accuracies.len(),
            stateless.min,
            stateless.max,
            original.mean,
            if stateless.mean >= original.mean - 1.0 {
                "the carried state is not needed, since the value to echo is inside each window"
            } else {
                "carrying the state helps here"
            }
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_arms_differ_only_in_state_and_shuffling() {
        let arms = RandintStateless.arms();
        assert_eq!(arms.len(), 2);
        let debug = |a: &ArmRun| format!("{a:?}");
        let changed = RandintEchoConfig {
            stateful: false,
            shuffle: true,
            ..Default::default()
        };
        assert_eq!(
            debug(&arms[0].1),
            debug(&ArmRun::lstm(RandintEchoConfig::default()))
        );
        assert_eq!(debug(&arms[1].1), debug(&ArmRun::lstm(changed)));
    }
}
