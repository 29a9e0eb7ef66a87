//! Fault-injection campaigns (issues 6 and 18): many runs of one program through one
//! scenario, each with a single fault, each classified against a fault-free ("golden")
//! run of the same scenario.
//!
//! * [`Plan`]: random faults drawn from a seed, or every bit of some words flipped once
//!   (exhaustive).
//! * [`run_campaign`]: the trials of a [`Shard`] of the plan, on every core (rayon).
//!   Every trial is derived from the plan and its own index only, so a campaign gives
//!   the same table however its trials are spread over threads, processes or machines.
//! * [`merge`]: shard reports combined into the report of the whole campaign.
//! * [`OutcomeMap`]: the per-word picture, in the memory map's layout.

mod plan;
mod report;
mod words;

pub use plan::{Plan, Shard, WordRange};
pub use report::{BitFlip, Campaign, MergeError, Report, Table, Timing, Trial, merge, table_of};
pub use words::{OutcomeMap, Verdict, WordOutcomes, slot};

use ccs_budget::AllocationMap;
use ccs_core::{
    Command, Fault, Input, Machine, MachineSetup, MemoryId, Output, ProcId, REGISTERS, Stop, TimedInput, Unit,
};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// What a campaign runs.
#[derive(Clone, Debug)]
pub struct Setup {
    /// How every run's machine is built: programs, processors, jumpers, models, the
    /// scenario's inputs.
    pub machine: MachineSetup,
    /// Length of every run, in cycles.
    pub cycles: u64,
    /// The allocation map: regions it protects from program stores must come out of a
    /// recovered run unchanged.
    pub map: AllocationMap,
}

/// The classes of fault a campaign draws from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultClass {
    MemoryBitFlip,
    RegisterBitFlip,
    StuckBit,
    DeadRange,
    Halt,
    Stall,
    Parity,
    DeviceFailure,
}

impl FaultClass {
    pub const ALL: [FaultClass; 8] = [
        FaultClass::MemoryBitFlip,
        FaultClass::RegisterBitFlip,
        FaultClass::StuckBit,
        FaultClass::DeadRange,
        FaultClass::Halt,
        FaultClass::Stall,
        FaultClass::Parity,
        FaultClass::DeviceFailure,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            FaultClass::MemoryBitFlip => "memory bit flip",
            FaultClass::RegisterBitFlip => "register bit flip",
            FaultClass::StuckBit => "stuck bit",
            FaultClass::DeadRange => "dead range",
            FaultClass::Halt => "processor halt",
            FaultClass::Stall => "processor stall",
            FaultClass::Parity => "parity error",
            FaultClass::DeviceFailure => "device failure",
        }
    }
}

/// How a faulty run compares with the golden run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Fault protection responded, and the run ended as the golden run did: the same
    /// commands in the final quarter, protected memory intact.
    Recovered,
    /// Fault protection responded, but the run did not end as the golden run did.
    DetectedNotRecovered,
    /// No response, but the outputs or memory differ from the golden run.
    SilentCorruption,
    /// A processor halted or waits forever, or the outputs stopped.
    HangOrHalt,
    /// No response and no difference: the fault was masked.
    NoEffect,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::Recovered,
        Outcome::DetectedNotRecovered,
        Outcome::SilentCorruption,
        Outcome::HangOrHalt,
        Outcome::NoEffect,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Outcome::Recovered => "detected, recovered",
            Outcome::DetectedNotRecovered => "detected, not recovered",
            Outcome::SilentCorruption => "silent corruption",
            Outcome::HangOrHalt => "hang or halt",
            Outcome::NoEffect => "no effect",
        }
    }
}

/// What a run leaves behind, for comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub outputs: Outputs,
    pub stops: [Stop; 2],
    /// Level-0 (error) acceptances, both processors.
    pub errors_taken: u64,
    /// Every word of the six memories, in [`MemoryId::ALL`] order.
    pub memory: Vec<u32>,
}

/// A run's outputs in a form whose size does not grow with them (a runaway loop of OUTs
/// can issue millions): counts and running digests (FNV-1a of each item's `Hash`, in
/// order; compared within one process only) of the sequences the classification
/// compares, and the discrete commands by number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outputs {
    /// Every output (OUT or issued command), in order, without times or sources.
    pub count: u64,
    pub digest: u64,
    /// The outputs at or after the settled time (the final quarter), with their sources.
    pub tail_count: u64,
    pub tail_digest: u64,
    /// Discrete commands issued, by number (at most 4096 keys).
    pub dcms: std::collections::BTreeMap<u32, u64>,
}

impl Default for Outputs {
    fn default() -> Self {
        let basis = std::hash::Hasher::finish(&fnv::FnvHasher::default());
        Outputs { count: 0, digest: basis, tail_count: 0, tail_digest: basis, dcms: Default::default() }
    }
}

/// The digest `state` with `item` appended.
fn fold(state: u64, item: impl std::hash::Hash) -> u64 {
    let mut h = fnv::FnvHasher::with_key(state);
    item.hash(&mut h);
    std::hash::Hasher::finish(&h)
}

impl Outputs {
    fn add(&mut self, o: &Output, settled: u64) {
        self.count += 1;
        self.digest = fold(self.digest, o.command);
        if o.time >= settled {
            self.tail_count += 1;
            self.tail_digest = fold(self.tail_digest, (o.source, o.command));
        }
        if let Command::Dcm { number } = o.command {
            *self.dcms.entry(number.get()).or_default() += 1;
        }
    }
}

/// A small deterministic generator (SplitMix64): trials must not depend on a library's
/// generator changing between versions, and this needs nothing more.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, index: u64) -> Rng {
        let mut r = Rng(seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.next();
        r
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Draw the fault of trial `index`: a class, a time in the first half of the run (so
/// fault protection has time to act), and its parameters.
pub fn draw(seed: u64, index: usize, setup: &Setup) -> (FaultClass, TimedInput) {
    let mut rng = Rng::new(seed, index as u64);
    let class = FaultClass::ALL[rng.below(FaultClass::ALL.len() as u64) as usize];
    let time = rng.below((setup.cycles / 2).max(1));
    let procs: Vec<ProcId> = setup.machine.running().iter().collect();
    let proc = if procs.is_empty() { ProcId::A } else { procs[rng.below(procs.len() as u64) as usize] };
    // Memory faults land mostly in the CCS memories the program runs from.
    let memory = |rng: &mut Rng| match rng.below(10) {
        0 => MemoryId::Fds(rng.below(2) as u8),
        1 => MemoryId::Aacs(rng.below(2) as u8),
        _ => MemoryId::Ccs(proc),
    };
    let input = match class {
        FaultClass::MemoryBitFlip => {
            let m = memory(&mut rng);
            let addr = rng.below(m.words() as u64) as u32;
            Input::Fault(Fault::FlipMemoryBit { memory: m, addr, bit: rng.below(m.word_bits() as u64) as u8 })
        }
        FaultClass::RegisterBitFlip => {
            let architectural: Vec<_> = REGISTERS.iter().filter(|r| r.architectural).collect();
            let r = architectural[rng.below(architectural.len() as u64) as usize];
            Input::Fault(Fault::FlipRegisterBit { proc, reg: r.reg, bit: rng.below(r.bits as u64) as u8 })
        }
        FaultClass::StuckBit => {
            let m = MemoryId::Ccs(proc);
            let mask = 1 << rng.below(18);
            let value = if rng.below(2) == 0 { 0 } else { mask };
            Input::Fault(Fault::StuckAt { memory: m, addr: rng.below(4096) as u32, mask, value })
        }
        FaultClass::DeadRange => {
            let m = memory(&mut rng);
            let len = 1 + rng.below(64) as u32;
            let start = rng.below((m.words() - len) as u64) as u32;
            Input::Fault(Fault::DeadRange { memory: m, start, len, pattern: 0o525252 & m.word_mask() })
        }
        FaultClass::Halt => Input::Fault(Fault::Halt { proc }),
        FaultClass::Stall => Input::Fault(Fault::Stall { proc, cycles: 1 + rng.below(2_000_000) }),
        FaultClass::Parity => Input::Parity(proc),
        FaultClass::DeviceFailure => {
            let unit = Unit::ALL[rng.below(6) as usize];
            Input::Device { unit, index: rng.below(2) as u8, working: false }
        }
    };
    (class, TimedInput { time, input })
}

/// The machine of a setup at time 0: images loaded, jumpers set, reset, the scenario's
/// inputs scheduled. (Every run of a campaign starts here.)
pub fn machine(setup: &Setup) -> Machine {
    setup.machine.build()
}

/// Run the setup from time 0, with an extra input when given.
pub fn run(setup: &Setup, fault: Option<TimedInput>) -> Record {
    run_from(machine(setup), setup, fault)
}

/// Run `m` (the setup's [`machine`], at time 0 or cut by [`start_before`] the fault's
/// time) to the end of the run, with the fault scheduled first, and record what it
/// leaves.
pub fn run_from(mut m: Machine, setup: &Setup, fault: Option<TimedInput>) -> Record {
    if let Some(f) = fault {
        m.schedule(f);
    }
    // In pieces, folding the outputs in as they come (a cut run is the same run).
    let settled = setup.cycles - setup.cycles / 4;
    let mut outputs = Outputs::default();
    let mut stops = [Stop::Held; 2];
    for k in 1..=OUTPUT_PIECES {
        stops = m.run_until(setup.cycles * k / OUTPUT_PIECES);
        m.drain_outputs().iter().for_each(|o| outputs.add(o, settled));
    }
    let memory = MemoryId::ALL
        .iter()
        .flat_map(|&mem| (0..mem.words()).map(move |a| (mem, a)))
        .map(|(mem, a)| m.examine(mem, a))
        .collect();
    Record { outputs, stops, errors_taken: m.craft.counters.accepted.iter().map(|levels| levels[0]).sum(), memory }
}

/// Pieces a run is cut in to take its outputs.
const OUTPUT_PIECES: u64 = 16;

/// Checkpoints of the shared start of an exhaustive campaign.
const CHECKPOINTS: u64 = 64;

/// The golden run cut as late as possible before `at` such that running on from the cut
/// with a fault scheduled at `at` is the same run as one with the fault scheduled from
/// the start: no event at or after `at` delivered yet (the fault would have been
/// delivered first) and every running processor's next step still before `at` (a
/// processor waiting through `at` is fine: the fault comes before its wake-up). Every
/// trial of an exhaustive plan starts from it, so the common first part of the run is
/// simulated once, not once per trial.
pub fn start_before(setup: &Setup, at: u64) -> Machine {
    let mut m = machine(setup);
    let mut start = m.clone();
    for k in 1..=CHECKPOINTS {
        m.run_until(at * k / CHECKPOINTS);
        let clean = m.event_horizon() <= at
            && m.cpu.iter().all(|c| !matches!(c.state, ccs_core::RunState::Running) || c.time < at);
        if !clean {
            break;
        }
        start = m.clone();
    }
    start
}

/// Words of the regions program stores may not write, as (memory index, address).
fn protected_words(setup: &Setup) -> Vec<usize> {
    let mut offset = 0usize;
    let mut words = Vec::new();
    for m in MemoryId::ALL {
        for r in setup.map.regions_of(m).filter(|r| !r.writable) {
            words.extend((r.start..=r.end).map(|a| offset + a as usize));
        }
        offset += m.words() as usize;
    }
    words
}

/// Classify a faulty run against the golden one.
pub fn classify(setup: &Setup, golden: &Record, faulty: &Record, protected: &[usize]) -> (Outcome, String) {
    let (golden_out, faulty_out) = (&golden.outputs, &faulty.outputs);
    if let Some((p, stop)) = ProcId::BOTH
        .iter()
        .zip(faulty.stops)
        .find(|(p, s)| setup.machine.running().contains(**p) && *s != golden.stops[p.index()])
    {
        return (Outcome::HangOrHalt, format!("processor {p}: {stop}"));
    }
    if golden_out.tail_count > 0 && faulty_out.tail_count * 2 < golden_out.tail_count {
        return (
            Outcome::HangOrHalt,
            format!("{} commands in the final quarter, against {}", faulty_out.tail_count, golden_out.tail_count),
        );
    }
    let new_errors = faulty.errors_taken > golden.errors_taken;
    let new_dcms = faulty_out.dcms != golden_out.dcms;
    let detected = new_errors || new_dcms;
    let outputs_same = (faulty_out.count, faulty_out.digest) == (golden_out.count, golden_out.digest);
    let tail_same = (faulty_out.tail_count, faulty_out.tail_digest) == (golden_out.tail_count, golden_out.tail_digest);
    let memory_same = faulty.memory == golden.memory;
    let protected_same = protected.iter().all(|&i| faulty.memory[i] == golden.memory[i]);
    let response = match (new_errors, new_dcms) {
        (true, true) => "error handling and discrete commands",
        (true, false) => "error handling (level 0)",
        _ => "discrete commands",
    };
    match (detected, tail_same && protected_same) {
        (true, true) => (Outcome::Recovered, format!("{response}; the run ended as the golden run")),
        (true, false) if !protected_same => {
            (Outcome::DetectedNotRecovered, format!("{response}; protected memory differs at the end"))
        }
        (true, false) => (Outcome::DetectedNotRecovered, format!("{response}; the final commands differ")),
        (false, _) if !outputs_same => (Outcome::SilentCorruption, "no response; the outputs differ".into()),
        (false, _) if !memory_same => (Outcome::SilentCorruption, "no response; memory differs".into()),
        (false, _) => (Outcome::NoEffect, "no response and no difference".into()),
    }
}

/// Run the trials of `shard` of `plan` on every core. `progress` is called after each
/// trial with the number done so far (from any thread).
pub fn run_campaign(
    setup: &Setup,
    program: &str,
    plan: Plan,
    shard: Shard,
    progress: &(dyn Fn(usize) + Sync),
) -> Report {
    let started = std::time::Instant::now();
    let campaign = Campaign::new(setup, program, plan);
    let plan = &campaign.plan;
    let golden = run(setup, None);
    let protected = protected_words(setup);
    let start = match plan {
        Plan::Exhaustive { at, .. } => start_before(setup, *at),
        Plan::Random { .. } => machine(setup),
    };
    let done = std::sync::atomic::AtomicUsize::new(0);
    let indices: Vec<usize> = shard.indices(campaign.trials).collect();
    let trials: Vec<Trial> = indices
        .into_par_iter()
        .map(|index| {
            let (class, fault) = plan.fault(index, setup);
            let faulty = run_from(start.clone(), setup, Some(fault));
            let (outcome, reason) = classify(setup, &golden, &faulty, &protected);
            progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
            let flip = match fault.input {
                Input::Fault(Fault::FlipMemoryBit { memory, addr, bit }) => Some(BitFlip { memory, addr, bit }),
                _ => None,
            };
            Trial {
                index,
                class,
                fault: format!("t = {} ({}): {}", fault.time, ccs_core::SpacecraftTime(fault.time), fault.input),
                flip,
                outcome,
                reason,
            }
        })
        .collect();
    let timing = Timing {
        shard,
        trials: trials.len(),
        seconds: started.elapsed().as_secs_f64(),
        threads: rayon::current_num_threads(),
    };
    Report { shard, table: table_of(&trials), trials, timing: vec![timing], campaign }
}
