//! The tutorials' pandas framing, `concat([df.shift(k) ...], axis=1)` then `dropna`, in polars.
//!
//! A one-hot encoded sequence becomes a `DataFrame` with one column per class; each lagged copy
//! is that frame shifted down by `k` rows (the first `k` rows become null), with its columns
//! renamed `var{j}(t-{k})` so that the copies can sit side by side. Dropping the rows with
//! nulls leaves one row per complete window, which reshapes to `[samples, steps, features]`.

use crate::array::Array3;
use crate::error::{Error, Result};
use polars::functions::concat_df_horizontal;
use polars::prelude::{Column, DataFrame};

/// A framed sequence: the table the tutorial prints and the arrays the model trains on.
#[derive(Debug, Clone)]
pub struct Framed {
    /// The lagged table, one row per sample, oldest lag first (`var0(t-4) ... var99(t)`).
    pub frame: DataFrame,
    /// Inputs `[samples, n_in, width]`.
    pub x: Array3,
    /// Targets `[samples, n_out, width]`.
    pub y: Array3,
}

/// The one-hot rows as a polars `DataFrame` with columns `var0 .. var{width-1}`.
pub fn encoded_frame<V: AsRef<[f32]>>(encoded: &[V]) -> Result<DataFrame> {
    let width = check_encoded(encoded)?;
    let columns = (0..width)
        .map(|j| {
            let values: Vec<f32> = encoded.iter().map(|row| row.as_ref()[j]).collect();
            Column::new(format!("var{j}").into(), values)
        })
        .collect();
    Ok(DataFrame::new(encoded.len(), columns)?)
}

/// A sequence of integers as a one-column polars `DataFrame` named `name` (the tutorials'
/// `DataFrame(sequence)`), ready for [`lagged`] to show the framing on readable values.
///
/// ```
/// use lstm_lab::framing::{lagged, sequence_frame};
/// let table = lagged(&sequence_frame("x", &[3, 1, 4, 1, 5]).unwrap(), &[2, 1, 0]).unwrap();
/// assert_eq!(table.get_column_names(), ["x(t-2)", "x(t-1)", "x(t)"]);
/// assert_eq!(table.drop_nulls::<String>(None).unwrap().height(), 3);
/// ```
pub fn sequence_frame(name: &str, sequence: &[usize]) -> Result<DataFrame> {
    if sequence.is_empty() {
        return Err(Error::Empty { what: "the sequence" });
    }
    let values: Vec<u32> = sequence
        .iter()
        .map(|&v| {
            u32::try_from(v).map_err(|_| Error::invalid("sequence", format!("value {v} does not fit in u32")))
        })
        .collect::<Result<_>>()?;
    Ok(DataFrame::new(
        sequence.len(),
        vec![Column::new(name.into(), values)],
    )?)
}

/// `concat([df.shift(lag) for lag in lags], axis=1)`: the lagged copies side by side, columns
/// renamed `var{j}(t-{lag})` (or `var{j}(t)` for lag 0).
pub fn lagged(df: &DataFrame, lags: &[usize]) -> Result<DataFrame> {
    if lags.is_empty() {
        return Err(Error::invalid("lags", "at least one lag is needed"));
    }
    let copies = lags
        .iter()
        .map(|&lag| {
            let mut shifted = df.shift(lag as i64);
            let names: Vec<String> = df
                .get_column_names()
                .iter()
                .map(|name| match lag {
                    0 => format!("{name}(t)"),
                    _ => format!("{name}(t-{lag})"),
                })
                .collect();
            shifted.set_column_names(&names)?;
            Ok(shifted)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(concat_df_horizontal(&copies, true, true, false)?)
}

/// Seed 002's `to_supervised(sequence, n_in, n_out)`: windows of `n_in` consecutive steps as
/// input, the oldest `n_out` of them as output. A sequence of length `n` gives `n - n_in + 1`
/// samples.
///
/// ```
/// use lstm_lab::{data, framing};
/// let encoded = data::one_hot_encode(&[1, 2, 3, 4, 5], 10).unwrap();
/// let framed = framing::to_supervised(&encoded, 5, 1).unwrap();
/// assert_eq!(framed.x.argmax(), vec![vec![1, 2, 3, 4, 5]]);
/// assert_eq!(framed.y.argmax(), vec![vec![1]]);
/// ```
pub fn to_supervised<V: AsRef<[f32]>>(encoded: &[V], n_in: usize, n_out: usize) -> Result<Framed> {
    supervised(encoded, n_in, n_out, None)
}

/// [`to_supervised`] without `dropna()`: the first `n_in - 1` rows, which the shift leaves
/// partly empty, are kept with their empty steps set to `fill` (a mask value for Keras's
/// `Masking`). A sequence of length `n` gives `n` samples.
///
/// ```
/// use lstm_lab::{data, framing};
/// let encoded = data::one_hot_encode(&[1, 2, 3], 4).unwrap();
/// let framed = framing::to_supervised_padded(&encoded, 2, 2, -1.0).unwrap();
/// assert_eq!(framed.x.shape(), [3, 2, 4]);
/// assert_eq!(framed.x.row(0, 0), &[-1.0; 4]);
/// assert_eq!(framed.x.row(0, 1), &[0.0, 1.0, 0.0, 0.0]);
/// ```
pub fn to_supervised_padded<V: AsRef<[f32]>>(
    encoded: &[V],
    n_in: usize,
    n_out: usize,
    fill: f32,
) -> Result<Framed> {
    supervised(encoded, n_in, n_out, Some(fill))
}

fn supervised<V: AsRef<[f32]>>(
    encoded: &[V],
    n_in: usize,
    n_out: usize,
    fill: Option<f32>,
) -> Result<Framed> {
    if n_in == 0 {
        return Err(Error::invalid("n_in", "must be at least 1"));
    }
    if n_out == 0 || n_out > n_in {
        return Err(Error::invalid(
            "n_out",
            format!("must be between 1 and n_in ({n_in}), got {n_out}"),
        ));
    }
    let width = check_encoded(encoded)?;
    if encoded.len() < n_in {
        return Err(Error::TooShort {
            length: encoded.len(),
            window: n_in,
        });
    }
    let lags: Vec<usize> = (0..n_in).rev().collect();
    let frame = lagged(&encoded_frame(encoded)?, &lags)?;
    let frame = match fill {
        Some(_) => frame,
        None => frame.drop_nulls::<String>(None)?,
    };
    let x = frame_values(&frame, n_in, width, fill)?;
    let y = take_steps(&x, n_out);
    Ok(Framed { frame, x, y })
}

/// Seed 000's framing: five lagged copies (`shift(4) .. shift(0)`), the rows from the sixth on
/// as input (`values[5:]`), and as target the value one step before the last of each window
/// (`encoded[4:-1]`). A 25-long sequence gives 20 samples `[20, 5, width]`, `[20, 1, width]`.
pub fn lag_echo<V: AsRef<[f32]>>(encoded: &[V], n_lags: usize) -> Result<Framed> {
    if n_lags < 2 {
        return Err(Error::invalid(
            "n_lags",
            "must be at least 2: the target is one step back",
        ));
    }
    let width = check_encoded(encoded)?;
    if encoded.len() <= n_lags {
        return Err(Error::TooShort {
            length: encoded.len(),
            window: n_lags + 1,
        });
    }
    let lags: Vec<usize> = (0..n_lags).rev().collect();
    let all = lagged(&encoded_frame(encoded)?, &lags)?;
    let frame = all.slice(n_lags as i64, encoded.len() - n_lags);
    let x = frame_values(&frame, n_lags, width, None)?;
    let targets: Vec<f32> = encoded[n_lags - 1..encoded.len() - 1]
        .iter()
        .flat_map(|row| row.as_ref().iter().copied())
        .collect();
    let y = Array3::new(targets, [frame.height(), 1, width])?;
    Ok(Framed { frame, x, y })
}

/// The frame's values, row-major, reshaped to `[rows, steps, width]` (`values.reshape`); empty
/// cells become `fill`, or are an error without one.
fn frame_values(frame: &DataFrame, steps: usize, width: usize, fill: Option<f32>) -> Result<Array3> {
    let rows = frame.height();
    let columns = frame
        .columns()
        .iter()
        .map(|c| {
            let values: Option<Vec<f32>> = c.f32()?.iter().map(|v| v.or(fill)).collect();
            values.ok_or_else(|| Error::invalid("frame", format!("column {} has nulls", c.name())))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut data = Vec::with_capacity(rows * columns.len());
    for r in 0..rows {
        data.extend(columns.iter().map(|col| col[r]));
    }
    Array3::new(data, [rows, steps, width])
}

/// The first `n` steps of every sample (`values[:, 0:n*width]`).
fn take_steps(x: &Array3, n: usize) -> Array3 {
    let [samples, _, width] = x.shape();
    let data = (0..samples)
        .flat_map(|s| x.sample(s)[..n * width].iter().copied())
        .collect();
    Array3::new(data, [samples, n, width]).expect("n <= steps keeps the shape consistent")
}

fn check_encoded<V: AsRef<[f32]>>(encoded: &[V]) -> Result<usize> {
    let width = encoded.first().map(|r| r.as_ref().len()).ok_or(Error::Empty {
        what: "the encoded sequence",
    })?;
    if width == 0 {
        return Err(Error::Empty {
            what: "an encoded row",
        });
    }
    if let Some((i, row)) = encoded
        .iter()
        .enumerate()
        .find(|(_, r)| r.as_ref().len() != width)
    {
        return Err(Error::Shape {
            context: "encoded rows (row widths differ)",
            expected: vec![width],
            actual: vec![i, row.as_ref().len()],
        });
    }
    Ok(width)
}
