//! Number, duration and size formats shared by the commands (defined once, in the core
//! and ccs-files).

pub use ccs_core::{parse_cycles, show_size, thousands};
pub use ccs_files::parse_size;

/// `--format`: text for people, JSON for programs.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}
