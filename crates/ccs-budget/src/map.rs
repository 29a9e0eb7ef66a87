//! Allocation maps: the six memories of the spacecraft set, each divided exactly once
//! into named regions with a purpose, a run-time write permission and the assembler
//! sections that belong in them. Written in RON (see `docs/budget.md`).

use ccs_core::MemoryId;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a region is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    TrapTable,
    FixedRoutines,
    Sequences,
    Data,
    Scratch,
    Spare,
}

impl Purpose {
    pub const fn name(self) -> &'static str {
        match self {
            Purpose::TrapTable => "trap table",
            Purpose::FixedRoutines => "fixed routines",
            Purpose::Sequences => "sequences",
            Purpose::Data => "data",
            Purpose::Scratch => "scratch",
            Purpose::Spare => "spare",
        }
    }
}

/// A region as written in the map file.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionEntry {
    name: String,
    start: u32,
    end: u32,
    purpose: Purpose,
    writable: bool,
    #[serde(default)]
    sections: Vec<String>,
    #[serde(default)]
    note: Option<String>,
}

/// A memory as written in the map file.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct MemoryEntry {
    memory: String,
    regions: Vec<RegionEntry>,
}

/// The map file.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct MapFile {
    #[serde(default)]
    name: Option<String>,
    memories: Vec<MemoryEntry>,
}

/// A line and column (1-based) in the map's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A checked region.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Region {
    pub name: String,
    pub memory: MemoryId,
    /// First and last address, inclusive.
    pub start: u32,
    pub end: u32,
    pub purpose: Purpose,
    /// Whether program stores may write it at run time (memory loads always may).
    pub writable: bool,
    pub sections: Vec<String>,
    pub note: Option<String>,
    /// Where the region is written in the map.
    #[serde(skip)]
    pub position: Position,
}

impl Region {
    pub fn capacity(&self) -> u32 {
        self.end - self.start + 1
    }

    pub fn contains(&self, addr: u32) -> bool {
        (self.start..=self.end).contains(&addr)
    }

    /// The region's range in the form the reports use: `0o0040-0o5177`.
    pub fn range_text(&self) -> String {
        format!("{}-{}", self.memory.addr(self.start), self.memory.addr(self.end))
    }
}

/// A checked allocation map. Regions cover each of the six memories exactly once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AllocationMap {
    pub name: String,
    /// All regions, memory by memory in [`MemoryId::ALL`] order, ascending addresses.
    pub regions: Vec<Region>,
    /// Per memory, the index into `regions` of the region holding each address.
    #[serde(skip)]
    region_of: Vec<Vec<u16>>,
}

/// What is wrong with a map.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MapError {
    #[error("{position}: {message}")]
    Syntax { position: Position, message: String },
    #[error("{position}: unknown memory {name:?}: use CCS-A, CCS-B, FDS-A, FDS-B, AACS-A or AACS-B")]
    UnknownMemory { position: Position, name: String },
    #[error("{position}: memory {memory} is described twice (first at {first})")]
    DuplicateMemory { position: Position, memory: &'static str, first: Position },
    #[error("the map does not describe memory {memory}: every one of the six memories needs its regions")]
    MissingMemory { memory: &'static str },
    #[error("{position}: region {region} of {memory}: bad range {start:#o}-{end:#o}: {reason}")]
    BadRange { position: Position, memory: &'static str, region: String, start: u32, end: u32, reason: String },
    #[error("{position}: {0}", position = .0.position)]
    Overlap(Box<Overlap>),
    #[error("{position}: {memory} words {start:#o}-{end:#o} ({words} words) belong to no region")]
    Gap { position: Position, memory: &'static str, start: u32, end: u32, words: u32 },
    #[error("{position}: {memory} has two regions named {region}")]
    DuplicateRegion { position: Position, memory: &'static str, region: String },
    #[error("{position}: section {section} is assigned to both {first} and {region} in {memory}")]
    SectionTwice { position: Position, memory: &'static str, section: String, first: String, region: String },
}

/// Two regions that claim the same words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("region {region} of {memory} ({range}) overlaps region {other} ({other_range}) by {words} words")]
pub struct Overlap {
    pub position: Position,
    pub memory: &'static str,
    pub region: String,
    pub range: String,
    pub other: String,
    pub other_range: String,
    pub words: u32,
}

impl MapError {
    pub fn position(&self) -> Option<Position> {
        match self {
            MapError::MissingMemory { .. } => None,
            MapError::Overlap(o) => Some(o.position),
            MapError::Syntax { position, .. }
            | MapError::UnknownMemory { position, .. }
            | MapError::DuplicateMemory { position, .. }
            | MapError::BadRange { position, .. }
            | MapError::Gap { position, .. }
            | MapError::DuplicateRegion { position, .. }
            | MapError::SectionTwice { position, .. } => Some(*position),
        }
    }
}

/// Finds where the k-th memory and its j-th region are written. ron reports positions
/// for syntax errors only, so semantic errors are located by scanning the text for the
/// `memory:` and `name:` keys in order (comments and strings blanked out first).
struct Locator {
    /// Byte offsets of each `memory:` key, and of the `name:` keys after each.
    memories: Vec<(usize, Vec<usize>)>,
    line_starts: Vec<usize>,
}

impl Locator {
    fn new(text: &str) -> Locator {
        let code = blank_comments_and_strings(text);
        let key = |at: usize, word: &str| {
            code[at..].starts_with(word)
                && (at == 0 || !is_ident(code.as_bytes()[at - 1]))
                && code[at + word.len()..].trim_start().starts_with(':')
        };
        let mut memories: Vec<(usize, Vec<usize>)> = Vec::new();
        for (at, _) in code.char_indices() {
            if key(at, "memory") {
                memories.push((at, Vec::new()));
            } else if key(at, "name")
                && let Some(last) = memories.last_mut()
            {
                last.1.push(at);
            }
        }
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Locator { memories, line_starts }
    }

    fn position(&self, offset: usize) -> Position {
        let line = self.line_starts.partition_point(|&s| s <= offset);
        Position { line, column: offset - self.line_starts[line - 1] + 1 }
    }

    fn memory(&self, k: usize) -> Position {
        self.memories.get(k).map_or_else(Position::default, |m| self.position(m.0))
    }

    fn region(&self, k: usize, j: usize) -> Position {
        match self.memories.get(k).and_then(|m| m.1.get(j)) {
            Some(&at) => self.position(at),
            None => self.memory(k),
        }
    }
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The text with comments and string contents replaced by spaces (offsets kept).
fn blank_comments_and_strings(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                out[i] = b' ';
                i += 1;
            }
        } else if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
            while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                out[i] = if b[i] == b'\n' { b'\n' } else { b' ' };
                i += 1;
            }
            let close = (i + 2).min(b.len());
            out[i..close].fill(b' ');
            i += 2;
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    out[i] = b' ';
                    i += 1;
                }
                if i < b.len() && b[i] != b'\n' {
                    out[i] = b' ';
                }
                i += 1;
            }
            i += 1;
        } else {
            i += 1;
        }
    }
    // Only ASCII bytes were replaced by ASCII bytes, so the text stays UTF-8... except
    // inside blanked multi-byte characters, which are now spaces too.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

impl AllocationMap {
    /// Parse and check a map. `name` is used when the file gives none.
    pub fn parse(text: &str, name: &str) -> Result<AllocationMap, MapError> {
        let file: MapFile = ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
            .from_str(text)
            .map_err(|e| MapError::Syntax {
                position: Position { line: e.span.start.line, column: e.span.start.col },
                message: e.code.to_string(),
            })?;
        let at = Locator::new(text);
        let mut seen: Vec<(MemoryId, Position)> = Vec::new();
        let mut regions: Vec<Region> = Vec::new();
        for (k, entry) in file.memories.iter().enumerate() {
            let position = at.memory(k);
            let memory = MemoryId::parse(&entry.memory)
                .ok_or_else(|| MapError::UnknownMemory { position, name: entry.memory.clone() })?;
            if let Some((_, first)) = seen.iter().find(|(m, _)| *m == memory) {
                return Err(MapError::DuplicateMemory { position, memory: memory.name(), first: *first });
            }
            seen.push((memory, position));
            let mut mine: Vec<Region> = Vec::new();
            for (j, r) in entry.regions.iter().enumerate() {
                let position = at.region(k, j);
                let bad = |reason: String| MapError::BadRange {
                    position,
                    memory: memory.name(),
                    region: r.name.clone(),
                    start: r.start,
                    end: r.end,
                    reason,
                };
                if r.start > r.end {
                    return Err(bad("the start is after the end".into()));
                }
                if r.end >= memory.words() {
                    return Err(bad(format!("{} has addresses 0-{:#o}", memory.name(), memory.words() - 1)));
                }
                if mine.iter().any(|m| m.name == r.name) {
                    return Err(MapError::DuplicateRegion { position, memory: memory.name(), region: r.name.clone() });
                }
                for section in &r.sections {
                    if let Some(first) = mine.iter().find(|m| m.sections.contains(section)) {
                        return Err(MapError::SectionTwice {
                            position,
                            memory: memory.name(),
                            section: section.clone(),
                            first: first.name.clone(),
                            region: r.name.clone(),
                        });
                    }
                }
                mine.push(Region {
                    name: r.name.clone(),
                    memory,
                    start: r.start,
                    end: r.end,
                    purpose: r.purpose,
                    writable: r.writable,
                    sections: r.sections.clone(),
                    note: r.note.clone(),
                    position,
                });
            }
            check_coverage(memory, position, &mut mine)?;
            regions.extend(mine);
        }
        for memory in MemoryId::ALL {
            if !seen.iter().any(|(m, _)| *m == memory) {
                return Err(MapError::MissingMemory { memory: memory.name() });
            }
        }
        regions.sort_by_key(|r| (r.memory.index(), r.start));
        Ok(AllocationMap::from_regions(file.name.unwrap_or_else(|| name.to_string()), regions))
    }

    fn from_regions(name: String, regions: Vec<Region>) -> AllocationMap {
        let mut region_of: Vec<Vec<u16>> = MemoryId::ALL.iter().map(|m| vec![0; m.words() as usize]).collect();
        for (i, r) in regions.iter().enumerate() {
            region_of[r.memory.index()][r.start as usize..=r.end as usize].fill(i as u16);
        }
        AllocationMap { name, regions, region_of }
    }

    /// Index into [`AllocationMap::regions`] of the region holding `addr`.
    #[inline]
    pub fn region_index(&self, memory: MemoryId, addr: u32) -> usize {
        self.region_of[memory.index()][addr as usize % memory.words() as usize] as usize
    }

    pub fn region_at(&self, memory: MemoryId, addr: u32) -> &Region {
        &self.regions[self.region_index(memory, addr)]
    }

    /// The region of `memory` that `section` belongs in.
    pub fn region_for_section(&self, memory: MemoryId, section: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.memory == memory && r.sections.iter().any(|s| s == section))
    }

    /// Regions of one memory, ascending.
    pub fn regions_of(&self, memory: MemoryId) -> impl Iterator<Item = &Region> {
        self.regions.iter().filter(move |r| r.memory == memory)
    }
}

/// Regions must cover `0..words` exactly once: no overlap, no gap.
fn check_coverage(memory: MemoryId, memory_position: Position, regions: &mut [Region]) -> Result<(), MapError> {
    regions.sort_by_key(|r| r.start);
    let mut next = 0u32;
    let mut previous: Option<&Region> = None;
    for r in regions.iter() {
        if r.start < next
            && let Some(p) = previous
        {
            return Err(MapError::Overlap(Box::new(Overlap {
                position: r.position,
                memory: memory.name(),
                region: r.name.clone(),
                range: r.range_text(),
                other: p.name.clone(),
                other_range: p.range_text(),
                words: next.min(r.end + 1) - r.start,
            })));
        }
        if r.start > next {
            return Err(MapError::Gap {
                position: r.position,
                memory: memory.name(),
                start: next,
                end: r.start - 1,
                words: r.start - next,
            });
        }
        next = r.end + 1;
        previous = Some(r);
    }
    if next < memory.words() {
        return Err(MapError::Gap {
            position: memory_position,
            memory: memory.name(),
            start: next,
            end: memory.words() - 1,
            words: memory.words() - next,
        });
    }
    Ok(())
}

// ----- writing a map, and the difference between two maps -----

impl AllocationMap {
    /// A map made of checked regions (each memory covered exactly once, which the caller
    /// guarantees), sorted as [`AllocationMap::parse`] sorts them.
    pub(crate) fn from_checked_regions(name: String, mut regions: Vec<Region>) -> AllocationMap {
        regions.sort_by_key(|r| (r.memory.index(), r.start));
        AllocationMap::from_regions(name, regions)
    }

    /// The map in its file format (what [`AllocationMap::parse`] reads back), addresses
    /// in octal as the bundled map writes them, `comment` as `//` lines at the top.
    pub fn to_ron(&self, comment: &str) -> String {
        // ron writes the strings (with their escapes) and the purpose names; the layout
        // is ours, so that a proposed map reads like the bundled one.
        let text = |s: &str| ron::to_string(s).unwrap_or_else(|_| format!("{s:?}"));
        let mut s = String::new();
        for line in comment.lines() {
            s += &if line.is_empty() { "//\n".to_string() } else { format!("// {line}\n") };
        }
        s += &format!("(\n    name: {},\n    memories: [\n", text(&self.name));
        for memory in MemoryId::ALL {
            let digits = memory.address_digits();
            s += &format!("        (\n            memory: {},\n            regions: [\n", text(memory.name()));
            for r in self.regions_of(memory) {
                let purpose = ron::to_string(&r.purpose).unwrap_or_default();
                s += &format!(
                    "                (name: {}, start: 0o{:0digits$o}, end: 0o{:0digits$o}, purpose: {purpose}, writable: {}",
                    text(&r.name),
                    r.start,
                    r.end,
                    r.writable
                );
                if !r.sections.is_empty() {
                    let list: Vec<String> = r.sections.iter().map(|x| text(x)).collect();
                    s += &format!(",\n                    sections: [{}]", list.join(", "));
                }
                if let Some(note) = &r.note {
                    s += &format!(",\n                    note: {}", text(note));
                }
                s += "),\n";
            }
            s += "            ],\n        ),\n";
        }
        s += "    ],\n)\n";
        s
    }
}

/// One difference between two maps, for one memory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum MapChange {
    /// A region of the same name covers other words (it grew, shrank or moved), or
    /// changed purpose or permission.
    Changed {
        memory: &'static str,
        region: String,
        before: (u32, u32),
        after: (u32, u32),
        purpose: Option<(Purpose, Purpose)>,
        writable: Option<(bool, bool)>,
    },
    /// A region only the new map has.
    Added { memory: &'static str, region: String, range: (u32, u32), purpose: Purpose, writable: bool },
    /// A region only the old map has.
    Removed { memory: &'static str, region: String, range: (u32, u32) },
    /// Sections listed in another region (or in none) in the new map.
    Sections { memory: &'static str, sections: Vec<String>, from: Option<String>, to: Option<String> },
}

/// How `new` differs from `old`, memory by memory: regions first (in the new map's
/// order, then the removed ones), then the sections that changed region.
pub fn diff_maps(old: &AllocationMap, new: &AllocationMap) -> Vec<MapChange> {
    let mut changes = Vec::new();
    for memory in MemoryId::ALL {
        let find = |map: &'_ AllocationMap, name: &str| -> Option<Region> {
            map.regions_of(memory).find(|r| r.name == name).cloned()
        };
        for r in new.regions_of(memory) {
            match find(old, &r.name) {
                None => changes.push(MapChange::Added {
                    memory: memory.name(),
                    region: r.name.clone(),
                    range: (r.start, r.end),
                    purpose: r.purpose,
                    writable: r.writable,
                }),
                Some(o) => {
                    let purpose = (o.purpose != r.purpose).then_some((o.purpose, r.purpose));
                    let writable = (o.writable != r.writable).then_some((o.writable, r.writable));
                    if (o.start, o.end) != (r.start, r.end) || purpose.is_some() || writable.is_some() {
                        changes.push(MapChange::Changed {
                            memory: memory.name(),
                            region: r.name.clone(),
                            before: (o.start, o.end),
                            after: (r.start, r.end),
                            purpose,
                            writable,
                        });
                    }
                }
            }
        }
        for o in old.regions_of(memory).filter(|o| find(new, &o.name).is_none()) {
            changes.push(MapChange::Removed { memory: memory.name(), region: o.name.clone(), range: (o.start, o.end) });
        }
        // Sections, grouped by (from, to) in the order they are first listed.
        let home = |map: &AllocationMap, section: &str| map.region_for_section(memory, section).map(|r| r.name.clone());
        let mut names: Vec<&String> = Vec::new();
        for r in old.regions_of(memory).chain(new.regions_of(memory)) {
            for s in &r.sections {
                if !names.contains(&s) {
                    names.push(s);
                }
            }
        }
        let mut groups: Vec<(Option<String>, Option<String>, Vec<String>)> = Vec::new();
        for s in names {
            let (from, to) = (home(old, s), home(new, s));
            if from == to {
                continue;
            }
            match groups.iter_mut().find(|g| g.0 == from && g.1 == to) {
                Some(g) => g.2.push(s.clone()),
                None => groups.push((from, to, vec![s.clone()])),
            }
        }
        changes.extend(groups.into_iter().map(|(from, to, sections)| MapChange::Sections {
            memory: memory.name(),
            sections,
            from,
            to,
        }));
    }
    changes
}

fn range_text(memory: &str, (start, end): (u32, u32)) -> String {
    let digits = MemoryId::parse(memory).map_or(4, MemoryId::address_digits);
    format!("0o{start:0digits$o}-0o{end:0digits$o}")
}

fn permission(writable: bool) -> &'static str {
    if writable { "writable" } else { "read-only" }
}

impl fmt::Display for MapChange {
    /// One line: `CCS-A  FIXED      0o0040-0o5177 -> 0o0040-0o4777  shrank by 128 words (2656 -> 2528)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MapChange::Changed { memory, region, before, after, purpose, writable } => {
                let (old, new) = (before.1 - before.0 + 1, after.1 - after.0 + 1);
                let overlap = before.0.max(after.0) <= before.1.min(after.1);
                let mut how: Vec<String> = Vec::new();
                if !overlap {
                    how.push("moved".into());
                }
                match new.cmp(&old) {
                    std::cmp::Ordering::Greater => how.push(format!("grew by {} words ({old} -> {new})", new - old)),
                    std::cmp::Ordering::Less => how.push(format!("shrank by {} words ({old} -> {new})", old - new)),
                    std::cmp::Ordering::Equal if overlap && before != after => how.push("shifted".into()),
                    std::cmp::Ordering::Equal => {}
                }
                if let Some((a, b)) = purpose {
                    how.push(format!("purpose {} -> {}", a.name(), b.name()));
                }
                if let Some((a, b)) = writable {
                    how.push(format!("{} -> {}", permission(*a), permission(*b)));
                }
                let ranges = if before == after {
                    range_text(memory, *before)
                } else {
                    format!("{} -> {}", range_text(memory, *before), range_text(memory, *after))
                };
                write!(f, "{memory:<6} {region:<10} {ranges}  {}", how.join(", "))
            }
            MapChange::Added { memory, region, range, purpose, writable } => write!(
                f,
                "{memory:<6} {region:<10} new: {} ({} words), {}, {}",
                range_text(memory, *range),
                range.1 - range.0 + 1,
                purpose.name(),
                permission(*writable)
            ),
            MapChange::Removed { memory, region, range } => write!(
                f,
                "{memory:<6} {region:<10} removed: {} ({} words)",
                range_text(memory, *range),
                range.1 - range.0 + 1
            ),
            MapChange::Sections { memory, sections, from, to } => {
                let none = || "no region".to_string();
                write!(
                    f,
                    "{memory:<6} section{} {}: {} -> {}",
                    if sections.len() == 1 { "" } else { "s" },
                    sections.join(", "),
                    from.clone().unwrap_or_else(none),
                    to.clone().unwrap_or_else(none)
                )
            }
        }
    }
}
