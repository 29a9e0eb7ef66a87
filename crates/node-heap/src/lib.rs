//! Node.js heap data, for the contrast with the CCS's fixed 69,632 bytes: a real heap that leaks.
//!
//! - [`timeline`]: `process.memoryUsage()` samples as JSON lines, checked against a fixed budget.
//! - [`leak`]: the verdict on a timeline: does the after-GC baseline of heapUsed grow without bound?
//!   Built on the robust statistics in [`stats`] (per-window minima, Theil–Sen, Mann–Kendall).
//! - [`snapshot`]: V8 `.heapsnapshot` files read in one streaming pass, summarised per constructor
//!   and compared like DevTools' Comparison view.
//! - [`record`]: run any Node server (the user's command, or a bundled one from `programs/node/`)
//!   under load and record its timeline and snapshots; the child processes are always cleaned up.
//! - [`watch`]: poll a running server's JSON health endpoint into a timeline.
//! - [`report`]: one call that opens a recording folder: timeline, verdict, top growers and what
//!   holds the first (for the desktop app and `ccs node check`).
//!
//! Nothing here draws anything: the `ccs` CLI and the desktop app both build on it.

pub mod leak;
pub mod record;
pub mod report;
pub mod snapshot;
pub mod stats;
pub mod timeline;
pub mod watch;

pub use leak::{LeakAnalysis, LeakCriteria, Verdict, analyze};
pub use snapshot::{ClassDiff, ClassSummary, Comparison, HeapSnapshot, SnapshotError, Summary, compare};
pub use timeline::{BudgetReport, Field, Sample, Timeline, TimelineError, format_bytes, parse_size};
