//! Relocation across regions (issue 18): a section its region cannot hold moves to a
//! region of a compatible kind, chosen least disturbance first; the proposed map is the
//! map the result fits; and when no layout exists, the error says what is missing and
//! where the nearest free space is.

mod support;

use support::{console, map_with, voyager};

use ccs_asm::MemorySources;
use ccs_budget::{
    AllocationMap, DeadWords, FindingKind, Program, RelocateError, Relocation, check, relocate, relocate_around,
};
use ccs_core::{MemoryId, ProcId, Target};
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::path::Path;

const CCS_A: MemoryId = MemoryId::Ccs(ProcId::A);
const CCS_B: MemoryId = MemoryId::Ccs(ProcId::B);

/// Start code pinned at 0o40 calls WORK (CMDLOS, in FIXED) through a vector in DATA.
const PROGRAM: &str = include_str!("../../../tests/relocate/vector_call.asm");

fn sources(text: &str) -> MemorySources {
    MemorySources::new().with("p.asm", text)
}

fn relocate_text(
    text: &str,
    map: &AllocationMap,
    dead: std::ops::RangeInclusive<u32>,
) -> Result<Relocation, RelocateError> {
    relocate(Path::new("p.asm"), &sources(text), map, Target::A, &dead.collect())
}

/// (name, start, end, sections) of CCS-A's regions in a map.
fn ccs_a(map: &AllocationMap) -> Vec<(String, u32, u32, Vec<String>)> {
    map.regions_of(CCS_A).map(|r| (r.name.clone(), r.start, r.end, r.sections.clone())).collect()
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn a_section_its_region_cannot_hold_moves_to_a_spare_region_and_the_map_follows() {
    // 95 of DATA's 96 words dead: the DATA section's 3 words go to SPARE, the nearest
    // writable spare region, at its end facing DATA.
    let r = relocate_text(PROGRAM, &voyager(), 0o5200..=0o5336).unwrap();
    let data = r.placements.iter().find(|p| p.section == "DATA").unwrap();
    assert_eq!((data.region.as_str(), data.home.as_str(), data.base), ("SPARE", "DATA", 0o5360));
    assert!(data.moved_across());
    assert_eq!(r.assembly.symbol("VEC").unwrap().value, 0o5360);
    assert_eq!(console(r.assembly.image(), Some((0o5200, 0o137))), [42], "works with the words really dead");

    // The proposed map: the dead words are DEAD; DATA's section took SPARE's first 3
    // words, which now belong to DATA (with its section list); DATA's one healthy word
    // left behind is DATA_2; SPARE shrank.
    let regions = ccs_a(&r.proposed);
    assert_eq!(
        regions[2..],
        [
            ("DEAD".into(), 0o5200, 0o5336, vec![]),
            ("DATA_2".into(), 0o5337, 0o5337, vec![]),
            ("SCRATCH".into(), 0o5340, 0o5357, strings(&["SCRATCH"])),
            ("DATA".into(), 0o5360, 0o5362, strings(&["DATA", "VECTORS"])),
            ("SPARE".into(), 0o5363, 0o5377, vec![]),
            ("SEQUENCES".into(), 0o5400, 0o7777, strings(&["SEQUENCES", "CRUISE", "JUPITER", "PORTRAIT"])),
        ]
    );
    let dead = r.proposed.regions_of(CCS_A).find(|x| x.name == "DEAD").unwrap();
    assert!(!dead.writable && dead.sections.is_empty());
    assert_eq!(r.proposed.regions_of(CCS_B).collect::<Vec<_>>(), voyager().regions_of(CCS_B).collect::<Vec<_>>());

    // The program fits the proposed map, and not the original one.
    assert!(r.budget.fits(), "{}", r.budget.to_text());
    let original = check(&Program::from_assembly("p", &r.assembly, Target::A), &voyager());
    assert!(
        original
            .findings
            .iter()
            .any(|f| f.kind == FindingKind::SectionOutsideRegion && f.section.as_deref() == Some("DATA"))
    );
    let lines: Vec<String> = r.changes.iter().map(|c| c.to_string()).collect();
    assert_eq!(
        lines,
        [
            "CCS-A  DEAD       new: 0o5200-0o5336 (95 words), spare, read-only",
            "CCS-A  DATA_2     new: 0o5337-0o5337 (1 words), data, writable",
            "CCS-A  DATA       0o5200-0o5337 -> 0o5360-0o5362  moved, shrank by 93 words (96 -> 3)",
            "CCS-A  SPARE      0o5360-0o5377 -> 0o5363-0o5377  shrank by 3 words (16 -> 13)",
        ]
    );
}

/// Regions to choose from: DATA's section may go to VARS2 (same purpose, farther),
/// SPARE (nearer), TEMP (another purpose, nearest) or FIXED2 (read-only).
const CHOICES: &str = r#"
    (name: "TRAPS", start: 0, end: 0o37, purpose: trap_table, writable: false),
    (name: "FIXED", start: 0o40, end: 0o777, purpose: fixed_routines, writable: false, sections: ["FIXED", "CMDLOS"]),
    (name: "DATA", start: 0o1000, end: 0o1077, purpose: data, writable: true, sections: ["DATA"]),
    (name: "TEMP", start: 0o1100, end: 0o1177, purpose: scratch, writable: true),
    (name: "FIXED2", start: 0o1200, end: 0o1277, purpose: fixed_routines, writable: false),
    (name: "SPARE", start: 0o1300, end: 0o1377, purpose: spare, writable: true),
    (name: "VARS2", start: 0o1400, end: 0o1477, purpose: data, writable: true),
    (name: "REST", start: 0o1500, end: 0o7777, purpose: spare, writable: false)
"#;

#[test]
fn the_same_purpose_comes_first_then_spare_then_any_other_of_the_same_permission() {
    let map = map_with(CHOICES);
    let host = |dead: std::ops::RangeInclusive<u32>| {
        let r = relocate_text(PROGRAM, &map, dead).unwrap();
        let p = r.placements.iter().find(|p| p.section == "DATA").unwrap().clone();
        assert!(r.budget.fits(), "{}", r.budget.to_text());
        (p.region, p.base)
    };
    // DATA dead: the same purpose (VARS2), though SPARE and TEMP are nearer.
    assert_eq!(host(0o1000..=0o1077), ("VARS2".into(), 0o1400));
    // VARS2 dead too: the spare region.
    let both: BTreeSet<u32> = (0o1000..=0o1077).chain(0o1400..=0o1477).collect();
    let r = relocate(Path::new("p.asm"), &sources(PROGRAM), &map, Target::A, &both).unwrap();
    assert_eq!(r.placements.iter().find(|p| p.section == "DATA").unwrap().region, "SPARE");
    // Then TEMP, a writable region of another purpose; never FIXED2 or REST (read-only).
    let three: BTreeSet<u32> = (0o1000..=0o1077).chain(0o1300..=0o1477).collect();
    let r = relocate(Path::new("p.asm"), &sources(PROGRAM), &map, Target::A, &three).unwrap();
    let data = r.placements.iter().find(|p| p.section == "DATA").unwrap();
    assert_eq!((data.region.as_str(), data.base), ("TEMP", 0o1100), "TEMP lies above DATA: its bottom end faces it");
    // The routine goes the other way: read-only only, FIXED2 before REST (nearer, same purpose).
    let r = relocate_text(PROGRAM, &map, 0o44..=0o777).unwrap();
    let work = r.placements.iter().find(|p| p.section == "CMDLOS").unwrap();
    assert_eq!((work.region.as_str(), work.base), ("FIXED2", 0o1200));
    assert_eq!(console(r.assembly.image(), Some((0o44, 0o734))), [42]);
}

#[test]
fn a_host_lends_from_an_end_and_only_then_from_an_inner_hole() {
    // SEQ's own pinned tables sit at both its ends: DATA's section takes the first
    // inner hole big enough, and SEQ splits in two in the proposed map.
    let map = map_with(
        r#"(name: "TRAPS", start: 0, end: 0o37, purpose: trap_table, writable: false),
           (name: "FIXED", start: 0o40, end: 0o777, purpose: fixed_routines, writable: false, sections: ["FIXED", "CMDLOS"]),
           (name: "DATA", start: 0o1000, end: 0o1077, purpose: data, writable: true, sections: ["DATA"]),
           (name: "SEQ", start: 0o1100, end: 0o7777, purpose: sequences, writable: true, sections: ["LOW", "HIGH"])"#,
    );
    let text = format!(
        "{PROGRAM}\n        .section LOW\n        .org 0o1100\n        .word 1, 2\n        .section HIGH\n        .org 0o7776\n        .word 3, 4\n"
    );
    let r = relocate_text(&text, &map, 0o1000..=0o1077).unwrap();
    assert_eq!(r.placements.iter().find(|p| p.section == "DATA").unwrap().base, 0o1102);
    assert_eq!(
        ccs_a(&r.proposed)[2..],
        [
            ("DEAD".into(), 0o1000, 0o1077, vec![]),
            ("SEQ".into(), 0o1100, 0o1101, strings(&["LOW"])),
            ("DATA".into(), 0o1102, 0o1104, strings(&["DATA"])),
            ("SEQ_2".into(), 0o1105, 0o7777, strings(&["HIGH"])),
        ],
        "SEQ keeps its name for the piece holding most of its sections' words (a tie: the first); each section is listed where it lies"
    );
    assert!(r.budget.fits(), "{}", r.budget.to_text());
}

#[test]
fn sections_stay_home_while_they_fit_so_an_in_region_layout_changes_only_the_dead_words() {
    // The dead words in the middle of FIXED (issue 6): nothing moves across, and the map
    // only marks the dead words, splitting FIXED around them.
    let r = relocate_text(PROGRAM, &voyager(), 0o44..=0o443).unwrap();
    assert!(r.placements.iter().all(|p| !p.moved_across()));
    let lines: Vec<String> = r.changes.iter().map(|c| c.to_string()).collect();
    assert_eq!(
        lines,
        [
            "CCS-A  FIXED      0o0040-0o5177 -> 0o0040-0o0043  shrank by 2652 words (2656 -> 4)",
            "CCS-A  DEAD       new: 0o0044-0o0443 (256 words), spare, read-only",
            "CCS-A  FIXED_2    new: 0o0444-0o5177 (2396 words), fixed routines, read-only",
            "CCS-A  section CMDLOS: FIXED -> FIXED_2",
        ]
    );
    assert!(r.budget.fits());
    // Without dead words the proposed map is the map.
    let r = relocate(Path::new("p.asm"), &sources(PROGRAM), &voyager(), Target::A, &BTreeSet::new()).unwrap();
    assert!(r.changes.is_empty(), "{:?}", r.changes);
}

#[test]
fn each_memory_is_laid_out_with_its_own_dead_words() {
    let plain = ccs_asm::assemble_str("p.asm", PROGRAM).assembly.unwrap();
    let data_dead = DeadWords::from([(CCS_B, (0o5200..=0o5336).collect())]);
    // A program for B, dead words in CCS-B: only CCS-B's map changes.
    let r = relocate_around(&plain, &voyager(), Target::B, &data_dead).unwrap();
    assert_eq!(r.placements.iter().find(|p| p.section == "DATA").unwrap().region, "SPARE");
    assert!(r.changes.iter().all(|c| c.to_string().starts_with("CCS-B ")), "{:?}", r.changes);
    assert!(r.budget.fits());
    // For A and B, the one image avoids the dead words of either memory; only CCS-B has
    // DEAD words, but both memories' maps give DATA its new place.
    let r = relocate_around(&plain, &voyager(), Target::AB, &data_dead).unwrap();
    assert!(r.budget.fits(), "{}", r.budget.to_text());
    for memory in [CCS_A, CCS_B] {
        let data = r.proposed.region_for_section(memory, "DATA").unwrap();
        assert_eq!((data.start, data.end), (0o5360, 0o5362), "{}", memory.name());
    }
    assert!(r.proposed.regions_of(CCS_A).all(|x| x.name != "DEAD"));
    assert!(r.proposed.regions_of(CCS_B).any(|x| x.name == "DEAD"));
}

#[test]
fn without_room_the_error_says_how_many_words_of_which_kind_are_missing_and_where_free_space_is() {
    // Every writable word dead: DATA's 3 words have nowhere to go; FIXED has room, but
    // a writable section there could not be written.
    let err = relocate_text(PROGRAM, &voyager(), 0o5200..=0o7777).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no layout in CCS-A: 3 writable words are missing: section DATA (3 words, of DATA) needs 3 words, \
         and the writable regions have 0 free (DATA 0 free, 96 dead; SCRATCH 0 free, 16 dead; SPARE 0 free, 16 dead; \
         SEQUENCES 0 free, 1280 dead); the nearest free space is in FIXED (read-only, fixed routines): 2648 words free, \
         the largest hole 2648 words at 0o0050-0o5177, where writable sections could not be written"
    );
    let RelocateError::NoLayout(why) = err else { panic!() };
    assert_eq!((why.shortfalls[0].needed, why.shortfalls[0].free, why.shortfalls[0].missing), (3, 0, 3));

    // Free words, but scattered: every other word of every writable region dead.
    let map = voyager();
    let scattered: BTreeSet<u32> = (0o5200..=0o7777).step_by(2).collect();
    let err = relocate(Path::new("p.asm"), &sources(PROGRAM), &map, Target::A, &scattered).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no layout in CCS-A: no hole of 3 writable words for section DATA: the writable regions have 704 words free \
         (DATA 48 free, 48 dead; SCRATCH 8 free, 8 dead; SPARE 8 free, 8 dead; SEQUENCES 640 free, 640 dead), \
         but the largest hole is 1 words (0o5201 in DATA); the nearest free space is in FIXED (read-only, fixed \
         routines): 2648 words free, the largest hole 2648 words at 0o0050-0o5177, where writable sections could not be written"
    );
}

#[test]
fn the_flight_load_without_room_for_its_routines() {
    // FIXED dead from 0o200 to 0o4777: the routines need 1,025 more read-only words than
    // are free, and the nearest free space is writable.
    let program = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../programs/flight/load.asm");
    let err = relocate(&program, &ccs_asm::FileSystem, &voyager(), Target::A, &(0o200..=0o4777).collect()).unwrap_err();
    let RelocateError::NoLayout(why) = &err else { panic!("{err}") };
    let s = &why.shortfalls[0];
    assert!(!s.writable);
    let names: Vec<&str> = s.sections.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(names, ["TARMEX", "CMDPRC", "AACSIN", "CMDLOS", "RFLOSS", "PWRCHK", "ERROR", "DUAL", "FDSREQ"]);
    assert_eq!((s.needed, s.free, s.missing), (1051, 26, 1025));
    let text = err.to_string();
    assert!(
        text.starts_with(
            "no layout in CCS-A: 1025 read-only words are missing: sections TARMEX (424 words, of FIXED), "
        ),
        "{text}"
    );
    assert!(
        text.ends_with(
            "the nearest free space is in DATA (writable, data): 2 words free, the largest hole 2 words at \
             0o5336-0o5337, where read-only sections would lose their write protection"
        ),
        "{text}"
    );
}

/// Dead ranges anywhere in CCS-A.
fn dead_ranges() -> impl Strategy<Value = BTreeSet<u32>> {
    proptest::collection::vec((0u32..4096, 1u32..1500), 1..4)
        .prop_map(|ranges| ranges.into_iter().flat_map(|(s, n)| s..(s + n).min(4096)).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever dies, either the relocated program avoids every dead word and fits the
    /// proposed map, which marks exactly the dead words DEAD and reads back as written;
    /// or the refusal is true.
    #[test]
    fn relocation_avoids_the_dead_words_and_fits_its_map_or_says_why_not(dead in dead_ranges()) {
        let map = voyager();
        let plain = ccs_asm::assemble_str("p.asm", PROGRAM).assembly.unwrap();
        match relocate_around(&plain, &map, Target::A, &DeadWords::from([(CCS_A, dead.clone())])) {
            Ok(r) => {
                prop_assert!(r.assembly.words().iter().all(|w| !dead.contains(&w.address.get())));
                prop_assert!(r.budget.fits(), "{}", r.budget.to_text());
                for a in 0..4096 {
                    let region = r.proposed.region_at(CCS_A, a);
                    prop_assert_eq!(region.name.starts_with("DEAD"), dead.contains(&a), "0o{:o} in {}", a, region.name);
                }
                let back = AllocationMap::parse(&r.proposed.to_ron(""), "x").unwrap();
                prop_assert!(ccs_budget::diff_maps(&r.proposed, &back).is_empty());
                // The proposed map remembers the layout: the link step with it alone
                // (no dead words given) places every section where relocation did.
                let (options, _) = ccs_budget::layout(&plain, &back, Target::A, &BTreeSet::new()).unwrap();
                let linked = ccs_asm::assemble_with("p.asm", &sources(PROGRAM), &options).assembly.unwrap();
                prop_assert_eq!(linked.image(), r.assembly.image());
                // The program still computes its 42 with the words really dead.
                let out = console(r.assembly.image(), dead.iter().map(|&a| (a, 1)));
                prop_assert_eq!(out, vec![42]);
            }
            Err(RelocateError::PinnedOnDead { .. }) => prop_assert!((0o40..=0o43).any(|a| dead.contains(&a))),
            Err(RelocateError::NoLayout(why)) => {
                for s in &why.shortfalls {
                    if s.missing > 0 {
                        prop_assert!(s.needed > s.free);
                    } else {
                        let largest = s.largest.as_ref().map_or(0, |l| l.2);
                        prop_assert!(s.sections.iter().any(|x| x.1 > largest));
                    }
                }
            }
            Err(e) => prop_assert!(false, "unexpected refusal: {e}"),
        }
    }
}
