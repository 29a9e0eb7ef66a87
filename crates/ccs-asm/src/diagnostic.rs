//! Assembly errors as data, and their rendering with codespan-reporting: the
//! offending line, a caret under the span, a one-line explanation.

use crate::source::{FileId, SourceFiles};
use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::term::{self, termcolor};
use std::fmt;
use std::io;
use std::ops::Range;

/// A place in a source file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    pub file: FileId,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// Byte range in the file's text.
    pub span: Range<usize>,
}

impl Location {
    pub(crate) fn new(files: &SourceFiles, file: FileId, span: Range<usize>) -> Location {
        let (line, column) = files.get(file).map_or((1, 1), |f| f.line_column(span.start));
        Location { file, line, column, span }
    }
}

macro_rules! error_kinds {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, )*) => {
        /// What went wrong. Each spec §11 error class has at least one kind; the codes
        /// appear in rendered messages (`error[undefined-symbol]`) and in
        /// docs/assembly.md.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ErrorKind { $( $(#[$doc])* $variant, )* }

        impl ErrorKind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [ErrorKind] = &[ $( ErrorKind::$variant, )* ];

            /// Stable short name, shown in brackets after `error`.
            pub const fn code(self) -> &'static str {
                match self { $( ErrorKind::$variant => $code, )* }
            }
        }
    };
}

error_kinds! {
    /// A symbol used but defined nowhere (or used in its own `.equ`).
    UndefinedSymbol = "undefined-symbol",
    /// `.org`, `.zero`, `.equ` or a section limit uses a symbol defined further on.
    SymbolDefinedLater = "defined-later",
    /// A label or `.equ` name defined twice.
    DuplicateSymbol = "duplicate-symbol",
    /// A name that cannot be a symbol: a mnemonic, a directive name (C5), or longer
    /// than 31 characters.
    InvalidSymbol = "invalid-symbol",
    /// A value outside the range of its use (operand, `.org`, `.word`, `.zero`,
    /// section limit), or an expression leaving the 64-bit range (C10).
    ValueOutOfRange = "out-of-range",
    /// A word emitted at an address beyond 4095.
    AddressBeyondMemory = "beyond-memory",
    /// The same address emitted twice.
    AddressOverlap = "overlap",
    /// A section holds more words than its limit. A budget finding: the assembly is
    /// still produced.
    SectionOverLimit = "section-over-limit",
    /// A second limit for a section that has one (C6).
    LimitRedeclared = "limit-redeclared",
    /// A label on an `.org`, `.equ` or `.include` line.
    LabelNotAllowed = "label-not-allowed",
    UnknownMnemonic = "unknown-mnemonic",
    UnknownDirective = "unknown-directive",
    /// An instruction or directive without its required operand.
    MissingOperand = "missing-operand",
    /// An operand where none is allowed, or more operands than allowed.
    ForbiddenOperand = "forbidden-operand",
    /// A number with a bad digit, no digits after its prefix, or outside 64 bits.
    MalformedNumber = "malformed-number",
    /// An expression that does not follow `[-] term {(+|-) term}`.
    MalformedExpression = "malformed-expression",
    /// A line that does not follow `[label:] [mnemonic-or-directive [operands]]`.
    MalformedLine = "malformed-line",
    /// An `.include` file that cannot be read.
    IncludeNotFound = "include-not-found",
    /// An `.include` that would open a file at depth 17 (C11).
    IncludeTooDeep = "include-too-deep",
    /// An `.include` of a file that is already being assembled.
    IncludeRecursive = "include-recursive",
    /// The main source file cannot be read.
    MainFileUnreadable = "main-file-unreadable",
}

impl ErrorKind {
    /// Whether this is a budget finding (the program is well formed but over a
    /// section limit) rather than bad input. The assembly is still produced.
    pub const fn is_budget_finding(self) -> bool {
        matches!(self, ErrorKind::SectionOverLimit)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A second place that explains a diagnostic (the first definition of a duplicate,
/// the earlier word at an overlapping address, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

/// One assembly error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub kind: ErrorKind,
    /// One-line message, e.g. "undefined symbol `TICK`".
    pub message: String,
    /// Where; `None` only for [`ErrorKind::MainFileUnreadable`].
    pub location: Option<Location>,
    /// Short explanation printed under the caret.
    pub explanation: String,
    pub related: Vec<Related>,
    /// Extra lines (hints) printed after the snippet.
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>, location: Location) -> Diagnostic {
        Diagnostic {
            kind,
            message: message.into(),
            location: Some(location),
            explanation: String::new(),
            related: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub(crate) fn explained(mut self, explanation: impl Into<String>) -> Diagnostic {
        self.explanation = explanation.into();
        self
    }

    pub(crate) fn with_related(mut self, location: Location, message: impl Into<String>) -> Diagnostic {
        self.related.push(Related { location, message: message.into() });
        self
    }

    pub(crate) fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// 1-based line, if the diagnostic has a location.
    pub fn line(&self) -> Option<usize> {
        self.location.as_ref().map(|l| l.line)
    }

    /// `file:line:column: error[code]: message`, the compact one-line form.
    pub fn one_line(&self, files: &SourceFiles) -> String {
        match &self.location {
            Some(l) => {
                format!("{}:{}:{}: error[{}]: {}", files.name(l.file), l.line, l.column, self.kind, self.message)
            }
            None => format!("error[{}]: {}", self.kind, self.message),
        }
    }

    fn to_report(&self) -> Report<FileId> {
        let mut labels = Vec::new();
        if let Some(l) = &self.location {
            labels.push(Label::primary(l.file, l.span.clone()).with_message(&self.explanation));
        }
        for r in &self.related {
            labels.push(Label::secondary(r.location.file, r.location.span.clone()).with_message(&r.message));
        }
        Report::error()
            .with_code(self.kind.code())
            .with_message(&self.message)
            .with_labels(labels)
            .with_notes(self.notes.clone())
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

fn to_io(e: codespan_reporting::files::Error) -> io::Error {
    match e {
        codespan_reporting::files::Error::Io(e) => e,
        other => io::Error::other(other.to_string()),
    }
}

/// Longest source line a diagnostic shows as a snippet; one on a longer line is
/// shown in its one-line form, so a megabyte-long line is not printed fifty times.
pub const MAX_SNIPPET_LINE: usize = 200;

/// Whether every line `d` points at is short enough to show.
fn fits_a_snippet(files: &SourceFiles, d: &Diagnostic) -> bool {
    let locations = d.location.iter().chain(d.related.iter().map(|r| &r.location));
    locations.into_iter().all(|l| files.get(l.file).is_some_and(|f| f.line_range(l.line).len() <= MAX_SNIPPET_LINE))
}

/// Write diagnostics to a colour-capable writer (pass a
/// `termcolor::StandardStream` for a terminal; colours follow its `ColorChoice`):
/// at most [`MAX_DIAGNOSTICS`](crate::MAX_DIAGNOSTICS), then a line counting the
/// rest and the `omitted` ones (errors an assembly counted but did not keep).
pub fn emit_diagnostics(
    out: &mut dyn termcolor::WriteColor,
    files: &SourceFiles,
    diagnostics: &[Diagnostic],
    omitted: usize,
) -> io::Result<()> {
    let config = term::Config::default();
    let shown = diagnostics.len().min(crate::MAX_DIAGNOSTICS);
    for d in &diagnostics[..shown] {
        if fits_a_snippet(files, d) {
            term::emit_to_write_style(out, &config, files, &d.to_report()).map_err(to_io)?;
        } else {
            writeln!(out, "{}", d.one_line(files))?;
            for note in &d.notes {
                writeln!(out, "  = {note}")?;
            }
            writeln!(out)?;
        }
    }
    let more = diagnostics.len() - shown + omitted;
    if more > 0 {
        writeln!(out, "… and {more} more error{}", if more == 1 { "" } else { "s" })?;
    }
    Ok(())
}

/// Diagnostics as plain text (no colour), for files and tests.
pub fn render_diagnostics(files: &SourceFiles, diagnostics: &[Diagnostic], omitted: usize) -> String {
    let mut out = termcolor::NoColor::new(Vec::new());
    render_into(&mut out, files, diagnostics, omitted);
    String::from_utf8_lossy(&out.into_inner()).into_owned()
}

/// Diagnostics with ANSI colour escapes, for terminals.
pub fn render_diagnostics_ansi(files: &SourceFiles, diagnostics: &[Diagnostic], omitted: usize) -> String {
    let mut out = termcolor::Ansi::new(Vec::new());
    render_into(&mut out, files, diagnostics, omitted);
    String::from_utf8_lossy(&out.into_inner()).into_owned()
}

fn render_into(out: &mut dyn termcolor::WriteColor, files: &SourceFiles, diagnostics: &[Diagnostic], omitted: usize) {
    if let Err(e) = emit_diagnostics(out, files, diagnostics, omitted) {
        // Writing into memory cannot fail and every location names a file of this
        // run; should either assumption break, keep the messages rather than lose them.
        for d in diagnostics.iter().take(crate::MAX_DIAGNOSTICS) {
            let _ = writeln!(out, "{}", d.one_line(files));
        }
        let _ = writeln!(out, "(diagnostics could not be rendered: {e})");
    }
}
