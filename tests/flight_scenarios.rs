//! The flight software load (issue 5) end to end: `programs/flight/load.asm` runs
//! headless through each scenario of `programs/scenarios/` exactly as
//! `ccs run --jumpers WP,WP,RW --events SCENARIO` runs it, and the tests assert the
//! commands issued (kind, value, time) and the final state. Then the uplink command
//! format and the table driver on their own, fault recovery, and the load against the
//! default allocation map, statically and at run time.
//!
//! Variables are found through the assembler's symbol table, so the tests follow the
//! load if it moves. Expected values come from the documented behaviour
//! (docs/flight-software.md), not from earlier runs.

mod common;

use common::flight::{D, H, MIN, S, SOON, TICK, has_value_word, root, tlm};
use std::sync::OnceLock;
use voyager_ccs::asm::{Assembly, FileSystem};
use voyager_ccs::budget::{AllocationMap, Program, Report};
use voyager_ccs::core::{
    Command, Fault, Input, Jumper, Jumpers, Machine, MemoryId, Mode, Models, ProcId, Processors, Reg, Target,
    TimedInput, Unit, Word,
};

// Command codes and masks of programs/flight/defs.asm.
const FD_TLM: u32 = 0o100000;
const FD_MAGC: u32 = 0o600000;
const FD_CAM: u32 = 0o500000;
const FD_CAMHT: u32 = 0o510000;
const AC_MAGROL: u32 = 0o300000;
const MASK_RUN: u32 = 0o176020;
const MASK_LV4: u32 = 0o20;

fn assembly() -> &'static Assembly {
    static LOAD: OnceLock<Assembly> = OnceLock::new();
    LOAD.get_or_init(|| {
        let out = voyager_ccs::asm::assemble(root().join("programs/flight/load.asm"), &FileSystem);
        assert!(out.diagnostics.is_empty(), "{}", out.render_diagnostics());
        out.assembly.expect("the load assembles")
    })
}

fn sym(name: &str) -> u32 {
    assembly().symbol(name).unwrap_or_else(|| panic!("no symbol {name} in the load")).value as u32
}

/// An uplink command word: odd parity in bit 17, opcode, argument.
fn cmd(op: u32, arg: u32) -> u32 {
    let w = op << 12 | arg;
    if w.count_ones().is_multiple_of(2) { w | 1 << 17 } else { w }
}

/// A command with data words, followed by its check word.
fn multi(op: u32, arg: u32, data: &[u32]) -> Vec<u32> {
    let c = cmd(op, arg);
    let check = data.iter().fold(c, |s, &w| (s + w) % (1 << 18));
    [vec![c], data.to_vec(), vec![check]].concat()
}

/// What left the CCS, as this load uses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Out {
    Aacs(u32),
    Fds(u32),
    Tlm(u32),
    Dcm(u32),
    /// The MEMLOAD channels 0o20-0o23.
    Load(u32, u32),
}

struct Flight {
    m: Machine,
    log: Vec<(u64, Out)>,
}

impl Flight {
    /// The load in CCS-A, blocks 0 and 1 write-protected, reset with `models`.
    fn new(models: Models, inputs: &[TimedInput]) -> Flight {
        let mut m = Machine::new();
        m.load_image(assembly().image(), Some(Target::A)).unwrap();
        m.cpu[0].jumpers = Jumpers([Jumper::WriteProtected, Jumper::WriteProtected, Jumper::ReadWrite]);
        m.reset(Processors::A, models);
        m.schedule_all(inputs);
        Flight { m, log: Vec::new() }
    }

    fn scenario(name: &str) -> Flight {
        let path = root().join("programs/scenarios").join(name);
        let script = voyager_ccs::files::load_script(&path).unwrap();
        Flight::new(script.script.models, &script.inputs)
    }

    /// With every device model on and uplink words at `(time, word)` (the uplink model
    /// spaces them 1.125 s apart at least).
    fn with_uplink(words: &[(u64, u32)]) -> Flight {
        Flight::with_words(Models { aacs_heartbeat: true, uplink: true, rf_monitors: true }, words)
    }

    fn with_words(models: Models, words: &[(u64, u32)]) -> Flight {
        let inputs: Vec<TimedInput> =
            words.iter().map(|&(time, w)| TimedInput { time, input: Input::Uplink(Word::wrapping(w)) }).collect();
        Flight::new(models, &inputs)
    }

    fn run(&mut self, until: u64) {
        self.m.run_until(until);
        for o in self.m.drain_outputs() {
            let out = match o.command {
                Command::Out { channel, value } => match channel.get() {
                    0o10 => Out::Aacs(value.get()),
                    0o11 => Out::Fds(value.get()),
                    0o12 => Out::Tlm(value.get()),
                    c @ 0o20..=0o23 => Out::Load(c, value.get()),
                    // DUAL's heartbeat to the other processor, every second.
                    0o04 => continue,
                    c => panic!("OUT to channel {c:o} at t = {}", o.time),
                },
                Command::Dcm { number } => Out::Dcm(number.get()),
            };
            self.log.push((o.time, out));
        }
    }

    fn at(&self, addr: u32) -> u32 {
        self.m.examine(MemoryId::Ccs(ProcId::A), addr)
    }

    fn var(&self, name: &str) -> u32 {
        self.at(sym(name))
    }

    fn pick(&self, f: impl Fn(Out) -> Option<u32>) -> Vec<(u64, u32)> {
        self.log.iter().filter_map(|&(t, o)| f(o).map(|v| (t, v))).collect()
    }

    fn dcm(&self) -> Vec<(u64, u32)> {
        self.pick(|o| if let Out::Dcm(n) = o { Some(n) } else { None })
    }
    fn fds(&self) -> Vec<(u64, u32)> {
        self.pick(|o| if let Out::Fds(v) = o { Some(v) } else { None })
    }
    fn aacs(&self) -> Vec<(u64, u32)> {
        self.pick(|o| if let Out::Aacs(v) = o { Some(v) } else { None })
    }
    fn tlm(&self) -> Vec<(u64, u32)> {
        self.pick(|o| if let Out::Tlm(v) = o { Some(v) } else { None })
    }
    /// The telemetry stream cut into records: (time, first word, the value word that
    /// follows it for the tags that carry one). A value word is not a record of its
    /// own, whatever its bits (a rejected START 0 is 0o020000, which looks like an ACK).
    fn stream(&self) -> Vec<(u64, u32, Option<u32>)> {
        let words = self.tlm();
        let mut records = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let (t, w) = words[i];
            let valued = has_value_word(w);
            records.push((t, w, valued.then(|| words[i + 1].1)));
            i += 1 + valued as usize;
        }
        records
    }
    /// Records with tag `tag` (bits 17..12): their times and first words.
    fn records(&self, tag: u32) -> Vec<(u64, u32)> {
        self.stream().into_iter().filter(|r| r.1 & 0o770000 == tag).map(|r| (r.0, r.1)).collect()
    }
    /// The value words of the records with tag `tag`.
    fn record_values(&self, tag: u32) -> Vec<u32> {
        self.stream().into_iter().filter(|r| r.1 & 0o770000 == tag).filter_map(|r| r.2).collect()
    }

    /// The running tables: (BASE, PTR, DUE, LOOP) of each busy slot.
    fn slots(&self) -> Vec<[u32; 4]> {
        (0..20)
            .map(|i| std::array::from_fn(|k| self.at(sym("SLOTS") + 4 * i + k as u32)))
            .filter(|s: &[u32; 4]| s[0] != 0)
            .collect()
    }

    fn selected(&self, unit: Unit) -> usize {
        self.m.craft.selections.selected(unit)
    }

    fn mask(&self) -> u32 {
        self.m.cpu[0].regs.mask & 0o177777
    }
}

/// `t` lies in `[at, at + slack]`.
#[track_caller]
fn near(t: u64, at: u64, slack: u64) {
    assert!(
        (at..=at + slack).contains(&t),
        "t = {t} ({:.4} s), expected {at} ({:.4} s) + up to {slack}",
        t as f64 / S as f64,
        at as f64 / S as f64
    );
}

/// The checksum the ground expects for TRAPS and FIXED: the sum of the loaded words.
fn fixed_sum() -> u32 {
    let words = &assembly().image().words;
    (words.iter().filter(|(a, _)| *a <= 0o5177).map(|&(_, w)| w as u64).sum::<u64>() % (1 << 18)) as u32
}

// ------------------------------------------------------------------ scenarios

#[test]
fn cruise_week() {
    let mut f = Flight::scenario("cruise-week.ron");
    f.run(7 * D);

    // The cruise table: its telemetry format at t = 1 s, the weekly roll at 00:30,
    // then the daily plan. Each command within a few ticks of its second.
    let mut expected = vec![(S, FD_TLM + 5)];
    for d in 0..7 {
        let day = d * D;
        expected.extend([
            (day + H, FD_MAGC + 1),
            (day + H + 10 * MIN, FD_MAGC),
            (day + 8 * H, FD_TLM + 7),
            (day + 12 * H, FD_TLM + 5),
        ]);
    }
    let fds = f.fds();
    assert_eq!(fds.iter().map(|c| c.1).collect::<Vec<_>>(), expected.iter().map(|c| c.1).collect::<Vec<_>>());
    for (got, want) in fds.iter().zip(&expected) {
        near(got.0, want.0, SOON);
    }
    let aacs = f.aacs();
    assert_eq!(aacs.len(), 1);
    assert_eq!(aacs[0].1, AC_MAGROL + 1);
    near(aacs[0].0, 30 * MIN, SOON);
    assert_eq!(f.dcm(), [], "a nominal week issues no discrete command");

    // Telemetry: the boot record, an acknowledgement per NOOP, and a checksum of the
    // fixed routines every day at 06:00 that matches the load as sent: nothing wrote
    // TRAPS or FIXED.
    assert_eq!(f.tlm()[0].1, tlm("T_BOOT") + 1);
    let acks = f.records(tlm("T_ACK"));
    assert_eq!(acks.iter().map(|a| a.1).collect::<Vec<_>>(), [tlm("T_ACK") + 1; 3]);
    for (a, day) in acks.iter().zip([1, 3, 5]) {
        near(a.0, day * D, SOON);
    }
    let sums = f.records(tlm("T_CKS"));
    assert_eq!(sums.len(), 7);
    for (d, s) in sums.iter().enumerate() {
        assert_eq!(s.1, tlm("T_CKS"), "the range starts at 0");
        // The sum of 2688 words runs in the background for about 1.16 s.
        near(s.0, d as u64 * D + 6 * H, 2 * S);
    }
    assert_eq!(f.record_values(tlm("T_CKS")), [fixed_sum(); 7]);
    assert_eq!(f.records(tlm("T_REJ")), []);
    assert_eq!(f.records(tlm("T_ERR")), []);

    // Final state: every heartbeat of the week counted (2 s .. 604,798 s), the clocks,
    // the counters, the units and the one table running.
    assert_eq!(f.var("HBCNT"), 302_399 % (1 << 18), "an 18-bit counter");
    assert_eq!(f.var("SECS"), 604_799 % (1 << 18), "wrapped twice: TARMEX compares differences");
    assert_eq!(f.var("MINS"), 10_079);
    assert_eq!(f.var("HOURS"), 167, "level 6 counts hours in its trap cell");
    assert_eq!((f.var("CMDCNT"), f.var("CMDREJ"), f.var("ERRCNT")), (3, 0, 0));
    assert_eq!((f.var("NFDS"), f.var("NAACS"), f.var("NDCM")), (29, 1, 0));
    // The last NOOP (day 5, on a minute boundary) restarted Command Loss; the minute
    // ticks from that second on, until 7 d (excluded), took 2880 off.
    assert_eq!((f.var("CLLEFT"), f.var("CLRUNS")), (4320 - 2880, 0));
    assert_eq!(f.var("FPENA"), 0o37);
    assert!(Unit::ALL.iter().all(|&u| f.selected(u) == 0));
    assert_eq!(f.m.craft.mode, Mode::Individual);
    assert_eq!(f.mask(), MASK_RUN, "level 4 closed: no table needed 10 ms");
    assert_eq!(f.slots().len(), 1);
    assert_eq!(f.slots()[0][0], sym("CRUISE"));
}

// `ccs demo`'s week (demo-week.ron) runs on both processors: tests/dual_flight.rs.

#[test]
fn aacs_heartbeat_stops() {
    let mut f = Flight::scenario("aacs-heartbeat-stops.ron");
    f.run(2 * MIN);
    let dcm = f.dcm();
    assert_eq!(dcm.iter().map(|d| d.1).collect::<Vec<_>>(), [0o1]);
    near(dcm[0].0, 30 * S, TICK);
    let events = f.records(tlm("T_AACS"));
    assert_eq!(events.iter().map(|e| e.1).collect::<Vec<_>>(), [tlm("T_AACS") + 0o100], "event 1: timeout, no code");
    assert!(events[0].0 > dcm[0].0);
    assert_eq!(f.selected(Unit::Aacs), 1);
    // Heartbeats at 2..20 s from the prime, 32..118 s from the backup.
    assert_eq!(f.var("HBCNT"), 10 + 44);
    assert_eq!((f.var("AASWPS"), f.var("AAARM")), (1, 0));
    assert_eq!(f.var("HBLEFT"), 9, "reloaded to 11 at 118 s, counted down at 118 s and 119 s");
}

#[test]
fn aacs_omen() {
    let mut f = Flight::scenario("aacs-omen.ron");
    f.run(2 * MIN);
    let dcm = f.dcm();
    assert_eq!(dcm.iter().map(|d| d.1).collect::<Vec<_>>(), [0o1, 0o1], "no swap while disarmed");
    near(dcm[0].0, 31 * S, TICK);
    near(dcm[1].0, 91 * S, TICK);
    let events: Vec<u32> = f.records(tlm("T_AACS")).iter().map(|e| e.1).collect();
    assert_eq!(events, [tlm("T_AACS") + 0o266, tlm("T_AACS") + 0o666, tlm("T_AACS") + 0o266]);
    near(f.records(tlm("T_AACS"))[1].0, 61 * S, TICK);
    assert_eq!(
        f.records(tlm("T_ACK")).iter().map(|a| a.1).collect::<Vec<_>>(),
        [tlm("T_ACK") + 6],
        "the FAULT command"
    );
    assert_eq!(f.selected(Unit::Aacs), 0, "swapped out and back");
    assert_eq!((f.var("OMENS"), f.var("AASWPS"), f.var("AAARM")), (3, 2, 0));
    assert_eq!(f.var("HBCNT"), 59, "both units are healthy: every heartbeat from 2 s to 118 s");
}

#[test]
fn rf_loss_xband_twta() {
    let mut f = Flight::scenario("rf-loss-xband-twta.ron");
    f.run(5 * MIN);
    let dcm = f.dcm();
    assert_eq!(dcm.iter().map(|d| d.1).collect::<Vec<_>>(), [0o5]);
    near(dcm[0].0, 100 * S, TICK);
    let rf = f.records(tlm("T_RF"));
    assert_eq!(
        rf.iter().map(|r| r.1).collect::<Vec<_>>(),
        [tlm("T_RF") + 0o07, tlm("T_RF") + 0o17, tlm("T_RF") + 0o07]
    );
    assert!(rf[0].0 < dcm[0].0 && dcm[0].0 < rf[1].0, "lost, swapped, then the power is back");
    near(rf[2].0, 200 * S, TICK);
    assert_eq!(f.selected(Unit::XBandTwta), 1);
    for u in [Unit::Aacs, Unit::SBandExciter, Unit::SBandAmplifier, Unit::XBandExciter, Unit::CommandReceiver] {
        assert_eq!(f.selected(u), 0, "{u:?}");
    }
    assert_eq!((f.var("RFSWP"), f.var("RFLAST")), (0o10, 0o07));
}

#[test]
fn command_loss_two_weeks() {
    let mut f = Flight::scenario("command-loss-two-weeks.ron");
    f.run(14 * D + H);

    // The three invalid words: rejected with their reasons, counted, and no reset of
    // the Command Loss timer.
    let rej: Vec<u32> = f.records(tlm("T_REJ")).iter().map(|r| r.1).collect();
    assert_eq!(rej, [tlm("T_REJ") + 1, tlm("T_REJ") + 2, tlm("T_REJ") + 4]);
    assert_eq!(f.record_values(tlm("T_REJ")), [0o410000, 0o370005, 0o512776]);
    assert_eq!((f.var("CMDREJ"), f.var("CMDCNT")), (3, 0));

    // Four runs, 72 h apart, exactly on the minute the timer ran out.
    let dcm = f.dcm();
    let want = [(72, 0o6), (144, 0o6), (144, 0o201), (216, 0o6), (288, 0o6), (288, 0o201)];
    assert_eq!(dcm.iter().map(|d| d.1).collect::<Vec<_>>(), want.map(|w| w.1));
    for (d, (h, _)) in dcm.iter().zip(want) {
        near(d.0, h * H, TICK);
    }
    let runs: Vec<u32> = f.records(tlm("T_CL")).iter().map(|r| r.1).collect();
    assert_eq!(runs, [tlm("T_CL") + 1, tlm("T_CL") + 2, tlm("T_CL") + 3, tlm("T_CL") + 4, tlm("T_CL") + 5]);
    assert_eq!(f.selected(Unit::CommandReceiver), 0, "four swaps: back on the first receiver");

    // Command Loss disabled itself and started the backup mission load, which waits.
    assert_eq!(f.var("CLRUNS"), 4);
    assert_eq!(f.var("CLLEFT"), 0);
    assert_eq!(f.var("FPENA"), 0o37 - 0o02);
    let bml = f.slots().into_iter().find(|s| s[0] == sym("BML")).expect("the BML is running");
    assert_eq!(bml[1] >> 12, 2, "in minutes");
    assert!(f.slots().iter().any(|s| s[0] == sym("CRUISE")), "cruise still runs until the BML starts");

    // Two weeks after the first run (t = 17 d): the BML takes over from the cruise
    // table, and at 01:00 its first calibration.
    let before = f.fds().len();
    f.run(17 * D + 2 * H);
    let later = &f.fds()[before..];
    let bml_tlm = later.iter().find(|c| c.1 == FD_TLM + 6).expect("BML telemetry format");
    near(bml_tlm.0, 17 * D, S / 5);
    let magc = later.iter().find(|c| c.0 > bml_tlm.0).unwrap();
    assert_eq!(magc.1, FD_MAGC + 1);
    near(magc.0, 17 * D + H, S / 5);
    assert!(f.slots().iter().all(|s| s[0] != sym("CRUISE")), "the cruise table was stopped");
    assert_eq!(f.dcm().len(), 6, "Command Loss stays off");
}

#[test]
fn command_receiver_failure() {
    let mut f = Flight::scenario("command-receiver-failure.ron");
    f.run(72 * H - S);
    assert_eq!(f.records(tlm("T_ACK")), [], "the NOOPs of days 1 and 2 died in the receiver");
    assert_eq!(f.m.craft.counters.accepted[0][3], 0, "no uplink word reached the CCS");
    f.run(97 * H);
    let dcm = f.dcm();
    assert_eq!(dcm.iter().map(|d| d.1).collect::<Vec<_>>(), [0o6]);
    near(dcm[0].0, 72 * H, TICK);
    let acks = f.records(tlm("T_ACK"));
    assert_eq!(acks.iter().map(|a| a.1).collect::<Vec<_>>(), [tlm("T_ACK") + 1]);
    near(acks[0].0, 73 * H, TICK);
    assert_eq!(f.selected(Unit::CommandReceiver), 1);
    assert_eq!((f.var("CMDCNT"), f.var("CLRUNS")), (1, 0));
    // Restarted at 73 h, on a minute boundary: the minute ticks from that second on,
    // until 97 h (excluded), took 1440 off.
    assert_eq!(f.var("CLLEFT"), 4320 - 1440);
    assert_eq!(f.var("FPENA"), 0o37);
}

#[test]
fn bus_undervoltage() {
    let mut f = Flight::scenario("bus-undervoltage.ron");
    f.run(10 * MIN);
    let pwr: Vec<u32> = f.records(tlm("T_PWR")).iter().map(|r| r.1 - tlm("T_PWR")).collect();
    assert_eq!(pwr, [1, 0, 1, 0, 2]);
    let dcm = f.dcm();
    assert_eq!(dcm.iter().map(|d| d.1).collect::<Vec<_>>(), [0o210, 0o211, 0o212, 0o210, 0o211, 0o212]);
    for d in &dcm[..3] {
        near(d.0, 100 * S, TICK);
    }
    for d in &dcm[3..] {
        near(d.0, 500 * S, TICK);
    }
    let ack = f.records(tlm("T_ACK"));
    assert_eq!(ack.iter().map(|a| a.1).collect::<Vec<_>>(), [tlm("T_ACK") + 6]);
    near(ack[0].0, 400 * S, TICK);
    assert_eq!((f.var("PWSHED"), f.var("PWLAST")), (1, 2));
}

#[test]
fn protected_store() {
    let mut f = Flight::scenario("protected-store.ron");
    f.run(25 * S);
    // The POKE is a valid command, but the jumpers refuse its store: ERROR reports
    // ERR (address 0o3000, bit 0) and the load carries on.
    assert_eq!(f.at(0o3000), 0);
    assert_eq!(f.records(tlm("T_ACK")).iter().map(|a| a.1).collect::<Vec<_>>(), [tlm("T_ACK") + 9, tlm("T_ACK") + 9]);
    assert_eq!(f.records(tlm("T_ERR")).iter().map(|e| e.1).collect::<Vec<_>>(), [tlm("T_ERR") + 1]);
    assert_eq!(f.record_values(tlm("T_ERR")), [0o3000 << 6 | 1]);
    assert_eq!((f.var("ERRCNT"), f.var("ERRLAST")), (1, 0o300001));
    assert_eq!(f.m.craft.counters.suppressed_writes[0], 1);
    assert_eq!(f.m.cpu[0].regs.err.get(), 0, "ERROR read (and so cleared) ERR");
    assert_eq!(f.at(0o7400), 0o123456, "block 3 takes the second POKE");
    // The memory load writes the protected word with MLD: allowed in WP blocks.
    f.run(MIN);
    assert_eq!(f.at(0o3000), 0o654321);
    assert_eq!(f.var("ERRCNT"), 1);
    assert_eq!(f.var("CMDCNT"), 3);
    assert_eq!(f.dcm(), []);
}

#[test]
fn protected_store_is_the_one_run_time_budget_finding() {
    let mut f = Flight::scenario("protected-store.ron");
    let report = budget_run(&mut f, MIN);
    assert_eq!(report.findings.len(), 1, "{}", report.to_text());
    let finding = &report.findings[0];
    assert_eq!(finding.region.as_deref(), Some("FIXED"));
    assert_eq!(finding.words, 1);
    let fixed = report.regions.iter().find(|r| r.name == "FIXED" && r.memory == MemoryId::Ccs(ProcId::A)).unwrap();
    let run = fixed.run.as_ref().unwrap();
    assert_eq!(run.forbidden_writes, 1, "the POKE; the MLD of the patch is a memory load, allowed");
}

#[test]
fn jupiter_encounter() {
    let mut f = Flight::scenario("jupiter-encounter.ron");
    f.run(60 * S);
    assert_eq!(f.mask() & MASK_LV4, MASK_LV4, "no burst yet: level 4 closed");
    f.run(110 * S);
    assert_eq!(f.mask() & MASK_LV4, 0, "inside the first burst: level 4 open");
    f.run(H);
    assert_eq!(f.mask(), MASK_RUN, "after the last burst: closed again");

    let fds = f.fds();
    // A second after the START's (the table's first entry, DCM TANDEM, is not issued
    // by a processor with no partner): imaging telemetry and the cameras on.
    let start = fds.iter().position(|c| c.1 == FD_TLM + 0o14).unwrap();
    assert_eq!(fds[start + 1].1, FD_CAM + 1);
    near(fds[start].0, 11 * S, SOON);
    let na: Vec<u64> = fds.iter().filter(|c| c.1 >> 12 == 0o40).map(|c| c.0).collect();
    let wa: Vec<u64> = fds.iter().filter(|c| c.1 >> 12 == 0o41).map(|c| c.0).collect();
    assert_eq!((na.len(), wa.len()), (26, 26));
    // The 10 ms timing holds: the wide-angle shutter 0.48 s after the narrow-angle
    // one, pairs 48 s apart within a burst; a lost tick would be 5,000 cycles off.
    for (n, w) in na.iter().zip(&wa) {
        assert!(w.abs_diff(n + 48 * TICK) < TICK, "NA {n}, WA {w}");
    }
    let bursts = [3, 8, 4, 6, 5];
    let mut i = 0;
    for pairs in bursts {
        for k in 1..pairs {
            let gap = na[i + k] - na[i + k - 1];
            assert!(gap.abs_diff(48 * S) < TICK, "burst pair {k}: gap {gap}");
        }
        i += pairs;
    }
    // A slew (azimuth, then elevation) before each burst, 60 s after the previous one.
    let aacs = f.aacs();
    let slews: Vec<u32> = aacs.iter().map(|c| c.1 >> 12).collect();
    assert_eq!(&slews[..10], [0o20, 0o21].repeat(5));
    near(aacs[0].0, 70 * S, SOON);
    let mut first = 0;
    for (b, pairs) in bursts.iter().enumerate() {
        let el = aacs[2 * b + 1].0;
        assert!(na[first] > el && na[first] - el < 31 * S, "burst {b} follows its slew by 30 s");
        first += pairs;
    }
    // The end: cameras off, cruise again; the weekly roll of the restarted cruise
    // table follows 30 min later.
    let off = fds.iter().position(|c| c.1 == FD_CAM).unwrap();
    assert!(fds[off].0 > *wa.last().unwrap());
    assert_eq!(fds[off + 1].1, FD_TLM + 5);
    assert_eq!(slews[10..], [0o30]);
    let tables: Vec<u32> = f.slots().iter().map(|s| s[0]).collect();
    assert_eq!(tables, [sym("CRUISE")]);
    // Alone, A runs the encounter in INDIVIDUAL; the table's closing mode command is
    // issued (and changes nothing).
    let dcm: Vec<u32> = f.dcm().iter().map(|c| c.1).collect();
    assert_eq!(dcm, [0o0100]);
}

#[test]
fn family_portrait() {
    let mut f = Flight::scenario("family-portrait.ron");
    f.run(5 * H);
    let fds = f.fds();
    // Time zero is the START's second, 10 s: the heaters on a second later (after the
    // mode entry), the cameras three hours after time zero.
    let heat = fds.iter().find(|c| c.1 == FD_CAMHT + 1).unwrap().0;
    near(heat, 11 * S, SOON);
    let on = fds.iter().find(|c| c.1 == FD_CAM + 1).unwrap().0;
    near(on, 10 * S + 3 * H, SOON);

    let frames: Vec<(u64, u32)> = fds.iter().copied().filter(|c| matches!(c.1 >> 12, 0o40 | 0o41)).collect();
    assert_eq!(frames.len(), 60);
    let wa: Vec<(u64, u32)> = frames.iter().copied().filter(|c| c.1 >> 12 == 0o41).collect();
    let na: Vec<(u64, u32)> = frames.iter().copied().filter(|c| c.1 >> 12 == 0o40).collect();
    assert_eq!((wa.len(), na.len()), (39, 21));
    assert!(wa.last().unwrap().0 < na[0].0, "the wide-angle mosaic first");
    // The Sun: one wide-angle frame, filter 0, the shortest exposure.
    let sun: Vec<usize> = wa.iter().enumerate().filter(|(_, c)| c.1 & 0o7777 == 0).map(|(i, _)| i).collect();
    assert_eq!(sun, [19], "the middle frame of the middle row");
    for k in 1..wa.len() {
        assert!((wa[k].0 - wa[k - 1].0).abs_diff(48 * S) < TICK, "a wide-angle frame every 48 s");
    }
    // Seven targets through violet, blue, green; Neptune and Uranus for 15.36 s.
    let filters: Vec<u32> = na.iter().map(|c| c.1 >> 9 & 7).collect();
    assert_eq!(filters, [1, 2, 5].repeat(7));
    let exposures: Vec<u32> = na.iter().map(|c| c.1 & 0o777).collect();
    assert_eq!(exposures[..6], [384; 6]);
    assert!(exposures[6..].iter().all(|&e| e < 384));
    // Every frame after a slew: each wide-angle frame after its own, each target's
    // three narrow-angle frames after one.
    let slews = f.aacs().iter().filter(|c| matches!(c.1 >> 12, 0o20 | 0o21)).count();
    assert_eq!(slews, 2 * (39 + 7));
    // The Pale Blue Dot is the last frame; 34 minutes later the cameras go off for good.
    let pbd = na.last().unwrap();
    let off = fds.iter().find(|c| c.1 == FD_CAM).unwrap().0;
    assert!(off.abs_diff(pbd.0 + 34 * MIN) < TICK);
    let after: Vec<u32> = fds.iter().filter(|c| c.0 > off).map(|c| c.1).collect();
    assert_eq!(after, [FD_TLM + 5], "then cruise again");
    assert_eq!(f.slots().iter().map(|s| s[0]).collect::<Vec<_>>(), [sym("CRUISE")]);
    let dcm: Vec<u32> = f.dcm().iter().map(|c| c.1).collect();
    assert_eq!(dcm, [0o0100], "alone: INDIVIDUAL throughout, the closing mode command issued");
}

// ------------------------------------------------------------------ the uplink command format

#[test]
fn every_command_takes_effect() {
    let fla = 1 << 13 | 0o100; // FDS-B, word 0o100
    let ala = 1 << 12 | 0o6000; // AACS-B, word 0o6000
    let mut words: Vec<(u64, u32)> = vec![(5 * S, cmd(1, 0)), (10 * S, cmd(4, 0o2)), (15 * S, cmd(5, 1))];
    let mut at = |t: u64, ws: Vec<u32>| words.extend(ws.into_iter().map(|w| (t * S, w)));
    at(20, multi(8, 0, &[0o123456]));
    at(25, multi(8, 1, &[0o654321]));
    at(30, multi(7, 1, &[5]));
    at(35, multi(7, 0, &[100]));
    at(40, multi(11, 2, &[fla, 0o1111, 0o2222]));
    at(50, multi(12, 1, &[ala, 0o333333]));
    at(60, multi(10, 2, &[0o7400, 0o10, 0o20]));
    at(70, multi(13, 2, &[0o7400]));
    at(80, vec![cmd(6, 2)]);
    at(85, vec![cmd(3, 0)]);
    let mut f = Flight::with_uplink(&words);
    f.run(90 * S);

    let acks: Vec<u32> = f.records(tlm("T_ACK")).iter().map(|a| a.1 - tlm("T_ACK")).collect();
    assert_eq!(acks, [1, 4, 5, 8, 8, 7, 7, 11, 12, 10, 13, 6, 3]);
    assert_eq!((f.var("CMDCNT"), f.var("CMDREJ")), (13, 0));
    assert_eq!(f.dcm().iter().map(|d| d.1).collect::<Vec<_>>(), [0o2, 0o101]);
    assert_eq!(f.selected(Unit::SBandExciter), 1);
    assert_eq!(f.m.craft.mode, Mode::Parallel);
    assert_eq!(f.aacs().iter().map(|c| c.1).collect::<Vec<_>>(), [0o123456]);
    assert_eq!(f.fds().iter().map(|c| c.1).collect::<Vec<_>>(), [FD_TLM + 5, 0o654321]);
    assert_eq!(f.var("HBLIM"), 5);
    assert_eq!(f.var("CLLIM"), 100);
    assert_eq!(f.m.examine(MemoryId::Fds(1), 0o100), 0o1111);
    assert_eq!(f.m.examine(MemoryId::Fds(1), 0o101), 0o2222);
    assert_eq!(f.m.examine(MemoryId::Aacs(1), 0o6000), 0o333333);
    assert_eq!((f.at(0o7400), f.at(0o7401)), (0o10, 0o20));
    assert_eq!(f.records(tlm("T_CKS")).iter().map(|r| r.1).collect::<Vec<_>>(), [tlm("T_CKS") + 0o7400]);
    assert_eq!(f.record_values(tlm("T_CKS")), [0o30]);
    assert_eq!(f.var("FPENA"), 0o37 - 0o04, "RFLOSS disabled");
    assert_eq!(f.mask(), MASK_RUN | 1 << 7, "and its level closed");
    assert!(f.slots().is_empty(), "STOP 0 stopped every table");
    // Every valid command restarted Command Loss, the last ones with the new limit.
    assert_eq!(f.var("CLLEFT"), 100);
}

#[test]
fn invalid_words_are_rejected_and_counted() {
    // The uplink model is off here: each word arrives when scheduled, those of one
    // command 0.1 s apart.
    let mut words: Vec<(u64, u32)> = Vec::new();
    let mut at = |t: u64, ws: Vec<u32>| words.extend(ws.into_iter().zip(0..).map(|(w, i)| (t + i * S / 10, w)));
    at(5 * S, vec![cmd(1, 0) ^ 1 << 17]); // even parity
    at(10 * S, vec![cmd(0, 0o7)]); // opcode 0
    at(15 * S, vec![cmd(14, 0)]); // opcode 14: beyond the table
    at(20 * S, vec![cmd(5, 3)]); // MODE 3
    at(25 * S, vec![cmd(6, 5)]); // FAULT: no routine 5
    at(30 * S, vec![cmd(6, 0o200)]); // FAULT: a stray bit
    at(35 * S, vec![cmd(2, 0)]); // START 0
    at(40 * S, vec![cmd(10, 0)]); // LOADC of no words
    at(45 * S, vec![cmd(10, 16)]); // LOADC of 16 words: the buffer holds 15
    at(50 * S, multi(7, 0, &[0])); // TIMER of 0
    let mut bad = multi(9, 0o7400, &[0o5]);
    bad[2] += 1;
    at(60 * S, bad); // a check word one too high
    at(70 * S, vec![cmd(9, 0o7401)]); // a POKE whose data never comes: dropped after 3..4 s
    at(80 * S, vec![cmd(1, 0)]); // then a good NOOP
    // A checksum of TRAPS and FIXED (1.16 s in the background), and a second one while
    // it runs: busy.
    at(90 * S, multi(13, 2688, &[0]));
    at(90 * S + S / 2, multi(13, 1, &[0]));
    let mut f = Flight::with_words(Models { aacs_heartbeat: true, uplink: false, rf_monitors: true }, &words);
    f.run(100 * S);

    let reasons: Vec<u32> = f.records(tlm("T_REJ")).iter().map(|r| r.1 - tlm("T_REJ")).collect();
    assert_eq!(reasons, [1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 4, 5, 6]);
    assert_eq!(f.var("CMDREJ"), 13);
    let timeout = f.records(tlm("T_REJ"))[11].0;
    assert!(timeout > 73 * S && timeout < 74 * S + SOON, "dropped 3..4 s after its word: {timeout}");
    assert_eq!(f.record_values(tlm("T_REJ"))[11], cmd(9, 0o7401), "reported with the last word received");
    assert_eq!(f.records(tlm("T_ACK")).iter().map(|a| a.1 - tlm("T_ACK")).collect::<Vec<_>>(), [1, 13]);
    assert_eq!(f.var("CMDCNT"), 2);
    assert_eq!((f.at(0o7400), f.at(0o7401)), (0, 0), "neither POKE took effect");
    assert_eq!(f.m.craft.mode, Mode::Individual);
    assert_eq!(f.dcm(), []);
    assert_eq!(f.var("HBLIM"), 11);
    assert_eq!(f.record_values(tlm("T_CKS")), [fixed_sum()], "the first checksum ran to its end");
}

// ------------------------------------------------------------------ the table driver

/// Deposit table words at `addr` (a ground load into free sequence memory).
fn table(f: &mut Flight, addr: u32, words: &[u32]) {
    for (i, &w) in words.iter().enumerate() {
        f.m.deposit(MemoryId::Ccs(ProcId::A), addr + i as u32, w).unwrap();
    }
}

const E_TLM: u32 = 0o040000;
const E_DCM: u32 = 0o030000;
const E_UNIT: u32 = 0o050000;
const E_GOTO: u32 = 0o060000;
const E_LOOP: u32 = 0o070000;
const E_START: u32 = 0o100000;
const E_NOP: u32 = 0o130000;

#[test]
fn table_entries_run_at_their_times() {
    let mut f = Flight::with_uplink(&[(10 * S, cmd(2, 0o7400))]);
    #[rustfmt::skip]
    table(&mut f, 0o7400, &[
        E_TLM, 0o700001,                // time zero: t = 10 s
        E_DCM + 2, 0o300,               // 12 s
        E_TLM + 1, 0o700002,            // 13, 14, 15 s: three passes
        E_LOOP, 3 << 12 | 0o7404,
        E_UNIT, 1,                      // 10 ms from here
        E_TLM + 50, 0o700003,           // 0.5 s after the first tick after 15 s
        E_UNIT, 0,
        E_START + 1, 0o7500,            // seconds again: at 16 s, start the other table
        0, 0,                           // E_END
    ]);
    table(&mut f, 0o7500, &[E_TLM + 2, 0o700004, 0, 0]);
    f.run(30 * S);
    let ours: Vec<(u64, u32)> = f.tlm().into_iter().filter(|c| c.1 >> 15 == 0o7).collect();
    assert_eq!(
        ours.iter().map(|c| c.1).collect::<Vec<_>>(),
        [0o700001, 0o700002, 0o700002, 0o700002, 0o700003, 0o700004]
    );
    for (c, t) in ours.iter().zip([10 * S, 13 * S, 14 * S, 15 * S]) {
        near(c.0, t, SOON);
    }
    near(ours[4].0, 15 * S + TICK + 50 * TICK, SOON);
    // Started at 16 s, the second table's time zero is the next second (17 s); its
    // first delay is 2.
    near(ours[5].0, 19 * S, SOON);
    let dcm = f.dcm();
    assert_eq!(dcm.iter().map(|d| d.1).collect::<Vec<_>>(), [0o300]);
    near(dcm[0].0, 12 * S, SOON);
    assert_eq!(f.slots().iter().map(|s| s[0]).collect::<Vec<_>>(), [sym("CRUISE")], "both tables ended");
    assert_eq!(f.mask(), MASK_RUN, "level 4 closed again");
}

#[test]
fn a_runaway_table_or_a_bad_entry_is_stopped() {
    let mut f = Flight::with_uplink(&[(10 * S, cmd(2, 0o7400)), (10 * S, cmd(2, 0o7500))]);
    table(&mut f, 0o7400, &[E_TLM, 0o700005, E_GOTO, 0o7400]); // never waits
    table(&mut f, 0o7500, &[E_NOP + 1, 0, 0o770000, 0]); // kind 0o77
    f.run(20 * S);
    let loops = f.tlm().iter().filter(|c| c.1 == 0o700005).count();
    assert_eq!(loops, 32, "64 entries in one walk, half of them TLM");
    let stopped: Vec<u32> = f.records(tlm("T_TBL")).iter().map(|r| r.1 - tlm("T_TBL")).collect();
    assert_eq!(stopped, [0o7400, 0o7504], "each reported with its table pointer");
    assert_eq!(f.slots().iter().map(|s| s[0]).collect::<Vec<_>>(), [sym("CRUISE")]);
}

#[test]
fn twenty_tables_at_most() {
    // Nineteen tables besides the cruise table fit; the twentieth START is refused;
    // starting a running table again restarts it in its slot.
    let mut words: Vec<(u64, u32)> = (0..20).map(|i| (5 * S, cmd(2, 0o7400 + 2 * i))).collect();
    words.push((5 * S, cmd(2, 0o7400)));
    let mut f = Flight::with_uplink(&words);
    for i in 0..20 {
        table(&mut f, 0o7400 + 2 * i, &[E_NOP + 4000, 0]);
    }
    f.run(40 * S);
    assert_eq!(f.slots().len(), 20);
    let rej: Vec<u32> = f.records(tlm("T_REJ")).iter().map(|r| r.1 - tlm("T_REJ")).collect();
    assert_eq!(rej, [6]);
    assert_eq!(f.record_values(tlm("T_REJ")), [cmd(2, 0o7446)]);
    assert_eq!(f.var("CMDCNT"), 20, "19 starts and the restart");
    assert_eq!(f.var("NHIGH"), 20);
}

// ------------------------------------------------------------------ fault recovery

#[test]
fn error_restores_the_mask_after_a_flipped_bit() {
    // MASK bit 5 flips at 10.5 s: the 1 s level is closed and the clocks stop. A
    // parity error at 20.5 s brings ERROR, which reports it and reloads MASKW.
    let models = Models { aacs_heartbeat: true, uplink: true, rf_monitors: true };
    let flip = Fault::FlipRegisterBit { proc: ProcId::A, reg: Reg::MASK, bit: 5 };
    let inputs = [
        TimedInput { time: 10 * S + S / 2, input: Input::Fault(flip) },
        TimedInput { time: 20 * S + S / 2, input: Input::Parity(ProcId::A) },
    ];
    let mut f = Flight::new(models, &inputs);
    f.run(20 * S);
    assert_eq!(f.var("SECS"), 10, "the 1 s level closed after 10 s");
    f.run(30 * S);
    assert_eq!(f.records(tlm("T_ERR")).iter().map(|r| r.1).collect::<Vec<_>>(), [tlm("T_ERR") + 1]);
    assert_eq!(f.record_values(tlm("T_ERR")), [0o4], "ERR bit 2: parity");
    assert_eq!(f.mask(), MASK_RUN);
    // The tick pending since 11 s comes at once; then one a second again.
    assert_eq!(f.var("SECS"), 11 + 9);
}

// ------------------------------------------------------------------ the budget

fn voyager_map() -> AllocationMap {
    AllocationMap::parse(voyager_ccs::programs::VOYAGER_MAP, "voyager").unwrap()
}

fn budget_run(f: &mut Flight, limit: u64) -> Report {
    let program = Program::from_assembly("programs/flight/load.asm", assembly(), Target::A);
    let mut session = voyager_ccs::core::Session::from_machine(f.m.clone(), Default::default());
    let report = voyager_ccs::budget::check_run(&program, &voyager_map(), &mut session, limit);
    f.m = session.into_machine();
    report
}

#[test]
fn the_load_fits_the_default_map() {
    let program = Program::from_assembly("programs/flight/load.asm", assembly(), Target::A);
    let report = voyager_ccs::budget::check(&program, &voyager_map());
    assert!(report.findings.is_empty(), "{}", report.to_text());
    assert!(report.fits());
    // The scenario scripts start the sequences by these addresses.
    assert_eq!([sym("CRUISE"), sym("JUPITER"), sym("PORTRAIT")], [0o5640, 0o6000, 0o6400]);
    assert_eq!(sym("START"), 0o0040, "the reset entry");
    // Every routine has its own section and allocation, inside FIXED.
    let routines =
        ["TARMEX", "CMDPRC", "OUTDRV", "TLMDRV", "CHKSUM", "MEMLOD", "AACSIN", "CMDLOS", "RFLOSS", "PWRCHK", "ERROR"];
    for name in routines.iter().chain(&["TRAPS", "FIXED", "DATA", "VECTORS", "SCRATCH", "SEQUENCES", "CRUISE"]) {
        let s = assembly().section_by_name(name).unwrap_or_else(|| panic!("no section {name}"));
        let limit = s.limit.as_ref().unwrap_or_else(|| panic!("{name} has no allocation")).words;
        assert!(s.words as u64 <= limit && s.words > 0, "{name}: {} of {limit}", s.words);
    }
    let allocated: u64 = routines
        .iter()
        .chain(&["FIXED"])
        .map(|n| assembly().section_by_name(n).unwrap().limit.as_ref().unwrap().words)
        .sum();
    assert!(allocated <= 2656, "the routines' allocations fit the FIXED region: {allocated}");
}

#[test]
fn the_load_fits_at_run_time_over_the_cruise_week() {
    let mut f = Flight::scenario("cruise-week.ron");
    let report = budget_run(&mut f, 7 * D);
    assert!(report.findings.is_empty(), "{}", report.to_text());
    let ccs_a: Vec<_> = report.regions.iter().filter(|r| r.memory == MemoryId::Ccs(ProcId::A)).collect();
    let names: Vec<&str> = ccs_a.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["TRAPS", "FIXED", "DATA", "SCRATCH", "SPARE", "SEQUENCES"]);
    for r in ccs_a {
        let run = r.run.as_ref().unwrap();
        match r.name.as_str() {
            "TRAPS" | "FIXED" => assert_eq!((run.writes, run.forbidden_writes), (0, 0), "{}", r.name),
            "SPARE" => assert_eq!(run.writes, 0),
            _ => assert!(run.writes > 0, "{} is used", r.name),
        }
    }
    assert!(f.m.craft.counters.suppressed_writes[0] == 0 && f.var("ERRCNT") == 0);
}
