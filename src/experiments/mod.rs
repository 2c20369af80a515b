//! Layer 5, the experiments: each tutorial as a checked config that runs end to end
//! (`tutorials`), the linear baseline beside it (`baseline`) and the speed measurements
//! (`bench`). Imports from the layers below.

pub mod baseline;
pub mod bench;
pub mod tutorials;
