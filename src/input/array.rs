//! A plain host-side 3-d array: what data generators produce and models consume.

use crate::error::{Error, Result};
use burn::tensor::{Device, Tensor, TensorData};

/// A row-major `f32` array of shape `[samples, steps, features]`.
///
/// This is the host-side form of every input (`X`) and target (`y`) in the tutorials. A
/// many-to-one target is stored with one step: `[samples, 1, classes]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Array3 {
    data: Vec<f32>,
    shape: [usize; 3],
}

impl Array3 {
    /// Wraps `data` as `shape`; errors if the lengths disagree.
    pub fn new(data: Vec<f32>, shape: [usize; 3]) -> Result<Self> {
        let expected = shape.iter().product::<usize>();
        if data.len() != expected {
            return Err(Error::Shape {
                context: "Array3::new",
                expected: vec![expected],
                actual: vec![data.len()],
            });
        }
        Ok(Self { data, shape })
    }

    /// `[samples, steps, features]`.
    pub fn shape(&self) -> [usize; 3] {
        self.shape
    }

    /// Number of samples (the first axis).
    pub fn len(&self) -> usize {
        self.shape[0]
    }

    /// Whether there are no samples.
    pub fn is_empty(&self) -> bool {
        self.shape[0] == 0
    }

    /// The flat row-major values.
    pub fn as_slice(&self) -> &[f32] {
        &self.data
    }

    /// The first value that is NaN or infinite, with its `[sample, step, feature]`, if any.
    pub fn first_non_finite(&self) -> Option<([usize; 3], f32)> {
        let [_, steps, features] = self.shape;
        let i = self.data.iter().position(|v| !v.is_finite())?;
        let index = [i / (steps * features), i / features % steps, i % features];
        Some((index, self.data[i]))
    }

    /// `Ok` when every value is finite, else an [`Error::NonFinite`] naming `what`, the first
    /// bad value's `[sample, step, last]` index and the last axis (`axis`).
    pub fn check_finite(&self, what: &'static str, axis: &'static str) -> Result<()> {
        match self.first_non_finite() {
            None => Ok(()),
            Some((index, value)) => Err(Error::NonFinite {
                what,
                axis,
                index,
                value,
            }),
        }
    }

    /// The values of one sample: `steps * features` numbers.
    pub fn sample(&self, i: usize) -> &[f32] {
        let n = self.shape[1] * self.shape[2];
        &self.data[i * n..(i + 1) * n]
    }

    /// The values at `[sample, step, ..]`.
    pub fn row(&self, sample: usize, step: usize) -> &[f32] {
        let f = self.shape[2];
        let start = (sample * self.shape[1] + step) * f;
        &self.data[start..start + f]
    }

    /// The steps of one sample as rows (`[steps][features]`), e.g. for a [`crate::plot::Heatmap`].
    pub fn sample_rows(&self, i: usize) -> Vec<Vec<f32>> {
        (0..self.shape[1]).map(|t| self.row(i, t).to_vec()).collect()
    }

    /// The samples at `indices`, in that order.
    pub fn select(&self, indices: &[usize]) -> Self {
        let mut out = Self {
            data: Vec::with_capacity(indices.len() * self.shape[1] * self.shape[2]),
            shape: [0, self.shape[1], self.shape[2]],
        };
        self.select_into(indices, &mut out);
        out
    }

    /// [`select`](Self::select) into `out`, reusing its buffer (what `fit` does every epoch).
    pub fn select_into(&self, indices: &[usize], out: &mut Self) {
        out.data.clear();
        for &i in indices {
            out.data.extend_from_slice(self.sample(i));
        }
        out.shape = [indices.len(), self.shape[1], self.shape[2]];
    }

    /// The samples of `parts` one after another (`numpy.concatenate(parts, axis=0)`); every
    /// part must have the same steps and features.
    pub fn concat(parts: &[Array3]) -> Result<Self> {
        let first = parts.first().ok_or(Error::Empty {
            what: "the arrays to concatenate",
        })?;
        let [_, steps, features] = first.shape;
        let mut data = Vec::new();
        let mut samples = 0;
        for part in parts {
            if part.shape[1..] != first.shape[1..] {
                return Err(Error::Shape {
                    context: "arrays to concatenate",
                    expected: vec![steps, features],
                    actual: part.shape[1..].to_vec(),
                });
            }
            data.extend_from_slice(&part.data);
            samples += part.shape[0];
        }
        Self::new(data, [samples, steps, features])
    }

    /// Samples `start..end`.
    pub fn slice(&self, start: usize, end: usize) -> Self {
        let n = self.shape[1] * self.shape[2];
        Self {
            data: self.data[start * n..end * n].to_vec(),
            shape: [end - start, self.shape[1], self.shape[2]],
        }
    }

    /// The index of the largest value of every `[sample, step]` row (one-hot decoding).
    pub fn argmax(&self) -> Vec<Vec<usize>> {
        (0..self.shape[0])
            .map(|s| {
                (0..self.shape[1])
                    .map(|t| crate::data::argmax(self.row(s, t)))
                    .collect()
            })
            .collect()
    }

    /// Copies the array to `device` as a `[samples, steps, features]` tensor.
    pub fn to_tensor(&self, device: &Device) -> Tensor<3> {
        Tensor::from_data(TensorData::new(self.data.clone(), self.shape), device)
    }

    /// Reads a `[samples, steps, features]` tensor back to the host.
    pub fn from_tensor(tensor: Tensor<3>) -> Self {
        let shape = tensor.dims();
        let data = tensor
            .into_data()
            .try_into_vec_as::<f32>()
            .expect("a float tensor converts to f32");
        Self { data, shape }
    }
}
