//! The spacecraft's memory set as one address space: the six memories (CCS-A, CCS-B,
//! FDS-A, FDS-B, AACS-A, AACS-B), their sizes derived from the memory types, one flat
//! word index over all of them, one address formatter, and [`WordSet`], a bit per word
//! of the set, for the tools that mark words (budget maps, flipped words, dead and
//! taken words, the fault overlay's mask).

use crate::machine::ProcId;
use crate::memory::{AacsMemory, CcsMemory, FdsMemory};
use bitvec::array::BitArray;
use serde::{Deserialize, Serialize};

/// A memory of the spacecraft set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum MemoryId {
    Ccs(ProcId),
    Fds(u8),
    Aacs(u8),
}

/// Words in all six memories: the length of the flat index.
pub const ALL_WORDS: usize = 2 * CcsMemory::WORDS + 2 * FdsMemory::WORDS + 2 * AacsMemory::WORDS;

/// Bits in all six memories: the spacecraft's 557,056-bit (69,632-byte) complement.
pub const ALL_BITS: u64 = 2 * (CcsMemory::WORDS as u64 * CcsMemory::WORD_BITS as u64)
    + 2 * (FdsMemory::WORDS as u64 * FdsMemory::WORD_BITS as u64)
    + 2 * (AacsMemory::WORDS as u64 * AacsMemory::WORD_BITS as u64);

const _: () = assert!(ALL_WORDS == 32768 && ALL_BITS == 557_056);

impl MemoryId {
    /// The six memories of the spacecraft set, in flat-index order.
    pub const ALL: [MemoryId; 6] = [
        MemoryId::Ccs(ProcId::A),
        MemoryId::Ccs(ProcId::B),
        MemoryId::Fds(0),
        MemoryId::Fds(1),
        MemoryId::Aacs(0),
        MemoryId::Aacs(1),
    ];

    /// Words in this memory.
    pub const fn words(self) -> u32 {
        match self {
            MemoryId::Ccs(_) => CcsMemory::WORDS as u32,
            MemoryId::Fds(_) => FdsMemory::WORDS as u32,
            MemoryId::Aacs(_) => AacsMemory::WORDS as u32,
        }
    }

    /// Bits per word.
    pub const fn word_bits(self) -> u32 {
        match self {
            MemoryId::Ccs(_) => CcsMemory::WORD_BITS,
            MemoryId::Fds(_) => FdsMemory::WORD_BITS,
            MemoryId::Aacs(_) => AacsMemory::WORD_BITS,
        }
    }

    /// Mask of the bits a word holds.
    pub const fn word_mask(self) -> u32 {
        (1 << self.word_bits()) - 1
    }

    /// Octal digits of an address in this memory: 4 (4096 words) or 5 (8192 words).
    pub const fn address_digits(self) -> usize {
        (self.words().ilog2() as usize).div_ceil(3)
    }

    /// `0o1234` (or `0o12345` in an FDS memory): how every tool writes an address.
    pub const fn addr(self, addr: u32) -> AddrText {
        AddrText { addr, digits: self.address_digits() }
    }

    /// Short name: `CCS-A`, `FDS-B`, ...
    pub const fn name(self) -> &'static str {
        match self {
            MemoryId::Ccs(ProcId::A) => "CCS-A",
            MemoryId::Ccs(ProcId::B) => "CCS-B",
            MemoryId::Fds(0) => "FDS-A",
            MemoryId::Fds(_) => "FDS-B",
            MemoryId::Aacs(0) => "AACS-A",
            MemoryId::Aacs(_) => "AACS-B",
        }
    }

    /// Parse `ccs-a`, `CCS_B`, `fds-a`, ... (case and separator insensitive).
    pub fn parse(text: &str) -> Option<MemoryId> {
        let t: String = text.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
        Some(match t.as_str() {
            "ccsa" => MemoryId::Ccs(ProcId::A),
            "ccsb" => MemoryId::Ccs(ProcId::B),
            "fdsa" => MemoryId::Fds(0),
            "fdsb" => MemoryId::Fds(1),
            "aacsa" => MemoryId::Aacs(0),
            "aacsb" => MemoryId::Aacs(1),
            _ => return None,
        })
    }

    /// Position in [`MemoryId::ALL`].
    pub const fn index(self) -> usize {
        match self {
            MemoryId::Ccs(p) => p as usize,
            MemoryId::Fds(u) => 2 + (u & 1) as usize,
            MemoryId::Aacs(u) => 4 + (u & 1) as usize,
        }
    }

    /// First flat index of this memory.
    pub const fn base(self) -> usize {
        let mut base = 0;
        let mut i = 0;
        while i < self.index() {
            base += MemoryId::ALL[i].words() as usize;
            i += 1;
        }
        base
    }

    /// A word's place in the flat index over the six memories (CCS-A, CCS-B, FDS-A,
    /// FDS-B, AACS-A, AACS-B one after the other). The address wraps within the memory,
    /// and the result is always below [`ALL_WORDS`], so per-word tables indexed by it need
    /// no bounds check.
    #[inline(always)]
    pub const fn slot(self, addr: u32) -> usize {
        let a = addr as usize;
        let at = match self {
            MemoryId::Ccs(p) => p as usize * CcsMemory::WORDS + (a & (CcsMemory::WORDS - 1)),
            MemoryId::Fds(u) => FDS_BASE + (u as usize & 1) * FdsMemory::WORDS + (a & (FdsMemory::WORDS - 1)),
            MemoryId::Aacs(u) => AACS_BASE + (u as usize & 1) * AacsMemory::WORDS + (a & (AacsMemory::WORDS - 1)),
        };
        at & (ALL_WORDS - 1)
    }

    /// The memory and address of a flat index (`None` at or past [`ALL_WORDS`]).
    pub fn from_slot(slot: usize) -> Option<(MemoryId, u32)> {
        MemoryId::ALL.into_iter().find_map(|m| {
            let base = m.base();
            (base..base + m.words() as usize).contains(&slot).then(|| (m, (slot - base) as u32))
        })
    }

    /// The flat indices of this memory.
    pub const fn slots(self) -> std::ops::Range<usize> {
        self.base()..self.base() + self.words() as usize
    }
}

const FDS_BASE: usize = MemoryId::Fds(0).base();
const AACS_BASE: usize = MemoryId::Aacs(0).base();

/// An address written as every tool writes it: `0o` and the memory's digit count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddrText {
    addr: u32,
    digits: usize,
}

impl std::fmt::Display for AddrText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "0o{:0w$o}", self.addr, w = self.digits)
    }
}

/// One bit per word of the six memories, indexed like [`MemoryId::slot`]: 4 KiB, no
/// allocation, a bit test per lookup.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct WordSet {
    bits: BitArray<[u64; ALL_WORDS / 64]>,
}

impl WordSet {
    pub fn new() -> WordSet {
        WordSet::default()
    }

    #[inline(always)]
    pub fn contains(&self, memory: MemoryId, addr: u32) -> bool {
        self.bits[memory.slot(addr)]
    }

    /// Mark a word; returns whether it was unmarked before.
    #[inline(always)]
    pub fn insert(&mut self, memory: MemoryId, addr: u32) -> bool {
        !self.bits.replace(memory.slot(addr), true)
    }

    /// Unmark a word; returns whether it was marked.
    #[inline(always)]
    pub fn remove(&mut self, memory: MemoryId, addr: u32) -> bool {
        self.bits.replace(memory.slot(addr), false)
    }

    /// Mark or unmark a word by flat index.
    #[inline(always)]
    pub fn set_slot(&mut self, slot: usize, on: bool) {
        self.bits.set(slot & (ALL_WORDS - 1), on);
    }

    #[inline(always)]
    pub fn contains_slot(&self, slot: usize) -> bool {
        self.bits[slot & (ALL_WORDS - 1)]
    }

    pub fn clear(&mut self) {
        self.bits.fill(false);
    }

    pub fn is_empty(&self) -> bool {
        self.bits.not_any()
    }

    /// Marked words in all memories.
    pub fn len(&self) -> usize {
        self.bits.count_ones()
    }

    /// Marked words in a range of flat indices (`start..end`).
    pub fn count_slots(&self, slots: std::ops::Range<usize>) -> usize {
        self.bits[slots].count_ones()
    }

    /// Marked words of one memory.
    pub fn count(&self, memory: MemoryId) -> usize {
        self.count_slots(memory.slots())
    }

    /// Marked words of one memory, ascending.
    pub fn addrs(&self, memory: MemoryId) -> impl Iterator<Item = u32> + '_ {
        self.bits[memory.slots()].iter_ones().map(|i| i as u32)
    }

    /// Every marked word as (memory, address), in flat-index order.
    pub fn iter(&self) -> impl Iterator<Item = (MemoryId, u32)> + '_ {
        self.bits.iter_ones().filter_map(MemoryId::from_slot)
    }
}

impl std::fmt::Debug for WordSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WordSet {{ {} words }}", self.len())
    }
}

impl FromIterator<(MemoryId, u32)> for WordSet {
    fn from_iter<I: IntoIterator<Item = (MemoryId, u32)>>(iter: I) -> Self {
        let mut s = WordSet::new();
        for (m, a) in iter {
            s.insert(m, a);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_distinct_cover_every_word_and_invert() {
        let mut seen = vec![false; ALL_WORDS];
        for m in MemoryId::ALL {
            assert_eq!(m.slots().len(), m.words() as usize);
            for a in 0..m.words() {
                let s = m.slot(a);
                assert!(!seen[s], "{} {a:o}", m.name());
                seen[s] = true;
                assert_eq!(MemoryId::from_slot(s), Some((m, a)));
            }
        }
        assert!(seen.iter().all(|&s| s));
        assert_eq!(MemoryId::from_slot(ALL_WORDS), None);
    }

    #[test]
    fn sizes_come_from_the_memory_types() {
        assert_eq!(MemoryId::Ccs(ProcId::B).words(), 4096);
        assert_eq!(MemoryId::Fds(1).words(), 8192);
        assert_eq!(MemoryId::Fds(0).word_bits(), 16);
        assert_eq!(MemoryId::Aacs(0).word_mask(), 0o777777);
        assert_eq!(ALL_BITS / 8, 69_632);
    }

    #[test]
    fn addresses_are_written_with_the_memorys_digits() {
        assert_eq!(MemoryId::Ccs(ProcId::A).addr(0o42).to_string(), "0o0042");
        assert_eq!(MemoryId::Fds(1).addr(0o17777).to_string(), "0o17777");
        assert_eq!(MemoryId::Aacs(0).addr(7).to_string(), "0o0007");
    }

    #[test]
    fn a_word_set_marks_counts_and_lists_words_per_memory() {
        let mut s = WordSet::new();
        assert!(s.is_empty());
        assert!(s.insert(MemoryId::Fds(1), 0o17777));
        assert!(!s.insert(MemoryId::Fds(1), 0o17777));
        s.insert(MemoryId::Ccs(ProcId::B), 5);
        s.insert(MemoryId::Ccs(ProcId::B), 9);
        assert_eq!(s.len(), 3);
        assert_eq!(s.count(MemoryId::Ccs(ProcId::B)), 2);
        assert_eq!(s.count(MemoryId::Ccs(ProcId::A)), 0);
        assert_eq!(s.addrs(MemoryId::Ccs(ProcId::B)).collect::<Vec<_>>(), vec![5, 9]);
        assert!(s.contains(MemoryId::Fds(1), 0o17777) && !s.contains(MemoryId::Fds(0), 0o17777));
        let all: Vec<_> = s.iter().collect();
        assert_eq!(
            all,
            vec![(MemoryId::Ccs(ProcId::B), 5), (MemoryId::Ccs(ProcId::B), 9), (MemoryId::Fds(1), 0o17777)]
        );
        assert!(s.remove(MemoryId::Ccs(ProcId::B), 5));
        assert_eq!(s.len(), 2);
    }
}
