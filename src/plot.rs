//! Charts as SVG (plotters): loss and accuracy curves, confusion heatmaps, one-hot heatmaps.
//!
//! Every function returns the SVG text, so the same chart can be written to `results/plots/`
//! or shown inline in a notebook.

use crate::error::{Error, Result};
use crate::metrics::Confusion;
use crate::train::History;
use plotters::prelude::*;

const CURVE: RGBColor = RGBColor(31, 119, 180);
const VALIDATION: RGBColor = RGBColor(255, 127, 14);

fn plot_error(e: impl std::fmt::Display) -> Error {
    Error::invalid("plot", e.to_string())
}

/// Loss (left) and accuracy (right) per epoch, with the validation curves when there are any.
pub fn history_chart(history: &History, title: &str) -> Result<String> {
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
    Ok(svg)
}

/// A heatmap of `rows` (e.g. one-hot vectors: one row per time step), darker = larger; row 0
/// at the bottom, as the y axis counts.
pub fn heatmap(rows: &[Vec<f32>], title: &str, x_desc: &str, y_desc: &str) -> Result<String> {
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
    Ok(svg)
}

/// The confusion matrix as a heatmap: true class down, predicted class across.
pub fn confusion_heatmap(confusion: &Confusion, title: &str) -> Result<String> {
    let rows: Vec<Vec<f32>> = confusion
        .counts
        .iter()
        .map(|r| r.iter().map(|&c| c as f32).collect())
        .collect();
    heatmap(&rows, title, "predicted class", "true class")
}
