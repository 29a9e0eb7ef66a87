//! Environment inputs (spec §9.3), WAI fast-forward (§7.5) and the run stopping
//! rules (§10.1, C4, C13), on small programs.

mod common;
use common::{at, machine, op};
use voyager_ccs::core::Opcode::*;
use voyager_ccs::core::{Input, Models, ProcId, RunState, StepLog, Stop, TimedInput, Unit, Word};

const ALL_MASKED: u32 = 0o177777;

/// Program: unmask `levels` (bits 0..15), enable interrupts, WAI in a loop.
/// Trap cells INC a counter at 0o200 + level.
fn waiter(levels: u32) -> Vec<(u32, u32)> {
    let mut words = at(0o40, &[op(LML, 0o50), op(EIN, 0), op(WAI, 0), op(JMP, 0o42)]);
    words.push((0o50, ALL_MASKED & !levels));
    for level in 0..16 {
        words.push((level, op(INC, 0o200 + level)));
    }
    words
}

fn counter(m: &voyager_ccs::core::Machine, level: u32) -> u32 {
    m.cpu[0].memory.get((0o200 + level) as usize).get()
}

#[test]
fn a_quiet_year_takes_three_steps_an_hour() {
    // Only the 1 h clock is unmasked: the machine must jump from hour to hour.
    let mut m = machine(&waiter(1 << 6), Models::default());
    let mut log = StepLog::default();
    let year = 365 * 24 * 3600 * 500_000u64;
    m.run_until_observed(year, &mut log);
    // The year ends exactly on the 8,760th hourly event: it is pending at the limit,
    // not yet accepted (the stop rule), so 8,759 were counted.
    let hours = 365 * 24 - 1;
    assert_eq!(counter(&m, 6), hours);
    assert_eq!(m.cpu[0].regs.pend & (1 << 6), 1 << 6);
    // 3 setup steps (LML, EIN, first WAI) then per hour: accept, JMP, WAI.
    assert_eq!(log.0.len() as u32, 3 + 3 * hours);
    // Every masked 10 ms and 1 s tick still became pending.
    assert_eq!(m.cpu[0].regs.pend & 0o60, 0o60);
}

#[test]
fn waiting_forever_stops_at_the_wai_with_time_unchanged() {
    // IE = 1 but every level masked: nothing can ever wake it (C4).
    let words = at(0o40, &[op(EIN, 0), op(NOP, 0), op(WAI, 0), op(HLT, 1)]);
    let mut m = machine(&words, Models::default());
    assert_eq!(m.run_until(10_000_000_000), [Stop::WaitingForever, Stop::Held]);
    assert_eq!(m.time(), 44, "time stays at the start of the WAI step");
    assert_eq!(m.cpu[0].regs.p.get(), 0o42, "P still addresses the WAI");
    assert!(m.cpu[0].is_waiting());
}

#[test]
fn a_wai_started_before_the_limit_runs_to_its_wake_time() {
    // C13: waiting at 1,000,000 with limit 1,100,000 and next wake at 1,500,000.
    let mut m = machine(&waiter(1 << 5), Models::default());
    m.run_until(1_000_000 + 600);
    assert_eq!(m.run_until(1_100_000), [Stop::Limit, Stop::Held]);
    assert_eq!(m.time(), 1_500_000);
    assert_eq!(m.cpu[0].regs.pend & (1 << 5), 1 << 5, "stopped at the boundary before the acceptance");
}

#[test]
fn uplink_words_wake_the_processor_and_fill_the_latch() {
    // Trap cell 3: INP 0 then... a trap cell holds one instruction: use CAL to a handler.
    let mut words = waiter(1 << 3);
    words.extend([(3, op(CAL, 0o100))]);
    words.extend(at(0o100, &[0, op(INP, 0), op(OUT, 0o17), op(RTI, 0o100)]));
    let mut m = machine(&words, Models { uplink: true, ..Models::default() });
    for (t, v) in [(1000, 0o11), (2000, 0o22)] {
        m.schedule(TimedInput { time: t, input: Input::Uplink(Word::wrapping(v)) });
    }
    m.run_until(2_000_000);
    let console: Vec<(u64, u32)> = m
        .drain_outputs()
        .iter()
        .filter_map(|o| match o.command {
            voyager_ccs::core::Command::Out { value, .. } => Some((o.time, value.get())),
            _ => None,
        })
        .collect();
    // The second word is held back by the 16 bit/s uplink: 562,500 cycles after the first.
    assert_eq!(console.iter().map(|c| c.1).collect::<Vec<_>>(), [0o11, 0o22]);
    assert!(console[0].0 > 1000 && console[0].0 < 1200, "{console:?}");
    assert!(console[1].0 > 563_500 && console[1].0 < 563_700, "{console:?}");
}

#[test]
fn heartbeat_model_and_its_silence() {
    let mut m = machine(&waiter(1 << 2), Models { aacs_heartbeat: true, ..Models::default() });
    m.schedule(TimedInput { time: 5_500_000, input: Input::Device { unit: Unit::Aacs, index: 0, working: false } });
    m.run_until(10_000_000);
    assert_eq!(counter(&m, 2), 5, "heartbeats at 1..5 s, then silence");
    assert_eq!(m.craft.latches.aacs_power.get(), 0o37);
}

#[test]
fn parity_event_sets_err_2_and_level_0_in_the_named_processor() {
    // Level 4 keeps time moving, so B's event (which cannot wake A) is delivered too.
    let mut m = machine(&waiter(1 | 1 << 4), Models::default());
    m.schedule(TimedInput { time: 7_777, input: Input::Parity(ProcId::A) });
    m.schedule(TimedInput { time: 8_888, input: Input::Parity(ProcId::B) });
    m.run_until(20_000);
    assert_eq!(counter(&m, 0), 1);
    assert_eq!(m.cpu[0].regs.err.get(), 0o4);
    assert_eq!(m.cpu[1].regs.err.get(), 0o4, "B's ERR is set too, though B is held");
    assert_eq!(m.cpu[1].regs.pend & 1, 1);
}

#[test]
fn latches_keep_the_latest_value_when_the_level_is_masked() {
    let mut m = machine(&waiter(1 << 5), Models::default());
    for (t, v) in [(100, 1), (200, 2), (300, 3)] {
        m.schedule(TimedInput { time: t, input: Input::RfMonitors(Word::wrapping(v)) });
    }
    m.run_until(600_000);
    assert_eq!(m.craft.latches.rf_monitors.get(), 3);
    assert_eq!(counter(&m, 7), 0, "level 7 is masked");
    assert_eq!(m.cpu[0].regs.pend & (1 << 7), 1 << 7, "but pending");
}

#[test]
fn events_past_a_wait_that_never_ends_are_not_delivered() {
    // A waits forever (level 0 only, and no event for A): time stops there (C4).
    let mut m = machine(&waiter(1), Models::default());
    m.schedule(TimedInput { time: 8_888, input: Input::Parity(ProcId::B) });
    assert_eq!(m.run_until(20_000)[0], Stop::WaitingForever);
    assert_eq!(m.cpu[1].regs.err.get(), 0);
    assert_eq!(m.craft.env.pending().len(), 1);
}

#[test]
fn halted_processor_reports_its_code_and_the_boundary_after_hlt() {
    let mut m = machine(&at(0o40, &[op(NOP, 0), op(HLT, 0o17)]), Models::default());
    assert_eq!(m.run_until(1_000_000)[0], Stop::Halted { code: voyager_ccs::core::Addr::wrapping(0o17) });
    assert_eq!(m.time(), 44);
    assert_eq!(m.cpu[0].regs.p.get(), 0o42);
    assert!(matches!(m.cpu[0].state, RunState::Halted { .. }));
}
