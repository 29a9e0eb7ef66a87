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
