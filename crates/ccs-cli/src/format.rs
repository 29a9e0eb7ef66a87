//! Number and duration formats shared by the commands (defined once, in the core).

pub use ccs_core::{parse_cycles, thousands};
