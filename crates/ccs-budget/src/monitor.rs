//! The run-time check: an observer that watches every read and write of a run and
//! keeps, per region, forbidden program stores, the high-water mark, the peak number
//! of words in use, and which words were never touched.
//!
//! It costs nothing when not used (the emulator's `()` observer compiles the hooks
//! away); when used, a read costs one byte store and a write a few table lookups.

use crate::check::ranges_text;
use crate::map::AllocationMap;
use crate::report::{Finding, FindingKind, RegionRun, Report, RunInfo};
use ccs_core::{ALL_WORDS, Machine, MemoryId, Observer, ProcId, WriteKind, WriteRecord};

/// The first forbidden store into a region, for the message.
#[derive(Clone, Copy, Debug)]
struct FirstForbidden {
    time: u64,
    addr: u32,
    by: ProcId,
}

/// What cannot be derived at the end of the run: counts that depend on the order of
/// events.
#[derive(Clone, Debug, Default)]
struct RegionCounters {
    forbidden: u64,
    suppressed: u64,
    first_forbidden: Option<FirstForbidden>,
    occupied: u32,
    peak: u32,
}

/// A word's place in the flat per-word tables (always below `ALL_WORDS`, so the hot
/// path has no bounds checks).
#[inline(always)]
fn slot(memory: MemoryId, addr: u32) -> usize {
    memory.slot(addr)
}

/// One value per word of the six memories.
type PerWord<T> = Box<[T; ALL_WORDS]>;

fn per_word<T: Copy + Default>() -> PerWord<T> {
    vec![T::default(); ALL_WORDS].into_boxed_slice().try_into().unwrap_or_else(|_| unreachable!("length is ALL_WORDS"))
}

/// Watches a run against a map. Create it from the machine as loaded (before the run),
/// run with it (once, or in slices, as the desktop app does), then
/// [`Monitor::finish`] into a report — as often as wanted.
#[derive(Clone)]
pub struct Monitor {
    /// The map's regions (the monitor keeps its own copy, so it can outlive a borrow).
    map_regions: Vec<crate::map::Region>,
    regions: Vec<RegionCounters>,
    /// For every word of the six memories (see `slot`): its region.
    region_of: PerWord<u16>,
    /// For every word: 1 when its region may not be written by program stores.
    read_only: PerWord<u8>,
    /// For every word: read, or the target of a suppressed write, during the run.
    touched: PerWord<u8>,
    /// For every word: writes that took effect.
    written: PerWord<u32>,
    /// For every word: target of a forbidden store.
    forbidden_words: PerWord<u8>,
}

impl Monitor {
    pub fn new(map: &AllocationMap, machine: &Machine) -> Monitor {
        let mut regions = vec![RegionCounters::default(); map.regions.len()];
        let mut region_of = per_word::<u16>();
        let mut read_only = per_word::<u8>();
        // The regions cover every memory exactly once (the map checks it): tables are
        // filled region by region, and occupancy counted over the memory's own words.
        for (i, (r, c)) in map.regions.iter().zip(&mut regions).enumerate() {
            let slots = slot(r.memory, r.start)..=slot(r.memory, r.end);
            region_of[slots.clone()].fill(i as u16);
            read_only[slots].fill(!r.writable as u8);
            c.occupied = nonzero_words(machine, r.memory, r.start, r.end);
            c.peak = c.occupied;
        }
        Monitor {
            map_regions: map.regions.clone(),
            regions,
            region_of,
            read_only,
            touched: per_word(),
            written: per_word(),
            forbidden_words: per_word(),
        }
    }

    /// Add the run's figures and findings (so far) to a static report of the same map.
    pub fn finish(&self, report: &mut Report, cycles: u64, stops: Vec<String>) {
        for (i, (r, c)) in self.map_regions.iter().zip(&self.regions).enumerate() {
            let words = slot(r.memory, r.start)..=slot(r.memory, r.end);
            let touched = &self.touched[words.clone()];
            let written = &self.written[words];
            let untouched = touched.iter().zip(written).filter(|&(&t, &w)| t == 0 && w == 0).count() as u32;
            let high_water = written.iter().rposition(|&w| w != 0).map(|i| r.start + i as u32);
            let Some(region_report) = report.regions.get_mut(i) else { continue };
            region_report.run = Some(RegionRun {
                writes: written.iter().map(|&w| w as u64).sum(),
                forbidden_writes: c.forbidden,
                high_water,
                peak_occupancy: c.peak,
                untouched,
            });
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
    }
}

/// Nonzero words of `memory` from `start` to `end` (inclusive).
fn nonzero_words(machine: &Machine, memory: MemoryId, start: u32, end: u32) -> u32 {
    fn count<const W: u32>(words: &[ccs_core::Bits<W>], start: u32, end: u32) -> u32 {
        let words = words.get(start as usize..=end as usize).unwrap_or_default();
        words.iter().filter(|w| w.get() != 0).count() as u32
    }
    match memory {
        MemoryId::Ccs(p) => count(machine.proc(p).memory.words(), start, end),
        MemoryId::Fds(u) => count(machine.craft.fds[(u & 1) as usize].words(), start, end),
        MemoryId::Aacs(u) => count(machine.craft.aacs[(u & 1) as usize].words(), start, end),
    }
}

impl Observer for Monitor {
    #[inline(always)]
    fn read(&mut self, _time: u64, _by: ProcId, memory: MemoryId, addr: u32) {
        self.touched[slot(memory, addr)] = 1;
    }

    #[inline(always)]
    fn write(&mut self, w: &WriteRecord) {
        let at = slot(w.memory, w.addr);
        if w.done {
            self.written[at] = self.written[at].saturating_add(1);
            // Occupancy moves only when a word turns zero or nonzero.
            if (w.value & w.memory.word_mask() != 0) != (w.old != 0) {
                self.occupancy_changed(at, w.old == 0);
            }
        } else {
            self.touched[at] = 1;
        }
        if self.read_only[at] != 0 && w.kind == Some(WriteKind::ProgramStore) {
            self.forbidden(at, w);
        }
    }
}

impl Monitor {
    #[cold]
    fn occupancy_changed(&mut self, at: usize, now_nonzero: bool) {
        let c = &mut self.regions[self.region_of[at] as usize];
        if now_nonzero {
            c.occupied += 1;
            c.peak = c.peak.max(c.occupied);
        } else {
            c.occupied = c.occupied.saturating_sub(1);
        }
    }

    #[cold]
    fn forbidden(&mut self, at: usize, w: &WriteRecord) {
        let c = &mut self.regions[self.region_of[at] as usize];
        c.forbidden += 1;
        c.suppressed += !w.done as u64;
        c.first_forbidden.get_or_insert(FirstForbidden { time: w.time, addr: w.addr, by: w.by });
        self.forbidden_words[at] = 1;
    }
}
