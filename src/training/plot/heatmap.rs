//! Matrices as heatmaps: a confusion matrix, and any matrix through [`Heatmap`].

use super::{Svg, plot_error};
use crate::error::{Error, Result};
use crate::metrics::Confusion;
use plotters::prelude::*;

/// The width of the colour bar right of every heatmap, its labels included (SVG units).
const COLOUR_BAR: u32 = 80;

/// The bands the colour bar is drawn in.
const BAR_BANDS: usize = 64;

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

/// A matrix drawn as it prints: row 0 at the top, one cell per value, each row's and column's
/// label on its cell's centre, a colour bar on the right. The defaults: axes named "row" and "column", labelled by index,
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
                (n_cols * side + 150).clamp(420, 1000) as u32 + COLOUR_BAR,
                (n_rows * side + 110).clamp(220, 900) as u32,
            );
            let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
            root.fill(&WHITE).map_err(plot_error)?;
            let (root, bar) = root.split_horizontally(size.0 - COLOUR_BAR);
            // The colour bar: the colour of every value from the smallest drawn to the largest.
            let low = if signed { -scale } else { 0.0 };
            let mut bar_chart = ChartBuilder::on(&bar)
                .margin_top(40)
                .margin_bottom(45)
                .margin_right(12)
                .y_label_area_size(48)
                .build_cartesian_2d(0f64..1f64, f64::from(low)..f64::from(scale))
                .map_err(plot_error)?;
            bar_chart
                .configure_mesh()
                .disable_mesh()
                .disable_x_axis()
                // Whole numbers (counts) get whole ticks: at most one per unit.
                .y_label_style(("sans-serif", 11))
                .y_labels(if whole { (scale - low) as usize + 1 } else { 5 }.min(5))
                .y_label_formatter(&|v| {
                    if whole {
                        format!("{v:.0}")
                    } else {
                        format!("{v:.2}")
                    }
                })
                .draw()
                .map_err(plot_error)?;
            let band = (scale - low) / BAR_BANDS as f32;
            bar_chart
                .draw_series((0..BAR_BANDS).map(|k| {
                    let from = low + band * k as f32;
                    let colour = cell(from + band / 2.0);
                    let (a, b) = (f64::from(from), f64::from(from + band));
                    Rectangle::new([(0.0, a), (1.0, b)], colour.filled())
                }))
                .map_err(plot_error)?;
            // Cell (r, c) spans x in [c, c+1] and y in [n_rows-1-r, n_rows-r], so row 0 is on
            // top; the labels sit at the half-integers, the cells' centres.
            let mut chart = ChartBuilder::on(&root)
                .caption(self.title.as_str(), ("sans-serif", 15))
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

    #[test]
    fn confusion_chart_names_classes_and_writes_counts() {
        let names = vec!["A".to_string(), "B".to_string()];
        let confusion = Confusion::new(&[0, 0, 0, 1], &[0, 0, 1, 1], names).unwrap();
        let svg = confusion_heatmap(&confusion, "toy: confusion").unwrap();
        // plotters writes each text element's content on a line of its own.
        let texts: Vec<&str> = svg.as_str().lines().map(str::trim).collect();
        assert!(texts.contains(&"toy: confusion"));
        // The counts 2 (A as A) and 1 (A as B, B as B) are written; the empty cell is not: the
        // one "0" is the colour bar's lowest label (it reads 0, 1, 2).
        assert!(texts.contains(&"2") && texts.contains(&"1"));
        assert_eq!(texts.iter().filter(|t| **t == "0").count(), 1, "{texts:?}");
        assert_eq!(texts.iter().filter(|t| **t == "1").count(), 3, "{texts:?}");
        assert!(texts.contains(&"A") && texts.contains(&"B"));
    }

    /// The colour bar runs from 0 to the largest value (unsigned) or from minus to plus the
    /// largest magnitude (signed), labelled at its ends.
    #[test]
    fn every_heatmap_has_a_colour_bar() {
        let rows = vec![vec![0.5, -2.0], vec![1.0, 0.0]];
        let labels =
            |svg: Svg| -> Vec<String> { svg.as_str().lines().map(|l| l.trim().to_string()).collect() };
        let signed = labels(Heatmap::new(&rows, "signed").signed().draw().unwrap());
        assert!(signed.contains(&"-2.00".to_string()) && signed.contains(&"2.00".to_string()));
        let unsigned = labels(Heatmap::new(&rows, "unsigned").draw().unwrap());
        assert!(unsigned.contains(&"0.00".to_string()) && unsigned.contains(&"2.00".to_string()));
        assert!(!unsigned.contains(&"-2.00".to_string()));
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
