//! `results/study.json`: the study's runs with every claim judged on them, and the tables and
//! charts made from it.

use super::{Claim, FrameworkStudy, Part, RULE, SeedRun, Side};
use crate::error::{Error, Result};
use crate::report::ClaimKind;
use crate::tutorials::Experiment;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// `results/study.json`: the study's runs and every claim judged on them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Study {
    /// How verdicts are reached.
    pub rule: String,
    /// Where Keras's runs come from, and their versions.
    pub keras_source: Option<String>,
    /// Where PyTorch's runs come from, and their versions (`None`: no PyTorch runs).
    #[serde(default)]
    pub torch_source: Option<String>,
    /// One claim per experiment of the grid.
    pub claims: Vec<Claim>,
    /// The grid, device, epochs and every run.
    #[serde(flatten)]
    pub part: Part,
}

/// A framework's study and the file it was read from.
type Source<'a> = Option<(&'a Path, &'a FrameworkStudy)>;

impl Study {
    /// Judges every experiment of a complete `part` (no shard) against `keras`'s and `torch`'s
    /// runs (each read from the path given with it, named in the output).
    pub fn new(part: Part, keras: Source<'_>, torch: Source<'_>) -> Result<Self> {
        if let Some(shard) = part.shard {
            return Err(Error::invalid(
                "study",
                format!("shard {shard} is only part of the study: merge the parts first"),
            ));
        }
        for (source, name) in [(keras, "Keras"), (torch, "PyTorch")] {
            if let Some((path, study)) = source
                && study.name() != name
            {
                return Err(Error::invalid(
                    "study",
                    format!("{} holds {}'s runs, not {name}'s", path.display(), study.name()),
                ));
            }
        }
        let claims = part
            .grid
            .experiments
            .iter()
            .map(|&e| {
                let runs: Vec<&SeedRun> = part.runs.iter().filter(|r| r.experiment == e).collect();
                Claim::judge(e, &runs, keras.map(|k| k.1), torch.map(|t| t.1))
            })
            .collect::<Result<Vec<_>>>()?;
        let source = |s: Source<'_>| {
            s.map(|(path, s)| format!("{} ({}, {})", path.display(), s.versions(), s.machine))
        };
        Ok(Self {
            rule: RULE.to_string(),
            keras_source: source(keras),
            torch_source: source(torch),
            claims,
            part,
        })
    }

    /// Reads `results/study.json`.
    pub fn load(path: &Path) -> Result<Self> {
        crate::files::read_json(path, " (run `lstm-lab study` first)")
    }

    /// The claim of `experiment`.
    pub fn claim(&self, experiment: Experiment) -> Result<&Claim> {
        self.claims
            .iter()
            .find(|c| c.experiment == experiment)
            .ok_or_else(|| Error::invalid("study", format!("{experiment} is not in the study")))
    }

    /// The saved run of `(experiment, seed)`.
    pub fn run(&self, experiment: Experiment, seed: u64) -> Result<&SeedRun> {
        self.part
            .runs
            .iter()
            .find(|r| r.experiment == experiment && r.seed == seed)
            .ok_or_else(|| Error::invalid("study", format!("{experiment} seed {seed} is not in the study")))
    }

    /// Checks that every run of `runs` has the numbers the study saved for its cell.
    pub fn check(&self, runs: &[SeedRun]) -> Result<()> {
        runs.iter()
            .try_for_each(|run| run.check_agrees_with(self.run(run.experiment, run.seed)?))
    }

    /// The verdict table and the table of pairs (study.md and the README).
    pub fn to_markdown(&self) -> String {
        let p = |v: Option<f64>| v.map_or("-".to_string(), |p| format!("{p:.3}"));
        let pct = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.2}%"));
        let grid = &self.part.grid;
        let mut md = format!(
            "Seeds {}..={} of every experiment, at {} on `{}`; Keras: {}; PyTorch: {}.\n\n",
            grid.first_seed,
            grid.first_seed + grid.seeds - 1,
            self.part
                .epochs
                .map_or("tutorial scale".to_string(), |e| format!("{e} epochs")),
            self.part.device,
            self.keras_source.as_deref().unwrap_or("no runs"),
            self.torch_source.as_deref().unwrap_or("no runs yet"),
        );
        md.push_str(
            "| claim | tutorial | measured as | lstm-lab reach | lstm-lab mean ± sd | lstm-lab verdict | Keras reach | Keras mean ± sd | Keras verdict | PyTorch reach | PyTorch mean ± sd | PyTorch verdict |\n\
             |---|---:|---|---:|---:|---|---:|---:|---|---:|---:|---|\n",
        );
        for c in &self.claims {
            let side = |s: Option<&Side>| {
                s.map_or(["-".into(), "no runs".into(), "-".into()], |s| {
                    [
                        s.distribution.reach_words(),
                        s.distribution.mean_sd(),
                        format!("**{}**", s.verdict.words()),
                    ]
                })
            };
            let cells: Vec<String> = [
                vec![c.experiment.to_string(), pct(c.reported), c.measures.clone()],
                side(Some(&c.ours)).to_vec(),
                side(c.keras.as_ref()).to_vec(),
                side(c.torch.as_ref()).to_vec(),
            ]
            .concat();
            md.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        md.push_str(
            "\nEvery two frameworks compared (differences are the first minus the second, in \
             percentage points):\n\n\
             | claim | pair | margin | answer | difference (90% interval) | detectable | Fisher p | Mann-Whitney p |\n\
             |---|---|---:|---|---:|---:|---:|---:|\n",
        );
        for c in &self.claims {
            for pair in &c.pairs {
                let difference = match (pair.comparison, pair.interval) {
                    (Some(d), Some([lo, hi])) => {
                        format!("{:+.2} ({lo:+.2} to {hi:+.2})", d.difference)
                    }
                    _ => "-".to_string(),
                };
                let fisher = match c.kind {
                    ClaimKind::AtLeast => p(pair.fisher_p),
                    ClaimKind::Typical => "-".to_string(),
                };
                md.push_str(&format!(
                    "| {} | {} | ±{} | **{}** | {difference} | {} | {fisher} | {} |\n",
                    c.experiment,
                    pair.label(),
                    c.margin,
                    pair.sameness.words(),
                    pair.detectable.map_or("-".to_string(), |d| format!("{d:.2}")),
                    p(pair.mann_whitney_p),
                ));
            }
        }
        md.push_str(&format!("\n{}\n\nIn words:\n\n", self.rule));
        for c in &self.claims {
            md.push_str(&format!("- {}\n", c.sentence()));
        }
        md
    }

    /// Per experiment: our numbers beside Keras's and PyTorch's (`study-<id>.svg`) and the
    /// learning curves of every seed (`study-<id>-curves.svg`).
    pub fn charts(&self) -> Result<Vec<(String, crate::plot::Svg)>> {
        let mut charts = Vec::new();
        for c in &self.claims {
            let id = c.experiment.id();
            charts.push((format!("study-{id}"), self.strip(c.experiment)?));
            charts.push((format!("study-{id}-curves"), self.curves(c.experiment)?));
        }
        Ok(charts)
    }

    /// `experiment`'s number per seed in lstm-lab, Keras and PyTorch, with the tutorial's as a
    /// line.
    pub fn strip(&self, experiment: Experiment) -> Result<crate::plot::Svg> {
        let c = self.claim(experiment)?;
        fn values(side: &Option<Side>) -> &[f64] {
            side.as_ref().map_or(&[], |s| &s.distribution.values)
        }
        let title = format!("{experiment}: {} per seed", c.metric_label());
        crate::plot::strip_chart(
            &title,
            &[
                ("lstm-lab", &c.ours.distribution.values),
                ("Keras", values(&c.keras)),
                ("PyTorch", values(&c.torch)),
            ],
            c.reported,
        )
    }

    /// `experiment`'s training loss per epoch over every seed: mean and min-max band.
    pub fn curves(&self, experiment: Experiment) -> Result<crate::plot::Svg> {
        let curves: Vec<&[f32]> = self
            .part
            .runs
            .iter()
            .filter(|r| r.experiment == experiment)
            .map(|r| &r.loss[..])
            .collect();
        let title = format!("{experiment}: training loss over {} seeds", curves.len());
        crate::plot::band_chart(&title, &curves)
    }
}
