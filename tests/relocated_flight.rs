//! Issue 6, the April 2024 story on the CCS: a 256-word stretch of FIXED dies; the
//! flight load is laid out again around it (`ccs relocate`) and still passes every
//! scenario of `programs/scenarios/`.
//!
//! "Passes" is checked against the plain load, whose outcomes `tests/flight_scenarios.rs`
//! asserts one by one: over each scenario's whole length, the relocated load with the
//! dead words really dead (every read returns garbage, every write is lost) issues the
//! same commands, with the same values, at the same cycles. The one expected difference
//! is the checksum of TRAPS and FIXED, whose words moved: it must equal the sum the
//! ground would now expect, computed from the relocated image and the garbage.
//! And the plain load on the same broken memory does not survive, which is why the
//! relocation is needed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use voyager_ccs::asm::FileSystem;
use voyager_ccs::budget::AllocationMap;
use voyager_ccs::core::{Command, Fault, Input, Machine, MemoryId, ProcId, RunState, Target, TimedInput};
use voyager_ccs::files::{Scenario, load_scenario};

/// The dead stretch: 256 words in the middle of FIXED, across TARMEX and CMDPRC.
const DEAD_START: u32 = 0o1000;
const DEAD_LEN: u32 = 256;
/// What the dead words read: an arbitrary garbage pattern.
const GARBAGE: u32 = 0o525252;
/// The checksum range of the cruise table: TRAPS and FIXED.
const SUMMED: std::ops::RangeInclusive<u32> = 0..=0o5177;
const T_CKS: u32 = 0o040000;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn scenarios() -> Vec<Scenario> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("programs/scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    paths.sort();
    let scenarios: Vec<Scenario> = paths.iter().map(|p| load_scenario(p, &FileSystem).unwrap()).collect();
    assert_eq!(scenarios.len(), 11, "the ten scenarios of issue 5 and the demo's week");
    scenarios
}

fn dead_words() -> BTreeSet<u32> {
    (DEAD_START..DEAD_START + DEAD_LEN).collect()
}

fn kill_the_stretch(m: &mut Machine) {
    let fault =
        Fault::DeadRange { memory: MemoryId::Ccs(ProcId::A), start: DEAD_START, len: DEAD_LEN, pattern: GARBAGE };
    m.schedule(TimedInput { time: 0, input: Input::Fault(fault) });
}

/// Every command the run issued, in order, with its time.
fn run(scenario: &Scenario, dead: bool) -> (Machine, Vec<(u64, Command)>) {
    let mut m = scenario.machine();
    if dead {
        kill_the_stretch(&mut m);
    }
    m.run_until(scenario.cycles.expect("every scenario gives its length"));
    let out = m.drain_outputs().into_iter().map(|o| (o.time, o.command)).collect();
    (m, out)
}

/// The value words of the checksum records on the telemetry channel, replaced in
/// `out` by a marker so the rest can be compared word for word. Records with a value
/// word (T_REJ, T_CKS, T_ERR) are walked as the flight tests walk them.
fn take_checksums(out: &mut [(u64, Command)]) -> Vec<u32> {
    let mut sums = Vec::new();
    let telemetry: Vec<usize> =
        (0..out.len()).filter(|&i| matches!(out[i].1, Command::Out { channel, .. } if channel.get() == 0o12)).collect();
    let mut k = 0;
    while k < telemetry.len() {
        let Command::Out { value, .. } = out[telemetry[k]].1 else { unreachable!() };
        let tag = value.get() & 0o770000;
        if matches!(tag, 0o030000 | T_CKS | 0o050000) && k + 1 < telemetry.len() {
            if tag == T_CKS {
                let i = telemetry[k + 1];
                let Command::Out { channel, value } = out[i].1 else { unreachable!() };
                sums.push(value.get());
                out[i].1 = Command::Out { channel, value: voyager_ccs::core::Word::ZERO };
            }
            k += 1;
        }
        k += 1;
    }
    sums
}

fn sum_of(words: impl Iterator<Item = u32>) -> u32 {
    (words.map(u64::from).sum::<u64>() % (1 << 18)) as u32
}

#[test]
fn the_flight_load_relocated_around_a_dead_stretch_passes_every_scenario() {
    let program = root().join("programs/flight/load.asm");
    let map = AllocationMap::parse(voyager_ccs::programs::VOYAGER_MAP, "voyager").unwrap();
    let relocation = voyager_ccs::budget::relocate(&program, &FileSystem, &map, Target::A, &dead_words()).unwrap();
    assert!(relocation.budget.fits(), "the relocated load fits the map");
    assert!(relocation.words_moved > 0);
    let image = relocation.assembly.image().clone();
    assert!(image.words.iter().all(|(a, _)| !dead_words().contains(a)), "nothing placed on a dead word");

    // The sum the ground expects from the relocated load once the stretch is dead.
    let expected_sum = sum_of(
        image.words.iter().filter(|(a, _)| SUMMED.contains(a)).map(|&(_, w)| w).chain((0..DEAD_LEN).map(|_| GARBAGE)),
    );
    let plain_sum =
        sum_of(scenarios()[0].program.image.words.iter().filter(|(a, _)| SUMMED.contains(a)).map(|&(_, w)| w));
    assert_ne!(expected_sum, plain_sum, "the checksum does tell the two loads apart");

    let mut checksums_seen = 0;
    for scenario in scenarios() {
        let name = scenario.path.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(scenario.program.path, normalize(&root().join("programs/flight/load.asm")), "{name}");
        let (_, mut plain) = run(&scenario, false);
        let mut relocated_scenario = scenario.clone();
        relocated_scenario.program.image = image.clone();
        let (m, mut relocated) = run(&relocated_scenario, true);

        assert!(plain.len() > 1, "{name}: the plain load says more than its boot record");
        let plain_sums = take_checksums(&mut plain);
        let relocated_sums = take_checksums(&mut relocated);
        assert_eq!(relocated.len(), plain.len(), "{name}: number of commands");
        for (i, (r, p)) in relocated.iter().zip(&plain).enumerate() {
            assert_eq!(r, p, "{name}: command {i} differs (relocated, plain)");
        }
        assert!(plain_sums.iter().all(|&s| s == plain_sum), "{name}");
        assert_eq!(relocated_sums, vec![expected_sum; plain_sums.len()], "{name}: the ground's new checksum");
        checksums_seen += relocated_sums.len();

        // The stretch stayed dead to the end: every word reads the garbage pattern.
        let ccs_a = MemoryId::Ccs(ProcId::A);
        assert!((DEAD_START..DEAD_START + DEAD_LEN).all(|a| m.examine(ccs_a, a) == GARBAGE), "{name}");
    }
    assert!(checksums_seen >= 7, "the cruise week's daily checksums were compared");
}

#[test]
fn without_the_relocation_the_dead_stretch_breaks_the_load() {
    // The cruise week: the stretch holds the end of TARMEX and most of CMDPRC, the
    // command processor. Until the first uplink command (the NOOP on day 1) the plain
    // load runs as before; the NOOP sends it into the garbage and it never recovers.
    let scenario = scenarios().into_iter().find(|s| s.path.ends_with("cruise-week.ron")).unwrap();
    let (_, mut plain) = run(&scenario, false);
    let (m, mut broken) = run(&scenario, true);
    take_checksums(&mut plain);
    take_checksums(&mut broken);
    let noop_ack = (0..plain.len())
        .find(|&i| matches!(plain[i].1, Command::Out { channel, value } if channel.get() == 0o12 && value.get() == 0o020001))
        .expect("the plain load acknowledges the NOOP");
    assert_eq!(broken, plain[..noop_ack], "identical until the NOOP, then silence");
    assert!(matches!(m.cpu[0].state, RunState::Halted { .. }), "{:?}", m.cpu[0].state);
}

fn normalize(path: &Path) -> PathBuf {
    voyager_ccs::asm::normalize_path(path)
}
