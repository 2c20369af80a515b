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

    /// The chart as a PNG: the SVG rendered by resvg at its own size (Jupyter shows a PNG at its
    /// pixel width), with the system's sans-serif font (DejaVu Sans where it is installed).
    pub fn to_png(&self) -> Result<Vec<u8>> {
        let options = resvg::usvg::Options {
            fontdb: fonts().clone(),
            ..Default::default()
        };
        let tree = resvg::usvg::Tree::from_str(&self.0, &options)
            .map_err(|e| Error::invalid("chart", format!("the SVG cannot be parsed: {e}")))?;
        let size = tree
            .size()
            .to_int_size()
            .scale_by(PNG_SCALE)
            .ok_or_else(|| Error::invalid("chart", "an SVG of zero size cannot be rendered"))?;
        let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
            .ok_or_else(|| Error::invalid("chart", "an SVG of zero size cannot be rendered"))?;
        let scale = resvg::tiny_skia::Transform::from_scale(PNG_SCALE, PNG_SCALE);
        resvg::render(&tree, scale, &mut pixmap.as_mut());
        pixmap
            .encode_png()
            .map_err(|e| Error::invalid("chart", format!("the PNG cannot be encoded: {e}")))
    }

    /// Notebook display (evcxr): the chart as one output in two forms, a PNG (what every front
    /// end draws, an untrusted JupyterLab included) and the SVG (sharper, where it is shown).
    pub fn evcxr_display(&self) {
        use base64::Engine;
        match self.to_png() {
            Ok(png) => crate::notebook::emit(
                "image/png",
                &base64::engine::general_purpose::STANDARD.encode(png),
            ),
            Err(e) => eprintln!("{e}"),
        }
        crate::notebook::emit("image/svg+xml", &self.0);
    }
}

/// The PNG's pixels per SVG unit.
const PNG_SCALE: f32 = 1.0;

/// The system's fonts, loaded once, with `sans-serif` (the charts' font) mapped to the first of
/// DejaVu Sans, Liberation Sans and Arial that is installed.
fn fonts() -> &'static std::sync::Arc<resvg::usvg::fontdb::Database> {
    static FONTS: std::sync::OnceLock<std::sync::Arc<resvg::usvg::fontdb::Database>> =
        std::sync::OnceLock::new();
    FONTS.get_or_init(|| {
        let mut db = resvg::usvg::fontdb::Database::new();
        db.load_system_fonts();
        let installed = |family: &str| {
            db.faces()
                .any(|f| f.families.iter().any(|(name, _)| name == family))
        };
        if let Some(family) = ["DejaVu Sans", "Liberation Sans", "Arial"]
            .into_iter()
            .find(|f| installed(f))
        {
            db.set_sans_serif_family(family);
        }
        std::sync::Arc::new(db)
    })
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

/// Curves with at least this many points are drawn faint, under their moving average.
const SMOOTH_FROM: usize = 1000;

/// The trailing moving average of `values` over `window` points (fewer at the start).
fn moving_average(values: &[f64], window: usize) -> Vec<f64> {
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
fn smoothing_window(points: usize) -> Option<usize> {
    (points >= SMOOTH_FROM).then_some(points / 50)
}

/// A curve over epochs `1..` as the lines to draw: itself, or (with `smooth = Some(window)`) its
/// faint self under its moving average.
fn curve_layers(
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
enum Mark {
    /// A line of this colour.
    Line(RGBAColor),
    /// A filled block of this colour (a band, a bar).
    Block(RGBAColor),
}

/// A legend in an area of its own, so never over a curve: the entries in one row across it
/// (`across`, a strip under a title), or one under another (a panel beside a plot).
fn draw_legend(
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

/// Loss (left) and accuracy (right) per epoch, with the validation curves when there are any;
/// the legend in a strip of its own under the title. A curve of [`SMOOTH_FROM`] epochs or more
/// (echo-partial's 5000) is drawn faint, under its moving average over a fiftieth of its length.
pub fn history_chart(history: &History, title: &str) -> Result<Svg> {
    if history.is_empty() {
        return Err(Error::Empty {
            what: "the history to plot",
        });
    }
    let epochs = history.loss.len();
    let smooth = smoothing_window(epochs);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 370)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let root = root.titled(title, ("sans-serif", 18)).map_err(plot_error)?;
        let (strip, root) = root.split_vertically(26);
        let mut entries = vec![];
        for (kind, values, color) in [
            ("train", &history.loss, CURVE),
            ("validation", &history.val_loss, VALIDATION),
        ] {
            if values.is_empty() {
                continue;
            }
            let text = match smooth {
                Some(w) => format!("{kind} (moving average of {w} epochs; faint: every epoch)"),
                None => kind.to_string(),
            };
            entries.push((text, Mark::Line(color.to_rgba())));
        }
        draw_legend(&strip, &entries, true)?;
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
                f64::from(top.max(1e-3)) * 1.05
            };
            let mut chart = ChartBuilder::on(area)
                .margin(10)
                .x_label_area_size(35)
                .y_label_area_size(50)
                .build_cartesian_2d(1..epochs.max(2), 0f64..top)
                .map_err(plot_error)?;
            chart
                .configure_mesh()
                .x_desc("epoch")
                .y_desc(name)
                .x_label_formatter(&|x| tick(*x as f64))
                .light_line_style(WHITE)
                .draw()
                .map_err(plot_error)?;
            for (values, color) in [(train, CURVE), (val, VALIDATION)] {
                let values: Vec<f64> = values.iter().map(|&v| f64::from(v)).collect();
                for (points, style) in curve_layers(&values, color, smooth) {
                    chart
                        .draw_series(LineSeries::new(points, style))
                        .map_err(plot_error)?;
                }
            }
        }
        root.present().map_err(plot_error)?;
    }
    Ok(Svg(svg))
}

/// The confusion matrix as a heatmap, drawn as it prints: true class down, predicted class
/// across, the class names on the axes and each non-zero count written in its cell.
pub fn confusion_heatmap(confusion: &Confusion, title: &str) -> Result<Svg> {
    let rows: Vec<Vec<f32>> = confusion
        .counts
        .iter()
        .map(|r| r.iter().map(|&c| c as f32).collect())
        .collect();
    Heatmap::new(&rows, title)
        .axes("true class", "predicted class")
        .row_labels(&confusion.labels)
        .col_labels(&confusion.labels)
        .with_values()
        .draw()
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
/// band from their minimum to their maximum, epoch by epoch, on a log scale; the legend in a
/// strip under the title. A mean of [`SMOOTH_FROM`] epochs or more is drawn faint, under its
/// moving average over a fiftieth of its length.
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
    let smooth = smoothing_window(epochs);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (640, 390)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let root = root.titled(title, ("sans-serif", 17)).map_err(plot_error)?;
        let (strip, root) = root.split_vertically(26);
        let mean_text = match smooth {
            Some(w) => format!("mean (moving average of {w} epochs; faint: every epoch)"),
            None => "mean".to_string(),
        };
        draw_legend(
            &strip,
            &[
                (
                    "min to max over seeds".to_string(),
                    Mark::Block(CURVE.mix(0.2).to_rgba()),
                ),
                (mean_text, Mark::Line(CURVE.to_rgba())),
            ],
            true,
        )?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(35)
            .y_label_area_size(60)
            .build_cartesian_2d(
                1..epochs.max(2),
                (floor * 0.8..top)
                    .log_scale()
                    .with_key_points(log_ticks(floor * 0.8, top)),
            )
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .x_desc("epoch (or fit)")
            .y_desc("training loss (log scale)")
            .y_label_formatter(&|y| log_tick(*y))
            .x_label_formatter(&|x| tick(*x as f64))
            .light_line_style(WHITE)
            .draw()
            .map_err(plot_error)?;
        let band: Vec<(usize, f64)> = (0..epochs)
            .map(|i| (i + 1, clamp(high[i])))
            .chain((0..epochs).rev().map(|i| (i + 1, clamp(low[i]))))
            .collect();
        chart
            .draw_series(std::iter::once(Polygon::new(band, CURVE.mix(0.2).filled())))
            .map_err(plot_error)?;
        let mean: Vec<f64> = mean.iter().map(|&v| clamp(v)).collect();
        for (points, style) in curve_layers(&mean, CURVE, smooth) {
            chart
                .draw_series(LineSeries::new(points, style))
                .map_err(plot_error)?;
        }
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

/// Ticks for a log axis from `low` to `high`: the values `m * 10^k` inside it, with `m` from 1 to
/// 9 on a narrow axis, from {1, 2, 5} on a wider one and 1 alone on a wide one, so that a narrow
/// range (a loss between 1.4 and 3.6) still gets labels and a wide one is not crowded.
fn log_ticks(low: f64, high: f64) -> Vec<f64> {
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
    if all.len() <= 9 {
        return all;
    }
    let some = within(&[1.0, 2.0, 5.0]);
    if some.len() <= 8 { some } else { within(&[1.0]) }
}

/// A log axis's tick label: `2`, `0.5`, `0.05`, or `1e-4` below 0.01.
fn log_tick(v: f64) -> String {
    if v >= 0.01 { tick(v) } else { format!("{v:.0e}") }
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
                    .y_label_formatter(&|y| if log_y { log_tick(*y) } else { tick(*y) })
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
                .build_cartesian_2d(
                    x0..x1,
                    (y0 * 0.8..y1 * 1.25)
                        .log_scale()
                        .with_key_points(log_ticks(y0 * 0.8, y1 * 1.25)),
                )
                .map_err(plot_error)?;
            draw_lines!(chart);
        } else {
            let pad = ((y1 - y0) * 0.05).max(1e-9);
            let mut chart = builder
                .build_cartesian_2d(x0..x1, (y0 - pad)..(y1 + pad))
                .map_err(plot_error)?;
            draw_lines!(chart);
        }
        let entries: Vec<(String, Mark)> = series
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.clone(), Mark::Line(color(i).to_rgba())))
            .collect();
        draw_legend(&legend_area, &entries, false)?;
        root.present().map_err(plot_error)?;
    }
    Ok(Svg(svg))
}

/// A matrix drawn as it prints: row 0 at the top, one cell per value, each row's and column's
/// label on its cell's centre. The defaults: axes named "row" and "column", labelled by index,
/// darker blue for larger values, no values written.
///
/// ```
/// use lstm_lab::plot::Heatmap;
/// let rows = vec![vec![0.0, 1.0], vec![-0.5, 0.25]];
/// let svg = Heatmap::new(&rows, "a signed matrix")
///     .axes("time step", "unit")
///     .col_labels(["a", "b"])
///     .signed()
///     .with_values()
///     .draw()
///     .unwrap();
/// assert!(svg.as_str().contains("a signed matrix") && svg.as_str().contains("0.25"));
/// assert!(Heatmap::new(&[], "nothing").draw().is_err());
/// assert!(Heatmap::new(&rows, "too few labels").row_labels(["x"]).draw().is_err());
/// ```
#[derive(Debug, Clone)]
pub struct Heatmap<'a> {
    rows: &'a [Vec<f32>],
    title: String,
    row_desc: String,
    col_desc: String,
    row_labels: Option<Vec<String>>,
    col_labels: Option<Vec<String>>,
    signed: bool,
    values: bool,
}

impl<'a> Heatmap<'a> {
    /// `rows[r][c]`: e.g. a field of an [`crate::inspect::LstmTrace`] (one row per time step),
    /// or one sample's one-hot rows.
    pub fn new(rows: &'a [Vec<f32>], title: &str) -> Self {
        Self {
            rows,
            title: title.to_string(),
            row_desc: "row".into(),
            col_desc: "column".into(),
            row_labels: None,
            col_labels: None,
            signed: false,
            values: false,
        }
    }

    /// What the rows (down) and the columns (across) are (default "row", "column").
    pub fn axes(mut self, row_desc: &str, col_desc: &str) -> Self {
        self.row_desc = row_desc.into();
        self.col_desc = col_desc.into();
        self
    }

    /// A label per row, e.g. letters (default: the row's index).
    pub fn row_labels<S: ToString>(mut self, labels: impl IntoIterator<Item = S>) -> Self {
        self.row_labels = Some(labels.into_iter().map(|l| l.to_string()).collect());
        self
    }

    /// A label per column (default: the column's index).
    pub fn col_labels<S: ToString>(mut self, labels: impl IntoIterator<Item = S>) -> Self {
        self.col_labels = Some(labels.into_iter().map(|l| l.to_string()).collect());
        self
    }

    /// Signed colours: negative blue, positive red, white at 0, full colour at the largest
    /// magnitude (default: unsigned, darker blue is larger).
    pub fn signed(mut self) -> Self {
        self.signed = true;
        self
    }

    /// Writes each non-zero value in its cell: whole numbers as they are (counts), others to
    /// two decimals (default: off).
    pub fn with_values(mut self) -> Self {
        self.values = true;
        self
    }

    /// The chart.
    pub fn draw(&self) -> Result<Svg> {
        let rows = self.rows;
        let (n_rows, n_cols) = (rows.len(), rows.first().map_or(0, Vec::len));
        if n_rows == 0 || n_cols == 0 || rows.iter().any(|r| r.len() != n_cols) {
            return Err(Error::Empty {
                what: "the matrix rows (or rows of unequal length)",
            });
        }
        for (labels, n, what) in [
            (&self.row_labels, n_rows, "rows"),
            (&self.col_labels, n_cols, "columns"),
        ] {
            if let Some(labels) = labels
                && labels.len() != n
            {
                return Err(Error::invalid(
                    "heatmap labels",
                    format!("{} labels for the {n} {what} of {:?}", labels.len(), self.title),
                ));
            }
        }
        let scale = rows
            .iter()
            .flatten()
            .map(|v| v.abs())
            .fold(0.0f32, f32::max)
            .max(1e-9);
        let signed = self.signed;
        let strength = |v: f32| (v.abs() / scale).clamp(0.0, 1.0);
        let cell = |v: f32| -> RGBColor {
            let fade = |full: u8| (255.0 - (255.0 - f32::from(full)) * strength(v)) as u8;
            if signed && v > 0.0 {
                RGBColor(fade(214), fade(39), fade(40))
            } else {
                RGBColor(fade(31), fade(119), fade(180))
            }
        };
        let whole = rows.iter().flatten().all(|v| v.fract() == 0.0);
        // Every label when they are given and fit; else every k-th index, about 20 in all.
        let every = |n: usize, labels: &Option<Vec<String>>| {
            if labels.is_some() && n <= 40 {
                1
            } else {
                (n / 20).max(1)
            }
        };
        let (row_every, col_every) = (every(n_rows, &self.row_labels), every(n_cols, &self.col_labels));
        let centre = |v: f64, every: usize, labels: &Option<Vec<String>>, n: usize| {
            let i = v.round();
            if (v - i).abs() > 1e-6 || i < 0.0 || i as usize >= n || !(i as usize).is_multiple_of(every) {
                return String::new();
            }
            labels
                .as_ref()
                .map_or_else(|| format!("{i:.0}"), |l| l[i as usize].clone())
        };
        let side = if self.values { 24 } else { 18 };
        let mut svg = String::new();
        {
            let size = (
                (n_cols * side + 150).clamp(420, 1000) as u32,
                (n_rows * side + 110).clamp(220, 900) as u32,
            );
            let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
            root.fill(&WHITE).map_err(plot_error)?;
            let caption = match (self.values, signed) {
                (true, _) => self.title.clone(),
                (false, true) => format!("{} (colour scale ±{scale:.2})", self.title),
                (false, false) => format!("{} (darkest = {scale:.2})", self.title),
            };
            // Cell (r, c) spans x in [c, c+1] and y in [n_rows-1-r, n_rows-r], so row 0 is on
            // top; the labels sit at the half-integers, the cells' centres.
            let mut chart = ChartBuilder::on(&root)
                .caption(caption, ("sans-serif", 15))
                .margin(10)
                .x_label_area_size(35)
                .y_label_area_size(50)
                .build_cartesian_2d(0f64..n_cols as f64, 0f64..n_rows as f64)
                .map_err(plot_error)?;
            chart
                .configure_mesh()
                .disable_mesh()
                .x_labels(n_cols * 2 + 1)
                .y_labels(n_rows * 2 + 1)
                .x_label_formatter(&|x| centre(x - 0.5, col_every, &self.col_labels, n_cols))
                .y_label_formatter(&|y| centre(n_rows as f64 - y - 0.5, row_every, &self.row_labels, n_rows))
                .x_desc(self.col_desc.as_str())
                .y_desc(self.row_desc.as_str())
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
            if self.values {
                use plotters::style::text_anchor::{HPos, Pos, VPos};
                let written = rows.iter().enumerate().flat_map(|(r, row)| {
                    row.iter()
                        .enumerate()
                        .filter(|(_, v)| **v != 0.0)
                        .map(move |(c, &v)| {
                            let text = if whole {
                                format!("{v:.0}")
                            } else {
                                format!("{v:.2}")
                            };
                            let ink: &'static RGBColor = if strength(v) > 0.55 { &WHITE } else { &BLACK };
                            let style = TextStyle::from(("sans-serif", 11).into_font())
                                .color(ink)
                                .pos(Pos::new(HPos::Center, VPos::Center));
                            let at = (c as f64 + 0.5, (n_rows - 1 - r) as f64 + 0.5);
                            Text::new(text, at, style)
                        })
                });
                chart.draw_series(written).map_err(plot_error)?;
            }
            root.present().map_err(plot_error)?;
        }
        Ok(Svg(svg))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The PNG has the SVG's size, and the title's text is drawn (the system has a font): the
    /// top band holding the title has dark pixels, as it does in the SVG.
    #[test]
    fn charts_render_to_png_with_their_text() {
        let names = vec!["A".to_string(), "B".to_string()];
        let confusion = Confusion::new(&[0, 0, 0, 1], &[0, 0, 1, 1], names).unwrap();
        let svg = confusion_heatmap(&confusion, "toy: confusion").unwrap();
        let png = svg.to_png().unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let pixmap = resvg::tiny_skia::Pixmap::decode_png(&png).unwrap();
        let tree = resvg::usvg::Tree::from_str(svg.as_str(), &Default::default()).unwrap();
        assert_eq!(pixmap.width(), tree.size().width().round() as u32);
        let title_band = &pixmap.pixels()[..pixmap.width() as usize * 30];
        let dark = title_band
            .iter()
            .filter(|p| p.red() < 100 && p.alpha() > 200)
            .count();
        assert!(dark > 20, "no text drawn in the title band ({dark} dark pixels)");
    }

    #[test]
    fn moving_average_is_trailing_and_exact() {
        let avg = moving_average(&[1.0, 2.0, 3.0, 4.0, 5.0], 2);
        assert_eq!(avg, vec![1.0, 1.5, 2.5, 3.5, 4.5]);
        assert_eq!(moving_average(&[2.0, 4.0], 1), vec![2.0, 4.0]);
    }

    #[test]
    fn confusion_chart_names_classes_and_writes_counts() {
        let names = vec!["A".to_string(), "B".to_string()];
        let confusion = Confusion::new(&[0, 0, 0, 1], &[0, 0, 1, 1], names).unwrap();
        let svg = confusion_heatmap(&confusion, "toy: confusion").unwrap();
        // plotters writes each text element's content on a line of its own.
        let texts: Vec<&str> = svg.as_str().lines().map(str::trim).collect();
        assert!(texts.contains(&"toy: confusion"));
        // The counts 2 (A as A) and 1 (A as B, B as B) are written; the empty cell is not.
        assert!(texts.contains(&"2") && texts.contains(&"1") && !texts.contains(&"0"));
        assert!(texts.contains(&"A") && texts.contains(&"B"));
    }

    #[test]
    fn long_histories_are_smoothed_short_ones_are_not() {
        let history = |epochs: usize| History {
            loss: (0..epochs).map(|e| 1.0 / (e + 1) as f32).collect(),
            accuracy: vec![0.5; epochs],
            ..History::default()
        };
        let long = history_chart(&history(5000), "long").unwrap();
        assert!(long.as_str().contains("moving average of 100 epochs"));
        let short = history_chart(&history(500), "short").unwrap();
        assert!(!short.as_str().contains("moving average"));
    }

    #[test]
    fn log_ticks_label_narrow_and_wide_ranges() {
        assert_eq!(log_ticks(1.4, 3.6), vec![2.0, 3.0]);
        assert_eq!(log_ticks(0.01, 5.0), vec![0.01, 0.1, 1.0]);
        assert_eq!(log_ticks(0.5, 5.0), vec![0.5, 1.0, 2.0, 5.0]);
        assert_eq!(log_ticks(0.15, 0.95).len(), 8);
        assert!(log_ticks(0.0, 1.0).is_empty());
        assert_eq!(
            (log_tick(2.0), log_tick(0.05), log_tick(1e-4)),
            ("2".into(), "0.05".into(), "1e-4".into())
        );
    }

    #[test]
    fn heatmap_refuses_labels_that_do_not_fit() {
        let rows = vec![vec![1.0, 2.0]];
        let err = Heatmap::new(&rows, "two columns")
            .col_labels(["x"])
            .draw()
            .unwrap_err();
        assert!(err.to_string().contains("1 labels for the 2 columns"), "{err}");
    }
}
