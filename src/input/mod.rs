//! Layer 2, the input: sequences generated and one-hot encoded (`data`), framed as supervised
//! samples the way the tutorials do with pandas (`framing`, in polars), and the `[samples,
//! steps, features]` arrays that carry them (`array`). Imports from `base` only.

pub mod array;
pub mod data;
pub mod framing;
