//! What the app watches while the emulator runs: an [`Observer`] that keeps, for every
//! word of the six memories, when it was last read and written (the map's decaying
//! heat and the hover's "last write"), the interrupts taken (for the event log), and the
//! run-time budget figures of the loaded program (the same figures as
//! `ccs_budget::Monitor`, kept here because that monitor borrows its map for the
//! length of one run while the app's run never ends).

use ccs_budget::{AllocationMap, Finding, FindingKind, RegionRun, Report, RunInfo};
use ccs_core::{Machine, MemoryId, Observer, ProcId, StepRecord, WriteKind, WriteRecord};

/// Words in all six memories.
pub const ALL_WORDS: usize = 32768;

/// A word's place in the flat per-word tables: CCS-A, CCS-B, FDS-A, FDS-B, AACS-A,
/// AACS-B one after the other.
#[inline(always)]
pub fn slot(memory: MemoryId, addr: u32) -> usize {
    let a = addr as usize;
    let at = match memory {
        MemoryId::Ccs(p) => p as usize * 4096 + (a & 4095),
        MemoryId::Fds(u) => 8192 + (u as usize & 1) * 8192 + (a & 8191),
        MemoryId::Aacs(u) => 24576 + (u as usize & 1) * 4096 + (a & 4095),
    };
    at & (ALL_WORDS - 1)
}

/// First slot of a memory.
pub fn base_slot(memory: MemoryId) -> usize {
    slot(memory, 0)
}

/// An interrupt acceptance seen during a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Taken {
    pub time: u64,
    pub proc: ProcId,
    pub level: u8,
}

/// Most acceptances kept per slice for the log (the rest are only counted).
const MAX_TAKEN: usize = 4096;

/// The app's observer. `stamp` is the heat clock (the app's frame counter): a word
/// read or written gets the current stamp, and the map fades it with the age.
pub struct Watch {
    pub stamp: u32,
    pub read_stamp: Vec<u32>,
    pub write_stamp: Vec<u32>,
    /// Cycle time of the latest write that took effect (`u64::MAX`: never written).
    pub last_write: Vec<u64>,
    /// Acceptances since the log last took them.
    pub taken: Vec<Taken>,
    /// Acceptances not kept in `taken` because there were too many.
    pub taken_dropped: u64,
    /// The live budget check of the loaded program, if a map is loaded.
    pub budget: Option<LiveBudget>,
}

impl Default for Watch {
    fn default() -> Self {
        Watch {
            stamp: 1,
            read_stamp: vec![0; ALL_WORDS],
            write_stamp: vec![0; ALL_WORDS],
            last_write: vec![u64::MAX; ALL_WORDS],
            taken: Vec::new(),
            taken_dropped: 0,
            budget: None,
        }
    }
}

impl Watch {
    /// Forget everything (a new program or a reset).
    pub fn clear(&mut self) {
        let stamp = self.stamp;
        *self = Watch { stamp, ..Watch::default() };
    }

    /// Time of the last write to a word, if any.
    pub fn last_write(&self, memory: MemoryId, addr: u32) -> Option<u64> {
        let t = self.last_write[slot(memory, addr)];
        (t != u64::MAX).then_some(t)
    }
}

impl Observer for Watch {
    const STEPS: bool = true;

    #[inline(always)]
    fn step(&mut self, r: &StepRecord) {
        if let Some(level) = r.before.level {
            if self.taken.len() < MAX_TAKEN {
                self.taken.push(Taken { time: r.start, proc: r.proc, level });
            } else {
                self.taken_dropped += 1;
            }
        }
    }

    #[inline(always)]
    fn read(&mut self, _time: u64, _by: ProcId, memory: MemoryId, addr: u32) {
        let at = slot(memory, addr);
        self.read_stamp[at] = self.stamp;
        if let Some(b) = &mut self.budget {
            b.touched[at] = 1;
        }
    }

    #[inline(always)]
    fn write(&mut self, w: &WriteRecord) {
        let at = slot(w.memory, w.addr);
        if w.done {
            self.write_stamp[at] = self.stamp;
            self.last_write[at] = w.time;
        }
        if let Some(b) = &mut self.budget {
            b.write(at, w);
        }
    }
}

/// The first forbidden store into a region, for the message.
#[derive(Clone, Copy, Debug)]
struct FirstForbidden {
    time: u64,
    addr: u32,
    by: ProcId,
}

#[derive(Clone, Debug, Default)]
struct RegionCounters {
    forbidden: u64,
    suppressed: u64,
    first_forbidden: Option<FirstForbidden>,
    occupied: u32,
    peak: u32,
}

/// The run-time budget check of `ccs budget --run`, kept for a run that goes on and on:
/// per region, forbidden program stores, the high-water mark, the peak number of words
/// in use and the words never touched. [`LiveBudget::report`] gives the same figures and
/// messages as `ccs_budget::Monitor::finish` (a unit test compares the two).
#[derive(Clone, Debug)]
pub struct LiveBudget {
    regions: Vec<RegionCounters>,
    region_of: Vec<u16>,
    read_only: Vec<u8>,
    touched: Vec<u8>,
    written: Vec<u32>,
    forbidden_words: Vec<u8>,
}

impl LiveBudget {
    /// Start watching `machine` (as loaded, before it runs) against `map`.
    pub fn new(map: &AllocationMap, machine: &Machine) -> LiveBudget {
        let mut regions = vec![RegionCounters::default(); map.regions.len()];
        let mut region_of = vec![0u16; ALL_WORDS];
        let mut read_only = vec![0u8; ALL_WORDS];
        for memory in MemoryId::ALL {
            for addr in 0..memory.words() {
                let region = map.region_index(memory, addr);
                region_of[slot(memory, addr)] = region as u16;
                read_only[slot(memory, addr)] = !map.regions[region].writable as u8;
                if machine.examine(memory, addr) != 0 {
                    regions[region].occupied += 1;
                }
            }
        }
        for r in &mut regions {
            r.peak = r.occupied;
        }
        LiveBudget {
            regions,
            region_of,
            read_only,
            touched: vec![0; ALL_WORDS],
            written: vec![0; ALL_WORDS],
            forbidden_words: vec![0; ALL_WORDS],
        }
    }

    #[inline(always)]
    fn write(&mut self, at: usize, w: &WriteRecord) {
        if w.done {
            self.written[at] = self.written[at].saturating_add(1);
            if (w.value & w.memory.word_mask() != 0) != (w.old != 0) {
                let c = &mut self.regions[self.region_of[at] as usize];
                if w.old == 0 {
                    c.occupied += 1;
                    c.peak = c.peak.max(c.occupied);
                } else {
                    c.occupied = c.occupied.saturating_sub(1);
                }
            }
        } else {
            self.touched[at] = 1;
        }
        if self.read_only[at] != 0 && w.kind == Some(WriteKind::ProgramStore) {
            let c = &mut self.regions[self.region_of[at] as usize];
            c.forbidden += 1;
            c.suppressed += !w.done as u64;
            c.first_forbidden.get_or_insert(FirstForbidden { time: w.time, addr: w.addr, by: w.by });
            self.forbidden_words[at] = 1;
        }
    }

    /// Whether any forbidden store has been seen.
    pub fn any_forbidden(&self) -> bool {
        self.regions.iter().any(|r| r.forbidden > 0)
    }

    /// `report` (a static check) with the run's figures and findings added, as
    /// `ccs_budget::Monitor::finish` does.
    pub fn report(&self, map: &AllocationMap, mut report: Report, cycles: u64, stops: Vec<String>) -> Report {
        for (i, (r, c)) in map.regions.iter().zip(&self.regions).enumerate() {
            let words = slot(r.memory, r.start)..=slot(r.memory, r.end);
            let touched = &self.touched[words.clone()];
            let written = &self.written[words];
            let untouched = touched.iter().zip(written).filter(|&(&t, &w)| t == 0 && w == 0).count() as u32;
            let high_water = written.iter().rposition(|&w| w != 0).map(|i| r.start + i as u32);
            if let Some(rr) = report.regions.get_mut(i) {
                rr.run = Some(RegionRun {
                    writes: written.iter().map(|&w| w as u64).sum(),
                    forbidden_writes: c.forbidden,
                    high_water,
                    peak_occupancy: c.peak,
                    untouched,
                });
            }
            if let Some(first) = c.first_forbidden {
                let words: Vec<u32> =
                    (r.start..=r.end).filter(|&a| self.forbidden_words[slot(r.memory, a)] != 0).collect();
                let suppressed = match c.suppressed {
                    0 => String::new(),
                    n if n == c.forbidden => " (all suppressed by the jumpers)".to_string(),
                    n => format!(" ({n} suppressed by the jumpers)"),
                };
                report.findings.push(Finding {
                    kind: FindingKind::ForbiddenWrite,
                    message: format!(
                        "{} program store{} into region {} of {}, which is not writable{suppressed}: {} word{} ({}), first by {} at t = {} into 0o{:04o}",
                        c.forbidden,
                        if c.forbidden == 1 { "" } else { "s" },
                        r.name,
                        r.memory.name(),
                        words.len(),
                        if words.len() == 1 { "" } else { "s" },
                        ranges_text(r.memory, &words),
                        first.by,
                        first.time,
                        first.addr
                    ),
                    memory: Some(r.memory),
                    section: None,
                    region: Some(r.name.clone()),
                    words: words.len() as u64,
                });
            }
        }
        report.run = Some(RunInfo { cycles, stops });
        report
    }
}

/// Runs of consecutive addresses, as `0o6000-0o6013, 0o6020` (the budget report's form).
pub fn ranges_text(memory: MemoryId, addrs: &[u32]) -> String {
    let digits = if memory.words() > 4096 { 5 } else { 4 };
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < addrs.len() {
        let mut j = i;
        while j + 1 < addrs.len() && addrs[j + 1] == addrs[j] + 1 {
            j += 1;
        }
        out.push(if i == j {
            format!("0o{:0digits$o}", addrs[i])
        } else {
            format!("0o{:0digits$o}-0o{:0digits$o}", addrs[i], addrs[j])
        });
        i = j + 1;
    }
    out.join(", ")
}

/// Stops at a breakpoint: watches the steps of a trial run for the first instruction
/// fetched from a breakpoint address (acceptances, which execute a trap cell, do not
/// count).
pub struct BreakWatch<'a> {
    pub breakpoints: &'a [(ProcId, u32)],
    /// Steps to ignore: the processor already stands at a breakpoint at this time.
    pub ignore: [Option<u64>; 2],
    /// The first hit: (start time of the step, processor, address).
    pub hit: Option<(u64, ProcId, u32)>,
}

impl Observer for BreakWatch<'_> {
    const STEPS: bool = true;

    #[inline]
    fn step(&mut self, r: &StepRecord) {
        if self.hit.is_some() || r.before.level.is_some() {
            return;
        }
        if self.ignore[r.proc.index()] == Some(r.start) {
            return;
        }
        let p = r.before.p.get();
        if self.breakpoints.iter().any(|&(x, a)| x == r.proc && a == p) {
            self.hit = Some((r.start, r.proc, p));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ccs_budget::{Program, check};
    use ccs_core::{Image, ImageKind, Models, Target};

    #[test]
    fn live_budget_agrees_with_the_budget_crates_monitor() {
        let map = AllocationMap::parse(ccs_programs::VOYAGER_MAP, "voyager").unwrap();
        // LDI 5; STA 0o100 (FIXED, not writable); STA 0o5200 (DATA); HLT
        let image = Image::parse(
            "# ccs-image v1 target=A\n0040 000541\n0041 010043\n0042 520043\n0043 000000\n",
            ImageKind::Ccs,
        )
        .unwrap();
        let program = Program::from_image("t", &image, Target::A);
        let mut m = Machine::new();
        m.load_image(&image, None).unwrap();
        m.reset([true, false], Models::default());
        let mut ours = Watch { budget: Some(LiveBudget::new(&map, &m)), ..Watch::default() };
        let mut theirs_machine = m.clone();
        let stops = m.run_until_observed(1000, &mut ours);
        let stops_text: Vec<String> = stops
            .iter()
            .zip(ProcId::BOTH)
            .filter(|(s, _)| **s != ccs_core::Stop::Held)
            .map(|(s, p)| format!("processor {p}: {s}"))
            .collect();
        let mine = ours.budget.as_ref().unwrap().report(&map, check(&program, &map), 1000, stops_text);
        let theirs = ccs_budget::check_run(&program, &map, &mut theirs_machine, 1000);
        assert_eq!(mine, theirs);
        assert_eq!(mine.findings.len(), 1, "{:#?}", mine.findings);
        assert!(mine.findings[0].message.contains("into region FIXED of CCS-A"), "{}", mine.findings[0].message);
        let fixed = mine.regions.iter().find(|r| r.name == "FIXED" && r.memory == MemoryId::Ccs(ProcId::A)).unwrap();
        assert_eq!(fixed.run.as_ref().unwrap().forbidden_writes, 1);
        // Heat and last-write times were recorded for the stores.
        assert!(ours.last_write(MemoryId::Ccs(ProcId::A), 0o100).is_some());
        assert!(ours.last_write(MemoryId::Ccs(ProcId::A), 0o5200).is_some());
        assert_eq!(ours.last_write(MemoryId::Ccs(ProcId::A), 0o5201), None);
        assert_eq!(ours.read_stamp[slot(MemoryId::Ccs(ProcId::A), 0o40)], ours.stamp);
    }

    #[test]
    fn slots_are_distinct_and_cover_every_word() {
        let mut seen = vec![false; ALL_WORDS];
        for m in MemoryId::ALL {
            for a in 0..m.words() {
                let s = slot(m, a);
                assert!(!seen[s], "{} {a:o}", m.name());
                seen[s] = true;
            }
        }
        assert!(seen.iter().all(|&s| s));
    }
}
