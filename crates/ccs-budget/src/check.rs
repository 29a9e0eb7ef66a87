//! The static check of a program against an allocation map.

use crate::map::{AllocationMap, Purpose, Region};
use crate::report::{Finding, FindingKind, RegionReport, Report, SectionReport, Totals};
use ccs_core::{Image, ImageKind, MemoryId, Target, WordSet};

/// Bits in the whole spacecraft memory set: 557,056 (69,632 bytes).
pub const SPACECRAFT_BITS: u64 = ccs_core::ALL_BITS;

/// A program as the budget sees it: where every word lies and which section it
/// belongs to.
#[derive(Clone, Debug, Default)]
pub struct Program {
    /// Shown in the report (usually the source or image path).
    pub name: String,
    pub words: Vec<PlacedWord>,
    pub sections: Vec<SectionInfo>,
}

/// One word of a loaded program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlacedWord {
    pub memory: MemoryId,
    pub addr: u32,
    /// Index into [`Program::sections`]; `None` for words from an image, which has no
    /// sections.
    pub section: Option<usize>,
}

/// A section with its declared limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionInfo {
    pub name: String,
    pub limit: Option<u64>,
    /// Words the section holds (per memory it is loaded into).
    pub words: u64,
}

fn memories_of(kind: ImageKind, target: Target) -> Vec<MemoryId> {
    target.units().iter().map(|&p| kind.memory(p)).collect()
}

impl Program {
    /// A program from an assembly, loaded into the CCS memories of `target`.
    pub fn from_assembly(name: &str, assembly: &ccs_asm::Assembly, target: Target) -> Program {
        let sections = assembly
            .sections()
            .iter()
            .map(|s| SectionInfo {
                name: s.name.clone(),
                limit: s.limit.as_ref().map(|l| l.words),
                words: s.words as u64,
            })
            .collect();
        let mut program = Program { name: name.to_string(), words: Vec::new(), sections };
        for memory in memories_of(ImageKind::Ccs, target) {
            program.words.extend(assembly.words().iter().map(|w| PlacedWord {
                memory,
                addr: w.address.get(),
                section: Some(w.section.index()),
            }));
        }
        program
    }

    /// Add an image's words (no sections) to the program.
    pub fn add_image(&mut self, image: &Image, target: Target) {
        for memory in memories_of(image.kind, target) {
            self.words.extend(image.words.iter().map(|&(addr, _)| PlacedWord { memory, addr, section: None }));
        }
    }

    /// A program from an image alone.
    pub fn from_image(name: &str, image: &Image, target: Target) -> Program {
        let mut program = Program { name: name.to_string(), ..Program::default() };
        program.add_image(image, target);
        program
    }

    fn section_name(&self, index: Option<usize>) -> Option<&str> {
        index.and_then(|i| self.sections.get(i)).map(|s| s.name.as_str())
    }
}

/// Runs of consecutive addresses in a sorted list, as `0o6000-0o6013, 0o6020`.
pub fn ranges_text(memory: MemoryId, addrs: &[u32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < addrs.len() {
        let mut j = i;
        while j + 1 < addrs.len() && addrs[j + 1] == addrs[j] + 1 {
            j += 1;
        }
        out.push(if i == j {
            memory.addr(addrs[i]).to_string()
        } else {
            format!("{}-{}", memory.addr(addrs[i]), memory.addr(addrs[j]))
        });
        i = j + 1;
    }
    out.join(", ")
}

/// Check a program against a map.
pub fn check(program: &Program, map: &AllocationMap) -> Report {
    let mut findings = Vec::new();
    let mut used = vec![0u32; map.regions.len()];
    for w in &program.words {
        used[map.region_index(w.memory, w.addr)] += 1;
    }

    // Sections over their own limits.
    for s in &program.sections {
        if let Some(limit) = s.limit
            && s.words > limit
        {
            let over = s.words - limit;
            findings.push(Finding {
                kind: FindingKind::SectionOverLimit,
                message: format!(
                    "section {} ({} words) is over its limit of {limit} words by {over} words",
                    s.name, s.words
                ),
                memory: None,
                section: Some(s.name.clone()),
                region: None,
                words: over,
            });
        }
    }

    // Each section's words, per memory, against the region the map gives it.
    let loaded: Vec<MemoryId> =
        MemoryId::ALL.into_iter().filter(|m| program.words.iter().any(|w| w.memory == *m)).collect();
    for &memory in &loaded {
        for (index, section) in program.sections.iter().enumerate() {
            let mut addrs: Vec<u32> = program
                .words
                .iter()
                .filter(|w| w.memory == memory && w.section == Some(index))
                .map(|w| w.addr)
                .collect();
            if addrs.is_empty() {
                continue;
            }
            addrs.sort_unstable();
            let total = addrs.len() as u64;
            let Some(region) = map.region_for_section(memory, &section.name) else {
                findings.push(Finding {
                    kind: FindingKind::SectionUnassigned,
                    message: format!(
                        "section {} ({total} words) is assigned to no region of {}: its words at {} lie outside every region it may use",
                        section.name,
                        memory.name(),
                        ranges_text(memory, &addrs)
                    ),
                    memory: Some(memory),
                    section: Some(section.name.clone()),
                    region: None,
                    words: total,
                });
                continue;
            };
            findings.extend(section_outside(memory, &section.name, total, region, &addrs, map));
        }
    }

    // Trap cells set by a section that does not belong in the trap table.
    for memory in loaded.iter().copied().filter(|m| matches!(m, MemoryId::Ccs(_))) {
        let mut cells: Vec<(u32, Option<&str>)> = program
            .words
            .iter()
            .filter(|w| w.memory == memory && w.addr < 32)
            .map(|w| (w.addr, program.section_name(w.section)))
            .filter(|&(_, section)| {
                section
                    .is_some_and(|s| map.region_for_section(memory, s).is_none_or(|r| r.purpose != Purpose::TrapTable))
            })
            .collect();
        cells.sort_unstable();
        for (addr, section) in cells {
            let table = map.region_at(memory, addr);
            let name = section.unwrap_or("?");
            findings.push(Finding {
                kind: FindingKind::TrapCellOutsideTable,
                message: format!(
                    "trap cell 0o{addr:04o} of {} is set by section {name}, which does not belong in the trap table{}",
                    memory.name(),
                    if table.purpose == Purpose::TrapTable { format!(" {}", table.name) } else { String::new() }
                ),
                memory: Some(memory),
                section: Some(name.to_string()),
                region: Some(table.name.clone()),
                words: 1,
            });
        }
    }

    let regions = map.regions.iter().zip(&used).map(|(r, &used)| RegionReport::new(r, used)).collect::<Vec<_>>();
    let sections = program
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| SectionReport {
            name: s.name.clone(),
            words: s.words,
            limit: s.limit,
            regions: loaded
                .iter()
                .filter(|&&m| program.words.iter().any(|w| w.memory == m && w.section == Some(i)))
                .filter_map(|&m| map.region_for_section(m, &s.name).map(|r| format!("{} {}", m.name(), r.name)))
                .collect(),
        })
        .collect();
    // Every word of the complement counted once, however many images place it.
    let placed: WordSet = program.words.iter().map(|w| (w.memory, w.addr)).collect();
    let bits: u64 = MemoryId::ALL.iter().map(|&m| placed.count(m) as u64 * m.word_bits() as u64).sum();
    Report {
        program: program.name.clone(),
        map: map.name.clone(),
        loaded: loaded.iter().map(|m| m.name()).collect(),
        findings,
        regions,
        sections,
        totals: Totals { bits_used: bits, bits_capacity: SPACECRAFT_BITS },
        run: None,
    }
}

/// Words of `section` that lie outside `region`, as ld would say it.
fn section_outside(
    memory: MemoryId,
    section: &str,
    total: u64,
    region: &Region,
    addrs: &[u32],
    map: &AllocationMap,
) -> Option<Finding> {
    let outside: Vec<u32> = addrs.iter().copied().filter(|&a| !region.contains(a)).collect();
    if outside.is_empty() {
        return None;
    }
    let n = outside.len() as u64;
    let all_after = outside.iter().all(|&a| a > region.end);
    let all_before = outside.iter().all(|&a| a < region.start);
    let others: Vec<&str> = {
        let mut names: Vec<&str> = outside.iter().map(|&a| map.region_at(memory, a).name.as_str()).collect();
        names.dedup();
        names
    };
    let place = format!("{} (in {})", ranges_text(memory, &outside), others.join(", "));
    let message = if all_after {
        format!("section {section} ({total} words) overflows region {} by {n} words: {place}", region.name)
    } else if all_before {
        format!("section {section} ({total} words) starts before region {} by {n} words: {place}", region.name)
    } else {
        format!("section {section} ({total} words) has {n} words outside region {}: {place}", region.name)
    };
    Some(Finding {
        kind: FindingKind::SectionOutsideRegion,
        message,
        memory: Some(memory),
        section: Some(section.to_string()),
        region: Some(region.name.clone()),
        words: n,
    })
}
