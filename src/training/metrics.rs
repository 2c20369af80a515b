//! Accuracy, the confusion matrix and the tutorials' own printouts.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// Percentage of positions where `predicted` equals `expected` (token accuracy).
pub fn accuracy_percent(expected: &[usize], predicted: &[usize]) -> Result<f64> {
    if expected.len() != predicted.len() {
        return Err(Error::Shape {
            context: "predicted vs expected labels",
            expected: vec![expected.len()],
            actual: vec![predicted.len()],
        });
    }
    if expected.is_empty() {
        return Err(Error::Empty {
            what: "the labels to score",
        });
    }
    let correct = expected.iter().zip(predicted).filter(|(e, p)| e == p).count();
    Ok(100.0 * correct as f64 / expected.len() as f64)
}

/// A confusion matrix over `labels.len()` classes, with per-class accuracy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Confusion {
    /// Display name of each class (`"A"`, `"0"`, ...).
    pub labels: Vec<String>,
    /// `counts[truth][predicted]`: how often class `truth` was predicted as `predicted`.
    pub counts: Vec<Vec<usize>>,
    /// Per class: correct / occurrences of that class, in percent; `None` for a class that never
    /// occurs in the truth.
    pub per_class_accuracy: Vec<Option<f64>>,
    /// Overall accuracy in percent: the diagonal's count over all the counts, in f64.
    pub accuracy: f64,
}

impl Confusion {
    /// Builds the matrix from true and predicted class indices in `0..labels.len()`.
    ///
    /// The overall accuracy is [`accuracy_percent`] of the same labels; per class it is the
    /// diagonal count over the class's row of `counts`.
    pub fn new(truth: &[usize], predicted: &[usize], labels: Vec<String>) -> Result<Self> {
        if truth.len() != predicted.len() || truth.is_empty() {
            return Err(Error::Shape {
                context: "predicted vs true labels (non-empty, same length)",
                expected: vec![truth.len()],
                actual: vec![predicted.len()],
            });
        }
        let n = labels.len();
        if let Some(&bad) = truth.iter().chain(predicted).find(|&&c| c >= n) {
            return Err(Error::OutOfRange {
                value: bad,
                position: 0,
                n_unique: n,
            });
        }
        let mut counts = vec![vec![0usize; n]; n];
        for (&t, &p) in truth.iter().zip(predicted) {
            counts[t][p] += 1;
        }
        let per_class_accuracy = counts
            .iter()
            .enumerate()
            .map(|(class, row)| {
                let occurrences: usize = row.iter().sum();
                (occurrences > 0).then(|| 100.0 * row[class] as f64 / occurrences as f64)
            })
            .collect();
        Ok(Self {
            labels,
            counts,
            per_class_accuracy,
            accuracy: accuracy_percent(truth, predicted)?,
        })
    }
}

/// The tutorials' `Expected: [...] Predicted [...]` line.
pub fn expected_predicted(expected: &[usize], predicted: &[usize]) -> String {
    format!("Expected: {expected:?} Predicted {predicted:?}")
}
