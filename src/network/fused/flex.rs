//! The fused ops on Burn's CPU backend (`flex`): tensors in and out of the plain-buffer kernels
//! of [`super::cpu`], without copies where the tensor is already contiguous `f32`.

use super::Needs;
use super::adam::adam;
use super::cpu::{self, Dims, Weights};
use super::{AdamTensors, ForwardCache, FusedOps, LstmGrads, LstmInputs, LstmKernels};
use burn::backend::TensorMetadata;
use burn::backend::flex::{Flex, FlexTensor};
use burn::tensor::{DType, TensorData};
use std::borrow::Cow;

/// The tensor's values as a contiguous `f32` slice (borrowed when it already is one).
fn values(t: &FlexTensor) -> Cow<'_, [f32]> {
    match t.as_slice::<f32>() {
        Some(slice) => Cow::Borrowed(slice),
        None => Cow::Owned(
            t.clone()
                .into_data()
                .convert::<f32>()
                .try_into_vec::<f32>()
                .expect("converted to f32 just above"),
        ),
    }
}

/// A contiguous `f32` tensor of `shape` owning `data`.
fn tensor<const N: usize>(data: Vec<f32>, shape: [usize; N]) -> FlexTensor {
    FlexTensor::from_data(TensorData::new(data, shape))
}

/// A tensor whose storage this call owns, contiguous `f32` from offset 0, so it can be
/// updated in place (a copy only when it is shared or laid out otherwise).
fn owned_f32(t: FlexTensor) -> FlexTensor {
    let dense = t.dtype() == DType::F32
        && t.is_contiguous()
        && t.layout().start_offset() == 0
        && t.bytes().len() == t.layout().num_elements() * 4;
    if dense {
        t
    } else {
        let shape = t.shape();
        FlexTensor::from_data(TensorData::new(values(&t).into_owned(), shape))
    }
}

/// Sizes from the input `[batch, steps, d_input]` and the memory units.
fn dims(x: &FlexTensor, units: usize) -> Dims {
    let [batch, steps, d_input] = x.shape().dims::<3>();
    Dims {
        batch,
        steps,
        d_input,
        units,
    }
}

impl FusedOps for Flex {
    fn lstm_packed(inputs: LstmInputs<Self>) -> FlexTensor {
        Self::lstm_forward_trace(inputs).output
    }

    fn adam_step(
        param: FlexTensor,
        grad: FlexTensor,
        m: FlexTensor,
        v: FlexTensor,
        alpha: f32,
        beta_1: f32,
        beta_2: f32,
        epsilon: f32,
    ) -> AdamTensors<Self> {
        let (mut param, mut m, mut v) = (owned_f32(param), owned_f32(m), owned_f32(v));
        let grad = values(&grad);
        {
            // `storage_mut` copies only if the buffer is still shared elsewhere.
            let (p, ms, vs) = (
                param.storage_mut::<f32>(),
                m.storage_mut::<f32>(),
                v.storage_mut::<f32>(),
            );
            adam(p, ms, vs, &grad, [alpha, beta_1, beta_2, epsilon]);
        }
        AdamTensors { param, m, v }
    }
}

impl LstmKernels for Flex {
    fn lstm_forward_trace(inputs: LstmInputs<Self>) -> ForwardCache<Self> {
        let x = inputs.x;
        let d = dims(&x, inputs.h0.shape().dims::<2>()[1]);
        let (k, r) = (values(&inputs.kernel), values(&inputs.recurrent));
        let bias = values(&inputs.bias);
        let trace = cpu::forward(
            d,
            &values(&x),
            Weights {
                kernel: &k,
                recurrent: &r,
                bias: &bias,
            },
            &values(&inputs.h0),
            &values(&inputs.c0),
        );
        let (b, t, u) = (d.batch, d.steps, d.units);
        ForwardCache {
            x,
            kernel: inputs.kernel,
            recurrent: inputs.recurrent,
            output: tensor(trace.output, [b, t + 1, u]),
            gates: tensor(trace.gates, [b, t, 4 * u]),
            cells: tensor(trace.cells, [b, t + 1, u]),
            h_prev: tensor(trace.h_prev, [b, t, u]),
        }
    }

    fn lstm_backward(grad_output: FlexTensor, trace: ForwardCache<Self>, needs: Needs) -> LstmGrads<Self> {
        let d = dims(&trace.x, trace.recurrent.shape().dims::<2>()[0]);
        let Dims {
            batch,
            steps,
            d_input,
            units,
        } = d;
        let (kernel, recurrent) = (values(&trace.kernel), values(&trace.recurrent));
        let (gates, cells, h_prev) = (values(&trace.gates), values(&trace.cells), values(&trace.h_prev));
        let g = cpu::backward(
            d,
            &values(&grad_output),
            &values(&trace.x),
            Weights {
                kernel: &kernel,
                recurrent: &recurrent,
                bias: &[],
            },
            cpu::Saved {
                gates: &gates,
                cells: &cells,
                h_prev: &h_prev,
            },
            needs,
        );
        let g4 = 4 * units;
        LstmGrads {
            x: needs.x.then(|| tensor(g.x, [batch, steps, d_input])),
            weights: needs.weights.then(|| {
                [
                    tensor(g.kernel, [d_input, g4]),
                    tensor(g.recurrent, [units, g4]),
                    tensor(g.bias, [g4]),
                ]
            }),
            state: needs
                .state
                .then(|| [tensor(g.h0, [batch, units]), tensor(g.c0, [batch, units])]),
        }
    }
}
