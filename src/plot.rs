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
            .y_label_area_size(190)
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
        chart
            .draw_series(
                bars.iter()
                    .enumerate()
                    .filter_map(|(i, b)| b.1.map(|v| bar(i, 0.02, 0.38, v, grey))),
            )
            .map_err(plot_error)?
            .label("reported")
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], grey.filled()));
        chart
            .draw_series(
                bars.iter()
                    .enumerate()
                    .map(|(i, b)| bar(i, -0.38, -0.02, b.2, CURVE)),
            )
            .map_err(plot_error)?
            .label("reproduced")
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
