//! Exhaustive campaigns (issue 18): every bit of some words flipped once, sharded and
//! merged back into the whole campaign's report, and the per-word outcome map.

use ccs_budget::AllocationMap;
use ccs_campaign::{
    MergeError, Outcome, OutcomeMap, Plan, Report, Setup, Shard, Verdict, WordRange, merge, run, run_campaign,
    run_from, start_before,
};
use ccs_core::{Fault, Input, MemoryId, ProcId, Processors, Target};
use proptest::prelude::*;

const CCS_A: MemoryId = MemoryId::Ccs(ProcId::A);

/// The telemetry program (a second's telemetry word, an error handler) in `target`,
/// `enabled` processors running, for 10 s.
fn setup_for(target: Target, running: Processors) -> Setup {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/campaign/telemetry.asm");
    let out = ccs_asm::assemble(&path, &ccs_asm::FileSystem);
    assert!(out.diagnostics.is_empty(), "{}", out.render_diagnostics());
    Setup {
        machine: out.assembly.unwrap().setup(target).with_processors(running),
        cycles: 10 * 500_000,
        map: AllocationMap::parse(ccs_programs::VOYAGER_MAP, "voyager").unwrap(),
    }
}

fn setup() -> Setup {
    setup_for(Target::A, Processors::A)
}

fn exhaustive(s: &Setup, at: u64, shard: Shard) -> Report {
    let plan = Plan::Exhaustive { words: Plan::program_words(s), at };
    run_campaign(s, "telemetry", plan, shard, &|_| {})
}

#[test]
fn one_trial_per_bit_of_the_program_words_each_flipped_at_the_given_time() {
    let s = setup();
    let words = Plan::program_words(&s);
    let image_words = s.machine.images[0].0.words.len() as u32;
    assert_eq!(words.iter().map(|r| r.len).sum::<u32>(), image_words);
    assert!(words.iter().all(|r| r.memory == CCS_A));
    let r = exhaustive(&s, 2_500_000, Shard::ALL);
    assert_eq!(r.campaign.trials, image_words as usize * 18);
    assert_eq!(r.trials.len(), r.campaign.trials);
    // Trial i: the i-th bit in order, every bit of every word exactly once.
    let mut expected = Vec::new();
    for w in &words {
        for addr in w.start..=w.end() {
            for bit in 0..18 {
                expected.push((addr, bit));
            }
        }
    }
    let got: Vec<(u32, u8)> = r.trials.iter().map(|t| t.flip.map(|f| (f.addr, f.bit)).unwrap()).collect();
    assert_eq!(got, expected);
    assert!(
        r.trials.iter().all(|t| t.fault.starts_with("t = 2500000 (0:00:00:05.00): flip bit ")),
        "{}",
        r.trials[0].fault
    );
    // The idle loop's WAI, flipped: something happens; SECS bit 0: the telemetry differs.
    let at =
        |addr: u32, bit: u8| r.trials.iter().find(|t| t.flip.is_some_and(|f| (f.addr, f.bit) == (addr, bit))).unwrap();
    assert_eq!(at(0o5204, 0).outcome, Outcome::SilentCorruption, "{}", at(0o5204, 0).reason);
    let text = r.table_text();
    assert_eq!(text.lines().count(), 3, "one row, memory bit flip, and the total: {text}");
    assert!(text.lines().nth(1).unwrap().starts_with("memory bit flip"), "{text}");
}

/// Every trial of an exhaustive plan started from the shared cut equals the same trial
/// run from time 0 with the fault scheduled from the start, record for record.
fn shared_start_is_exact(s: &Setup, at: u64, words: &[WordRange]) {
    let start = start_before(s, at);
    let plan = Plan::Exhaustive { words: words.to_vec(), at };
    for i in 0..plan.trials() {
        let (_, fault) = plan.fault(i, s);
        assert_eq!(run_from(start.clone(), s, Some(fault)), run(s, Some(fault)), "trial {i}: {}", fault.input);
    }
}

#[test]
fn the_shared_start_of_an_exhaustive_campaign_changes_no_outcome() {
    let s = setup();
    // The program waits for its clock nearly all the time: a flip at 5 s falls in a WAI,
    // and the cut must come before that WAI began.
    let start = start_before(&s, 2_500_000);
    assert!((2_000_000..2_500_000).contains(&start.time()), "cut at {}", start.time());
    shared_start_is_exact(&s, 2_500_000, &Plan::program_words(&s));
    // Both processors running the program (a cut must suit both).
    let dual = setup_for(Target::AB, Processors::AB);
    let words = [
        WordRange { memory: CCS_A, start: 0o40, len: 8 },
        WordRange { memory: MemoryId::Ccs(ProcId::B), start: 0o5200, len: 6 },
    ];
    shared_start_is_exact(&dual, 1_750_001, &words);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn any_flip_time_gives_the_same_record_from_the_shared_start(at in 0u64..5_000_000, addr in prop::sample::select(vec![0u32, 5, 0o40, 0o42, 0o43, 0o44, 0o52, 0o5200, 0o5204]), bit in 0u8..18) {
        let s = setup();
        let fault = ccs_core::TimedInput { time: at, input: Input::Fault(Fault::FlipMemoryBit { memory: CCS_A, addr, bit }) };
        prop_assert_eq!(run_from(start_before(&s, at), &s, Some(fault)), run(&s, Some(fault)));
    }
}

fn json(r: &Report) -> serde_json::Value {
    let mut v = serde_json::to_value(r).unwrap();
    v.as_object_mut().unwrap().remove("timing");
    v
}

#[test]
fn shards_merge_into_the_unsharded_report_and_bad_sets_are_refused() {
    let s = setup();
    let whole = exhaustive(&s, 2_500_000, Shard::ALL);
    let shards: Vec<(String, Report)> =
        (1..=3).map(|k| (format!("s{k}.json"), exhaustive(&s, 2_500_000, Shard { k, n: 3 }))).collect();
    // A shard is every third trial, from trial k-1, with the same campaign.
    for (k, (_, r)) in shards.iter().enumerate() {
        assert!(r.trials.iter().all(|t| t.index % 3 == k));
        assert_eq!(r.campaign, whole.campaign);
        assert_eq!(r.shard, Shard { k: k + 1, n: 3 });
    }
    // Through JSON, as they travel between machines, in any order.
    let travelled: Vec<(String, Report)> = shards
        .iter()
        .rev()
        .map(|(f, r)| (f.clone(), serde_json::from_str(&serde_json::to_string(r).unwrap()).unwrap()))
        .collect();
    let merged = merge(travelled.clone()).unwrap();
    assert_eq!(json(&merged), json(&whole), "identical apart from timings");
    assert_eq!(merged.timing.len(), 3);
    assert_eq!(merged.timing.iter().map(|t| t.trials).sum::<usize>(), whole.trials.len());

    let err = |shards: Vec<(String, Report)>| merge(shards).unwrap_err().to_string();
    assert_eq!(err(travelled[..2].to_vec()), "shard 1/3 is missing");
    assert_eq!(err(vec![travelled[0].clone()]), "shards 1/3, 2/3 are missing");
    let mut twice = travelled.clone();
    twice.push(("again.json".into(), travelled[0].1.clone()));
    assert_eq!(err(twice), "again.json and s3.json are both shard 3/3");
    let mut short = travelled.clone();
    short[1].1.trials.pop();
    assert_eq!(err(short), "s2.json (shard 2/3) is incomplete: it has 155 of the shard's 156 trials");
    // Another time, another run length, another program: another campaign.
    let mut other = travelled.clone();
    other[1].1 = exhaustive(&s, 2_000_000, Shard { k: 2, n: 3 });
    assert_eq!(
        err(other),
        "s2.json is of another campaign than s3.json: its plan differs (its faults, words or fault time)"
    );
    let mut longer = s.clone();
    longer.cycles += 1;
    let mut other = travelled.clone();
    other[1].1 = exhaustive(&longer, 2_500_000, Shard { k: 2, n: 3 });
    assert!(err(other).contains("its run length differs (5,000,001 cycles against 5,000,000)"));
    let mut jumpered = s.clone();
    jumpered.machine.jumpers[0] = ccs_core::Jumpers([ccs_core::Jumper::WriteProtected; 3]);
    let mut other = travelled.clone();
    other[1].1 = exhaustive(&jumpered, 2_500_000, Shard { k: 2, n: 3 });
    assert!(err(other).contains("its images, processors, jumpers, scenario or map differ (fingerprint"));
    let mut split = travelled.clone();
    split[0].1 = exhaustive(&s, 2_500_000, Shard { k: 3, n: 4 });
    assert_eq!(
        err(split),
        "s2.json is shard 2/3 but s3.json is shard 3/4: the shards of one run are K/N with the same N"
    );
    assert_eq!(merge(vec![]).unwrap_err(), MergeError::Empty);
}

#[test]
fn shards_parse_as_k_of_n() {
    assert_eq!(Shard::parse("3/8"), Ok(Shard { k: 3, n: 8 }));
    assert_eq!(Shard::parse("1/1"), Ok(Shard::ALL));
    assert!(Shard::parse("0/4").unwrap_err().contains("1 <= K <= N"));
    assert!(Shard::parse("5/4").unwrap_err().contains("1 <= K <= N"));
    assert!(Shard::parse("2").unwrap_err().contains("not a shard K/N"));
    assert_eq!(Shard { k: 2, n: 3 }.indices(8).collect::<Vec<_>>(), [1, 4, 7]);
}

#[test]
fn the_outcome_map_holds_every_bit_in_the_memory_maps_layout() {
    let s = setup();
    let r = exhaustive(&s, 2_500_000, Shard::ALL);
    let map = OutcomeMap::from_trials(&r.trials);
    // Every trial is in the map at its word and bit.
    for t in &r.trials {
        let f = t.flip.unwrap();
        assert_eq!(map.word(f.memory, f.addr).bits[f.bit as usize], Some(t.outcome));
    }
    let secs = map.word(CCS_A, 0o5204);
    assert_eq!(secs.tried(), 18);
    assert_eq!(Verdict::ALL.iter().map(|&v| secs.count(v)).sum::<u32>(), 18);
    assert_eq!(secs.worst(), Some(Verdict::Silent), "{secs:?}");
    assert_eq!(map.word(MemoryId::Fds(0), 7).worst(), None, "untried");
    // The layout: the six memories one after the other, CCS-A first.
    assert_eq!(CCS_A.slot(0o5204), 0o5204);
    assert_eq!(MemoryId::Fds(0).slot(0), 8192);
    assert_eq!(MemoryId::Aacs(1).slot(4095), 32767);
    assert_eq!(map.memory(CCS_A).filter(|w| w.tried() > 0).count(), s.machine.images[0].0.words.len());
    // The text picture: one character per word.
    let words = Plan::program_words(&s);
    let picture = map.picture(&words, 64);
    let lines: Vec<&str> = picture.lines().collect();
    assert_eq!(lines.len(), words.len() + 1, "{picture}");
    let data = lines.iter().find(|l| l.starts_with("CCS-A  0o5200  ")).unwrap();
    assert_eq!(data.chars().nth(15 + 4), Some('s'), "SECS: {data}");
    assert!(lines.last().unwrap().contains(". survived  d detected  s silent  H hang or halt"));
}
