//! Hooks for tools that watch the machine run: the trace writer, the budget monitor,
//! the desktop app's heat map, and the session's breakpoints, watchpoints and run goals.
//! The run loop is generic over the observer, so `()` (no observer) compiles every hook
//! away and costs nothing; an observer pays only for the hooks it asks for
//! ([`Observer::STEPS`], [`Observer::STOPS`]).

use crate::bits::Addr;
use crate::machine::{Machine, ProcId, StepBefore, WriteKind};
pub use crate::space::MemoryId;
use std::ops::ControlFlow;

/// A completed step (an acceptance or one instruction), with the registers before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepRecord {
    pub proc: ProcId,
    /// Start time of the step.
    pub start: u64,
    pub before: StepBefore,
    /// Cycles the step took.
    pub cycles: u64,
}

/// A write attempted by an instruction or a MEMLOAD channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriteRecord {
    /// Start time of the writing step.
    pub time: u64,
    /// Processor executing the write.
    pub by: ProcId,
    pub memory: MemoryId,
    pub addr: u32,
    /// Value written (or that would have been, when suppressed).
    pub value: u32,
    /// The word's value before the write.
    pub old: u32,
    /// Protection class of the write (`None` for MEMLOAD channel writes, which
    /// jumpers do not cover).
    pub kind: Option<WriteKind>,
    /// False when protection suppressed it.
    pub done: bool,
}

pub trait Observer {
    /// Whether [`Observer::step`] is wanted (building a record costs a few loads).
    const STEPS: bool = false;

    /// Whether the observer may stop a run: only then are [`Observer::before_instruction`]
    /// and [`Observer::after_step`] called. A run stopped by its observer ends as a run to
    /// an earlier limit would: every processor at a step boundary, the events up to the
    /// earliest one delivered, and a later run carries on exactly as an uninterrupted one.
    const STOPS: bool = false;

    /// Whether the debug registers MAR, MDR and IR are wanted (spec §4: internal, for
    /// debugging). Only then does a run keep them up to date, at a store or two per
    /// memory access; otherwise they keep whatever they last held.
    const DEBUG_REGISTERS: bool = false;

    /// Processor `proc` is about to fetch and execute the instruction at `p` at time
    /// `time` (not called for interrupt acceptances, which execute a trap cell).
    /// `Break`: the run stops here, before the instruction.
    #[inline(always)]
    fn before_instruction(&mut self, _proc: ProcId, _time: u64, _p: Addr) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }

    /// Called after every completed step of `proc` (an instruction, an acceptance or a
    /// WAI's completion) with the whole machine as the step left it. `Break`: the run
    /// stops after this step.
    #[inline(always)]
    fn after_step(&mut self, _machine: &Machine, _proc: ProcId) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }

    /// Called after every completed step.
    #[inline(always)]
    fn step(&mut self, _record: &StepRecord) {}

    /// Called for every CCS memory read (instruction fetch, operand, XCT target).
    #[inline(always)]
    fn read(&mut self, _time: u64, _by: ProcId, _memory: MemoryId, _addr: u32) {}

    /// Called for every write, done or suppressed.
    #[inline(always)]
    fn write(&mut self, _record: &WriteRecord) {}
}

/// No observer.
impl Observer for () {}

/// Forwards to two observers; either may stop the run.
impl<A: Observer, B: Observer> Observer for (A, B) {
    const STEPS: bool = A::STEPS || B::STEPS;
    const STOPS: bool = A::STOPS || B::STOPS;
    const DEBUG_REGISTERS: bool = A::DEBUG_REGISTERS || B::DEBUG_REGISTERS;

    #[inline(always)]
    fn before_instruction(&mut self, x: ProcId, t: u64, p: Addr) -> ControlFlow<()> {
        let a = if A::STOPS { self.0.before_instruction(x, t, p) } else { ControlFlow::Continue(()) };
        let b = if B::STOPS { self.1.before_instruction(x, t, p) } else { ControlFlow::Continue(()) };
        if a.is_break() || b.is_break() { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    }

    #[inline(always)]
    fn after_step(&mut self, m: &Machine, x: ProcId) -> ControlFlow<()> {
        let a = if A::STOPS { self.0.after_step(m, x) } else { ControlFlow::Continue(()) };
        let b = if B::STOPS { self.1.after_step(m, x) } else { ControlFlow::Continue(()) };
        if a.is_break() || b.is_break() { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    }

    #[inline(always)]
    fn step(&mut self, r: &StepRecord) {
        if A::STEPS {
            self.0.step(r);
        }
        if B::STEPS {
            self.1.step(r);
        }
    }

    #[inline(always)]
    fn read(&mut self, t: u64, by: ProcId, m: MemoryId, a: u32) {
        self.0.read(t, by, m, a);
        self.1.read(t, by, m, a);
    }

    #[inline(always)]
    fn write(&mut self, r: &WriteRecord) {
        self.0.write(r);
        self.1.write(r);
    }
}

impl<O: Observer> Observer for &mut O {
    const STEPS: bool = O::STEPS;
    const STOPS: bool = O::STOPS;
    const DEBUG_REGISTERS: bool = O::DEBUG_REGISTERS;

    #[inline(always)]
    fn before_instruction(&mut self, x: ProcId, t: u64, p: Addr) -> ControlFlow<()> {
        (**self).before_instruction(x, t, p)
    }

    #[inline(always)]
    fn after_step(&mut self, m: &Machine, x: ProcId) -> ControlFlow<()> {
        (**self).after_step(m, x)
    }

    #[inline(always)]
    fn step(&mut self, r: &StepRecord) {
        (**self).step(r)
    }

    #[inline(always)]
    fn read(&mut self, t: u64, by: ProcId, m: MemoryId, a: u32) {
        (**self).read(t, by, m, a)
    }

    #[inline(always)]
    fn write(&mut self, r: &WriteRecord) {
        (**self).write(r)
    }
}

/// `O`, with the debug registers (MAR, MDR, IR) kept up to date: for single steps, a
/// register dump after a run, or a view that shows them.
#[derive(Default, Debug, Clone)]
pub struct DebugRegisters<O>(pub O);

impl<O: Observer> Observer for DebugRegisters<O> {
    const STEPS: bool = O::STEPS;
    const STOPS: bool = O::STOPS;
    const DEBUG_REGISTERS: bool = true;

    #[inline(always)]
    fn before_instruction(&mut self, x: ProcId, t: u64, p: Addr) -> ControlFlow<()> {
        self.0.before_instruction(x, t, p)
    }

    #[inline(always)]
    fn after_step(&mut self, m: &Machine, x: ProcId) -> ControlFlow<()> {
        self.0.after_step(m, x)
    }

    #[inline(always)]
    fn step(&mut self, r: &StepRecord) {
        self.0.step(r)
    }

    #[inline(always)]
    fn read(&mut self, t: u64, by: ProcId, m: MemoryId, a: u32) {
        self.0.read(t, by, m, a)
    }

    #[inline(always)]
    fn write(&mut self, r: &WriteRecord) {
        self.0.write(r)
    }
}

/// Records every step (for tests and small traces).
#[derive(Default, Debug, Clone)]
pub struct StepLog(pub Vec<StepRecord>);

impl Observer for StepLog {
    const STEPS: bool = true;

    fn step(&mut self, r: &StepRecord) {
        self.0.push(*r);
    }
}

impl StepRecord {
    /// One deterministic trace line in the spirit of the nestest log:
    /// time, processor, P, word, instruction, then A, L and CC before the step and
    /// the cycles it took. Acceptance steps show the level as `<k>`.
    pub fn trace_line(&self) -> String {
        let b = &self.before;
        let text = crate::isa::Instruction::decode(b.word).to_string();
        let level = b.level.map_or(String::from("    "), |k| format!("<{k:>2}>"));
        format!(
            "{:>12} {} P={} W={} {} {:<14} A={} L={} CC={:02o} CYC={}",
            self.start,
            self.proc,
            b.p,
            b.word,
            level,
            text,
            b.a,
            b.l,
            b.cc.get(),
            self.cycles
        )
    }
}
