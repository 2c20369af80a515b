//! Reading and writing files with errors that name the file ([`Error::Read`], [`Error::Write`],
//! [`Error::Parse`]) and keep the underlying error as their source.

use crate::error::{Error, Result};
use serde::de::DeserializeOwned;
use std::path::Path;

/// The text of `path`; `hint` (e.g. `" (run `lstm-lab study` first)"`) ends the error.
pub(crate) fn read_text(path: &Path, hint: &'static str) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        hint,
        source,
    })
}

/// The JSON value in `path`; `hint` ends the error, whether the file cannot be read or does not
/// hold the JSON expected.
pub(crate) fn read_json<T: DeserializeOwned>(path: &Path, hint: &'static str) -> Result<T> {
    serde_json::from_str(&read_text(path, hint)?).map_err(|source| Error::Parse {
        path: path.to_path_buf(),
        hint,
        source,
    })
}

/// Maps an IO error on `path` to [`Error::Read`] (a folder listed, a file opened).
pub(crate) fn reading(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Read {
        path: path.to_path_buf(),
        hint: "",
        source,
    }
}

/// Maps an IO error on `path` to [`Error::Write`].
pub(crate) fn writing(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_file_and_keep_their_source() {
        let missing = Path::new("/nonexistent/lstm-lab/x.json");
        let err = read_json::<serde_json::Value>(missing, " (make it first)").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("/nonexistent/lstm-lab/x.json") && text.ends_with("(make it first)"),
            "{text}"
        );
        assert!(std::error::Error::source(&err).is_some());
        let dir = std::env::temp_dir().join(format!("lstm-lab-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bad = dir.join("bad.json");
        std::fs::write(&bad, "{ not json").unwrap();
        let err = read_json::<serde_json::Value>(&bad, " (delete it)").unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, Error::Parse { .. }), "{err}");
        assert!(
            text.contains("bad.json") && text.ends_with("(delete it)"),
            "{text}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
