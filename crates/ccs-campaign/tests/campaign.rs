//! Fault campaigns on a small program with fault protection: each outcome class on a
//! chosen fault, and the same seed giving the same table.

use ccs_budget::AllocationMap;
use ccs_campaign::{FaultClass, Outcome, Plan, Report, Setup, Shard, classify, run, run_campaign};
use ccs_core::{Fault, Input, MemoryId, ProcId, Reg, Target, TimedInput};

fn setup() -> Setup {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/campaign/telemetry.asm");
    let out = ccs_asm::assemble(&path, &ccs_asm::FileSystem);
    assert!(out.diagnostics.is_empty(), "{}", out.render_diagnostics());
    Setup {
        machine: out.assembly.unwrap().setup(Target::A),
        cycles: 10 * 500_000,
        map: AllocationMap::parse(ccs_programs::VOYAGER_MAP, "voyager").unwrap(),
    }
}

fn outcome(fault: Input, time: u64) -> (Outcome, String) {
    let s = setup();
    let golden = run(&s, None);
    let faulty = run(&s, Some(TimedInput { time, input: fault }));
    let protected: Vec<usize> = {
        // FIXED and TRAPS of CCS-A: the first 0o5200 words of the flat memory list.
        (0..0o5200).collect()
    };
    classify(&s, &golden, &faulty, &protected)
}

fn random(s: &Setup, trials: usize, seed: u64) -> Report {
    run_campaign(s, "telemetry", Plan::Random { trials, seed }, Shard::ALL, &|_| {})
}

#[test]
fn each_outcome_on_a_chosen_fault() {
    // A parity error: level 0, the handler reports it, the seconds go on.
    let (o, why) = outcome(Input::Parity(ProcId::A), 1_234_567);
    assert_eq!(o, Outcome::Recovered, "{why}");
    // A halt: the program stops.
    let (o, why) = outcome(Input::Fault(Fault::Halt { proc: ProcId::A }), 1_000_000);
    assert_eq!(o, Outcome::HangOrHalt, "{why}");
    assert!(why.contains("halted with code 4095"), "{why}");
    // The seconds counter flipped: every later telemetry word is off, nobody notices.
    let secs = Input::Fault(Fault::FlipMemoryBit { memory: MemoryId::Ccs(ProcId::A), addr: 0o5204, bit: 10 }); // SECS
    let (o, why) = outcome(secs, 1_000_000);
    assert_eq!(o, Outcome::SilentCorruption, "{why}");
    assert_eq!(why, "no response; the outputs differ");
    // A flip in an FDS word nothing uses: memory differs, silently.
    let fds = Input::Fault(Fault::FlipMemoryBit { memory: MemoryId::Fds(1), addr: 100, bit: 3 });
    assert_eq!(outcome(fds, 1_000_000).1, "no response; memory differs");
    // A flipped bit of A spreads into memory: the next handler saves A.
    let a = Input::Fault(Fault::FlipRegisterBit { proc: ProcId::A, reg: Reg::A, bit: 3 });
    assert_eq!(outcome(a, 1_100_000), (Outcome::SilentCorruption, "no response; memory differs".into()));
    // A flipped bit of L while idling is masked: the idle loop's next JMP rewrites L.
    let l = Input::Fault(Fault::FlipRegisterBit { proc: ProcId::A, reg: Reg::L, bit: 3 });
    assert_eq!(outcome(l, 1_100_000).0, Outcome::NoEffect);
    // A flip in the idle loop's JMP (protected code) is not masked.
    let code = Input::Fault(Fault::FlipMemoryBit { memory: MemoryId::Ccs(ProcId::A), addr: 0o43, bit: 1 });
    assert_ne!(outcome(code, 1_100_000).0, Outcome::NoEffect);
}

#[test]
fn the_same_seed_gives_the_same_table_and_every_trial_is_classified() {
    let s = setup();
    let a = random(&s, 48, 7);
    let b = random(&s, 48, 7);
    assert_eq!((&a.trials, &a.table, &a.campaign), (&b.trials, &b.table, &b.campaign));
    assert_eq!(a.trials.len(), 48);
    assert!(a.trials.iter().enumerate().all(|(i, t)| t.index == i));
    let total: u32 = a.table.values().flat_map(|row| row.values()).sum();
    assert_eq!(total, 48);
    let c = random(&s, 48, 8);
    assert_ne!(a.trials, c.trials, "another seed draws other faults");
    assert_ne!(a.campaign.fingerprint, c.campaign.fingerprint);
    // Every fault class is drawn over enough trials, and halts always hang or halt.
    let many = random(&s, 200, 1);
    let classes: std::collections::BTreeSet<FaultClass> = many.trials.iter().map(|t| t.class).collect();
    assert_eq!(classes.len(), FaultClass::ALL.len());
    assert!(many.trials.iter().filter(|t| t.class == FaultClass::Halt).all(|t| t.outcome == Outcome::HangOrHalt));
    // Memory flips say which bit they flipped; other faults do not.
    assert!(many.trials.iter().all(|t| t.flip.is_some() == (t.class == FaultClass::MemoryBitFlip)));
    let text = many.table_text();
    assert!(text.starts_with("FAULT CLASS"), "{text}");
    assert_eq!(text.lines().count(), 2 + FaultClass::ALL.len(), "{text}");
    assert!(text.lines().last().unwrap().trim_end().ends_with(" 200"), "{text}");
}
