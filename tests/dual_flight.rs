//! Both processors fly (issue 19): the flight load on CCS-A and CCS-B, end to end through
//! the scenarios of `programs/scenarios/` (Scenario -> MachineSetup -> Session, as
//! `ccs run --scenario` runs them). The tests assert the commands issued with their
//! source (A, B or AB) and time, the telemetry that reports what happened, and each
//! processor's final state, read through the load's symbols.
//!
//! Expected values come from the documented behaviour (docs/flight-software.md, "The
//! pair"; each scenario's header), not from earlier runs.

mod common;

use common::flight::{H, MIN, S, SOON, TICK, scenario, tlm};
use voyager_ccs::core::{
    Command, Fault, Input, MemoryId, Mode, Output, ProcId, Session, Source, Stop, TimedInput, Word,
};

/// A T_CCS record: detail = event * 2 + sender. B took over (event 1), A lost its
/// partner (2), A stood down (4).
fn takeover_by_b() -> u32 {
    tlm("T_CCS") + 0o3
}
fn lost_by_a() -> u32 {
    tlm("T_CCS") + 0o4
}
fn yield_by_a() -> u32 {
    tlm("T_CCS") + 0o10
}
const DC_INDIV: u32 = 0o0100;
const DC_TANDEM: u32 = 0o0102;
const IO_AZIMUTH: u32 = 0o200000 + 1712;

/// A voted command as the output units issued it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Cmd {
    Aacs(u32),
    Fds(u32),
    Dcm(u32),
}

struct Flight {
    session: Session,
    log: Vec<Output>,
}

impl Flight {
    fn new(session: Session) -> Flight {
        Flight { session, log: Vec::new() }
    }

    /// A scenario run to its end.
    fn run(name: &str) -> Flight {
        let sc = scenario(name);
        let mut f = Flight::new(sc.session());
        f.run_to(sc.cycles.unwrap());
        f
    }

    fn run_to(&mut self, until: u64) {
        self.session.run(until);
        self.log.extend(self.session.drain_outputs());
    }

    /// Voted commands issued, in order.
    fn commands(&self) -> Vec<(u64, Source, Cmd)> {
        self.log
            .iter()
            .filter_map(|o| {
                let cmd = match o.command {
                    Command::Dcm { number } => Cmd::Dcm(number.get()),
                    Command::Out { channel, value } => match channel.get() {
                        0o10 => Cmd::Aacs(value.get()),
                        0o11 => Cmd::Fds(value.get()),
                        _ => return None,
                    },
                };
                Some((o.time, o.source, cmd))
            })
            .collect()
    }

    fn commands_between(&self, from: u64, to: u64) -> Vec<(u64, Source, Cmd)> {
        self.commands().into_iter().filter(|c| (from..to).contains(&c.0)).collect()
    }

    fn first(&self, cmd: Cmd) -> (u64, Source) {
        self.commands()
            .into_iter()
            .find(|c| c.2 == cmd)
            .map(|c| (c.0, c.1))
            .unwrap_or_else(|| panic!("{cmd:?} never issued"))
    }

    /// Telemetry words with their source.
    fn telemetry(&self) -> Vec<(u64, Source, u32)> {
        self.log
            .iter()
            .filter_map(|o| match o.command {
                Command::Out { channel, value } if channel.get() == 0o12 => Some((o.time, o.source, value.get())),
                _ => None,
            })
            .collect()
    }

    fn telemetry_word(&self, word: u32) -> (u64, Source) {
        self.telemetry()
            .into_iter()
            .find(|t| t.2 == word)
            .map(|t| (t.0, t.1))
            .unwrap_or_else(|| panic!("telemetry 0o{word:06o} never sent"))
    }

    /// Heartbeats one processor sent the other.
    fn heartbeats(&self, from: Source) -> usize {
        self.log
            .iter()
            .filter(|o| o.source == from && matches!(o.command, Command::Out { channel, .. } if channel.get() == 0o04))
            .count()
    }

    fn var(&self, x: ProcId, name: &str) -> u32 {
        self.session.word_of(x, name).unwrap()
    }

    fn mode(&self) -> Mode {
        self.session.machine().craft.mode
    }
}

fn within(t: u64, at: u64) -> bool {
    (at..at + SOON).contains(&t)
}

#[test]
fn in_cruise_a_is_active_and_b_a_hot_standby_that_issues_nothing() {
    let mut f = Flight::new(scenario("cruise-week.ron").session());
    f.run_to(26 * H);
    // Every command and every telemetry word from A: FDS at 1 s, the roll at 00:30, the
    // day's plan; nothing from B, nothing twice.
    let commands = f.commands();
    assert!(commands.len() >= 8, "{commands:?}");
    assert!(commands.iter().all(|c| c.1 == Source::A), "{commands:?}");
    assert!(within(f.first(Cmd::Fds(0o100005)).0, S));
    assert!(within(f.first(Cmd::Aacs(0o300001)).0, 30 * MIN));
    assert!(f.telemetry().iter().all(|t| t.1 == Source::A));
    assert_eq!(f.mode(), Mode::Individual);
    // A heartbeat each way every second.
    let seconds = (26 * H / S) as usize;
    for x in [Source::A, Source::B] {
        assert!(f.heartbeats(x).abs_diff(seconds) <= 1, "{x:?}: {}", f.heartbeats(x));
    }
    // Hot: B runs the same tables on the same clocks, so it holds the same state.
    let slots = f.session.symbol("SLOTS").unwrap() as u32;
    for addr in slots..slots + 80 {
        assert_eq!(
            f.session.read(MemoryId::Ccs(ProcId::A), addr),
            f.session.read(MemoryId::Ccs(ProcId::B), addr),
            "slot word 0o{addr:04o}"
        );
    }
    for name in ["SECS", "MINS", "HBCNT", "CKREQ", "MODEW", "PLOST"] {
        assert_eq!(f.var(ProcId::A, name), f.var(ProcId::B, name), "{name}");
    }
    assert_eq!((f.var(ProcId::A, "ROLE"), f.var(ProcId::B, "ROLE")), (1, 0));
    assert_eq!((f.var(ProcId::A, "NTLM") > 0, f.var(ProcId::B, "NTLM")), (true, 0));
    assert_eq!(f.var(ProcId::B, "NFDS"), 0);
    assert_eq!(f.var(ProcId::A, "PHBLEFT"), f.var(ProcId::A, "PHBLIM"), "A watches B");
    // Both took the same reference sum of the tables at reset, and it is the tables' sum.
    let (a, n) = (f.var(ProcId::A, "VCKA"), f.var(ProcId::A, "VCKN"));
    let sum = (a..a + n).map(|x| f.session.read(MemoryId::Ccs(ProcId::A), x)).fold(0, |s, w| (s + w) % (1 << 18));
    assert_eq!((f.var(ProcId::A, "REFSUM"), f.var(ProcId::B, "REFSUM")), (sum, sum));
}

#[test]
fn jupiter_encounter_runs_in_tandem_every_command_once_from_ab() {
    let f = Flight::run("jupiter-encounter.ron");
    let (enter, by) = f.first(Cmd::Dcm(DC_TANDEM));
    assert!(within(enter, 10 * S) && by == Source::A, "{enter} {by:?}");
    let (leave, by) = f.first(Cmd::Dcm(DC_INDIV));
    assert_eq!(by, Source::AB, "leaving TANDEM is a voted pair itself");
    let stretch = f.commands_between(enter + 1, leave + 1);
    assert!(stretch.iter().all(|c| c.1 == Source::AB), "{stretch:?}");
    // 2 FDS to start, 5 slews of 2 AACS, 26 shutter pairs, cameras off, the mode command.
    assert_eq!(stretch.len(), 2 + 10 + 52 + 1 + 1, "{stretch:?}");
    assert!(within(stretch[0].0, 11 * S) && stretch[0].2 == Cmd::Fds(0o100014));
    // Voting keeps the table's timing: the wide-angle shutter 0.48 s after the narrow
    // (to within one tick's latency).
    let shutters: Vec<&(u64, Source, Cmd)> =
        stretch.iter().filter(|c| matches!(c.2, Cmd::Fds(v) if v >> 15 == 4)).collect();
    assert_eq!(shutters.len(), 52);
    for pair in shutters.chunks(2) {
        assert!((pair[1].0 - pair[0].0).abs_diff(48 * TICK) < TICK, "{pair:?}");
    }
    // Nothing is issued by one processor alone, nothing twice; no error anywhere.
    assert!(f.commands().iter().all(|c| c.1 != Source::B));
    assert!(f.telemetry().iter().all(|t| t.2 >> 12 != tlm("T_ERR") >> 12 && t.1 == Source::A));
    // After the encounter: cruise again, from A; the pair INDIVIDUAL, roles unchanged.
    let after = f.commands_between(leave + 1, u64::MAX);
    assert!(!after.is_empty() && after.iter().all(|c| c.1 == Source::A), "{after:?}");
    assert_eq!(f.mode(), Mode::Individual);
    for x in ProcId::BOTH {
        assert_eq!(f.var(x, "MODEW"), 0);
        assert_eq!(f.var(x, "PBAD"), 0);
    }
    assert_eq!((f.var(ProcId::A, "ROLE"), f.var(ProcId::B, "ROLE")), (1, 0));
}

#[test]
fn family_portrait_runs_in_tandem_between_its_mode_commands() {
    let f = Flight::run("family-portrait.ron");
    let (enter, _) = f.first(Cmd::Dcm(DC_TANDEM));
    let (leave, by) = f.first(Cmd::Dcm(DC_INDIV));
    assert_eq!(by, Source::AB);
    let stretch = f.commands_between(enter + 1, leave);
    // Imaging telemetry, heaters on, cameras on, heaters off; 60 frames, each with its
    // slew (a slew for each WA frame, one per NA target); cameras off.
    let frames = stretch.iter().filter(|c| matches!(c.2, Cmd::Fds(v) if v >> 15 == 4)).count();
    assert_eq!(frames, 60);
    assert!(stretch.iter().all(|c| c.1 == Source::AB), "{stretch:?}");
    assert_eq!(f.mode(), Mode::Individual);
}

#[test]
fn a_bit_flipped_in_bs_table_is_a_mismatch_then_a_goes_on_alone() {
    let tandem = Flight::run("jupiter-encounter.ron");
    let f = Flight::run("jupiter-bit-flip.ron");
    // Io's slew: A's value and B's flipped one never agree, so neither is issued.
    assert!(!f.commands().iter().any(|c| matches!(c.2, Cmd::Aacs(v) if v == IO_AZIMUTH || v == IO_AZIMUTH + 1)));
    let (io_el, by) = f.first(Cmd::Aacs(0o210000 + 951));
    assert_eq!(by, Source::AB, "the elevation beside it agrees");
    // ERROR reports the vote mismatch at once; the vote check settles it within a second.
    let (err_at, from) = f.telemetry_word(tlm("T_ERR") + 1);
    assert!(within(err_at, io_el) && from == Source::A, "{err_at} {io_el}");
    let t = f.telemetry();
    let i = t.iter().position(|w| w.2 == tlm("T_ERR") + 1).unwrap();
    assert_eq!(t[i + 1].2, 0o000002, "ERR: the vote bit");
    let (indiv, by) = f.first(Cmd::Dcm(DC_INDIV));
    assert_eq!(by, Source::AB, "both processors left TANDEM together");
    assert!(indiv > err_at && indiv < err_at + S, "{indiv} {err_at}");
    let (vote_at, from) = f.telemetry_word(tlm("T_VOTE") + 1);
    assert!(vote_at >= indiv && vote_at < indiv + SOON && from == Source::A);
    // The rest of the encounter from A alone, at the tandem encounter's times.
    let alone = f.commands_between(indiv + 1, u64::MAX);
    let expected = tandem.commands_between(indiv + 1, u64::MAX);
    assert_eq!(alone.len(), expected.len());
    for (got, want) in alone.iter().zip(&expected) {
        assert_eq!(got.1, Source::A, "{got:?}");
        assert_eq!(got.2, want.2);
        assert!(got.0.abs_diff(want.0) < SOON, "{got:?} vs {want:?}");
    }
    assert!(alone.iter().any(|c| c.2 == Cmd::Dcm(DC_INDIV)), "the table's closing mode command, from A");
    assert!(f.commands().iter().all(|c| c.1 != Source::B));
    // Final state: INDIVIDUAL, A active and knowing B's tables bad; B standing by.
    assert_eq!(f.mode(), Mode::Individual);
    assert_eq!((f.var(ProcId::A, "ROLE"), f.var(ProcId::A, "PBAD")), (1, 1));
    assert_eq!((f.var(ProcId::B, "ROLE"), f.var(ProcId::B, "PBAD")), (0, 0));
    assert_eq!(f.var(ProcId::A, "ERRCNT"), 1);
    assert_eq!(f.var(ProcId::B, "ERRCNT"), 1, "level 0 reached both");
}

#[test]
fn a_bit_flipped_in_as_table_makes_b_the_active_processor() {
    // The same flip in A's copy: the rule picks the processor whose copy matches, B.
    let sc = scenario("jupiter-bit-flip.ron");
    let mut setup = sc.setup();
    for e in &mut setup.events {
        if let Input::Fault(Fault::FlipMemoryBit { memory, .. }) = &mut e.input {
            *memory = MemoryId::Ccs(ProcId::A);
        }
    }
    let mut f = Flight::new(Session::new(setup));
    f.run_to(sc.cycles.unwrap());
    let (indiv, by) = f.first(Cmd::Dcm(DC_INDIV));
    assert_eq!(by, Source::AB);
    let (_, from) = f.telemetry_word(tlm("T_VOTE") + 2 + 4);
    assert_eq!(from, Source::B, "B reports: A's copy bad, B's good, B active");
    let after = f.commands_between(indiv + 1, u64::MAX);
    assert!(!after.is_empty() && after.iter().all(|c| c.1 == Source::B), "{after:?}");
    assert_eq!((f.var(ProcId::A, "ROLE"), f.var(ProcId::B, "ROLE")), (0, 1));
    assert_eq!(f.var(ProcId::B, "PBAD"), 1);
}

#[test]
fn processor_a_halts_and_b_takes_over_the_sequence() {
    let f = Flight::run("processor-a-halts.ron");
    let halt = 2700 * S + S / 5;
    let before = f.commands_between(0, halt);
    assert!(before.iter().all(|c| c.1 == Source::A) && before.len() == 2, "{before:?}");
    // Detected 3 s after A's last heartbeat (00:45:00), reported by B.
    let (at, from) = f.telemetry_word(takeover_by_b());
    assert!(within(at, 2703 * S) && from == Source::B, "{at}");
    // The cruise table goes on from B's copy: each command once, from B.
    let after = f.commands_between(halt, u64::MAX);
    assert_eq!(after.len(), 2, "{after:?}");
    assert!(within(f.first(Cmd::Fds(0o600001)).0, H) && after[0] == (after[0].0, Source::B, Cmd::Fds(0o600001)));
    assert!(within(f.first(Cmd::Fds(0o600000)).0, H + 10 * MIN) && after[1].1 == Source::B);
    let (ack, from) = f.telemetry_word(0o020001);
    assert!(within(ack, 90 * MIN) && from == Source::B, "the NOOP acknowledged by B");
    assert!(matches!(f.session.stops()[0], Stop::Halted { code } if code.get() == 0o7777));
    assert_eq!((f.var(ProcId::B, "ROLE"), f.var(ProcId::B, "TOOK"), f.var(ProcId::B, "PLOST")), (1, 1, 1));
    assert!(f.telemetry().iter().all(|t| t.2 >> 12 != tlm("T_ERR") >> 12));
}

#[test]
fn processor_b_memory_dead_a_carries_on_alone_and_reports_it() {
    let f = Flight::run("processor-b-memory-dead.ron");
    let (at, from) = f.telemetry_word(lost_by_a());
    assert!(within(at, 1203 * S) && from == Source::A, "{at}");
    assert!(matches!(f.session.stops()[1], Stop::Halted { .. }), "{:?}", f.session.stops());
    // The encounter started at 00:30 runs on A alone: no TANDEM, every command from A,
    // and the same commands as in tandem, at the same times from its start.
    let commands = f.commands();
    assert!(!commands.iter().any(|c| c.2 == Cmd::Dcm(DC_TANDEM)));
    assert!(commands.iter().all(|c| c.1 == Source::A), "{commands:?}");
    let tandem = Flight::run("jupiter-encounter.ron");
    let start = |f: &Flight| f.first(Cmd::Fds(0o100014)).0;
    let encounter = |f: &Flight| {
        let from = start(f);
        let to = f.first(Cmd::Dcm(DC_INDIV)).0;
        f.commands_between(from, to + 1).into_iter().map(|c| (c.0 - from, c.2)).collect::<Vec<_>>()
    };
    let (alone, voted) = (encounter(&f), encounter(&tandem));
    assert_eq!(alone.len(), voted.len());
    for (a, v) in alone.iter().zip(&voted) {
        assert_eq!(a.1, v.1);
        assert!(a.0.abs_diff(v.0) < SOON, "{a:?} vs {v:?}");
    }
    assert_eq!(f.mode(), Mode::Individual);
    assert_eq!((f.var(ProcId::A, "ROLE"), f.var(ProcId::A, "PLOST")), (1, 1));
    assert!(f.telemetry().iter().all(|t| t.2 >> 12 != tlm("T_ERR") >> 12));
}

#[test]
fn a_stalled_active_processor_stands_by_when_it_comes_back() {
    let sc = scenario("cruise-week.ron");
    let stall = TimedInput { time: 45 * MIN, input: Input::Fault(Fault::Stall { proc: ProcId::A, cycles: 10 * S }) };
    let mut f = Flight::new(Session::new(sc.setup().with_events([stall])));
    f.run_to(H + 15 * MIN);
    let (took, _) = f.telemetry_word(takeover_by_b());
    assert!(took > 45 * MIN && took < 45 * MIN + 4 * S);
    // A comes back at 00:45:10 believing it is active; B, which took over, keeps the work.
    let (yielded, from) = f.telemetry_word(yield_by_a());
    assert!(from == Source::A && yielded > 45 * MIN + 10 * S && yielded < 45 * MIN + 12 * S, "{yielded}");
    let after = f.commands_between(45 * MIN, u64::MAX);
    assert_eq!(after.len(), 2, "the day's two commands, once each: {after:?}");
    assert!(after.iter().all(|c| c.1 == Source::B));
    assert_eq!((f.var(ProcId::A, "ROLE"), f.var(ProcId::B, "ROLE")), (0, 1));
}

#[test]
fn b_running_alone_takes_over_after_three_seconds() {
    let sc = scenario("cruise-week.ron");
    let mut f = Flight::new(Session::new(sc.setup().with_processors(ProcId::B)));
    f.run_to(31 * MIN);
    let (at, from) = f.telemetry_word(takeover_by_b());
    assert!(within(at, 3 * S) && from == Source::B, "{at}");
    // The cruise table's telemetry format is due at 1 s, when B still stands by: the
    // table moved on, and the next command (the roll at 00:30) comes from B.
    assert!(within(f.first(Cmd::Aacs(0o300001)).0, 30 * MIN));
    assert!(f.commands().iter().all(|c| c.1 == Source::B));
}

#[test]
fn fds_requests_switch_the_telemetry_format_and_report_the_status() {
    let sc = scenario("cruise-week.ron");
    let request =
        |seconds: u64, word: u32| TimedInput { time: seconds * S, input: Input::FdsRequest(Word::wrapping(word)) };
    let events = [request(10, 0o010007), request(20, 0o020000), request(30, 0o050000), request(40, 0o010100)];
    let mut f = Flight::new(Session::new(sc.setup().with_events(events)));
    f.run_to(45 * S);
    // Format 7 (playback), once, from A (B hears the request too, and stands by).
    let (at, by) = f.first(Cmd::Fds(0o100007));
    assert!(within(at, 10 * S) && by == Source::A);
    assert_eq!(f.commands().iter().filter(|c| c.2 == Cmd::Fds(0o100007)).count(), 1);
    assert!(within(f.telemetry_word(tlm("T_FDSR") + 0o100).0, 10 * S));
    // The status: CCS-A, active, partner heard, INDIVIDUAL.
    let t = f.telemetry();
    let i = t.iter().position(|w| w.2 == tlm("T_STAT")).expect("a status report");
    assert_eq!(t[i + 1].2, 1);
    assert!(within(f.telemetry_word(tlm("T_FDSR") + 0o200).0, 20 * S));
    // An unknown request and a format out of range are refused.
    assert!(within(f.telemetry_word(tlm("T_FDSR") + 0o501).0, 30 * S));
    assert!(within(f.telemetry_word(tlm("T_FDSR") + 0o101).0, 40 * S));
    assert_eq!((f.var(ProcId::A, "NFDSR"), f.var(ProcId::B, "NFDSR")), (4, 4));
}

#[test]
fn demo_week() {
    // `ccs demo`'s scenario: the pair through three failures, an encounter and a takeover.
    const D: u64 = 24 * H;
    let f = Flight::run("demo-week.ron");
    let dcm: Vec<(u32, Source)> =
        f.commands().iter().filter_map(|c| if let Cmd::Dcm(n) = c.2 { Some((n, c.1)) } else { None }).collect();
    use Source::{A, AB, B};
    assert_eq!(
        dcm,
        [(0o1, A), (DC_TANDEM, A), (DC_INDIV, AB), (0o5, A), (0o210, B), (0o211, B), (0o212, B)],
        "who issued each discrete command"
    );
    assert!(within(f.first(Cmd::Dcm(0o1)).0, D + 2 * H + 10 * S));
    assert!(within(f.first(Cmd::Dcm(0o5)).0, 3 * D + 14 * H));
    assert!(within(f.first(Cmd::Dcm(0o210)).0, 5 * D + 9 * H));
    // The encounter: every command of the stretch once, from AB.
    let (enter, leave) = (f.first(Cmd::Dcm(DC_TANDEM)).0, f.first(Cmd::Dcm(DC_INDIV)).0);
    assert!(within(enter, 2 * D + 10 * H));
    let stretch = f.commands_between(enter + 1, leave + 1);
    assert_eq!(stretch.len(), 66);
    assert!(stretch.iter().all(|c| c.1 == AB));
    // The takeover, and the week's work from B after it; nothing from B before it.
    let halt = 4 * D + 6 * H + 30 * MIN;
    let (took, from) = f.telemetry_word(takeover_by_b());
    assert!(within(took, halt + 3 * S) && from == B, "{took}");
    assert!(f.commands_between(0, halt).iter().all(|c| c.1 != B));
    let after = f.commands_between(halt, u64::MAX);
    assert!(after.len() > 10 && after.iter().all(|c| c.1 == B), "{after:?}");
    let mut seen = std::collections::BTreeSet::new();
    assert!(after.iter().all(|c| seen.insert((c.0 / S, c.2))), "nothing twice");
    assert!(within(f.telemetry_word(0o020001).0, D), "day 1's NOOP acknowledged");
    let acks: Vec<Source> = f.telemetry().iter().filter(|t| t.2 == 0o020001).map(|t| t.1).collect();
    assert_eq!(acks, [A, A, B]);
    assert!(f.telemetry().iter().all(|t| t.2 >> 12 != tlm("T_ERR") >> 12));
    let sel = f.session.machine().craft.selections;
    assert_eq!((sel.selected(voyager_ccs::core::Unit::Aacs), sel.selected(voyager_ccs::core::Unit::XBandTwta)), (1, 1));
    assert!(matches!(f.session.stops()[0], Stop::Halted { .. }));
    assert_eq!(
        (f.var(ProcId::B, "ROLE"), f.var(ProcId::B, "NDCM")),
        (1, 4),
        "the sheds, and its half of the vote leaving TANDEM"
    );
}
