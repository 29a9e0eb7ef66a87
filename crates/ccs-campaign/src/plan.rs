//! What a campaign runs: random draws or every bit of some words, and which share of
//! the trials one process takes.

use crate::{FaultClass, Setup, draw};
use ccs_core::{Fault, Input, MemoryId, TimedInput};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// A memory by its name (`CCS-A`) in JSON, as the tools write it everywhere.
pub(crate) mod memory_name {
    use ccs_core::MemoryId;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(m: &MemoryId, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(m.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<MemoryId, D::Error> {
        let name = String::deserialize(d)?;
        MemoryId::parse(&name).ok_or_else(|| serde::de::Error::custom(format!("{name:?} is not a memory")))
    }
}

/// Consecutive words of one memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordRange {
    #[serde(with = "memory_name")]
    pub memory: MemoryId,
    pub start: u32,
    pub len: u32,
}

impl WordRange {
    pub fn end(&self) -> u32 {
        self.start + self.len - 1
    }

    /// Trials of the range: one per bit of each word.
    pub fn bits(&self) -> u64 {
        self.len as u64 * self.memory.word_bits() as u64
    }

    /// Runs of consecutive words, memory by memory in [`MemoryId::ALL`] order, of any
    /// set of words (duplicates and order do not matter).
    pub fn runs(words: impl IntoIterator<Item = (MemoryId, u32)>) -> Vec<WordRange> {
        let set: BTreeSet<(usize, u32)> = words.into_iter().map(|(m, a)| (m.index(), a)).collect();
        let mut runs: Vec<WordRange> = Vec::new();
        for (m, a) in set {
            let memory = MemoryId::ALL[m];
            match runs.last_mut() {
                Some(r) if r.memory == memory && r.start + r.len == a => r.len += 1,
                _ => runs.push(WordRange { memory, start: a, len: 1 }),
            }
        }
        runs
    }
}

impl fmt::Display for WordRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.memory;
        if self.len == 1 {
            write!(f, "{} {}", m.name(), m.addr(self.start))
        } else {
            write!(f, "{} {}-{}", m.name(), m.addr(self.start), m.addr(self.end()))
        }
    }
}

/// How a campaign chooses its faults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Plan {
    /// `trials` runs, each with one fault drawn from the seed and the run's number.
    Random { trials: usize, seed: u64 },
    /// One run per bit of every word of `words`, each flipping that bit at `at`: trial
    /// `i` is the words' bits in order (a word's bits from 0 up).
    Exhaustive { words: Vec<WordRange>, at: u64 },
}

impl Plan {
    /// Every bit of the words the setup's images place, flipped at `at`.
    pub fn program_words(setup: &Setup) -> Vec<WordRange> {
        WordRange::runs(setup.machine.images.iter().flat_map(|(image, target)| {
            target.units().iter().flat_map(move |&p| image.words.iter().map(move |&(a, _)| (image.kind.memory(p), a)))
        }))
    }

    /// Number of trials.
    pub fn trials(&self) -> usize {
        match self {
            Plan::Random { trials, .. } => *trials,
            Plan::Exhaustive { words, .. } => words.iter().map(WordRange::bits).sum::<u64>() as usize,
        }
    }

    /// The fault classes the plan's trials can have (the table's rows).
    pub fn classes(&self) -> &'static [FaultClass] {
        match self {
            Plan::Random { .. } => &FaultClass::ALL,
            Plan::Exhaustive { .. } => &[FaultClass::MemoryBitFlip],
        }
    }

    /// The fault of trial `index` (below [`Plan::trials`]).
    pub fn fault(&self, index: usize, setup: &Setup) -> (FaultClass, TimedInput) {
        match self {
            Plan::Random { seed, .. } => draw(*seed, index, setup),
            Plan::Exhaustive { words, at } => {
                let mut i = index as u64;
                for r in words {
                    if i < r.bits() {
                        let bits = r.memory.word_bits() as u64;
                        let flip = Fault::FlipMemoryBit {
                            memory: r.memory,
                            addr: r.start + (i / bits) as u32,
                            bit: (i % bits) as u8,
                        };
                        return (FaultClass::MemoryBitFlip, TimedInput { time: *at, input: Input::Fault(flip) });
                    }
                    i -= r.bits();
                }
                panic!("trial {index} is beyond the plan's {} trials", self.trials())
            }
        }
    }
}

/// A share of a campaign: the trials whose index ≡ `k` − 1 (mod `n`), `k` from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Shard {
    pub k: usize,
    pub n: usize,
}

impl Shard {
    /// The whole campaign.
    pub const ALL: Shard = Shard { k: 1, n: 1 };

    /// `K/N`, 1 ≤ K ≤ N.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || format!("{text:?} is not a shard K/N (for example 3/8)");
        let (k, n) = text.trim().split_once('/').ok_or_else(bad)?;
        let (k, n): (usize, usize) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if n == 0 || k == 0 || k > n {
            return Err(format!("{text:?}: a shard K/N needs 1 <= K <= N"));
        }
        Ok(Shard { k, n })
    }

    pub fn contains(&self, index: usize) -> bool {
        index % self.n == self.k - 1
    }

    /// The shard's trial indices among `trials`.
    pub fn indices(&self, trials: usize) -> impl Iterator<Item = usize> + use<> {
        (self.k - 1..trials).step_by(self.n)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

impl Serialize for Shard {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Shard {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Shard, D::Error> {
        Shard::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}
