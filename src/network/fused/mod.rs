//! Fused kernels: the whole LSTM sequence in one op with a hand-written backward through time,
//! and Keras's Adam as one update per parameter tensor.
//!
//! Both are Burn backend extensions (`#[backend_extension]`), so model code calls one function
//! whatever the device:
//!
//! | backend | LSTM forward and backward | Adam |
//! |---|---|---|
//! | CPU (`flex`) | `cpu.rs`: one GEMM for the input projection of every step, one per step for the recurrence, the gates applied by vectorised loops, every buffer allocated once per call | in place, one pass |
//! | wgpu (`Cube`) | the same algorithm composed of Burn tensor ops | Burn tensor ops |
//! | autodiff | records one graph node; its backward is the backend's hand-written backward | not differentiated |
//!
//! The op-by-op LSTM of [`crate::layers::Lstm::forward_reference`] stays as the reference the
//! fused op is tested against (`tests/fused.rs`).
//!
//! ```
//! use burn::tensor::{Device, Tensor};
//! use lstm_lab::fused::lstm_sequence;
//!
//! let device = Device::flex();
//! let (batch, steps, d_input, units) = (2, 3, 4, 5);
//! let x = Tensor::<3>::ones([batch, steps, d_input], &device);
//! let kernel = Tensor::<2>::ones([d_input, 4 * units], &device) * 0.1;
//! let recurrent = Tensor::<2>::zeros([units, 4 * units], &device);
//! let bias = Tensor::<1>::zeros([4 * units], &device);
//! let h0 = Tensor::<2>::zeros([batch, units], &device);
//! let out = lstm_sequence(x, kernel, recurrent, bias, h0.clone(), h0).unwrap();
//! assert_eq!(out.sequence.dims(), [batch, steps, units]);
//! assert_eq!(out.c.dims(), [batch, units]);
//! ```

pub(crate) mod adam;
mod autodiff;
pub(crate) mod cpu;
#[cfg(feature = "wgpu")]
mod cube;
mod flex;
pub(crate) mod helper;
pub mod math;
mod small;
pub(crate) mod softmax;
pub(crate) mod step;

use crate::error::{Error, Result};
use burn::backend::tensor::FloatTensor;
use burn::backend::{Backend, Dispatch, ExtensionType, Scalar, backend_extension};
use burn::tensor::Tensor;

/// The parameter and its two moments after one Adam step.
#[derive(ExtensionType)]
pub(crate) struct AdamTensors<B: Backend> {
    /// The updated parameter.
    pub param: FloatTensor<B>,
    /// The first moment `m`.
    pub m: FloatTensor<B>,
    /// The second moment `v`.
    pub v: FloatTensor<B>,
}

/// The six inputs of the fused LSTM (shapes in [`lstm_sequence`]), passed as one value.
#[derive(ExtensionType)]
pub(crate) struct LstmInputs<B: Backend> {
    /// `[batch, steps, d_input]`.
    pub x: FloatTensor<B>,
    /// `[d_input, 4u]`.
    pub kernel: FloatTensor<B>,
    /// `[u, 4u]`.
    pub recurrent: FloatTensor<B>,
    /// `[4u]`.
    pub bias: FloatTensor<B>,
    /// `[batch, u]`.
    pub h0: FloatTensor<B>,
    /// `[batch, u]`.
    pub c0: FloatTensor<B>,
}

/// The fused operations, dispatched to the backend a tensor lives on.
#[backend_extension(Flex, Cube: cfg(feature = "wgpu"), Autodiff)]
pub(crate) trait FusedOps: Backend {
    /// The whole LSTM sequence (see [`lstm_sequence`]).
    ///
    /// Returns `[batch, steps + 1, u]`: `h_1 .. h_T`, then the final cell state `c_T`.
    fn lstm_packed(#[extension_type] inputs: LstmInputs<Self>) -> FloatTensor<Self>;

    /// One Keras Adam step on one parameter tensor (see [`adam_update`]).
    #[allow(clippy::too_many_arguments)]
    fn adam_step(
        param: FloatTensor<Self>,
        grad: FloatTensor<Self>,
        m: FloatTensor<Self>,
        v: FloatTensor<Self>,
        alpha: f32,
        beta_1: f32,
        beta_2: f32,
        epsilon: f32,
    ) -> AdamTensors<Self> {
        let scalar = |v: f32| Scalar::Float(v as f64);
        // m += (g - m)(1 - b1)
        let m = Self::float_add(
            m.clone(),
            Self::float_mul_scalar(Self::float_sub(grad.clone(), m), scalar(1.0 - beta_1)),
        );
        // v += (g^2 - v)(1 - b2)
        let g2 = Self::float_mul(grad.clone(), grad);
        let v = Self::float_add(
            v.clone(),
            Self::float_mul_scalar(Self::float_sub(g2, v), scalar(1.0 - beta_2)),
        );
        // theta -= alpha m / (sqrt(v) + eps)
        let step = Self::float_div(
            Self::float_mul_scalar(m.clone(), scalar(alpha)),
            Self::float_add_scalar(Self::float_sqrt(v.clone()), scalar(epsilon)),
        );
        AdamTensors {
            param: Self::float_sub(param, step),
            m,
            v,
        }
    }
}

/// Which inputs need a gradient (the others are skipped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Needs {
    /// The input sequence.
    pub x: bool,
    /// The three weights.
    pub weights: bool,
    /// The initial state.
    pub state: bool,
}

/// What the backward pass needs from the forward pass, kept by the autodiff node.
#[derive(Debug, Clone)]
pub(crate) struct ForwardCache<B: Backend> {
    /// The input sequence `[batch, steps, d_input]`, kept for the weights' gradients.
    pub x: FloatTensor<B>,
    /// `[d_input, 4u]`, kept for the input's gradient.
    pub kernel: FloatTensor<B>,
    /// `[u, 4u]`, kept for the recurrence's gradient.
    pub recurrent: FloatTensor<B>,
    /// `[batch, steps + 1, u]`, the op's output.
    pub output: FloatTensor<B>,
    /// Activated gates i, f, g, o: `[batch, steps, 4u]`.
    pub gates: FloatTensor<B>,
    /// `c_0 .. c_T`: `[batch, steps + 1, u]`.
    pub cells: FloatTensor<B>,
    /// `h_0 .. h_{T-1}`: `[batch, steps, u]`.
    pub h_prev: FloatTensor<B>,
}

/// Gradients of the fused LSTM's inputs; `None` where no gradient was asked for.
#[derive(Debug)]
pub(crate) struct LstmGrads<B: Backend> {
    /// `[batch, steps, d_input]`.
    pub x: Option<FloatTensor<B>>,
    /// `[d_input, 4u]`, `[u, 4u]`, `[4u]`.
    pub weights: Option<[FloatTensor<B>; 3]>,
    /// `[batch, u]` each: h0 and c0.
    pub state: Option<[FloatTensor<B>; 2]>,
}

/// The inner kernels of the fused LSTM that the autodiff node calls: the forward that keeps its
/// trace, and the backward through time. Implemented by every backend the op runs on.
pub(crate) trait LstmKernels: Backend {
    /// The forward of [`FusedOps::lstm_packed`], keeping what the backward needs.
    fn lstm_forward_trace(inputs: LstmInputs<Self>) -> ForwardCache<Self>;

    /// Backward through time from the gradient of the packed output `[batch, steps + 1, u]`.
    fn lstm_backward(
        grad_output: FloatTensor<Self>,
        cache: ForwardCache<Self>,
        needs: Needs,
    ) -> LstmGrads<Self>;
}

/// The output of [`lstm_sequence`].
#[derive(Debug, Clone)]
pub struct LstmOutput {
    /// The hidden state of every step: `[batch, steps, units]`.
    pub sequence: Tensor<3>,
    /// The final hidden state: `[batch, units]`.
    pub h: Tensor<2>,
    /// The final cell state: `[batch, units]`.
    pub c: Tensor<2>,
}

/// The fused LSTM over a whole sequence, differentiable on an autodiff device.
///
/// - x: `[batch, steps, d_input]`
/// - kernel: `[d_input, 4 * units]`, recurrent: `[units, 4 * units]`, bias: `[4 * units]`
///   (Keras's layout, gates i, f, c, o)
/// - h0, c0: `[batch, units]`
///
/// The kernels trust their shapes, so every shape is checked here first, `units` taken from the
/// recurrent kernel: an [`Error::Shape`] names the first that does not fit (and no step is an
/// [`Error::Empty`]).
pub fn lstm_sequence(
    x: Tensor<3>,
    kernel: Tensor<2>,
    recurrent: Tensor<2>,
    bias: Tensor<1>,
    h0: Tensor<2>,
    c0: Tensor<2>,
) -> Result<LstmOutput> {
    let [batch, steps, units] = check_shapes(
        x.dims(),
        kernel.dims(),
        recurrent.dims(),
        bias.dims(),
        h0.dims(),
        c0.dims(),
    )?;
    let packed: Tensor<3> = Tensor::from_dispatch(Dispatch::lstm_packed(LstmInputs {
        x: x.into_dispatch(),
        kernel: kernel.into_dispatch(),
        recurrent: recurrent.into_dispatch(),
        bias: bias.into_dispatch(),
        h0: h0.into_dispatch(),
        c0: c0.into_dispatch(),
    })); // [batch, steps + 1, units]
    let sequence = packed.clone().narrow(1, 0, steps); // [batch, steps, units]
    let h = sequence.clone().narrow(1, steps - 1, 1).reshape([batch, units]);
    let c = packed.narrow(1, steps, 1).reshape([batch, units]);
    Ok(LstmOutput { sequence, h, c })
}

/// The one statement of the fused LSTM's shapes (see [`lstm_sequence`]); returns `[batch,
/// steps, units]`.
pub(crate) fn check_shapes(
    x: [usize; 3],
    kernel: [usize; 2],
    recurrent: [usize; 2],
    bias: [usize; 1],
    h0: [usize; 2],
    c0: [usize; 2],
) -> Result<[usize; 3]> {
    let [batch, steps, d_input] = x;
    let units = recurrent[0];
    if steps == 0 {
        return Err(Error::Empty {
            what: "the time steps of x",
        });
    }
    if batch == 0 {
        return Err(Error::Empty {
            what: "the batch of x",
        });
    }
    if units == 0 {
        return Err(Error::Empty {
            what: "the units of the recurrent kernel",
        });
    }
    let expect = |context: &'static str, expected: &[usize], actual: &[usize]| {
        if expected == actual {
            Ok(())
        } else {
            Err(Error::Shape {
                context,
                expected: expected.to_vec(),
                actual: actual.to_vec(),
            })
        }
    };
    expect(
        "recurrent kernel [units, 4 * units]",
        &[units, 4 * units],
        &recurrent,
    )?;
    expect("kernel [d_input of x, 4 * units]", &[d_input, 4 * units], &kernel)?;
    expect("bias [4 * units]", &[4 * units], &bias)?;
    expect("h0 [batch of x, units]", &[batch, units], &h0)?;
    expect("c0 [batch of x, units]", &[batch, units], &c0)?;
    Ok([batch, steps, units])
}

/// One Keras Adam step on one parameter tensor, fused: returns `(param, m, v)` updated.
/// `alpha` is the step size with the bias correction folded in (see [`crate::optim`]).
///
/// All four tensors: the same shape, on one device, outside the autodiff graph.
#[allow(clippy::too_many_arguments)]
pub fn adam_update<const D: usize>(
    param: Tensor<D>,
    grad: Tensor<D>,
    m: Tensor<D>,
    v: Tensor<D>,
    alpha: f32,
    beta_1: f32,
    beta_2: f32,
    epsilon: f32,
) -> (Tensor<D>, Tensor<D>, Tensor<D>) {
    let out = Dispatch::adam_step(
        param.into_dispatch(),
        grad.into_dispatch(),
        m.into_dispatch(),
        v.into_dispatch(),
        alpha,
        beta_1,
        beta_2,
        epsilon,
    );
    (
        Tensor::from_dispatch(out.param),
        Tensor::from_dispatch(out.m),
        Tensor::from_dispatch(out.v),
    )
}
