//! The gradient of the loss with respect to an LSTM layer's weights ([`weight_gradients`]), and
//! the weights themselves and how far training moved them ([`LstmWeights`]), gate by gate.

use super::{gradient_input, loss};
use crate::array::Array3;
use crate::error::{Error, Result};
use crate::layers::Lstm;
use crate::models::LstmModel;
use burn::tensor::Tensor;

/// The gradient of the loss over all of `x` with respect to the first LSTM layer's weights, in
/// Keras's fused layout: what the next step of gradient descent would move. The model must live
/// on an autodiff device.
///
/// - x: `[samples, steps, features]`; y: the targets, `[samples, out_steps, classes]`
pub fn weight_gradients(model: &LstmModel, x: &Array3, y: &Array3) -> Result<LstmWeights> {
    let (xt, _) = gradient_input(model, x, y)?;
    let grads = loss(model, xt, y).backward();
    let lstm = model.encoder();
    let missing = |what: &'static str| move || Error::invalid(what, "the loss does not depend on it");
    LstmWeights::from_tensors(
        lstm.kernel.val().grad(&grads).ok_or_else(missing("kernel"))?,
        lstm.recurrent_kernel
            .val()
            .grad(&grads)
            .ok_or_else(missing("recurrent kernel"))?,
        lstm.bias.val().grad(&grads).ok_or_else(missing("bias"))?,
    )
}

/// One LSTM layer's weights, or their gradients ([`weight_gradients`]) or their changes
/// ([`LstmWeights::minus`]), in Keras's fused layout: every row holds the four gates' columns
/// in the order i, f, c, o, `units` columns a gate.
#[derive(Debug, Clone, PartialEq)]
pub struct LstmWeights {
    /// `W`, `[features][4 * units]`.
    pub kernel: Vec<Vec<f32>>,
    /// `U`, `[units][4 * units]`.
    pub recurrent: Vec<Vec<f32>>,
    /// `b`, `[4 * units]`.
    pub bias: Vec<f32>,
}

impl LstmWeights {
    /// The layer's weights.
    pub fn of(lstm: &Lstm) -> Result<Self> {
        Self::from_tensors(lstm.kernel.val(), lstm.recurrent_kernel.val(), lstm.bias.val())
    }

    fn from_tensors(kernel: Tensor<2>, recurrent: Tensor<2>, bias: Tensor<1>) -> Result<Self> {
        let rows = |t: Tensor<2>, what: &'static str| -> Result<Vec<Vec<f32>>> {
            let width = t.dims()[1];
            let flat = t
                .into_data()
                .try_to_vec::<f32>()
                .map_err(|e| Error::invalid(what, format!("{e:?}")))?;
            Ok(flat.chunks(width).map(<[f32]>::to_vec).collect())
        };
        Ok(Self {
            kernel: rows(kernel, "kernel")?,
            recurrent: rows(recurrent, "recurrent kernel")?,
            bias: rows(bias.unsqueeze::<2>(), "bias")?.concat(),
        })
    }

    /// `self - earlier`, element by element: how far each weight moved (same layer sizes).
    pub fn minus(&self, earlier: &Self) -> Result<Self> {
        let shape = |w: &Self| [w.kernel.len(), w.recurrent.len(), w.bias.len()];
        if shape(self) != shape(earlier) {
            return Err(Error::Shape {
                context: "LSTM weights [features, units, 4 * units]",
                expected: shape(self).to_vec(),
                actual: shape(earlier).to_vec(),
            });
        }
        let sub = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(a, b)| a - b).collect::<Vec<f32>>();
        let rows = |a: &[Vec<f32>], b: &[Vec<f32>]| a.iter().zip(b).map(|(a, b)| sub(a, b)).collect();
        Ok(Self {
            kernel: rows(&self.kernel, &earlier.kernel),
            recurrent: rows(&self.recurrent, &earlier.recurrent),
            bias: sub(&self.bias, &earlier.bias),
        })
    }

    /// The largest magnitude in each gate's columns: `[kernel, recurrent, bias]`, each
    /// `[i, f, c, o]`. A NaN anywhere in a block makes that entry NaN.
    pub fn largest_by_gate(&self) -> [[f32; 4]; 3] {
        let units = self.bias.len() / 4;
        let largest = |rows: &[Vec<f32>], gate: usize| {
            rows.iter()
                .flat_map(|r| &r[gate * units..(gate + 1) * units])
                .fold(0.0f32, |m, v| {
                    if v.is_nan() || m.is_nan() {
                        f32::NAN
                    } else {
                        m.max(v.abs())
                    }
                })
        };
        let blocks: [&[Vec<f32>]; 3] = [&self.kernel, &self.recurrent, std::slice::from_ref(&self.bias)];
        blocks.map(|rows| [0, 1, 2, 3].map(|g| largest(rows, g)))
    }

    /// How many entries are not zero (a NaN counts): of a gradient, the weights it reaches; of a
    /// change, the weights that moved.
    pub fn nonzero(&self) -> usize {
        self.rows().flatten().filter(|&&v| v != 0.0).count()
    }

    /// How many weights the layer has.
    pub fn len(&self) -> usize {
        self.rows().map(Vec::len).sum()
    }

    /// Every row: the kernel's, the recurrent kernel's, then the bias.
    fn rows(&self) -> impl Iterator<Item = &Vec<f32>> {
        self.kernel.iter().chain(&self.recurrent).chain([&self.bias])
    }

    /// Whether the layer has no weights (never, for a layer built by [`crate::layers::LstmConfig`]).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ChaCha12Rng;
    use crate::models::{ModelConfig, Topology};
    use burn::tensor::Device;
    use rand::SeedableRng;

    /// With one time step, `h0 = c0 = 0`: the recurrent kernel multiplies zeros and the forget
    /// gate scales a zero cell, so their gradients are exactly zero; with two steps they are not.
    #[test]
    fn one_step_leaves_the_recurrent_kernel_and_the_forget_gate_without_gradient() {
        let device = Device::flex().autodiff();
        let (d, u) = (3, 4);
        let grads = |steps: usize| {
            let model = ModelConfig::new(steps, d, u, 3, Topology::ManyToOne)
                .unwrap()
                .init(&mut ChaCha12Rng::seed_from_u64(2), &device)
                .unwrap();
            let values: Vec<f32> = (0..2 * steps * d).map(|i| (i % 5) as f32 / 5.0).collect();
            let x = Array3::new(values, [2, steps, d]).unwrap();
            let y = Array3::new(vec![1.0, 0.0, 0.0, 0.0, 0.0, 1.0], [2, 1, 3]).unwrap();
            weight_gradients(&model, &x, &y).unwrap()
        };
        let gate = |row: &[f32], g: usize| row[g * u..][..u].to_vec();
        let one = grads(1);
        assert_eq!(
            (one.kernel.len(), one.recurrent.len(), one.bias.len()),
            (d, u, 4 * u)
        );
        assert!(one.recurrent.iter().flatten().all(|&g| g == 0.0));
        assert!(
            one.kernel
                .iter()
                .all(|row| gate(row, 1).iter().all(|&g| g == 0.0))
        );
        assert!(gate(&one.bias, 1).iter().all(|&g| g == 0.0));
        for g in [0, 2, 3] {
            assert!(
                gate(&one.bias, g).iter().all(|&v| v != 0.0 && v.is_finite()),
                "gate {g}"
            );
        }
        let two = grads(2);
        assert!(two.recurrent.iter().flatten().any(|&g| g != 0.0));
        assert!(gate(&two.bias, 1).iter().any(|&g| g != 0.0));
        let plain = ModelConfig::new(1, d, u, 3, Topology::ManyToOne).unwrap();
        let plain = plain
            .init(&mut ChaCha12Rng::seed_from_u64(2), &Device::flex())
            .unwrap();
        let x = Array3::new(vec![0.0; d], [1, 1, d]).unwrap();
        let y = Array3::new(vec![1.0, 0.0, 0.0], [1, 1, 3]).unwrap();
        assert!(weight_gradients(&plain, &x, &y).is_err());
    }
}
