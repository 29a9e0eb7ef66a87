//! Assembler and disassembler for the CCS assembly language (spec §11), built on the
//! core's one instruction table ([`ccs_core::ISA`]).
//!
//! ```
//! use ccs_asm::{MemorySources, assemble};
//! use ccs_core::Target;
//!
//! let sources = MemorySources::new()
//!     .with("main.asm", "        .org 0o40\nSTART:  LDI 5\n        .include \"lib/halt.asm\"\n")
//!     .with("lib/halt.asm", "        HLT\n");
//! let output = assemble("main.asm", &sources);
//! assert!(output.diagnostics.is_empty(), "{}", output.render_diagnostics());
//! let assembly = output.assembly.unwrap();
//! assert_eq!(assembly.image_text(Target::A), "# ccs-image v1 target=A\n0040 000541\n0041 000000\n");
//! assert_eq!(assembly.symbol("START").unwrap().value, 0o40);
//! ```
//!
//! * [`assemble`] reads through a [`Sources`] ([`FileSystem`] or [`MemorySources`]) and
//!   returns an [`AsmOutput`]: the [`Assembly`] when the program is well formed, and
//!   every [`Diagnostic`] found (errors are collected, not stop-at-first).
//! * [`Assembly`] gives the words with their sources, symbols, sections, the
//!   [`ccs_core::Image`], and the canonical image text, listing, symbol table and
//!   words-per-section report.
//! * [`disassemble`] turns an image back into source that reassembles to it.

mod assembler;
mod assembly;
mod diagnostic;
mod disasm;
mod expr;
mod lexer;
mod listing;
mod parser;
mod source;

pub use assembler::{
    AsmOptions, INITIAL_SECTION, MAX_DIAGNOSTICS, MAX_INCLUDE_DEPTH, assemble, assemble_str, assemble_with,
};
pub use assembly::{AsmOutput, Assembly, EmittedWord, Section, SectionId, SectionLimit, Symbol, SymbolKind};
pub use codespan_reporting::term::termcolor;
pub use diagnostic::{
    Diagnostic, ErrorKind, Location, MAX_SNIPPET_LINE, Related, emit_diagnostics, render_diagnostics,
    render_diagnostics_ansi,
};
pub use disasm::{DisassembleError, disassemble};
pub use source::{
    FileId, FileSystem, MemorySources, PROGRAM_SOURCE_BYTES, ReadLimit, SOURCE_LIMIT, SourceFile, SourceFiles, Sources,
    TextError, decode_text, normalize_path, read_text_file,
};
