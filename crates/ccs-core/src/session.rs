//! One door for every run. A [`MachineSetup`] says how a machine is put together
//! (images per memory, processors, jumpers, device models, events and faults) and
//! builds it; a [`Session`] owns the machine with its breakpoints, watchpoints and run
//! goal, and runs it. `ccs run`, `ccs budget`, `ccs faults`, the campaigns, scenarios,
//! `ccs demo` and the desktop app all build and run through these two types, and so do
//! tests: see `docs/library.md`.
//!
//! ```
//! use ccs_core::{Image, ImageKind, MachineSetup, RunStop, Session};
//!
//! // LDI 5; STA 0o100; HLT 3
//! let image = Image::parse("# ccs-image v1 target=A\n0040 000541\n0041 010043\n0042 000300\n", ImageKind::Ccs)?;
//! let mut session = Session::new(MachineSetup::new().with_image(image)?);
//! assert_eq!(session.run_for(1_000), RunStop::Halted { proc: ccs_core::ProcId::A, code: 3.try_into()? });
//! assert_eq!(session.read(ccs_core::MemoryId::Ccs(ccs_core::ProcId::A), 0o100), 5);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! **The boundary rule** (spec §10.1, C13), which every test author meets once: a run to
//! `limit` stops each processor at its first step boundary at or after `limit`. An event
//! at exactly `limit` (a clock tick, say) is delivered — its level is pending — but its
//! handler runs in the next run. So `run_for(3 * CYCLES_PER_SECOND)` on a program that
//! counts seconds in its 1 s handler leaves the count at 2: the third tick is pending at
//! the boundary. Run a little past the event (`run_for(3 * CYCLES_PER_SECOND + 5_000)`)
//! or run until what you want to see happens ([`Session::run_until`]).

use crate::bits::Addr;
use crate::env::{Models, TimedInput};
use crate::image::{Image, ImageError, ImageKind, Target};
use crate::machine::{Command, Jumpers, Machine, Output, ProcId, RunState};
use crate::observer::{Observer, WriteRecord};
use crate::registers::Reg;
use crate::sched::{StepOutcome, Stop};
use crate::space::{MemoryId, WordSet};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::ControlFlow;

/// Which processors run: a name, never a pair of booleans.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Processors {
    /// Both held (nothing runs).
    #[default]
    None,
    A,
    B,
    AB,
}

impl Processors {
    pub const fn contains(self, x: ProcId) -> bool {
        matches!((self, x), (Processors::AB, _) | (Processors::A, ProcId::A) | (Processors::B, ProcId::B))
    }

    /// The processors in the selection, A first.
    pub fn iter(self) -> impl Iterator<Item = ProcId> {
        ProcId::BOTH.into_iter().filter(move |&x| self.contains(x))
    }

    pub const fn name(self) -> &'static str {
        match self {
            Processors::None => "none",
            Processors::A => "A",
            Processors::B => "B",
            Processors::AB => "AB",
        }
    }

    /// `a`, `B`, `ab`, `both`, `none`.
    pub fn parse(text: &str) -> Option<Processors> {
        Some(match text.trim().to_ascii_uppercase().as_str() {
            "A" => Processors::A,
            "B" => Processors::B,
            "AB" | "BOTH" => Processors::AB,
            "NONE" => Processors::None,
            _ => return None,
        })
    }

    /// The selection holding both.
    pub const fn union(self, other: Processors) -> Processors {
        let a = self.contains(ProcId::A) || other.contains(ProcId::A);
        let b = self.contains(ProcId::B) || other.contains(ProcId::B);
        match (a, b) {
            (true, true) => Processors::AB,
            (true, false) => Processors::A,
            (false, true) => Processors::B,
            (false, false) => Processors::None,
        }
    }
}

impl From<Target> for Processors {
    fn from(t: Target) -> Processors {
        match t {
            Target::A => Processors::A,
            Target::B => Processors::B,
            Target::AB => Processors::AB,
        }
    }
}

/// The selection of the processors listed: `[ProcId::B].into_iter().collect()` is B.
impl FromIterator<ProcId> for Processors {
    fn from_iter<I: IntoIterator<Item = ProcId>>(iter: I) -> Processors {
        iter.into_iter().fold(Processors::None, |all, x| all.union(x.into()))
    }
}

impl From<ProcId> for Processors {
    fn from(x: ProcId) -> Processors {
        match x {
            ProcId::A => Processors::A,
            ProcId::B => Processors::B,
        }
    }
}

impl std::fmt::Display for Processors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Program symbols by name (labels and constants of an assembly), with their values.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Symbols {
    by_name: BTreeMap<String, i64>,
    /// The first label defined at each CCS address, for disassembly.
    labels: BTreeMap<u32, String>,
}

impl Symbols {
    pub fn new() -> Symbols {
        Symbols::default()
    }

    /// Add a symbol; a label also names its address (the first label at an address wins).
    pub fn insert(&mut self, name: &str, value: i64, is_label: bool) {
        self.by_name.entry(name.to_string()).or_insert(value);
        if is_label && let Ok(addr) = u32::try_from(value) {
            self.labels.entry(addr).or_insert_with(|| name.to_string());
        }
    }

    /// Add every symbol of `other` (names already here keep their values).
    pub fn extend(&mut self, other: &Symbols) {
        for (name, &value) in &other.by_name {
            self.by_name.entry(name.clone()).or_insert(value);
        }
        for (&addr, name) in &other.labels {
            self.labels.entry(addr).or_insert_with(|| name.clone());
        }
    }

    pub fn get(&self, name: &str) -> Option<i64> {
        self.by_name.get(name).copied()
    }

    /// The label at a CCS address, if one names it.
    pub fn label_at(&self, addr: u32) -> Option<&str> {
        self.labels.get(&addr).map(String::as_str)
    }

    /// Labels by address.
    pub fn labels(&self) -> &BTreeMap<u32, String> {
        &self.labels
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, i64)> {
        self.by_name.iter().map(|(n, &v)| (n.as_str(), v))
    }
}

/// How a machine is put together before it runs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MachineSetup {
    /// Images, each with where it is loaded, in load order.
    pub images: Vec<(Image, Target)>,
    /// Processors that run; `None` here means the processors the CCS images target.
    pub processors: Option<Processors>,
    /// Jumpers of blocks 0-2, per processor (all RW by default).
    pub jumpers: [Jumpers; 2],
    /// Device models (merged from every script that names some).
    pub models: Models,
    /// Scripted inputs and injected faults.
    pub events: Vec<TimedInput>,
    /// The program's symbols, for reading memory by name.
    pub symbols: Symbols,
}

impl MachineSetup {
    /// Nothing loaded, nothing running.
    pub fn new() -> MachineSetup {
        MachineSetup::default()
    }

    /// Add an image where its header says it goes. An assembled image knows its target
    /// (A unless chosen otherwise); an image file without a header line does not, so
    /// give one with [`MachineSetup::with_image_at`].
    pub fn with_image(mut self, image: Image) -> Result<MachineSetup, ImageError> {
        let target = image.resolve_target(None)?;
        self.add_image(image, target)?;
        Ok(self)
    }

    /// Add an image at `target`, whatever its header says (the caller has chosen).
    pub fn with_image_at(mut self, image: Image, target: Target) -> Result<MachineSetup, ImageError> {
        self.add_image(image, target)?;
        Ok(self)
    }

    /// Add an image at `target` (an attached-memory image cannot go to both units).
    pub fn add_image(&mut self, mut image: Image, target: Target) -> Result<(), ImageError> {
        image.target = Some(target);
        image.resolve_target(None)?;
        self.images.push((image, target));
        Ok(())
    }

    pub fn with_processors(mut self, processors: impl Into<Processors>) -> MachineSetup {
        self.processors = Some(processors.into());
        self
    }

    /// Set the jumpers of some processors.
    pub fn with_jumpers(mut self, processors: impl Into<Processors>, jumpers: Jumpers) -> MachineSetup {
        self.set_jumpers(processors.into(), jumpers);
        self
    }

    pub fn set_jumpers(&mut self, processors: Processors, jumpers: Jumpers) {
        for x in processors.iter() {
            self.jumpers[x.index()] = jumpers;
        }
    }

    /// Turn on device models (added to those already on).
    pub fn with_models(mut self, models: Models) -> MachineSetup {
        self.models = self.models.merged(models);
        self
    }

    pub fn with_events(mut self, events: impl IntoIterator<Item = TimedInput>) -> MachineSetup {
        self.events.extend(events);
        self
    }

    pub fn with_symbols(mut self, symbols: Symbols) -> MachineSetup {
        self.symbols = symbols;
        self
    }

    /// The processors the CCS images go to.
    pub fn loaded(&self) -> Processors {
        self.images
            .iter()
            .filter(|(i, _)| i.kind == ImageKind::Ccs)
            .fold(Processors::None, |p, (_, t)| p.union((*t).into()))
    }

    /// The processors that run: as set, else those the CCS images go to.
    pub fn running(&self) -> Processors {
        self.processors.unwrap_or_else(|| self.loaded())
    }

    /// The machine at time 0: images loaded, jumpers set, reset with the running
    /// processors and the models, events scheduled.
    pub fn build(&self) -> Machine {
        let mut m = Machine::new();
        for (image, target) in &self.images {
            m.load_at(image, *target);
        }
        for x in ProcId::BOTH {
            m.cpu[x.index()].jumpers = self.jumpers[x.index()];
        }
        m.reset(self.running(), self.models);
        m.schedule_all(&self.events);
        m
    }
}

/// Kind of memory access a watchpoint watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Access {
    Read,
    Write,
}

/// Something a run can wait for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Goal {
    /// A discrete command with this number is issued.
    Dcm(u32),
    /// An OUT to this channel (with this value, if one is given).
    Output { channel: u32, value: Option<u32> },
    /// A processor accepts this interrupt level.
    Interrupt(u8),
    /// A processor that was running halts.
    Halt,
}

impl Goal {
    /// Whether an output meets this goal.
    pub fn matches(&self, o: &Output) -> bool {
        match (*self, o.command) {
            (Goal::Dcm(n), Command::Dcm { number }) => number.get() == n,
            (Goal::Output { channel, value }, Command::Out { channel: c, value: v }) => {
                c.get() == channel && value.is_none_or(|x| x == v.get())
            }
            _ => false,
        }
    }

    pub fn describe(&self) -> String {
        match *self {
            Goal::Dcm(n) => format!("DCM 0o{n:04o}"),
            Goal::Output { channel, value: Some(v) } => format!("OUT 0o{channel:o} {v:06o}"),
            Goal::Output { channel, value: None } => format!("an OUT to channel 0o{channel:o}"),
            Goal::Interrupt(level) => format!("an interrupt of level {level}"),
            Goal::Halt => "a processor halts".into(),
        }
    }
}

/// How a goal was met.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GoalMet {
    /// The output that met it.
    Output(Output),
    /// A processor accepted the level at this time (the acceptance step's start).
    Interrupt { proc: ProcId, level: u8, time: u64 },
    /// A processor halted, with this code.
    Halted { proc: ProcId, code: Addr },
}

/// Why a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunStop {
    /// Every running processor reached its first boundary at or after the limit (or
    /// waits past it).
    Limit,
    /// A processor is about to execute the instruction at a breakpoint (not yet executed).
    Breakpoint { proc: ProcId, addr: Addr },
    /// A watched word was read or written by the step that just completed.
    Watchpoint { proc: ProcId, memory: MemoryId, addr: u32, access: Access, time: u64 },
    /// The run goal was met by the step that just completed.
    Goal(GoalMet),
    /// The condition of [`Session::run_until`] holds after the step that just completed.
    Condition,
    /// No processor can act any more, and this one (A before B) halted.
    Halted { proc: ProcId, code: Addr },
    /// No processor can act any more: those still enabled wait for an event that never comes.
    WaitingForever,
    /// No processor is enabled.
    NothingRunning,
}

impl std::fmt::Display for RunStop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            RunStop::Limit => f.write_str("reached the limit"),
            RunStop::Breakpoint { proc, addr } => write!(f, "breakpoint at CCS-{proc} 0o{:04o}", addr.get()),
            RunStop::Watchpoint { proc, memory, addr, access, .. } => {
                let what = match access {
                    Access::Read => "read",
                    Access::Write => "wrote",
                };
                write!(f, "processor {proc} {what} watched word {} {}", memory.name(), memory.addr(addr))
            }
            RunStop::Goal(GoalMet::Output(o)) => write!(f, "goal met: {:?} at t = {}", o.command, o.time),
            RunStop::Goal(GoalMet::Interrupt { proc, level, time }) => {
                write!(f, "goal met: processor {proc} took level {level} at t = {time}")
            }
            RunStop::Goal(GoalMet::Halted { proc, code }) => write!(f, "goal met: processor {proc} halted ({code})"),
            RunStop::Condition => f.write_str("the condition holds"),
            RunStop::Halted { proc, code } => {
                write!(f, "processor {proc} halted with code {} (0o{:04o})", code.get(), code.get())
            }
            RunStop::WaitingForever => f.write_str("waiting forever: no enabled event can wake it"),
            RunStop::NothingRunning => f.write_str("no processor is enabled"),
        }
    }
}

/// What went wrong with a by-name lookup.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    #[error("no symbol {0:?} in the program")]
    Symbol(String),
    #[error("no register {0:?} (the registers are A P L CC PEND MASK IE ERR DUMP MAR MDR IR SC)")]
    Register(String),
    #[error("symbol {name} is {value}, not an address of the 4096-word CCS memory")]
    OutsideMemory { name: String, value: i64 },
}

/// A machine with its breakpoints, watchpoints and run goal: the one way to run.
#[derive(Clone, Debug)]
pub struct Session {
    machine: Machine,
    setup: MachineSetup,
    stop_set: SessionStops,
    stops: [Stop; 2],
}

/// What can stop a session's run.
#[derive(Clone, Debug, Default)]
struct SessionStops {
    /// Breakpoints at CCS addresses, per processor (CCS slots of the word set).
    breakpoints: WordSet,
    watch_reads: WordSet,
    watch_writes: WordSet,
    goal: Option<Goal>,
    /// Per processor: the time it stopped at a breakpoint. Its first instruction when
    /// the run resumes is not a hit, or it could never leave.
    resume: [Option<u64>; 2],
    /// Whether any of the above can stop a run: kept by [`SessionStops::changed`], as a
    /// run in slices asks at every slice (three scans of 32,768 bits each time).
    armed: bool,
}

impl SessionStops {
    fn is_empty(&self) -> bool {
        !self.armed
    }

    /// After every change of the breakpoints, watchpoints or goal.
    fn changed(&mut self) {
        self.armed = !(self.breakpoints.is_empty()
            && self.watch_reads.is_empty()
            && self.watch_writes.is_empty()
            && self.goal.is_none());
    }
}

impl Session {
    /// Build the machine from the setup.
    pub fn new(setup: MachineSetup) -> Session {
        let machine = setup.build();
        Session::from_machine(machine, setup)
    }

    /// A session around a machine built elsewhere (a restored snapshot, a test vector's
    /// state). Reset rebuilds it from `setup`.
    pub fn from_machine(machine: Machine, setup: MachineSetup) -> Session {
        let stops = ProcId::BOTH.map(|x| machine.stop_reason(x));
        Session { machine, setup, stop_set: SessionStops::default(), stops }
    }

    /// Back to time 0: the machine built afresh from the setup. Breakpoints, watchpoints
    /// and the goal stay.
    pub fn reset(&mut self) {
        self.machine = self.setup.build();
        self.stop_set.resume = [None; 2];
        self.stops = ProcId::BOTH.map(|x| self.machine.stop_reason(x));
    }

    pub fn machine(&self) -> &Machine {
        &self.machine
    }

    /// The machine, to deposit words or registers, or schedule inputs.
    pub fn machine_mut(&mut self) -> &mut Machine {
        &mut self.machine
    }

    pub fn into_machine(self) -> Machine {
        self.machine
    }

    pub fn setup(&self) -> &MachineSetup {
        &self.setup
    }

    /// The setup, to change before the next [`Session::reset`].
    pub fn setup_mut(&mut self) -> &mut MachineSetup {
        &mut self.setup
    }

    pub fn symbols(&self) -> &Symbols {
        &self.setup.symbols
    }

    /// The machine's time: the earliest boundary of a processor that is not held
    /// (processor A's when both are).
    pub fn now(&self) -> u64 {
        self.machine
            .cpu
            .iter()
            .filter(|c| c.state != RunState::Held)
            .map(|c| c.time)
            .min()
            .unwrap_or(self.machine.time())
    }

    /// The end of the slice after one that ended at `previous`, for a run to `limit` cut
    /// into slices of `slice` cycles (callers that print or drain outputs between
    /// slices): `slice` past the previous end or where the machine stands now, whichever
    /// is later, so simulated time a WAI skipped in one go costs no slices. A run to 2^63
    /// of a program waiting for an event there takes two slices, not 2^63 / `slice`.
    pub fn next_slice_end(&self, previous: u64, slice: u64, limit: u64) -> u64 {
        previous.max(self.now()).saturating_add(slice.max(1)).min(limit)
    }

    /// Why each processor stopped in the latest run.
    pub fn stops(&self) -> [Stop; 2] {
        self.stops
    }

    // ----- reading the machine -----

    /// A word of any memory (0 outside it).
    pub fn read(&self, memory: MemoryId, addr: u32) -> u32 {
        self.machine.examine(memory, addr)
    }

    /// The value of a symbol.
    pub fn symbol(&self, name: &str) -> Result<i64, LookupError> {
        self.setup.symbols.get(name).ok_or_else(|| LookupError::Symbol(name.to_string()))
    }

    /// The word a symbol names, in the memory of the first processor the program runs on
    /// (A when both do).
    pub fn word(&self, name: &str) -> Result<u32, LookupError> {
        let x = self.setup.running().iter().next().unwrap_or(ProcId::A);
        self.word_of(x, name)
    }

    /// The word a symbol names, in processor `x`'s memory.
    pub fn word_of(&self, x: ProcId, name: &str) -> Result<u32, LookupError> {
        let value = self.symbol(name)?;
        match u32::try_from(value) {
            Ok(addr) if addr < MemoryId::Ccs(x).words() => Ok(self.read(MemoryId::Ccs(x), addr)),
            _ => Err(LookupError::OutsideMemory { name: name.to_string(), value }),
        }
    }

    /// A register of processor `x`.
    pub fn reg(&self, x: ProcId, reg: Reg) -> u64 {
        self.machine.proc(x).regs.get(reg)
    }

    /// A register by name (`"A"`, `"pend"`, ...).
    pub fn register(&self, x: ProcId, name: &str) -> Result<u64, LookupError> {
        let reg = Reg::from_name(name).ok_or_else(|| LookupError::Register(name.to_string()))?;
        Ok(self.reg(x, reg))
    }

    /// Take the outputs logged since the last call.
    pub fn drain_outputs(&mut self) -> Vec<Output> {
        self.machine.drain_outputs()
    }

    // ----- breakpoints, watchpoints, goal -----

    pub fn set_breakpoint(&mut self, x: ProcId, addr: Addr) {
        self.stop_set.breakpoints.insert(MemoryId::Ccs(x), addr.get());
        self.stop_set.changed();
    }

    /// Returns whether there was one.
    pub fn clear_breakpoint(&mut self, x: ProcId, addr: Addr) -> bool {
        let had = self.stop_set.breakpoints.remove(MemoryId::Ccs(x), addr.get());
        self.stop_set.changed();
        had
    }

    /// Set or clear; returns whether it is now set.
    pub fn toggle_breakpoint(&mut self, x: ProcId, addr: Addr) -> bool {
        if self.clear_breakpoint(x, addr) {
            return false;
        }
        self.set_breakpoint(x, addr);
        true
    }

    pub fn has_breakpoint(&self, x: ProcId, addr: Addr) -> bool {
        self.stop_set.breakpoints.contains(MemoryId::Ccs(x), addr.get())
    }

    /// Processor `x`, standing at time `time`, leaves a breakpoint at its P when the next
    /// run starts (a debugger's Run after a step onto a breakpoint): as after a stop there.
    pub fn resume_at(&mut self, x: ProcId, time: u64) {
        self.stop_set.resume[x.index()] = Some(time);
    }

    /// Every breakpoint, A's first, ascending.
    pub fn breakpoints(&self) -> impl Iterator<Item = (ProcId, Addr)> + '_ {
        self.stop_set.breakpoints.iter().filter_map(|(m, a)| match m {
            MemoryId::Ccs(x) => Some((x, Addr::wrapping(a))),
            _ => None,
        })
    }

    pub fn clear_breakpoints(&mut self) {
        self.stop_set.breakpoints.clear();
        self.stop_set.changed();
    }

    /// Stop after a step that reads (or writes) a word of any memory.
    pub fn set_watchpoint(&mut self, memory: MemoryId, addr: u32, access: Access) {
        match access {
            Access::Read => self.stop_set.watch_reads.insert(memory, addr),
            Access::Write => self.stop_set.watch_writes.insert(memory, addr),
        };
        self.stop_set.changed();
    }

    pub fn clear_watchpoint(&mut self, memory: MemoryId, addr: u32, access: Access) -> bool {
        let had = match access {
            Access::Read => self.stop_set.watch_reads.remove(memory, addr),
            Access::Write => self.stop_set.watch_writes.remove(memory, addr),
        };
        self.stop_set.changed();
        had
    }

    pub fn clear_watchpoints(&mut self) {
        self.stop_set.watch_reads.clear();
        self.stop_set.watch_writes.clear();
        self.stop_set.changed();
    }

    /// Stop the next runs when the goal is met (`None`: no goal).
    pub fn set_goal(&mut self, goal: Option<Goal>) {
        self.stop_set.goal = goal;
        self.stop_set.changed();
    }

    pub fn goal(&self) -> Option<Goal> {
        self.stop_set.goal
    }

    // ----- running -----

    /// Run to `limit` (absolute cycles), or until a breakpoint, watchpoint or the goal
    /// stops it, or until no processor can act. See the module docs for the boundary rule.
    pub fn run(&mut self, limit: u64) -> RunStop {
        self.run_observed(limit, &mut ())
    }

    /// Run for `cycles` more cycles from [`Session::now`].
    pub fn run_for(&mut self, cycles: u64) -> RunStop {
        self.run(self.now().saturating_add(cycles))
    }

    /// [`Session::run`] with an observer of the caller's (a trace, the budget monitor, the
    /// desktop app's heat map) watching every step, read and write.
    pub fn run_observed<O: Observer>(&mut self, limit: u64, obs: &mut O) -> RunStop {
        if self.stop_set.is_empty() {
            // Nothing can stop the run: the observer's own cost and no more.
            self.stops = self.machine.run_until_observed(limit, obs);
            return self.stop_of_run(None);
        }
        let mut stops = Stops::new(&self.stop_set, &self.machine);
        self.stops = self.machine.run_until_observed(limit, &mut (&mut stops, &mut *obs));
        let hit = stops.hit.or_else(|| stops.halt_goal(&self.machine));
        self.stop_of_run(hit)
    }

    /// Run until `condition` holds after a step (checked after every step of either
    /// processor), for at most `within` cycles from now.
    pub fn run_until(&mut self, mut condition: impl FnMut(&Machine) -> bool, within: u64) -> RunStop {
        if condition(&self.machine) {
            return RunStop::Condition;
        }
        let limit = self.now().saturating_add(within);
        let mut until = Until { condition: &mut condition, met: false };
        let mut stops = Stops::new(&self.stop_set, &self.machine);
        self.stops = self.machine.run_until_observed(limit, &mut (&mut stops, &mut until));
        let hit = stops.hit.or_else(|| stops.halt_goal(&self.machine));
        if hit.is_none() && until.met {
            self.stop_set.resume = [None; 2];
            return RunStop::Condition;
        }
        self.stop_of_run(hit)
    }

    /// One step of processor `x` (breakpoints do not stop a single step). A WAI is
    /// completed at its wake time when one is known.
    pub fn step(&mut self, x: ProcId) -> StepOutcome {
        self.stop_set.resume = [None; 2];
        let outcome = self.machine.step(x);
        self.stops = ProcId::BOTH.map(|p| self.machine.stop_reason(p));
        outcome
    }

    /// The run's stop from the observer's hit (if any) and the processors' states.
    fn stop_of_run(&mut self, hit: Option<RunStop>) -> RunStop {
        self.stop_set.resume = [None; 2];
        if let Some(hit) = hit {
            if let RunStop::Breakpoint { proc, .. } = hit {
                self.stop_set.resume[proc.index()] = Some(self.machine.cpu[proc.index()].time);
            }
            return hit;
        }
        let active: Vec<(ProcId, Stop)> =
            ProcId::BOTH.into_iter().zip(self.stops).filter(|(_, s)| *s != Stop::Held).collect();
        if active.is_empty() {
            return RunStop::NothingRunning;
        }
        if active.iter().any(|(_, s)| matches!(s, Stop::Limit | Stop::Waiting { .. })) {
            return RunStop::Limit;
        }
        match active.iter().find_map(|&(x, s)| match s {
            Stop::Halted { code } => Some((x, code)),
            _ => None,
        }) {
            Some((proc, code)) => RunStop::Halted { proc, code },
            None => RunStop::WaitingForever,
        }
    }
}

impl From<MachineSetup> for Session {
    fn from(setup: MachineSetup) -> Session {
        Session::new(setup)
    }
}

/// The session's stop conditions, as an observer of one run.
struct Stops<'a> {
    breakpoints: &'a WordSet,
    watch_reads: &'a WordSet,
    watch_writes: &'a WordSet,
    goal: Option<Goal>,
    resume: [Option<u64>; 2],
    /// Outputs logged before the run (the goal looks at the new ones).
    outputs_seen: usize,
    /// Processors running (or waiting) when the run began: a halt goal waits for one.
    running_at_start: [bool; 2],
    hit: Option<RunStop>,
}

impl<'a> Stops<'a> {
    /// The stops of a session (every field but the machine, which the run borrows),
    /// and the machine as the run begins.
    fn new(s: &'a SessionStops, m: &Machine) -> Stops<'a> {
        Stops {
            breakpoints: &s.breakpoints,
            watch_reads: &s.watch_reads,
            watch_writes: &s.watch_writes,
            goal: s.goal,
            resume: s.resume,
            outputs_seen: m.craft.outputs.len(),
            running_at_start: ProcId::BOTH.map(|x| !m.proc(x).is_halted()),
            hit: None,
        }
    }

    /// A halt goal met by a processor that stopped without a step of its own after it
    /// (a halt fault delivered when nothing else ran).
    fn halt_goal(&self, m: &Machine) -> Option<RunStop> {
        if self.goal != Some(Goal::Halt) {
            return None;
        }
        ProcId::BOTH.into_iter().find_map(|x| match m.proc(x).state {
            RunState::Halted { code } if self.running_at_start[x.index()] => {
                Some(RunStop::Goal(GoalMet::Halted { proc: x, code }))
            }
            _ => None,
        })
    }
}

impl Observer for Stops<'_> {
    const STOPS: bool = true;
    // For an interrupt goal: the acceptance's own step record.
    const STEPS: bool = true;

    #[inline]
    fn step(&mut self, r: &crate::observer::StepRecord) {
        if let (None, Some(Goal::Interrupt(level)), Some(taken)) = (self.hit, self.goal, r.before.level)
            && taken == level
        {
            self.hit = Some(RunStop::Goal(GoalMet::Interrupt { proc: r.proc, level, time: r.start }));
        }
    }

    #[inline]
    fn before_instruction(&mut self, x: ProcId, time: u64, p: Addr) -> ControlFlow<()> {
        if self.breakpoints.contains(MemoryId::Ccs(x), p.get()) && self.resume[x.index()] != Some(time) {
            self.hit = Some(RunStop::Breakpoint { proc: x, addr: p });
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }

    #[inline]
    fn read(&mut self, time: u64, by: ProcId, memory: MemoryId, addr: u32) {
        if self.hit.is_none() && self.watch_reads.contains(memory, addr) {
            self.hit = Some(RunStop::Watchpoint { proc: by, memory, addr, access: Access::Read, time });
        }
    }

    #[inline]
    fn write(&mut self, r: &WriteRecord) {
        if self.hit.is_none() && self.watch_writes.contains(r.memory, r.addr) {
            self.hit = Some(RunStop::Watchpoint {
                proc: r.by,
                memory: r.memory,
                addr: r.addr,
                access: Access::Write,
                time: r.time,
            });
        }
    }

    fn after_step(&mut self, m: &Machine, _x: ProcId) -> ControlFlow<()> {
        if self.hit.is_none() {
            self.hit = self.goal_met(m);
        }
        if self.hit.is_some() { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    }
}

impl Stops<'_> {
    fn goal_met(&mut self, m: &Machine) -> Option<RunStop> {
        let goal = self.goal?;
        match goal {
            Goal::Dcm(_) | Goal::Output { .. } => {
                let fresh = m.craft.outputs.get(self.outputs_seen..).unwrap_or_default();
                self.outputs_seen = m.craft.outputs.len();
                fresh.iter().find(|o| goal.matches(o)).map(|o| RunStop::Goal(GoalMet::Output(*o)))
            }
            // Seen in the step record.
            Goal::Interrupt(_) => None,
            Goal::Halt => self.halt_goal(m),
        }
    }
}

/// [`Session::run_until`]'s condition, as an observer.
struct Until<'a, F: FnMut(&Machine) -> bool> {
    condition: &'a mut F,
    met: bool,
}

impl<F: FnMut(&Machine) -> bool> Observer for Until<'_, F> {
    const STOPS: bool = true;

    fn after_step(&mut self, m: &Machine, _x: ProcId) -> ControlFlow<()> {
        self.met = (self.condition)(m);
        if self.met { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    }
}

impl Machine {
    /// Ground load (spec §12) of an image at a resolved target: jumpers do not apply;
    /// absent addresses keep their contents.
    pub fn load_at(&mut self, image: &Image, target: Target) {
        for x in target.units() {
            let memory = image.kind.memory(*x);
            for &(a, w) in &image.words {
                crate::machine::write_cell(&mut self.cpu, &mut self.craft, memory, a, w);
            }
        }
    }
}

impl Models {
    /// The models on in either.
    pub fn merged(self, other: Models) -> Models {
        Models {
            aacs_heartbeat: self.aacs_heartbeat || other.aacs_heartbeat,
            uplink: self.uplink || other.uplink,
            rf_monitors: self.rf_monitors || other.rf_monitors,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bits::Word;
    use crate::isa::Opcode;
    use crate::machine::CYCLES_PER_SECOND;

    fn program(words: &[(u32, Word)], target: Target) -> Image {
        Image { kind: ImageKind::Ccs, target: Some(target), words: words.iter().map(|&(a, w)| (a, w.get())).collect() }
    }

    fn op(o: Opcode, a: u32) -> Word {
        o.encode(Addr::wrapping(a))
    }

    /// A loop: 0o40 LDI 1; 0o41 ADD 0o100... counts into 0o100 forever.
    fn counter() -> Image {
        program(&[(0o40, op(Opcode::INC, 0o100)), (0o41, op(Opcode::NOP, 0)), (0o42, op(Opcode::JMP, 0o40))], Target::A)
    }

    #[test]
    fn a_setup_runs_the_processors_its_images_target() {
        let setup = MachineSetup::new().with_image(counter()).unwrap();
        assert_eq!(setup.running(), Processors::A);
        let m = setup.build();
        assert_eq!(m.cpu[0].state, RunState::Running);
        assert_eq!(m.cpu[1].state, RunState::Held);
        let both = MachineSetup::new().with_image(program(&[], Target::AB)).unwrap();
        assert_eq!(both.running(), Processors::AB);
        assert_eq!(MachineSetup::new().running(), Processors::None);
        let no_target = Image { target: None, ..counter() };
        assert_eq!(MachineSetup::new().with_image(no_target), Err(ImageError::MissingTarget));
    }

    #[test]
    fn a_breakpoint_stops_before_the_instruction_once_and_resumes_past_it() {
        let mut s = Session::new(MachineSetup::new().with_image(counter()).unwrap());
        s.set_breakpoint(ProcId::A, Addr::wrapping(0o41));
        assert_eq!(s.run(1_000_000), RunStop::Breakpoint { proc: ProcId::A, addr: Addr::wrapping(0o41) });
        assert_eq!(s.machine().cpu[0].regs.p.get(), 0o41);
        assert_eq!(s.read(MemoryId::Ccs(ProcId::A), 0o100), 1, "the INC before it ran, the NOP did not");
        let t = s.now();
        // Resuming: the first instruction at the breakpoint is not a hit; the next pass is.
        assert_eq!(s.run(1_000_000), RunStop::Breakpoint { proc: ProcId::A, addr: Addr::wrapping(0o41) });
        assert_eq!(s.read(MemoryId::Ccs(ProcId::A), 0o100), 2);
        assert!(s.now() > t);
        s.clear_breakpoints();
        assert_eq!(s.run(1_000_000), RunStop::Limit);
    }

    #[test]
    fn a_run_with_stops_set_ends_where_an_uninterrupted_run_does() {
        // The same run, once with a breakpoint that never hits and a goal never met, once
        // without: identical machines.
        let setup = MachineSetup::new().with_image(counter()).unwrap();
        let mut plain = Session::new(setup.clone());
        let mut guarded = Session::new(setup);
        guarded.set_breakpoint(ProcId::A, Addr::wrapping(0o7000));
        guarded.set_goal(Some(Goal::Dcm(5)));
        assert_eq!(plain.run(3 * CYCLES_PER_SECOND), RunStop::Limit);
        assert_eq!(guarded.run(3 * CYCLES_PER_SECOND), RunStop::Limit);
        assert_eq!(plain.machine(), guarded.machine());
    }

    #[test]
    fn a_watchpoint_stops_after_the_step_that_writes() {
        let mut s = Session::new(MachineSetup::new().with_image(counter()).unwrap());
        s.set_watchpoint(MemoryId::Ccs(ProcId::A), 0o100, Access::Write);
        match s.run(1_000_000) {
            RunStop::Watchpoint { proc: ProcId::A, addr: 0o100, access: Access::Write, time: 0, .. } => {}
            other => panic!("{other:?}"),
        }
        assert_eq!(s.machine().cpu[0].regs.p.get(), 0o41, "stopped after the INC");
        assert_eq!(s.read(MemoryId::Ccs(ProcId::A), 0o100), 1);
    }

    #[test]
    fn goals_stop_just_after_the_event() {
        // 0o40 LDI 7; OUT 0o17; DCM 0o5; HLT 2
        let img = program(
            &[
                (0o40, op(Opcode::LDI, 7)),
                (0o41, op(Opcode::OUT, 0o17)),
                (0o42, op(Opcode::DCM, 5)),
                (0o43, op(Opcode::HLT, 2)),
            ],
            Target::A,
        );
        let mut s = Session::new(MachineSetup::new().with_image(img).unwrap());
        s.set_goal(Some(Goal::Output { channel: 0o17, value: Some(7) }));
        let RunStop::Goal(GoalMet::Output(o)) = s.run(10_000) else { panic!("no output goal") };
        assert_eq!(o.time, 22);
        assert_eq!(s.machine().cpu[0].regs.p.get(), 0o42);
        s.set_goal(Some(Goal::Dcm(5)));
        assert!(matches!(s.run(10_000), RunStop::Goal(GoalMet::Output(_))));
        assert_eq!(s.machine().cpu[0].regs.p.get(), 0o43);
        s.set_goal(Some(Goal::Halt));
        assert_eq!(s.run(10_000), RunStop::Goal(GoalMet::Halted { proc: ProcId::A, code: Addr::wrapping(2) }));
        s.set_goal(None);
        assert_eq!(s.run(10_000), RunStop::Halted { proc: ProcId::A, code: Addr::wrapping(2) });
    }

    #[test]
    fn a_run_to_an_event_at_2_to_the_63_takes_two_slices() {
        // Mask all but level 3 (uplink), wait; the uplink comes at 2^63.
        let far = 1u64 << 63;
        let words = [
            (0o40, op(Opcode::LML, 0o50)),
            (0o41, op(Opcode::LMH, 0o51)),
            (0o42, op(Opcode::WAI, 0)),
            (0o43, op(Opcode::HLT, 1)),
            (0o50, Word::wrapping(0o177767)),
            (0o51, Word::wrapping(0o177777)),
        ];
        let mut s = Session::new(MachineSetup::new().with_image(program(&words, Target::A)).unwrap());
        let m = s.machine_mut();
        m.schedule(crate::env::TimedInput { time: far, input: crate::env::Input::Uplink(Word::wrapping(0o1234)) });
        let (limit, slice) = (far + 1_000, 50_000_000);
        let mut end = 0;
        let mut slices = 0;
        // The deadline is a slice count: a scheduler linear in simulated time would
        // need 2^63 / 50,000,000 of them.
        while slices < 10 {
            end = s.next_slice_end(end, slice, limit);
            slices += 1;
            if s.run(end) != RunStop::Limit || end >= limit {
                break;
            }
        }
        assert_eq!(slices, 2, "a run to 2^63 went slice by slice");
        assert!(s.now() >= far, "the WAI ended at the uplink");
        assert_eq!(s.machine().proc(ProcId::A).regs.pend & (1 << 3), 1 << 3, "level 3 pending");
    }

    #[test]
    fn run_until_stops_after_the_first_step_where_the_condition_holds() {
        let mut s = Session::new(MachineSetup::new().with_image(counter()).unwrap());
        let stop = s.run_until(|m| m.examine(MemoryId::Ccs(ProcId::A), 0o100) == 3, CYCLES_PER_SECOND);
        assert_eq!(stop, RunStop::Condition);
        assert_eq!(s.read(MemoryId::Ccs(ProcId::A), 0o100), 3);
        assert_eq!(s.machine().cpu[0].regs.p.get(), 0o41);
        let never = s.run_until(|_| false, 1000);
        assert_eq!(never, RunStop::Limit);
    }

    #[test]
    fn nothing_running_and_waiting_forever_are_told_apart() {
        let mut idle = Session::new(MachineSetup::new());
        assert_eq!(idle.run(1000), RunStop::NothingRunning);
        // DIN; WAI with everything masked: no event can wake it.
        let img = program(&[(0o40, op(Opcode::WAI, 0))], Target::B);
        let mut s = Session::new(MachineSetup::new().with_image(img).unwrap());
        assert_eq!(s.run(1000), RunStop::WaitingForever);
    }

    #[test]
    fn symbols_and_registers_by_name() {
        let mut symbols = Symbols::new();
        symbols.insert("COUNT", 0o100, false);
        symbols.insert("LOOP", 0o40, true);
        let mut s = Session::new(MachineSetup::new().with_image(counter()).unwrap().with_symbols(symbols));
        s.run(300);
        assert_eq!(s.word("COUNT"), Ok(s.read(MemoryId::Ccs(ProcId::A), 0o100)));
        assert!(s.word("COUNT").unwrap() > 0);
        assert_eq!(s.symbols().label_at(0o40), Some("LOOP"));
        assert_eq!(s.word("NOPE"), Err(LookupError::Symbol("NOPE".into())));
        assert_eq!(s.register(ProcId::A, "p"), Ok(s.reg(ProcId::A, Reg::P)));
        assert!(matches!(s.register(ProcId::A, "Q"), Err(LookupError::Register(_))));
    }

    #[test]
    fn numbers_convert_to_words_and_addresses_with_a_check() {
        let a: Addr = 0o7777u32.try_into().unwrap();
        assert_eq!(a.get(), 0o7777);
        assert!(Addr::try_from(0o10000u32).is_err());
        let w: Word = (-1i32).try_into().unwrap();
        assert_eq!(w.get(), 0o777777);
        assert!(Word::try_from(-131073i32).is_err());
        assert!(Word::try_from(131071i32).is_ok());
    }

    #[test]
    fn processors_are_named() {
        assert_eq!(Processors::parse("ab"), Some(Processors::AB));
        assert_eq!(Processors::A.union(Processors::B), Processors::AB);
        assert_eq!(Processors::B.iter().collect::<Vec<_>>(), vec![ProcId::B]);
        assert!(!Processors::None.contains(ProcId::A));
    }
}
