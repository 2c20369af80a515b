//! Keras's weight initialisers, drawn on the host from an explicit seeded generator.
//!
//! Drawing on the host (rather than with the backend's random ops) makes the initial weights
//! depend on the seed alone, so the CPU and wgpu backends start from the same numbers.
//! `LstmConfig::init` and `Dense::init` draw their weights here; notebook 1 draws a plain tanh
//! RNN's (Keras's `SimpleRNN`: a Glorot kernel, an orthogonal recurrent kernel) to set beside
//! the LSTM.
//!
//! ```
//! use lstm_lab::init::{glorot_uniform, orthogonal};
//! use lstm_lab::prelude::*;
//! let mut rng = ChaCha12Rng::seed_from_u64(1);
//! let kernel = glorot_uniform(&mut rng, 100, 25); // [100, 25], row-major
//! let recurrent = orthogonal(&mut rng, 25, 25); // Q with Q^T Q = I
//! let limit = (6.0f32 / 125.0).sqrt();
//! assert!(kernel.iter().all(|v| v.abs() < limit) && kernel.len() == 2500);
//! let column_norm: f32 = (0..25).map(|r| recurrent[r * 25] * recurrent[r * 25]).sum();
//! assert!((column_norm - 1.0).abs() < 1e-5);
//! ```

use rand::{Rng, RngExt};
use rand_distr::StandardNormal;

/// `glorot_uniform`: U(-l, l) with `l = sqrt(6 / (fan_in + fan_out))`, for a `[fan_in, fan_out]`
/// matrix, row-major.
pub fn glorot_uniform<R: Rng>(rng: &mut R, fan_in: usize, fan_out: usize) -> Vec<f32> {
    let limit = (6.0 / (fan_in + fan_out) as f64).sqrt();
    (0..fan_in * fan_out)
        .map(|_| rng.random_range(-limit..limit) as f32)
        .collect()
}

/// `orthogonal` for a `[rows, cols]` matrix, row-major: the Q factor of the QR decomposition of
/// a standard-normal `[max, min]` matrix, signs fixed so that R has a positive diagonal,
/// transposed when `rows < cols` (Keras's algorithm; Gram-Schmidt gives the same Q as
/// Householder with the sign correction).
pub fn orthogonal<R: Rng>(rng: &mut R, rows: usize, cols: usize) -> Vec<f32> {
    let (tall, narrow) = (rows.max(cols), rows.min(cols));
    // Columns of the [tall, narrow] normal matrix, orthonormalised in turn.
    let mut q: Vec<Vec<f64>> = (0..narrow)
        .map(|_| (0..tall).map(|_| rng.sample(StandardNormal)).collect())
        .collect();
    for j in 0..narrow {
        for k in 0..j {
            let (done, rest) = q.split_at_mut(j);
            let (basis, column) = (&done[k], &mut rest[0]);
            let dot: f64 = column.iter().zip(basis).map(|(a, b)| a * b).sum();
            column.iter_mut().zip(basis).for_each(|(a, b)| *a -= dot * b);
        }
        let norm = q[j].iter().map(|v| v * v).sum::<f64>().sqrt();
        q[j].iter_mut().for_each(|v| *v /= norm);
    }
    // q[j][i] is Q[i, j] of the tall matrix.
    let mut out = vec![0.0f32; rows * cols];
    for r in 0..rows {
        for c in 0..cols {
            out[r * cols + c] = if rows >= cols { q[c][r] } else { q[r][c] } as f32;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ChaCha12Rng;
    use rand::SeedableRng;

    fn gram(m: &[f32], rows: usize, cols: usize, by_rows: bool) -> Vec<f64> {
        let n = if by_rows { rows } else { cols };
        let mut g = vec![0.0; n * n];
        for a in 0..n {
            for b in 0..n {
                g[a * n + b] = if by_rows {
                    (0..cols)
                        .map(|k| (m[a * cols + k] * m[b * cols + k]) as f64)
                        .sum()
                } else {
                    (0..rows)
                        .map(|k| (m[k * cols + a] * m[k * cols + b]) as f64)
                        .sum()
                };
            }
        }
        g
    }

    #[test]
    fn orthogonal_is_orthonormal_both_ways() {
        let mut rng = ChaCha12Rng::seed_from_u64(0);
        for (rows, cols) in [(4, 16), (16, 4), (5, 5)] {
            let m = orthogonal(&mut rng, rows, cols);
            // The short side's vectors are orthonormal.
            let by_rows = rows <= cols;
            let g = gram(&m, rows, cols, by_rows);
            let n = rows.min(cols);
            for a in 0..n {
                for b in 0..n {
                    let want = if a == b { 1.0 } else { 0.0 };
                    assert!((g[a * n + b] - want).abs() < 1e-5, "{rows}x{cols} gram[{a},{b}]");
                }
            }
        }
    }

    #[test]
    fn glorot_stays_in_its_limit() {
        let w = glorot_uniform(&mut ChaCha12Rng::seed_from_u64(1), 100, 200);
        let limit = (6.0f32 / 300.0).sqrt();
        assert!(w.iter().all(|v| v.abs() <= limit));
        let mean = w.iter().sum::<f32>() / w.len() as f32;
        assert!(mean.abs() < 0.01);
    }
}
