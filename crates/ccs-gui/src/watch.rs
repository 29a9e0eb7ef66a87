//! What the app watches while the emulator runs: an [`Observer`] that keeps, for every
//! word of the six memories, when it was last read and written (the map's decaying
//! heat and the hover's "last write"), the interrupts taken (for the event log), and,
//! through `ccs_budget::Monitor`, the run-time budget figures of the loaded program.

use ccs_budget::Monitor;
use ccs_core::{MemoryId, Observer, ProcId, StepRecord, WriteRecord};

/// Words in all six memories: the flat per-word tables are indexed by `ccs_core::space`'s
/// slots (CCS-A, CCS-B, FDS-A, FDS-B, AACS-A, AACS-B one after the other).
pub use ccs_core::ALL_WORDS;

/// A word's place in the flat per-word tables ([`MemoryId::slot`]).
#[inline(always)]
pub fn slot(memory: MemoryId, addr: u32) -> usize {
    memory.slot(addr)
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
    pub budget: Option<Monitor>,
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
    // The machine panel shows MAR, MDR and IR.
    const DEBUG_REGISTERS: bool = true;

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
        self.read_stamp[slot(memory, addr)] = self.stamp;
        if let Some(b) = &mut self.budget {
            b.read(_time, _by, memory, addr);
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
            b.write(w);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ccs_budget::{AllocationMap, Program, check};
    use ccs_core::{Image, ImageKind, Machine, Models, Processors, Target};

    #[test]
    fn the_apps_watch_gives_the_same_budget_as_ccs_budget_check_run() {
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
        m.reset(Processors::A, Models::default());
        let mut ours = Watch { budget: Some(Monitor::new(&map, &m)), ..Watch::default() };
        let theirs_machine = m.clone();
        let stops = m.run_until_observed(1000, &mut ours);
        let stops_text: Vec<String> = stops
            .iter()
            .zip(ProcId::BOTH)
            .filter(|(s, _)| **s != ccs_core::Stop::Held)
            .map(|(s, p)| format!("processor {p}: {s}"))
            .collect();
        let mut mine = check(&program, &map);
        ours.budget.as_ref().unwrap().finish(&mut mine, 1000, stops_text);
        let mut theirs_session = ccs_core::Session::from_machine(theirs_machine, Default::default());
        let theirs = ccs_budget::check_run(&program, &map, &mut theirs_session, 1000);
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
