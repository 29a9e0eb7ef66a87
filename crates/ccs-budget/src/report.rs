//! The budget report: findings in the style of GNU ld, then a table of regions.

use crate::map::{Purpose, Region};
use ccs_core::MemoryId;
use serde::Serialize;
use std::fmt::Write as _;

/// What kind of problem a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// A section holds more words than its own `.section NAME, limit`.
    SectionOverLimit,
    /// Words of a section lie outside the region the map gives it.
    SectionOutsideRegion,
    /// No region of the memory accepts the section.
    SectionUnassigned,
    /// A trap cell is set by a section that does not belong in the trap table.
    TrapCellOutsideTable,
    /// The program stored into a region the map does not let it write (run-time check).
    ForbiddenWrite,
}

/// One way the program does not fit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    /// The one-line message (what the text report prints).
    pub message: String,
    #[serde(serialize_with = "memory_name")]
    pub memory: Option<MemoryId>,
    pub section: Option<String>,
    pub region: Option<String>,
    /// Words over (or concerned).
    pub words: u64,
}

fn memory_name<S: serde::Serializer>(m: &Option<MemoryId>, s: S) -> Result<S::Ok, S::Error> {
    match m {
        Some(m) => s.serialize_str(m.name()),
        None => s.serialize_none(),
    }
}

/// Run-time figures of a region (from `--run`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RegionRun {
    /// Program stores and memory loads that took effect.
    pub writes: u64,
    /// Program stores the map forbids (whether or not jumpers suppressed them).
    pub forbidden_writes: u64,
    /// Highest address written, if any.
    pub high_water: Option<u32>,
    /// Most words holding nonzero values at once.
    pub peak_occupancy: u32,
    /// Words never read or written during the run.
    pub untouched: u32,
}

/// A region and how much of it the program uses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RegionReport {
    #[serde(serialize_with = "memory_name_plain")]
    pub memory: MemoryId,
    pub name: String,
    pub start: u32,
    pub end: u32,
    pub purpose: Purpose,
    pub writable: bool,
    pub capacity: u32,
    /// Words the loaded program places in it.
    pub used: u32,
    pub run: Option<RegionRun>,
}

fn memory_name_plain<S: serde::Serializer>(m: &MemoryId, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(m.name())
}

impl RegionReport {
    pub(crate) fn new(r: &Region, used: u32) -> RegionReport {
        RegionReport {
            memory: r.memory,
            name: r.name.clone(),
            start: r.start,
            end: r.end,
            purpose: r.purpose,
            writable: r.writable,
            capacity: r.capacity(),
            used,
            run: None,
        }
    }

    pub fn percent(&self) -> f64 {
        100.0 * self.used as f64 / self.capacity as f64
    }
}

/// A section and where it belongs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SectionReport {
    pub name: String,
    pub words: u64,
    pub limit: Option<u64>,
    /// `memory region` for each memory it is loaded into.
    pub regions: Vec<String>,
}

/// The spacecraft total.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub bits_used: u64,
    /// 557,056 bits = 69,632 bytes.
    pub bits_capacity: u64,
}

/// What a run-time check ran.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RunInfo {
    pub cycles: u64,
    /// How each running processor stopped.
    pub stops: Vec<String>,
}

/// The whole report: the library result the CLI prints and the desktop app draws.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub program: String,
    pub map: String,
    /// Memories the program loads words into.
    pub loaded: Vec<&'static str>,
    pub findings: Vec<Finding>,
    /// Every region of the map, memory by memory.
    pub regions: Vec<RegionReport>,
    pub sections: Vec<SectionReport>,
    pub totals: Totals,
    pub run: Option<RunInfo>,
}

const BAR: usize = 20;

fn bar(fraction: f64) -> String {
    let filled = ((fraction.clamp(0.0, 1.0) * BAR as f64).round() as usize).min(BAR);
    format!("[{}{}]", "#".repeat(filled), ".".repeat(BAR - filled))
}

impl Report {
    /// Whether the program fits: no finding at all.
    pub fn fits(&self) -> bool {
        self.findings.is_empty()
    }

    /// The report as text: findings, then the table of regions of every memory the
    /// program uses, then the spacecraft total and the verdict.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "budget of {} against the map {}", self.program, self.map);
        for f in &self.findings {
            let _ = writeln!(s, "{}", f.message);
        }
        if !self.findings.is_empty() {
            s.push('\n');
        }
        let run = self.run.is_some();
        let _ = write!(
            s,
            "{:<7} {:<10} {:<15} {:<19} {:>5} {:>5} {:>6} {:<22}",
            "MEMORY", "REGION", "RANGE", "PURPOSE", "USED", "OF", "USE", ""
        );
        if run {
            let _ = write!(s, " {:>7} {:>6} {:>10} {:>5} {:>9}", "WRITES", "DENIED", "HIGH-WATER", "PEAK", "UNTOUCHED");
        }
        s.push('\n');
        for r in self.regions.iter().filter(|r| self.loaded.contains(&r.memory.name())) {
            let digits = r.memory.address_digits();
            let range = format!("{:0digits$o}-{:0digits$o}", r.start, r.end);
            let purpose = format!("{}{}", r.purpose.name(), if r.writable { "" } else { " (ro)" });
            let _ = write!(
                s,
                "{:<7} {:<10} {:<15} {:<19} {:>5} {:>5} {:>5.1}% {}",
                r.memory.name(),
                r.name,
                range,
                purpose,
                r.used,
                r.capacity,
                r.percent(),
                bar(r.used as f64 / r.capacity as f64)
            );
            if let Some(x) = &r.run {
                let high = x.high_water.map_or("-".to_string(), |h| format!("{h:0digits$o}"));
                let _ = write!(
                    s,
                    " {:>7} {:>6} {:>10} {:>5} {:>9}",
                    x.writes, x.forbidden_writes, high, x.peak_occupancy, x.untouched
                );
            }
            s.push('\n');
        }
        let idle: Vec<&str> =
            MemoryId::ALL.iter().map(|m| m.name()).filter(|name| !self.loaded.contains(name)).collect();
        if !idle.is_empty() {
            let _ = writeln!(s, "(nothing loaded into {})", idle.join(", "));
        }
        let t = &self.totals;
        let _ = writeln!(
            s,
            "spacecraft total: {} of {} bits used ({:.1}%): {} of {} bytes {}",
            ccs_core::thousands(t.bits_used),
            ccs_core::thousands(t.bits_capacity),
            100.0 * t.bits_used as f64 / t.bits_capacity as f64,
            ccs_core::thousands(t.bits_used.div_ceil(8)),
            ccs_core::thousands(t.bits_capacity / 8),
            bar(t.bits_used as f64 / t.bits_capacity as f64)
        );
        if let Some(run) = &self.run {
            let _ = writeln!(s, "run: {} cycles; {}", ccs_core::thousands(run.cycles), run.stops.join("; "));
        }
        let _ = match self.findings.len() {
            0 => writeln!(s, "fits: every section lies in its region and within its limit"),
            n => writeln!(s, "does not fit: {n} finding{}", if n == 1 { "" } else { "s" }),
        };
        s
    }

    /// The report for an 80-column terminal (`ccs demo`): the regions of the loaded
    /// memories, the run's writes and denied stores, the total and the verdict, with
    /// findings wrapped.
    pub fn to_compact_text(&self) -> String {
        const SHORT_BAR: usize = 10;
        let short_bar = |fraction: f64| {
            let filled = ((fraction.clamp(0.0, 1.0) * SHORT_BAR as f64).round() as usize).min(SHORT_BAR);
            format!("[{}{}]", "#".repeat(filled), ".".repeat(SHORT_BAR - filled))
        };
        let mut s = String::new();
        let run = self.run.is_some();
        let _ = write!(
            s,
            "{:<6} {:<10} {:<11} {:<2} {:>5} {:>5} {:>4} {:<12}",
            "MEMORY", "REGION", "RANGE", "", "USED", "OF", "USE", ""
        );
        if run {
            let _ = write!(s, " {:>9} {:>6}", "WRITES", "DENIED");
        }
        let _ = writeln!(s);
        for r in self.regions.iter().filter(|r| self.loaded.contains(&r.memory.name())) {
            let digits = r.memory.address_digits();
            let _ = write!(
                s,
                "{:<6} {:<10} {:<11} {:<2} {:>5} {:>5} {:>3.0}% {}",
                r.memory.name(),
                r.name,
                format!("{:0digits$o}-{:0digits$o}", r.start, r.end),
                if r.writable { "rw" } else { "ro" },
                r.used,
                r.capacity,
                r.percent(),
                short_bar(r.used as f64 / r.capacity as f64)
            );
            if let Some(x) = &r.run {
                let _ = write!(s, " {:>9} {:>6}", ccs_core::thousands(x.writes), x.forbidden_writes);
            }
            let _ = writeln!(s);
        }
        let t = &self.totals;
        let _ = writeln!(
            s,
            "spacecraft: {} of {} bytes used ({:.1}%) {}",
            ccs_core::thousands(t.bits_used.div_ceil(8)),
            ccs_core::thousands(t.bits_capacity / 8),
            100.0 * t.bits_used as f64 / t.bits_capacity as f64,
            short_bar(t.bits_used as f64 / t.bits_capacity as f64)
        );
        for f in &self.findings {
            s.push_str(&ccs_core::wrap(&f.message, 80, "", "  "));
        }
        let _ = match self.findings.len() {
            0 => writeln!(s, "fits: every section lies in its region and within its limit"),
            n => writeln!(s, "does not fit: {n} finding{}", if n == 1 { "" } else { "s" }),
        };
        s
    }

    /// The report as JSON (for machines).
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}
