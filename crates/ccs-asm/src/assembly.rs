//! The result of an assembly run: words with their sources, symbols, sections, the
//! image, and the diagnostics.

use crate::diagnostic::{self, Diagnostic, Location};
use crate::source::{FileId, SourceFiles};
use ccs_core::{Addr, Image, Target, Word};
use codespan_reporting::term::termcolor;
use std::ops::Range;
use std::sync::Arc;

/// What [`assemble`](crate::assemble) returns.
#[derive(Clone, Debug)]
pub struct AsmOutput {
    /// Every file read (for rendering diagnostics).
    pub files: Arc<SourceFiles>,
    /// `Some` when there are no errors, and also when the only errors are budget
    /// findings ([`ErrorKind::SectionOverLimit`](crate::ErrorKind::SectionOverLimit)):
    /// the program is well formed, it just does not fit its declared budget.
    pub assembly: Option<Assembly>,
    /// The errors, in source order (section-limit findings last): the first
    /// [`MAX_DIAGNOSTICS`](crate::MAX_DIAGNOSTICS) of them.
    pub diagnostics: Vec<Diagnostic>,
    /// Errors found after those, counted but not kept.
    pub omitted: usize,
}

impl AsmOutput {
    /// Every error found, kept or omitted.
    pub fn error_count(&self) -> usize {
        self.diagnostics.len() + self.omitted
    }

    /// Whether any diagnostic is bad input (anything but a budget finding).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| !d.kind.is_budget_finding())
    }

    /// Diagnostics that are budget findings (sections over their limits).
    pub fn budget_findings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.kind.is_budget_finding())
    }

    /// The diagnostics rendered as plain text (see [`render_diagnostics`](crate::render_diagnostics)).
    pub fn render_diagnostics(&self) -> String {
        diagnostic::render_diagnostics(&self.files, &self.diagnostics, self.omitted)
    }

    /// The diagnostics with ANSI colours, for a terminal.
    pub fn render_diagnostics_ansi(&self) -> String {
        diagnostic::render_diagnostics_ansi(&self.files, &self.diagnostics, self.omitted)
    }

    /// Write the diagnostics to a colour-capable writer.
    pub fn emit_diagnostics(&self, out: &mut dyn termcolor::WriteColor) -> std::io::Result<()> {
        diagnostic::emit_diagnostics(out, &self.files, &self.diagnostics, self.omitted)
    }
}

/// Index of a section in [`Assembly::sections`] (`main` is 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SectionId(pub(crate) usize);

impl SectionId {
    pub const MAIN: SectionId = SectionId(0);

    pub const fn index(self) -> usize {
        self.0
    }
}

/// How a symbol got its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    /// `NAME:`, the location counter at the start of its line.
    Label,
    /// `.equ NAME, value`.
    Constant,
}

impl SymbolKind {
    pub const fn name(self) -> &'static str {
        match self {
            SymbolKind::Label => "label",
            SymbolKind::Constant => "equ",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub value: i64,
    pub kind: SymbolKind,
    /// Where the name is written in its definition.
    pub location: Location,
}

/// A declared `.section NAME, limit`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionLimit {
    pub words: u64,
    /// The limit expression.
    pub location: Location,
}

/// A budget section and what it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    pub limit: Option<SectionLimit>,
    /// Words emitted while the section was in force.
    pub words: usize,
    /// Runs of consecutive addresses, in emission order.
    pub ranges: Vec<Range<u32>>,
    /// An `.org` was given while the section was in force: its addresses are fixed.
    /// A section that is not pinned is relocatable (see [`crate::AsmOptions`]).
    pub pinned: bool,
    /// The base it was placed at by a layout ([`crate::AsmOptions::bases`]), if any.
    pub base: Option<u32>,
}

impl Section {
    /// Words over the limit, if the section has a limit and exceeds it.
    pub fn excess(&self) -> Option<u64> {
        let limit = self.limit.as_ref()?.words;
        (self.words as u64).checked_sub(limit).filter(|&over| over > 0)
    }
}

/// One emitted word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmittedWord {
    pub address: Addr,
    pub word: Word,
    pub section: SectionId,
    /// The statement (or `.word` item) that produced it.
    pub location: Location,
}

/// One source line as the listing shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ListingLine {
    pub file: FileId,
    pub line: usize,
    /// Location counter at the start of the line (`None` when unknown).
    pub address: Option<i64>,
    pub section: SectionId,
    /// Indices into [`Assembly::words`].
    pub words: Range<usize>,
    /// The words are a `.zero` fill (listed compactly).
    pub zero_fill: bool,
}

/// An assembled program.
#[derive(Clone, Debug)]
pub struct Assembly {
    files: Arc<SourceFiles>,
    words: Vec<EmittedWord>,
    symbols: Vec<Symbol>,
    sections: Vec<Section>,
    pub(crate) lines: Vec<ListingLine>,
    image: Image,
}

impl Assembly {
    pub(crate) fn new(
        files: Arc<SourceFiles>,
        words: Vec<EmittedWord>,
        symbols: Vec<Symbol>,
        sections: Vec<Section>,
        lines: Vec<ListingLine>,
        image: Image,
    ) -> Assembly {
        Assembly { files, words, symbols, sections, lines, image }
    }

    pub fn files(&self) -> &SourceFiles {
        &self.files
    }

    /// Every word in emission (source) order.
    pub fn words(&self) -> &[EmittedWord] {
        &self.words
    }

    /// The image: kind CCS, target A (sources load into processor A unless the caller
    /// chooses otherwise: [`Assembly::image_for`]), ascending addresses.
    pub fn image(&self) -> &Image {
        &self.image
    }

    /// The image, to load into `target`'s memories.
    pub fn image_for(&self, target: Target) -> Image {
        Image { target: Some(target), ..self.image.clone() }
    }

    /// The program's labels and constants, for reading memory by name.
    pub fn symbol_values(&self) -> ccs_core::Symbols {
        let mut symbols = ccs_core::Symbols::new();
        for s in &self.symbols {
            symbols.insert(&s.name, s.value, s.kind == crate::SymbolKind::Label);
        }
        symbols
    }

    /// A machine setup that loads the program into `target` and knows its symbols; the
    /// processors it goes to run.
    pub fn setup(&self, target: Target) -> ccs_core::MachineSetup {
        let setup = ccs_core::MachineSetup::new().with_symbols(self.symbol_values());
        // A CCS image goes to any target.
        setup.with_image_at(self.image_for(target), target).unwrap_or_else(|_| unreachable!("a CCS image"))
    }

    /// The canonical image text of spec §12, header `# ccs-image v1 target=T`.
    pub fn image_text(&self, target: Target) -> String {
        self.image.to_canonical(target)
    }

    /// Symbols in definition order.
    pub fn symbols(&self) -> &[Symbol] {
        &self.symbols
    }

    pub fn symbol(&self, name: &str) -> Option<&Symbol> {
        self.symbols.iter().find(|s| s.name == name)
    }

    /// Sections in order of first use; `main` first.
    pub fn sections(&self) -> &[Section] {
        &self.sections
    }

    /// The section `id` (`None` only for an id from another assembly).
    pub fn section(&self, id: SectionId) -> Option<&Section> {
        self.sections.get(id.0)
    }

    pub fn section_by_name(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }
}
