//! Support for the Jupyter notebooks (evcxr Rust kernel): rich display, and panics that stop
//! the notebook.
//!
//! ## Failing loudly
//!
//! evcxr catches a panic inside a cell, prints it to stderr and carries on, so a notebook whose
//! cell panicked still "runs" to the end. [`exit_on_panic`], called in a notebook's first cell,
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
//! | [`crate::plot::Svg`] | the chart (`image/svg+xml`) |
//! | [`crate::train::History`] | its loss and accuracy curves |
//! | [`crate::metrics::Confusion`] | its heatmap |
//! | [`crate::summary::Summary`] | the model summary, as a table |
//! | [`crate::report::RunRecord`], [`crate::report::Summary`] | results, as tables |
//! | [`crate::exercises::Answer`], [`crate::study::Study`] | their numbers, as tables |
//!
//! A table is one output in two forms: HTML, which Jupyter draws, and aligned plain text
//! (`text/plain`), which a console or a reader without HTML gets.
//!
//! Outside a notebook the methods just print that text; nothing calls them.

/// A notebook's set-up in one call: panics stop the notebook ([`exit_on_panic`]), and the
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
/// status 101, so that evcxr reports the cell as failed (see the module docs). Call it once, in
/// a notebook's first cell; a command-line program does not need it.
pub fn exit_on_panic() {
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

/// Prints `content` as one evcxr rich output of type `mime`.
pub(crate) fn emit(mime: &str, content: &str) {
    println!("EVCXR_BEGIN_CONTENT {mime}\n{content}\nEVCXR_END_CONTENT");
}

/// Shows a table as one evcxr output in two forms: an HTML table (what Jupyter draws) and the
/// same table as aligned plain text (`text/plain`: what a console, a diff or a reader without
/// HTML sees).
pub(crate) fn show_table<S: AsRef<str>>(header: &[&str], rows: &[Vec<S>]) {
    emit("text/plain", &text_table(header, rows));
    emit("text/html", &html_table(header, rows));
}

/// The table as plain text: columns padded to their widest cell, a rule under the header.
pub(crate) fn text_table<S: AsRef<str>>(header: &[&str], rows: &[Vec<S>]) -> String {
    let width = |i: usize| {
        rows.iter()
            .filter_map(|r| r.get(i))
            .map(|c| c.as_ref().chars().count())
            .chain([header.get(i).map_or(0, |h| h.chars().count())])
            .max()
            .unwrap_or(0)
    };
    let columns = rows.iter().map(Vec::len).chain([header.len()]).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns).map(width).collect();
    let line = |cells: Vec<&str>| -> String {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, &w)| format!("{c:<w$}"))
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    let mut text = line(header.to_vec());
    text.push('\n');
    let rules: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
    text.push_str(&line(rules.iter().map(String::as_str).collect()));
    for row in rows {
        text.push('\n');
        text.push_str(&line(row.iter().map(AsRef::as_ref).collect()));
    }
    text
}

/// An HTML table with a header row; cells are escaped.
pub(crate) fn html_table<S: AsRef<str>>(header: &[&str], rows: &[Vec<S>]) -> String {
    let mut html = String::from("<table>\n<thead><tr>");
    for h in header {
        html.push_str(&format!("<th>{}</th>", escape(h)));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        html.push_str("<tr>");
        for cell in row {
            html.push_str(&format!("<td>{}</td>", escape(cell.as_ref())));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>");
    html
}

/// `&`, `<`, `>` and `"` as HTML entities.
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_escapes_cells() {
        let html = html_table(&["a"], &[vec!["<b> & \"c\""]]);
        assert!(html.contains("<td>&lt;b&gt; &amp; &quot;c&quot;</td>"));
        assert!(html.starts_with("<table>") && html.ends_with("</table>"));
    }

    #[test]
    fn text_table_aligns_columns() {
        let text = text_table(
            &["arm", "mean"],
            &[vec!["in order", "1.04%"], vec!["10 steps", "100%"]],
        );
        assert_eq!(
            text,
            "arm       mean\n--------  -----\nin order  1.04%\n10 steps  100%"
        );
    }
}
