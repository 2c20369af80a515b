//! The comparison helpers every parity test relies on must be able to fail: a NaN, an infinity or
//! a length mismatch in either list fails them, whatever the tolerance.

mod common;
use common::{assert_all_close, assert_close, max_abs_diff};

#[test]
fn equal_lists_pass_and_a_gap_past_the_tolerance_fails() {
    assert_close("same", &[1.0, -2.0], &[1.0, -2.0], 0.0);
    assert_close("close", &[1.0, -2.0], &[1.0, -2.0 + 1e-6], 1e-5);
    assert_eq!(max_abs_diff(&[1.0, 5.0], &[1.5, 5.0]), 0.5);
}

#[test]
#[should_panic(expected = "max |ours - reference| = 5e-1 > 1e-1")]
fn a_gap_past_the_tolerance_fails() {
    assert_close("gap", &[1.0, 5.0], &[1.5, 5.0], 0.1);
}

#[test]
fn max_abs_diff_is_nan_when_a_value_is_not_finite() {
    for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
        let d = max_abs_diff(&[0.0, bad, 0.0], &[0.0, 0.0, 0.0]);
        assert!(d.is_nan(), "{bad}: {d}");
        assert!(max_abs_diff(&[bad], &[bad]).is_nan(), "{bad} against itself");
        // The NaN is kept even when a larger finite gap comes after it.
        assert!(max_abs_diff(&[bad, 0.0], &[0.0, 100.0]).is_nan());
    }
}

#[test]
#[should_panic(expected = "entry 1 is not finite (NaN here")]
fn nan_in_ours_fails() {
    assert_close("nan", &[0.0, f32::NAN], &[0.0, 0.0], 1e9);
}

#[test]
#[should_panic(expected = "entry 0 is not finite (0 here, NaN in the reference)")]
fn nan_in_the_reference_fails() {
    assert_close("nan", &[0.0], &[f32::NAN], 1e9);
}

#[test]
#[should_panic(expected = "entry 2 is not finite (inf here")]
fn infinity_fails_even_against_itself() {
    assert_close("inf", &[0.0, 0.0, f32::INFINITY], &[0.0, 0.0, f32::INFINITY], 1e9);
}

#[test]
#[should_panic(expected = "entry 0 is not finite (-inf here")]
fn negative_infinity_fails() {
    assert_close("-inf", &[f32::NEG_INFINITY], &[-1e30], f32::MAX);
}

#[test]
#[should_panic(expected = "len: 2 values here, 3 in the reference")]
fn a_shorter_list_fails() {
    assert_close("len", &[0.0, 0.0], &[0.0, 0.0, 0.0], 1e9);
}

#[test]
#[should_panic(expected = "lengths differ: 0 against 1")]
fn max_abs_diff_fails_on_a_length_mismatch() {
    max_abs_diff(&[], &[0.0]);
}

#[test]
#[should_panic(expected = "weights: 1 tensors here, 2 in the reference")]
fn a_missing_tensor_fails() {
    assert_all_close("weights", &[vec![0.0]], &[vec![0.0], vec![1.0]], 1e9);
}

#[test]
#[should_panic(expected = "weights 1: entry 0 is not finite")]
fn a_nan_in_a_later_tensor_fails() {
    assert_all_close(
        "weights",
        &[vec![0.0], vec![f32::NAN]],
        &[vec![0.0], vec![1.0]],
        1e9,
    );
}
