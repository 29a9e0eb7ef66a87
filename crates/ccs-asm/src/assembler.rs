//! The two passes (spec §11).
//!
//! Pass 1 reads every line in source order, following `.include`s: it binds labels,
//! evaluates the expressions that may only look back (`.org`, `.zero`, `.equ`,
//! section limits), and gives every emitted word its address and section. Every
//! instruction is one word and `.word` has one word per item, so addresses are known
//! without evaluating operands. Pass 2 evaluates the operands and `.word` values,
//! which may use symbols defined anywhere, and encodes them through the core's
//! instruction table.
//!
//! Errors are collected, never fatal. A failed `.org`, `.zero` or `.equ` leaves the
//! affected values *unknown* rather than wrong: labels bound while the location
//! counter is unknown, and symbols defined from failed expressions, carry no value,
//! and every later use of them stays silent instead of piling up follow-on errors.

use crate::assembly::{AsmOutput, Assembly, ListingLine, Section, SectionId, SectionLimit, Symbol, SymbolKind};
use crate::diagnostic::{Diagnostic, ErrorKind, Location};
use crate::expr::{Expr, Overflow};
use crate::lexer::lex_line;
use crate::parser::{Body, Line, Name, Operand, Problem, describe_operand, parse_line};
use crate::source::{
    FileId, MemorySources, PROGRAM_SOURCE_BYTES, SourceFiles, Sources, include_target, normalize_path,
};
use ccs_core::isa::OperandError;
use ccs_core::{Addr, Image, ImageKind, Opcode, Target, Word, abbreviate};
use std::collections::{BinaryHeap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Words of CCS memory: addresses 0..4095.
const MEMORY_WORDS: i64 = 4096;
/// Deepest include (C11: the main file is depth 0).
pub const MAX_INCLUDE_DEPTH: usize = 16;
/// Range of a `.word` value (spec §11): signed or unsigned 18-bit.
const WORD_VALUES: std::ops::RangeInclusive<i64> = -131072..=262143;
/// Name of the section in force at the start of every program.
pub const INITIAL_SECTION: &str = "main";
/// Diagnostics an assembly keeps: the first ones in source order. The others are only
/// counted ([`AsmOutput::omitted`]), so a file of a million bad lines costs no more
/// memory or output than one of fifty.
pub const MAX_DIAGNOSTICS: usize = 50;

/// Assemble the program whose main file is `main`, reading it and its includes
/// through `sources`.
pub fn assemble(main: impl AsRef<Path>, sources: &dyn Sources) -> AsmOutput {
    assemble_with(main, sources, &AsmOptions::default())
}

/// Options of an assembly.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AsmOptions {
    /// Bases of relocated sections (the result of a layout step). A section named
    /// here gets a location counter of its own, starting at its base: every piece of it
    /// continues where the previous piece of the same section ended, so the section is
    /// contiguous wherever its pieces stand in the source. Other sections share the
    /// ordinary location counter, as without a layout.
    pub bases: std::collections::BTreeMap<String, u32>,
}

/// [`assemble`] with options (a relocation layout).
pub fn assemble_with(main: impl AsRef<Path>, sources: &dyn Sources, options: &AsmOptions) -> AsmOutput {
    let mut assembler = Assembler::new(sources);
    assembler.bases = options.bases.clone();
    if let Some(&base) = options.bases.get(INITIAL_SECTION) {
        assembler.sections[0].base = Some(base);
        assembler.location_counter = Some(base as i64);
    }
    assembler.run(main.as_ref())
}

/// Assemble one in-memory source text without includes (an `.include` in it
/// reports "include not found"). `name` is used in messages.
pub fn assemble_str(name: &str, text: &str) -> AsmOutput {
    let sources = MemorySources::new().with(name, text);
    assemble(name, &sources)
}

struct SymbolEntry {
    name: Box<str>,
    /// `None`: unknown because of an earlier error (uses stay silent).
    value: Option<i64>,
    kind: SymbolKind,
    location: Location,
    /// Index of the defining line in `Assembler::lines`.
    line: usize,
}

struct Slot {
    address: u32,
    /// `None` until pass 2 encodes it, and for good when its operand is bad.
    word: Option<Word>,
    section: usize,
    location: Location,
}

/// Pass-2 work: an operand or `.word` value to evaluate and encode.
struct Deferred {
    line: usize,
    file: FileId,
    /// `$` of the line.
    here: Option<i64>,
    /// Where the word goes (`None` when it has no address, e.g. beyond 4095; the
    /// expression is still checked).
    slot: Option<usize>,
    expr: Expr,
    /// `Some`: an instruction operand; `None`: a `.word` value.
    opcode: Option<Opcode>,
}

/// A symbol that a look-back expression (`.org`, `.zero`, `.equ`, limit) did not find
/// yet; after pass 1 it is classed as defined later or undefined.
struct EarlyMiss {
    name: Box<str>,
    file: FileId,
    span: Range<usize>,
    line: usize,
}

/// Errors reported at most once per line (a long `.zero` past 4095 is one error).
#[derive(Default)]
struct LineEmitState {
    beyond_reported: bool,
    overlap_reported: bool,
}

const FREE: u32 = u32::MAX;

/// A diagnostic ranked by the line it belongs to, then by when it was reported.
struct Ranked {
    line: usize,
    order: usize,
    diagnostic: Diagnostic,
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Ranked) -> bool {
        (self.line, self.order) == (other.line, other.order)
    }
}

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Ranked) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    fn cmp(&self, other: &Ranked) -> std::cmp::Ordering {
        (self.line, self.order).cmp(&(other.line, other.order))
    }
}

struct Assembler<'s> {
    sources: &'s dyn Sources,
    files: SourceFiles,
    file_ids: HashMap<PathBuf, FileId>,
    /// Bytes of source read so far (main file and includes).
    source_bytes: u64,
    /// The first [`MAX_DIAGNOSTICS`] diagnostics by line (a max-heap: the last one is
    /// dropped when another comes before it).
    diagnostics: BinaryHeap<Ranked>,
    /// Diagnostics reported in all, kept or not.
    reported: usize,
    symbols: Vec<SymbolEntry>,
    symbol_ids: HashMap<Box<str>, usize>,
    sections: Vec<Section>,
    section_ids: HashMap<String, usize>,
    section: usize,
    /// `None`: unknown after a failed `.org` or `.zero`.
    location_counter: Option<i64>,
    /// Bases of relocated sections ([`AsmOptions::bases`]).
    bases: std::collections::BTreeMap<String, u32>,
    /// Where each relocated section's own location counter stands, by section index.
    section_counters: HashMap<usize, Option<i64>>,
    /// The shared location counter, saved while a relocated section is in force.
    shared_counter: Option<i64>,
    /// Slot index holding each address, or `FREE`.
    owner: Vec<u32>,
    slots: Vec<Slot>,
    lines: Vec<ListingLine>,
    deferred: Vec<Deferred>,
    early_misses: Vec<EarlyMiss>,
}

impl<'s> Assembler<'s> {
    fn new(sources: &'s dyn Sources) -> Assembler<'s> {
        let main_section = Section {
            name: INITIAL_SECTION.to_string(),
            limit: None,
            words: 0,
            ranges: Vec::new(),
            pinned: false,
            base: None,
        };
        Assembler {
            sources,
            files: SourceFiles::default(),
            file_ids: HashMap::new(),
            source_bytes: 0,
            diagnostics: BinaryHeap::new(),
            reported: 0,
            symbols: Vec::new(),
            symbol_ids: HashMap::new(),
            sections: vec![main_section],
            section_ids: HashMap::from([(INITIAL_SECTION.to_string(), 0)]),
            section: 0,
            location_counter: Some(0),
            bases: Default::default(),
            section_counters: HashMap::new(),
            shared_counter: Some(0),
            owner: vec![FREE; MEMORY_WORDS as usize],
            slots: Vec::new(),
            lines: Vec::new(),
            deferred: Vec::new(),
            early_misses: Vec::new(),
        }
    }

    fn run(mut self, main: &Path) -> AsmOutput {
        let main = normalize_path(main);
        match self.sources.read(&main) {
            Ok(text) => {
                self.source_bytes = text.len() as u64;
                let id = self.files.add(main.clone(), text);
                self.file_ids.insert(main.clone(), id);
                self.pass1_file(id, 0, &mut vec![main]);
            }
            Err(e) => {
                let diagnostic = Diagnostic {
                    kind: ErrorKind::MainFileUnreadable,
                    message: format!("cannot read `{}`: {e}", abbreviate(&main.to_string_lossy())),
                    location: None,
                    explanation: String::new(),
                    related: Vec::new(),
                    notes: Vec::new(),
                };
                return AsmOutput {
                    files: Arc::new(self.files),
                    assembly: None,
                    diagnostics: vec![diagnostic],
                    omitted: 0,
                };
            }
        }
        self.classify_early_misses();
        self.pass2();
        self.check_section_limits();
        self.finish()
    }

    fn location(&self, file: FileId, span: Range<usize>) -> Location {
        Location::new(&self.files, file, span)
    }

    fn report(&mut self, line: usize, diagnostic: Diagnostic) {
        self.diagnostics.push(Ranked { line, order: self.reported, diagnostic });
        self.reported += 1;
        if self.diagnostics.len() > MAX_DIAGNOSTICS {
            self.diagnostics.pop();
        }
    }

    fn report_problem(&mut self, line: usize, file: FileId, problem: Problem) {
        let mut d = Diagnostic::new(problem.kind, problem.message, self.location(file, problem.span))
            .explained(problem.explanation);
        d.notes = problem.notes;
        self.report(line, d);
    }

    // ---------------------------------------------------------------- pass 1

    fn pass1_file(&mut self, file: FileId, depth: usize, include_stack: &mut Vec<PathBuf>) {
        let Some(text) = self.files.get(file).map(|f| f.shared_text()) else {
            return;
        };
        let mut start = 0;
        let mut line_number = 1;
        while start < text.len() {
            let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
            self.pass1_line(file, line_number, &text[start..end], start, depth, include_stack);
            start = end + 1;
            line_number += 1;
        }
    }

    fn pass1_line(
        &mut self,
        file: FileId,
        line_number: usize,
        text: &str,
        base: usize,
        depth: usize,
        include_stack: &mut Vec<PathBuf>,
    ) {
        let line = self.lines.len();
        let here = self.location_counter;
        let first_slot = self.slots.len();
        self.lines.push(ListingLine {
            file,
            line: line_number,
            address: here,
            section: SectionId(self.section),
            words: first_slot..first_slot,
            zero_fill: false,
        });
        let mut tokens = Vec::new();
        lex_line(text, base, &mut tokens);
        if tokens.is_empty() {
            return;
        }
        let mut problems = Vec::new();
        let parsed = parse_line(&tokens, &mut problems);
        for problem in problems {
            self.report_problem(line, file, problem);
        }
        if let Some(label) = &parsed.label {
            self.bind_label(line, file, label, &parsed.body, here);
        }
        let mut emit_state = LineEmitState::default();
        let Line { body, body_span, .. } = parsed;
        match body {
            Body::Empty | Body::Invalid => {}
            Body::Instruction { opcode, operand } => {
                let location = self.location(file, body_span);
                let slot = self.emit(line, &location, None, &mut emit_state);
                match operand {
                    // Absent is allowed only where the field is 0 (no operand, or
                    // HLT's default code), so encoding cannot fail.
                    Operand::Absent => {
                        if let (Some(slot), Ok(word)) = (slot, opcode.encode_value(0)) {
                            self.slots[slot].word = Some(word);
                        }
                    }
                    Operand::Expr(expr) => {
                        self.deferred.push(Deferred { line, file, here, slot, expr, opcode: Some(opcode) });
                    }
                    Operand::Invalid => {}
                }
            }
            Body::UnknownMnemonic => {
                // Keep the addresses after it where the author meant them.
                self.location_counter = here.and_then(|a| a.checked_add(1));
            }
            Body::Word(items) => {
                for item in items {
                    let span = item.as_ref().map_or(body_span.clone(), |e| e.span.clone());
                    let location = self.location(file, span);
                    let slot = self.emit(line, &location, None, &mut emit_state);
                    // Values past address 4095 are not checked further: the line has
                    // its error already, and a long one would queue work for nothing.
                    let beyond = slot.is_none() && emit_state.beyond_reported;
                    if let Some(expr) = item.filter(|_| !beyond) {
                        self.deferred.push(Deferred { line, file, here, slot, expr, opcode: None });
                    }
                }
            }
            Body::Zero(count) => {
                let count = count.and_then(|e| self.evaluate_early(line, file, &e, here).map(|v| (v, e.span)));
                match count {
                    Some((n, _)) if n >= 0 => {
                        let location = self.location(file, body_span);
                        self.emit_zeros(line, &location, n, &mut emit_state);
                        self.lines[line].zero_fill = true;
                    }
                    Some((n, span)) => {
                        let d = Diagnostic::new(
                            ErrorKind::ValueOutOfRange,
                            format!(".zero count {n} is out of range: a count of words is >= 0"),
                            self.location(file, span),
                        )
                        .explained("negative count");
                        self.report(line, d);
                        self.location_counter = None;
                    }
                    None => self.location_counter = None,
                }
            }
            Body::Org(address) => {
                self.sections[self.section].pinned = true;
                let value = address.and_then(|e| self.evaluate_early(line, file, &e, here).map(|v| (v, e.span)));
                self.location_counter = match value {
                    Some((a, _)) if (0..MEMORY_WORDS).contains(&a) => Some(a),
                    Some((a, span)) => {
                        let d = Diagnostic::new(
                            ErrorKind::ValueOutOfRange,
                            format!(".org address {} is out of range 0..4095", describe_value(a)),
                            self.location(file, span),
                        )
                        .explained(format!("{} is not an address", describe_value(a)));
                        self.report(line, d);
                        None
                    }
                    None => None,
                };
            }
            Body::Equ { name, value } => {
                let value = value.and_then(|e| self.evaluate_early(line, file, &e, here));
                if let Some(name) = name {
                    self.define(line, file, &name, value, SymbolKind::Constant);
                }
            }
            Body::Section { name, limit } => self.section_directive(line, file, name, limit, here, &body_span),
            Body::Include(path) => {
                if let Some(path) = path {
                    self.include(line, file, &path, depth, include_stack);
                }
                // The include line itself emits nothing; its words belong to the
                // included lines.
                return;
            }
        }
        self.lines[line].words = first_slot..self.slots.len();
    }

    fn bind_label(&mut self, line: usize, file: FileId, label: &Name<'_>, body: &Body<'_>, here: Option<i64>) {
        let forbidden_with = match body {
            Body::Org(_) => Some(".org"),
            Body::Equ { .. } => Some(".equ"),
            Body::Include(_) => Some(".include"),
            _ => None,
        };
        match forbidden_with {
            None => self.define(line, file, label, here, SymbolKind::Label),
            Some(directive) => {
                let d = Diagnostic::new(
                    ErrorKind::LabelNotAllowed,
                    format!("a label cannot share a line with {directive}"),
                    self.location(file, label.span.clone()),
                )
                .explained("label not allowed here")
                .with_note(format!("put the label on a line of its own (before or after the {directive})"));
                self.report(line, d);
                // Still a known name, so its uses report nothing further.
                self.define(line, file, label, None, SymbolKind::Label);
            }
        }
    }

    fn define(&mut self, line: usize, file: FileId, name: &Name<'_>, value: Option<i64>, kind: SymbolKind) {
        let location = self.location(file, name.span.clone());
        if let Some(&first) = self.symbol_ids.get(name.text) {
            let first = &self.symbols[first];
            let d = Diagnostic::new(
                ErrorKind::DuplicateSymbol,
                format!(
                    "duplicate symbol `{}`: already defined at {}",
                    name.text,
                    self.files.describe(&first.location)
                ),
                location,
            )
            .explained("defined again here")
            .with_related(first.location.clone(), "first defined here");
            self.report(line, d);
            return;
        }
        self.symbol_ids.insert(name.text.into(), self.symbols.len());
        self.symbols.push(SymbolEntry { name: name.text.into(), value, kind, location, line });
    }

    /// Give the next word its address and section; `None` when it has none (unknown
    /// location counter, beyond 4095, or an address already used), after reporting.
    fn emit(
        &mut self,
        line: usize,
        location: &Location,
        word: Option<Word>,
        state: &mut LineEmitState,
    ) -> Option<usize> {
        let address = self.location_counter?;
        self.location_counter = address.checked_add(1);
        if !(0..MEMORY_WORDS).contains(&address) {
            if !state.beyond_reported {
                state.beyond_reported = true;
                let d = Diagnostic::new(
                    ErrorKind::AddressBeyondMemory,
                    format!("word emitted at address {address} (0o{address:o}), beyond the last address 4095 (0o7777)"),
                    location.clone(),
                )
                .explained("no memory at this address");
                self.report(line, d);
            }
            return None;
        }
        let owner = self.owner[address as usize];
        if owner != FREE {
            if !state.overlap_reported {
                state.overlap_reported = true;
                let first = self.slots[owner as usize].location.clone();
                let d = Diagnostic::new(
                    ErrorKind::AddressOverlap,
                    format!(
                        "address 0o{address:04o} emitted twice: it already holds the word from {}",
                        self.files.describe(&first)
                    ),
                    location.clone(),
                )
                .explained("second word for the same address")
                .with_related(first, "first word at this address")
                .with_note("two .org ranges overlap");
                self.report(line, d);
            }
            return None;
        }
        let address = address as u32;
        let index = self.slots.len();
        self.slots.push(Slot { address, word, section: self.section, location: location.clone() });
        self.owner[address as usize] = index as u32;
        let section = &mut self.sections[self.section];
        section.words += 1;
        match section.ranges.last_mut() {
            Some(run) if run.end == address => run.end += 1,
            _ => section.ranges.push(address..address + 1),
        }
        Some(index)
    }

    fn emit_zeros(&mut self, line: usize, location: &Location, count: i64, state: &mut LineEmitState) {
        let Some(start) = self.location_counter else {
            return;
        };
        // Emit the words that can exist, plus one past the end so that an overlong
        // `.zero` reports "beyond 4095" once, then jump over the rest.
        let emitted = count.min((MEMORY_WORDS - start).max(0) + 1);
        for _ in 0..emitted {
            self.emit(line, location, Some(Word::ZERO), state);
        }
        self.location_counter = start.checked_add(count);
        if self.location_counter.is_none() {
            let d = Diagnostic::new(
                ErrorKind::ValueOutOfRange,
                "the location counter leaves the signed 64-bit range",
                location.clone(),
            );
            self.report(line, d);
        }
    }

    fn section_directive(
        &mut self,
        line: usize,
        file: FileId,
        name: Option<Name<'_>>,
        limit: Option<Option<Expr>>,
        here: Option<i64>,
        body_span: &Range<usize>,
    ) {
        // Evaluated first so its own errors are reported even when it is redundant.
        let limit = limit.map(|expr| match expr {
            Some(e) => (self.evaluate_early(line, file, &e, here), e.span),
            None => (None, body_span.clone()),
        });
        let Some(name) = name else {
            return;
        };
        let id = match self.section_ids.get(name.text) {
            Some(&id) => id,
            None => {
                let id = self.sections.len();
                let base = self.bases.get(name.text).copied();
                self.sections.push(Section {
                    name: name.text.to_string(),
                    limit: None,
                    words: 0,
                    ranges: Vec::new(),
                    pinned: false,
                    base,
                });
                self.section_ids.insert(name.text.to_string(), id);
                id
            }
        };
        if let Some((value, span)) = limit {
            let location = self.location(file, span);
            if let Some(existing) = &self.sections[id].limit {
                // C6 (a): any second limit, even an equal one.
                let d = Diagnostic::new(
                    ErrorKind::LimitRedeclared,
                    format!(
                        "limit redeclared: section `{}` already has a limit of {} words (set at {})",
                        name.text,
                        existing.words,
                        self.files.describe(&existing.location)
                    ),
                    location,
                )
                .explained("second limit")
                .with_related(existing.location.clone(), "first limit")
                .with_note("a section limit, once declared, cannot change; re-enter the section with `.section NAME`");
                self.report(line, d);
            } else {
                match value {
                    Some(words) if words >= 0 => {
                        self.sections[id].limit = Some(SectionLimit { words: words as u64, location });
                    }
                    Some(words) => {
                        let d = Diagnostic::new(
                            ErrorKind::ValueOutOfRange,
                            format!("section limit {words} is out of range: a limit in words is >= 0"),
                            location,
                        )
                        .explained("negative limit");
                        self.report(line, d);
                    }
                    None => {}
                }
            }
        }
        self.switch_section(id);
        self.lines[line].section = SectionId(id);
    }

    /// Make `id` the section in force. With a layout, a relocated section has its own
    /// location counter; the others share one.
    fn switch_section(&mut self, id: usize) {
        if id == self.section {
            return;
        }
        if self.sections[self.section].base.is_some() {
            self.section_counters.insert(self.section, self.location_counter);
        } else {
            self.shared_counter = self.location_counter;
        }
        self.location_counter = match self.sections[id].base {
            Some(base) => *self.section_counters.entry(id).or_insert(Some(base as i64)),
            None => self.shared_counter,
        };
        self.section = id;
    }

    fn include(&mut self, line: usize, file: FileId, path: &Name<'_>, depth: usize, include_stack: &mut Vec<PathBuf>) {
        let location = self.location(file, path.span.clone());
        let including = self.files.get(file).map(|f| f.path().to_path_buf()).unwrap_or_default();
        let target = include_target(&including, path.text);
        let shown = abbreviate(&target.to_string_lossy()).into_owned();
        if let Some(open) = include_stack.iter().position(|p| *p == target) {
            let chain: Vec<String> =
                include_stack[open..].iter().chain([&target]).map(|p| p.display().to_string()).collect();
            let d = Diagnostic::new(
                ErrorKind::IncludeRecursive,
                format!("recursive include: `{shown}` is already being assembled"),
                location,
            )
            .explained("includes itself")
            .with_note(format!("include chain: {}", chain.join(" -> ")));
            self.report(line, d);
            return;
        }
        if depth + 1 > MAX_INCLUDE_DEPTH {
            let d = Diagnostic::new(
                ErrorKind::IncludeTooDeep,
                format!(
                    "include nested deeper than {MAX_INCLUDE_DEPTH}: `{shown}` would be opened at depth {}",
                    depth + 1
                ),
                location,
            )
            .explained("too deep")
            .with_note(format!("the main file is depth 0; includes may nest down to depth {MAX_INCLUDE_DEPTH}"));
            self.report(line, d);
            return;
        }
        let id = match self.file_ids.get(&target) {
            Some(&id) => id,
            None => match self.sources.read(&target) {
                Ok(text) if self.source_bytes + text.len() as u64 > PROGRAM_SOURCE_BYTES => {
                    let d = Diagnostic::new(
                        ErrorKind::IncludeNotFound,
                        format!(
                            "cannot include `{shown}`: the program's sources would pass {} MiB in all",
                            PROGRAM_SOURCE_BYTES >> 20
                        ),
                        location,
                    )
                    .explained("too much source");
                    self.report(line, d);
                    return;
                }
                Ok(text) => {
                    self.source_bytes += text.len() as u64;
                    let id = self.files.add(target.clone(), text);
                    self.file_ids.insert(target.clone(), id);
                    id
                }
                Err(e) => {
                    let message = if e.kind() == std::io::ErrorKind::NotFound {
                        format!("include not found: `{shown}`")
                    } else {
                        format!("cannot read include `{shown}`: {e}")
                    };
                    let d = Diagnostic::new(ErrorKind::IncludeNotFound, message, location)
                        .explained("cannot read this file")
                        .with_note(format!(
                            "include paths are relative to the including file, `{}`",
                            including.display()
                        ));
                    self.report(line, d);
                    return;
                }
            },
        };
        include_stack.push(target);
        self.pass1_file(id, depth + 1, include_stack);
        include_stack.pop();
    }

    /// Value of a look-back expression (spec §11: `.org`, `.zero`, `.equ` and limits
    /// may use only symbols defined earlier). A symbol not found yet is remembered
    /// and classified after pass 1.
    fn evaluate_early(&mut self, line: usize, file: FileId, expr: &Expr, here: Option<i64>) -> Option<i64> {
        let mut misses = Vec::new();
        let symbols = &self.symbols;
        let symbol_ids = &self.symbol_ids;
        let result = expr.evaluate(here, &mut |name, span| match symbol_ids.get(name) {
            Some(&id) => symbols[id].value,
            None => {
                misses.push(EarlyMiss { name: name.into(), file, span: span.clone(), line });
                None
            }
        });
        self.early_misses.extend(misses);
        self.checked(line, file, expr, result)
    }

    fn checked(
        &mut self,
        line: usize,
        file: FileId,
        expr: &Expr,
        result: Result<Option<i64>, Overflow>,
    ) -> Option<i64> {
        match result {
            Ok(value) => value,
            Err(Overflow) => {
                let d = Diagnostic::new(
                    ErrorKind::ValueOutOfRange,
                    "expression out of range: it leaves the signed 64-bit range",
                    self.location(file, expr.span.clone()),
                )
                .explained("overflows")
                .with_note("expressions are evaluated in 64-bit signed integers and do not wrap around");
                self.report(line, d);
                None
            }
        }
    }

    fn undefined_symbol(&self, name: &str, file: FileId, span: Range<usize>) -> Diagnostic {
        let mut d = Diagnostic::new(
            ErrorKind::UndefinedSymbol,
            format!("undefined symbol `{}`", abbreviate(name)),
            self.location(file, span),
        )
        .explained("not defined anywhere");
        if let Some(other) = self.symbols.iter().find(|s| s.name.eq_ignore_ascii_case(name)) {
            d = d.with_note(format!("symbols are case-sensitive: did you mean `{}`?", other.name));
        }
        d
    }

    fn classify_early_misses(&mut self) {
        for miss in std::mem::take(&mut self.early_misses) {
            let d = match self.symbol_ids.get(&miss.name) {
                Some(&id) if self.symbols[id].line == miss.line => Diagnostic::new(
                    ErrorKind::UndefinedSymbol,
                    format!("undefined symbol `{}`: it is used in its own definition", abbreviate(&miss.name)),
                    self.location(miss.file, miss.span),
                )
                .explained("not defined yet"),
                Some(&id) => {
                    let definition = self.symbols[id].location.clone();
                    Diagnostic::new(
                        ErrorKind::SymbolDefinedLater,
                        format!(
                            "symbol `{}` is defined later (at {}); .org, .zero, .equ and section limits may only use symbols defined earlier",
                            miss.name,
                            self.files.describe(&definition)
                        ),
                        self.location(miss.file, miss.span),
                    )
                    .explained("not defined yet at this point")
                    .with_related(definition, "defined here")
                }
                None => self.undefined_symbol(&miss.name, miss.file, miss.span),
            };
            self.report(miss.line, d);
        }
    }

    // ---------------------------------------------------------------- pass 2

    fn pass2(&mut self) {
        for work in std::mem::take(&mut self.deferred) {
            let mut undefined = Vec::new();
            let result = {
                let symbols = &self.symbols;
                let symbol_ids = &self.symbol_ids;
                work.expr.evaluate(work.here, &mut |name, span| match symbol_ids.get(name) {
                    Some(&id) => symbols[id].value,
                    None => {
                        undefined.push((name.to_string(), span.clone()));
                        None
                    }
                })
            };
            for (name, span) in undefined {
                let d = self.undefined_symbol(&name, work.file, span);
                self.report(work.line, d);
            }
            let Some(value) = self.checked(work.line, work.file, &work.expr, result) else {
                continue;
            };
            let word = match work.opcode {
                Some(opcode) => self.encode_operand(&work, opcode, value),
                None => self.encode_data(&work, value),
            };
            if let (Some(word), Some(slot)) = (word, work.slot) {
                self.slots[slot].word = Some(word);
            }
        }
    }

    fn encode_operand(&mut self, work: &Deferred, opcode: Opcode, value: i64) -> Option<Word> {
        match opcode.encode_value(value) {
            Ok(word) => Some(word),
            Err(OperandError::OutOfRange { .. }) => {
                let kind = opcode.info().operand;
                let d = Diagnostic::new(
                    ErrorKind::ValueOutOfRange,
                    format!(
                        "value {} is out of range for {}: it takes {}",
                        describe_value(value),
                        opcode.mnemonic(),
                        describe_operand(kind)
                    ),
                    self.location(work.file, work.expr.span.clone()),
                )
                .explained("does not fit the operand field");
                self.report(work.line, d);
                None
            }
            Err(OperandError::Forbidden) => {
                // The parser rejects operands of no-operand instructions; kept for
                // completeness should the table change.
                let d = Diagnostic::new(
                    ErrorKind::ForbiddenOperand,
                    format!("forbidden operand: {} takes no operand", opcode.mnemonic()),
                    self.location(work.file, work.expr.span.clone()),
                );
                self.report(work.line, d);
                None
            }
        }
    }

    fn encode_data(&mut self, work: &Deferred, value: i64) -> Option<Word> {
        if WORD_VALUES.contains(&value) {
            return Some(Word::from_signed(value));
        }
        let d = Diagnostic::new(
            ErrorKind::ValueOutOfRange,
            format!(".word value {} is out of range -131072..262143", describe_value(value)),
            self.location(work.file, work.expr.span.clone()),
        )
        .explained("does not fit 18 bits")
        .with_note("a word holds -131072..131071 signed or 0..262143 unsigned (0o777777)");
        self.report(work.line, d);
        None
    }

    // ---------------------------------------------------------------- finish

    /// C6: compare each section's total with its limit at the end of assembly.
    fn check_section_limits(&mut self) {
        let mut counts = vec![0u64; self.sections.len()];
        let mut first_over: Vec<Option<usize>> = vec![None; self.sections.len()];
        for (index, slot) in self.slots.iter().enumerate() {
            counts[slot.section] += 1;
            if let Some(limit) = &self.sections[slot.section].limit
                && counts[slot.section] == limit.words + 1
            {
                first_over[slot.section] = Some(index);
            }
        }
        let mut findings = Vec::new();
        for (id, section) in self.sections.iter().enumerate() {
            let (Some(limit), Some(first)) = (&section.limit, first_over[id]) else {
                continue;
            };
            let words = section.words as u64;
            let d = Diagnostic::new(
                ErrorKind::SectionOverLimit,
                format!(
                    "section `{}` over its limit by {}: it holds {}, its limit is {}",
                    section.name,
                    plural_words(words - limit.words),
                    plural_words(words),
                    limit.words
                ),
                limit.location.clone(),
            )
            .explained("limit declared here")
            .with_related(self.slots[first].location.clone(), format!("word {} of the section", limit.words + 1));
            findings.push(d);
        }
        for d in findings {
            self.report(usize::MAX, d);
        }
    }

    fn finish(self) -> AsmOutput {
        let diagnostics: Vec<Diagnostic> =
            self.diagnostics.into_sorted_vec().into_iter().map(|ranked| ranked.diagnostic).collect();
        let omitted = self.reported - diagnostics.len();
        let files = Arc::new(self.files);
        // Budget findings rank last, so a dropped diagnostic never hides bad input.
        let bad_input = diagnostics.iter().any(|d| !d.kind.is_budget_finding());
        if bad_input {
            return AsmOutput { files, assembly: None, diagnostics, omitted };
        }
        let words: Vec<_> = self
            .slots
            .into_iter()
            .map(|slot| crate::assembly::EmittedWord {
                address: Addr::wrapping(slot.address),
                // Without errors every word was encoded; `unwrap_or` keeps a
                // would-be bug visible in the image instead of panicking.
                word: slot.word.unwrap_or(Word::ZERO),
                section: SectionId(slot.section),
                location: slot.location,
            })
            .collect();
        let mut image_words: Vec<(u32, u32)> = words.iter().map(|w| (w.address.get(), w.word.get())).collect();
        image_words.sort_unstable();
        // Sources load into processor A unless the caller chooses otherwise.
        let image = Image { kind: ImageKind::Ccs, target: Some(Target::A), words: image_words };
        let symbols = self
            .symbols
            .into_iter()
            .filter_map(|s| Some(Symbol { name: s.name.into(), value: s.value?, kind: s.kind, location: s.location }))
            .collect();
        let assembly = Assembly::new(Arc::clone(&files), words, symbols, self.sections, self.lines, image);
        AsmOutput { files, assembly: Some(assembly), diagnostics, omitted }
    }
}

/// `1 word`, `2 words`.
fn plural_words(n: u64) -> String {
    if n == 1 { "1 word".to_string() } else { format!("{n} words") }
}

/// `4096 (0o10000)`: decimal, with octal where it differs (values above 7).
fn describe_value(value: i64) -> String {
    if value > 7 { format!("{value} (0o{value:o})") } else { value.to_string() }
}
