//! Writing an allocation map (`AllocationMap::to_ron`) and the difference between two
//! maps (`diff_maps`): a written map reads back as the same map, and a diff names every
//! region that grew, shrank, moved, appeared or went, and every section that changed
//! region.

mod support;

use support::map_with;

use ccs_budget::{AllocationMap, MapChange, Purpose, diff_maps};
use ccs_core::MemoryId;
use proptest::prelude::*;

/// The regions without the positions where a file wrote them (a written map's
/// positions differ from the source's).
fn regions(map: &AllocationMap) -> Vec<ccs_budget::Region> {
    map.regions.iter().cloned().map(|r| ccs_budget::Region { position: Default::default(), ..r }).collect()
}

#[test]
fn the_voyager_map_reads_back_as_written_with_octal_addresses() {
    let map = AllocationMap::parse(ccs_programs::VOYAGER_MAP, "x").unwrap();
    let text = map.to_ron("A copy of the bundled map.\n\nSecond paragraph.");
    assert!(
        text.starts_with("// A copy of the bundled map.\n//\n// Second paragraph.\n(\n    name: \"voyager\",\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "(name: \"DATA\", start: 0o5200, end: 0o5337, purpose: data, writable: true,\n                    sections: [\"DATA\", \"VECTORS\"],"
        ),
        "{text}"
    );
    assert!(text.contains("start: 0o16000, end: 0o17777, purpose: scratch"), "FDS addresses have five digits: {text}");
    let back = AllocationMap::parse(&text, "y").unwrap();
    assert_eq!(back.name, "voyager");
    assert_eq!(regions(&back), regions(&map));
    assert!(diff_maps(&map, &back).is_empty());
}

#[test]
fn a_diff_names_each_change_on_one_line() {
    let old = map_with(
        r#"(name: "CODE", start: 0, end: 0o3777, purpose: fixed_routines, writable: false, sections: ["A", "B"]),
           (name: "VARS", start: 0o4000, end: 0o4077, purpose: data, writable: true, sections: ["V"]),
           (name: "GONE", start: 0o4100, end: 0o4177, purpose: spare, writable: true),
           (name: "SEQ", start: 0o4200, end: 0o7777, purpose: sequences, writable: true, sections: ["S"])"#,
    );
    let new = map_with(
        r#"(name: "CODE", start: 0, end: 0o3677, purpose: fixed_routines, writable: false, sections: ["A"]),
           (name: "CODE_2", start: 0o3700, end: 0o4177, purpose: fixed_routines, writable: false, sections: ["B"]),
           (name: "SEQ", start: 0o4200, end: 0o7677, purpose: sequences, writable: true, sections: ["S"]),
           (name: "VARS", start: 0o7700, end: 0o7777, purpose: scratch, writable: true, sections: ["V"])"#,
    );
    let lines: Vec<String> = diff_maps(&old, &new).iter().map(|c| c.to_string()).collect();
    assert_eq!(
        lines,
        [
            "CCS-A  CODE       0o0000-0o3777 -> 0o0000-0o3677  shrank by 64 words (2048 -> 1984)",
            "CCS-A  CODE_2     new: 0o3700-0o4177 (192 words), fixed routines, read-only",
            "CCS-A  SEQ        0o4200-0o7777 -> 0o4200-0o7677  shrank by 64 words (1920 -> 1856)",
            "CCS-A  VARS       0o4000-0o4077 -> 0o7700-0o7777  moved, purpose data -> scratch",
            "CCS-A  GONE       removed: 0o4100-0o4177 (64 words)",
            "CCS-A  section B: CODE -> CODE_2",
        ]
    );
    // Growing and shifting, and the reverse diff.
    let grown = map_with(
        r#"(name: "CODE", start: 0, end: 0o3777, purpose: fixed_routines, writable: true, sections: ["A", "B"]),
           (name: "VARS", start: 0o4000, end: 0o4177, purpose: data, writable: true, sections: ["V"]),
           (name: "SEQ", start: 0o4200, end: 0o7777, purpose: sequences, writable: true, sections: ["S"])"#,
    );
    let lines: Vec<String> = diff_maps(&old, &grown).iter().map(|c| c.to_string()).collect();
    assert_eq!(
        lines,
        [
            "CCS-A  CODE       0o0000-0o3777  read-only -> writable",
            "CCS-A  VARS       0o4000-0o4077 -> 0o4000-0o4177  grew by 64 words (64 -> 128)",
            "CCS-A  GONE       removed: 0o4100-0o4177 (64 words)",
        ]
    );
    let back = diff_maps(&new, &old);
    assert!(back.contains(&MapChange::Added {
        memory: "CCS-A",
        region: "GONE".into(),
        range: (0o4100, 0o4177),
        purpose: Purpose::Spare,
        writable: true
    }));
    assert!(back.iter().any(|c| c.to_string() == "CCS-A  section B: CODE_2 -> CODE"), "{back:?}");
}

const PURPOSES: [&str; 6] = ["trap_table", "fixed_routines", "sequences", "data", "scratch", "spare"];

/// A region's text: any name, sections and note, including characters RON must escape.
fn region_text(
    name: &str,
    start: u32,
    end: u32,
    purpose: usize,
    writable: bool,
    sections: &[String],
    note: &Option<String>,
) -> String {
    let q = |s: &str| ron::to_string(s).unwrap();
    let list: Vec<String> = sections.iter().map(|s| q(s)).collect();
    let note = note.as_ref().map_or(String::new(), |n| format!(", note: {}", q(n)));
    format!(
        "(name: {}, start: {start}, end: {end}, purpose: {}, writable: {writable}, sections: [{}]{note})",
        q(name),
        PURPOSES[purpose],
        list.join(", ")
    )
}

/// A random valid map: each memory cut at random points into regions with random
/// attributes.
fn any_map() -> impl Strategy<Value = String> {
    let text = "[a-zA-Z0-9 _\"\\\\/é\n\t-]{0,12}";
    let memory = |words: u32| {
        (
            proptest::collection::btree_set(1..words, 0..6),
            proptest::collection::vec((0..6usize, any::<bool>(), proptest::option::of(text), 0..3usize), 7),
        )
            .prop_map(move |(cuts, attrs)| (words, cuts, attrs))
    };
    (
        proptest::collection::vec(memory(4096), 2),
        proptest::collection::vec(memory(8192), 2),
        proptest::collection::vec(memory(4096), 2),
        text,
    )
        .prop_map(|(ccs, fds, aacs, name)| {
            let memories: Vec<String> = ccs
                .into_iter()
                .chain(fds)
                .chain(aacs)
                .zip(MemoryId::ALL)
                .map(|((words, cuts, attrs), memory)| {
                    let starts: Vec<u32> = std::iter::once(0).chain(cuts.iter().copied()).collect();
                    let mut section = 0;
                    let regions: Vec<String> = starts
                        .iter()
                        .enumerate()
                        .map(|(i, &start)| {
                            let end = starts.get(i + 1).map_or(words - 1, |&next| next - 1);
                            let (purpose, writable, note, n) = attrs[i].clone();
                            let sections: Vec<String> = (0..n)
                                .map(|_| {
                                    section += 1;
                                    format!("S\"{section}\\é")
                                })
                                .collect();
                            region_text(&format!("R{i} \"x\""), start, end, purpose, writable, &sections, &note)
                        })
                        .collect();
                    format!("(memory: \"{}\", regions: [{}])", memory.name(), regions.join(",\n"))
                })
                .collect();
            format!("(name: {}, memories: [{}])", ron::to_string(&name).unwrap(), memories.join(",\n"))
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_map_reads_back_as_it_was_written(text in any_map()) {
        let map = AllocationMap::parse(&text, "m").unwrap();
        let written = map.to_ron("a comment with \"quotes\"\nand two lines");
        let back = AllocationMap::parse(&written, "other").unwrap();
        prop_assert_eq!(&back.name, &map.name);
        prop_assert_eq!(regions(&back), regions(&map));
        prop_assert!(diff_maps(&map, &back).is_empty());
    }
}
