//! The fused LSTM on an autodiff device: one graph node for the whole sequence, whose backward
//! is the inner backend's hand-written backward through time ([`LstmKernels::lstm_backward`]).

use super::Needs;
use super::{ForwardCache, FusedOps, LstmKernels};
use burn::backend::autodiff::Autodiff;
use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::tensor::FloatTensor;

/// What the node keeps for its backward: the inputs the gradients are products with, and the
/// forward's trace.
#[derive(Debug, Clone)]
struct Saved<B: LstmKernels> {
    x: FloatTensor<B>,
    kernel: FloatTensor<B>,
    recurrent: FloatTensor<B>,
    trace: ForwardCache<B>,
}

/// The backward step of the fused LSTM; its six parents are x, kernel, recurrent kernel, bias,
/// h0 and c0, in that order.
#[derive(Debug)]
struct LstmBackward;

impl<B: LstmKernels> Backward<B, 6> for LstmBackward {
    type State = Saved<B>;

    fn backward(self, ops: Ops<Self::State, 6>, grads: &mut Gradients, _: &mut Checkpointer) {
        let [x, kernel, recurrent, bias, h0, c0] = ops.parents;
        let grad = grads.consume::<B>(&ops.node);
        let needs = Needs {
            x: x.is_some(),
            weights: kernel.is_some() || recurrent.is_some() || bias.is_some(),
            state: h0.is_some() || c0.is_some(),
        };
        let Saved {
            x: x_value,
            kernel: kernel_value,
            recurrent: recurrent_value,
            trace,
        } = ops.state;
        let g = B::lstm_backward(grad, x_value, kernel_value, recurrent_value, trace, needs);
        // A parent is `None` when it needs no gradient.
        macro_rules! register {
            ($parent:expr, $grad:expr) => {
                if let Some(node) = $parent {
                    grads.register::<B>(node.id, $grad);
                }
            };
        }
        if let Some(dx) = g.x {
            register!(x, dx);
        }
        if let Some([dk, dr, db]) = g.weights {
            register!(kernel, dk);
            register!(recurrent, dr);
            register!(bias, db);
        }
        if let Some([dh0, dc0]) = g.state {
            register!(h0, dh0);
            register!(c0, dc0);
        }
    }
}

impl<B: FusedOps + LstmKernels, C: CheckpointStrategy> FusedOps for Autodiff<B, C> {
    fn lstm_packed(
        x: FloatTensor<Self>,
        kernel: FloatTensor<Self>,
        recurrent: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        h0: FloatTensor<Self>,
        c0: FloatTensor<Self>,
    ) -> FloatTensor<Self> {
        let guards = [
            x.node(),
            kernel.node(),
            recurrent.node(),
            bias.node(),
            h0.node(),
            c0.node(),
        ];
        let (x, kernel, recurrent) = (
            x.into_primitive(),
            kernel.into_primitive(),
            recurrent.into_primitive(),
        );
        let (bias, h0, c0) = (bias.into_primitive(), h0.into_primitive(), c0.into_primitive());
        match LstmBackward.prepare::<C>(guards).compute_bound().stateful() {
            OpsKind::Tracked(prep) => {
                let trace = B::lstm_forward_trace(x.clone(), kernel.clone(), recurrent.clone(), bias, h0, c0);
                let output = trace.output.clone();
                let saved = Saved {
                    x,
                    kernel,
                    recurrent,
                    trace,
                };
                prep.finish(saved, output)
            }
            OpsKind::UnTracked(prep) => prep.finish(B::lstm_packed(x, kernel, recurrent, bias, h0, c0)),
        }
    }
}
