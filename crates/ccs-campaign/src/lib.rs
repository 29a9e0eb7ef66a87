//! Fault-injection campaigns (issue 6): many runs of one program through one scenario,
//! each with a single randomly drawn fault, each classified against a fault-free
//! ("golden") run of the same scenario.
//!
//! Every trial is derived from the seed and its own index only, so the same seed gives
//! the same table however the trials are spread over threads.

use ccs_budget::AllocationMap;
use ccs_core::{Command, Fault, Input, MachineSetup, MemoryId, Output, ProcId, REGISTERS, Stop, TimedInput, Unit};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
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
    pub outputs: Vec<Output>,
    pub stops: [Stop; 2],
    /// Level-0 (error) acceptances, both processors.
    pub errors_taken: u64,
    /// Every word of the six memories, in [`MemoryId::ALL`] order.
    pub memory: Vec<u32>,
}

/// One trial: a fault and its outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Trial {
    pub index: usize,
    pub class: FaultClass,
    /// The fault as it was injected (`Debug` text of the input, with its time).
    pub fault: String,
    pub outcome: Outcome,
    /// Why it was classified so.
    pub reason: String,
}

/// The whole campaign.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    pub seed: u64,
    pub trials: Vec<Trial>,
}

impl Report {
    /// Counts by fault class and outcome.
    pub fn table(&self) -> BTreeMap<FaultClass, BTreeMap<Outcome, u32>> {
        let mut t: BTreeMap<FaultClass, BTreeMap<Outcome, u32>> = BTreeMap::new();
        for trial in &self.trials {
            *t.entry(trial.class).or_default().entry(trial.outcome).or_default() += 1;
        }
        t
    }

    /// The table as text, one row per fault class, one column per outcome.
    pub fn table_text(&self) -> String {
        let table = self.table();
        let mut s = format!("{:<18}", "FAULT CLASS");
        for o in Outcome::ALL {
            s += &format!(" {:>23}", o.name());
        }
        s += &format!(" {:>6}\n", "TOTAL");
        let mut totals = [0u32; 5];
        for class in FaultClass::ALL {
            let row = table.get(&class);
            let count = |o: Outcome| row.and_then(|r| r.get(&o)).copied().unwrap_or(0);
            s += &format!("{:<18}", class.name());
            let mut total = 0;
            for (i, o) in Outcome::ALL.into_iter().enumerate() {
                s += &format!(" {:>23}", count(o));
                totals[i] += count(o);
                total += count(o);
            }
            s += &format!(" {total:>6}\n");
        }
        s += &format!("{:<18}", "all");
        for t in totals {
            s += &format!(" {t:>23}");
        }
        s += &format!(" {:>6}\n", totals.iter().sum::<u32>());
        s
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

/// Run the setup, with an extra input when given.
pub fn run(setup: &Setup, fault: Option<TimedInput>) -> Record {
    let mut m = setup.machine.build();
    if let Some(f) = fault {
        m.schedule(f);
    }
    let stops = m.run_until(setup.cycles);
    let memory = MemoryId::ALL
        .iter()
        .flat_map(|&mem| (0..mem.words()).map(move |a| (mem, a)))
        .map(|(mem, a)| m.examine(mem, a))
        .collect();
    Record {
        outputs: m.drain_outputs(),
        stops,
        errors_taken: m.craft.counters.accepted.iter().map(|levels| levels[0]).sum(),
        memory,
    }
}

/// Commands issued at or after `from`, in order, without their times (a fault may shift
/// them by a few cycles).
fn commands_from(outputs: &[Output], from: u64) -> Vec<(ccs_core::Source, Command)> {
    outputs.iter().filter(|o| o.time >= from).map(|o| (o.source, o.command)).collect()
}

fn dcms(outputs: &[Output]) -> Vec<u32> {
    let mut v: Vec<u32> = outputs
        .iter()
        .filter_map(|o| match o.command {
            Command::Dcm { number } => Some(number.get()),
            _ => None,
        })
        .collect();
    v.sort_unstable();
    v
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
    let settled = setup.cycles - setup.cycles / 4;
    let golden_tail = commands_from(&golden.outputs, settled);
    let faulty_tail = commands_from(&faulty.outputs, settled);
    if let Some((p, stop)) = ProcId::BOTH
        .iter()
        .zip(faulty.stops)
        .find(|(p, s)| setup.machine.running().contains(**p) && *s != golden.stops[p.index()])
    {
        return (Outcome::HangOrHalt, format!("processor {p}: {stop}"));
    }
    if !golden_tail.is_empty() && faulty_tail.len() * 2 < golden_tail.len() {
        return (
            Outcome::HangOrHalt,
            format!("{} commands in the final quarter, against {}", faulty_tail.len(), golden_tail.len()),
        );
    }
    let new_errors = faulty.errors_taken > golden.errors_taken;
    let new_dcms = dcms(&faulty.outputs) != dcms(&golden.outputs);
    let detected = new_errors || new_dcms;
    let outputs_same = faulty.outputs.iter().map(|o| o.command).eq(golden.outputs.iter().map(|o| o.command));
    let memory_same = faulty.memory == golden.memory;
    let protected_same = protected.iter().all(|&i| faulty.memory[i] == golden.memory[i]);
    let response = match (new_errors, new_dcms) {
        (true, true) => "error handling and discrete commands",
        (true, false) => "error handling (level 0)",
        _ => "discrete commands",
    };
    match (detected, faulty_tail == golden_tail && protected_same) {
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

/// Run `trials` faulty runs on every core. `progress` is called after each trial with
/// the number done so far (from any thread).
pub fn campaign(setup: &Setup, trials: usize, seed: u64, progress: &(dyn Fn(usize) + Sync)) -> Report {
    let golden = run(setup, None);
    let protected = protected_words(setup);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let trials = (0..trials)
        .into_par_iter()
        .map(|index| {
            let (class, fault) = draw(seed, index, setup);
            let faulty = run(setup, Some(fault));
            let (outcome, reason) = classify(setup, &golden, &faulty, &protected);
            progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
            Trial {
                index,
                class,
                fault: format!("t = {} ({}): {}", fault.time, ccs_core::SpacecraftTime(fault.time), fault.input),
                outcome,
                reason,
            }
        })
        .collect();
    Report { seed, trials }
}
