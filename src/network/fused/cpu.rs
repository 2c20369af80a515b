//! The fused LSTM on plain `f32` buffers: the whole sequence forward, and its backward through
//! time, each in one call with every buffer allocated once per call (none per step).
//!
//! Layouts are batch-major so that the large products cover all steps at once:
//! `x [batch, steps, d_input]`, gates `[batch, steps, 4 * units]`; the rows of one step are then
//! every `steps`-th row, which the GEMM reads through its row stride.

use super::Needs;
use super::math::{Mat, activate_gates, cell_backward, cell_forward, gemm, simd};

/// Sizes of one fused LSTM call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dims {
    /// Samples.
    pub batch: usize,
    /// Time steps.
    pub steps: usize,
    /// Input features per step.
    pub d_input: usize,
    /// Memory units.
    pub units: usize,
}

impl Dims {
    /// `(batch, steps, d_input, units)`: the names the kernels' index arithmetic uses.
    fn sizes(self) -> (usize, usize, usize, usize) {
        (self.batch, self.steps, self.d_input, self.units)
    }
}

/// What the forward pass returns and keeps for the backward pass.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    /// `[batch, steps + 1, units]`: `h_1 .. h_T`, then the final cell state `c_T`.
    pub output: Vec<f32>,
    /// The activated gates i, f, g, o of every step: `[batch, steps, 4 * units]`.
    pub gates: Vec<f32>,
    /// `c_0 .. c_T`: `[batch, steps + 1, units]`.
    pub cells: Vec<f32>,
    /// `h_0 .. h_{T-1}`, the input of each step's recurrent product: `[batch, steps, units]`.
    pub h_prev: Vec<f32>,
}

impl Trace {
    /// The time steps of the call that filled this trace, for `batch` samples of `units`.
    pub fn steps(&self, batch: usize, units: usize) -> usize {
        self.output.len() / (batch * units) - 1
    }
}

/// The weights of one layer in Keras's layout.
#[derive(Debug, Clone, Copy)]
pub struct Weights<'a> {
    /// `[d_input, 4 * units]`.
    pub kernel: &'a [f32],
    /// `[units, 4 * units]`.
    pub recurrent: &'a [f32],
    /// `[4 * units]`.
    pub bias: &'a [f32],
}

/// Sets `buffer` to `len` zeros, reusing its allocation.
pub(crate) fn zeroed(buffer: &mut Vec<f32>, len: usize) {
    buffer.clear();
    buffer.resize(len, 0.0);
}

/// Gives `buffer` the length `len`, reusing its allocation, for a caller that overwrites every
/// element before reading any: what it held before is left (a buffer kept between steps
/// already has its length, so nothing is written here).
pub(crate) fn sized(buffer: &mut Vec<f32>, len: usize) {
    buffer.resize(len, 0.0);
    buffer.truncate(len);
}

/// The whole sequence forward.
///
/// - x: `[batch, steps, d_input]`; h0, c0: `[batch, units]`
pub fn forward(dims: Dims, x: &[f32], w: Weights<'_>, h0: &[f32], c0: &[f32]) -> Trace {
    let mut trace = Trace::default();
    forward_into(dims, x, w, h0, c0, &mut trace);
    trace
}

/// [`forward`] into the buffers of `trace`, reusing their allocations.
pub fn forward_into(dims: Dims, x: &[f32], w: Weights<'_>, h0: &[f32], c0: &[f32], trace: &mut Trace) {
    let (b, t, d, u) = dims.sizes();
    let g4 = 4 * u;
    let Trace {
        output,
        gates,
        cells,
        h_prev,
    } = trace;
    // The input projection of every step at once: gates = bias + x W   [batch * steps, 4u]
    gates.clear();
    for _ in 0..b * t {
        gates.extend_from_slice(w.bias);
    }
    gemm(
        b * t,
        g4,
        d,
        gates,
        g4,
        true,
        Mat::rows(x, d),
        Mat::rows(w.kernel, g4),
    );
    // Every element of these is written below: h_1 .. h_T and c_T, c_0 .. c_T, h_0 .. h_{T-1}.
    sized(output, b * (t + 1) * u);
    sized(cells, b * (t + 1) * u);
    sized(h_prev, b * t * u);
    for s in 0..b {
        h_prev[s * t * u..][..u].copy_from_slice(&h0[s * u..][..u]);
        cells[s * (t + 1) * u..][..u].copy_from_slice(&c0[s * u..][..u]);
    }
    // The recurrence, step by step, compiled for the CPU's SIMD level.
    simd(|| {
        for step in 0..t {
            // gates[:, step] += h_{step-1} U   [batch, units] x [units, 4u]
            gemm(
                b,
                g4,
                u,
                &mut gates[step * g4..],
                t * g4,
                true,
                Mat::strided(&h_prev[step * u..], t * u),
                Mat::rows(w.recurrent, g4),
            );
            for s in 0..b {
                let z = &mut gates[(s * t + step) * g4..][..g4];
                activate_gates(z, u);
                let (before, after) = cells.split_at_mut((s * (t + 1) + step + 1) * u);
                let h = &mut output[(s * (t + 1) + step) * u..][..u];
                cell_forward(z, &before[before.len() - u..], &mut after[..u], h);
                if step + 1 < t {
                    h_prev[(s * t + step + 1) * u..][..u].copy_from_slice(h);
                }
            }
        }
    });
    for s in 0..b {
        let at = (s * (t + 1) + t) * u;
        output[at..at + u].copy_from_slice(&cells[at..at + u]);
    }
}

/// The parts of a [`Trace`] that the backward pass reads.
#[derive(Debug, Clone, Copy)]
pub struct Saved<'a> {
    /// [`Trace::gates`].
    pub gates: &'a [f32],
    /// [`Trace::cells`].
    pub cells: &'a [f32],
    /// [`Trace::h_prev`].
    pub h_prev: &'a [f32],
}

/// Gradients of one fused LSTM call; empty vectors for what was not needed.
#[derive(Debug, Clone, Default)]
pub struct Grads {
    /// `[batch, steps, d_input]`.
    pub x: Vec<f32>,
    /// `[d_input, 4 * units]`.
    pub kernel: Vec<f32>,
    /// `[units, 4 * units]`.
    pub recurrent: Vec<f32>,
    /// `[4 * units]`.
    pub bias: Vec<f32>,
    /// `[batch, units]`.
    pub h0: Vec<f32>,
    /// `[batch, units]`.
    pub c0: Vec<f32>,
}

/// The buffers of the backward pass, kept between calls by [`backward_into`]'s callers.
#[derive(Debug, Clone, Default)]
pub struct BackwardWork {
    /// The gates' pre-activation gradients `[batch, steps, 4u]`.
    dz: Vec<f32>,
    /// The gradient reaching `h` through the recurrence `[batch, units]`.
    dh_rec: Vec<f32>,
    /// The gradient reaching `c` `[batch, units]`.
    dc: Vec<f32>,
    /// One sample's `dh` and scratch `[units]` each.
    dh: Vec<f32>,
    scratch: Vec<f32>,
}

/// Backward through time.
///
/// - grad_output: `[batch, steps + 1, units]`, the gradient of [`Trace::output`]
/// - x: `[batch, steps, d_input]`, the forward input; trace: what [`forward`] kept
/// - w: the forward weights (the bias is not read)
pub fn backward(
    dims: Dims,
    grad_output: &[f32],
    x: &[f32],
    w: Weights<'_>,
    trace: Saved<'_>,
    needs: Needs,
) -> Grads {
    let mut grads = Grads::default();
    let mut work = BackwardWork::default();
    backward_into(dims, (grad_output, x), w, trace, needs, &mut work, &mut grads);
    grads
}

/// [`backward`] into `grads` (the fields `needs` asks for), reusing the allocations of `grads`
/// and `work`.
pub fn backward_into(
    dims: Dims,
    (grad_output, x): (&[f32], &[f32]),
    w: Weights<'_>,
    trace: Saved<'_>,
    needs: Needs,
    work: &mut BackwardWork,
    grads: &mut Grads,
) {
    let (b, t, d, u) = dims.sizes();
    let g4 = 4 * u;
    let BackwardWork {
        dz,
        dh_rec,
        dc,
        dh,
        scratch,
    } = work;
    sized(dz, b * t * g4); // every step's rows written by cell_backward
    // The gradient reaching h_{step} through the recurrence, and reaching c_{step}.
    zeroed(dh_rec, b * u);
    zeroed(dc, b * u);
    zeroed(dh, u);
    zeroed(scratch, u);
    for s in 0..b {
        dc[s * u..][..u].copy_from_slice(&grad_output[(s * (t + 1) + t) * u..][..u]);
    }
    // The recurrence, last step first, compiled for the CPU's SIMD level.
    simd(|| {
        for step in (0..t).rev() {
            for s in 0..b {
                let dh_out = &grad_output[(s * (t + 1) + step) * u..][..u];
                for ((dh, &a), &r) in dh.iter_mut().zip(dh_out).zip(&dh_rec[s * u..][..u]) {
                    *dh = a + r;
                }
                let cells = &trace.cells[s * (t + 1) * u..][..(t + 1) * u];
                cell_backward(
                    &trace.gates[(s * t + step) * g4..][..g4],
                    &cells[(step + 1) * u..][..u],
                    &cells[step * u..][..u],
                    dh,
                    &mut dc[s * u..][..u],
                    &mut dz[(s * t + step) * g4..][..g4],
                    scratch,
                );
            }
            if step > 0 || needs.state {
                // dh_{step-1} = dz[:, step] U^T   [batch, 4u] x [4u, units]
                gemm(
                    b,
                    u,
                    g4,
                    dh_rec,
                    u,
                    false,
                    Mat::strided(&dz[step * g4..], t * g4),
                    Mat::transposed(w.recurrent, g4),
                );
            }
        }
    });
    if needs.x {
        // dx = dz W^T   [batch * steps, 4u] x [4u, d_input]
        sized(&mut grads.x, b * t * d); // overwritten by the product
        gemm(
            b * t,
            d,
            g4,
            &mut grads.x,
            d,
            false,
            Mat::rows(dz, g4),
            Mat::transposed(w.kernel, g4),
        );
    }
    if needs.weights {
        // dW = x^T dz   [d_input, batch * steps] x [batch * steps, 4u]
        sized(&mut grads.kernel, d * g4); // overwritten by the product
        gemm(
            d,
            g4,
            b * t,
            &mut grads.kernel,
            g4,
            false,
            Mat::transposed(x, d),
            Mat::rows(dz, g4),
        );
        // dU = h_prev^T dz   [units, batch * steps] x [batch * steps, 4u]
        sized(&mut grads.recurrent, u * g4); // overwritten by the product
        gemm(
            u,
            g4,
            b * t,
            &mut grads.recurrent,
            g4,
            false,
            Mat::transposed(trace.h_prev, u),
            Mat::rows(dz, g4),
        );
        zeroed(&mut grads.bias, g4);
        for row in dz.chunks_exact(g4) {
            for (acc, &v) in grads.bias.iter_mut().zip(row) {
                *acc += v;
            }
        }
    }
    if needs.state {
        grads.h0.clone_from(dh_rec);
        grads.c0.clone_from(dc);
    }
}
