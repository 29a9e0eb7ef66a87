//! Memory budgets (issue 4): a program either fits the memory it was given, or this
//! crate says exactly where and by how much it does not.
//!
//! * [`AllocationMap`]: the six memories divided into named regions (RON, checked:
//!   each memory covered exactly once).
//! * [`check`]: the static check of a [`Program`] (from an assembly or images) against
//!   a map, giving a [`Report`].
//! * [`Monitor`]: an emulator observer for the run-time check ([`check_run`]).
//! * [`relocate`]: lay relocatable sections out around dead words (across regions when
//!   their own cannot hold them), and propose the map the result fits.

mod check;
mod map;
mod monitor;
mod picture;
mod relocate;
mod report;

pub use check::{PlacedWord, Program, SPACECRAFT_BITS, SectionInfo, check, ranges_text};
pub use map::{AllocationMap, MapChange, MapError, Overlap, Position, Purpose, Region, diff_maps};
pub use monitor::Monitor;
pub use picture::{PICTURE_COLUMNS, PICTURE_LEGEND, memory_picture};
pub use relocate::{
    DeadWords, NearestFree, NoLayout, Placement, RegionSpace, RelocateError, Relocation, Shortfall, layout,
    layout_memory, propose_map, relocate, relocate_around, relocate_assembly,
};
pub use report::{Finding, FindingKind, RegionReport, RegionRun, Report, RunInfo, SectionReport, Totals};

use ccs_core::{Session, Stop};

/// The static check, then a run of the session until `limit` cycles with the monitor
/// watching every read and write.
pub fn check_run(program: &Program, map: &AllocationMap, session: &mut Session, limit: u64) -> Report {
    let mut report = check(program, map);
    let mut monitor = Monitor::new(map, session.machine());
    session.run_observed(limit, &mut monitor);
    let stops = ccs_core::ProcId::BOTH
        .iter()
        .zip(session.stops())
        .filter(|(_, s)| *s != Stop::Held)
        .map(|(p, s)| format!("processor {p}: {s}"))
        .collect();
    monitor.finish(&mut report, limit, stops);
    report
}
