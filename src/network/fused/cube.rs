//! The fused ops on the wgpu backend (`Cube`): the same algorithm as the CPU kernels, composed of
//! Burn tensor ops (one input-projection matmul, one recurrent matmul per step, the
//! hand-written backward through time), so `--device wgpu` runs the same model code.

use super::Needs;
use super::{ForwardCache, FusedOps, LstmGrads, LstmInputs, LstmKernels};
use burn::backend::Cube;
use burn::backend::tensor::FloatTensor;
use burn::tensor::Tensor;
use burn::tensor::activation::{sigmoid, tanh};

fn wrap<const D: usize>(t: FloatTensor<Cube>) -> Tensor<D> {
    Tensor::from_primitive::<Cube>(t)
}

fn unwrap<const D: usize>(t: Tensor<D>) -> FloatTensor<Cube> {
    t.try_into_primitive::<Cube>()
        .expect("a tensor made from a Cube primitive is still on Cube")
}

impl FusedOps for Cube {
    fn lstm_packed(inputs: LstmInputs<Self>) -> FloatTensor<Self> {
        Self::lstm_forward_trace(inputs).output
    }
}

impl LstmKernels for Cube {
    fn lstm_forward_trace(inputs: LstmInputs<Self>) -> ForwardCache<Self> {
        let x: Tensor<3> = wrap(inputs.x.clone());
        let kernel: Tensor<2> = wrap(inputs.kernel.clone());
        let recurrent: Tensor<2> = wrap(inputs.recurrent.clone());
        let bias: Tensor<1> = wrap(inputs.bias);
        let (mut h, mut c): (Tensor<2>, Tensor<2>) = (wrap(inputs.h0), wrap(inputs.c0));
        let [batch, steps, d_input] = x.dims();
        let u = h.dims()[1];
        let projected = (x.reshape([batch * steps, d_input]).matmul(kernel) + bias.unsqueeze_dim(0))
            .reshape([batch, steps, 4 * u]);
        let (mut gates, mut cells, mut h_prev, mut hs) = (vec![], vec![c.clone()], vec![], vec![]);
        for t in 0..steps {
            let z = projected.clone().narrow(1, t, 1).reshape([batch, 4 * u])
                + h.clone().matmul(recurrent.clone()); // [batch, 4u]
            let g = Tensor::cat(
                vec![
                    sigmoid(z.clone().narrow(1, 0, 2 * u)),
                    tanh(z.clone().narrow(1, 2 * u, u)),
                    sigmoid(z.narrow(1, 3 * u, u)),
                ],
                1,
            );
            let [i, f, cand, o] =
                <[Tensor<2>; 4]>::try_from(g.clone().chunk(4, 1)).expect("4 chunks of a [batch, 4u] tensor");
            h_prev.push(h);
            c = f * c + i * cand;
            h = o * tanh(c.clone());
            gates.push(g);
            cells.push(c.clone());
            hs.push(h.clone());
        }
        hs.push(c);
        ForwardCache {
            x: inputs.x,
            kernel: inputs.kernel,
            recurrent: inputs.recurrent,
            output: unwrap(Tensor::stack::<3>(hs, 1)),
            gates: unwrap(Tensor::stack::<3>(gates, 1)),
            cells: unwrap(Tensor::stack::<3>(cells, 1)),
            h_prev: unwrap(Tensor::stack::<3>(h_prev, 1)),
        }
    }

    fn lstm_backward(
        grad_output: FloatTensor<Self>,
        trace: ForwardCache<Self>,
        needs: Needs,
    ) -> LstmGrads<Self> {
        let grad: Tensor<3> = wrap(grad_output); // [batch, steps + 1, u]
        let x: Tensor<3> = wrap(trace.x);
        let (kernel, recurrent): (Tensor<2>, Tensor<2>) = (wrap(trace.kernel), wrap(trace.recurrent));
        let gates: Tensor<3> = wrap(trace.gates);
        let cells: Tensor<3> = wrap(trace.cells);
        let h_prev: Tensor<3> = wrap(trace.h_prev);
        let [batch, steps, d_input] = x.dims();
        let u = recurrent.dims()[0];
        let at = |t: &Tensor<3>, s: usize, width: usize| t.clone().narrow(1, s, 1).reshape([batch, width]);
        let mut dc = at(&grad, steps, u);
        let mut dh_rec = Tensor::<2>::zeros([batch, u], &grad.device());
        let mut dz = Vec::with_capacity(steps);
        for s in (0..steps).rev() {
            let dh = at(&grad, s, u) + dh_rec;
            let g = at(&gates, s, 4 * u);
            let [i, f, cand, o] =
                <[Tensor<2>; 4]>::try_from(g.chunk(4, 1)).expect("4 chunks of a [batch, 4u] tensor");
            let tc = tanh(at(&cells, s + 1, u));
            let c_prev = at(&cells, s, u);
            let dzo = dh.clone() * tc.clone() * o.clone() * (o.clone().neg() + 1.0);
            let dcc = dc + dh * o * (tc.clone() * tc).neg().add_scalar(1.0);
            let dzi = dcc.clone() * cand.clone() * i.clone() * (i.clone().neg() + 1.0);
            let dzf = dcc.clone() * c_prev * f.clone() * (f.clone().neg() + 1.0);
            let dzg = dcc.clone() * i * (cand.clone() * cand).neg().add_scalar(1.0);
            dc = dcc * f;
            let dz_s = Tensor::cat(vec![dzi, dzf, dzg, dzo], 1); // [batch, 4u]
            dh_rec = dz_s.clone().matmul(recurrent.clone().transpose());
            dz.push(dz_s);
        }
        dz.reverse();
        let dz = Tensor::stack::<3>(dz, 1).reshape([batch * steps, 4 * u]);
        LstmGrads {
            x: needs.x.then(|| {
                unwrap(
                    dz.clone()
                        .matmul(kernel.transpose())
                        .reshape([batch, steps, d_input]),
                )
            }),
            weights: needs.weights.then(|| {
                let x2 = x.reshape([batch * steps, d_input]);
                let h2 = h_prev.reshape([batch * steps, u]);
                [
                    unwrap(x2.transpose().matmul(dz.clone())),
                    unwrap(h2.transpose().matmul(dz.clone())),
                    unwrap(dz.sum_dim(0).reshape([4 * u])),
                ]
            }),
            state: needs.state.then(|| [unwrap(dh_rec), unwrap(dc)]),
        }
    }
}
