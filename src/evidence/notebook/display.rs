//! Every `evcxr_display` method: how a notebook shows the crate's values (see the module docs
//! of [`crate::notebook`]). Charts are shown as a PNG and as the SVG; numbers as tables.

use crate::evcxr::{emit, escape, html_table, show_table, text_table};
use crate::exercises::Answer;
use crate::metrics::Confusion;
use crate::plot::{Svg, confusion_heatmap, history_chart};
use crate::report::{ResultsRow, ResultsTable, RunRecord, percent};
use crate::study::{Side, Study};
use crate::summary::{Summary as ModelSummary, shape_str, thousands};
use crate::train::History;

impl super::Markdown {
    /// Notebook display (evcxr): the text as Markdown, and as itself for plain-text readers.
    pub fn evcxr_display(&self) {
        emit("text/plain", &self.0);
        emit("text/markdown", &self.0);
    }
}

impl Svg {
    /// Notebook display (evcxr): the chart as one output in two forms, a PNG (what every front
    /// end draws, an untrusted JupyterLab included) and the SVG (sharper, where it is shown).
    pub fn evcxr_display(&self) {
        use base64::Engine;
        match self.to_png() {
            Ok(png) => emit(
                "image/png",
                &base64::engine::general_purpose::STANDARD.encode(png),
            ),
            Err(e) => eprintln!("{e}"),
        }
        emit("image/svg+xml", self.as_str());
    }
}

impl History {
    /// Notebook display (evcxr): the loss and accuracy curves.
    pub fn evcxr_display(&self) {
        match history_chart(self, "training history") {
            Ok(chart) => chart.evcxr_display(),
            Err(e) => println!("{e}"),
        }
    }
}

impl Confusion {
    /// Notebook display (evcxr): the matrix as a heatmap, true class up, predicted across.
    pub fn evcxr_display(&self) {
        match confusion_heatmap(self, "confusion matrix") {
            Ok(chart) => chart.evcxr_display(),
            Err(e) => println!("{e}"),
        }
    }
}

impl ModelSummary {
    /// Notebook display (evcxr): the summary as an HTML table.
    pub fn evcxr_display(&self) {
        let mut rows: Vec<Vec<String>> = self
            .layers
            .iter()
            .map(|l| vec![l.layer.clone(), shape_str(&l.output_shape), thousands(l.params)])
            .collect();
        rows.push(vec![
            "Total params".to_string(),
            String::new(),
            thousands(self.total_params()),
        ]);
        show_table(&["Layer (type)", "Output Shape", "Param #"], &rows);
    }
}

impl RunRecord {
    /// Notebook display (evcxr): the run as an HTML table.
    pub fn evcxr_display(&self) {
        let o = &self.outcome;
        let mut rows = vec![
            vec!["experiment".to_string(), self.id.clone()],
            vec!["seed".to_string(), self.seed.to_string()],
            vec!["device".to_string(), self.device.clone()],
            vec!["tutorial".to_string(), percent(self.reported)],
            vec![
                "ours, measured the same way".to_string(),
                percent(Some(self.like_for_like)),
            ],
            vec!["measured as".to_string(), self.metric.words().to_string()],
            vec!["evaluation accuracy".to_string(), percent(Some(o.accuracy))],
            vec!["evaluated on".to_string(), o.evaluation.clone()],
            vec!["epochs".to_string(), o.epochs.to_string()],
            vec!["train seconds".to_string(), format!("{:.1}", o.train_seconds)],
        ];
        if let Some(loss) = o.history.loss.last() {
            rows.push(vec!["final loss".to_string(), format!("{loss:.4}")]);
        }
        show_table(&["", ""], &rows);
    }
}

impl ResultsTable {
    /// Notebook display (evcxr): the table `summary.md` holds, as HTML.
    pub fn evcxr_display(&self) {
        let rows: Vec<Vec<String>> = self.runs.iter().map(ResultsRow::cells).collect();
        show_table(&ResultsRow::HEADERS, &rows);
    }
}

impl Study {
    /// Notebook display (evcxr): the verdict table as HTML, one row per claim with each
    /// framework's reach, mean and verdict, then one row per compared pair of frameworks.
    pub fn evcxr_display(&self) {
        let side = |s: Option<&Side>| -> [String; 3] {
            s.map_or(["-".into(), "no runs".into(), "-".into()], |s| {
                [
                    s.distribution.reach_words(),
                    s.distribution.mean_sd(),
                    s.verdict.words().to_string(),
                ]
            })
        };
        let rows: Vec<Vec<String>> = self
            .claims
            .iter()
            .map(|c| {
                [
                    vec![
                        c.experiment.to_string(),
                        c.reported.map_or("-".into(), |r| format!("{r:.2}%")),
                    ],
                    side(Some(&c.ours)).to_vec(),
                    side(c.keras.as_ref()).to_vec(),
                    side(c.torch.as_ref()).to_vec(),
                ]
                .concat()
            })
            .collect();
        let claims_header = [
            "claim",
            "tutorial",
            "lstm-lab reach",
            "lstm-lab mean ± sd",
            "lstm-lab verdict",
            "Keras reach",
            "Keras mean ± sd",
            "Keras verdict",
            "PyTorch reach",
            "PyTorch mean ± sd",
            "PyTorch verdict",
        ];
        let p = |v: Option<f64>| v.map_or("-".to_string(), |p| format!("{p:.3}"));
        let pairs: Vec<Vec<String>> = self
            .claims
            .iter()
            .flat_map(|c| c.pairs.iter().map(move |pair| (c, pair)))
            .map(|(c, pair)| {
                vec![
                    c.experiment.to_string(),
                    pair.label(),
                    format!("±{}", c.margin),
                    pair.sameness.words().to_string(),
                    match (pair.comparison, pair.interval) {
                        (Some(d), Some([lo, hi])) => format!("{:+.2} ({lo:+.2} to {hi:+.2})", d.difference),
                        _ => "-".into(),
                    },
                    pair.detectable.map_or("-".into(), |d| format!("{d:.2}")),
                    p(pair.fisher_p),
                    p(pair.mann_whitney_p),
                ]
            })
            .collect();
        let pairs_header = [
            "claim",
            "pair",
            "margin",
            "answer",
            "difference (90% interval)",
            "detectable",
            "Fisher p",
            "Mann-Whitney p",
        ];
        // One output in two forms, both tables in each.
        emit(
            "text/plain",
            &format!(
                "{}\n{}",
                text_table(&claims_header, &rows),
                text_table(&pairs_header, &pairs)
            ),
        );
        emit(
            "text/html",
            &format!(
                "{}{}",
                html_table(&claims_header, &rows),
                html_table(&pairs_header, &pairs)
            ),
        );
    }
}

impl Answer {
    /// Notebook display (evcxr): the table of arms as HTML rows, folded under a summary line, so
    /// that a notebook can show it below the exercise it answers without giving it away.
    pub fn evcxr_display(&self) {
        let rows: Vec<Vec<String>> = self
            .arms
            .iter()
            .map(|a| {
                vec![
                    a.name.clone(),
                    a.epochs.to_string(),
                    a.seeds.len().to_string(),
                    format!("{:.2}%", a.mean),
                    format!("{:.2}-{:.2}%", a.min, a.max),
                    format!("{:.2}", a.mean_train_seconds),
                ]
            })
            .collect();
        let header = ["arm", "epochs", "seeds", "mean", "range", "train s"];
        emit("text/plain", &text_table(&header, &rows));
        emit(
            "text/html",
            &format!(
                "<details><summary><b>Measured</b>: <code>{}</code>, every arm (predict first, \
                 then open)</summary>\n{}\n</details>",
                escape(&self.id),
                html_table(&header, &rows)
            ),
        );
    }
}
