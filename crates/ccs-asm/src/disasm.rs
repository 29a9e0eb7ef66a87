//! The disassembler: an image back to source that reassembles to the identical image.
//!
//! Every word is printed either as an instruction (through the core's `Display`, so
//! the spelling comes from the one ISA table) or as `.word`; `.org` starts each run
//! of consecutive addresses. Which form is chosen only affects readability, never
//! the round trip: an instruction is printed only when it is *canonical* (its field
//! holds only bits the hardware reads, [`Instruction::is_canonical`]), because only
//! then does its text assemble back to the same word.
//!
//! **Labels.** Every address that appears as the operand of an address-type
//! instruction (spec §11's "address" operand kind) printed as an instruction, and
//! that lies in the image, gets a label: `Lnnnn` (nnnn = four octal digits) for
//! code-side references (jumps, conditional jumps, XCT, CAL/CAD/RTI return cells,
//! and the INA/SAF instructions that modify another instruction's address field),
//! `Dnnnn` for addresses only ever used as data (loads, stores, arithmetic, memory
//! modify, mask and flag cells). Operands outside the image stay numeric.
//!
//! **Data.** A word is printed as `.word` (octal) when it is not canonical, when it
//! is a CAL/CAD/RTI return cell (written at run time), or when it is referenced only
//! as data. A zero word that is not a jump or XCT target also counts as data, and a
//! run of two or more unlabelled zero data words becomes `.zero N`. The code/data
//! decision uses the references of the words a first guess took for code, so a data
//! word that happens to decode as `LDA x` does not make `x` look like data; labels
//! then come from the references of exactly the words printed as instructions.

use ccs_core::{Image, ImageKind, Instruction, Opcode, OperandKind, Word};
use std::fmt::Write as _;

/// Why an image cannot be disassembled.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DisassembleError {
    #[error("a {0} image holds no CCS program: only ccs-image files can be disassembled")]
    NotCcs(&'static str),
    #[error("address {0:o} is outside CCS memory (0000-7777)")]
    AddressOutOfRange(u32),
    #[error("word {word:o} at address {address:04o} is wider than 18 bits")]
    WordOutOfRange { address: u32, word: u32 },
    #[error("address {0:04o} appears twice in the image")]
    DuplicateAddress(u32),
}

const MEMORY_WORDS: usize = 4096;

/// How other instructions use an address.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Roles {
    /// Jumped to, conditionally jumped to, or executed by XCT.
    entry: bool,
    /// The return cell of CAL/CAD or the cell RTI reads.
    return_cell: bool,
    /// Its address field is changed by INA or SAF: an instruction used as a pointer.
    modified: bool,
    /// Read or written as a data word.
    data: bool,
}

impl Roles {
    fn referenced(self) -> bool {
        self.entry || self.return_cell || self.modified || self.data
    }

    fn code_side(self) -> bool {
        self.entry || self.return_cell || self.modified
    }
}

/// What a reference from `opcode` says about its target. Only address-type operands
/// reach here; the grouping is the disassembler's reading of spec §8.3, not an
/// opcode table (mnemonics, codes and operand kinds all come from `ccs_core::ISA`).
fn mark(roles: &mut Roles, opcode: Opcode) {
    match opcode {
        Opcode::JMP
        | Opcode::XCT
        | Opcode::JZE
        | Opcode::JNZ
        | Opcode::JMI
        | Opcode::JPL
        | Opcode::JOV
        | Opcode::JNO
        | Opcode::JOD
        | Opcode::JEV => roles.entry = true,
        Opcode::CAL | Opcode::CAD | Opcode::RTI => roles.return_cell = true,
        Opcode::INA | Opcode::SAF => roles.modified = true,
        _ => roles.data = true,
    }
}

/// The memory being disassembled: `Some(word)` where the image has one.
struct Memory {
    words: Vec<Option<Word>>,
}

impl Memory {
    fn from_image(image: &Image) -> Result<Memory, DisassembleError> {
        if image.kind != ImageKind::Ccs {
            return Err(DisassembleError::NotCcs(image.kind.header_name()));
        }
        let mut words = vec![None; MEMORY_WORDS];
        for &(address, word) in &image.words {
            let cell = words.get_mut(address as usize).ok_or(DisassembleError::AddressOutOfRange(address))?;
            let word = Word::new(word).ok_or(DisassembleError::WordOutOfRange { address, word })?;
            if cell.replace(word).is_some() {
                return Err(DisassembleError::DuplicateAddress(address));
            }
        }
        Ok(Memory { words })
    }

    fn get(&self, address: usize) -> Option<Word> {
        self.words.get(address).copied().flatten()
    }
}

/// The address a word refers to, if it is a canonical instruction with an address
/// operand.
fn address_operand(word: Word) -> Option<(Opcode, usize)> {
    let instruction = Instruction::decode(word);
    (instruction.is_canonical() && instruction.opcode.info().operand == OperandKind::Address)
        .then(|| (instruction.opcode, instruction.field.index()))
}

/// Roles of every address, from the references of the words for which `is_code` holds.
fn collect_roles(memory: &Memory, is_code: impl Fn(usize) -> bool) -> Vec<Roles> {
    let mut roles = vec![Roles::default(); MEMORY_WORDS];
    for (address, word) in memory.words.iter().enumerate() {
        let Some((opcode, target)) = word.and_then(address_operand) else {
            continue;
        };
        if !is_code(address) || memory.get(target).is_none() {
            continue;
        }
        mark(&mut roles[target], opcode);
        // `CAL r` enters the routine at r + 1.
        if matches!(opcode, Opcode::CAL | Opcode::CAD) && memory.get((target + 1) % MEMORY_WORDS).is_some() {
            roles[(target + 1) % MEMORY_WORDS].entry = true;
        }
    }
    roles
}

fn is_data(word: Word, roles: Roles) -> bool {
    !Instruction::decode(word).is_canonical()
        || roles.return_cell
        || (roles.data && !roles.entry && !roles.modified)
        || (word == Word::ZERO && !roles.entry)
}

fn label(address: usize, roles: Roles) -> String {
    let prefix = if roles.code_side() { 'L' } else { 'D' };
    format!("{prefix}{address:04o}")
}

/// Source text for `image` that assembles to the identical image (same addresses,
/// same words; the target is not part of the source). See the module documentation
/// for how labels and data are chosen.
pub fn disassemble(image: &Image) -> Result<String, DisassembleError> {
    let memory = Memory::from_image(image)?;
    // Round 1 guesses from every word; round 2 decides code and data from the words
    // round 1 took for code; the labels come from exactly the words printed as
    // instructions, so every label printed is defined and every in-image operand of
    // a printed instruction has one.
    let first_round = collect_roles(&memory, |_| true);
    let decided = collect_roles(&memory, |a| memory.get(a).is_some_and(|w| !is_data(w, first_round[a])));
    let labels = collect_roles(&memory, |a| memory.get(a).is_some_and(|w| !is_data(w, decided[a])));
    let count = image.words.len();
    let mut out = format!(
        "; disassembled from a ccs-image of {count} word{}\n\
         ; Lnnnn: code-side labels (jump, call, XCT, INA/SAF targets); Dnnnn: data labels\n",
        if count == 1 { "" } else { "s" }
    );
    let mut next_address: Option<usize> = None;
    let mut address = 0;
    while address < MEMORY_WORDS {
        let Some(word) = memory.get(address) else {
            address += 1;
            continue;
        };
        if next_address != Some(address) {
            let _ = writeln!(out, "        .org 0o{address:04o}");
        }
        let name =
            if labels[address].referenced() { format!("{}:", label(address, labels[address])) } else { String::new() };
        let data = is_data(word, decided[address]);
        // A run of unlabelled zero data words after this one.
        let zero_run = if data && word == Word::ZERO {
            (address + 1..MEMORY_WORDS)
                .take_while(|&a| {
                    memory.get(a) == Some(Word::ZERO) && !labels[a].referenced() && is_data(Word::ZERO, decided[a])
                })
                .count()
                + 1
        } else {
            1
        };
        let (text, comment) = if zero_run > 1 {
            (format!(".zero {zero_run}"), format!("{address:04o}-{:04o} {word}", address + zero_run - 1))
        } else if data {
            (format!(".word 0o{:06o}", word.get()), format!("{address:04o} {word}"))
        } else {
            (instruction_text(word, &memory, &labels), format!("{address:04o} {word}"))
        };
        let _ = writeln!(out, "{name:<8}{text:<20}; {comment}");
        address += zero_run;
        next_address = Some(address);
    }
    Ok(out)
}

/// The instruction's text, with a label for an address operand inside the image.
fn instruction_text(word: Word, memory: &Memory, labels: &[Roles]) -> String {
    let instruction = Instruction::decode(word);
    match address_operand(word) {
        Some((opcode, target)) if memory.get(target).is_some() && labels[target].referenced() => {
            format!("{} {}", opcode.mnemonic(), label(target, labels[target]))
        }
        _ => instruction.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_what_it_cannot_print() {
        let image = |kind, words| Image { kind, target: None, words };
        assert!(matches!(disassemble(&image(ImageKind::Fds, vec![])), Err(DisassembleError::NotCcs(_))));
        assert_eq!(
            disassemble(&image(ImageKind::Ccs, vec![(0o10000, 0)])),
            Err(DisassembleError::AddressOutOfRange(0o10000))
        );
        assert_eq!(
            disassemble(&image(ImageKind::Ccs, vec![(1, 0o1000000)])),
            Err(DisassembleError::WordOutOfRange { address: 1, word: 0o1000000 })
        );
        assert_eq!(
            disassemble(&image(ImageKind::Ccs, vec![(1, 0), (1, 0)])),
            Err(DisassembleError::DuplicateAddress(1))
        );
    }
}
