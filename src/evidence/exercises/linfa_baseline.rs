//! `linfa-baseline`: which framings need memory, which only non-linearity, and which only the
//! right framing?

use super::{Answer, ArmRun, Arms, Question};
use crate::error::Result;
use crate::plot::{Series, Svg};
use crate::tutorials::Experiment;

/// Every single-output framing: does it need memory, or only the right framing? A linfa
/// logistic regression (no memory, no non-linearity) and an MLP (non-linearity, no memory) on
/// the flattened window beside the LSTM.
pub struct LinfaBaseline;

fn lstm(e: Experiment) -> String {
    format!("LSTM: {e}")
}

fn logistic(e: Experiment) -> String {
    format!("logistic regression: {e}")
}

fn mlp(e: Experiment) -> String {
    format!("MLP: {e}")
}

impl Question for LinfaBaseline {
    fn id(&self) -> &'static str {
        "linfa-baseline"
    }

    fn question(&self) -> &'static str {
        "Which of the tutorials' problems need memory, which only non-linearity, and which \
         only the right framing? A multinomial logistic regression (linfa) and an MLP \
         (Dense-ReLU-Dense with the LSTM's units, Keras's Adam, the tutorial's epochs and \
         batch) on the flattened input window, trained on samples drawn as the tutorial \
         draws them and scored the same way, beside the LSTM, for every framing with one \
         output step."
    }

    fn arms(&self) -> Vec<(String, ArmRun)> {
        crate::baseline::FRAMINGS
            .iter()
            .flat_map(|&e| {
                [
                    (lstm(e), ArmRun::Lstm(e.config())),
                    (logistic(e), ArmRun::Logistic(e)),
                    (mlp(e), ArmRun::Mlp(e)),
                ]
            })
            .collect()
    }

    fn answer(&self, arms: &Arms, _: &[Series]) -> Result<String> {
        // (framing, LSTM mean, logistic regression mean), in FRAMINGS order.
        let pairs = crate::baseline::FRAMINGS
            .iter()
            .map(|&e| Ok((e, arms.named(&lstm(e))?.mean, arms.named(&logistic(e))?.mean)))
            .collect::<Result<Vec<(Experiment, f64, f64)>>>()?;
        let solved: Vec<String> = pairs
            .iter()
            .filter(|(_, _, linear)| *linear >= 99.0)
            .map(|(e, _, _)| e.to_string())
            .collect();
        let scores: Vec<String> = pairs
            .iter()
            .map(|(e, lstm, linear)| format!("{e} {linear:.2}% (LSTM {lstm:.2}%)"))
            .collect();
        let mut answer = format!(
            "Logistic regression on the flattened window scores {}",
            scores.join(", ")
        );
        answer.push_str(&match solved.len() {
            0 => ": no framing is solved without memory".to_string(),
            1 => format!(
                ": {} needs no memory, only the framing (a linear model solves it)",
                solved[0]
            ),
            _ => format!(
                ": {} need no memory, only the framing (a linear model solves them)",
                solved.join(", ")
            ),
        });
        let near: Vec<String> = pairs
            .iter()
            .filter(|(_, _, linear)| (90.0..99.0).contains(linear))
            .map(|(e, _, linear)| format!("{e} ({linear:.2}%)"))
            .collect();
        if !near.is_empty() {
            answer.push_str(&format!("; nearly linear: {}", near.join(", ")));
        }
        // The MLP: non-linearity without memory, trained as the tutorial trains its LSTM.
        let mlps = crate::baseline::FRAMINGS
            .iter()
            .map(|&e| Ok((e, arms.named(&mlp(e))?.mean)))
            .collect::<Result<Vec<(Experiment, f64)>>>()?;
        let unlearned: Vec<String> = pairs
            .iter()
            .zip(&mlps)
            .filter(|((_, lstm, linear), (_, mlp))| lstm.max(*linear).max(*mlp) < 10.0)
            .map(|((e, _, _), _)| e.to_string())
            .collect();
        let scores: Vec<String> = mlps.iter().map(|(e, m)| format!("{e} {m:.2}%")).collect();
        answer.push_str(&format!(
            ". An MLP on the same window, trained for the tutorial's epochs, scores {}",
            scores.join(", ")
        ));
        let beats: Vec<String> = mlps
            .iter()
            .zip(&pairs)
            .filter(|((_, m), (_, _, linear))| *m >= linear + 2.0)
            .map(|((e, _), _)| e.to_string())
            .collect();
        answer.push_str(&match beats.len() {
            0 => ": on no framing does it beat the linear model by 2 points or more".to_string(),
            _ => format!(
                ": above the linear model by 2 points or more on {}",
                beats.join(", ")
            ),
        });
        if !unlearned.is_empty() {
            answer.push_str(&format!(
                "; from the tutorial's few examples, none of the three models learns {}",
                unlearned.join(" or ")
            ));
        }
        Ok(answer)
    }

    /// Each model without memory beside the LSTM, per framing: two rows each.
    fn chart(&self, answer: &Answer) -> Result<Svg> {
        let arms = Arms(&answer.arms);
        let mut bars = Vec::new();
        for &e in crate::baseline::FRAMINGS {
            let lstm_mean = arms.named(&lstm(e))?.mean;
            for (name, arm) in [("logistic regression", logistic(e)), ("MLP", mlp(e))] {
                bars.push((format!("{e}, {name}"), Some(arms.named(&arm)?.mean), lstm_mean));
            }
        }
        crate::plot::paired_bars(&bars, &answer.chart_title(), ["without memory", "LSTM"])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_lstm_a_linear_and_an_mlp_arm_per_framing() {
        assert_eq!(LinfaBaseline.arms().len(), 3 * crate::baseline::FRAMINGS.len());
    }
}
