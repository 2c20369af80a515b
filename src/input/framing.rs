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
    let width = check_window(encoded, n_in, n_out)?;
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

/// The arrays of [`to_supervised`] (`fill: None`) or [`to_supervised_padded`], copied straight
/// from the rows without building the table: for the loops that frame a fresh sequence every
/// epoch. Equal to the polars framing value for value (the tests below).
pub(crate) fn supervised_arrays<V: AsRef<[f32]>>(
    encoded: &[V],
    n_in: usize,
    n_out: usize,
    fill: Option<f32>,
) -> Result<(Array3, Array3)> {
    let width = check_window(encoded, n_in, n_out)?;
    // Sample s, step t reads row s + t, less the n_in - 1 leading rows a padded frame keeps.
    let (samples, lead) = match fill {
        None => (encoded.len() - n_in + 1, 0),
        Some(_) => (encoded.len(), n_in - 1),
    };
    let mut data = Vec::with_capacity(samples * n_in * width);
    for s in 0..samples {
        for t in 0..n_in {
            match (s + t).checked_sub(lead) {
                Some(row) => data.extend_from_slice(encoded[row].as_ref()),
                None => data.extend(std::iter::repeat_n(fill.unwrap_or(0.0), width)),
            }
        }
    }
    let x = Array3::new(data, [samples, n_in, width])?;
    let y = take_steps(&x, n_out);
    Ok((x, y))
}

/// `to_supervised`'s checks: `n_in` at least 1, `n_out` in `1..=n_in`, rows of one width, at
/// least `n_in` of them; returns the width.
fn check_window<V: AsRef<[f32]>>(encoded: &[V], n_in: usize, n_out: usize) -> Result<usize> {
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
    Ok(width)
}

/// Seed 000's framing: five lagged copies (`shift(4) .. shift(0)`), the rows from the sixth on
/// as input (`values[5:]`), and as target the value one step before the last of each window
/// (`encoded[4:-1]`). A 25-long sequence gives 20 samples `[20, 5, width]`, `[20, 1, width]`.
pub fn lag_echo<V: AsRef<[f32]>>(encoded: &[V], n_lags: usize) -> Result<Framed> {
    let width = check_lags(encoded, n_lags)?;
    let lags: Vec<usize> = (0..n_lags).rev().collect();
    let all = lagged(&encoded_frame(encoded)?, &lags)?;
    let frame = all.slice(n_lags as i64, encoded.len() - n_lags);
    let x = frame_values(&frame, n_lags, width, None)?;
    let y = lag_echo_targets(encoded, n_lags, width)?;
    Ok(Framed { frame, x, y })
}

/// The arrays of [`lag_echo`] without the table (see [`supervised_arrays`]).
pub(crate) fn lag_echo_arrays<V: AsRef<[f32]>>(encoded: &[V], n_lags: usize) -> Result<(Array3, Array3)> {
    let width = check_lags(encoded, n_lags)?;
    let samples = encoded.len() - n_lags;
    let mut data = Vec::with_capacity(samples * n_lags * width);
    for s in 0..samples {
        for row in &encoded[s + 1..s + 1 + n_lags] {
            data.extend_from_slice(row.as_ref());
        }
    }
    Ok((
        Array3::new(data, [samples, n_lags, width])?,
        lag_echo_targets(encoded, n_lags, width)?,
    ))
}

/// `lag_echo`'s targets: `encoded[n_lags - 1 .. -1]`, `[samples, 1, width]`.
fn lag_echo_targets<V: AsRef<[f32]>>(encoded: &[V], n_lags: usize, width: usize) -> Result<Array3> {
    let targets: Vec<f32> = encoded[n_lags - 1..encoded.len() - 1]
        .iter()
        .flat_map(|row| row.as_ref().iter().copied())
        .collect();
    Array3::new(targets, [encoded.len() - n_lags, 1, width])
}

/// `lag_echo`'s checks: at least 2 lags, rows of one width, more rows than lags; returns the
/// width.
fn check_lags<V: AsRef<[f32]>>(encoded: &[V], n_lags: usize) -> Result<usize> {
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
    Ok(width)
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Random rows of `width` values: not one-hot, so a value in the wrong place cannot hide.
    fn rows(len: usize, width: usize) -> impl Strategy<Value = Vec<Vec<f32>>> {
        prop::collection::vec(prop::collection::vec(-1.0f32..1.0, width), len)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

        /// The arrays made without the table are the polars framing's, value for value.
        #[test]
        fn the_arrays_without_the_table_are_the_tables(
            (encoded, n_in, n_out) in (1usize..7, 0usize..13, 1usize..6)
                .prop_flat_map(|(n_in, extra, width)| (rows(n_in + extra, width), Just(n_in), 1..=n_in))
        ) {
            for fill in [None, Some(-7.5)] {
                let framed = supervised(&encoded, n_in, n_out, fill).unwrap();
                let (x, y) = supervised_arrays(&encoded, n_in, n_out, fill).unwrap();
                prop_assert_eq!((x.shape(), x.as_slice()), (framed.x.shape(), framed.x.as_slice()));
                prop_assert_eq!((y.shape(), y.as_slice()), (framed.y.shape(), framed.y.as_slice()));
            }
            if n_in >= 2 && encoded.len() > n_in {
                let framed = lag_echo(&encoded, n_in).unwrap();
                let (x, y) = lag_echo_arrays(&encoded, n_in).unwrap();
                prop_assert_eq!((x.shape(), x.as_slice()), (framed.x.shape(), framed.x.as_slice()));
                prop_assert_eq!((y.shape(), y.as_slice()), (framed.y.shape(), framed.y.as_slice()));
            }
        }
    }

    #[test]
    fn the_arrays_refuse_what_the_tables_refuse() {
        let rows = vec![vec![1.0f32, 0.0]; 3];
        assert!(supervised_arrays(&rows, 0, 1, None).is_err());
        assert!(supervised_arrays(&rows, 2, 3, None).is_err());
        assert!(supervised_arrays(&rows, 4, 1, None).is_err());
        assert!(lag_echo_arrays(&rows, 1).is_err());
        assert!(lag_echo_arrays(&rows, 3).is_err());
    }
}
