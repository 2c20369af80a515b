//! Layer 5, the experiments: each tutorial as a checked config that runs end to end
//! (`tutorials`), the baselines beside it (`baseline`; Keras's `SimpleRNN` in `simple_rnn`) and the speed measurements
//! (`bench`). Imports from the layers below.

pub mod baseline;
pub mod bench;
pub(crate) mod simple_rnn;
pub mod tutorials;
