//! The framing reproduces the tutorials' printed examples, and is a plain sliding window on random sizes.

use lstm_lab::data::{ALPHABET, alphabet_windows, letter, one_hot_encode};
use lstm_lab::framing::{lag_echo, to_supervised, to_supervised_padded};
use proptest::prelude::*;

/// Seed 002 prints this 25-number sequence and its 21 pairs for n_in 5, n_out 3.
const SEQ_002: [usize; 25] = [
    86, 81, 88, 1, 23, 78, 64, 7, 99, 23, 2, 36, 73, 26, 27, 33, 24, 51, 73, 64, 13, 13, 53, 40, 64,
];

#[test]
fn to_supervised_gives_the_21_printed_pairs() {
    let encoded = one_hot_encode(&SEQ_002, 100).unwrap();
    let framed = to_supervised(&encoded, 5, 3).unwrap();
    let printed: [([usize; 5], [usize; 3]); 21] = [
        ([86, 81, 88, 1, 23], [86, 81, 88]),
        ([81, 88, 1, 23, 78], [81, 88, 1]),
        ([88, 1, 23, 78, 64], [88, 1, 23]),
        ([1, 23, 78, 64, 7], [1, 23, 78]),
        ([23, 78, 64, 7, 99], [23, 78, 64]),
        ([78, 64, 7, 99, 23], [78, 64, 7]),
        ([64, 7, 99, 23, 2], [64, 7, 99]),
        ([7, 99, 23, 2, 36], [7, 99, 23]),
        ([99, 23, 2, 36, 73], [99, 23, 2]),
        ([23, 2, 36, 73, 26], [23, 2, 36]),
        ([2, 36, 73, 26, 27], [2, 36, 73]),
        ([36, 73, 26, 27, 33], [36, 73, 26]),
        ([73, 26, 27, 33, 24], [73, 26, 27]),
        ([26, 27, 33, 24, 51], [26, 27, 33]),
        ([27, 33, 24, 51, 73], [27, 33, 24]),
        ([33, 24, 51, 73, 64], [33, 24, 51]),
        ([24, 51, 73, 64, 13], [24, 51, 73]),
        ([51, 73, 64, 13, 13], [51, 73, 64]),
        ([73, 64, 13, 13, 53], [73, 64, 13]),
        ([64, 13, 13, 53, 40], [64, 13, 13]),
        ([13, 13, 53, 40, 64], [13, 13, 53]),
    ];
    assert_eq!(framed.x.shape(), [21, 5, 100]);
    assert_eq!(framed.y.shape(), [21, 3, 100]);
    assert_eq!(framed.frame.height(), 21);
    assert_eq!(framed.frame.width(), 500);
    let (xs, ys) = (framed.x.argmax(), framed.y.argmax());
    for (i, (x, y)) in printed.iter().enumerate() {
        assert_eq!(xs[i], x.to_vec(), "X of pair {i}");
        assert_eq!(ys[i], y.to_vec(), "y of pair {i}");
    }
}

#[test]
fn frame_columns_are_named_by_lag() {
    let encoded = one_hot_encode(&SEQ_002, 100).unwrap();
    let framed = to_supervised(&encoded, 5, 3).unwrap();
    let names = framed.frame.get_column_names();
    assert_eq!(names[0].as_str(), "var0(t-4)");
    assert_eq!(names[499].as_str(), "var99(t)");
}

#[test]
fn lag_echo_targets_the_value_one_step_back() {
    // Seed 000's printed expected list is the target of each of its 20 windows.
    let expected = [
        14, 37, 0, 65, 30, 7, 11, 6, 16, 19, 68, 4, 25, 2, 79, 45, 95, 92, 32, 33,
    ];
    // A 25-long sequence whose values 4..24 are that list (the target of window i is value i+4).
    let sequence: Vec<usize> = [1, 2, 3, 4].into_iter().chain(expected).chain([5]).collect();
    let encoded = one_hot_encode(&sequence, 100).unwrap();
    let framed = lag_echo(&encoded, 5).unwrap();
    assert_eq!(framed.x.shape(), [20, 5, 100]);
    assert_eq!(framed.y.shape(), [20, 1, 100]);
    let xs = framed.x.argmax();
    let ys: Vec<usize> = framed.y.argmax().into_iter().map(|v| v[0]).collect();
    assert_eq!(ys, expected);
    for (i, window) in xs.iter().enumerate() {
        assert_eq!(window, &sequence[i + 1..i + 6], "window {i}");
        assert_eq!(
            ys[i], window[3],
            "target of window {i} is the value one step before the last"
        );
    }
}

#[test]
fn alphabet_windows_match_the_tutorial() {
    let (two, next2) = alphabet_windows(2).unwrap();
    assert_eq!(two.len(), 24);
    let show = |w: &[usize], n: usize| {
        format!(
            "{} -> {}",
            w.iter().map(|&i| letter(i).unwrap()).collect::<String>(),
            letter(n).unwrap()
        )
    };
    assert_eq!(show(&two[0], next2[0]), "AB -> C");
    assert_eq!(show(&two[23], next2[23]), "XY -> Z");
    let (three, next3) = alphabet_windows(3).unwrap();
    assert_eq!(three.len(), 23);
    assert_eq!(show(&three[0], next3[0]), "ABC -> D");
    assert_eq!(show(&three[22], next3[22]), "WXY -> Z");
    assert_eq!(ALPHABET.len(), 26);
}

/// Random rows of `width` values: not one-hot, so a value in the wrong place cannot hide.
fn rows(len: usize, width: usize) -> impl Strategy<Value = Vec<Vec<f32>>> {
    prop::collection::vec(prop::collection::vec(-1.0f32..1.0, width), len)
}

/// (rows, n_in, n_out): 1 to 6 input steps, 1 to n_in output steps, up to 12 rows more than n_in.
fn windows() -> impl Strategy<Value = (Vec<Vec<f32>>, usize, usize)> {
    (1usize..7, 0usize..13, 1usize..6)
        .prop_flat_map(|(n_in, extra, width)| (rows(n_in + extra, width), Just(n_in), 1..=n_in))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// `to_supervised` is a plain sliding window: sample s, step t is row s + t, and the
    /// target is the window's first n_out rows.
    #[test]
    fn to_supervised_is_a_sliding_window((encoded, n_in, n_out) in windows()) {
        let framed = to_supervised(&encoded, n_in, n_out).unwrap();
        let width = encoded[0].len();
        let samples = encoded.len() - n_in + 1;
        prop_assert_eq!(framed.x.shape(), [samples, n_in, width]);
        prop_assert_eq!(framed.y.shape(), [samples, n_out, width]);
        prop_assert_eq!(framed.frame.height(), samples);
        for s in 0..samples {
            for t in 0..n_in {
                prop_assert_eq!(framed.x.row(s, t), &encoded[s + t][..]);
            }
            for t in 0..n_out {
                prop_assert_eq!(framed.y.row(s, t), &encoded[s + t][..]);
            }
        }
    }

    /// `to_supervised_padded` keeps every row: window s ends at row s, and the steps before
    /// the sequence starts hold the fill value.
    #[test]
    fn to_supervised_padded_fills_the_missing_steps((encoded, n_in, n_out) in windows()) {
        let fill = -7.5;
        let framed = to_supervised_padded(&encoded, n_in, n_out, fill).unwrap();
        let width = encoded[0].len();
        prop_assert_eq!(framed.x.shape(), [encoded.len(), n_in, width]);
        prop_assert_eq!(framed.y.shape(), [encoded.len(), n_out, width]);
        for s in 0..encoded.len() {
            for t in 0..n_in {
                let want = match (s + t).checked_sub(n_in - 1) {
                    Some(row) => encoded[row].clone(),
                    None => vec![fill; width],
                };
                prop_assert_eq!(framed.x.row(s, t), &want[..]);
            }
            for t in 0..n_out {
                prop_assert_eq!(framed.y.row(s, t), framed.x.row(s, t));
            }
        }
    }

    /// `lag_echo` with n lags: sample s is rows s + 1 .. s + n, its target row s + n - 1 (one
    /// step before the window's last).
    #[test]
    fn lag_echo_is_a_window_and_the_row_before_its_last(
        (encoded, n_lags) in (2usize..7, 1usize..13, 1usize..6)
            .prop_flat_map(|(n, extra, width)| (rows(n + extra, width), Just(n)))
    ) {
        let framed = lag_echo(&encoded, n_lags).unwrap();
        let samples = encoded.len() - n_lags;
        prop_assert_eq!(framed.x.shape(), [samples, n_lags, encoded[0].len()]);
        prop_assert_eq!(framed.y.shape(), [samples, 1, encoded[0].len()]);
        for s in 0..samples {
            for t in 0..n_lags {
                prop_assert_eq!(framed.x.row(s, t), &encoded[s + 1 + t][..]);
            }
            prop_assert_eq!(framed.y.row(s, 0), &encoded[s + n_lags - 1][..]);
        }
    }
}
