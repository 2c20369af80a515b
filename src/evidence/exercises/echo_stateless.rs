//! `echo-stateless`: tutorial 002's suggested extension, a stateless model with batch size 1.

use super::{ArmRun, Arms, Question};
use crate::error::Result;
use crate::plot::Series;
use crate::tutorials::echo::EchoConfig;

/// Echo (002): a stateless LSTM with batch size 1 against the tutorial's stateful one.
pub struct EchoStateless;

const ORIGINAL: &str = "stateful, batch 7 (the tutorial)";
const STATELESS: &str = "stateless, batch 1";

impl Question for EchoStateless {
    fn id(&self) -> &'static str {
        "echo-stateless"
    }

    fn question(&self) -> &'static str {
        "Tutorial 002 lists a stateless LSTM with batch size 1 (state reset and weights \
         updated after every sample) as an extension. How does it compare with the \
         tutorial's stateful echo-whole model, in accuracy and in time?"
    }

    fn arms(&self) -> Vec<(String, ArmRun)> {
        vec![
            (ORIGINAL.into(), ArmRun::lstm(EchoConfig::whole())),
            (
                STATELESS.into(),
                ArmRun::lstm(EchoConfig {
                    stateful: false,
                    batch_size: 1,
                    ..EchoConfig::whole()
                }),
            ),
        ]
    }

    fn answer(&self, arms: &Arms, _: &[Series]) -> Result<String> {
        let (original, stateless) = (arms.named(ORIGINAL)?, arms.named(STATELESS)?);
        Ok(format!(
            "Stateless with batch size 1, echo-whole reaches {:.2}% (mean of {} seeds) in \
             {:.1} s of training, against {:.2}% in {:.1} s for the stateful batch-7 original: \
             {}, {:.1}x the training time for 7 times as many (smaller) optimiser steps",
            stateless.mean,
            stateless.accuracies.len(),
            stateless.mean_train_seconds,
            original.mean,
            original.mean_train_seconds,
            if stateless.mean >= original.mean - 1.0 {
                "as accurate"
            } else {
                "less accurate"
            },
            stateless.mean_train_seconds / original.mean_train_seconds
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stateless_arm_trains_as_long_with_batch_1() {
        let arms = EchoStateless.arms();
        let [(_, ArmRun::Lstm(original)), (_, ArmRun::Lstm(stateless))] = &arms[..] else {
            panic!("two LSTM arms");
        };
        assert_eq!(stateless.batch_size(), 1);
        assert_eq!(stateless.epochs(), original.epochs());
    }
}
