//! The arithmetic of the CPU kernels: a strided single-precision GEMM (the `gemm` crate, the one
//! Burn's CPU backend uses) and branch-free gate activations that the compiler vectorises.
//!
//! The activations run inside `simd`, which re-compiles its closure for AVX2 + FMA when the
//! CPU has them (`pulp`'s runtime dispatch) and falls back to the baseline otherwise. The code
//! never calls `mul_add` itself, so the baseline and the AVX2 build round identically.

use super::small;

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

    /// The view that starts at row `row`, column `col`.
    fn at(self, row: usize, col: usize) -> Self {
        Self {
            data: &self.data[row * self.rs + col * self.cs..],
            ..self
        }
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
/// bits do not depend on the host's caches.
///
/// A product of a million multiply-adds or more is computed as two halves of its output
/// columns, whatever the host: the halves on two threads (this one and a helper thread kept for
/// it) when the host has two cores and the caller is not a thread of a pool already (such as
/// one of `study`'s runs side by side), one after the other otherwise. Which threads run them
/// does not change a bit.
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
    if k > 0 {
        lhs.check(m, k, "gemm lhs");
        rhs.check(k, n, "gemm rhs");
    }
    let out = Dst(dst.as_mut_ptr());
    if m * n * k >= SPLIT_MACS && n >= 2 * SPLIT_ALIGN {
        // Two halves whatever the host or thread, so that the bits depend on the shape alone:
        // the `gemm` crate picks its kernel by the size of each call, and a half can be small
        // enough for another kernel (one row of 256 columns is, one of 512 is not).
        let mid = (n / 2).next_multiple_of(SPLIT_ALIGN);
        super::helper::both(
            || gemm_columns(m, (0, mid), k, out, dst_rs, accumulate, lhs, rhs),
            || gemm_columns(m, (mid, n), k, out, dst_rs, accumulate, lhs, rhs),
        );
    } else {
        gemm_columns(m, (0, n), k, out, dst_rs, accumulate, lhs, rhs);
    }
}

/// Products of at least this many multiply-adds (`m * n * k`) split their columns over two
/// threads. Measured on the tutorials (seconds of training, seed 1): at 2^17 randint-echo took
/// 0.75 s against 0.66 s unsplit and vanilla-second 1.43 s against 1.33 s; at 2^20 they keep
/// their unsplit times and echo-partial (recurrent products of 1.9 M) trains in 8.3 s, not 10.9.
pub(crate) const SPLIT_MACS: usize = 1 << 20;

/// The column split falls on a multiple of this many columns.
const SPLIT_ALIGN: usize = 16;

/// `dst`'s first element, shared by the two halves of a split product, which write disjoint
/// columns.
#[derive(Clone, Copy)]
struct Dst(*mut f32);
// SAFETY: the halves of a split product write disjoint columns of `dst`, which the caller
// borrows mutably for the whole product.
unsafe impl Send for Dst {}
unsafe impl Sync for Dst {}

/// Columns `from..to` of [`gemm()`]'s product, whose bounds it has checked.
#[allow(clippy::too_many_arguments)]
fn gemm_columns(
    m: usize,
    (from, to): (usize, usize),
    k: usize,
    dst: Dst,
    dst_rs: usize,
    accumulate: bool,
    lhs: Mat<'_>,
    rhs: Mat<'_>,
) {
    let n = to - from;
    // SAFETY: `from < n_total` and `dst` holds the whole `[m, n_total]` view.
    let dst = unsafe { dst.0.add(from) };
    if k == 0 && !accumulate {
        for row in 0..m {
            // SAFETY: row `row`, columns `from..to` lie inside the checked `dst` view.
            unsafe { std::slice::from_raw_parts_mut(dst.add(row * dst_rs), n) }.fill(0.0);
        }
    }
    for start in (0..k).step_by(K_CHUNK) {
        let kc = K_CHUNK.min(k - start);
        LONGEST_K.fetch_max(kc, std::sync::atomic::Ordering::Relaxed);
        let (lhs_c, rhs_c) = (lhs.at(0, start), rhs.at(start, from));
        // Small products by this crate's own kernels, with the `gemm` crate's bits (`small`).
        if m * n * kc <= small::SMALL_MACS
            && small::available()
            && let Some(order) = small::order(m, n, kc, lhs_c, rhs_c, dst_rs)
        {
            // SAFETY: as for the crate below; `available` holds.
            unsafe {
                small::product(
                    order,
                    (m, n, kc),
                    dst,
                    dst_rs,
                    accumulate || start > 0,
                    lhs_c,
                    rhs_c,
                )
            };
            continue;
        }
        // SAFETY: the checks in `gemm` keep every index the kernel touches (lhs columns and
        // rhs rows `start..start + kc`, dst columns `from..to`) inside its buffer; `dst` is
        // borrowed mutably there, so it cannot alias `lhs` or `rhs`, and the two halves of a
        // split product write disjoint columns.
        unsafe { by_the_crate((m, n, kc), dst, dst_rs, accumulate || start > 0, lhs_c, rhs_c) };
    }
}

/// `dst (+)= lhs * rhs` by the `gemm` crate, one thread, `dst` `[m, n]` with contiguous columns
/// and `dst_rs` between rows.
///
/// # Safety
/// Every view holds the elements it is read or written at, and `dst` aliases neither.
pub(super) unsafe fn by_the_crate(
    (m, n, k): (usize, usize, usize),
    dst: *mut f32,
    dst_rs: usize,
    accumulate: bool,
    lhs: Mat<'_>,
    rhs: Mat<'_>,
) {
    // SAFETY: the caller's contract.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst,
            1,
            dst_rs as isize,
            accumulate,
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

    /// A product large enough to be split over two threads gives the bits of the same product
    /// computed whole on one: for the tutorials' largest shapes (echo-partial's), with `k` over
    /// one chunk, a strided `dst`, both layouts of `rhs` and accumulation into `dst`.
    #[test]
    fn a_split_product_has_the_bits_of_the_whole_one() {
        let value = |i: usize| ((i * 7919 % 1009) as f32 / 1009.0 - 0.5) * 1.3;
        for (m, n, k, rhs_transposed, accumulate) in [
            (21, 600, 150, false, true),
            (21, 150, 600, true, false),
            (100, 600, 105, false, false),
            (150, 600, 105, false, false),
            (105, 100, 600, true, false),
            (64, 130, 700, false, true),
        ] {
            assert!(m * n * k >= SPLIT_MACS, "{m}x{n}x{k} is not split");
            let a: Vec<f32> = (0..m * k).map(value).collect();
            let b: Vec<f32> = (0..k * n).map(|i| value(i + 13)).collect();
            let rhs = if rhs_transposed {
                Mat::transposed(&b, k)
            } else {
                Mat::rows(&b, n)
            };
            let dst_rs = n + 3;
            let start: Vec<f32> = (0..m * dst_rs).map(|i| value(i + 29)).collect();
            let mut split = start.clone();
            let before = super::super::helper::jobs();
            gemm(m, n, k, &mut split, dst_rs, accumulate, Mat::rows(&a, k), rhs);
            if super::super::helper::available() {
                assert!(super::super::helper::jobs() > before, "{m}x{n}x{k} was not split");
            }
            let mut whole = start.clone();
            gemm_columns(
                m,
                (0, n),
                k,
                Dst(whole.as_mut_ptr()),
                dst_rs,
                accumulate,
                Mat::rows(&a, k),
                rhs,
            );
            let same = split.iter().zip(&whole).all(|(x, y)| x.to_bits() == y.to_bits());
            assert!(same, "{m}x{n}x{k}: the split product differs from the whole one");
            assert_ne!(split, start, "{m}x{n}x{k}: nothing was computed");
        }
    }

    /// The bits of a product depend on its shape alone: the same on this thread (which hands half
    /// to the helper) and on a rayon pool's thread (which runs both halves itself), for a shape
    /// whose halves are small enough for another of the `gemm` crate's kernels than the whole
    /// (one row, 512 columns) as for the tutorials' largest.
    #[test]
    fn a_product_has_the_same_bits_on_any_thread() {
        let value = |i: usize| ((i * 7919 % 1009) as f32 / 1009.0 - 0.5) * 1.3;
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        for (m, n, k, rhs_transposed) in [(1, 512, 2048, true), (2, 1024, 600, true), (21, 600, 150, false)] {
            let a: Vec<f32> = (0..m * k).map(value).collect();
            let b: Vec<f32> = (0..k * n).map(|i| value(i + 13)).collect();
            let product = || {
                let rhs = if rhs_transposed {
                    Mat::transposed(&b, k)
                } else {
                    Mat::rows(&b, n)
                };
                let mut dst = vec![0.0f32; m * n];
                gemm(m, n, k, &mut dst, n, false, Mat::rows(&a, k), rhs);
                dst.iter().map(|x| x.to_bits()).collect::<Vec<u32>>()
            };
            let here = product();
            let in_pool = pool.install(|| {
                assert!(
                    !super::super::helper::available(),
                    "a pool thread runs both halves"
                );
                product()
            });
            assert_eq!(here, in_pool, "{m}x{n}x{k}: the bits depend on the thread");
        }
    }
}
