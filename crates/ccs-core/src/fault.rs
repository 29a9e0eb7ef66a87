//! Injected faults (issue 6): bit flips in memory and registers, stuck-at words, dead
//! ranges of memory, a halted or stalled processor. They are scheduled like any other
//! input (`Input::Fault`) so one API serves the CLI, tests and the desktop app.
//!
//! Memory faults live in an overlay consulted only on writes: installing one puts the
//! faulty value in the cell itself (a dead word holds its garbage pattern, a stuck bit
//! its stuck value), so reads need no check and a machine without faults pays a single
//! predictable branch per write.

use crate::machine::ProcId;
use crate::observer::MemoryId;
use crate::registers::Reg;
use crate::space::WordSet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One injected fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fault {
    /// Flip one bit of one word of any memory.
    FlipMemoryBit { memory: MemoryId, addr: u32, bit: u8 },
    /// Flip one bit of a register.
    FlipRegisterBit { proc: ProcId, reg: Reg, bit: u8 },
    /// Bits of `mask` in a word read as `value` from now on; writes cannot change them.
    StuckAt { memory: MemoryId, addr: u32, mask: u32, value: u32 },
    /// Words `start .. start + len` fail: they read `pattern`, writes are lost
    /// (the 2024 FDS memory-chip failure).
    DeadRange { memory: MemoryId, start: u32, len: u32, pattern: u32 },
    /// The processor stops dead (as if by HLT with code 0o7777).
    Halt { proc: ProcId },
    /// The processor does nothing for `cycles`: its next step starts no earlier than
    /// the fault time plus `cycles`.
    Stall { proc: ProcId, cycles: u64 },
}

/// The fault in words, as the tools log it.
impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Fault::FlipMemoryBit { memory, addr, bit } => {
                write!(f, "flip bit {bit} of {} {}", memory.name(), memory.addr(addr))
            }
            Fault::FlipRegisterBit { proc, reg, bit } => {
                write!(f, "flip bit {bit} of processor {proc}'s {}", reg.name())
            }
            Fault::StuckAt { memory, addr, mask, value } => {
                write!(f, "{} {}: bits 0o{mask:o} stuck at 0o{value:o}", memory.name(), memory.addr(addr))
            }
            Fault::DeadRange { memory, start, len, pattern } => write!(
                f,
                "{} {}-{} dead ({len} words read 0o{pattern:o}, writes lost)",
                memory.name(),
                memory.addr(start),
                memory.addr(start + len.saturating_sub(1)),
            ),
            Fault::Halt { proc } => write!(f, "processor {proc} stops dead (halt code 0o7777)"),
            Fault::Stall { proc, cycles } => write!(f, "processor {proc} stalls for {cycles} cycles"),
        }
    }
}

/// Halt code reported for a processor stopped by [`Fault::Halt`].
pub const FAULT_HALT_CODE: u32 = 0o7777;

/// A word's lasting fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WordFault {
    Stuck { mask: u32, value: u32 },
    Dead { pattern: u32 },
}

impl WordFault {
    /// What a write of `v` leaves in the cell (`None`: the write is lost).
    pub fn filter(self, v: u32) -> Option<u32> {
        match self {
            WordFault::Stuck { mask, value } => Some((v & !mask) | (value & mask)),
            WordFault::Dead { .. } => None,
        }
    }
}

/// Lasting memory faults of the whole spacecraft set. Saved as a list of
/// `(memory, address, fault)` (a map with compound keys has no JSON form).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "Vec<(MemoryId, u32, WordFault)>", from = "Vec<(MemoryId, u32, WordFault)>")]
pub struct MemoryFaults {
    /// Whether any memory has a lasting fault (the only check on the hot path of a
    /// machine without faults).
    pub active: bool,
    /// Which words have a fault: one bit test per write before the map is consulted.
    faulty: WordSet,
    words: BTreeMap<(MemoryId, u32), WordFault>,
}

impl From<MemoryFaults> for Vec<(MemoryId, u32, WordFault)> {
    fn from(f: MemoryFaults) -> Self {
        f.iter().collect()
    }
}

impl From<Vec<(MemoryId, u32, WordFault)>> for MemoryFaults {
    fn from(list: Vec<(MemoryId, u32, WordFault)>) -> Self {
        let mut f = MemoryFaults::default();
        for (m, a, w) in list {
            f.insert(m, a, w);
        }
        f
    }
}

impl MemoryFaults {
    pub fn get(&self, memory: MemoryId, addr: u32) -> Option<WordFault> {
        if !self.faulty.contains(memory, addr) {
            return None;
        }
        self.words.get(&(memory, addr)).copied()
    }

    pub fn insert(&mut self, memory: MemoryId, addr: u32, fault: WordFault) {
        self.words.insert((memory, addr), fault);
        self.faulty.insert(memory, addr);
        self.active = true;
    }

    /// Every faulty word, in memory and address order.
    pub fn iter(&self) -> impl Iterator<Item = (MemoryId, u32, WordFault)> + '_ {
        self.words.iter().map(|(&(m, a), &f)| (m, a, f))
    }

    /// The faulty words.
    pub fn words(&self) -> &WordSet {
        &self.faulty
    }

    /// Faulty words of one memory.
    pub fn count(&self, memory: MemoryId) -> usize {
        self.faulty.count(memory)
    }

    /// What a write of `v` to `addr` leaves in the cell (`None`: lost).
    #[inline]
    pub fn filter(&self, memory: MemoryId, addr: u32, v: u32) -> Option<u32> {
        match self.get(memory, addr) {
            Some(f) => f.filter(v),
            None => Some(v),
        }
    }
}
