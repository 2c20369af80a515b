//! The crate's one error type.

use thiserror::Error;

/// Everything that can go wrong in `lstm_lab`, each with a message that names the problem.
#[derive(Debug, Error)]
pub enum Error {
    /// A sequence or dataset with nothing in it.
    #[error("{what} is empty")]
    Empty { what: &'static str },

    /// A value outside the range a one-hot encoding can hold.
    #[error("value {value} at position {position} is outside 0..{n_unique} and cannot be one-hot encoded")]
    OutOfRange {
        value: usize,
        position: usize,
        n_unique: usize,
    },

    /// A sequence too short for the window asked of it.
    #[error("a sequence of length {length} is too short for a window of {window}")]
    TooShort { length: usize, window: usize },

    /// A hyper-parameter or argument that makes no sense.
    #[error("invalid {name}: {reason}")]
    Invalid { name: &'static str, reason: String },

    /// Two shapes that must agree and do not.
    #[error("shape mismatch in {context}: expected {expected:?}, got {actual:?}")]
    Shape {
        context: &'static str,
        expected: Vec<usize>,
        actual: Vec<usize>,
    },

    /// A rerun whose numbers differ from the saved results of the same seed and device.
    #[error("{id}: {field} differs from the saved run ({ours} here, {saved} in results)")]
    Disagrees {
        id: String,
        field: &'static str,
        ours: String,
        saved: String,
    },

    /// An error from polars while framing.
    #[error("polars: {0}")]
    Polars(#[from] polars::error::PolarsError),

    /// A JSON file that cannot be read or written.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),

    /// A file that cannot be read or written.
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    /// An [`Error::Invalid`] with a formatted reason.
    pub fn invalid(name: &'static str, reason: impl Into<String>) -> Self {
        Error::Invalid {
            name,
            reason: reason.into(),
        }
    }

    /// `Ok` when a re-run's value equals the saved one (both as printed), else an
    /// [`Error::Disagrees`] naming the run (`id`) and the `field`: the one comparison behind
    /// every check of a re-run against results/.
    pub fn unless_same(id: &str, field: &'static str, ours: String, saved: String) -> Result<()> {
        if ours == saved {
            Ok(())
        } else {
            Err(Error::Disagrees {
                id: id.to_string(),
                field,
                ours,
                saved,
            })
        }
    }
}

/// `Result` with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
