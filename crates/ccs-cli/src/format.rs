//! Number and duration formats shared by the commands (defined once, in the core).

pub use ccs_core::{parse_cycles, thousands};

/// `--format`: text for people, JSON for programs.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}
