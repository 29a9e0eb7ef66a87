//! voyager-ccs: Voyager 1's Computer Command Subsystem brought back to life.
//!
//! This facade re-exports the workspace crates, and is the door for anyone driving the
//! emulator from their own code or tests (`docs/library.md`):
//!
//! ```
//! use voyager_ccs::prelude::*;
//!
//! let mut session = voyager_ccs::assemble(
//!     "        .org 0o40
//! START:  LDI  21
//!         ADD  TWENTY
//!         STA  ANSWER
//!         HLT  1
//! TWENTY: .word 21
//! ANSWER: .word 0
//! ",
//! )?;
//! assert_eq!(session.run_for(1_000), RunStop::Halted { proc: ProcId::A, code: 1.try_into()? });
//! assert_eq!(session.word("ANSWER")?, 42);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The crates: [`core`] (the machine, [`Session`](core::Session) and
//! [`MachineSetup`](core::MachineSetup)), [`asm`] (assembler), [`files`] (programs,
//! scenarios, scripts), [`budget`] (memory budgets), [`programs`] (the bundled
//! programs), [`vectors`] (spec §13 test vectors), [`cli`] (the `ccs` command).

use std::path::Path;

pub use ccs_asm as asm;
pub use ccs_budget as budget;
pub use ccs_cli as cli;
pub use ccs_core as core;
pub use ccs_files as files;
pub use ccs_programs as programs;
pub use ccs_vectors as vectors;

/// What a test author needs in one `use`.
pub mod prelude {
    pub use ccs_core::{
        Access, Addr, CYCLES_PER_SECOND, Command, Goal, GoalMet, Image, Input, Jumper, Jumpers, Machine, MachineSetup,
        MemoryId, Models, Output, ProcId, Processors, Reg, RunStop, Session, Stop, Target, TimedInput, Word,
    };
}

/// Assemble a source text (without includes) and load it into processor A: a session
/// that runs it, with the program's symbols for [`Session::word`](core::Session::word).
/// Any diagnostic fails it, rendered with the source lines.
pub fn assemble(source: &str) -> Result<core::Session, files::FileError> {
    files::assemble_session("source.asm", source)
}

/// Open a program (an `.asm` source, assembled, or a memory image) or a scenario (an
/// event script with a `run:` block) as a session ready to run. Paths below `programs/`
/// are found from any folder (the bundled programs), like the `ccs` command's.
pub fn open(path: impl AsRef<Path>) -> Result<core::Session, files::FileError> {
    files::open_session(path.as_ref(), &programs::DiskThenBundled)
}

/// The guide to headless use (`docs/library.md`): its examples are doc tests.
#[doc = include_str!("../docs/library.md")]
pub mod guide {}
