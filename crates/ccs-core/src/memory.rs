//! Fixed-size memories: CCS and AACS (4096 x 18 bits) and FDS (8192 x 16 bits).

use crate::bits::{Bits, FdsWord, Word};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `N` words of `W` bits. `N` is a power of two, so an index is reduced modulo `N`
/// (addresses wrap, and the compiler drops the bounds check).
#[derive(Clone, PartialEq, Eq)]
pub struct Memory<const W: u32, const N: usize> {
    words: Box<[Bits<W>; N]>,
}

/// One CCS processor's plated-wire memory.
pub type CcsMemory = Memory<18, 4096>;
/// One FDS memory.
pub type FdsMemory = Memory<16, 8192>;
/// One AACS memory.
pub type AacsMemory = Memory<18, 4096>;

impl<const W: u32, const N: usize> Default for Memory<W, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const W: u32, const N: usize> Memory<W, N> {
    const INDEX_MASK: usize = {
        assert!(N.is_power_of_two());
        N - 1
    };
    pub const WORDS: usize = N;
    pub const WORD_BITS: u32 = W;

    /// All zero (the state after power-up).
    pub fn new() -> Self {
        let words: Box<[Bits<W>]> = vec![Bits::ZERO; N].into_boxed_slice();
        Memory { words: words.try_into().unwrap_or_else(|_| unreachable!("length is N")) }
    }

    #[inline(always)]
    pub fn get(&self, addr: usize) -> Bits<W> {
        self.words[addr & Self::INDEX_MASK]
    }

    #[inline(always)]
    pub fn set(&mut self, addr: usize, value: Bits<W>) {
        self.words[addr & Self::INDEX_MASK] = value;
    }

    pub fn words(&self) -> &[Bits<W>; N] {
        &self.words
    }

    pub fn clear(&mut self) {
        self.words.fill(Bits::ZERO);
    }

    /// Every nonzero cell as (address, value), ascending.
    pub fn nonzero(&self) -> impl Iterator<Item = (usize, Bits<W>)> + '_ {
        self.words.iter().enumerate().filter(|(_, w)| w.get() != 0).map(|(a, w)| (a, *w))
    }
}

impl<const W: u32, const N: usize> std::fmt::Debug for Memory<W, N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Memory<{W} bits x {N}> {{ {} nonzero }}", self.nonzero().count())
    }
}

// Serialised sparsely as [[address, value], ...] of the nonzero cells: compact for
// mostly-empty memories and readable in a snapshot.
impl<const W: u32, const N: usize> Serialize for Memory<W, N> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.nonzero().map(|(a, w)| (a as u32, w)))
    }
}

impl<'de, const W: u32, const N: usize> Deserialize<'de> for Memory<W, N> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let cells = Vec::<(u32, Bits<W>)>::deserialize(d)?;
        let mut m = Memory::new();
        for (addr, value) in cells {
            if addr as usize >= N {
                return Err(serde::de::Error::custom(format!("address {addr} outside a {N}-word memory")));
            }
            m.set(addr as usize, value);
        }
        Ok(m)
    }
}

impl CcsMemory {
    #[inline(always)]
    pub fn at(&self, addr: crate::Addr) -> Word {
        self.get(addr.index())
    }
}

/// FDS words are 16 bits; loading an 18-bit value keeps bits 15..0.
pub fn fds_word(value: Word) -> FdsWord {
    FdsWord::wrapping(value.get())
}
