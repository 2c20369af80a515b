//! Small products without the `gemm` crate's per-call allocations, bit for bit as the crate
//! computes them.
//!
//! For products of up to half a million multiply-adds the crate's general path allocates on every
//! call (its packing flags and buffers), and its column-major `gemv` runs one vector at a time. This
//! module computes those two cases itself, with the *same* floating-point operations in the same
//! order as the crate, so every result keeps its bits and nothing trained before changes:
//!
//! - [`Order::Chain`]: `dst = fma(a_k, b_k, .. fma(a_0, b_0, dst))`, starting from `a_0 * b_0`
//!   when `dst` is not read (the crate's column-major `gemv`, for one row of `dst`).
//! - [`Order::Sum`]: `s = fma(a_k, b_k, .. fma(a_0, b_0, 0))`, then `dst + s` or `s` (its
//!   register-blocked microkernels).
//!
//! [`order`] reproduces the crate's choice of path (gemm-common 0.19's `gemm_basic_generic`,
//! after `gemm`'s transposition); the crate's other paths (its "horizontal" dot products, its
//! `gevv` for `k <= 2`, its row-major `gemv`) allocate nothing and stay with it, as do the
//! single-row and single-column products that are not column-major `gemv`s. The kernels run
//! only where the crate runs its AVX2 + FMA code (`pulp`'s V3); elsewhere everything goes to the
//! crate. `tests` compares the bits with the crate's on every layout the tutorials use.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

use super::math::Mat;

/// Products of at most this many multiply-adds (`m * n * k`) are computed here, where the
/// crate's per-call costs are a large share; larger ones go to the crate, whose packing pays off.
pub(crate) const SMALL_MACS: usize = 1 << 19;

/// The order in which the crate sums one output element (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    Chain,
    Sum,
}

/// The order the `gemm` crate (0.19, f32, its FMA path) uses for `dst[m, n] (+)= lhs * rhs` with
/// `dst`'s columns contiguous and `dst_rs` between its rows, where it is one this module follows.
pub(crate) fn order(
    m: usize,
    n: usize,
    k: usize,
    lhs: Mat<'_>,
    rhs: Mat<'_>,
    dst_rs: usize,
) -> Option<Order> {
    // The crate transposes a product whose `dst` has contiguous columns (dst_cs 1 < dst_rs) and
    // computes dst^T [n, m] = rhs^T lhs^T; its tests, in our names, in its order:
    if dst_rs <= 1 || k == 0 {
        return None;
    }
    // Dot products of contiguous rows and columns, at most 256 of them ("horizontal" kernels).
    if rhs.rs == 1 && lhs.cs == 1 && m * n <= 16 * 16 {
        return None;
    }
    // `gevv`, with every product rounded before it is added.
    if k <= 2 {
        return None;
    }
    if m <= 1 {
        // Column-major `gemv` where our rhs has contiguous rows; otherwise its row-major `gemv` or
        // its microkernels, left to it (none of the tutorials' products).
        return (rhs.cs == 1).then_some(Order::Chain);
    }
    if n <= 1 {
        return None;
    }
    // The crate's register-blocked kernels.
    Some(Order::Sum)
}

/// Whether this CPU runs the crate's AVX2 + FMA path, which the kernels here reproduce.
pub(crate) fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        static V3: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *V3.get_or_init(|| pulp::x86::V3::try_new().is_some())
    }
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// `dst (+)= lhs * rhs` in `order`, for an `[m, n]` `dst` with `dst_rs` between rows and
/// contiguous columns.
///
/// # Safety
/// Every view holds the elements it is read or written at (`lhs` `[m, k]`, `rhs` `[k, n]`,
/// `dst` `[m, n]`), `dst` aliases neither, and [`available`] holds.
pub(crate) unsafe fn product(
    order: Order,
    (m, n, k): (usize, usize, usize),
    dst: *mut f32,
    dst_rs: usize,
    accumulate: bool,
    lhs: Mat<'_>,
    rhs: Mat<'_>,
) {
    #[cfg(target_arch = "x86_64")]
    SCRATCH.with_borrow_mut(|scratch| {
        let width = n.next_multiple_of(8);
        let rhs = if rhs.cs == 1 {
            rhs
        } else {
            // A copy with contiguous rows, padded with zeros to whole vectors (values move,
            // their bits do not), in a buffer kept from call to call.
            scratch.clear();
            scratch.resize(k * width, 0.0);
            for (p, row) in scratch.chunks_exact_mut(width).enumerate() {
                for (j, to) in row[..n].iter_mut().enumerate() {
                    *to = rhs.data[p * rhs.rs + j * rhs.cs];
                }
            }
            Mat::rows(scratch, width)
        };
        let padded = rhs.rs >= width && rhs.data.len() >= (k - 1) * rhs.rs + width;
        let kernel = Kernel {
            order,
            m,
            n,
            k,
            dst,
            dst_rs,
            accumulate,
            lhs,
            rhs,
            padded,
        };
        // SAFETY: the caller's contract; `rhs` has contiguous rows.
        unsafe { kernel.run() }
    });
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (order, m, n, k, dst, dst_rs, accumulate, lhs, rhs);
        unreachable!("`available` is false off x86-64")
    }
}

#[cfg(target_arch = "x86_64")]
thread_local! {
    /// [`product`]'s copy of an `rhs` whose rows are not contiguous.
    static SCRATCH: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// One product, `rhs` with contiguous rows.
#[cfg(target_arch = "x86_64")]
struct Kernel<'a> {
    order: Order,
    m: usize,
    n: usize,
    k: usize,
    dst: *mut f32,
    dst_rs: usize,
    accumulate: bool,
    lhs: Mat<'a>,
    rhs: Mat<'a>,
    /// Whether every row of `rhs` can be read to a whole number of vectors.
    padded: bool,
}

#[cfg(target_arch = "x86_64")]
impl Kernel<'_> {
    /// Tiles of up to four rows by two vectors of eight columns (three by three vectors when a
    /// row is three vectors wide, one row by up to four vectors for a single row), the last
    /// vector of a row masked to the columns that exist.
    ///
    /// # Safety
    /// [`product`]'s contract, with `rhs`'s rows contiguous; when `padded`, every row of `rhs`
    /// can be read to a whole number of vectors inside its slice.
    #[target_feature(enable = "avx2,fma")]
    unsafe fn run(&self) {
        let vectors = self.n.div_ceil(8);
        let (rows, width) = match (self.m, vectors) {
            (1, _) => (1, 4),
            (_, 3) => (3, 3),
            _ => (4, 2),
        };
        for i in (0..self.m).step_by(rows) {
            for v in (0..vectors).step_by(width) {
                // SAFETY: the tile lies inside the views (this function's contract).
                unsafe {
                    match ((self.m - i).min(rows), (vectors - v).min(width)) {
                        (1, 1) => self.tile::<1, 1>(i, v),
                        (1, 2) => self.tile::<1, 2>(i, v),
                        (1, 3) => self.tile::<1, 3>(i, v),
                        (1, _) => self.tile::<1, 4>(i, v),
                        (2, 1) => self.tile::<2, 1>(i, v),
                        (2, 2) => self.tile::<2, 2>(i, v),
                        (2, _) => self.tile::<2, 3>(i, v),
                        (3, 1) => self.tile::<3, 1>(i, v),
                        (3, 2) => self.tile::<3, 2>(i, v),
                        (3, _) => self.tile::<3, 3>(i, v),
                        (_, 1) => self.tile::<4, 1>(i, v),
                        _ => self.tile::<4, 2>(i, v),
                    }
                }
            }
        }
    }

    /// Rows `i..i + R` and vectors `v..v + V` of `dst`.
    ///
    /// # Safety
    /// As [`run`](Self::run), for a tile inside `dst`.
    #[target_feature(enable = "avx2,fma")]
    unsafe fn tile<const R: usize, const V: usize>(&self, i: usize, v: usize) {
        let Self {
            order,
            n,
            k,
            dst,
            dst_rs,
            accumulate,
            lhs,
            rhs,
            padded,
            ..
        } = *self;
        // Lanes of vector `v + w` that hold a column of dst.
        // Columns of vector `v + w` that exist in dst (a padded rhs says nothing about dst).
        let in_dst = |w: usize| (n - 8 * (v + w)).min(8);
        let mask = |w: usize| {
            let left = in_dst(w) as i32;
            _mm256_cmpgt_epi32(_mm256_set1_epi32(left), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
        };
        let masks: [__m256i; V] = std::array::from_fn(mask);
        let whole: [bool; V] = std::array::from_fn(|w| padded || n >= 8 * (v + w + 1));
        // SAFETY (every access): masked lanes are not touched; the others lie inside the views, or
        // (a padded rhs) inside its slice, feeding only lanes whose output is masked off.
        let b = |p: usize, w: usize| unsafe {
            let from = rhs.data.as_ptr().add(p * rhs.rs + 8 * (v + w));
            if whole[w] {
                _mm256_loadu_ps(from)
            } else {
                _mm256_maskload_ps(from, masks[w])
            }
        };
        let a = |r: usize, p: usize| {
            _mm256_set1_ps(unsafe { *lhs.data.as_ptr().add((i + r) * lhs.rs + p * lhs.cs) })
        };
        let at = |r: usize, w: usize| unsafe { dst.add((i + r) * dst_rs + 8 * (v + w)) };
        let mut acc = [[_mm256_setzero_ps(); V]; R];
        let mut first = 0;
        if order == Order::Chain {
            if accumulate {
                for (r, row) in acc.iter_mut().enumerate() {
                    for (w, x) in row.iter_mut().enumerate() {
                        *x = unsafe { _mm256_maskload_ps(at(r, w), masks[w]) };
                    }
                }
            } else {
                for (r, row) in acc.iter_mut().enumerate() {
                    for (w, x) in row.iter_mut().enumerate() {
                        *x = _mm256_mul_ps(a(r, 0), b(0, w));
                    }
                }
                first = 1;
            }
        }
        let rows: [*const f32; R] =
            std::array::from_fn(|r| unsafe { lhs.data.as_ptr().add((i + r) * lhs.rs) });
        let columns = unsafe { rhs.data.as_ptr().add(8 * v) };
        // SAFETY: as `a`'s and `b`'s; only the last vector can be partial.
        unsafe {
            if whole.iter().all(|&w| w) {
                terms::<R, V, false>(&mut acc, first..k, (rows, lhs.cs), (columns, rhs.rs), &masks);
            } else {
                terms::<R, V, true>(&mut acc, first..k, (rows, lhs.cs), (columns, rhs.rs), &masks);
            }
        }
        for (r, row) in acc.iter().enumerate() {
            for (w, x) in row.iter().enumerate() {
                let value = if order == Order::Sum && accumulate {
                    _mm256_add_ps(unsafe { _mm256_maskload_ps(at(r, w), masks[w]) }, *x)
                } else {
                    *x
                };
                // A whole vector is stored plainly, a partial one through a buffer: AMD's cores
                // microcode `vmaskmovps` stores (Zen 4: one every dozen cycles or so). Where a
                // value goes changes no bit of it.
                let columns = in_dst(w);
                if columns == 8 {
                    unsafe { _mm256_storeu_ps(at(r, w), value) };
                } else {
                    let mut lanes = [0.0f32; 8];
                    unsafe {
                        _mm256_storeu_ps(lanes.as_mut_ptr(), value);
                        std::ptr::copy_nonoverlapping(lanes.as_ptr(), at(r, w), columns);
                    }
                }
            }
        }
    }
}

/// `acc[r][w] = fma(a[r][p], b[p][w], acc[r][w])` for `p` in `terms`, in order: `a` the rows'
/// first elements and the step between a row's elements, `b` the first column's and the step
/// between rows; with `MASKED`, the last vector of each row of `b` is read under its mask.
///
/// # Safety
/// Rows `..R` of `a` hold the terms `p` at `p * a_step`, and `b` the rows `p` at `p * b_step`,
/// `V` vectors each (the last one's masked-off lanes aside when `MASKED`).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[inline]
unsafe fn terms<const R: usize, const V: usize, const MASKED: bool>(
    acc: &mut [[__m256; V]; R],
    terms: std::ops::Range<usize>,
    (a, a_step): ([*const f32; R], usize),
    (b, b_step): (*const f32, usize),
    masks: &[__m256i; V],
) {
    for p in terms {
        // SAFETY: the caller's views hold rows `..R` of `a` and `terms` of `b` (masked lanes
        // aside).
        let bs: [__m256; V] = std::array::from_fn(|w| unsafe {
            let at = b.add(p * b_step + 8 * w);
            if MASKED && w == V - 1 {
                _mm256_maskload_ps(at, masks[w])
            } else {
                _mm256_loadu_ps(at)
            }
        });
        for (row, a) in acc.iter_mut().zip(&a) {
            let ar = _mm256_set1_ps(unsafe { *a.add(p * a_step) });
            for (x, bw) in row.iter_mut().zip(&bs) {
                *x = _mm256_fmadd_ps(ar, *bw, *x);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every layout of the tutorials' small products (the shape `m, n, k`, lhs's and rhs's
    /// strides, dst's row stride, whether dst is read), computed here and by the crate: the same
    /// bits, on values with both signs and many exponents.
    #[test]
    fn small_products_have_the_crates_bits() {
        if !available() {
            return;
        }
        let value = |i: usize| ((i * 7919 % 1009) as f32 / 1009.0 - 0.5) * (1 << (i % 7)) as f32;
        let mut checked = 0;
        for (m, n, k, lrs, lcs, rrs, rcs, dst_rs, accumulate) in [
            (1, 26, 32, 32, 1, 26, 1, 26, true),
            (1, 32, 26, 26, 1, 1, 26, 32, false),
            (1, 32, 128, 256, 1, 1, 128, 32, false),
            (1, 128, 2, 1, 1, 128, 1, 128, false),
            (1, 128, 32, 64, 1, 128, 1, 256, true),
            (2, 128, 1, 1, 1, 128, 1, 128, true),
            (32, 26, 1, 1, 32, 26, 1, 26, false),
            (32, 128, 2, 1, 32, 128, 1, 128, false),
            (1, 128, 3, 3, 1, 128, 1, 128, true),
            (3, 128, 1, 1, 3, 128, 1, 128, false),
            (1, 128, 3, 1, 1, 128, 1, 128, false),
            (3, 128, 1, 1, 1, 128, 1, 128, true),
            (32, 128, 3, 1, 32, 128, 1, 128, false),
            (7, 20, 80, 400, 1, 1, 80, 20, false),
            (7, 80, 20, 100, 1, 80, 1, 400, true),
            (20, 80, 35, 1, 20, 80, 1, 80, false),
            (35, 20, 100, 100, 1, 1, 100, 20, false),
            (35, 100, 20, 20, 1, 100, 1, 100, true),
            (5, 50, 100, 100, 1, 1, 100, 50, false),
            (5, 50, 200, 1000, 1, 1, 200, 50, false),
            (5, 100, 50, 50, 1, 100, 1, 100, true),
            (5, 200, 50, 250, 1, 200, 1, 1000, true),
            (25, 5, 32, 1, 25, 5, 1, 5, false),
            (32, 5, 25, 25, 1, 5, 1, 5, true),
            (32, 25, 5, 5, 1, 1, 5, 25, false),
            (32, 25, 100, 1000, 1, 1, 100, 25, false),
            (1, 25, 100, 5000, 1, 1, 100, 25, false),
            (1, 100, 25, 1250, 1, 100, 1, 5000, true),
            (4, 100, 25, 1250, 1, 100, 1, 5000, true),
            (25, 100, 1, 1, 25, 100, 1, 100, false),
            (9, 37, 13, 13, 1, 1, 13, 40, true),
            (9, 37, 13, 1, 9, 37, 1, 40, false),
            // A single row with a partial last vector, dst not read: the masked loads of rhs.
            (1, 26, 32, 32, 1, 26, 1, 30, false),
            // rhs rows longer than the product's columns (the second half of a split product):
            // the last vector is read whole, past the product's columns, and stored masked.
            (6, 20, 16, 16, 1, 40, 1, 24, true),
            (5, 13, 9, 9, 1, 64, 1, 16, false),
        ] {
            let a: Vec<f32> = (0..(m - 1) * lrs + (k - 1) * lcs + 1).map(value).collect();
            let b: Vec<f32> = (0..(k - 1) * rrs + (n - 1) * rcs + 1)
                .map(|i| value(i + 13))
                .collect();
            let (lhs, rhs) = (
                Mat {
                    data: &a,
                    rs: lrs,
                    cs: lcs,
                },
                Mat {
                    data: &b,
                    rs: rrs,
                    cs: rcs,
                },
            );
            let Some(order) = order(m, n, k, lhs, rhs, dst_rs) else {
                continue;
            };
            let start: Vec<f32> = (0..(m - 1) * dst_rs + n).map(|i| value(i + 29)).collect();
            let mut ours = start.clone();
            unsafe { product(order, (m, n, k), ours.as_mut_ptr(), dst_rs, accumulate, lhs, rhs) };
            let mut theirs = start.clone();
            unsafe {
                super::super::math::by_the_crate((m, n, k), theirs.as_mut_ptr(), dst_rs, accumulate, lhs, rhs)
            };
            let differ = ours
                .iter()
                .zip(&theirs)
                .filter(|(x, y)| x.to_bits() != y.to_bits())
                .count();
            assert_eq!(
                differ,
                0,
                "{m}x{n}x{k} {order:?} (lhs {lrs},{lcs} rhs {rrs},{rcs} dst {dst_rs} acc {accumulate}): {differ} of {} values differ",
                ours.len()
            );
            assert_ne!(ours, start, "{m}x{n}x{k}: nothing was computed");
            checked += 1;
        }
        assert!(checked >= 18, "only {checked} layouts take this path");
    }
}
