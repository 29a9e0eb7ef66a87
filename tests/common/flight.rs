//! What the flight-load tests share: simulated time in cycles, the repository's files and
//! the load's telemetry tags, read from the one telemetry table (ccs-programs' `flight`).

use std::path::PathBuf;
use voyager_ccs::asm::FileSystem;
use voyager_ccs::files::{Scenario, load_scenario};

pub const S: u64 = voyager_ccs::core::CYCLES_PER_SECOND;
pub const MIN: u64 = 60 * S;
pub const H: u64 = 60 * MIN;
pub const D: u64 = 24 * H;
/// One 10 ms tick.
pub const TICK: u64 = 5_000;
/// The slack allowed between an event and the command a handler issues for it.
pub const SOON: u64 = 10 * TICK;

/// The repository's root folder.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A bundled scenario of `programs/scenarios/`.
pub fn scenario(name: &str) -> Scenario {
    load_scenario(&root().join("programs/scenarios").join(name), &FileSystem).unwrap()
}

/// The first word of a telemetry record with tag `symbol` (a `T_` name of defs.asm) and
/// detail 0.
pub fn tlm(symbol: &str) -> u32 {
    let row = voyager_ccs::programs::flight::TELEMETRY.iter().find(|t| t.symbol == symbol);
    row.unwrap_or_else(|| panic!("{symbol} is not in the telemetry table")).tag << 12
}

/// Whether a telemetry record's first word is followed by a value word.
pub fn has_value_word(first: u32) -> bool {
    voyager_ccs::programs::flight::tag(first >> 12).is_some_and(|t| t.value_word)
}
