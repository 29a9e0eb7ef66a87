//! Allocation maps: the default Voyager map, and every kind of map error with the
//! position it names.

use ccs_budget::{AllocationMap, MapError, Position, Purpose};
use ccs_core::{MemoryId, ProcId};

#[test]
fn the_voyager_map_encodes_the_documented_split() {
    let map = AllocationMap::parse(ccs_programs::VOYAGER_MAP, "x").unwrap();
    assert_eq!(map.name, "voyager");
    let ccs = MemoryId::Ccs(ProcId::A);
    let size = |name: &str| map.regions_of(ccs).find(|r| r.name == name).unwrap().capacity();
    assert_eq!(size("TRAPS"), 32);
    // The fixed load: trap table, routines, their data and scratch = 2800 words.
    assert_eq!(size("TRAPS") + size("FIXED") + size("DATA") + size("SCRATCH"), 2800);
    assert_eq!(size("SEQUENCES"), 1280);
    for memory in MemoryId::ALL {
        let total: u32 = map.regions_of(memory).map(|r| r.capacity()).sum();
        assert_eq!(total, memory.words(), "{} is covered exactly once", memory.name());
    }
    assert_eq!(map.region_for_section(ccs, "CMDLOS").unwrap().name, "FIXED");
    assert_eq!(map.region_at(ccs, 0o37).purpose, Purpose::TrapTable);
    assert_eq!(map.region_at(MemoryId::Fds(1), 0o17777).name, "FDSBUF");
    assert!(!map.region_at(ccs, 0o40).writable);
}

/// A small valid map to break in the tests below.
fn map_text(ccs_a_regions: &str) -> String {
    let whole = |m: &str, end: u32| {
        format!("(memory: \"{m}\", regions: [(name: \"ALL\", start: 0, end: {end}, purpose: data, writable: true)])")
    };
    format!(
        "(\n  memories: [\n    (memory: \"CCS-A\", regions: [\n{ccs_a_regions}\n    ]),\n    {},\n    {},\n    {},\n    {},\n    {},\n  ],\n)",
        whole("CCS-B", 4095),
        whole("FDS-A", 8191),
        whole("FDS-B", 8191),
        whole("AACS-A", 4095),
        whole("AACS-B", 4095)
    )
}

const GOOD: &str =
    "      (name: \"LOW\", start: 0, end: 2047, purpose: fixed_routines, writable: false, sections: [\"A\"]),
      (name: \"HIGH\", start: 2048, end: 4095, purpose: data, writable: true, sections: [\"B\"]),";

#[test]
fn a_valid_small_map_parses() {
    let map = AllocationMap::parse(&map_text(GOOD), "small").unwrap();
    assert_eq!(map.name, "small");
    assert_eq!(map.regions.len(), 7);
}

fn error(regions: &str) -> MapError {
    AllocationMap::parse(&map_text(regions), "t").unwrap_err()
}

#[test]
fn overlap_names_both_regions_and_the_second_ones_line() {
    let e = error(
        "      (name: \"LOW\", start: 0, end: 2100, purpose: data, writable: true),
      (name: \"HIGH\", start: 2048, end: 4095, purpose: data, writable: true),",
    );
    assert_eq!(
        e.to_string(),
        "5:8: region HIGH of CCS-A (0o4000-0o7777) overlaps region LOW (0o0000-0o4064) by 53 words"
    );
    assert_eq!(e.position(), Some(Position { line: 5, column: 8 }));
}

#[test]
fn a_gap_is_named_with_its_words() {
    let e = error(
        "      (name: \"LOW\", start: 0, end: 1000, purpose: data, writable: true),
      (name: \"HIGH\", start: 2048, end: 4095, purpose: data, writable: true),",
    );
    assert_eq!(e.to_string(), "5:8: CCS-A words 0o1751-0o3777 (1047 words) belong to no region");
    let e = error("      (name: \"LOW\", start: 0, end: 4000, purpose: data, writable: true),");
    assert_eq!(e.to_string(), "3:6: CCS-A words 0o7641-0o7777 (95 words) belong to no region");
}

#[test]
fn bad_ranges_unknown_and_missing_memories() {
    let e = error("      (name: \"ALL\", start: 0, end: 4096, purpose: data, writable: true),");
    assert_eq!(e.to_string(), "4:8: region ALL of CCS-A: bad range 0o0-0o10000: CCS-A has addresses 0-0o7777");
    let e = error("      (name: \"ALL\", start: 10, end: 5, purpose: data, writable: true),");
    assert!(e.to_string().contains("bad range 0o12-0o5: the start is after the end"), "{e}");
    let text = map_text(GOOD).replace("\"AACS-B\"", "\"AACS-C\"");
    let e = AllocationMap::parse(&text, "t").unwrap_err();
    assert!(matches!(e, MapError::UnknownMemory { .. }), "{e}");
    assert!(e.to_string().contains("unknown memory \"AACS-C\""), "{e}");
    let text = map_text(GOOD).replace("\"AACS-B\"", "\"AACS-A\"");
    assert!(AllocationMap::parse(&text, "t").unwrap_err().to_string().contains("memory AACS-A is described twice"));
    let text = map_text(GOOD).replace(
        "    (memory: \"FDS-B\", regions: [(name: \"ALL\", start: 0, end: 8191, purpose: data, writable: true)]),\n",
        "",
    );
    assert_eq!(
        AllocationMap::parse(&text, "t").unwrap_err().to_string(),
        "the map does not describe memory FDS-B: every one of the six memories needs its regions"
    );
}

#[test]
fn duplicate_names_and_sections_claimed_twice() {
    let e = error(
        "      (name: \"LOW\", start: 0, end: 2047, purpose: data, writable: true, sections: [\"S\"]),
      (name: \"LOW\", start: 2048, end: 4095, purpose: data, writable: true),",
    );
    assert!(e.to_string().starts_with("5:8: CCS-A has two regions named LOW"), "{e}");
    let e = error(
        "      (name: \"LOW\", start: 0, end: 2047, purpose: data, writable: true, sections: [\"S\"]),
      (name: \"HIGH\", start: 2048, end: 4095, purpose: data, writable: true, sections: [\"S\"]),",
    );
    assert_eq!(e.to_string(), "5:8: section S is assigned to both LOW and HIGH in CCS-A");
}

#[test]
fn syntax_errors_and_unknown_fields_carry_positions() {
    let e = error("      (name: \"LOW\", start: 0, end: 4095, purpose: data, writable: maybe),");
    assert!(matches!(e, MapError::Syntax { position: Position { line: 4, .. }, .. }), "{e}");
    let e = error("      (name: \"LOW\", start: 0, end: 4095, purpose: storage, writable: true),");
    assert!(e.to_string().starts_with("4:"), "{e}");
    let e = error("      (name: \"LOW\", start: 0, end: 4095, purpose: data, writable: true, colour: \"red\"),");
    assert!(e.to_string().contains("colour"), "{e}");
}

#[test]
fn comments_and_strings_do_not_confuse_the_positions() {
    let regions = "      // name: \"NOT A REGION\" memory: \"NOR A MEMORY\"
      (name: \"name: LOW\", start: 0, end: 2100, purpose: data, writable: true), /* name: */
      (name: \"HIGH\", start: 2048, end: 4095, purpose: data, writable: true),";
    assert!(error(regions).to_string().starts_with("6:8: region HIGH"), "{}", error(regions));
}
