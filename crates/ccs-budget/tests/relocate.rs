//! Relocation around dead memory: relocatable sections move, pinned ones stay, labels
//! follow, and the program still works with the dead words really dead.

mod support;

use support::{console, voyager};

use ccs_asm::MemorySources;
use ccs_budget::{RelocateError, layout, relocate};
use ccs_core::Target;
use std::collections::BTreeSet;
use std::path::Path;

/// Start code pinned at 0o40 calls WORK (relocatable, in FIXED) through a vector in
/// DATA (relocatable); WORK computes 42 into RESULT; the start code prints it.
const PROGRAM: &str = include_str!("../../../tests/relocate/vector_call.asm");

fn sources(text: &str) -> MemorySources {
    MemorySources::new().with("p.asm", text)
}

fn dead(range: std::ops::RangeInclusive<u32>) -> BTreeSet<u32> {
    range.collect()
}

#[test]
fn relocatable_sections_go_to_their_regions_first_fit() {
    let r = relocate(Path::new("p.asm"), &sources(PROGRAM), &voyager(), Target::A, &BTreeSet::new()).unwrap();
    let placed: Vec<(&str, u32, &str)> =
        r.placements.iter().map(|p| (p.section.as_str(), p.base, p.region.as_str())).collect();
    assert_eq!(placed, [("CMDLOS", 0o44, "FIXED"), ("DATA", 0o5200, "DATA")]);
    // CMDLOS was already right after the pinned code; DATA's 3 words moved.
    assert_eq!(r.words_moved, 3);
    assert!(r.budget.fits(), "{}", r.budget.to_text());
    assert_eq!(r.assembly.symbol("VEC").unwrap().value, 0o5200);
    assert_eq!(r.assembly.symbol("WORK").unwrap().value, 0o44);
    assert_eq!(console(r.assembly.image(), None), [42]);
    let fixed = r.space.iter().find(|s| s.region == "FIXED").unwrap();
    assert_eq!((fixed.used, fixed.dead, fixed.free), (8, 0, 2656 - 8));
}

#[test]
fn a_dead_stretch_is_avoided_and_the_program_still_works() {
    let dead_words = dead(0o44..=0o443); // 256 words right where WORK would go
    let r = relocate(Path::new("p.asm"), &sources(PROGRAM), &voyager(), Target::A, &dead_words).unwrap();
    assert_eq!(r.assembly.symbol("WORK").unwrap().value, 0o444);
    assert_eq!(r.words_moved, 4 + 3, "WORK's 4 words and DATA's 3");
    let fixed = r.space.iter().find(|s| s.region == "FIXED").unwrap();
    assert_eq!((fixed.used, fixed.dead, fixed.free), (8, 256, 2656 - 8 - 256));
    // With the dead words really dead, the relocated program still prints 42 ...
    assert_eq!(console(r.assembly.image(), Some((0o44, 256))), [42]);
    // ... while the unrelocated one runs into garbage and never prints it.
    let plain = ccs_asm::assemble_str("p.asm", PROGRAM).assembly.unwrap();
    assert_eq!(console(plain.image(), None), [42]);
    assert_ne!(console(plain.image(), Some((0o44, 256))), [42]);
}

/// The link step alone (`ccs asm --map`): sections stay in their own regions.
fn link(text: &str, dead_words: &BTreeSet<u32>) -> Result<(), RelocateError> {
    let plain = ccs_asm::assemble_str("p.asm", text).assembly.unwrap();
    layout(&plain, &voyager(), Target::A, dead_words).map(|_| ())
}

#[test]
fn a_region_too_small_says_exactly_how_many_words_are_missing() {
    // DATA has 96 words; with 95 of them dead, the DATA section's 3 words have 1 free.
    // (Relocation would move the section to another region: tests/relocate_across.rs.)
    let err = link(PROGRAM, &dead(0o5200..=0o5336)).unwrap_err();
    assert_eq!(
        err,
        RelocateError::Missing { region: "DATA".into(), memory: "CCS-A", needed: 3, free: 1, dead: 95, missing: 2 }
    );
    assert_eq!(
        err.to_string(),
        "region DATA of CCS-A is 2 words short: its relocatable sections need 3 words and 1 are free (95 dead)"
    );
}

#[test]
fn fragmented_free_space_names_the_largest_hole() {
    // Every other word of DATA dead: 48 free words, but no two together.
    let dead_words: BTreeSet<u32> = (0o5200..=0o5337).step_by(2).collect();
    let err = link(PROGRAM, &dead_words).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no hole of 3 words for section DATA in region DATA: 48 words are free, but the largest hole is 1 words"
    );
}

#[test]
fn pinned_code_on_dead_words_cannot_move() {
    let err = relocate(Path::new("p.asm"), &sources(PROGRAM), &voyager(), Target::A, &dead(0o41..=0o41)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "section FIXED is fixed by .org on dead words 0o0041: it cannot move; remove its .org to let it relocate"
    );
}

#[test]
fn a_relocatable_section_needs_a_region() {
    let text = PROGRAM.replace(".section DATA", ".section LOST");
    let err = relocate(Path::new("p.asm"), &sources(&text), &voyager(), Target::A, &BTreeSet::new()).unwrap_err();
    assert_eq!(err.to_string(), "section LOST (3 words) has no .org and no region of CCS-A to be placed in");
}

#[test]
fn relocated_sections_are_contiguous_across_their_pieces() {
    // DATA entered twice, with FIXED code between: in a layout its pieces join up.
    let text = "        .section FIXED
        .org 0o40
        LDA  A
        .section DATA
A:      .word 1
        .section FIXED
        LDA  B
        HLT
        .section DATA
B:      .word 2
";
    let r = relocate(Path::new("p.asm"), &sources(text), &voyager(), Target::A, &BTreeSet::new()).unwrap();
    assert_eq!((r.assembly.symbol("A").unwrap().value, r.assembly.symbol("B").unwrap().value), (0o5200, 0o5201));
    let words: Vec<(u32, u32)> = r.assembly.image().words.clone();
    assert_eq!(words, [(0o40, 0o520040), (0o41, 0o520140), (0o42, 0), (0o5200, 1), (0o5201, 2)]);
}
