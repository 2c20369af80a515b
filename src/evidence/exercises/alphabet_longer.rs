//! `alphabet-longer`: is tutorial 003's feature window a worse framing, or only less trained?

use super::{ArmRun, Arms, Question};
use crate::error::Result;
use crate::plot::Series;
use crate::tutorials::alphabet::AlphabetConfig;

/// Alphabet (003): is the feature window a worse framing, or only less trained?
pub struct AlphabetLonger;

/// The training lengths compared: the tutorial's 500 epochs, then longer.
const EPOCHS: [usize; 3] = [500, 2000, 5000];
const FEATURE: &str = "feature window";

impl Question for AlphabetLonger {
    fn id(&self) -> &'static str {
        "alphabet-longer"
    }

    fn question(&self) -> &'static str {
        "Tutorial 003 prints 86.96% for the feature window beside 100% for the time-step \
         framings, which reads as a poorer framing; at epoch 500 its training loss is the \
         highest of the three, and still falling. Trained to 2000 and 5000 epochs, do the \
         three framings still differ on their training windows?"
    }

    fn arms(&self) -> Vec<(String, ArmRun)> {
        let framings = [
            ("2 time steps", AlphabetConfig::two_step()),
            (FEATURE, AlphabetConfig::feature_window()),
            ("time-step window", AlphabetConfig::timestep_window()),
        ];
        EPOCHS
            .into_iter()
            .flat_map(|epochs| {
                framings.iter().map(move |(name, config)| {
                    (
                        format!("{name}, {epochs} epochs"),
                        ArmRun::lstm(AlphabetConfig {
                            epochs,
                            ..config.clone()
                        }),
                    )
                })
            })
            .collect()
    }

    fn answer(&self, arms: &Arms, _: &[Series]) -> Result<String> {
        let at = |epochs: usize| {
            arms.iter()
                .filter(|a| a.epochs == epochs)
                .map(|a| format!("{:.2}%", a.mean))
                .collect::<Vec<_>>()
                .join(" / ")
        };
        let feature = |epochs: usize| arms.named(&format!("{FEATURE}, {epochs} epochs")).map(|a| a.mean);
        let (first, last) = (feature(EPOCHS[0])?, feature(EPOCHS[2])?);
        Ok(format!(
            "Mean accuracy (2 steps / feature window / time-step window) at 500 epochs \
             {}, at 2000 {}, at 5000 {}: {}",
            at(EPOCHS[0]),
            at(EPOCHS[1]),
            at(EPOCHS[2]),
            if last >= 99.0 {
                "with longer training the feature window names every training window too, so \
                 its 86.96% came from stopping at 500 epochs: it memorises the windows more \
                 slowly (every score is on the training windows; how it does on a window it \
                 never saw is not measured)"
            } else if last > first + 1.0 {
                "longer training closes part of the feature window's gap, but not all of it"
            } else {
                "longer training does not close the feature window's gap"
            }
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_framings_at_three_lengths() {
        let epochs: Vec<usize> = AlphabetLonger
            .arms()
            .iter()
            .map(|(_, a)| match a {
                ArmRun::Lstm(c) => c.epochs(),
                ArmRun::Logistic(_) | ArmRun::Mlp(_) | ArmRun::SimpleRnn(_) => 0,
            })
            .collect();
        assert_eq!(epochs, [500, 500, 500, 2000, 2000, 2000, 5000, 5000, 5000]);
    }
}
