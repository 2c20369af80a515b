//! Curves over epochs: a training history, many runs as a band, and named lines.

use super::style::*;
use super::{Svg, plot_error};
use crate::error::{Error, Result};
use crate::train::History;
use plotters::prelude::*;

/// Loss (left) and accuracy (right) per epoch, with the validation curves when there are any;
/// the legend in a strip of its own under the title. A curve of 1000 epochs or more
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

/// Many runs' curves (e.g. the training loss of every seed) as their mean (a line) inside the
/// band from their minimum to their maximum, epoch by epoch, on a log scale; the legend in a
/// strip under the title. A mean of 1000 epochs or more is drawn faint, under its
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

/// One line of a [`line_chart`]: its name and its `(x, y)` points.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Series {
    /// The legend's text.
    pub name: String,
    /// The points, in order of x.
    pub points: Vec<(f64, f64)>,
}

/// Lines on shared axes, with the legend in its own panel right of the plot (never over a
/// curve); `log_y` draws the y axis on a log scale (values at or below 0 are left out). A linear
/// y axis named in percent (`y_desc` holding "(%)") stops at 0% and 100%.
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
        // Earlier lines drawn wider, so a line that runs on top of another (two arms both at
        // 100%) leaves the one under it showing as a border.
        let width = |i: usize| 2 + (series.len() - 1 - i).min(3) as u32;
        // Whole-number x (time steps, epochs) over a short span: a tick on every one, none between.
        let whole_x = points().all(|p| p.0.fract() == 0.0) && x1 - x0 <= 30.0;
        let x_ticks = if whole_x { (x1 - x0) as usize + 1 } else { 10 };
        macro_rules! draw_lines {
            ($chart:expr) => {{
                let chart = &mut $chart;
                chart
                    .configure_mesh()
                    .x_desc(x_desc)
                    .y_desc(y_desc)
                    .x_labels(x_ticks)
                    .x_label_formatter(&|x| tick(*x))
                    .y_label_formatter(&|y| if log_y { log_tick(*y) } else { tick(*y) })
                    .light_line_style(WHITE)
                    .draw()
                    .map_err(plot_error)?;
                for (i, s) in series.iter().enumerate() {
                    chart
                        .draw_series(LineSeries::new(
                            s.points.iter().copied().filter(|p| shown(p.1)),
                            color(i).stroke_width(width(i)),
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
            let (low, high) = if y_desc.contains("(%)") {
                percent_range(y0, y1, pad)
            } else {
                (y0 - pad, y1 + pad)
            };
            let mut chart = builder
                .build_cartesian_2d(x0..x1, low..high)
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

#[cfg(test)]
mod tests {
    use super::*;

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

    /// Five time steps get the ticks 0, 1, 2, 3, 4 and none between them.
    #[test]
    fn whole_number_axes_have_whole_number_ticks() {
        let points = (0..5).map(|t| (t as f64, 10.0 * t as f64)).collect();
        let series = [Series {
            name: "a".into(),
            points,
        }];
        let svg = line_chart("steps", "time step", "y", &series, false)
            .unwrap()
            .into_string();
        // Every text element's content: the tick labels among them.
        let texts: Vec<&str> = svg
            .split("<text")
            .skip(1)
            .filter_map(|t| t.split_once('>').and_then(|(_, rest)| rest.split_once("</text>")))
            .map(|(content, _)| content.trim())
            .collect();
        for t in ["0", "1", "2", "3", "4"] {
            assert!(texts.contains(&t), "no tick {t}: {texts:?}");
        }
        assert!(!texts.contains(&"0.5") && !texts.contains(&"1.5"), "{texts:?}");
    }
}
