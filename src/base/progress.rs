//! Progress bars for long work (epochs, fits, runs), drawn on stderr only when asked.

use indicatif::{ProgressBar, ProgressStyle};

/// A progress bar that draws only when `enabled` (and never in tests, where output is captured).
pub(crate) fn progress_bar(enabled: bool, len: u64, unit: &str) -> ProgressBar {
    if !enabled {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{elapsed_precise}} [{{bar:30}}] {{pos}}/{{len}} {unit}, ETA {{eta}} {{msg}}"
        ))
        .expect("a valid template")
        .progress_chars("=> "),
    );
    bar
}
