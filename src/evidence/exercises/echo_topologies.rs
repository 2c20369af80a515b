//! `echo-topologies`: tutorial 002's many-to-many echo against one-to-one and many-to-one.

use super::{ArmRun, Arms, CurveAxis, Question, smallest_reaching};
use crate::error::Result;
use crate::plot::Series;
use crate::tutorials::echo::{EchoConfig, EchoLayout};

/// Echo (002): one-to-one and many-to-one (vector output) instead of many-to-many.
pub struct EchoTopologies;

/// The units tried per topology.
pub const ECHO_TOPOLOGY_UNITS: [usize; 5] = [20, 50, 100, 200, 400];
/// Epochs of the alternative topologies (the tutorial trains 500).
pub const ECHO_TOPOLOGY_EPOCHS: usize = 2000;

const ORIGINAL: &str = "many-to-many, 20 units (the tutorial)";
const ONE_TO_ONE: &str = "one-to-one";
const MANY_TO_ONE: &str = "many-to-one";

impl Question for EchoTopologies {
    fn id(&self) -> &'static str {
        "echo-topologies"
    }

    fn question(&self) -> &'static str {
        "Tutorial 002 wraps the output in TimeDistributed so that the model is \
         many-to-many. One-to-one (the 5 steps as the features of one step) or \
         many-to-one (the 5 outputs as one vector of 500 values): how many units and \
         epochs do they need to match the many-to-many model?"
    }

    fn arms(&self) -> Vec<(String, ArmRun)> {
        let mut arms = vec![(ORIGINAL.to_string(), ArmRun::lstm(EchoConfig::whole()))];
        for (name, layout) in [
            (ONE_TO_ONE, EchoLayout::OneToOne),
            (MANY_TO_ONE, EchoLayout::ManyToOneVector),
        ] {
            for units in ECHO_TOPOLOGY_UNITS {
                arms.push((
                    format!("{name}, {units} units"),
                    ArmRun::lstm(EchoConfig {
                        layout,
                        units,
                        epochs: ECHO_TOPOLOGY_EPOCHS,
                        ..EchoConfig::whole()
                    }),
                ));
            }
        }
        arms
    }

    fn answer(&self, arms: &Arms, _: &[Series]) -> Result<String> {
        let original = arms.named(ORIGINAL)?;
        Ok(format!(
            "Against the many-to-many model's {:.2}% with 20 units ({}), the smallest that \
             match it: {}; {}",
            original.mean,
            original.reach_in_words(),
            smallest_reaching(arms, ONE_TO_ONE),
            smallest_reaching(arms, MANY_TO_ONE)
        ))
    }

    fn curves(&self) -> Option<CurveAxis> {
        Some(CurveAxis::Epochs)
    }
}
