//! What every chart shares: the colours, the smoothing of long curves, tick labels and the
//! legend.

use super::plot_error;
use crate::error::Result;
use plotters::prelude::*;

pub(super) const CURVE: RGBColor = RGBColor(31, 119, 180);
pub(super) const VALIDATION: RGBColor = RGBColor(255, 127, 14);
/// A third series beside [`CURVE`] and [`VALIDATION`] (the study's PyTorch column).
pub(super) const THIRD: RGBColor = RGBColor(44, 160, 44);

/// Curves with at least this many points are drawn faint, under their moving average.
pub(super) const SMOOTH_FROM: usize = 1000;

/// The trailing moving average of `values` over `window` points (fewer at the start).
pub(super) fn moving_average(values: &[f64], window: usize) -> Vec<f64> {
    let window = window.max(1);
    let mut sum = 0.0;
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            sum += v;
            if i >= window {
                sum -= values[i - window];
            }
            sum / (i + 1).min(window) as f64
        })
        .collect()
}

/// The window of the moving average drawn over a long curve: a fiftieth of its length.
pub(super) fn smoothing_window(points: usize) -> Option<usize> {
    (points >= SMOOTH_FROM).then_some(points / 50)
}

/// A curve over epochs `1..` as the lines to draw: itself, or (with `smooth = Some(window)`) its
/// faint self under its moving average.
pub(super) fn curve_layers(
    values: &[f64],
    color: RGBColor,
    smooth: Option<usize>,
) -> Vec<(Vec<(usize, f64)>, ShapeStyle)> {
    let points = |v: &[f64]| v.iter().enumerate().map(|(i, y)| (i + 1, *y)).collect();
    match smooth {
        Some(w) => vec![
            (points(values), color.mix(0.3).stroke_width(1)),
            (points(&moving_average(values, w)), color.stroke_width(2)),
        ],
        None => vec![(points(values), color.stroke_width(2))],
    }
}

/// How a legend entry is drawn.
#[derive(Clone, Copy)]
pub(super) enum Mark {
    /// A line of this colour.
    Line(RGBAColor),
    /// A filled block of this colour (a band, a bar).
    Block(RGBAColor),
}

/// A legend in an area of its own, so never over a curve: the entries in one row across it
/// (`across`, a strip under a title), or one under another (a panel beside a plot).
pub(super) fn draw_legend(
    area: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    entries: &[(String, Mark)],
    across: bool,
) -> Result<()> {
    let (mut x, mut y) = if across { (60, 12) } else { (4, 30) };
    for (text, mark) in entries {
        match *mark {
            Mark::Line(color) => area
                .draw(&PathElement::new(
                    vec![(x, y), (x + 24, y)],
                    color.stroke_width(3),
                ))
                .map_err(plot_error)?,
            Mark::Block(color) => area
                .draw(&Rectangle::new([(x, y - 6), (x + 24, y + 6)], color.filled()))
                .map_err(plot_error)?,
        }
        area.draw(&Text::new(text.clone(), (x + 30, y - 7), ("sans-serif", 13)))
            .map_err(plot_error)?;
        if across {
            x += 30 + text.len() as i32 * 7 + 30;
        } else {
            y += 22;
        }
    }
    Ok(())
}

/// The range of a percentage axis holding values from `low` to `high`, `pad` beyond each: it
/// stops at 0% and 100% (a value at 100% sits on the top edge); values outside 0-100 get the
/// plain padded range.
pub(super) fn percent_range(low: f64, high: f64, pad: f64) -> (f64, f64) {
    if low >= 0.0 && high <= 100.0 {
        ((low - pad).max(0.0), (high + pad).min(100.0))
    } else {
        (low - pad, high + pad)
    }
}

/// A tick label without needless decimals: `600k`, `2000`, `0.5`.
pub(super) fn tick(v: f64) -> String {
    if v.abs() >= 10_000.0 && (v / 1000.0).fract() == 0.0 {
        format!("{:.0}k", v / 1000.0)
    } else if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}").trim_end_matches('0').to_string()
    }
}

/// Ticks for a log axis from `low` to `high`: the values `m * 10^k` inside it, with `m` from 1 to
/// 9 on a narrow axis (and the halves between them where that gives fewer than four), from
/// {1, 2, 5} on a wider one and 1 alone on a wide one, so that a narrow range (a loss between
/// 1.4 and 3.6) still gets labels and a wide one is not crowded.
pub(super) fn log_ticks(low: f64, high: f64) -> Vec<f64> {
    if !(low > 0.0 && high > low) {
        return Vec::new();
    }
    let decades = low.log10().floor() as i32..=high.log10().ceil() as i32;
    let within = |mantissas: &[f64]| -> Vec<f64> {
        decades
            .clone()
            .flat_map(|k| mantissas.iter().map(move |m| m * 10f64.powi(k)))
            .filter(|v| (low..=high).contains(v))
            .collect()
    };
    let all = within(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]);
    if all.len() < 4 {
        // Narrower still (a loss between 1.4 and 3.6): halves too.
        let halves: Vec<f64> = (2..20).map(|k| f64::from(k) / 2.0).collect();
        return within(&halves);
    }
    if all.len() <= 9 {
        return all;
    }
    let some = within(&[1.0, 2.0, 5.0]);
    if some.len() <= 8 { some } else { within(&[1.0]) }
}

/// A log axis's tick label: `2`, `0.5`, `0.05`, or `1e-4` below 0.01.
pub(super) fn log_tick(v: f64) -> String {
    if v >= 0.01 { tick(v) } else { format!("{v:.0e}") }
}

/// Colours of the lines of a [`line_chart`], in series order: twelve, so that a chart of up to
/// twelve series never gives two the same colour (Tableau's ten, then a dark blue and a dark
/// green).
pub(super) const PALETTE: [RGBColor; 12] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
    RGBColor(57, 59, 121),
    RGBColor(0, 100, 0),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_series_get_twelve_colours() {
        let mut seen: Vec<RGBColor> = Vec::new();
        for colour in PALETTE {
            assert!(!seen.contains(&colour), "{colour:?} twice");
            seen.push(colour);
        }
        assert_eq!(seen.len(), 12);
    }

    #[test]
    fn moving_average_is_trailing_and_exact() {
        let avg = moving_average(&[1.0, 2.0, 3.0, 4.0, 5.0], 2);
        assert_eq!(avg, vec![1.0, 1.5, 2.5, 3.5, 4.5]);
        assert_eq!(moving_average(&[2.0, 4.0], 1), vec![2.0, 4.0]);
    }

    #[test]
    fn percent_axes_stop_at_0_and_100() {
        assert_eq!(percent_range(90.0, 100.0, 1.0), (89.0, 100.0));
        assert_eq!(percent_range(0.5, 50.0, 1.0), (0.0, 51.0));
        assert_eq!(percent_range(-5.0, 120.0, 1.0), (-6.0, 121.0));
    }

    #[test]
    fn log_ticks_label_narrow_and_wide_ranges() {
        assert_eq!(log_ticks(1.4, 3.6), vec![1.5, 2.0, 2.5, 3.0, 3.5]);
        assert_eq!(log_ticks(0.01, 5.0), vec![0.01, 0.1, 1.0]);
        assert_eq!(log_ticks(0.5, 5.0), vec![0.5, 1.0, 2.0, 5.0]);
        assert_eq!(log_ticks(0.15, 0.95).len(), 8);
        assert!(log_ticks(0.0, 1.0).is_empty());
        assert_eq!(
            (log_tick(2.0), log_tick(0.05), log_tick(1e-4)),
            ("2".into(), "0.05".into(), "1e-4".into())
        );
    }
}
