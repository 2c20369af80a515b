//! `echo-linear`: tutorial 002's echo with scaled integers and a regression head.

use super::{ArmRun, Arms, CurveAxis, Question, REACHED};
use crate::error::Result;
use crate::plot::Series;
use crate::tutorials::echo::{EchoConfig, Representation};

/// Echo (002): integers scaled to [0, 1] and a regression head instead of one-hot.
pub struct EchoLinear;

/// The units tried with the scaled representation.
pub const ECHO_LINEAR_UNITS: [usize; 3] = [20, 50, 100];
/// Epochs of the scaled arms (the tutorial trains 500).
pub const ECHO_LINEAR_EPOCHS: usize = 2000;

const ONE_HOT: &str = "one-hot, 20 units (the tutorial)";
const SCALED: &str = "scaled";

impl Question for EchoLinear {
    fn id(&self) -> &'static str {
        "echo-linear"
    }

    fn question(&self) -> &'static str {
        "Tutorial 002 one-hot encodes each integer (100 inputs and outputs per value). \
         Scaled to [0, 1] instead, with a linear output trained on mean squared error, \
         how many values does the model echo exactly (after rounding back to an \
         integer), and how many units and epochs does it need?"
    }

    fn arms(&self) -> Vec<(String, ArmRun)> {
        let mut arms = vec![(ONE_HOT.to_string(), ArmRun::lstm(EchoConfig::whole()))];
        arms.extend(ECHO_LINEAR_UNITS.iter().map(|&units| {
            (
                format!("{SCALED}, {units} units"),
                ArmRun::lstm(EchoConfig {
                    representation: Representation::Scaled,
                    units,
                    epochs: ECHO_LINEAR_EPOCHS,
                    ..EchoConfig::whole()
                }),
            )
        }));
        arms
    }

    fn answer(&self, arms: &Arms, _: &[Series]) -> Result<String> {
        let one_hot = arms.named(ONE_HOT)?;
        let scaled: Vec<_> = arms.iter().filter(|a| a.name.starts_with(SCALED)).collect();
        Ok(format!(
            "Scaled to [0, 1] with a linear head and mean squared error, the share of values \
             echoed exactly after rounding is {}, against {:.2}% for the tutorial's one-hot \
             model ({}): {}",
            scaled
                .iter()
                .map(|a| format!("{:.2}% with {} ({})", a.mean, a.name, a.reach_in_words()))
                .collect::<Vec<_>>()
                .join(", "),
            one_hot.mean,
            one_hot.reach_in_words(),
            if scaled.iter().any(|a| a.mean >= REACHED) {
                "regression can echo exactly, but needs more units and epochs than classification"
            } else {
                "a regression output does not recover the integers exactly at these sizes; the \
                 one-hot framing is the better one for an exact echo"
            }
        ))
    }

    fn curves(&self) -> Option<CurveAxis> {
        Some(CurveAxis::Epochs)
    }
}
