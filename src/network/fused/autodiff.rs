//! The fused LSTM on an autodiff device: one graph node for the whole sequence, whose backward
//! is the inner backend's hand-written backward through time ([`LstmKernels::lstm_backward`]).

use super::Needs;
use super::{ForwardCache, FusedOps, LstmInputs, LstmKernels};
use burn::backend::autodiff::Autodiff;
use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::tensor::FloatTensor;

/// The backward step of the fused LSTM; its six parents are x, kernel, recurrent kernel, bias,
/// h0 and c0, in that order.
#[derive(Debug)]
struct LstmBackward;

impl<B: LstmKernels> Backward<B, 6> for LstmBackward {
    type State = ForwardCache<B>;

    fn backward(self, ops: Ops<Self::State, 6>, grads: &mut Gradients, _: &mut Checkpointer) {
        let [x, kernel, recurrent, bias, h0, c0] = ops.parents;
        let grad = grads.consume::<B>(&ops.node);
        let needs = Needs {
            x: x.is_some(),
            weights: kernel.is_some() || recurrent.is_some() || bias.is_some(),
            state: h0.is_some() || c0.is_some(),
        };
        let g = B::lstm_backward(grad, ops.state, needs);
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
    fn lstm_packed(inputs: LstmInputs<Self>) -> FloatTensor<Self> {
        let LstmInputs {
            x,
            kernel,
            recurrent,
            bias,
            h0,
            c0,
        } = inputs;
        let guards = [
            x.node(),
            kernel.node(),
            recurrent.node(),
            bias.node(),
            h0.node(),
            c0.node(),
        ];
        let inner: LstmInputs<B> = LstmInputs {
            x: x.into_primitive(),
            kernel: kernel.into_primitive(),
            recurrent: recurrent.into_primitive(),
            bias: bias.into_primitive(),
            h0: h0.into_primitive(),
            c0: c0.into_primitive(),
        };
        match LstmBackward.prepare::<C>(guards).compute_bound().stateful() {
            OpsKind::Tracked(prep) => {
                let cache = B::lstm_forward_trace(inner);
                let output = cache.output.clone();
                prep.finish(cache, output)
            }
            OpsKind::UnTracked(prep) => prep.finish(B::lstm_packed(inner)),
        }
    }
}
