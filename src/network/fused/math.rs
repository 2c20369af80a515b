//! The arithmetic of the CPU kernels: a strided single-precision GEMM (the `gemm` crate, the one
//! Burn's CPU backend uses) and branch-free gate activations that the compiler vectorises.
//!
//! The activations run inside `simd`, which re-compiles its closure for AVX2 + FMA when the
//! CPU has them (`pulp`'s runtime dispatch) and falls back to the baseline otherwise. The code
//! never calls `mul_add` itself, so the baseline and the AVX2 build round identically.

/// Runs `op` compiled for the best instruction set this CPU offers (AVX2 + FMA on x86-64).
///
/// `op` is a closure (called once, so the compiler inlines it) or a `pulp::WithSimd` whose
/// `with_simd` is `#[inline(always)]`; the loops it calls are `#[inline(always)]`, so everything
/// it inlines is compiled with those target features.
#[inline(always)]
pub(crate) fn simd<Op: pulp::WithSimd>(op: Op) -> Op::Output {
    pulp::Arch::new().dispatch(op)
}

const LOG2_E: f32 = std::f32::consts::LOG2_E;
/// `1.5 * 2^23`: adding it rounds an `f32` of magnitude below `2^22` to an integer, which then
/// sits in the low mantissa bits.
const ROUND: f32 = 12_582_912.0;
/// ln 2 split in a part exact in f32 and a remainder (Cephes's `expf`).
const LN2_HI: f32 = 0.693_359_4;
const LN2_LO: f32 = -2.121_944_4e-4;

/// `e^x` to within 2 ulp over the normal range, without branches (Cephes's `expf` polynomial
/// with the power of two built from its exponent bits). Inputs are clamped to
/// `[-87.3, 88.3]`, so the result is never infinite or subnormal.
#[inline(always)]
pub(crate) fn exp(x: f32) -> f32 {
    let x = x.clamp(-87.3, 88.3);
    let shifted = x * LOG2_E + ROUND;
    let n = shifted - ROUND; // round(x / ln 2)
    let r = x - n * LN2_HI - n * LN2_LO;
    let p = 1.987_569_2e-4_f32;
    let p = p * r + 1.398_199_9e-3;
    let p = p * r + 8.333_452e-3;
    let p = p * r + 4.166_579_6e-2;
    let p = p * r + 1.666_666_5e-1;
    let p = p * r + 0.5;
    let p = p * (r * r) + r + 1.0;
    // 2^n from its exponent bits: the integer n is `shifted`'s bits minus those of ROUND.
    let two_n = f32::from_bits((shifted.to_bits().wrapping_sub(ROUND.to_bits()).wrapping_add(127)) << 23);
    p * two_n
}

/// The logistic function `1 / (1 + e^-x)`.
#[inline(always)]
pub(crate) fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

/// `tanh(x) = 1 - 2 / (e^2x + 1)`: within 2e-7 of the exact value everywhere, exactly ±1 in
/// the tails.
#[inline(always)]
pub(crate) fn tanh(x: f32) -> f32 {
    1.0 - 2.0 / (exp(2.0 * x) + 1.0)
}

/// Applies the LSTM's gate activations to one `[4 * units]` pre-activation row in place:
/// sigmoid on i, f and o, tanh on the candidate g (Keras's gate order i, f, c, o).
#[inline(always)]
pub(crate) fn activate_gates(z: &mut [f32], units: usize) {
    let (ifg, o) = z.split_at_mut(3 * units);
    let (i_f, g) = ifg.split_at_mut(2 * units);
    // Two plain loops, not a chained iterator: the compiler vectorises these.
    for v in i_f.iter_mut() {
        *v = sigmoid(*v);
    }
    for v in o.iter_mut() {
        *v = sigmoid(*v);
    }
    for v in g.iter_mut() {
        *v = tanh(*v);
    }
}

/// One step of the cell for one sample: `c = f * c_prev + i * g`, `h = o * tanh(c)`.
///
/// - gates: activated `[4 * units]` (i, f, g, o)
/// - c_prev, c, h: `[units]`
#[inline(always)]
pub(crate) fn cell_forward(gates: &[f32], c_prev: &[f32], c: &mut [f32], h: &mut [f32]) {
    let u = c.len();
    let (i, rest) = gates.split_at(u);
    let (f, rest) = rest.split_at(u);
    let (g, o) = rest.split_at(u);
    for j in 0..u {
        let cj = f[j] * c_prev[j] + i[j] * g[j];
        c[j] = cj;
        h[j] = o[j] * tanh(cj);
    }
}

/// The backward of [`cell_forward`] and [`activate_gates`] for one sample and step.
///
/// - gates: the activated gates `[4 * units]`; c, c_prev: the cell state after and before
/// - dh: the gradient reaching `h` (from the output and from the next step)
/// - dc: in, the gradient reaching `c` from the next step; out, the gradient of `c_prev`
/// - dz: out, the gradient of the pre-activations `[4 * units]`
/// - scratch: `[units]`, overwritten
#[inline(always)]
pub(crate) fn cell_backward(
    gates: &[f32],
    c: &[f32],
    c_prev: &[f32],
    dh: &[f32],
    dc: &mut [f32],
    dz: &mut [f32],
    scratch: &mut [f32],
) {
    let u = c.len();
    for (t, &cj) in scratch.iter_mut().zip(c) {
        *t = tanh(cj);
    }
    let (i, rest) = gates.split_at(u);
    let (f, rest) = rest.split_at(u);
    let (g, o) = rest.split_at(u);
    let (dzi, rest) = dz.split_at_mut(u);
    let (dzf, rest) = rest.split_at_mut(u);
    let (dzg, dzo) = rest.split_at_mut(u);
    for j in 0..u {
        let tc = scratch[j];
        let dhj = dh[j];
        dzo[j] = dhj * tc * o[j] * (1.0 - o[j]);
        let dcj = dc[j] + dhj * o[j] * (1.0 - tc * tc);
        dzi[j] = dcj * g[j] * i[j] * (1.0 - i[j]);
        dzf[j] = dcj * c_prev[j] * f[j] * (1.0 - f[j]);
        dzg[j] = dcj * i[j] * (1.0 - g[j] * g[j]);
        dc[j] = dcj * f[j];
    }
}

/// Keras's Adam update of one parameter tensor, in place, compiled for the CPU's SIMD by
/// [`simd`]: `m += (g - m)(1 - b1)`, `v += (g^2 - v)(1 - b2)`,
/// `theta -= alpha m / (sqrt(v) + eps)`, with `hyper = [alpha, beta_1, beta_2, epsilon]`.
///
/// Every element is updated on its own by the same IEEE operations, so the vector width does
/// not change a bit.
pub(crate) fn adam(theta: &mut [f32], m: &mut [f32], v: &mut [f32], grad: &[f32], hyper: [f32; 4]) {
    simd(Adam {
        theta,
        m,
        v,
        grad,
        hyper,
    });
}

/// [`adam`]'s loop, inlined into the SIMD dispatch.
struct Adam<'a> {
    theta: &'a mut [f32],
    m: &'a mut [f32],
    v: &'a mut [f32],
    grad: &'a [f32],
    hyper: [f32; 4],
}

impl pulp::WithSimd for Adam<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) {
        let [alpha, beta_1, beta_2, epsilon] = self.hyper;
        let (one_b1, one_b2) = (1.0 - beta_1, 1.0 - beta_2);
        let Self { theta, m, v, .. } = self;
        for (((p, m), v), &g) in theta.iter_mut().zip(m).zip(v).zip(self.grad) {
            *m += (g - *m) * one_b1;
            *v += (g * g - *v) * one_b2;
            *p -= (*m * alpha) / (v.sqrt() + epsilon);
        }
    }
}

/// A read-only matrix view: element `(r, c)` at `data[r * rs + c * cs]`.
#[derive(Clone, Copy)]
pub struct Mat<'a> {
    pub data: &'a [f32],
    pub rs: usize,
    pub cs: usize,
}

impl<'a> Mat<'a> {
    /// Row-major, `cols` per row.
    pub fn rows(data: &'a [f32], cols: usize) -> Self {
        Self {
            data,
            rs: cols,
            cs: 1,
        }
    }

    /// The transpose of a row-major matrix with `cols` per row.
    pub fn transposed(data: &'a [f32], cols: usize) -> Self {
        Self {
            data,
            rs: 1,
            cs: cols,
        }
    }

    /// The same layout with row stride `rs` (rows of a `[batch, steps, n]` buffer at one step).
    pub fn strided(data: &'a [f32], rs: usize) -> Self {
        Self { data, rs, cs: 1 }
    }

    fn check(&self, rows: usize, cols: usize, what: &str) {
        assert!(rows > 0 && cols > 0, "{what}: a {rows}x{cols} view is empty");
        let last = (rows - 1) * self.rs + (cols - 1) * self.cs;
        assert!(
            last < self.data.len(),
            "{what}: a {rows}x{cols} view needs index {last}, the buffer has {}",
            self.data.len()
        );
    }
}

/// The longest sum one call hands to the `gemm` crate: every product's `k` is cut into
/// consecutive chunks of this many terms, each summed on its own and added to `dst` in order.
///
/// `gemm` 0.19 sums up to 512 terms in one block whatever the host, but for `k > 512` it picks its
/// block (`kc`) from the host's L1 geometry (gemm-common's `kernel_params`): 1024 on a 48 KiB
/// 12-way L1, 512 on a 32 KiB 8-way one. A different block changes the order of the sum, and so
/// the last bits of every result. With `k <= 512` in every call there is one order on every
/// x86-64 host with AVX2 + FMA (`gemm` and `pulp` are built without their AVX-512 paths).
pub const K_CHUNK: usize = 512;

/// The largest `k` any call of [`gemm()`] has handed to the `gemm` crate in this process: at most
/// [`K_CHUNK`] (the host-independence test reads it).
pub fn longest_k() -> usize {
    LONGEST_K.load(std::sync::atomic::Ordering::Relaxed)
}

static LONGEST_K: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// `dst = (accumulate ? dst : 0) + lhs * rhs` for `lhs [m, k]`, `rhs [k, n]` and a row-major
/// `dst [m, n]` with row stride `dst_rs`, summed over `k` in chunks of [`K_CHUNK`] so that the
/// bits do not depend on the host's caches. Single-threaded: the matrices of these tutorials are
/// small enough that splitting them costs more than it saves.
#[allow(clippy::too_many_arguments)]
pub fn gemm(
    m: usize,
    n: usize,
    k: usize,
    dst: &mut [f32],
    dst_rs: usize,
    accumulate: bool,
    lhs: Mat<'_>,
    rhs: Mat<'_>,
) {
    Mat::strided(dst, dst_rs).check(m, n, "gemm dst");
    if k == 0 && !accumulate {
        for row in 0..m {
            dst[row * dst_rs..][..n].fill(0.0);
        }
    }
    for start in (0..k).step_by(K_CHUNK) {
        let kc = K_CHUNK.min(k - start);
        // lhs columns and rhs rows start..start + kc
        let lhs = Mat {
            data: &lhs.data[(start * lhs.cs).min(lhs.data.len())..],
            ..lhs
        };
        let rhs = Mat {
            data: &rhs.data[(start * rhs.rs).min(rhs.data.len())..],
            ..rhs
        };
        lhs.check(m, kc, "gemm lhs");
        rhs.check(kc, n, "gemm rhs");
        LONGEST_K.fetch_max(kc, std::sync::atomic::Ordering::Relaxed);
        // SAFETY: the checks of `lhs`, `rhs` and `dst` keep every index the kernel touches
        // inside its slice, and `dst` is borrowed mutably, so it cannot alias `lhs` or `rhs`.
        unsafe {
            gemm::gemm(
                m,
                n,
                kc,
                dst.as_mut_ptr(),
                1,
                dst_rs as isize,
                accumulate || start > 0,
                lhs.data.as_ptr(),
                lhs.cs as isize,
                lhs.rs as isize,
                rhs.data.as_ptr(),
                rhs.cs as isize,
                rhs.rs as isize,
                1.0,
                1.0,
                false,
                false,
                false,
                gemm::Parallelism::None,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activations_are_close_to_libm() {
        let mut worst = [0.0f32; 3];
        for i in -200_000..=200_000 {
            let x = i as f32 * 1e-4;
            let e = (exp(x) - x.exp()).abs() / x.exp();
            let s = (sigmoid(x) - 1.0 / (1.0 + (-x).exp())).abs();
            let t = (tanh(x) - x.tanh()).abs();
            worst = [worst[0].max(e), worst[1].max(s), worst[2].max(t)];
        }
        assert!(worst[0] < 3e-7, "exp relative error {}", worst[0]);
        assert!(worst[1] < 2e-7, "sigmoid error {}", worst[1]);
        assert!(worst[2] < 3e-7, "tanh error {}", worst[2]);
        assert_eq!(tanh(50.0), 1.0);
        assert_eq!(tanh(-50.0), -1.0);
        assert!(exp(-1000.0) > 0.0 && exp(1000.0).is_finite());
    }

    #[test]
    fn gemm_matches_a_naive_product_with_strides() {
        let (m, n, k) = (3, 5, 4);
        let a: Vec<f32> = (0..m * k).map(|v| v as f32 * 0.5 - 2.0).collect();
        let b: Vec<f32> = (0..k * n).map(|v| (v as f32).sin()).collect();
        let mut dst = vec![1.0; m * n];
        gemm(m, n, k, &mut dst, n, true, Mat::rows(&a, k), Mat::rows(&b, n));
        // The same product with b stored transposed.
        let bt: Vec<f32> = (0..n * k).map(|i| b[(i % k) * n + i / k]).collect();
        let mut dst2 = vec![0.0; m * n];
        gemm(
            m,
            n,
            k,
            &mut dst2,
            n,
            false,
            Mat::rows(&a, k),
            Mat::transposed(&bt, k),
        );
        for r in 0..m {
            for c in 0..n {
                let want: f32 = (0..k).map(|i| a[r * k + i] * b[i * n + c]).sum();
                assert!((dst[r * n + c] - 1.0 - want).abs() < 1e-5);
                assert!((dst2[r * n + c] - want).abs() < 1e-5);
            }
        }
    }
}
