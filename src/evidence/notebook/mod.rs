//! Support for the Jupyter notebooks (evcxr Rust kernel): rich display, and panics that stop
//! the notebook.
//!
//! ## Failing loudly
//!
//! evcxr catches a panic inside a cell, prints it to stderr and carries on, so a notebook whose
//! cell panicked still "runs" to the end. [`setup`], called in a notebook's first cell,
//! makes a panic end the kernel's child process instead: the cell reports an error and the
//! notebook run stops there.
//!
//! ## Rich display
//!
//! evcxr shows a value that has an inherent `evcxr_display(&self)` method by calling it when
//! the value is a cell's last expression; the method prints
//! `EVCXR_BEGIN_CONTENT <mime type>`, the content, then `EVCXR_END_CONTENT` on stdout. The
//! crate's types use it so that a notebook shows them the way a reader wants them:
//!
//! | type | shown as |
//! |---|---|
//! | [`crate::plot::Svg`] | the chart, as a PNG (`image/png`, what every front end draws) and as the SVG (`image/svg+xml`) |
//! | [`crate::train::History`] | its loss and accuracy curves |
//! | [`crate::metrics::Confusion`] | its heatmap |
//! | [`crate::summary::Summary`] | the model summary, as a table |
//! | [`crate::report::RunRecord`], [`crate::report::ResultsTable`] | results, as tables |
//! | [`crate::exercises::Answer`], [`crate::study::Study`] | their numbers, as tables |
//! | [`Markdown`] | prose rendered from measured numbers (`text/markdown`) |
//!
//! A table is one output in two forms: HTML, which Jupyter draws, and aligned plain text
//! (`text/plain`), which a console or a reader without HTML gets.
//!
//! Outside a notebook the methods just print that text; nothing calls them. They all live in
//! `display.rs`, beside the set-up, so that no other module imports the notebook support.

mod display;

/// Prose written from measured numbers, shown in a notebook as Markdown (`text/markdown`, with
/// the text itself as the `text/plain` form): a sentence that carries a number is rendered from
/// the number, so it cannot drift from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Markdown(pub String);

impl std::fmt::Display for Markdown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A sentence about measured numbers, and whether those numbers support it: shown as
/// [`Markdown`] while `holds` is true. When `holds` is false the sentence is no longer true of
/// the run, and `claim` panics with it, which stops a notebook set up by [`setup`]: a page cannot keep a sentence its own numbers contradict.
///
/// ```
/// use lstm_lab::notebook::claim;
/// let (before, after) = (82.61, 100.0);
/// let shown = claim(format!("training longer lifts it from {before:.2}% to {after:.2}%"), after > before);
/// assert_eq!(shown.0, "training longer lifts it from 82.61% to 100.00%");
/// assert!(std::panic::catch_unwind(|| claim("it falls", after < before)).is_err());
/// let nan = f64::NAN;
/// assert!(std::panic::catch_unwind(|| claim("a NaN is above 0", nan > 0.0)).is_err());
/// ```
pub fn claim(sentence: impl Into<String>, holds: bool) -> Markdown {
    let sentence = sentence.into();
    assert!(holds, "a claim no longer holds for these numbers: \"{sentence}\"");
    Markdown(sentence)
}

/// A notebook's set-up in one call: a later panic stops the notebook, and the
/// device named `device` (`"cpu"`, or `"wgpu"` in a build with the `wgpu` feature) is returned
/// seeded with `seed`, for the tensors Burn draws itself.
///
/// ```
/// let device = lstm_lab::notebook::setup("cpu", 1).unwrap();
/// assert!(lstm_lab::notebook::setup("tpu", 1).is_err());
/// # drop(device);
/// ```
pub fn setup(device: &str, seed: u64) -> crate::Result<burn::tensor::Device> {
    exit_on_panic();
    let device = crate::device::from_name(device)?;
    device.seed(seed);
    println!(
        "lstm_lab {} on {device:?}, seed {seed}",
        env!("CARGO_PKG_VERSION")
    );
    Ok(device)
}

/// Makes any later panic print its message and location on stderr and exit the process with
/// status 101, so that evcxr reports the cell as failed (see the module docs); [`setup`] calls it.
fn exit_on_panic() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.payload_as_str().unwrap_or("(no message)");
        let place = info
            .location()
            .map_or(String::new(), |l| format!(" at {}:{}", l.file(), l.line()));
        eprintln!("panicked{place}: {message}");
        // Give evcxr's reader a moment to forward the line before the process goes away.
        std::thread::sleep(std::time::Duration::from_millis(200));
        std::process::exit(101);
    }));
}
