//! Helpers shared by the end-to-end tests.
#![allow(dead_code)]

pub mod flight;

use voyager_ccs::core::{Addr, Machine, Models, Opcode, Processors, Word};

/// An instruction word.
pub fn op(opcode: Opcode, field: u32) -> u32 {
    opcode.encode(Addr::wrapping(field)).get()
}

/// A machine with `words` ground-loaded into CCS-A, reset with processor A running.
pub fn machine(words: &[(u32, u32)], models: Models) -> Machine {
    let mut m = Machine::new();
    for &(a, w) in words {
        m.cpu[0].memory.set(a as usize, Word::wrapping(w));
    }
    m.reset(Processors::A, models);
    m
}

/// Consecutive words from `start`.
pub fn at(start: u32, words: &[u32]) -> Vec<(u32, u32)> {
    words.iter().enumerate().map(|(i, &w)| (start + i as u32, w)).collect()
}

/// A machine with programs in both processors, both running.
pub fn dual(words_a: &[(u32, u32)], words_b: &[(u32, u32)], models: Models) -> Machine {
    let mut m = Machine::new();
    for (cpu, words) in m.cpu.iter_mut().zip([words_a, words_b]) {
        for &(a, w) in words {
            cpu.memory.set(a as usize, Word::wrapping(w));
        }
    }
    m.reset(Processors::AB, models);
    m
}
