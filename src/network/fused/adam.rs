//! Keras's Adam on plain buffers: one parameter tensor updated in place, compiled for the CPU's
//! SIMD, a large one split over two threads (see [`super::helper`]).

use super::math::simd;

/// Keras's Adam update of one parameter tensor, in place, compiled for the CPU's SIMD by
/// [`simd`]: `m += (g - m)(1 - b1)`, `v += (g^2 - v)(1 - b2)`,
/// `theta -= alpha m / (sqrt(v) + eps)`, with `hyper = [alpha, beta_1, beta_2, epsilon]`.
///
/// Every element is updated on its own by the same IEEE operations, so the vector width does
/// not change a bit.
pub(crate) fn adam(theta: &mut [f32], m: &mut [f32], v: &mut [f32], grad: &[f32], hyper: [f32; 4]) {
    // A large parameter is updated half here, half on the helper thread where there is one (see
    // `gemm`'s split): each element's update is the same either way.
    if theta.len() >= SPLIT_ADAM {
        let mid = theta.len() / 2;
        let (t0, t1) = theta.split_at_mut(mid);
        let (m0, m1) = m.split_at_mut(mid);
        let (v0, v1) = v.split_at_mut(mid);
        let (g0, g1) = grad.split_at(mid);
        super::helper::both(
            || adam_one_thread(t0, m0, v0, g0, hyper),
            || adam_one_thread(t1, m1, v1, g1, hyper),
        );
    } else {
        adam_one_thread(theta, m, v, grad, hyper);
    }
}

/// Parameters of at least this many values are updated on two threads by [`adam`]
/// (echo-partial's four LSTM matrices; nothing of the other tutorials').
const SPLIT_ADAM: usize = 1 << 16;

fn adam_one_thread(theta: &mut [f32], m: &mut [f32], v: &mut [f32], grad: &[f32], hyper: [f32; 4]) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Adam split over two threads updates every value as one thread does.
    #[test]
    fn a_split_adam_step_has_the_bits_of_the_whole_one() {
        let n = SPLIT_ADAM + 5;
        let value = |i: usize| ((i * 7919 % 1009) as f32 / 1009.0 - 0.5) * 0.1;
        let grad: Vec<f32> = (0..n).map(value).collect();
        let start: Vec<f32> = (0..n).map(|i| value(i + 3)).collect();
        let hyper = [1e-3, 0.9, 0.999, 1e-7];
        let (mut p1, mut m1, mut v1) = (start.clone(), vec![0.01; n], vec![0.02; n]);
        adam(&mut p1, &mut m1, &mut v1, &grad, hyper);
        let (mut p2, mut m2, mut v2) = (start.clone(), vec![0.01; n], vec![0.02; n]);
        adam_one_thread(&mut p2, &mut m2, &mut v2, &grad, hyper);
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&p1), bits(&p2));
        assert_eq!(bits(&m1), bits(&m2));
        assert_eq!(bits(&v1), bits(&v2));
        assert_ne!(p1, start);
    }
}
