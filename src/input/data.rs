//! Seeded data: random integer sequences, one-hot encoding, the alphabet windows.
//!
//! Every generator takes the random number generator explicitly: build it with
//! `ChaCha12Rng::seed_from_u64(seed)` and the same seed gives the same data.

use crate::error::{Error, Result};
use rand::{Rng, RngExt};

/// The 26 capital letters the alphabet tutorial learns.
pub const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// `length` integers drawn uniformly from `0..n_unique` (Python's `randint(0, n_unique - 1)`).
pub fn generate_sequence<R: Rng>(rng: &mut R, length: usize, n_unique: usize) -> Result<Vec<usize>> {
    if n_unique == 0 {
        return Err(Error::invalid("n_unique", "must be at least 1"));
    }
    Ok((0..length).map(|_| rng.random_range(0..n_unique)).collect())
}

/// One row of `n_unique` zeros per value, with a one at the value's index.
///
/// ```
/// let rows = lstm_lab::data::one_hot_encode(&[2, 0], 3).unwrap();
/// assert_eq!(rows, vec![vec![0.0, 0.0, 1.0], vec![1.0, 0.0, 0.0]]);
/// ```
pub fn one_hot_encode(sequence: &[usize], n_unique: usize) -> Result<Vec<Vec<f32>>> {
    if sequence.is_empty() {
        return Err(Error::Empty {
            what: "the sequence to one-hot encode",
        });
    }
    sequence
        .iter()
        .enumerate()
        .map(|(position, &value)| {
            if value >= n_unique {
                return Err(Error::OutOfRange {
                    value,
                    position,
                    n_unique,
                });
            }
            let mut row = vec![0.0; n_unique];
            row[value] = 1.0;
            Ok(row)
        })
        .collect()
}

/// The index of the largest value in each row (NumPy's `argmax`, first index on ties).
pub fn one_hot_decode<V: AsRef<[f32]>>(rows: &[V]) -> Vec<usize> {
    rows.iter().map(|row| argmax(row.as_ref())).collect()
}

/// The index of the largest value (the first one on ties; 0 for an empty slice).
pub fn argmax(values: &[f32]) -> usize {
    let mut best = 0;
    for (i, &v) in values.iter().enumerate() {
        if v > values[best] {
            best = i;
        }
    }
    best
}

/// The alphabet tutorial's sliding windows: every `seq_length` consecutive letters (as
/// indices 0..26) and the letter that follows them. Length 2 gives 24 pairs (AB -> C ...
/// XY -> Z), length 3 gives 23.
pub fn alphabet_windows(seq_length: usize) -> Result<(Vec<Vec<usize>>, Vec<usize>)> {
    let n = ALPHABET.len();
    if seq_length == 0 {
        return Err(Error::invalid("seq_length", "must be at least 1"));
    }
    if seq_length >= n {
        return Err(Error::TooShort {
            length: n,
            window: seq_length + 1,
        });
    }
    let windows = (0..n - seq_length)
        .map(|i| (i..i + seq_length).collect())
        .collect();
    let next = (seq_length..n).collect();
    Ok((windows, next))
}

/// The letter at `index` (0 = 'A'); errors past 'Z'.
pub fn letter(index: usize) -> Result<char> {
    ALPHABET.chars().nth(index).ok_or(Error::OutOfRange {
        value: index,
        position: 0,
        n_unique: ALPHABET.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ChaCha12Rng;
    use rand::SeedableRng;

    #[test]
    fn same_seed_same_sequence() {
        let a = generate_sequence(&mut ChaCha12Rng::seed_from_u64(7), 25, 100).unwrap();
        let b = generate_sequence(&mut ChaCha12Rng::seed_from_u64(7), 25, 100).unwrap();
        assert_eq!(a, b);
        assert!(a.iter().all(|&v| v < 100));
    }

    #[test]
    fn decode_inverts_encode() {
        let seq = vec![3, 0, 9, 9, 1];
        assert_eq!(one_hot_decode(&one_hot_encode(&seq, 10).unwrap()), seq);
    }
}
