//! The worked example of spec §14, run from its image lines: the timeline table and
//! the two states the spec gives exactly.

use voyager_ccs::core::{Machine, MachineSetup, ProcId, Reg, RunState, StepLog, Stop};
use voyager_ccs::programs::TICK;

fn tick_machine() -> Machine {
    MachineSetup::new().with_image(TICK.image()).expect("the bundled image names its target").build()
}

fn mem(m: &Machine, addr: usize) -> u32 {
    m.cpu[0].memory.get(addr).get()
}

const TICKS: usize = 0o60;
const SECS: usize = 0o61;
const LASTT: usize = 0o62;
const SAVEA: usize = 0o63;
const SAVEC: usize = 0o64;
const SECH: usize = 0o44;

#[test]
fn image_has_the_23_lines_of_the_spec() {
    assert_eq!(TICK.image().words.len(), 23);
    assert!(TICK.text.starts_with("# ccs-image v1 target=A\n0004 006072\n0005 004411\n"));
}

#[test]
fn state_after_exactly_one_second() {
    let mut m = tick_machine();
    assert_eq!(m.run_until(500_000), [Stop::Limit, Stop::Held]);
    let r = &m.cpu[0].regs;
    assert_eq!(m.time(), 500_000);
    assert_eq!((r.p.get(), r.a.get(), r.l.get(), r.cc.get(), r.ie), (0o43, 0, 0o44, 0, true));
    assert_eq!(r.mask, 0xFFFF_FFCF);
    assert_eq!(r.pend, 48);
    assert_eq!((mem(&m, TICKS), mem(&m, SECS), mem(&m, LASTT), mem(&m, SECH)), (99, 0, 0, 0));
    assert_eq!(m.craft.counters.instructions[0], 201);
    assert_eq!(m.craft.counters.accepted[0][4], 99);
}

#[test]
fn state_after_the_handler_at_500600() {
    let mut m = tick_machine();
    m.run_until(500_000);
    m.run_until(500_600);
    let r = &m.cpu[0].regs;
    assert_eq!(m.time(), 500_600);
    assert_eq!((r.p.get(), r.a.get(), r.l.get(), r.cc.get(), r.ie, r.pend), (0o42, 0, 0o44, 0, true, 0));
    assert_eq!([TICKS, SECS, LASTT, SAVEA, SAVEC, SECH].map(|a| mem(&m, a)), [0, 1, 100, 0, 0, 0o004310]);
}

#[test]
fn timeline_matches_the_table() {
    let mut m = tick_machine();
    let mut log = StepLog::default();
    m.run_until_observed(500_600, &mut log);
    let steps: Vec<(u64, Option<u8>, u64)> = log.0.iter().map(|s| (s.start, s.before.level, s.cycles)).collect();
    // The first steps, as in the spec's timeline.
    assert_eq!(
        steps[..6],
        [(0, None, 44), (44, None, 22), (66, None, 4934), (5000, Some(4), 80), (5080, None, 22), (5102, None, 4898)]
    );
    // Around the first second: accept 4, accept 5 (CAL), the 10-instruction handler, JMP IDLE.
    let at = steps.iter().position(|s| s.0 == 500_000).unwrap();
    assert_eq!(steps[at - 1], (495_102, None, 4_898));
    assert_eq!(steps[at], (500_000, Some(4), 80));
    assert_eq!(steps[at + 1], (500_080, Some(5), 62));
    let handler: Vec<u64> = steps[at + 2..at + 12].iter().map(|s| s.2).collect();
    assert_eq!(handler, [44, 44, 44, 44, 22, 44, 62, 44, 44, 44]);
    assert_eq!(handler.iter().sum::<u64>(), 436);
    assert_eq!(steps[at + 12], (500_578, None, 22));
    assert_eq!(steps.len(), at + 13, "the run stops at the WAI boundary of 500,600");
    assert!(matches!(m.cpu[0].state, RunState::Running));
}

#[test]
fn every_later_second_ends_the_same_way() {
    let mut m = tick_machine();
    for second in 2..=10u64 {
        m.run_until(second * 500_000 + 600);
        assert_eq!(mem(&m, SECS) as u64, second);
        assert_eq!(mem(&m, LASTT), 100, "second {second}");
        assert_eq!(m.cpu[0].regs.get(Reg::P), 0o42);
    }
}

#[test]
fn one_simulated_day_counts_every_second() {
    let mut m = tick_machine();
    let day = 86_400 * 500_000;
    m.run_until(day + 600);
    assert_eq!(mem(&m, SECS), 86_400);
    assert_eq!(m.craft.counters.accepted[0][4], 8_640_000);
    assert_eq!(m.craft.counters.accepted[0][5], 86_400);
    assert_eq!(m.proc(ProcId::A).time, day + 600);
}
