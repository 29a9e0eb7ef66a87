//! The per-word picture of a campaign: for every word of the six memories, what each
//! flipped bit of it did. Words are kept in the memory map's layout — the six memories
//! one after the other in [`MemoryId::ALL`] order (CCS-A, CCS-B, FDS-A, FDS-B, AACS-A,
//! AACS-B), each in address order — so that a drawing of the memory map (the desktop
//! app's Faults tab) colours word `(memory, addr)` from [`OutcomeMap::word`] directly.

use crate::Outcome;
use crate::plan::WordRange;
use crate::report::{BitFlip, Trial};
use ccs_core::MemoryId;
use ccs_core::space::ALL_WORDS;

/// What a flip did, in the three answers a fault-protection engineer wants, and a hang.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verdict {
    /// The flight software was not disturbed ([`Outcome::NoEffect`]).
    Survived,
    /// Fault protection responded, recovered or not.
    Detected,
    /// Nobody noticed, but something differs ([`Outcome::SilentCorruption`]).
    Silent,
    /// A processor halted or hung, or the outputs stopped.
    Hang,
}

impl Verdict {
    pub const ALL: [Verdict; 4] = [Verdict::Survived, Verdict::Detected, Verdict::Silent, Verdict::Hang];

    pub const fn name(self) -> &'static str {
        match self {
            Verdict::Survived => "survived",
            Verdict::Detected => "detected",
            Verdict::Silent => "silent",
            Verdict::Hang => "hang or halt",
        }
    }

    /// One character for a text picture.
    pub const fn symbol(self) -> char {
        match self {
            Verdict::Survived => '.',
            Verdict::Detected => 'd',
            Verdict::Silent => 's',
            Verdict::Hang => 'H',
        }
    }
}

impl Outcome {
    pub const fn verdict(self) -> Verdict {
        match self {
            Outcome::NoEffect => Verdict::Survived,
            Outcome::Recovered | Outcome::DetectedNotRecovered => Verdict::Detected,
            Outcome::SilentCorruption => Verdict::Silent,
            Outcome::HangOrHalt => Verdict::Hang,
        }
    }
}

/// The flips of one word: the outcome of each bit tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WordOutcomes {
    pub memory: MemoryId,
    pub addr: u32,
    /// Bit `b` at index `b` (bits past the memory's width stay `None`).
    pub bits: [Option<Outcome>; 18],
}

impl WordOutcomes {
    /// Bits tried.
    pub fn tried(&self) -> u32 {
        self.bits.iter().flatten().count() as u32
    }

    /// Bits whose flip had this verdict.
    pub fn count(&self, verdict: Verdict) -> u32 {
        self.bits.iter().flatten().filter(|o| o.verdict() == verdict).count() as u32
    }

    /// The worst verdict of its bits (a hang worst, survival best); `None` if untried.
    pub fn worst(&self) -> Option<Verdict> {
        self.bits.iter().flatten().map(|o| o.verdict()).max()
    }
}

/// Every word's flips.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutcomeMap {
    bits: Vec<[Option<Outcome>; 18]>,
}

impl Default for OutcomeMap {
    fn default() -> Self {
        OutcomeMap { bits: vec![[None; 18]; ALL_WORDS] }
    }
}

impl OutcomeMap {
    /// The map of a campaign's memory bit flips (other trials are left out).
    pub fn from_trials(trials: &[Trial]) -> OutcomeMap {
        let mut map = OutcomeMap::default();
        for t in trials {
            if let Some(flip) = t.flip {
                map.set(flip, t.outcome);
            }
        }
        map
    }

    /// Record the outcome of one flip (the last one recorded for a bit counts).
    pub fn set(&mut self, flip: BitFlip, outcome: Outcome) {
        if flip.addr < flip.memory.words() && (flip.bit as u32) < flip.memory.word_bits() {
            self.bits[flip.memory.slot(flip.addr)][flip.bit as usize] = Some(outcome);
        }
    }

    pub fn word(&self, memory: MemoryId, addr: u32) -> WordOutcomes {
        let bits = if addr < memory.words() { self.bits[memory.slot(addr)] } else { [None; 18] };
        WordOutcomes { memory, addr, bits }
    }

    /// The words of one memory, in address order.
    pub fn memory(&self, memory: MemoryId) -> impl Iterator<Item = WordOutcomes> + '_ {
        (0..memory.words()).map(move |a| self.word(memory, a))
    }

    /// A text picture of `words`: one line per `columns` words, one character per word
    /// for its worst verdict ([`Verdict::symbol`]; blank if untried), and a legend.
    pub fn picture(&self, words: &[WordRange], columns: u32) -> String {
        let columns = columns.max(1);
        let mut s = String::new();
        for r in words {
            let digits = r.memory.address_digits();
            let mut a = r.start;
            while a <= r.end() {
                let end = (a + columns - 1).min(r.end());
                let line: String =
                    (a..=end).map(|x| self.word(r.memory, x).worst().map_or(' ', Verdict::symbol)).collect();
                s += &format!("{:<6} 0o{a:0digits$o}  {}\n", r.memory.name(), line.trim_end());
                a = end + 1;
            }
        }
        let legend: Vec<String> = Verdict::ALL.iter().map(|v| format!("{} {}", v.symbol(), v.name())).collect();
        s += &format!("each word shows its worst flip: {}\n", legend.join("  "));
        s
    }
}
