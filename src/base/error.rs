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

    /// Input holding a NaN or an infinity, and where: `what` is `"the input X"` or `"the
    /// targets y"`, the index is `[sample, step, last]`, the last axis named by `axis`
    /// (`"feature"` for X, `"class"` for y).
    #[error("{what} holds {value} at sample {}, step {}, {axis} {}: training and prediction need finite numbers", .index[0], .index[1], .index[2])]
    NonFinite {
        what: &'static str,
        axis: &'static str,
        index: [usize; 3],
        value: f32,
    },

    /// Training stopped because the loss of a batch stopped being a finite number (Keras's
    /// `TerminateOnNaN`); epochs and batches count from 1.
    #[error("training stopped: the loss became {loss} at epoch {epoch}, batch {batch}")]
    Diverged { epoch: usize, batch: usize, loss: f32 },

    /// A rerun whose numbers differ from the saved results of the same seed and device: the run
    /// (`id`), the field and where and how they differ (see `Error::unless_same`).
    #[error("{id}: {field} differs from the saved run{detail}")]
    Disagrees {
        id: String,
        field: &'static str,
        detail: String,
    },

    /// A file that cannot be read; `hint` says what makes it, where something does.
    #[error("cannot read {}: {source}{hint}", path.display())]
    Read {
        path: std::path::PathBuf,
        hint: &'static str,
        #[source]
        source: std::io::Error,
    },

    /// A file or folder that cannot be written, created, moved or removed.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A JSON file that does not hold what it should; `hint` says what to do about it.
    #[error("{} does not hold the JSON expected: {source}{hint}", path.display())]
    Parse {
        path: std::path::PathBuf,
        hint: &'static str,
        #[source]
        source: serde_json::Error,
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

    /// `Ok` when a re-run's value equals the saved one, else an [`Error::Disagrees`] naming the
    /// run (`id`) and the `field`, with both values: the one comparison behind every check of a
    /// re-run against results/ (a list compares with [`Error::unless_same_values`]).
    pub(crate) fn unless_same<T: Same>(id: &str, field: &'static str, ours: T, saved: T) -> Result<()> {
        if ours.same(&saved) {
            return Ok(());
        }
        Err(Error::Disagrees {
            id: id.to_string(),
            field,
            detail: format!(": {} here, {} saved", ours.show(), saved.show()),
        })
    }

    /// `Ok` when two lists are equal entry for entry (floats to the last bit), else an
    /// [`Error::Disagrees`] that says where: the first index that differs, both values there,
    /// how many entries differ and, for numbers, the largest difference. Never the whole list.
    pub(crate) fn unless_same_values<T: Same>(
        id: &str,
        field: &'static str,
        ours: &[T],
        saved: &[T],
    ) -> Result<()> {
        let fail = |detail: String| {
            Err(Error::Disagrees {
                id: id.to_string(),
                field,
                detail,
            })
        };
        if ours.len() != saved.len() {
            return fail(format!(": {} entries here, {} saved", ours.len(), saved.len()));
        }
        let differing: Vec<usize> = (0..ours.len()).filter(|&i| !ours[i].same(&saved[i])).collect();
        let Some(&first) = differing.first() else {
            return Ok(());
        };
        // The largest gap, NaN kept if there is one.
        let largest = differing
            .iter()
            .filter_map(|&i| ours[i].distance(&saved[i]))
            .reduce(|a, d| if d > a || d.is_nan() { d } else { a });
        let largest = largest.map_or(String::new(), |d| format!(", the largest by {d:e}"));
        fail(format!(
            " first at index {first}: {} here, {} saved ({} of {} entries differ{largest})",
            ours[first].show(),
            saved[first].show(),
            differing.len(),
            ours.len()
        ))
    }
}

/// A value a re-run is compared with its saved twin by: equality (floats bit for bit, so that a
/// NaN equals only the same NaN), a short display, and for numbers the distance between two.
pub(crate) trait Same {
    /// Equal to the last bit.
    fn same(&self, other: &Self) -> bool;
    /// At most about 80 characters.
    fn show(&self) -> String;
    /// `|self - other|` for numbers.
    fn distance(&self, _other: &Self) -> Option<f64> {
        None
    }
}

macro_rules! same_by_bits {
    ($($t:ty),*) => {$(
        impl Same for $t {
            fn same(&self, other: &Self) -> bool {
                self.to_bits() == other.to_bits()
            }
            fn show(&self) -> String {
                format!("{self:?}")
            }
            fn distance(&self, other: &Self) -> Option<f64> {
                Some((f64::from(*self) - f64::from(*other)).abs())
            }
        }
    )*};
}
same_by_bits!(f32, f64);

macro_rules! same_by_eq {
    ($($t:ty),*) => {$(
        impl Same for $t {
            fn same(&self, other: &Self) -> bool {
                self == other
            }
            fn show(&self) -> String {
                self.to_string()
            }
            fn distance(&self, other: &Self) -> Option<f64> {
                Some((*self as f64 - *other as f64).abs())
            }
        }
    )*};
}
same_by_eq!(usize, u64);

impl Same for String {
    fn same(&self, other: &Self) -> bool {
        self == other
    }
    fn show(&self) -> String {
        const MOST: usize = 80;
        if self.chars().count() <= MOST {
            format!("{self:?}")
        } else {
            let head: String = self.chars().take(MOST).collect();
            format!("{head:?}...")
        }
    }
}

impl Same for &str {
    fn same(&self, other: &Self) -> bool {
        self == other
    }
    fn show(&self) -> String {
        self.to_string().show()
    }
}

impl<T: Same> Same for Option<T> {
    fn same(&self, other: &Self) -> bool {
        match (self, other) {
            (Some(a), Some(b)) => a.same(b),
            (None, None) => true,
            _ => false,
        }
    }
    fn show(&self) -> String {
        self.as_ref().map_or("none".to_string(), Same::show)
    }
}

/// `Result` with the crate's [`enum@Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
