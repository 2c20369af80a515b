//! How much arithmetic each experiment is, and how fast this CPU's GEMM runs it: the floor that
//! `just bench` holds the training time against.
//!
//! The FLOPs are those of the matrix products the fused LSTM actually runs (forward and backward,
//! 2·m·k·n each): per LSTM layer the input projection of all steps, one recurrent product per
//! step, and in the backward the kernel, recurrent-kernel and per-step state gradients (plus the
//! input gradient where the layer's input is itself trained, as the decoder's is); per Dense
//! layer its product and two gradient products. Element-wise work (gates, loss, Adam) is not
//! counted: it is what the kernels should hide.
//!
//! ```
//! use lstm_lab::bench::Workload;
//! use lstm_lab::tutorials::Experiment;
//! let w = Workload::of(Experiment::EchoPartial).unwrap();
//! assert_eq!(w.train_steps, 5000);
//! assert!(w.flops() > 5e11);
//! ```

use crate::error::Result;
use crate::fused::math::{Mat, gemm};
use crate::models::{ModelConfig, Topology};
use crate::tutorials::Experiment;
use serde::Serialize;
use std::time::Instant;

/// One matrix product `[m, k] x [k, n]`.
pub type GemmShape = [usize; 3];

/// The training arithmetic of one experiment at full tutorial scale.
#[derive(Debug, Clone, PartialEq)]
pub struct Workload {
    /// The network.
    pub model: ModelConfig,
    /// Samples per optimiser step.
    pub batch: usize,
    /// Optimiser steps over the whole training run.
    pub train_steps: u64,
    /// Samples run forward only while training (the validation split's, every epoch).
    pub validation_samples: u64,
}

impl Workload {
    /// The workload of `experiment` with its tutorial config.
    pub fn of(experiment: Experiment) -> Result<Self> {
        let c = experiment.config();
        let epochs = c.epochs() as u64;
        Ok(Self {
            model: c.model()?,
            batch: c.batch_size(),
            train_steps: c.samples_per_epoch().div_ceil(c.batch_size()) as u64 * epochs,
            validation_samples: c.validation_samples_per_epoch() as u64 * epochs,
        })
    }

    /// The products of one training step (forward and backward) on `batch` samples.
    pub fn train_step_shapes(&self) -> Vec<GemmShape> {
        shapes(&self.model, self.batch, true)
    }

    /// Forward and backward FLOPs of the whole training run, validation passes included.
    pub fn flops(&self) -> f64 {
        let step = flops_of(&self.train_step_shapes());
        let validation = flops_of(&shapes(&self.model, 1, false));
        step * self.train_steps as f64 + validation * self.validation_samples as f64
    }
}

/// `2·m·k·n` summed over the products.
fn flops_of(shapes: &[GemmShape]) -> f64 {
    shapes.iter().map(|&[m, k, n]| 2.0 * (m * k * n) as f64).sum()
}

/// The matrix products of one pass of `model` on `batch` samples (with `backward`, also those of
/// the backward pass).
fn shapes(model: &ModelConfig, batch: usize, backward: bool) -> Vec<GemmShape> {
    let (u, g4) = (model.units(), 4 * model.units());
    let mut out = Vec::new();
    let mut lstm = |steps: usize, d: usize, input_grad: bool| {
        out.push([batch * steps, d, g4]);
        out.extend(std::iter::repeat_n([batch, u, g4], steps));
        if backward {
            out.extend(std::iter::repeat_n([batch, g4, u], steps - 1));
            out.push([d, batch * steps, g4]);
            out.push([u, batch * steps, g4]);
            if input_grad {
                out.push([batch * steps, g4, d]);
            }
        }
    };
    lstm(model.steps(), model.features(), false);
    if let Topology::EncoderDecoder { out_steps } = model.topology() {
        lstm(out_steps, u, true);
    }
    let rows = batch * model.out_steps();
    out.push([rows, u, model.classes()]);
    if backward {
        out.push([u, rows, model.classes()]);
        out.push([rows, model.classes(), u]);
    }
    out
}

/// Single-threaded GEMM throughput (FLOP/s) of the crate's kernel ([`gemm()`]) on `shapes`,
/// run back to back (as a training step runs them) until `seconds` have passed.
pub fn gemm_rate(shapes: &[GemmShape], seconds: f64) -> f64 {
    let mut buffers: Vec<(Vec<f32>, Vec<f32>, Vec<f32>)> = shapes
        .iter()
        .map(|&[m, k, n]| {
            let fill = |len: usize| (0..len).map(|i| ((i % 17) as f32 - 8.0) * 0.01).collect();
            (fill(m * k), fill(k * n), vec![0.0; m * n])
        })
        .collect();
    let mut run = || {
        for (&[m, k, n], (a, b, c)) in shapes.iter().zip(buffers.iter_mut()) {
            gemm(m, n, k, c, n, false, Mat::rows(a, k), Mat::rows(b, n));
        }
    };
    run();
    let (start, mut rounds) = (Instant::now(), 0u64);
    while rounds == 0 || start.elapsed().as_secs_f64() < seconds {
        run();
        rounds += 1;
    }
    flops_of(shapes) * rounds as f64 / start.elapsed().as_secs_f64()
}

/// What `lstm-lab floor` prints for one experiment.
#[derive(Debug, Clone, Serialize)]
pub struct Floor {
    /// Experiment id.
    pub experiment: String,
    /// Optimiser steps of the training run.
    pub train_steps: u64,
    /// Forward + backward FLOPs of the training run.
    pub flops: f64,
    /// This CPU's GEMM rate (FLOP/s, one thread) on the experiment's own products.
    pub gemm_rate: f64,
    /// `flops / gemm_rate`: the training time if only the products took time.
    pub floor_seconds: f64,
}

/// The floor of `experiment`, its GEMM rate measured for `seconds`.
pub fn floor(experiment: Experiment, seconds: f64) -> Result<Floor> {
    let w = Workload::of(experiment)?;
    let gemm_rate = gemm_rate(&w.train_step_shapes(), seconds);
    Ok(Floor {
        experiment: experiment.id().to_string(),
        train_steps: w.train_steps,
        flops: w.flops(),
        gemm_rate,
        floor_seconds: w.flops() / gemm_rate,
    })
}
