//! Accuracies as bars (reported beside ours), as their differences, and as strips of points per
//! group.

use super::style::*;
use super::{Svg, plot_error};
use crate::error::{Error, Result};
use plotters::prelude::*;

/// One bar pair per experiment, as horizontal bars: the tutorial's reported accuracy (grey;
/// none where it reports no number) and ours (blue), in percent.
///
/// `bars`: `(label, reported, reproduced)`, drawn top to bottom.
pub fn accuracy_bars(bars: &[(String, Option<f64>, f64)], title: &str) -> Result<Svg> {
    paired_bars(bars, title, ["reported", "reproduced"])
}

/// Like [`accuracy_bars`], with the two bars of a pair named by `names` (grey, then blue); the
/// grey one's legend entry is left out when no bar has it.
pub fn paired_bars(bars: &[(String, Option<f64>, f64)], title: &str, names: [&str; 2]) -> Result<Svg> {
    if bars.is_empty() {
        return Err(Error::Empty {
            what: "the accuracies to plot",
        });
    }
    let n = bars.len();
    let grey = RGBColor(160, 160, 160);
    let mut svg = String::new();
    {
        let height = (n * 44 + 136) as u32;
        let root = SVGBackend::with_string(&mut svg, (900, height)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let root = root.titled(title, ("sans-serif", 18)).map_err(plot_error)?;
        // The legend in a strip of its own under the title, so the axis can stop at 100%.
        let (strip, root) = root.split_vertically(26);
        let mut entries = Vec::new();
        if bars.iter().any(|b| b.1.is_some()) {
            entries.push((names[0].to_string(), Mark::Block(grey.to_rgba())));
        }
        entries.push((names[1].to_string(), Mark::Block(CURVE.to_rgba())));
        draw_legend(&strip, &entries, true)?;
        // Bar pair `i` is centred on y = n - 1 - i (the first at the top), so that the integer
        // ticks carry the labels.
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .margin_right(24)
            .x_label_area_size(40)
            .y_label_area_size(
                bars.iter()
                    .map(|b| b.0.len() as u32 * 7 + 20)
                    .max()
                    .unwrap_or(0)
                    .max(190),
            )
            .build_cartesian_2d(0f64..100f64, -0.5f64..n as f64 - 0.5)
            .map_err(plot_error)?;
        let labels: Vec<&str> = bars.iter().map(|b| b.0.as_str()).collect();
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n)
            .y_label_formatter(&|y| row_label(&labels, *y))
            .y_label_style(("sans-serif", 14))
            .x_labels(11)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .x_desc("accuracy (%)")
            .draw()
            .map_err(plot_error)?;
        let bar = |i: usize, from: f64, to: f64, value: f64, color: RGBColor| {
            let y = (n - 1 - i) as f64;
            Rectangle::new([(0.0, y + from), (value, y + to)], color.filled())
        };
        chart
            .draw_series(
                bars.iter()
                    .enumerate()
                    .filter_map(|(i, b)| b.1.map(|v| bar(i, 0.02, 0.38, v, grey))),
            )
            .map_err(plot_error)?;
        chart
            .draw_series(
                bars.iter()
                    .enumerate()
                    .map(|(i, b)| bar(i, -0.38, -0.02, b.2, CURVE)),
            )
            .map_err(plot_error)?;
        root.present().map_err(plot_error)?;
    }
    Ok(Svg(svg))
}

/// Ours minus the tutorial's number, in percentage points, one row per experiment: a dot at
/// the difference on a line from 0, the two numbers written beside it; a row whose tutorial
/// printed no number says so. Equal numbers sit on the 0 line, where paired bars of 99.64% and
/// 100% would look alike.
///
/// `rows`: `(label, reported, reproduced)`, drawn top to bottom.
pub(crate) fn difference_dots(rows: &[(String, Option<f64>, f64)], title: &str) -> Result<Svg> {
    if rows.is_empty() {
        return Err(Error::Empty {
            what: "the accuracies to compare",
        });
    }
    let n = rows.len();
    let widest = rows
        .iter()
        .filter_map(|r| r.1.map(|reported| (r.2 - reported).abs()))
        .fold(1.0f64, f64::max);
    let reach = (widest * 1.6).ceil();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, (n * 40 + 110) as u32)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let labels: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(
                labels
                    .iter()
                    .map(|l| l.len() as u32 * 7 + 20)
                    .max()
                    .unwrap_or(0)
                    .max(190),
            )
            .build_cartesian_2d(-reach..reach, -0.5f64..n as f64 - 0.5)
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n)
            .y_label_formatter(&|y| row_label(&labels, *y))
            .y_label_style(("sans-serif", 14))
            .x_label_formatter(&|x| format!("{x:+.0}"))
            .x_desc("ours minus the tutorial's number (percentage points)")
            .draw()
            .map_err(plot_error)?;
        let grey = RGBColor(160, 160, 160);
        chart
            .draw_series(LineSeries::new(
                [(0.0, -0.5), (0.0, n as f64 - 0.5)],
                grey.stroke_width(2),
            ))
            .map_err(plot_error)?;
        for (i, (_, reported, ours)) in rows.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            let style = ("sans-serif", 13).into_font().color(&BLACK);
            let Some(reported) = reported else {
                let text = format!("ours {ours:.2}%; the tutorial prints no number");
                chart
                    .draw_series([Text::new(text, (-reach * 0.95, y + 0.15), style)])
                    .map_err(plot_error)?;
                continue;
            };
            let d = ours - reported;
            chart
                .draw_series(LineSeries::new([(0.0, y), (d, y)], CURVE.stroke_width(3)))
                .map_err(plot_error)?;
            chart
                .draw_series([Circle::new((d, y), 6, CURVE.filled())])
                .map_err(plot_error)?;
            let text = format!("{d:+.2}: ours {ours:.2}%, tutorial {reported:.2}%");
            let at = if d < 0.0 {
                (d - reach * 0.05, y + 0.38)
            } else {
                (d + reach * 0.05, y + 0.15)
            };
            chart
                .draw_series([Text::new(text, at, style)])
                .map_err(plot_error)?;
        }
        root.present().map_err(plot_error)?;
    }
    Ok(Svg(svg))
}

/// The label of the row centred on `y` (row 0 at the top, at `y = n - 1`), or nothing between
/// rows.
fn row_label(labels: &[&str], y: f64) -> String {
    let i = y.round();
    let row = labels.len() as f64 - 1.0 - i;
    match labels.get(row as usize) {
        Some(label) if (y - i).abs() < 1e-6 && row >= 0.0 => label.to_string(),
        _ => String::new(),
    }
}

/// Each group's values as a strip of points (ties side by side), its median as a bar, and the
/// tutorial's reported number as a dashed line: the study's "ours beside Keras" chart.
///
/// `groups`: `(name, values)`, left to right; an empty group is drawn as "no runs".
pub fn strip_chart(title: &str, groups: &[(&str, &[f64])], reported: Option<f64>) -> Result<Svg> {
    let all: Vec<f64> = groups
        .iter()
        .flat_map(|g| g.1.iter().copied())
        .chain(reported)
        .collect();
    if all.is_empty() {
        return Err(Error::Empty {
            what: "the values to plot",
        });
    }
    let lo = all.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let pad = ((hi - lo) * 0.08).max(1.0);
    let (lo, hi) = percent_range(lo, hi, pad);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (640, 380)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let n = groups.len();
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 17))
            .margin(12)
            .x_label_area_size(52)
            .y_label_area_size(55)
            .build_cartesian_2d(-0.5f64..n as f64 - 0.5, lo..hi)
            .map_err(plot_error)?;
        let names: Vec<String> = groups
            .iter()
            .map(|(name, values)| match values.len() {
                0 => format!("{name} (no runs)"),
                1 => format!("{name} (1 seed)"),
                k => format!("{name} ({k} seeds)"),
            })
            .collect();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&|x| {
                let i = x.round();
                match names.get(i as usize) {
                    Some(name) if (x - i).abs() < 1e-6 && i >= 0.0 => name.clone(),
                    _ => String::new(),
                }
            })
            .y_desc("percent")
            // The key below the axis, where no dot can sit under it.
            .x_desc(match reported {
                Some(r) => {
                    format!("each dot one seed · black bar: median · dashed line: the tutorial's {r:.2}%")
                }
                None => "each dot one seed · black bar: median".to_string(),
            })
            .light_line_style(WHITE)
            .draw()
            .map_err(plot_error)?;
        if let Some(r) = reported {
            chart
                .draw_series(DashedLineSeries::new(
                    [(-0.5, r), (n as f64 - 0.5, r)],
                    6,
                    4,
                    RGBColor(90, 90, 90).stroke_width(2),
                ))
                .map_err(plot_error)?;
        }
        let colors = [CURVE, VALIDATION, THIRD];
        for (g, (_, values)) in groups.iter().enumerate() {
            let color = colors[g % colors.len()];
            // Equal values sit side by side, centred on the group.
            let mut seen: Vec<(f64, usize)> = Vec::new();
            let points: Vec<(f64, f64)> = values
                .iter()
                .map(|&v| {
                    let k = match seen.iter_mut().find(|(w, _)| *w == v) {
                        Some((_, k)) => {
                            *k += 1;
                            *k
                        }
                        None => {
                            seen.push((v, 0));
                            0
                        }
                    };
                    let offset = if k % 2 == 0 {
                        k as f64 / 2.0
                    } else {
                        -(k as f64 + 1.0) / 2.0
                    };
                    (g as f64 + (offset * 0.025).clamp(-0.4, 0.4), v)
                })
                .collect();
            chart
                .draw_series(
                    points
                        .iter()
                        .map(|&p| Circle::new(p, 4, color.mix(0.75).filled())),
                )
                .map_err(plot_error)?;
            if !values.is_empty() {
                let mut sorted = values.to_vec();
                sorted.sort_by(f64::total_cmp);
                let m = sorted.len();
                let median = (sorted[(m - 1) / 2] + sorted[m / 2]) / 2.0;
                chart
                    .draw_series(LineSeries::new(
                        [(g as f64 - 0.3, median), (g as f64 + 0.3, median)],
                        BLACK.stroke_width(2),
                    ))
                    .map_err(plot_error)?;
            }
        }
        root.present().map_err(plot_error)?;
    }
    Ok(Svg(svg))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each row says its difference and both numbers; a row without a tutorial number says so.
    #[test]
    fn differences_are_written_beside_their_dots() {
        let rows = vec![
            ("close".to_string(), Some(100.0), 99.64),
            ("equal".to_string(), Some(95.0), 95.0),
            ("silent".to_string(), None, 100.0),
        ];
        let svg = difference_dots(&rows, "toy").unwrap();
        let texts: Vec<&str> = svg.as_str().lines().map(str::trim).collect();
        assert!(
            texts.contains(&"-0.36: ours 99.64%, tutorial 100.00%"),
            "{texts:?}"
        );
        assert!(
            texts.contains(&"+0.00: ours 95.00%, tutorial 95.00%"),
            "{texts:?}"
        );
        assert!(texts.contains(&"ours 100.00%; the tutorial prints no number"));
        assert!(difference_dots(&[], "none").is_err());
    }
}
