//! The fused LSTM op against the op-by-op reference (`Lstm::forward_reference`, differentiated by
//! Burn's autodiff): outputs, final states and the gradients of every input, on random shapes
//! that include batch 1, a single step, and unit counts that are not a multiple of the SIMD
//! width. Also the fused Adam against the same update written with tensor ops.
//!
//! Runs on the CPU and, with `--features wgpu`, on the wgpu device (10x looser, as the Keras
//! parity tests: GPU kernels sum in another order).

mod common;
use burn::module::Param;
use burn::tensor::{Device, Tensor, TensorData};
use lstm_lab::ChaCha12Rng;
use lstm_lab::fused::adam_update;
use lstm_lab::layers::{Lstm, LstmConfig, LstmState};
use proptest::prelude::*;
use rand::{RngExt, SeedableRng};

/// (batch, steps, d_input, units)
type Shape = (usize, usize, usize, usize);

const SHAPES: [Shape; 7] = [
    (1, 1, 1, 1),
    (1, 7, 3, 5),
    (3, 1, 4, 9),
    (5, 5, 100, 17),
    (2, 10, 5, 25),
    (7, 3, 11, 33),
    (21, 2, 13, 150),
];

/// Uniform in [-1, 1) from `rng` (not Burn's process-wide generator, which tests running in
/// parallel would share), so that every case, and a shrunk failing one, replays exactly.
fn random(rng: &mut ChaCha12Rng, device: &Device, shape: [usize; 3]) -> Tensor<3> {
    let n = shape.iter().product::<usize>();
    let values: Vec<f32> = (0..n).map(|_| rng.random_range(-1.0f32..1.0)).collect();
    Tensor::from_data(TensorData::new(values, shape), device)
}

/// How close two results must be: `Abs(t)` within `t` everywhere; `Scaled(t)` within `t` times
/// the reference's largest magnitude (at least 1), for sums of hundreds of terms whose f32
/// rounding grows with their size (a wrong formula is off by the size itself).
#[derive(Clone, Copy)]
enum Tol {
    Abs(f32),
    Scaled(f32),
}

impl From<f32> for Tol {
    fn from(t: f32) -> Self {
        Tol::Abs(t)
    }
}

fn close(what: &str, a: Tensor<3>, b: Tensor<3>, tol: impl Into<Tol>) {
    let (a, b) = (
        a.into_data().try_to_vec::<f32>().expect("f32"),
        b.into_data().try_to_vec::<f32>().expect("f32"),
    );
    let tol = match tol.into() {
        Tol::Abs(t) => t,
        Tol::Scaled(t) => {
            t * b
                .iter()
                .fold(1.0f32, |m, v| if v.abs() > m { v.abs() } else { m })
        }
    };
    common::assert_close(what, &a, &b, tol);
}

fn as3<const D: usize>(t: Tensor<D>) -> Tensor<3> {
    let n = t.dims().iter().product::<usize>();
    t.reshape([1, 1, n])
}

/// A layer with random weights (larger than Keras's initialisers, to exercise saturation).
fn layer(rng: &mut ChaCha12Rng, d: usize, u: usize, device: &Device) -> Lstm {
    let mut draw = |n: usize| (0..n).map(|_| rng.random_range(-0.8f32..0.8)).collect::<Vec<_>>();
    LstmConfig::new(d, u)
        .unwrap()
        .load(draw(d * 4 * u), draw(u * 4 * u), draw(4 * u), device)
        .unwrap()
}

fn check_against_reference(device: &Device, tol: f32) {
    let mut rng = ChaCha12Rng::seed_from_u64(7);
    for shape in SHAPES {
        check_shape(device, &mut rng, shape, Tol::Abs(tol));
    }
}

/// The fused layer's sequence, final state and the gradients of x, h0, c0 and every weight
/// against the op-by-op reference's, for one `(batch, steps, d_input, units)`.
fn check_shape(device: &Device, rng: &mut ChaCha12Rng, (batch, steps, d, u): Shape, tol: Tol) {
    let lstm = layer(rng, d, u, device);
    let x = random(rng, device, [batch, steps, d]).require_grad();
    let h0 = random(rng, device, [1, batch, u])
        .reshape([batch, u])
        .require_grad();
    let c0 = random(rng, device, [1, batch, u])
        .reshape([batch, u])
        .require_grad();
    let w_seq = random(rng, device, [batch, steps, u]).detach();
    let w_h = random(rng, device, [1, batch, u]).reshape([batch, u]).detach();
    let w_c = random(rng, device, [1, batch, u]).reshape([batch, u]).detach();
    let state = || {
        Some(LstmState {
            h: h0.clone(),
            c: c0.clone(),
        })
    };
    let shape = format!("batch {batch}, steps {steps}, d_input {d}, units {u}");
    let (seq_f, st_f) = lstm.forward(x.clone(), state());
    let (seq_r, st_r) = lstm.forward_reference(x.clone(), state());
    close(&format!("sequence ({shape})"), seq_f.clone(), seq_r.clone(), tol);
    close(
        &format!("h ({shape})"),
        as3(st_f.h.clone()),
        as3(st_r.h.clone()),
        tol,
    );
    close(
        &format!("c ({shape})"),
        as3(st_f.c.clone()),
        as3(st_r.c.clone()),
        tol,
    );
    // One scalar that reaches every output: the sequence, the final h and the final c.
    let loss = |seq: Tensor<3>, st: LstmState| {
        (seq * w_seq.clone()).sum() + (st.h * w_h.clone()).sum() + (st.c * w_c.clone()).sum()
    };
    let g_f = loss(seq_f, st_f).backward();
    let g_r = loss(seq_r, st_r).backward();
    let grad3 = |t: &Tensor<3>, g| t.grad(g).expect("a gradient");
    close(&format!("dx ({shape})"), grad3(&x, &g_f), grad3(&x, &g_r), tol);
    let grad2 = |t: &Tensor<2>, g| as3(t.grad(g).expect("a gradient"));
    close(&format!("dh0 ({shape})"), grad2(&h0, &g_f), grad2(&h0, &g_r), tol);
    close(&format!("dc0 ({shape})"), grad2(&c0, &g_f), grad2(&c0, &g_r), tol);
    let pk = |p: &Param<Tensor<2>>, g| as3(p.val().grad(g).expect("a gradient"));
    close(
        &format!("dkernel ({shape})"),
        pk(&lstm.kernel, &g_f),
        pk(&lstm.kernel, &g_r),
        tol,
    );
    close(
        &format!("drecurrent ({shape})"),
        pk(&lstm.recurrent_kernel, &g_f),
        pk(&lstm.recurrent_kernel, &g_r),
        tol,
    );
    let pb = |g| as3(lstm.bias.val().grad(g).expect("a gradient"));
    close(&format!("dbias ({shape})"), pb(&g_f), pb(&g_r), tol);
}

fn check_adam(device: &Device, tol: f32) {
    let n = 1001;
    let t = |seed: u64| {
        let mut rng = ChaCha12Rng::seed_from_u64(seed);
        let v: Vec<f32> = (0..n).map(|_| rng.random_range(-1.0f32..1.0)).collect();
        Tensor::<1>::from_data(TensorData::new(v, [n]), device)
    };
    let (theta, grad, m) = (t(1), t(2), t(3) * 0.1);
    let v = t(4).abs() * 0.01;
    let (alpha, b1, b2, eps) = (1e-3 * 0.3, 0.9f32, 0.999f32, 1e-7f32);
    let (p_f, m_f, v_f) = adam_update(
        theta.clone(),
        grad.clone(),
        m.clone(),
        v.clone(),
        alpha,
        b1,
        b2,
        eps,
    );
    let m_r = m.clone() + (grad.clone() - m) * (1.0 - b1);
    let v_r = v.clone() + (grad.clone() * grad - v) * (1.0 - b2);
    let p_r = theta - (m_r.clone() * alpha) / (v_r.clone().sqrt() + eps);
    close("adam m", as3(m_f), as3(m_r), tol);
    close("adam v", as3(v_f), as3(v_r), tol);
    close("adam param", as3(p_f), as3(p_r), tol);
}

#[test]
fn fused_lstm_matches_the_op_by_op_reference_on_cpu() {
    check_against_reference(&Device::flex().autodiff(), 2e-5);
}

proptest! {
    // Few cases, each a forward and two backward passes: about a second in all in CI. The
    // strategies reach the sizes the fixed list above does not: units above 128 (a gate width
    // 4 x units above 512), input width above 512 and batch x steps above 512 (the inner size
    // of the weight gradients), where the fused kernels split their sums into fixed chunks.
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn fused_lstm_matches_the_reference_on_random_shapes(
        seed in any::<u64>(),
        (batch, steps) in prop_oneof![(1usize..6, 1usize..6), (103usize..130, 5usize..7)],
        d in prop_oneof![1usize..24, 513usize..560],
        u in prop_oneof![1usize..40, 129usize..140],
    ) {
        let device = Device::flex().autodiff();
        let mut rng = ChaCha12Rng::seed_from_u64(seed);
        check_shape(&device, &mut rng, (batch, steps, d, u), Tol::Scaled(2e-5));
    }
}

#[test]
fn fused_adam_matches_the_tensor_op_update_on_cpu() {
    // The same float operations in the same order: bit-identical.
    check_adam(&Device::flex(), 0.0);
}

#[cfg(feature = "wgpu")]
mod on_wgpu {
    use super::*;

    fn wgpu() -> Device {
        lstm_lab::device::from_name("wgpu").expect("a wgpu adapter")
    }

    #[test]
    fn fused_lstm_matches_the_op_by_op_reference() {
        check_against_reference(&wgpu().autodiff(), 2e-4);
    }

    #[test]
    fn fused_adam_matches_the_tensor_op_update() {
        check_adam(&wgpu(), 1e-6);
    }
}

/// Keras's masking on the op-by-op path: an all-ones mask changes nothing, and masking the
/// leading steps is the same as starting the sequence after them (state and output held at
/// zero until then).
#[test]
fn masked_forward_skips_masked_steps() {
    let device = Device::flex();
    let mut rng = ChaCha12Rng::seed_from_u64(9);
    let lstm = layer(&mut rng, 4, 6, &device);
    let x = random(&mut rng, &device, [3, 5, 4]);
    let ones = Tensor::<2>::ones([3, 5], &device);
    let (seq, state) = lstm.forward_masked(x.clone(), ones, None);
    let (want_seq, want_state) = lstm.forward(x.clone(), None);
    close("all-ones mask: sequence", seq, want_seq, 1e-5);
    close("all-ones mask: h", as3(state.h), as3(want_state.h), 1e-5);
    let mut m = vec![1.0f32; 15];
    m[..2].fill(0.0); // sample 0: steps 0 and 1 masked
    let mask = Tensor::<2>::from_data(TensorData::new(m, [3, 5]), &device);
    let (seq, state) = lstm.forward_masked(x.clone(), mask, None);
    let sample0 = |t: Tensor<3>| t.narrow(0, 0, 1);
    let (tail, tail_state) = lstm.forward(sample0(x).narrow(1, 2, 3), None);
    close(
        "leading mask: outputs held at zero",
        sample0(seq.clone()).narrow(1, 0, 2),
        Tensor::zeros([1, 2, 6], &device),
        0.0,
    );
    close("leading mask: the rest", sample0(seq).narrow(1, 2, 3), tail, 1e-5);
    close(
        "leading mask: final c",
        as3(state.c.narrow(0, 0, 1)),
        as3(tail_state.c),
        1e-5,
    );
}
