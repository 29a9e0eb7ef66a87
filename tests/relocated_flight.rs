//! Issues 6 and 18, the April 2024 story on the CCS: a stretch of memory dies; the
//! flight load is laid out again around it (`ccs relocate`) and still passes every
//! scenario of `programs/scenarios/`. Two stretches: 256 words in the middle of FIXED
//! (the routines move inside FIXED), and 0o5000-0o5377, the end of FIXED with the whole
//! of DATA, SCRATCH and SPARE (the variables move into SEQUENCES, and the proposed map
//! says so).
//!
//! "Passes" is checked against the plain load, whose outcomes `tests/flight_scenarios.rs`
//! asserts one by one: over each scenario's whole length, the relocated load with the
//! dead words really dead (every read returns garbage, every write is lost) issues the
//! same commands, with the same values, at the same cycles. The one expected difference
//! is the checksum of TRAPS and FIXED, whose words moved or died: it must equal the sum
//! the ground would now expect, computed from the relocated image and the garbage.
//! And the plain load on the same broken memory does not survive, which is why the
//! relocation is needed.

mod common;

use common::flight::{has_value_word, root, tlm};
use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use voyager_ccs::asm::FileSystem;
use voyager_ccs::budget::{AllocationMap, Program, Relocation};
use voyager_ccs::core::{Command, Fault, Input, Machine, MemoryId, ProcId, Processors, RunState, Target, TimedInput};
use voyager_ccs::files::{Scenario, load_scenario};

/// 256 words in the middle of FIXED, across TARMEX and CMDPRC.
const MID_FIXED: Range<u32> = 0o1000..0o1400;
/// The end of FIXED and all of DATA, SCRATCH and SPARE (issue 18).
const DATA_AND_ALL: Range<u32> = 0o5000..0o5400;
/// What the dead words read: an arbitrary garbage pattern.
const GARBAGE: u32 = 0o525252;
/// The checksum range of the cruise table: TRAPS and FIXED.
const SUMMED: std::ops::RangeInclusive<u32> = 0..=0o5177;

fn scenarios() -> Vec<Scenario> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("programs/scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    paths.sort();
    // Only the scenarios that fly the flight load (a lesson's scenario runs its own program).
    let load = root().join("programs/flight/load.asm");
    let flies_the_load = |s: &Scenario| s.program.path == load && s.second.is_none();
    let scenarios: Vec<Scenario> =
        paths.iter().map(|p| load_scenario(p, &FileSystem).unwrap()).filter(flies_the_load).collect();
    assert_eq!(
        scenarios.len(),
        14,
        "the ten scenarios of issue 5, the demo's week and the three of the pair (issue 19)"
    );
    scenarios
}

fn kill(m: &mut Machine, dead: &Range<u32>) {
    let fault = Fault::DeadRange {
        memory: MemoryId::Ccs(ProcId::A),
        start: dead.start,
        len: dead.len() as u32,
        pattern: GARBAGE,
    };
    m.schedule(TimedInput { time: 0, input: Input::Fault(fault) });
}

/// Every command the run issued, in order, with its time. The relocation is for
/// CCS-A's memory, so the scenario runs on processor A alone (the flight scenarios give
/// both; alone, A is the single-processor load).
fn run(scenario: &Scenario, dead: Option<&Range<u32>>) -> (Machine, Vec<(u64, Command)>) {
    let mut m = scenario.setup().with_processors(Processors::A).build();
    if let Some(d) = dead {
        kill(&mut m, d);
    }
    m.run_until(scenario.cycles.expect("every scenario gives its length"));
    // Without the heartbeats to the (held) partner, which the 1 s level sends each second.
    let out = m
        .drain_outputs()
        .into_iter()
        .filter(|o| !matches!(o.command, Command::Out { channel, .. } if channel.get() == 0o04))
        .map(|o| (o.time, o.command))
        .collect();
    (m, out)
}

fn map() -> AllocationMap {
    AllocationMap::parse(voyager_ccs::programs::VOYAGER_MAP, "voyager").unwrap()
}

fn relocate(dead: &Range<u32>) -> Relocation {
    let program = root().join("programs/flight/load.asm");
    let words: BTreeSet<u32> = dead.clone().collect();
    let relocation = voyager_ccs::budget::relocate(&program, &FileSystem, &map(), Target::A, &words).unwrap();
    assert!(relocation.budget.fits(), "the relocated load fits the proposed map: {}", relocation.budget.to_text());
    assert!(relocation.words_moved > 0);
    let image = relocation.assembly.image();
    assert!(image.words.iter().all(|(a, _)| !dead.contains(a)), "nothing placed on a dead word");
    relocation
}

/// The value words of the checksum records on the telemetry channel, replaced in
/// `out` by a marker so the rest can be compared word for word. Records with a value
/// word (by the telemetry table) are walked as the flight tests walk them.
fn take_checksums(out: &mut [(u64, Command)]) -> Vec<u32> {
    let mut sums = Vec::new();
    let telemetry: Vec<usize> =
        (0..out.len()).filter(|&i| matches!(out[i].1, Command::Out { channel, .. } if channel.get() == 0o12)).collect();
    let mut k = 0;
    while k < telemetry.len() {
        let Command::Out { value, .. } = out[telemetry[k]].1 else { unreachable!() };
        let tag = value.get() & 0o770000;
        if has_value_word(tag) && k + 1 < telemetry.len() {
            if tag == tlm("T_CKS") {
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

/// Every scenario, the plain load on healthy memory against the relocated load with
/// `dead` really dead: the same commands at the same cycles, the ground's new checksum.
fn passes_every_scenario(relocation: &Relocation, dead: &Range<u32>) {
    let image = relocation.assembly.image().clone();
    // The sum the ground expects from the relocated load once the stretch is dead.
    let dead_summed = dead.clone().filter(|a| SUMMED.contains(a)).count();
    let expected_sum = sum_of(
        image
            .words
            .iter()
            .filter(|(a, _)| SUMMED.contains(a))
            .map(|&(_, w)| w)
            .chain((0..dead_summed).map(|_| GARBAGE)),
    );
    let plain_sum =
        sum_of(scenarios()[0].program.image.words.iter().filter(|(a, _)| SUMMED.contains(a)).map(|&(_, w)| w));
    assert_ne!(expected_sum, plain_sum, "the checksum does tell the two loads apart");

    let mut checksums_seen = 0;
    for scenario in scenarios() {
        let name = scenario.path.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(scenario.program.path, normalize(&root().join("programs/flight/load.asm")), "{name}");
        let (_, mut plain) = run(&scenario, None);
        let mut relocated_scenario = scenario.clone();
        relocated_scenario.program.image = image.clone();
        let (m, mut relocated) = run(&relocated_scenario, Some(dead));

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
        assert!(dead.clone().all(|a| m.examine(ccs_a, a) == GARBAGE), "{name}");
    }
    assert!(checksums_seen >= 7, "the cruise week's daily checksums were compared");
}

#[test]
fn the_flight_load_relocated_around_a_dead_stretch_passes_every_scenario() {
    let relocation = relocate(&MID_FIXED);
    assert!(relocation.placements.iter().all(|p| !p.moved_across()), "room enough in FIXED");
    passes_every_scenario(&relocation, &MID_FIXED);
}

#[test]
fn the_flight_load_moves_its_data_into_sequences_when_data_dies() {
    // The stretch: DATA, SCRATCH and SPARE are gone, so the vectors, the
    // variables and the scratch words move into SEQUENCES, at its top end (its bottom
    // holds the executive's work area).
    let relocation = relocate(&DATA_AND_ALL);
    let across: Vec<(&str, &str, &str, u32)> = relocation
        .placements
        .iter()
        .filter(|p| p.moved_across())
        .map(|p| (p.section.as_str(), p.home.as_str(), p.region.as_str(), p.base))
        .collect();
    assert_eq!(
        across,
        [
            ("VECTORS", "DATA", "SEQUENCES", 0o7622),
            ("DATA", "DATA", "SEQUENCES", 0o7676),
            ("SCRATCH", "SCRATCH", "SEQUENCES", 0o7760)
        ]
    );
    assert_eq!(relocation.words_moved, 110, "nothing else moved");
    let changes: Vec<String> = relocation.changes.iter().map(|c| c.to_string()).collect();
    assert_eq!(
        changes,
        [
            "CCS-A  FIXED      0o0040-0o5177 -> 0o0040-0o4777  shrank by 128 words (2656 -> 2528)",
            "CCS-A  DEAD       new: 0o5000-0o5377 (256 words), spare, read-only",
            "CCS-A  SEQUENCES  0o5400-0o7777 -> 0o5400-0o7621  shrank by 110 words (1280 -> 1170)",
            "CCS-A  DATA       0o5200-0o5337 -> 0o7622-0o7757  moved, shrank by 2 words (96 -> 94)",
            "CCS-A  SCRATCH    0o5340-0o5357 -> 0o7760-0o7777  moved",
            "CCS-A  SPARE      removed: 0o5360-0o5377 (16 words)",
        ]
    );
    // The proposed map, written and read back, is the map the relocated load fits; the
    // original map is not.
    let proposed = AllocationMap::parse(&relocation.proposed.to_ron("proposed"), "proposed").unwrap();
    let program = Program::from_assembly("load", &relocation.assembly, Target::A);
    assert!(voyager_ccs::budget::check(&program, &proposed).fits());
    assert!(!voyager_ccs::budget::check(&program, &map()).fits());
    // Linked with the proposed map alone (`ccs asm --map`), the source is the relocated load.
    let source = root().join("programs/flight/load.asm");
    let plain = voyager_ccs::asm::assemble(&source, &FileSystem).assembly.unwrap();
    let (options, _) = voyager_ccs::budget::layout(&plain, &proposed, Target::A, &BTreeSet::new()).unwrap();
    let linked = voyager_ccs::asm::assemble_with(&source, &FileSystem, &options).assembly.unwrap();
    assert_eq!(linked.image(), relocation.assembly.image());
    passes_every_scenario(&relocation, &DATA_AND_ALL);

    // Unrelocated, the load loses its vectors and variables: the first interrupt's
    // trap cell CALs into garbage, and the first two hours' commands (the magnetometer
    // roll at 00:30, its calibration at 01:00) never come.
    let scenario = scenarios().into_iter().find(|s| s.path.ends_with("cruise-week.ron")).unwrap();
    let two_hours = 2 * 3600 * voyager_ccs::core::CYCLES_PER_SECOND;
    let mut short = scenario.clone();
    short.cycles = Some(two_hours);
    let (_, plain) = run(&short, None);
    let (m, broken) = run(&short, Some(&DATA_AND_ALL));
    assert!(plain.len() > 2 && broken.len() < plain.len(), "{} commands, against {}", broken.len(), plain.len());
    let taken: u64 = m.craft.counters.accepted[0].iter().sum();
    assert_eq!(taken, 0, "no interrupt taken");
}

#[test]
fn without_the_relocation_the_dead_stretch_breaks_the_load() {
    // The cruise week: the stretch holds the end of TARMEX (its table walk) and the
    // start of CMDPRC, the command processor. The reset entry runs as before (the boot
    // record is the same), but the first walk of a table runs into the garbage: none of
    // the plain load's sequence commands come, nor the NOOP's acknowledgment. A day and
    // an hour is enough to see it and bounds what a runaway could log.
    let mut scenario = scenarios().into_iter().find(|s| s.path.ends_with("cruise-week.ron")).unwrap();
    scenario.cycles = Some(25 * 3600 * voyager_ccs::core::CYCLES_PER_SECOND);
    let (_, plain) = run(&scenario, None);
    let (m, broken) = run(&scenario, Some(&MID_FIXED));
    assert_eq!(broken[0], plain[0], "the boot record");
    let coded = |c: &Command| matches!(c, Command::Out { channel, .. } if matches!(channel.get(), 0o10 | 0o11));
    let plan: Vec<&(u64, Command)> = plain.iter().filter(|c| coded(&c.1)).collect();
    assert!(plan.len() >= 5, "the plain load flies the day's plan: {plan:?}");
    assert!(plan.iter().all(|c| !broken.contains(c)), "none of it comes from the broken load");
    let is_ack =
        |c: &Command| matches!(c, Command::Out { channel, value } if channel.get() == 0o12 && value.get() == 0o020001);
    assert!(plain.iter().any(|c| is_ack(&c.1)) && !broken.iter().any(|c| is_ack(&c.1)), "the NOOP is lost");
    assert!(m.cpu[0].state != RunState::Held);
}

fn normalize(path: &Path) -> PathBuf {
    voyager_ccs::asm::normalize_path(path)
}
