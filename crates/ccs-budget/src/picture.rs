//! A text picture of the whole memory complement for an 80-column terminal: one line
//! per memory, one character per block of words, the character naming the block's
//! region. What `ccs demo` prints; the desktop app draws the same thing in colour.

use crate::check::Program;
use crate::map::{AllocationMap, Purpose};
use ccs_core::{Machine, MemoryId, WordSet, thousands};
use std::fmt::Write as _;

/// Characters per memory line.
pub const PICTURE_COLUMNS: u32 = 64;

/// The character of a region's purpose: a capital when the block holds words the
/// program placed, small when the region is there but the block is empty.
fn purpose_char(purpose: Purpose, used: bool) -> char {
    let c = match purpose {
        Purpose::TrapTable => 't',
        Purpose::FixedRoutines => 'f',
        Purpose::Sequences => 'q',
        Purpose::Data => 'd',
        Purpose::Scratch => 's',
        Purpose::Spare => return if used { ':' } else { '.' },
    };
    if used { c.to_ascii_uppercase() } else { c }
}

/// The legend printed under the picture.
pub const PICTURE_LEGEND: &str = "\
T trap table  F fixed routines  Q sequences  D data  S scratch  . spare
capitals: blocks with the program's words; small: room left; X: dead words";

/// One line per memory: name, `PICTURE_COLUMNS` characters, words the program placed.
/// A block shows the region holding most of its words; `X` when a word of it is dead
/// or stuck in `machine` (if given).
pub fn memory_picture(map: &AllocationMap, program: &Program, machine: Option<&Machine>) -> String {
    let mut s = String::new();
    let mut used = WordSet::new();
    for w in program.words.iter().filter(|w| w.addr < w.memory.words()) {
        used.insert(w.memory, w.addr);
    }
    for memory in MemoryId::ALL {
        let per_char = memory.words() / PICTURE_COLUMNS;
        let line: String = (0..PICTURE_COLUMNS)
            .map(|block| {
                let addrs = block * per_char..(block + 1) * per_char;
                if let Some(m) = machine
                    && addrs.clone().any(|a| m.craft.faults.get(memory, a).is_some())
                {
                    return 'X';
                }
                // The region holding most of the block (the first of equals).
                let mut best: Option<(usize, u32)> = None;
                for (i, r) in map.regions.iter().enumerate().filter(|(_, r)| r.memory == memory) {
                    let overlap = r.end.min(addrs.end - 1).saturating_add(1).saturating_sub(r.start.max(addrs.start));
                    if overlap > 0 && best.is_none_or(|(_, o)| overlap > o) {
                        best = Some((i, overlap));
                    }
                }
                let any_used = used.count_slots(memory.slot(addrs.start)..memory.slot(addrs.end - 1) + 1) > 0;
                best.map_or(' ', |(i, _)| purpose_char(map.regions[i].purpose, any_used))
            })
            .collect();
        let count = used.count(memory) as u64;
        let _ = writeln!(s, "{:<6} {line} {:>5}", memory.name(), thousands(count));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::PlacedWord;
    use ccs_core::{Fault, Input, ProcId, TimedInput};

    /// CCS-A: traps, routines, spare; every other memory one spare region.
    fn map() -> AllocationMap {
        let others: String = MemoryId::ALL[1..]
            .iter()
            .map(|m| {
                format!(
                    r#"(memory: "{}", regions: [(name: "S{}", start: 0, end: {}, purpose: spare, writable: true)]),"#,
                    m.name(),
                    m.index(),
                    m.words() - 1
                )
            })
            .collect();
        let text = format!(
            r#"(name: "t", memories: [
                (memory: "CCS-A", regions: [
                    (name: "TRAPS", start: 0o0, end: 0o77, purpose: trap_table, writable: false),
                    (name: "FIXED", start: 0o100, end: 0o5777, purpose: fixed_routines, writable: false),
                    (name: "SPARE", start: 0o6000, end: 0o7777, purpose: spare, writable: true),
                ]),
                {others}
            ])"#
        );
        AllocationMap::parse(&text, "t").unwrap()
    }

    #[test]
    fn each_block_shows_its_region_in_capitals_when_used() {
        let ccs_a = MemoryId::Ccs(ProcId::A);
        let words = [0o0, 0o100, 0o6000].map(|addr| PlacedWord { memory: ccs_a, addr, section: None });
        let program = Program { name: "p".into(), words: words.to_vec(), sections: vec![] };
        let text = memory_picture(&map(), &program, None);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 6, "one line per memory");
        let expected = format!("CCS-A  TF{}:{}     3", "f".repeat(46), ".".repeat(15));
        assert_eq!(lines[0], expected);
        assert!(lines.iter().all(|l| l.len() <= 80), "{text}");
        // Nothing placed in the others.
        assert_eq!(lines[2], format!("FDS-A  {}     0", ".".repeat(64)));

        let mut m = Machine::new();
        m.reset(ccs_core::Processors::A, Default::default());
        let dead = Fault::DeadRange { memory: ccs_a, start: 0o200, len: 1, pattern: 0 };
        m.schedule(TimedInput { time: 0, input: Input::Fault(dead) });
        m.run_until(1);
        let text = memory_picture(&map(), &program, Some(&m));
        assert!(text.lines().next().unwrap().starts_with("CCS-A  TFXf"), "{text}");
    }
}
