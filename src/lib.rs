//! voyager-ccs: Voyager 1's Computer Command Subsystem brought back to life.
//!
//! This facade re-exports the workspace crates so that the end-to-end tests in
//! `tests/` and the benchmarks in `benches/` reach everything through one name.

pub use ccs_asm as asm;
pub use ccs_budget as budget;
pub use ccs_cli as cli;
pub use ccs_core as core;
pub use ccs_files as files;
pub use ccs_programs as programs;
pub use ccs_vectors as vectors;
