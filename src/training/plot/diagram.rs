//! The LSTM cell drawn in the manner of Olah's "Understanding LSTM Networks": the cell state
//! running along the top, the three gates and the candidate reading `[h_{t-1}, x_t]` along the
//! bottom, each annotated with what a trained layer measured ([`GateStats`]), or bare.
//!
//! Hand-written SVG (no chart axes to draw): boxes, lines, circles and text at fixed places.

use super::Svg;
use crate::inspect::GateStats;
use std::fmt::Write;

/// Where things sit (SVG units).
const WIDTH: f64 = 820.0;
const HEIGHT: f64 = 610.0;
/// The height without the measured lines below the cell.
const BARE_HEIGHT: f64 = 470.0;
const CELL_Y: f64 = 100.0; // the cell-state line
const BUS_Y: f64 = 360.0; // [h_{t-1}, x_t]
const GATE_Y: f64 = 280.0; // centres of the gate boxes
const MIX_Y: f64 = 200.0; // the products i * g and o * tanh(c)
const OUT_Y: f64 = 390.0; // h_t leaving
const R: f64 = 13.0; // radius of an operation's circle

/// The four gates: name, function drawn, x of the box centre, its colour.
const BOXES: [(&str, &str, f64, &str); 4] = [
    ("i", "σ", 330.0, "#2ca02c"),
    ("f", "σ", 220.0, "#1f77b4"),
    ("g", "tanh", 420.0, "#9467bd"),
    ("o", "σ", 540.0, "#ff7f0e"),
];
const SQUASH_X: f64 = 650.0; // tanh(c) and the output product

/// One LSTM step as a diagram. With `stats`, its gates (in the order `[i, f, g, o]` of
/// [`GateStats`]) are annotated with their measured mean activation (each box filled from the
/// left as far as it, like a gauge; the signed candidate `g` labelled with, and filled as far
/// as, its mean size `|g|`), and,
/// below, how often each gate was nearly shut or nearly open over `stats.samples` samples x
/// `stats.steps` steps. Without, each box shows the range of its values.
///
/// ```
/// let svg = lstm_lab::plot::gate_diagram(None, "One LSTM step");
/// assert!(svg.as_str().contains("f = σ(·)"));
/// ```
pub fn gate_diagram(stats: Option<&GateStats>, title: &str) -> Svg {
    let height = if stats.is_some() { HEIGHT } else { BARE_HEIGHT };
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="14">
<rect width="100%" height="100%" fill="white"/>
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>
<text x="{}" y="26" text-anchor="middle" font-size="16">{}</text>
<rect x="100" y="55" width="640" height="355" rx="18" fill="#f4f4f4" stroke="#999"/>
"##,
        WIDTH / 2.0,
        escape(title)
    );
    let line = |s: &mut String, points: &[(f64, f64)], arrow: bool| {
        let d: Vec<String> = points.iter().map(|(x, y)| format!("{x},{y}")).collect();
        let end = if arrow { r#" marker-end="url(#arrow)""# } else { "" };
        let _ = writeln!(
            s,
            r##"<polyline points="{}" fill="none" stroke="#333" stroke-width="2"{end}/>"##,
            d.join(" ")
        );
    };
    let op = |s: &mut String, x: f64, y: f64, symbol: &str| {
        let _ = writeln!(
            s,
            r##"<circle cx="{x}" cy="{y}" r="{R}" fill="#fde9e9" stroke="#c44" stroke-width="2"/><text x="{x}" y="{}" text-anchor="middle" font-size="18">{symbol}</text>"##,
            y + 6.0
        );
    };
    let label = |s: &mut String, x: f64, y: f64, anchor: &str, text: &str| {
        let _ = writeln!(
            s,
            r#"<text x="{x}" y="{y}" text-anchor="{anchor}" font-style="italic">{text}</text>"#
        );
    };
    let [(_, _, i_x, _), (_, _, f_x, _), (_, _, g_x, _), (_, _, o_x, _)] = BOXES;

    // The cell state along the top: c_{t-1} -> x f -> + (i * g) -> c_t.
    label(&mut s, 20.0, CELL_Y - 10.0, "start", "c(t-1)");
    line(&mut s, &[(20.0, CELL_Y), (f_x - R, CELL_Y)], false);
    line(&mut s, &[(f_x + R, CELL_Y), (g_x - R, CELL_Y)], false);
    line(&mut s, &[(g_x + R, CELL_Y), (795.0, CELL_Y)], true);
    label(&mut s, 800.0, CELL_Y - 10.0, "end", "c(t)");
    // [h_{t-1}, x_t] along the bottom, read by every gate.
    label(&mut s, 20.0, BUS_Y - 10.0, "start", "h(t-1)");
    line(&mut s, &[(20.0, BUS_Y), (o_x, BUS_Y)], false);
    label(&mut s, 150.0, 450.0, "middle", "x(t)");
    line(&mut s, &[(150.0, 432.0), (150.0, BUS_Y)], false);
    for (_, _, x, _) in BOXES {
        line(&mut s, &[(x, BUS_Y), (x, GATE_Y + 24.0)], true);
    }
    // f scales the old cell; i scales the candidate g; their sum is the new cell.
    line(&mut s, &[(f_x, GATE_Y - 24.0), (f_x, CELL_Y + R)], true);
    line(
        &mut s,
        &[(i_x, GATE_Y - 24.0), (i_x, MIX_Y), (g_x - R, MIX_Y)],
        true,
    );
    line(&mut s, &[(g_x, GATE_Y - 24.0), (g_x, MIX_Y + R)], true);
    line(&mut s, &[(g_x, MIX_Y - R), (g_x, CELL_Y + R)], true);
    op(&mut s, f_x, CELL_Y, "×");
    op(&mut s, g_x, CELL_Y, "+");
    op(&mut s, g_x, MIX_Y, "×");
    // h_t = o * tanh(c_t), leaving to the right (to the next step and to the layer's output).
    let squash_y = 150.0;
    line(&mut s, &[(SQUASH_X, CELL_Y), (SQUASH_X, squash_y - 14.0)], true);
    let _ = writeln!(
        s,
        r##"<ellipse cx="{SQUASH_X}" cy="{squash_y}" rx="28" ry="14" fill="#fde9e9" stroke="#c44" stroke-width="2"/><text x="{SQUASH_X}" y="{}" text-anchor="middle" font-size="13">tanh</text>"##,
        squash_y + 5.0
    );
    line(
        &mut s,
        &[(SQUASH_X, squash_y + 14.0), (SQUASH_X, MIX_Y - R)],
        true,
    );
    line(
        &mut s,
        &[(o_x, GATE_Y - 24.0), (o_x, MIX_Y), (SQUASH_X - R, MIX_Y)],
        true,
    );
    op(&mut s, SQUASH_X, MIX_Y, "×");
    line(
        &mut s,
        &[(SQUASH_X, MIX_Y + R), (SQUASH_X, OUT_Y), (795.0, OUT_Y)],
        true,
    );
    label(&mut s, 800.0, OUT_Y - 10.0, "end", "h(t)");

    // The gates, each filled from the left as far as its mean activation (for g, its mean's
    // size), a gauge under the box's words; bare, a third of the way.
    for (g, (name, function, x, colour)) in [1, 0, 2, 3].map(|k| (k, BOXES[k])) {
        // g is signed: its mean can be near 0 while it writes strongly both ways, so its box is
        // filled, and labelled, with its mean size |g| (its signed mean is in the lines below).
        let (number, depth) = match stats {
            Some(stats) if g == 2 => (format!("|g| {:.2}", stats.mean_abs[g]), stats.mean_abs[g]),
            Some(stats) => (format!("{:.2}", shown(stats.mean[g])), shown(stats.mean[g])),
            None if g == 2 => ("-1 to 1".to_string(), 0.3),
            None => ("0 to 1".to_string(), 0.3),
        };
        let depth = depth.clamp(0.0, 1.0);
        let _ = writeln!(
            s,
            r##"<rect x="{left}" y="{top}" width="80" height="48" rx="6" fill="white"/>
<rect x="{left}" y="{top}" width="{:.1}" height="48" fill="{colour}" fill-opacity="0.35"/>
<rect x="{left}" y="{top}" width="80" height="48" rx="6" fill="none" stroke="{colour}" stroke-width="2"/>
<text x="{x}" y="{}" text-anchor="middle">{name} = {function}(·)</text>
<text x="{x}" y="{}" text-anchor="middle" font-weight="bold">{number}</text>"##,
            80.0 * depth,
            GATE_Y - 4.0,
            GATE_Y + 16.0,
            left = x - 40.0,
            top = GATE_Y - 24.0,
        );
    }

    // The measured numbers, one line per gate.
    let Some(stats) = stats else {
        s.push_str("</svg>\n");
        return Svg(s);
    };
    let saturated = stats.saturated();
    let mostly = stats.mostly_saturated(0.5);
    let _ = writeln!(
        s,
        r#"<text x="20" y="482" font-size="13">Measured over {} samples x {} steps, {} units; each box filled, left to right, to its number. Per gate: its mean,</text>"#,
        stats.samples,
        stats.steps,
        stats.units()
    );
    let _ = writeln!(
        s,
        r#"<text x="20" y="500" font-size="13">the share of the time it is nearly shut or nearly open, and the units that are one or the other on over half the steps:</text>"#,
    );
    let words = ["input", "forget", "candidate", "output"];
    for (row, g) in [1, 0, 2, 3].into_iter().enumerate() {
        let (name, _, _, colour) = BOXES[g];
        let [low, high] = saturated[g];
        let shut = if g == 2 { "-0.9" } else { "0.1" };
        let _ = writeln!(
            s,
            r##"<text x="20" y="{}" font-size="13"><tspan fill="{colour}" font-weight="bold">{name} ({})</tspan>: mean {:.2}{} · below {shut}: {:.0}% · above 0.9: {:.0}% · {} of {} units</text>"##,
            526.0 + 22.0 * row as f64,
            words[g],
            shown(stats.mean[g]),
            if g == 2 {
                format!(" (mean size |g| {:.2})", stats.mean_abs[g])
            } else {
                String::new()
            },
            100.0 * low,
            100.0 * high,
            mostly[g],
            stats.units(),
        );
    }
    s.push_str("</svg>\n");
    Svg(s)
}

/// `mean` as printed with two decimals, without the sign of a mean that rounds to zero (which
/// would read as a negative number, "-0.00").
fn shown(mean: f64) -> f64 {
    if mean.abs() < 0.005 { 0.0 } else { mean }
}

/// `text` with XML's five special characters escaped.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_diagram_shows_each_gates_numbers_and_renders() {
        let stats = GateStats {
            samples: 200,
            steps: 10,
            mean: [0.25, 0.75, -0.001, 0.5],
            mean_abs: [0.25, 0.75, 0.6, 0.5],
            low: [vec![0.1, 0.2], vec![0.0, 0.0], vec![0.3, 0.3], vec![0.6, 0.0]],
            high: [vec![0.0, 0.0], vec![0.9, 0.7], vec![0.1, 0.1], vec![0.0, 0.2]],
        };
        let svg = gate_diagram(Some(&stats), "a <toy> & its gates");
        let text = svg.as_str();
        assert!(text.contains("a &lt;toy&gt; &amp; its gates"));
        assert!(text.contains(">0.75<") && text.contains(">|g| 0.60<") && !text.contains("-0.00"));
        assert!(
            text.contains("mean 0.75 · below 0.1: 0% · above 0.9: 80% · 2 of 2 units<"),
            "{text}"
        );
        assert!(text.contains("over 200 samples x 10 steps, 2 units; "));
        assert!(text.contains("mean 0.00 (mean size |g| 0.60)"), "{text}");
        let png = svg.to_png().unwrap();
        assert_eq!(&png[..4], b"\x89PNG");
        let bare = gate_diagram(None, "one step");
        assert!(bare.as_str().contains(">0 to 1<") && bare.as_str().contains(">-1 to 1<"));
        assert!(!bare.as_str().contains("Measured") && !bare.as_str().contains("0.75"));
        assert_eq!(&bare.to_png().unwrap()[..4], b"\x89PNG");
    }
}
