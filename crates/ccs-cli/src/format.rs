//! Number and duration formats shared by the commands (defined once, in the core).

pub use ccs_core::{parse_cycles, thousands};

/// A size as options take it: `1GiB`, `500MB`, `64 MiB`, or a number of bytes.
pub fn parse_size(text: &str) -> Result<u64, String> {
    text.trim()
        .parse::<bytesize::ByteSize>()
        .map(|b| b.as_u64())
        .map_err(|_| format!("{:?} is not a size such as 1GiB, 500MB or 1000000", ccs_core::abbreviate(text)))
}

/// A size as messages show it: `1 GiB`, `1.5 GiB`, `1000 B`.
pub fn show_size(bytes: u64) -> String {
    bytesize::ByteSize(bytes).display().iec().to_string()
}

/// `--format`: text for people, JSON for programs.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}
