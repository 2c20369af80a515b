//! evcxr's rich-output protocol: a value shown in a notebook prints
//! `EVCXR_BEGIN_CONTENT <mime type>`, the content, then `EVCXR_END_CONTENT` on stdout
//! ([`emit`]); a table is shown as HTML and as aligned plain text ([`show_table`]). The
//! `evcxr_display` methods that use it live in [`crate::notebook`].

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
