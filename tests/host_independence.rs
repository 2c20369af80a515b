//! The same seed gives the same bits on every x86-64 host with AVX2 + FMA: no product reaches the
//! `gemm` crate with a sum longer than `K_CHUNK` terms, where gemm would pick its blocking (and so
//! the order of the sum) from the host's caches.
//!
//! - Our kernels: every product goes through `fused::math::gemm`, which records the longest sum it
//!   handed to the crate; the fused LSTM's forward and backward at sizes past the chunk in every
//!   dimension (input features, 4 x units, batch x steps) leave it at `K_CHUNK`.
//! - Burn's products (the Dense head, the op-by-op LSTM): `layers::matmul` cuts them into blocks
//!   past the chunk. Its forward and both gradients equal, bit for bit, the same products summed
//!   in fixed chunks by our `gemm`, while Burn's plain matmul of the same operands does not (it
//!   sums all the terms in blocks of the host's choosing), so the comparison can tell.

use burn::tensor::{Device, Distribution, Tensor, TensorData};
use lstm_lab::ChaCha12Rng;
use lstm_lab::fused::math::{K_CHUNK, Mat, gemm, longest_k};
use lstm_lab::layers::{LstmConfig, LstmState, matmul};
use rand::{RngExt, SeedableRng};

fn draw(rng: &mut ChaCha12Rng, n: usize) -> Vec<f32> {
    (0..n).map(|_| rng.random_range(-1.0f32..1.0)).collect()
}

fn tensor(values: &[f32], shape: [usize; 2], device: &Device) -> Tensor<2> {
    Tensor::from_data(TensorData::new(values.to_vec(), shape), device)
}

fn bits(t: Tensor<2>) -> Vec<u32> {
    let v: Vec<f32> = t.into_data().try_into_vec_as().expect("f32");
    v.iter().map(|x| x.to_bits()).collect()
}

fn bits_of(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

#[test]
fn burn_products_past_the_chunk_sum_in_fixed_chunks() {
    let device = lstm_lab::device::cpu().autodiff();
    let (m, k, n) = (600, 700, 650); // every dimension past the chunk: two blocks each
    assert!(m > K_CHUNK && k > K_CHUNK && n > K_CHUNK && m.max(k).max(n) <= 2 * K_CHUNK);
    let mut rng = ChaCha12Rng::seed_from_u64(1);
    let (a, b, g) = (
        draw(&mut rng, m * k),
        draw(&mut rng, k * n),
        draw(&mut rng, m * n),
    );
    let at = tensor(&a, [m, k], &device).require_grad();
    let bt = tensor(&b, [k, n], &device).require_grad();
    let out = matmul(at.clone(), bt.clone());

    let mut want = vec![0.0; m * n];
    gemm(m, n, k, &mut want, n, false, Mat::rows(&a, k), Mat::rows(&b, n));
    assert_eq!(bits(out.clone()), bits_of(&want), "forward");

    // d a = g b^T (a sum over n), d b = a^T g (a sum over m).
    let grads = (out * tensor(&g, [m, n], &device)).sum().backward();
    let mut want_da = vec![0.0; m * k];
    gemm(
        m,
        k,
        n,
        &mut want_da,
        k,
        false,
        Mat::rows(&g, n),
        Mat::transposed(&b, n),
    );
    let mut want_db = vec![0.0; k * n];
    gemm(
        k,
        n,
        m,
        &mut want_db,
        n,
        false,
        Mat::transposed(&a, k),
        Mat::rows(&g, n),
    );
    assert_eq!(bits(at.grad(&grads).expect("d a")), bits_of(&want_da), "d a");
    assert_eq!(bits(bt.grad(&grads).expect("d b")), bits_of(&want_db), "d b");

    // The control: Burn's own matmul sums all k terms in the blocks this host's caches give it.
    let cpu = lstm_lab::device::cpu();
    let plain = bits(tensor(&a, [m, k], &cpu).matmul(tensor(&b, [k, n], &cpu)));
    let differing = plain
        .iter()
        .zip(bits_of(&want))
        .filter(|(p, w)| **p != *w)
        .count();
    assert!(
        differing > 0,
        "an unchunked product gave the chunked bits: the test cannot tell them apart"
    );
}

#[test]
fn small_products_are_burns_own() {
    let device = lstm_lab::device::cpu();
    let mut rng = ChaCha12Rng::seed_from_u64(2);
    let (a, b) = (draw(&mut rng, 30 * 40), draw(&mut rng, 40 * 20));
    let (at, bt) = (tensor(&a, [30, 40], &device), tensor(&b, [40, 20], &device));
    assert_eq!(bits(matmul(at.clone(), bt.clone())), bits(at.matmul(bt)));
}

#[test]
fn the_fused_lstm_hands_gemm_no_sum_past_the_chunk() {
    let device = lstm_lab::device::cpu().autodiff();
    device.seed(3);
    // d_input 600 (forward x W), 4 x units 600 (dx = dz W^T, dh = dz U^T), batch x steps 1600
    // (dW = x^T dz, dU = h^T dz).
    let (batch, steps, d, u) = (32, 50, 600, 150);
    let lstm = LstmConfig::new(d, u)
        .unwrap()
        .init(&mut ChaCha12Rng::seed_from_u64(3), &device);
    let x = Tensor::<3>::random([batch, steps, d], Distribution::Uniform(-1.0, 1.0), &device).require_grad();
    let zero = Tensor::<2>::zeros([batch, u], &device).require_grad();
    let state = LstmState {
        h: zero.clone(),
        c: zero.clone(),
    };
    let (seq, last) = lstm.forward(x.clone(), Some(state));
    let grads = (seq.sum() + last.c.sum()).backward();
    assert!(x.grad(&grads).is_some() && lstm.kernel.val().grad(&grads).is_some());
    assert!(zero.grad(&grads).is_some());
    assert!(longest_k() > 0, "the fused kernels ran no product");
    assert!(
        longest_k() <= K_CHUNK,
        "a product summed {} terms in one call",
        longest_k()
    );
}
