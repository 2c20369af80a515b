//! Layer 6, the evidence: a run's record against the tutorial's number (`report`), every claim
//! over many seeds beside Keras (`study`), the tutorials' open questions answered (`exercises`)
//! and how a notebook shows all of it (`notebook`). Imports from every layer below; nothing
//! imports it but the command line and the notebooks.

pub mod exercises;
pub mod notebook;
pub mod report;
pub mod study;
