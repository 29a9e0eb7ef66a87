//! Relocation around dead memory (issues 6 and 18): sections without an `.org` are
//! placed around dead words, and the program is assembled again at the new addresses —
//! what JPL did by hand for the FDS in April 2024.
//!
//! The rule, least disturbance first:
//!
//! 1. Pinned sections stay (a pinned section on a dead word is an error).
//! 2. Each relocatable section, in order of first appearance, takes the first hole of its
//!    own region big enough for it (the link step of `ccs asm --map`). A region's
//!    `sections` list gives its own sections this first claim on its words.
//! 3. A section its region cannot hold moves to another region of the same memory with
//!    the same write permission (never the trap table): first a region of the same
//!    purpose, then a spare region, then any other; nearer regions first. The host lends
//!    words from one end, so that the rest of it stays one range: the end facing the
//!    section's home, else the other end; an inner hole only when neither end has room.
//! 4. The proposed map ([`propose_map`]) tells the truth afterwards: dead words become
//!    `DEAD` regions nobody may use, a moved section's words become a range of its home
//!    region (under its name), and the regions they were cut from shrink or split.

use crate::check::{Program, check, ranges_text};
use crate::map::{AllocationMap, MapChange, Purpose, Region, diff_maps};
use crate::report::Report;
use ccs_asm::{AsmOptions, Assembly, Sources};
use ccs_core::{MemoryId, ProcId, Target, WordSet};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

/// Dead words, per CCS memory.
pub type DeadWords = BTreeMap<MemoryId, BTreeSet<u32>>;

/// Where a relocatable section was placed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Placement {
    pub section: String,
    pub words: u32,
    /// The region of the original map it now lies in.
    pub region: String,
    /// The region the original map gives it (`region` unless it moved across).
    pub home: String,
    /// First address before relocation (where the plain assembly put it).
    pub from: Option<u32>,
    pub base: u32,
}

impl Placement {
    /// Whether the section left the region the map gives it.
    pub fn moved_across(&self) -> bool {
        self.region != self.home
    }
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
    /// Regions of the layout memory in the original map, with dead, used and free words
    /// after the layout.
    pub space: Vec<RegionSpace>,
    /// The allocation map the relocated program fits ([`propose_map`]).
    pub proposed: AllocationMap,
    /// How the proposed map differs from the original ([`diff_maps`]).
    pub changes: Vec<MapChange>,
    /// The budget of the relocated program against the proposed map.
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
    /// A region cannot hold its sections (the link step, which keeps sections in their regions).
    #[error(
        "region {region} of {memory} is {missing} words short: its relocatable sections need {needed} words and {free} are free ({dead} dead)"
    )]
    Missing { region: String, memory: &'static str, needed: u32, free: u32, dead: u32, missing: u32 },
    /// Enough words are free in the region, but not together (the link step).
    #[error(
        "no hole of {words} words for section {section} in region {region}: {free} words are free, but the largest hole is {largest} words"
    )]
    NoHole { section: String, region: String, words: u32, free: u32, largest: u32 },
    /// No region of a compatible kind has room (relocation across regions).
    #[error("{0}")]
    NoLayout(Box<NoLayout>),
}

/// Why no layout exists: per write permission, what is missing and where free space is.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct NoLayout {
    pub memory: &'static str,
    pub shortfalls: Vec<Shortfall>,
}

/// The sections of one write permission that found no room.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Shortfall {
    pub writable: bool,
    /// (section, words, home region), in order of first appearance.
    pub sections: Vec<(String, u32, String)>,
    pub needed: u32,
    /// Free words in the regions that may hold them, after everything else was placed.
    pub free: u32,
    /// `needed - free`; 0 when the words are free but no hole is big enough.
    pub missing: u32,
    /// The regions that may hold them: (name, free words, dead words).
    pub regions: Vec<(String, u32, u32)>,
    /// The largest hole in those regions: (region, start, length).
    pub largest: Option<(String, u32, u32)>,
    /// The free space nearest the first section's home region, of any kind.
    pub nearest: Option<NearestFree>,
}

/// Free words of one region.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct NearestFree {
    pub region: String,
    pub purpose: Purpose,
    pub writable: bool,
    pub free: u32,
    /// Its largest hole: (start, length).
    pub largest: (u32, u32),
}

fn permission(writable: bool) -> &'static str {
    if writable { "writable" } else { "read-only" }
}

impl fmt::Display for NoLayout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let memory = MemoryId::parse(self.memory).unwrap_or(MemoryId::Ccs(ProcId::A));
        let range = |start: u32, len: u32| ranges_text(memory, &(start..start + len).collect::<Vec<u32>>());
        write!(f, "no layout in {}: ", self.memory)?;
        for (i, s) in self.shortfalls.iter().enumerate() {
            if i > 0 {
                f.write_str("; and ")?;
            }
            let kind = permission(s.writable);
            let sections: Vec<String> =
                s.sections.iter().map(|(name, words, home)| format!("{name} ({words} words, of {home})")).collect();
            let regions: Vec<String> =
                s.regions
                    .iter()
                    .map(|(name, free, dead)| {
                        if *dead > 0 {
                            format!("{name} {free} free, {dead} dead")
                        } else {
                            format!("{name} {free} free")
                        }
                    })
                    .collect();
            if s.missing > 0 {
                write!(
                    f,
                    "{} {kind} words are missing: section{} {} need{} {} words, and the {kind} regions have {} free ({})",
                    s.missing,
                    if sections.len() == 1 { "" } else { "s" },
                    sections.join(", "),
                    if sections.len() == 1 { "s" } else { "" },
                    s.needed,
                    s.free,
                    regions.join("; ")
                )?;
            } else {
                let (name, words, _) = &s.sections[0];
                write!(
                    f,
                    "no hole of {words} {kind} words for section {name}: the {kind} regions have {} words free ({})",
                    s.free,
                    regions.join("; ")
                )?;
                if let Some((region, start, len)) = &s.largest {
                    write!(f, ", but the largest hole is {len} words ({} in {region})", range(*start, *len))?;
                }
            }
            match &s.nearest {
                Some(n) => {
                    write!(
                        f,
                        "; the nearest free space is in {} ({}, {}): {} words free, the largest hole {} words at {}",
                        n.region,
                        permission(n.writable),
                        n.purpose.name(),
                        n.free,
                        n.largest.1,
                        range(n.largest.0, n.largest.1)
                    )?;
                    if n.writable != s.writable || n.purpose == Purpose::TrapTable {
                        f.write_str(match (s.writable, n.purpose) {
                            (_, Purpose::TrapTable) => ", which holds only trap cells",
                            (false, _) => ", where read-only sections would lose their write protection",
                            (true, _) => ", where writable sections could not be written",
                        })?;
                    }
                }
                None => f.write_str("; no word of the memory is free")?,
            }
        }
        Ok(())
    }
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

/// The CCS memories a target loads.
fn target_memories(target: Target) -> Vec<MemoryId> {
    target.units().iter().map(|&p| MemoryId::Ccs(p)).collect()
}

/// Words of one memory that are taken (pinned, dead or already placed).
struct Taken {
    memory: MemoryId,
    words: WordSet,
}

impl Taken {
    fn new(memory: MemoryId) -> Taken {
        Taken { memory, words: WordSet::new() }
    }

    fn free(&self, a: u32) -> bool {
        !self.words.contains(self.memory, a)
    }

    fn take(&mut self, start: u32, len: u32) {
        for a in start..start + len {
            self.words.insert(self.memory, a);
        }
    }

    fn free_in(&self, r: &Region) -> u32 {
        let slots = self.memory.slot(r.start)..self.memory.slot(r.end) + 1;
        r.capacity() - self.words.count_slots(slots) as u32
    }

    /// The first hole of `size` words in `r`, or the largest hole (start, length).
    fn first_fit(&self, r: &Region, size: u32) -> Result<u32, (u32, u32)> {
        let (mut run_start, mut run, mut largest) = (r.start, 0u32, (r.start, 0u32));
        for a in r.start..=r.end {
            if !self.free(a) {
                run = 0;
                run_start = a + 1;
                continue;
            }
            run += 1;
            if run > largest.1 {
                largest = (run_start, run);
            }
            if run == size {
                return Ok(run_start);
            }
        }
        Err(largest)
    }

    /// Free words next to the blocks already lent from the bottom and the top end of
    /// `r` (`lent` words each).
    fn ends(&self, r: &Region, lent: (u32, u32)) -> (u32, u32) {
        let (low, high) = (r.start + lent.0, r.end.saturating_sub(lent.1));
        if low > high || lent.0 + lent.1 >= r.capacity() {
            return (0, 0);
        }
        let bottom = (low..=high).take_while(|&a| self.free(a)).count() as u32;
        let top = (low..=high).rev().take_while(|&a| self.free(a)).count() as u32;
        (bottom, top)
    }
}

/// Where a section goes, before top-end blocks are given their final addresses.
enum Spot {
    At(u32),
    /// The `offset`-th word of the block taken from the top end of region `host`.
    Top {
        host: usize,
        offset: u32,
    },
}

/// Compute bases for the relocatable sections of `plain` (an assembly without layout)
/// in their own regions only — the link step of `ccs asm --map`: pinned words and dead
/// words are taken; each relocatable section, in order of first appearance, goes to the
/// first hole of its region big enough for it.
pub fn layout(
    plain: &Assembly,
    map: &AllocationMap,
    target: Target,
    dead: &BTreeSet<u32>,
) -> Result<(AsmOptions, Vec<Placement>), RelocateError> {
    place(plain, map, target, dead, false)
}

fn place(
    plain: &Assembly,
    map: &AllocationMap,
    target: Target,
    dead: &BTreeSet<u32>,
    across: bool,
) -> Result<(AsmOptions, Vec<Placement>), RelocateError> {
    let memory = layout_memory(target);
    let mut taken = Taken::new(memory);
    for &a in dead.iter().filter(|&&a| a < memory.words()) {
        taken.take(a, 1);
    }
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
            taken.take(addr, 1);
        }
    }
    let movable: Vec<&ccs_asm::Section> = plain.sections().iter().filter(|s| !s.pinned && s.words > 0).collect();
    let mut homes: Vec<usize> = Vec::new();
    for s in &movable {
        let home = map.region_for_section(memory, &s.name).ok_or_else(|| RelocateError::NoRegion {
            section: s.name.clone(),
            words: s.words as u32,
            memory: memory.name(),
        })?;
        homes.push(map.regions.iter().position(|r| r == home).expect("a region of the map"));
    }
    if !across {
        // Whole regions that cannot hold their sections at all: say how many words.
        let mut needed: BTreeMap<usize, u32> = BTreeMap::new();
        for (s, &home) in movable.iter().zip(&homes) {
            *needed.entry(home).or_default() += s.words as u32;
        }
        for (&home, &need) in &needed {
            let region = &map.regions[home];
            let free = taken.free_in(region);
            if need > free {
                return Err(RelocateError::Missing {
                    region: region.name.clone(),
                    memory: memory.name(),
                    needed: need,
                    free,
                    dead: (region.start..=region.end).filter(|a| dead.contains(a)).count() as u32,
                    missing: need - free,
                });
            }
        }
    }

    // At home first, for everyone: a region's own sections have first claim on it.
    let mut spots: Vec<Option<(usize, Spot)>> = Vec::new();
    for (s, &home) in movable.iter().zip(&homes) {
        let region = &map.regions[home];
        let size = s.words as u32;
        match taken.first_fit(region, size) {
            Ok(base) => {
                taken.take(base, size);
                spots.push(Some((home, Spot::At(base))));
            }
            Err((_, largest)) if !across => {
                return Err(RelocateError::NoHole {
                    section: s.name.clone(),
                    region: region.name.clone(),
                    words: size,
                    free: taken.free_in(region),
                    largest,
                });
            }
            Err(_) => spots.push(None),
        }
    }

    // Then the sections their regions could not hold, into other regions. Words lent
    // from each end of a host so far: the blocks grow inwards.
    let mut lent: BTreeMap<usize, (u32, u32)> = BTreeMap::new();
    for (i, s) in movable.iter().enumerate() {
        if spots[i].is_some() {
            continue;
        }
        let home = &map.regions[homes[i]];
        let size = s.words as u32;
        let hosts = hosts_for(map, memory, home);
        // The ends first, in the order of the hosts ...
        let mut spot = None;
        for &h in &hosts {
            let host = &map.regions[h];
            let (low, high) = lent.get(&h).copied().unwrap_or_default();
            let (bottom, top) = taken.ends(host, (low, high));
            let bottom_spot = (bottom >= size).then_some(Spot::At(host.start + low));
            let top_spot = (top >= size).then_some(Spot::Top { host: h, offset: high });
            let faces_bottom = host.start > home.end;
            let choice = if faces_bottom { bottom_spot.or(top_spot) } else { top_spot.or(bottom_spot) };
            if let Some(c) = choice {
                let l = lent.entry(h).or_default();
                match c {
                    Spot::At(base) => {
                        taken.take(base, size);
                        l.0 += size;
                    }
                    Spot::Top { .. } => {
                        taken.take(host.end + 1 - high - size, size);
                        l.1 += size;
                    }
                }
                spot = Some((h, c));
                break;
            }
        }
        // ... then inner holes.
        if spot.is_none()
            && let Some((h, base)) =
                hosts.iter().find_map(|&h| taken.first_fit(&map.regions[h], size).ok().map(|b| (h, b)))
        {
            taken.take(base, size);
            spot = Some((h, Spot::At(base)));
        }
        spots[i] = spot;
    }
    if spots.iter().any(Option::is_none) {
        return Err(RelocateError::NoLayout(Box::new(no_layout(map, memory, &movable, &homes, &spots, &taken, dead))));
    }

    let mut options = AsmOptions::default();
    let mut placements = Vec::new();
    for ((s, &home), spot) in movable.iter().zip(&homes).zip(spots) {
        let (region, spot) = spot.expect("every section placed");
        let base = match spot {
            Spot::At(base) => base,
            // A top-end block keeps its sections in source order, ending at the region's end.
            Spot::Top { host, offset } => map.regions[host].end + 1 - lent[&host].1 + offset,
        };
        options.bases.insert(s.name.clone(), base);
        placements.push(Placement {
            section: s.name.clone(),
            words: s.words as u32,
            region: map.regions[region].name.clone(),
            home: map.regions[home].name.clone(),
            from: s.ranges.first().map(|r| r.start),
            base,
        });
    }
    Ok((options, placements))
}

/// Regions of `memory` that may hold a section of `home`, in order of preference: the
/// same write permission (never the trap table); the same purpose, then spare, then any
/// other; nearer first.
fn hosts_for(map: &AllocationMap, memory: MemoryId, home: &Region) -> Vec<usize> {
    let mut hosts: Vec<usize> = map
        .regions
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.memory == memory
                && r.name != home.name
                && r.writable == home.writable
                && r.purpose != Purpose::TrapTable
                && home.purpose != Purpose::TrapTable
        })
        .map(|(i, _)| i)
        .collect();
    let tier = |r: &Region| match r.purpose {
        p if p == home.purpose => 0,
        Purpose::Spare => 1,
        _ => 2,
    };
    hosts.sort_by_key(|&i| {
        let r = &map.regions[i];
        (tier(r), distance(r, home), r.start)
    });
    hosts
}

/// Words between two regions (0 when they touch or overlap).
fn distance(a: &Region, b: &Region) -> u32 {
    if a.end < b.start {
        b.start - a.end - 1
    } else if b.end < a.start {
        a.start - b.end - 1
    } else {
        0
    }
}

/// Explain why the sections left without a spot have none.
fn no_layout(
    map: &AllocationMap,
    memory: MemoryId,
    movable: &[&ccs_asm::Section],
    homes: &[usize],
    spots: &[Option<(usize, Spot)>],
    taken: &Taken,
    dead: &BTreeSet<u32>,
) -> NoLayout {
    let mut shortfalls = Vec::new();
    for writable in [false, true] {
        let left: Vec<usize> =
            (0..movable.len()).filter(|&i| spots[i].is_none() && map.regions[homes[i]].writable == writable).collect();
        let Some(&first) = left.first() else {
            continue;
        };
        let home = &map.regions[homes[first]];
        let mut holders: Vec<&Region> = vec![home];
        holders.extend(hosts_for(map, memory, home).into_iter().map(|h| &map.regions[h]));
        holders.sort_by_key(|r| r.start);
        let needed: u32 = left.iter().map(|&i| movable[i].words as u32).sum();
        let free: u32 = holders.iter().map(|r| taken.free_in(r)).sum();
        let largest = holders
            .iter()
            .map(|r| (r, taken.first_fit(r, u32::MAX).unwrap_err()))
            .max_by_key(|(r, (_, len))| (*len, std::cmp::Reverse(r.start)))
            .filter(|(_, (_, len))| *len > 0)
            .map(|(r, (start, len))| (r.name.clone(), start, len));
        let nearest = map
            .regions_of(memory)
            .filter(|r| r.name != home.name && taken.free_in(r) > 0)
            .min_by_key(|r| (distance(r, home), r.start))
            .map(|r| NearestFree {
                region: r.name.clone(),
                purpose: r.purpose,
                writable: r.writable,
                free: taken.free_in(r),
                largest: taken.first_fit(r, u32::MAX).unwrap_err(),
            });
        shortfalls.push(Shortfall {
            writable,
            sections: left
                .iter()
                .map(|&i| (movable[i].name.clone(), movable[i].words as u32, map.regions[homes[i]].name.clone()))
                .collect(),
            needed,
            free,
            missing: needed.saturating_sub(free),
            regions: holders
                .iter()
                .map(|r| {
                    (r.name.clone(), taken.free_in(r), (r.start..=r.end).filter(|a| dead.contains(a)).count() as u32)
                })
                .collect(),
            largest,
            nearest,
        });
    }
    NoLayout { memory: memory.name(), shortfalls }
}

/// The map a relocated program fits, for each CCS memory it is loaded into: every run of
/// dead words becomes a region `DEAD` (spare, read-only, no sections: nothing may be
/// placed there); the words of a relocated section belong to the region that lists it
/// (its home), wherever they now lie; every other word stays in its region. A region cut
/// in pieces keeps its name for the piece holding its pinned words, else for the one
/// holding most of its sections' words (the first of equals), and gives the others
/// `NAME_2`, `NAME_3`...; each section is listed in the piece holding it, sections the
/// program lacks in the named piece. Other memories are unchanged.
pub fn propose_map(map: &AllocationMap, assembly: &Assembly, target: Target, dead: &DeadWords) -> AllocationMap {
    let relocated: BTreeSet<usize> =
        assembly.sections().iter().enumerate().filter(|(_, s)| !s.pinned && s.base.is_some()).map(|(i, _)| i).collect();
    let memories = target_memories(target);
    let mut regions: Vec<Region> = map.regions.iter().filter(|r| !memories.contains(&r.memory)).cloned().collect();
    for memory in memories {
        regions.extend(redivide(map, assembly, &relocated, memory, dead.get(&memory)));
    }
    AllocationMap::from_checked_regions(format!("{}-relocated", map.name), regions)
}

/// Who owns a word in the proposed map.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Owner {
    Dead,
    /// A region of the original map (by index).
    Region(usize),
}

fn redivide(
    map: &AllocationMap,
    assembly: &Assembly,
    relocated: &BTreeSet<usize>,
    memory: MemoryId,
    dead: Option<&BTreeSet<u32>>,
) -> Vec<Region> {
    let words = memory.words();
    let mut owner: Vec<Owner> = (0..words).map(|a| Owner::Region(map.region_index(memory, a))).collect();
    // The section of each placed word, for the section lists.
    let mut section_at: Vec<Option<usize>> = vec![None; words as usize];
    for w in assembly.words() {
        let a = w.address.get() as usize;
        section_at[a] = Some(w.section.index());
        if relocated.contains(&w.section.index())
            && let Some(home) = map.region_for_section(memory, &assembly.sections()[w.section.index()].name)
        {
            owner[a] = Owner::Region(map.regions.iter().position(|r| r == home).expect("a region of the map"));
        }
    }
    for &a in dead.into_iter().flatten().filter(|&&a| a < words) {
        owner[a as usize] = Owner::Dead;
    }

    // Runs of one owner.
    let mut runs: Vec<(Owner, u32, u32)> = Vec::new();
    for a in 0..words {
        match runs.last_mut() {
            Some((o, _, end)) if *o == owner[a as usize] => *end = a,
            _ => runs.push((owner[a as usize], a, a)),
        }
    }
    let sections_in =
        |start: u32, end: u32| -> BTreeSet<usize> { (start..=end).filter_map(|a| section_at[a as usize]).collect() };
    let mut names: BTreeSet<String> = map.regions_of(memory).map(|r| r.name.clone()).collect();
    let fresh = |base: &str, names: &mut BTreeSet<String>| {
        let name = (2..).map(|k| format!("{base}_{k}")).find(|n| !names.contains(n)).expect("a free name");
        names.insert(name.clone());
        name
    };
    let mut out: Vec<Region> = Vec::new();
    let mut dead_named = false;
    for (index, r) in map.regions.iter().enumerate().filter(|(_, r)| r.memory == memory) {
        let pieces: Vec<(u32, u32)> =
            runs.iter().filter(|(o, _, _)| *o == Owner::Region(index)).map(|&(_, s, e)| (s, e)).collect();
        if pieces.is_empty() {
            names.remove(&r.name);
            continue;
        }
        let listed = |s: usize| r.sections.contains(&assembly.sections()[s].name);
        let pinned = |s: usize| listed(s) && assembly.sections()[s].pinned;
        let count = |&(s, e): &(u32, u32), which: &dyn Fn(usize) -> bool| {
            (s..=e).filter(|&a| section_at[a as usize].is_some_and(which)).count()
        };
        // The piece anchored by the region's pinned words keeps its name, else the one
        // holding most of its sections' words, else the first.
        let named = (0..pieces.len())
            .max_by_key(|&i| (count(&pieces[i], &pinned), count(&pieces[i], &listed), std::cmp::Reverse(i)))
            .expect("a piece");
        let here: Vec<BTreeSet<String>> = pieces
            .iter()
            .map(|&(s, e)| {
                sections_in(s, e)
                    .into_iter()
                    .map(|i| assembly.sections()[i].name.clone())
                    .filter(|n| r.sections.contains(n))
                    .collect()
            })
            .collect();
        for (i, &(start, end)) in pieces.iter().enumerate() {
            let sections: Vec<String> = r
                .sections
                .iter()
                .filter(|s| here[i].contains(*s) || (i == named && !here.iter().any(|h| h.contains(*s))))
                .cloned()
                .collect();
            let name = if i == named { r.name.clone() } else { fresh(&r.name, &mut names) };
            out.push(Region { name, start, end, sections, position: Default::default(), ..r.clone() });
        }
    }
    for &(o, start, end) in &runs {
        if o == Owner::Dead {
            let name = if !dead_named && !names.contains("DEAD") {
                names.insert("DEAD".into());
                "DEAD".to_string()
            } else {
                fresh("DEAD", &mut names)
            };
            dead_named = true;
            out.push(Region {
                name,
                memory,
                start,
                end,
                purpose: Purpose::Spare,
                writable: false,
                sections: Vec::new(),
                note: Some("dead words: nothing may be placed here".into()),
                position: Default::default(),
            });
        }
    }
    out
}

/// Assemble `main`, lay its relocatable sections out around `dead` words of the target
/// memory (across regions where their own cannot hold them), assemble again at the new
/// addresses, propose the map and check the budget against it.
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

/// [`relocate`] a program already assembled, with `dead` words in the memory the target
/// lays out ([`layout_memory`]).
pub fn relocate_assembly(
    plain: &Assembly,
    map: &AllocationMap,
    target: Target,
    dead: &BTreeSet<u32>,
) -> Result<Relocation, RelocateError> {
    relocate_around(plain, map, target, &DeadWords::from([(layout_memory(target), dead.clone())]))
}

/// [`relocate`] a program already assembled, with dead words per CCS memory (with AB,
/// the dead words of both memories are avoided). It is assembled again from the very
/// files of `plain`, at the new addresses.
pub fn relocate_around(
    plain: &Assembly,
    map: &AllocationMap,
    target: Target,
    dead: &DeadWords,
) -> Result<Relocation, RelocateError> {
    let mut sources = ccs_asm::MemorySources::new();
    for (_, file) in plain.files().iter() {
        sources.insert(file.path(), file.text());
    }
    let main = plain.files().iter().next().map(|(_, f)| f.path().to_path_buf()).unwrap_or_default();
    let memories = target_memories(target);
    let avoided: BTreeSet<u32> =
        dead.iter().filter(|(m, _)| memories.contains(m)).flat_map(|(_, words)| words.iter().copied()).collect();
    let (options, placements) = place(plain, map, target, &avoided, true)?;
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
            let dead_here = (r.start..=r.end).filter(|a| avoided.contains(a)).count() as u32;
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
    let proposed = propose_map(map, &assembly, target, dead);
    let changes = diff_maps(map, &proposed);
    let budget = check(&Program::from_assembly(&main.display().to_string(), &assembly, target), &proposed);
    Ok(Relocation { assembly, placements, words_moved, space, proposed, changes, budget })
}
