//! The machine state: both processors, their memories, the attached FDS and AACS
//! memories, device latches, modes and unit selections, the environment, the output
//! units and the clock. All of it lives in one [`Machine`], which serde saves and
//! restores whole.

use crate::bits::{Addr, Bits, Word};
use crate::env::{Environment, Models};
use crate::io::channel;
use crate::memory::{AacsMemory, CcsMemory, FdsMemory};
use crate::observer::MemoryId;
use crate::session::Processors;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Period of the 10 ms clock (level 4) in cycles.
pub const T10_PERIOD: u64 = 5_000;
/// Period of the 1 s clock (level 5) in cycles.
pub const T1S_PERIOD: u64 = 500_000;
/// Period of the 1 h clock (level 6) in cycles.
pub const T1H_PERIOD: u64 = 1_800_000_000;
/// Cycles per simulated second (500 kHz bit clock).
pub const CYCLES_PER_SECOND: u64 = 500_000;
/// Deadline for the partner of a voted command (spec §10.2).
pub const PAIRING_DEADLINE: u64 = 5_000;
/// Reset value of P: the first word after the trap table.
pub const RESET_P: u32 = 0o0040;

/// Condition-code bits.
pub mod cc {
    pub const OVF: u32 = 8;
    pub const NEG: u32 = 4;
    pub const ODD: u32 = 2;
    pub const NZ: u32 = 1;
}

/// ERR bits (spec §7.6).
pub mod err {
    pub const PROTECTION: u32 = 1 << 0;
    pub const TANDEM: u32 = 1 << 1;
    pub const PARITY: u32 = 1 << 2;
    pub const XCT_CHAIN: u32 = 1 << 3;
}

/// Processor A or B.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ProcId {
    A = 0,
    B = 1,
}

impl ProcId {
    pub const BOTH: [ProcId; 2] = [ProcId::A, ProcId::B];

    pub const fn index(self) -> usize {
        self as usize
    }

    pub const fn other(self) -> ProcId {
        match self {
            ProcId::A => ProcId::B,
            ProcId::B => ProcId::A,
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            ProcId::A => "A",
            ProcId::B => "B",
        }
    }
}

impl std::fmt::Display for ProcId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Jumper setting of a memory block (spec §5).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Jumper {
    #[default]
    #[serde(rename = "RW")]
    ReadWrite,
    #[serde(rename = "WP")]
    WriteProtected,
    #[serde(rename = "RO")]
    ReadOnly,
}

impl Jumper {
    /// Encoding in the status word: 0 RW, 1 WP, 2 RO.
    pub const fn code(self) -> u32 {
        match self {
            Jumper::ReadWrite => 0,
            Jumper::WriteProtected => 1,
            Jumper::ReadOnly => 2,
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            Jumper::ReadWrite => "RW",
            Jumper::WriteProtected => "WP",
            Jumper::ReadOnly => "RO",
        }
    }

    pub fn parse(text: &str) -> Option<Jumper> {
        match text.trim().to_ascii_uppercase().as_str() {
            "RW" => Some(Jumper::ReadWrite),
            "WP" => Some(Jumper::WriteProtected),
            "RO" => Some(Jumper::ReadOnly),
            _ => None,
        }
    }
}

/// Kind of memory write, for the protection check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WriteKind {
    /// STA, STD, CAL, INC, ... : allowed only in RW blocks.
    ProgramStore,
    /// MLD: allowed in RW and WP blocks.
    MemoryLoad,
}

/// Jumpers of blocks 0-2 (block 3 is always RW).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Jumpers(pub [Jumper; 3]);

/// `WP,WP,RW`: the form `--jumpers` takes.
impl std::fmt::Display for Jumpers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{},{},{}", self.0[0].name(), self.0[1].name(), self.0[2].name())
    }
}

impl Jumpers {
    /// Whether a write of `kind` into `addr`'s block takes effect.
    #[inline(always)]
    pub fn allows(&self, addr: Addr, kind: WriteKind) -> bool {
        let Some(j) = self.0.get(addr.block()) else {
            return true;
        };
        match kind {
            WriteKind::ProgramStore => *j == Jumper::ReadWrite,
            WriteKind::MemoryLoad => *j != Jumper::ReadOnly,
        }
    }

    /// Status-word bits 14..9.
    pub fn status_bits(&self) -> u32 {
        self.0.iter().enumerate().map(|(i, j)| j.code() << (9 + 2 * i)).sum()
    }
}

/// Operating mode (spec §10.2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Mode {
    #[default]
    Individual = 0,
    Parallel = 1,
    Tandem = 2,
}

impl Mode {
    pub const fn from_code(code: u32) -> Option<Mode> {
        match code {
            0 => Some(Mode::Individual),
            1 => Some(Mode::Parallel),
            2 => Some(Mode::Tandem),
            _ => None,
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            Mode::Individual => "INDIVIDUAL",
            Mode::Parallel => "PARALLEL",
            Mode::Tandem => "TANDEM",
        }
    }
}

/// Redundant units selectable by discrete command, in status-word bit order 3..8.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Aacs = 0,
    SBandExciter = 1,
    SBandAmplifier = 2,
    XBandExciter = 3,
    XBandTwta = 4,
    CommandReceiver = 5,
}

impl Unit {
    pub const ALL: [Unit; 6] = [
        Unit::Aacs,
        Unit::SBandExciter,
        Unit::SBandAmplifier,
        Unit::XBandExciter,
        Unit::XBandTwta,
        Unit::CommandReceiver,
    ];

    /// Status-word bit of this unit's selection.
    pub const fn status_bit(self) -> u32 {
        3 + self as u32
    }

    pub const fn name(self) -> &'static str {
        match self {
            Unit::Aacs => "AACS",
            Unit::SBandExciter => "S-band exciter",
            Unit::SBandAmplifier => "S-band power amplifier",
            Unit::XBandExciter => "X-band exciter",
            Unit::XBandTwta => "X-band TWTA",
            Unit::CommandReceiver => "command receiver",
        }
    }

    /// The discrete command that swaps this unit (spec §9.2).
    pub fn swap_command(self) -> u32 {
        crate::io::swap_command(self)
    }
}

/// Unit selections held as status-word bits 3..8 (0 prime, 1 redundant), the `sel`
/// of spec §13.1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Selections(u32);

impl Selections {
    pub const MASK: u32 = 0o770;

    pub const fn from_status_bits(bits: u32) -> Option<Selections> {
        if bits & !Self::MASK == 0 { Some(Selections(bits)) } else { None }
    }

    pub const fn status_bits(self) -> u32 {
        self.0
    }

    /// 0 prime, 1 redundant.
    pub const fn selected(self, unit: Unit) -> usize {
        ((self.0 >> unit.status_bit()) & 1) as usize
    }

    pub fn swap(&mut self, unit: Unit) {
        self.0 ^= 1 << unit.status_bit();
    }
}

impl TryFrom<u32> for Selections {
    type Error = String;
    fn try_from(v: u32) -> Result<Self, String> {
        Selections::from_status_bits(v).ok_or_else(|| format!("unit selections {v} use bits outside 3..8"))
    }
}

impl From<Selections> for u32 {
    fn from(s: Selections) -> u32 {
        s.0
    }
}

/// The thirteen registers of one processor (spec §4). DUMP, MAR, MDR, IR and SC are
/// internal: kept up to date for debugging, never compared by tests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registers {
    pub a: Word,
    pub p: Addr,
    pub l: Addr,
    /// Condition code: bit 3 OVF, 2 NEG, 1 ODD, 0 NZ.
    pub cc: Bits<4>,
    pub pend: u32,
    /// Bit k = 1: level k masked.
    pub mask: u32,
    pub ie: bool,
    pub err: Word,
    /// Bits 8..4 level last accepted, 3..0 CC saved at acceptance.
    pub dump: Bits<9>,
    /// Address of the latest memory access.
    pub mar: Addr,
    /// Latest word read or written.
    pub mdr: Word,
    /// Instruction being (or last) executed; for XCT, its target.
    pub ir: Word,
    /// Count of the latest shift (a[4:0]).
    pub sc: Bits<5>,
}

impl Default for Registers {
    /// The reset state of spec §4.
    fn default() -> Self {
        Registers {
            a: Word::ZERO,
            p: Addr::wrapping(RESET_P),
            l: Addr::ZERO,
            cc: Bits::ZERO,
            pend: 0,
            mask: u32::MAX,
            ie: false,
            err: Word::ZERO,
            dump: Bits::ZERO,
            mar: Addr::ZERO,
            mdr: Word::ZERO,
            ir: Word::ZERO,
            sc: Bits::ZERO,
        }
    }
}

/// What a processor is doing between steps (spec §10.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RunState {
    Running,
    /// Inside a WAI whose completion is pending.
    Waiting(Wait),
    /// Stopped by HLT with this code.
    Halted {
        code: Addr,
    },
    /// Not enabled in the run configuration: held halted (spec §4).
    Held,
}

/// A WAI in progress. The step started at `step_start`; the WAI itself at
/// `wai_start` (later for a WAI in a trap cell or executed by XCT, spec §7.5, C2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wait {
    pub step_start: u64,
    pub wai_start: u64,
    /// P after completion: the WAI's continuation address N.
    pub resume_p: Addr,
    /// Whether the WAI runs from a trap cell (completion then restores CC and sets IE).
    pub trap: bool,
    /// Earliest time at which an unmasked level became pending since the WAI started
    /// (by a delivered event or the other processor); `None` while nothing has.
    pub armed: Option<u64>,
    /// A stall fault keeps the WAI from completing before this time.
    pub not_before: u64,
    /// Registers before the step, for the step record at completion.
    pub before: StepBefore,
}

/// Registers before a step, as a trace line shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepBefore {
    pub p: Addr,
    pub word: Word,
    /// Level accepted, for an acceptance step.
    pub level: Option<u8>,
    pub a: Word,
    pub l: Addr,
    pub cc: Bits<4>,
}

/// One CCS processor with its own memory and configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Processor {
    pub id: ProcId,
    pub regs: Registers,
    pub memory: CcsMemory,
    pub jumpers: Jumpers,
    /// Next step boundary t_X in cycles.
    pub time: u64,
    pub state: RunState,
    /// FDS load address: bits 12..0 address, bit 13 unit.
    pub fla: Bits<14>,
    /// AACS load address: bits 11..0 address, bit 12 unit.
    pub ala: Bits<13>,
    /// Channel 0o04 input latch: last word the other processor wrote.
    pub mailbox: Word,
}

impl Processor {
    fn new(id: ProcId) -> Self {
        Processor {
            id,
            regs: Registers::default(),
            memory: CcsMemory::new(),
            jumpers: Jumpers::default(),
            time: 0,
            state: RunState::Held,
            fla: Bits::ZERO,
            ala: Bits::ZERO,
            mailbox: Word::ZERO,
        }
    }

    /// Halted by HLT or held: takes no steps.
    pub fn is_halted(&self) -> bool {
        matches!(self.state, RunState::Halted { .. } | RunState::Held)
    }

    pub fn is_waiting(&self) -> bool {
        matches!(self.state, RunState::Waiting(_))
    }
}

/// Device input latches shared by both processors (channels 0o00-0o03 and 0o05).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Latches {
    pub uplink: Word,
    pub aacs_power: Word,
    pub rf_monitors: Word,
    pub power_status: Word,
    pub fds_request: Word,
}

impl Latches {
    /// The latch a device channel reads (`None` for channels without a shared latch).
    pub fn get(&self, ch: u32) -> Option<Word> {
        Some(match ch {
            channel::UPLINK => self.uplink,
            channel::AACS_POWER => self.aacs_power,
            channel::RF_MONITORS => self.rf_monitors,
            channel::POWER_STATUS => self.power_status,
            channel::FDS_REQUEST => self.fds_request,
            _ => return None,
        })
    }

    pub fn get_mut(&mut self, ch: u32) -> Option<&mut Word> {
        Some(match ch {
            channel::UPLINK => &mut self.uplink,
            channel::AACS_POWER => &mut self.aacs_power,
            channel::RF_MONITORS => &mut self.rf_monitors,
            channel::POWER_STATUS => &mut self.power_status,
            channel::FDS_REQUEST => &mut self.fds_request,
            _ => return None,
        })
    }
}

/// A command leaving the CCS (or any OUT, for the log).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Command {
    Out { channel: Addr, value: Word },
    Dcm { number: Addr },
}

impl Command {
    /// What a discrete command does, for the numbers in the discrete-command table
    /// ([`crate::io::DISCRETE_COMMANDS`]; the others are logged without effect).
    pub fn meaning(&self) -> Option<&'static str> {
        let Command::Dcm { number } = self else {
            return None;
        };
        crate::io::discrete_command(number.get()).map(|d| d.meaning)
    }

    /// Voted class (spec §10.2): OUT 0o10, OUT 0o11 and DCM.
    pub fn is_voted(&self) -> bool {
        match self {
            Command::Out { channel, .. } => crate::io::channel_info(channel.get()).is_some_and(|c| c.is_voted()),
            Command::Dcm { .. } => true,
        }
    }
}

/// Who issued an output: one processor, or both as one voted command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Source {
    A,
    B,
    AB,
}

impl From<ProcId> for Source {
    fn from(p: ProcId) -> Source {
        match p {
            ProcId::A => Source::A,
            ProcId::B => Source::B,
        }
    }
}

/// An entry of the output log: every OUT executed and every voted command issued.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Output {
    /// Start time of the step that produced it.
    pub time: u64,
    pub source: Source,
    pub command: Command,
}

/// An unpaired voted command waiting for its partner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unpaired {
    pub command: Command,
    pub deadline: u64,
}

/// Run statistics (not architectural).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    /// Instructions executed (XCT and its target count once), per processor.
    pub instructions: [u64; 2],
    /// Interrupts accepted, per processor and level.
    pub accepted: [[u64; 32]; 2],
    /// Writes suppressed by protection, per processor.
    pub suppressed_writes: [u64; 2],
}

/// Everything outside the two processors: attached memories, devices, environment,
/// output units and the clock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spacecraft {
    pub fds: [FdsMemory; 2],
    pub aacs: [AacsMemory; 2],
    pub latches: Latches,
    pub mode: Mode,
    pub selections: Selections,
    pub env: Environment,
    /// Pairing FIFOs of unpaired voted commands, per processor.
    pub fifos: [VecDeque<Unpaired>; 2],
    /// OUTs executed and voted commands issued, in order. Callers drain it.
    pub outputs: Vec<Output>,
    /// Lasting memory faults (stuck and dead words).
    pub faults: crate::fault::MemoryFaults,
    pub counters: Counters,
    /// Every event with time < `horizon` has been delivered.
    pub(crate) horizon: u64,
    /// Lower bound on the time of the next undelivered event.
    #[serde(skip)]
    pub(crate) next_due: DueCache,
}

/// A derived lower bound on the next event time, recomputed whenever it is reached.
/// It is not state: 0 ("check now") is always valid, so it is neither saved nor
/// compared.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct DueCache(pub(crate) u64);

impl PartialEq for DueCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for DueCache {}

/// The whole emulated machine: two CCS processors inside the spacecraft's memory set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Machine {
    pub cpu: [Processor; 2],
    pub craft: Spacecraft,
}

impl Default for Machine {
    fn default() -> Self {
        Self::new()
    }
}

impl Machine {
    /// Power-up: memories zero, both processors held, only the clock running.
    pub fn new() -> Self {
        Machine {
            cpu: [Processor::new(ProcId::A), Processor::new(ProcId::B)],
            craft: Spacecraft {
                fds: [FdsMemory::new(), FdsMemory::new()],
                aacs: [AacsMemory::new(), AacsMemory::new()],
                latches: Latches::default(),
                mode: Mode::Individual,
                selections: Selections::default(),
                env: Environment::default(),
                fifos: Default::default(),
                outputs: Vec::new(),
                faults: Default::default(),
                counters: Counters::default(),
                horizon: 0,
                next_due: DueCache(0),
            },
        }
    }

    /// Reset (spec §4): registers, time, mode, selections, latches, load addresses and
    /// the environment's progress; memory and jumpers are kept. The `running`
    /// processors run; the others are held halted.
    pub fn reset(&mut self, running: impl Into<Processors>, models: Models) {
        let running = running.into();
        for cpu in self.cpu.iter_mut() {
            cpu.regs = Registers::default();
            cpu.time = 0;
            cpu.state = if running.contains(cpu.id) { RunState::Running } else { RunState::Held };
            cpu.fla = Bits::ZERO;
            cpu.ala = Bits::ZERO;
            cpu.mailbox = Word::ZERO;
        }
        let c = &mut self.craft;
        c.latches = Latches::default();
        c.mode = Mode::Individual;
        c.selections = Selections::default();
        c.env = Environment::new(models);
        if models.rf_monitors {
            // The monitors show the powered, selected units from the start.
            c.latches.rf_monitors = Word::wrapping(c.env.health().rf_word(c.selections));
        }
        c.fifos = Default::default();
        c.outputs.clear();
        c.counters = Counters::default();
        c.horizon = 0;
        c.next_due = DueCache(0);
    }

    /// Time of processor A's next boundary (the machine time in single-processor use).
    pub fn time(&self) -> u64 {
        self.cpu[0].time
    }

    pub fn proc(&self, x: ProcId) -> &Processor {
        &self.cpu[x.index()]
    }

    pub fn proc_mut(&mut self, x: ProcId) -> &mut Processor {
        &mut self.cpu[x.index()]
    }

    /// Every event before `time` counts as delivered; the next ones arrive as time
    /// passes. Used to start a machine mid-flight (a test vector's initial state).
    pub fn set_event_horizon(&mut self, time: u64) {
        self.craft.horizon = time;
        self.craft.next_due = DueCache(0);
    }

    /// Time up to which events have been delivered (exclusive).
    pub fn event_horizon(&self) -> u64 {
        self.craft.horizon
    }

    /// Schedule an environment input (a scripted event, an uplink word from the GUI,
    /// an injected parity error). Returns the delivery time.
    pub fn schedule(&mut self, input: crate::env::TimedInput) -> u64 {
        let t = self.craft.env.schedule(self.craft.horizon, input);
        self.craft.next_due = DueCache(0);
        t
    }

    /// Take the outputs logged so far.
    pub fn drain_outputs(&mut self) -> Vec<Output> {
        std::mem::take(&mut self.craft.outputs)
    }

    /// Examine a word of any memory of the spacecraft set (0 outside the memory).
    pub fn examine(&self, memory: MemoryId, addr: u32) -> u32 {
        read_cell(&self.cpu, &self.craft, memory, addr)
    }

    /// Deposit a word into any memory (a ground load: no protection, no faults).
    pub fn deposit(&mut self, memory: MemoryId, addr: u32, value: u32) -> Result<(), crate::bits::WidthError> {
        if addr >= memory.words() {
            return Err(crate::bits::WidthError {
                value: addr as u64,
                width: memory.words().ilog2(),
                max: memory.words() as u64 - 1,
            });
        }
        if value > memory.word_mask() {
            let max = memory.word_mask() as u64;
            return Err(crate::bits::WidthError { value: value as u64, width: memory.word_bits(), max });
        }
        write_cell(&mut self.cpu, &mut self.craft, memory, addr, value);
        Ok(())
    }

    /// Status word of channel 0o06 as processor `x` reads it (spec §9.1).
    pub fn status_word(&self, x: ProcId) -> Word {
        crate::exec::status_word(&self.cpu[x.index()], &self.craft)
    }
}

/// A word of any memory as a number (0 outside the memory).
pub(crate) fn read_cell(cpus: &[Processor; 2], craft: &Spacecraft, memory: MemoryId, addr: u32) -> u32 {
    if addr >= memory.words() {
        return 0;
    }
    let a = addr as usize;
    match memory {
        MemoryId::Ccs(p) => cpus[p.index()].memory.get(a).get(),
        MemoryId::Fds(u) => craft.fds[(u & 1) as usize].get(a).get(),
        MemoryId::Aacs(u) => craft.aacs[(u & 1) as usize].get(a).get(),
    }
}

/// Store into a word of any memory, masked to its width (no protection, no faults).
pub(crate) fn write_cell(cpus: &mut [Processor; 2], craft: &mut Spacecraft, memory: MemoryId, addr: u32, value: u32) {
    if addr >= memory.words() {
        return;
    }
    let a = addr as usize;
    match memory {
        MemoryId::Ccs(p) => cpus[p.index()].memory.set(a, Word::wrapping(value)),
        MemoryId::Fds(u) => craft.fds[(u & 1) as usize].set(a, Bits::wrapping(value)),
        MemoryId::Aacs(u) => craft.aacs[(u & 1) as usize].set(a, Word::wrapping(value)),
    }
}
