//! Charts as SVG (plotters): training curves and lines (`curves.rs`), bars and strips
//! (`bars.rs`), heatmaps (`heatmap.rs`), on the shared palette, ticks and legends of `style.rs`;
//! the LSTM cell drawn with a trained layer's measured gates (`diagram.rs`).
//!
//! Every function returns an [`Svg`]: the same chart is written to `results/plots/` by the
//! command line and shown inline in a notebook (as a PNG and as the SVG; see
//! [`crate::notebook`]).

mod bars;
mod curves;
mod diagram;
mod heatmap;
mod style;

pub(crate) use bars::difference_dots;
pub use bars::{accuracy_bars, paired_bars, strip_chart};
pub use curves::{Series, band_chart, history_chart, line_chart};
pub use diagram::gate_diagram;
pub use heatmap::{Heatmap, confusion_heatmap};

use crate::error::{Error, Result};

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

fn plot_error(e: impl std::fmt::Display) -> Error {
    Error::invalid("plot", e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Confusion;

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
}
