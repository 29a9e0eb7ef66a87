//! The Voyager CCS emulator core: the machine of `docs/spec.md`, instruction
//! by instruction and cycle by cycle.
//!
//! This crate knows nothing of files, terminals or pixels: callers hand it text or
//! data and read its state. Start with [`Machine`]: load an [`Image`], `reset`, then
//! [`Machine::run_until`] or [`Machine::step`].

pub mod bits;
pub mod env;
mod exec;
pub mod fault;
pub mod image;
pub mod io;
pub mod isa;
pub mod machine;
pub mod memory;
pub mod observer;
pub mod registers;
mod sched;
pub mod script;
pub mod session;
pub mod space;
pub mod text;
pub mod time;

pub use bits::{Addr, Bits, FdsWord, Word};
pub use env::{Environment, Health, Input, Models, TimedInput};
pub use fault::{Fault, MemoryFaults, WordFault};
pub use image::{Image, ImageError, ImageKind, Target};
pub use isa::{ISA, Instruction, OpInfo, Opcode, OperandKind, TimingClass};
pub use machine::{
    CYCLES_PER_SECOND, Command, Jumper, Jumpers, Machine, Mode, Output, ProcId, Processor, Registers, RunState,
    Selections, Source, Unit, WriteKind,
};
pub use observer::{DebugRegisters, Observer, StepLog, StepRecord, WriteRecord};
pub use registers::{REGISTERS, Reg};
pub use sched::{StepOutcome, Stop};
pub use session::{Access, Goal, GoalMet, LookupError, MachineSetup, Processors, RunStop, Session, Symbols};
pub use space::{ALL_BITS, ALL_WORDS, AddrText, MemoryId, WordSet};
pub use text::{abbreviate, show_size, wrap};
pub use time::{SpacecraftTime, parse_cycles, thousands};
