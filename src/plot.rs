//! Charts as SVG (plotters): loss and accuracy curves, confusion heatmaps, one-hot heatmaps.
//!
//! Every function returns an [`Svg`]: the same chart is written to `results/plots/` by the
//! command line and shown inline in a notebook (evcxr displays an `Svg` as an image).

use crate::error::{Error, Result};
use crate::metrics::Confusion;
use crate::train::History;
use plotters::prelude::*;

const CURVE: RGBColor = RGBColor(31, 119, 180);
const VALIDATION: RGBColor = RGBColor(255, 127, 14);

/// A chart as SVG text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Svg(String);

impl Svg {
    /// The SVG document.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The SVG document, owned.
    pub fn into_string(self) -> String {
        self.0
    }

    /// Notebook display (evcxr): the chart itself.
    pub fn evcxr_display(&self) {
        crate::notebook::emit("image/svg+xml", &self.0);
    }
}

impl std::fmt::Display for Svg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Notebook display (evcxr) of a training history: its loss and accuracy curves. (Display
/// lives here, on the plotting side, so that training never imports plotting.)
impl History {
    /// Shows the loss and accuracy curves.
    pub fn evcxr_display(&self) {
        match history_chart(self, "training history") {
            Ok(chart) => chart.evcxr_display(),
            Err(e) => println!("{e}"),
        }
    }
}

/// Notebook display (evcxr) of a confusion matrix.
impl Confusion {
    /// Shows the matrix as a heatmap, true class up, predicted across.
    pub fn evcxr_display(&self) {
        match confusion_heatmap(self, "confusion matrix") {
            Ok(chart) => chart.evcxr_display(),
            Err(e) => println!("{e}"),
        }
    }
}

fn plot_error(e: impl std::fmt::Display) -> Error {
    Error::invalid("plot", e.to_string())
}

/// Loss (left) and accuracy (right) per epoch, with the validation curves when there are any.
pub fn history_chart(history: &History, title: &str) -> Result<Svg> {
    if history.is_empty() {
        return Err(Error::Empty {
            what: "the history to plot",
        });
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 340)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let root = root.titled(title, ("sans-serif", 18)).map_err(plot_error)?;
        let panels = root.split_evenly((1, 2));
        let curves = [
            ("loss", &history.loss, &history.val_loss),
            ("accuracy", &history.accuracy, &history.val_accuracy),
        ];
        for (area, (name, train, val)) in panels.iter().zip(curves) {
            let top = train
                .iter()
                .chain(val.iter())
                .copied()
                .filter(|v| v.is_finite())
                .fold(0.0f32, f32::max);
            let top = if name == "accuracy" {
                1.0
            } else {
                top.max(1e-3) * 1.05
            };
            let epochs = train.len().max(2);
            let mut chart = ChartBuilder::on(area)
                .margin(10)
                .x_label_area_size(35)
                .y_label_area_size(50)
                .build_cartesian_2d(1..epochs, 0f32..top)
                .map_err(plot_error)?;
            chart
                .configure_mesh()
                .x_desc("epoch")
                .y_desc(name)
                .light_line_style(WHITE)
                .draw()
                .map_err(plot_error)?;
            for (kind, values, color) in [("train", train, CURVE), ("validation", val, VALIDATION)] {
                if values.is_empty() {
                    continue;
                }
                chart
                    .draw_series(LineSeries::new(
                        values.iter().enumerate().map(|(i, v)| (i + 1, *v)),
                        color.stroke_width(2),
                    ))
                    .map_err(plot_error)?
                    .label(format!("{kind} {name}"))
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
            }
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK)
                .draw()
                .map_err(plot_error)?;
        }
        root.present().map_err(plot_error)?;
    }
    Ok(Svg(svg))
}

/// A heatmap of `rows` (e.g. one-hot vectors: one row per time step), darker = larger; row 0
/// at the bottom, as the y axis counts.
pub fn heatmap(rows: &[Vec<f32>], title: &str, x_desc: &str, y_desc: &str) -> Result<Svg> {
    let height = rows.len();
    let width = rows.first().map_or(0, Vec::len);
    if height == 0 || width == 0 {
        return Err(Error::Empty {
            what: "the heatmap rows",
        });
    }
    let top = rows.iter().flatten().copied().fold(f32::MIN, f32::max).max(1e-9);
    let mut svg = String::new();
    {
        let size = (
            (width * 16 + 140).clamp(480, 1000) as u32,
            (height * 16 + 110).clamp(240, 700) as u32,
        );
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 16))
            .margin(10)
            .x_label_area_size(35)
            .y_label_area_size(45)
            .build_cartesian_2d(0..width, 0..height)
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .draw()
            .map_err(plot_error)?;
        chart
            .draw_series(rows.iter().enumerate().flat_map(|(r, row)| {
                row.iter().enumerate().map(move |(c, &v)| {
                    let shade = 1.0 - (v / top).clamp(0.0, 1.0) as f64;
                    let color = RGBColor((255.0 * shade) as u8, (255.0 * shade) as u8, 255);
                    Rectangle::new([(c, r), (c + 1, r + 1)], color.filled())
                })
            }))
            .map_err(plot_error)?;
        root.present().map_err(plot_error)?;
    }
    Ok(Svg(svg))
}

/// The confusion matrix as a heatmap: true class down, predicted class across.
pub fn confusion_heatmap(confusion: &Confusion, title: &str) -> Result<Svg> {
    let rows: Vec<Vec<f32>> = confusion
        .counts
        .iter()
        .map(|r| r.iter().map(|&c| c as f32).collect())
        .collect();
    heatmap(&rows, title, "predicted class", "true class")
}

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
    let mut svg = String::new();
    {
        let height = (n * 44 + 110) as u32;
        let root = SVGBackend::with_string(&mut svg, (900, height)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        // Bar pair `i` is centred on y = n - 1 - i (the first at the top), so that the integer
        // ticks carry the labels; the empty band right of 100% holds the legend.
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(
                bars.iter()
                    .map(|b| b.0.len() as u32 * 7 + 20)
                    .max()
                    .unwrap_or(0)
                    .max(190),
            )
            .build_cartesian_2d(0f64..128f64, -0.5f64..n as f64 - 0.5)
            .map_err(plot_error)?;
        let labels: Vec<&str> = bars.iter().map(|b| b.0.as_str()).collect();
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n)
            .y_label_formatter(&|y| {
                let i = y.round();
                let row = n as f64 - 1.0 - i;
                match labels.get(row as usize) {
                    Some(label) if (y - i).abs() < 1e-6 && row >= 0.0 => label.to_string(),
                    _ => String::new(),
                }
            })
            .y_label_style(("sans-serif", 14))
            .x_labels(8)
            .x_label_formatter(&|x| {
                if *x <= 100.0 {
                    format!("{x:.0}")
                } else {
                    String::new()
                }
            })
            .x_desc("accuracy (%)")
            .draw()
            .map_err(plot_error)?;
        let grey = RGBColor(160, 160, 160);
        let bar = |i: usize, from: f64, to: f64, value: f64, color: RGBColor| {
            let y = (n - 1 - i) as f64;
            Rectangle::new([(0.0, y + from), (value, y + to)], color.filled())
        };
        let greys = chart
            .draw_series(
                bars.iter()
                    .enumerate()
                    .filter_map(|(i, b)| b.1.map(|v| bar(i, 0.02, 0.38, v, grey))),
            )
            .map_err(plot_error)?;
        if bars.iter().any(|b| b.1.is_some()) {
            greys
                .label(names[0])
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], grey.filled()));
        }
        chart
            .draw_series(
                bars.iter()
                    .enumerate()
                    .map(|(i, b)| bar(i, -0.38, -0.02, b.2, CURVE)),
            )
            .map_err(plot_error)?
            .label(names[1])
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], CURVE.filled()));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .draw()
            .map_err(plot_error)?;
        root.present().map_err(plot_error)?;
    }
    Ok(Svg(svg))
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
    let (lo, hi) = ((lo - pad).max(0.0), (hi + pad).min(100.0 + pad));
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (640, 380)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let n = groups.len();
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 17))
            .margin(12)
            .x_label_area_size(35)
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
                .map_err(plot_error)?
                .label(format!("tutorial: {r:.2}%"))
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RGBColor(90, 90, 90)));
        }
        let colors = [CURVE, VALIDATION];
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
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .draw()
            .map_err(plot_error)?;
        root.present().map_err(plot_error)?;
    }
    Ok(Svg(svg))
}

/// Many runs' curves (e.g. the training loss of every seed) as their mean (a line) inside the
/// band from their minimum to their maximum, epoch by epoch, on a log scale.
pub fn band_chart(title: &str, curves: &[&[f32]]) -> Result<Svg> {
    let epochs = curves.iter().map(|c| c.len()).min().unwrap_or(0);
    if epochs == 0 {
        return Err(Error::Empty {
            what: "the curves to plot",
        });
    }
    let column = |i: usize| curves.iter().map(move |c| f64::from(c[i]));
    let mean: Vec<f64> = (0..epochs)
        .map(|i| column(i).sum::<f64>() / curves.len() as f64)
        .collect();
    let low: Vec<f64> = (0..epochs)
        .map(|i| column(i).fold(f64::INFINITY, f64::min))
        .collect();
    let high: Vec<f64> = (0..epochs)
        .map(|i| column(i).fold(f64::NEG_INFINITY, f64::max))
        .collect();
    let floor = low
        .iter()
        .copied()
        .filter(|v| *v > 0.0)
        .fold(f64::INFINITY, f64::min)
        .max(1e-6);
    let top = high.iter().copied().fold(floor, f64::max) * 1.2;
    let clamp = |v: f64| v.max(floor);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (640, 360)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 17))
            .margin(12)
            .x_label_area_size(35)
            .y_label_area_size(60)
            .build_cartesian_2d(1..epochs.max(2), (floor * 0.8..top).log_scale())
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .x_desc("epoch (or fit)")
            .y_desc("training loss (log scale)")
            .light_line_style(WHITE)
            .draw()
            .map_err(plot_error)?;
        let band: Vec<(usize, f64)> = (0..epochs)
            .map(|i| (i + 1, clamp(high[i])))
            .chain((0..epochs).rev().map(|i| (i + 1, clamp(low[i]))))
            .collect();
        chart
            .draw_series(std::iter::once(Polygon::new(band, CURVE.mix(0.2).filled())))
            .map_err(plot_error)?
            .label("min to max over seeds")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 20, y + 5)], CURVE.mix(0.2).filled()));
        chart
            .draw_series(LineSeries::new(
                mean.iter().enumerate().map(|(i, v)| (i + 1, clamp(*v))),
                CURVE.stroke_width(2),
            ))
            .map_err(plot_error)?
            .label("mean")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], CURVE.stroke_width(2)));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .draw()
            .map_err(plot_error)?;
        root.present().map_err(plot_error)?;
    }
    Ok(Svg(svg))
}

/// A tick label without needless decimals: `600k`, `2000`, `0.5`.
fn tick(v: f64) -> String {
    if v.abs() >= 10_000.0 && (v / 1000.0).fract() == 0.0 {
        format!("{:.0}k", v / 1000.0)
    } else if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}").trim_end_matches('0').to_string()
    }
}

/// Colours of the lines of a [`line_chart`], in series order.
const PALETTE: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
];

/// One line of a [`line_chart`]: its name and its `(x, y)` points.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Series {
    /// The legend's text.
    pub name: String,
    /// The points, in order of x.
    pub points: Vec<(f64, f64)>,
}

/// Lines on shared axes, with the legend in its own panel right of the plot (never over a
/// curve); `log_y` draws the y axis on a log scale (values at or below 0 are left out).
pub fn line_chart(title: &str, x_desc: &str, y_desc: &str, series: &[Series], log_y: bool) -> Result<Svg> {
    let points = || series.iter().flat_map(|s| s.points.iter().copied());
    let shown = |y: f64| !log_y || y > 0.0;
    if points().filter(|p| shown(p.1)).count() == 0 {
        return Err(Error::Empty {
            what: "the lines to plot",
        });
    }
    let fold = |f: fn(f64, f64) -> f64, start: f64, pick: fn((f64, f64)) -> f64| {
        points().filter(|p| shown(p.1)).map(pick).fold(start, f)
    };
    let (x0, x1) = (
        fold(f64::min, f64::INFINITY, |p| p.0),
        fold(f64::max, f64::NEG_INFINITY, |p| p.0),
    );
    let (y0, y1) = (
        fold(f64::min, f64::INFINITY, |p| p.1),
        fold(f64::max, f64::NEG_INFINITY, |p| p.1),
    );
    let x1 = if x1 > x0 { x1 } else { x0 + 1.0 };
    let legend_width = series
        .iter()
        .map(|s| s.name.len() as u32 * 7 + 50)
        .max()
        .unwrap_or(0)
        .clamp(120, 330);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (560 + legend_width, 380)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let root = root.titled(title, ("sans-serif", 17)).map_err(plot_error)?;
        let (plot_area, legend_area) = root.split_horizontally(560);
        let mut builder = ChartBuilder::on(&plot_area);
        builder.margin(12).x_label_area_size(40).y_label_area_size(65);
        let color = |i: usize| PALETTE[i % PALETTE.len()];
        macro_rules! draw_lines {
            ($chart:expr) => {{
                let chart = &mut $chart;
                chart
                    .configure_mesh()
                    .x_desc(x_desc)
                    .y_desc(y_desc)
                    .x_label_formatter(&|x| tick(*x))
                    .y_label_formatter(&|y| if log_y { format!("{y:.0e}") } else { tick(*y) })
                    .light_line_style(WHITE)
                    .draw()
                    .map_err(plot_error)?;
                for (i, s) in series.iter().enumerate() {
                    chart
                        .draw_series(LineSeries::new(
                            s.points.iter().copied().filter(|p| shown(p.1)),
                            color(i).stroke_width(2),
                        ))
                        .map_err(plot_error)?;
                }
            }};
        }
        if log_y {
            let mut chart = builder
                .build_cartesian_2d(x0..x1, (y0 * 0.8..y1 * 1.25).log_scale())
                .map_err(plot_error)?;
            draw_lines!(chart);
        } else {
            let pad = ((y1 - y0) * 0.05).max(1e-9);
            let mut chart = builder
                .build_cartesian_2d(x0..x1, (y0 - pad)..(y1 + pad))
                .map_err(plot_error)?;
            draw_lines!(chart);
        }
        for (i, s) in series.iter().enumerate() {
            let y = 30 + 22 * i as i32;
            legend_area
                .draw(&PathElement::new(vec![(4, y), (28, y)], color(i).stroke_width(3)))
                .map_err(plot_error)?;
            legend_area
                .draw(&Text::new(s.name.clone(), (34, y - 7), ("sans-serif", 13)))
                .map_err(plot_error)?;
        }
        root.present().map_err(plot_error)?;
    }
    Ok(Svg(svg))
}

/// The label of a tick at `index` when it falls on a whole index (a cell's centre) that is a
/// multiple of `every`; empty otherwise.
fn centre_label(index: f64, every: usize) -> String {
    let i = index.round();
    if (index - i).abs() < 1e-6 && i >= 0.0 && (i as usize).is_multiple_of(every) {
        format!("{i:.0}")
    } else {
        String::new()
    }
}

/// A matrix drawn as it prints: row 0 at the top, one cell per value, the tick of each row and
/// column on its cell's centre. With `signed`, negative values are blue and positive red (white
/// at 0, full colour at the largest magnitude); otherwise darker blue is larger.
///
/// `rows[r][c]`: e.g. an [`crate::inspect::LstmTrace`] field, one row per time step.
pub fn matrix_heatmap(
    rows: &[Vec<f32>],
    title: &str,
    row_desc: &str,
    col_desc: &str,
    signed: bool,
) -> Result<Svg> {
    let (n_rows, n_cols) = (rows.len(), rows.first().map_or(0, Vec::len));
    if n_rows == 0 || n_cols == 0 || rows.iter().any(|r| r.len() != n_cols) {
        return Err(Error::Empty {
            what: "the matrix rows (or rows of unequal length)",
        });
    }
    let scale = rows
        .iter()
        .flatten()
        .map(|v| v.abs())
        .fold(0.0f32, f32::max)
        .max(1e-9);
    let cell = |v: f32| -> RGBColor {
        let a = (v.abs() / scale).clamp(0.0, 1.0);
        let fade = |full: u8| (255.0 - (255.0 - f32::from(full)) * a) as u8;
        if signed && v > 0.0 {
            RGBColor(fade(214), fade(39), fade(40))
        } else {
            RGBColor(fade(31), fade(119), fade(180))
        }
    };
    let mut svg = String::new();
    {
        let size = (
            (n_cols * 18 + 150).clamp(420, 1000) as u32,
            (n_rows * 18 + 110).clamp(220, 900) as u32,
        );
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        // Cell (r, c) spans x in [c, c+1] and y in [n_rows-1-r, n_rows-r], so row 0 is on top;
        // the labels sit at the half-integers, the cells' centres.
        let mut chart = ChartBuilder::on(&root)
            .caption(
                if signed {
                    format!("{title} (colour scale ±{scale:.2})")
                } else {
                    format!("{title} (darkest = {scale:.2})")
                },
                ("sans-serif", 15),
            )
            .margin(10)
            .x_label_area_size(35)
            .y_label_area_size(50)
            .build_cartesian_2d(0f64..n_cols as f64, 0f64..n_rows as f64)
            .map_err(plot_error)?;
        let every = |n: usize| (n / 20).max(1);
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(n_cols * 2 + 1)
            .y_labels(n_rows * 2 + 1)
            .x_label_formatter(&|x| centre_label(x - 0.5, every(n_cols)))
            .y_label_formatter(&|y| centre_label(n_rows as f64 - y - 0.5, every(n_rows)))
            .x_desc(col_desc)
            .y_desc(row_desc)
            .draw()
            .map_err(plot_error)?;
        chart
            .draw_series(rows.iter().enumerate().flat_map(|(r, row)| {
                row.iter().enumerate().map(move |(c, &v)| {
                    let y = (n_rows - 1 - r) as f64;
                    Rectangle::new([(c as f64, y), (c as f64 + 1.0, y + 1.0)], cell(v).filled())
                })
            }))
            .map_err(plot_error)?;
        root.present().map_err(plot_error)?;
    }
    Ok(Svg(svg))
}
