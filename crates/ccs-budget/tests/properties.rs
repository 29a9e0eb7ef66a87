//! Invariants of the budget report over random programs.

use ccs_budget::{AllocationMap, FindingKind, PlacedWord, Program, SectionInfo, check};
use ccs_core::{MemoryId, ProcId};
use proptest::prelude::*;
use std::collections::BTreeSet;

const SECTIONS: [&str; 6] = ["TRAPS", "FIXED", "DATA", "SEQUENCES", "CMDLOS", "ELSEWHERE"];

/// Random runs of words: (section, memory, start, length), laid out without overlaps.
fn program() -> impl Strategy<Value = Program> {
    prop::collection::vec((0usize..SECTIONS.len(), 0usize..2, 0u32..4096, 1u32..400, prop::option::of(0u64..600)), 1..8)
        .prop_map(|runs| {
            let mut taken: BTreeSet<(usize, u32)> = BTreeSet::new();
            let mut words = Vec::new();
            let mut counts = [0u64; SECTIONS.len()];
            let mut limits = [None; SECTIONS.len()];
            for (section, mem, start, len, limit) in runs {
                let memory = MemoryId::Ccs(if mem == 0 { ProcId::A } else { ProcId::B });
                limits[section] = limit;
                for addr in start..(start + len).min(4096) {
                    if taken.insert((mem, addr)) {
                        words.push(PlacedWord { memory, addr, section: Some(section) });
                        counts[section] += 1;
                    }
                }
            }
            let sections = SECTIONS
                .iter()
                .enumerate()
                .map(|(i, name)| SectionInfo { name: name.to_string(), limit: limits[i], words: counts[i] })
                .collect();
            Program { name: "random".into(), words, sections }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn totals_add_up_and_a_passing_report_keeps_everything_in_place(p in program()) {
        let map = AllocationMap::parse(ccs_programs::VOYAGER_MAP, "voyager").unwrap();
        let report = check(&p, &map);
        let used: u64 = report.regions.iter().map(|r| r.used as u64).sum();
        prop_assert_eq!(used, p.words.len() as u64);
        prop_assert_eq!(report.totals.bits_used, 18 * p.words.len() as u64);
        // Fits exactly when every word lies in its section's region and every section
        // keeps to its limit, computed here from the map without the checker.
        let in_place = p.words.iter().all(|w| {
            let name = &p.sections[w.section.unwrap()].name;
            map.region_for_section(w.memory, name).is_some_and(|r| r.contains(w.addr))
        }) && p.sections.iter().all(|s| s.limit.is_none_or(|l| s.words <= l));
        prop_assert_eq!(report.fits(), in_place);
        for r in &report.regions {
            prop_assert!(r.used <= r.capacity);
        }
        // Every "outside" finding counts exactly the section's words outside its region.
        for f in report.findings.iter().filter(|f| f.kind == FindingKind::SectionOutsideRegion) {
            let memory = f.memory.unwrap();
            let region = map.region_for_section(memory, f.section.as_deref().unwrap()).unwrap();
            let outside = p.words.iter().filter(|w| {
                w.memory == memory && p.sections[w.section.unwrap()].name == *f.section.as_ref().unwrap() && !region.contains(w.addr)
            }).count() as u64;
            prop_assert_eq!(f.words, outside);
        }
        // Every section over its limit is reported with the exact excess.
        for s in &p.sections {
            let over = s.limit.map_or(0, |l| s.words.saturating_sub(l));
            let reported = report.findings.iter().find(|f| f.kind == FindingKind::SectionOverLimit && f.section.as_deref() == Some(&s.name));
            prop_assert_eq!(reported.map_or(0, |f| f.words), over);
        }
    }
}
