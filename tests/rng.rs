//! The generator behind every seed is pinned: its stream for a seed is written here, so a
//! dependency upgrade that changed it would fail this test before it moved a result.

use lstm_lab::ChaCha12Rng;
use rand::{Rng, SeedableRng};

#[test]
fn seed_1_gives_the_stream_every_result_was_made_with() {
    let mut ours = ChaCha12Rng::seed_from_u64(1);
    let drawn: Vec<u64> = (0..4).map(|_| ours.next_u64()).collect();
    assert_eq!(drawn, PINNED, "the stream of seed 1 moved");
}

/// The first four `next_u64` of seed 1, as drawn when this test was written. They are also
/// what rand 0.10's `StdRng`, from which every committed result was drawn, gives for seed 1
/// (checked then; not asserted, so that a rand upgrade that changes `StdRng` alone does not
/// fail here).
const PINNED: [u64; 4] = [
    17971643333364160609,
    12751046405260142922,
    7894741264938617306,
    3238990930839348691,
];
