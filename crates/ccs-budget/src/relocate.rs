//! Relocation around dead memory (issue 6): sections without an `.org` are placed into
//! their map region first-fit, avoiding dead words, and the program is assembled again
//! at the new addresses — what JPL did by hand for the FDS in April 2024.

use crate::check::{Program, check, ranges_text};
use crate::map::AllocationMap;
use crate::report::Report;
use ccs_asm::{AsmOptions, Assembly, Sources};
use ccs_core::{MemoryId, ProcId, Target};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Where a relocatable section was placed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Placement {
    pub section: String,
    pub words: u32,
    pub region: String,
    /// First address before relocation (where the plain assembly put it).
    pub from: Option<u32>,
    pub base: u32,
}

/// A region after the layout.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RegionSpace {
    pub region: String,
    pub capacity: u32,
    pub dead: u32,
    pub used: u32,
    pub free: u32,
}

/// A successful relocation.
#[derive(Clone, Debug)]
pub struct Relocation {
    pub assembly: Assembly,
    pub placements: Vec<Placement>,
    /// Words whose address changed.
    pub words_moved: u64,
    /// Regions of the memory, with dead, used and free words after the layout.
    pub space: Vec<RegionSpace>,
    /// The budget of the relocated program.
    pub budget: Report,
}

/// Why a program cannot be laid out.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RelocateError {
    #[error("the program does not assemble:\n{0}")]
    Assembly(String),
    #[error("section {section} ({words} words) has no .org and no region of {memory} to be placed in")]
    NoRegion { section: String, words: u32, memory: &'static str },
    #[error(
        "section {section} is fixed by .org on dead words {addresses}: it cannot move; remove its .org to let it relocate"
    )]
    PinnedOnDead { section: String, addresses: String },
    #[error(
        "region {region} of {memory} is {missing} words short: its relocatable sections need {needed} words and {free} are free ({dead} dead)"
    )]
    Missing { region: String, memory: &'static str, needed: u32, free: u32, dead: u32, missing: u32 },
    #[error(
        "no hole of {words} words for section {section} in region {region}: {free} words are free, but the largest hole is {largest} words"
    )]
    NoHole { section: String, region: String, words: u32, free: u32, largest: u32 },
}

fn assemble_or_error(main: &Path, sources: &dyn Sources, options: &AsmOptions) -> Result<Assembly, RelocateError> {
    let output = ccs_asm::assemble_with(main, sources, options);
    match output.assembly {
        Some(a) if !output.has_errors() => Ok(a),
        _ => Err(RelocateError::Assembly(output.render_diagnostics())),
    }
}

/// The CCS memory a target loads first (layouts are made for it; with AB, dead words of
/// both memories are avoided).
pub fn layout_memory(target: Target) -> MemoryId {
    MemoryId::Ccs(if target == Target::B { ProcId::B } else { ProcId::A })
}

/// Compute bases for the relocatable sections of `plain` (an assembly without layout):
/// pinned words and dead words are taken; each relocatable section, in order of first
/// appearance, goes to the first hole of its region big enough for it.
pub fn layout(
    plain: &Assembly,
    map: &AllocationMap,
    target: Target,
    dead: &BTreeSet<u32>,
) -> Result<(AsmOptions, Vec<Placement>), RelocateError> {
    let memory = layout_memory(target);
    let mut taken: BTreeSet<u32> = dead.clone();
    for w in plain.words() {
        let section = &plain.sections()[w.section.index()];
        if section.pinned {
            let addr = w.address.get();
            if dead.contains(&addr) {
                let on: Vec<u32> = plain
                    .words()
                    .iter()
                    .filter(|v| v.section == w.section && dead.contains(&v.address.get()))
                    .map(|v| v.address.get())
                    .collect();
                return Err(RelocateError::PinnedOnDead {
                    section: section.name.clone(),
                    addresses: ranges_text(memory, &on),
                });
            }
            taken.insert(addr);
        }
    }
    let movable: Vec<&ccs_asm::Section> = plain.sections().iter().filter(|s| !s.pinned && s.words > 0).collect();
    // First, whole regions that cannot hold their sections at all: say how many words.
    let mut needed: BTreeMap<&str, u32> = BTreeMap::new();
    for s in &movable {
        let region = map.region_for_section(memory, &s.name).ok_or_else(|| RelocateError::NoRegion {
            section: s.name.clone(),
            words: s.words as u32,
            memory: memory.name(),
        })?;
        *needed.entry(region.name.as_str()).or_default() += s.words as u32;
    }
    for (region_name, &need) in &needed {
        let region = map.regions_of(memory).find(|r| r.name == *region_name).expect("found above");
        let free = (region.start..=region.end).filter(|a| !taken.contains(a)).count() as u32;
        if need > free {
            let dead_here = (region.start..=region.end).filter(|a| dead.contains(a)).count() as u32;
            return Err(RelocateError::Missing {
                region: region.name.clone(),
                memory: memory.name(),
                needed: need,
                free,
                dead: dead_here,
                missing: need - free,
            });
        }
    }
    let mut options = AsmOptions::default();
    let mut placements = Vec::new();
    for s in movable {
        let region = map.region_for_section(memory, &s.name).expect("checked above");
        let size = s.words as u32;
        let mut run_start = region.start;
        let mut run = 0u32;
        let mut largest = 0u32;
        let mut base = None;
        for addr in region.start..=region.end {
            if taken.contains(&addr) {
                run = 0;
                run_start = addr + 1;
                continue;
            }
            run += 1;
            largest = largest.max(run);
            if run == size {
                base = Some(run_start);
                break;
            }
        }
        let Some(base) = base else {
            let free = (region.start..=region.end).filter(|a| !taken.contains(a)).count() as u32;
            return Err(RelocateError::NoHole {
                section: s.name.clone(),
                region: region.name.clone(),
                words: size,
                free,
                largest,
            });
        };
        taken.extend(base..base + size);
        options.bases.insert(s.name.clone(), base);
        placements.push(Placement {
            section: s.name.clone(),
            words: size,
            region: region.name.clone(),
            from: s.ranges.first().map(|r| r.start),
            base,
        });
    }
    Ok((options, placements))
}

/// Assemble `main`, lay its relocatable sections out in `map` avoiding `dead` words of
/// the target memory, assemble again at the new addresses, and check the budget.
pub fn relocate(
    main: &Path,
    sources: &dyn Sources,
    map: &AllocationMap,
    target: Target,
    dead: &BTreeSet<u32>,
) -> Result<Relocation, RelocateError> {
    let plain = assemble_or_error(main, sources, &AsmOptions::default())?;
    relocate_assembly(&plain, map, target, dead)
}

/// [`relocate`] a program already assembled: it is assembled again from the very files
/// of `plain`, at the new addresses.
pub fn relocate_assembly(
    plain: &Assembly,
    map: &AllocationMap,
    target: Target,
    dead: &BTreeSet<u32>,
) -> Result<Relocation, RelocateError> {
    let mut sources = ccs_asm::MemorySources::new();
    for (_, file) in plain.files().iter() {
        sources.insert(file.path(), file.text());
    }
    let main = plain.files().iter().next().map(|(_, f)| f.path().to_path_buf()).unwrap_or_default();
    let (options, placements) = layout(plain, map, target, dead)?;
    let assembly = assemble_or_error(&main, &sources, &options)?;
    let memory = layout_memory(target);

    // Words moved: compare each section's words, in order, before and after.
    let by_section = |a: &Assembly| {
        let mut m: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for w in a.words() {
            m.entry(a.sections()[w.section.index()].name.clone()).or_default().push(w.address.get());
        }
        m
    };
    let (before, after) = (by_section(plain), by_section(&assembly));
    let words_moved = after
        .iter()
        .map(|(name, addrs)| {
            let old = before.get(name).map(Vec::as_slice).unwrap_or(&[]);
            addrs.iter().zip(old).filter(|(a, b)| a != b).count() as u64
        })
        .sum();

    let used: BTreeSet<u32> = assembly.words().iter().map(|w| w.address.get()).collect();
    let space = map
        .regions_of(memory)
        .map(|r| {
            let dead_here = (r.start..=r.end).filter(|a| dead.contains(a)).count() as u32;
            let used_here = (r.start..=r.end).filter(|a| used.contains(a)).count() as u32;
            RegionSpace {
                region: r.name.clone(),
                capacity: r.capacity(),
                dead: dead_here,
                used: used_here,
                free: r.capacity() - dead_here - used_here,
            }
        })
        .collect();
    let budget = check(&Program::from_assembly(&main.display().to_string(), &assembly, target), map);
    Ok(Relocation { assembly, placements, words_moved, space, budget })
}
