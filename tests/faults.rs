//! Injected faults and device health (issue 6), through the same scheduling API the
//! CLI and the desktop app use.

mod common;
use common::{at, machine, op};
use voyager_ccs::core::Opcode::*;
use voyager_ccs::core::{
    Addr, Command, Fault, Input, MemoryId, Models, ProcId, Processors, Reg, RunState, Stop, TimedInput, Unit, Word,
};

fn inject(m: &mut voyager_ccs::core::Machine, time: u64, input: Input) {
    m.schedule(TimedInput { time, input });
}

fn console(m: &mut voyager_ccs::core::Machine) -> Vec<(u64, u32)> {
    m.drain_outputs()
        .into_iter()
        .filter_map(|o| match o.command {
            Command::Out { channel, value } if channel.get() == 0o17 => Some((o.time, value.get())),
            _ => None,
        })
        .collect()
}

/// LDA 0o200; OUT 0o17; JMP 0o40 — prints M[0o200] every 110 cycles.
fn printer() -> Vec<(u32, u32)> {
    let mut w = at(0o40, &[op(LDA, 0o200), op(OUT, 0o17), op(JMP, 0o40)]);
    w.push((0o200, 0o100));
    w
}

#[test]
fn a_flipped_memory_bit_is_seen_from_the_fault_time_on() {
    let mut m = machine(&printer(), Models::default());
    inject(&mut m, 300, Input::Fault(Fault::FlipMemoryBit { memory: MemoryId::Ccs(ProcId::A), addr: 0o200, bit: 17 }));
    m.run_until(500);
    let seen: Vec<u32> = console(&mut m).into_iter().map(|c| c.1).collect();
    // LDAs at 0, 110, 220 read 0o100; the LDA at 330 (after the flip at 300) reads it flipped.
    assert_eq!(seen, [0o100, 0o100, 0o100, 0o400100, 0o400100]);
}

#[test]
fn stuck_bits_survive_writes() {
    // LDI -1; STA 0o200; LDA 0o200; OUT 0o17; CLR; STA 0o200; LDA 0o200; OUT 0o17; HLT
    let prog = [op(LDI, 0o7777), op(STA, 0o200), op(LDA, 0o200), op(OUT, 0o17), op(CLR, 0), op(STA, 0o200)];
    let mut words = at(0o40, &prog);
    words.extend(at(0o46, &[op(LDA, 0o200), op(OUT, 0o17), op(HLT, 0)]));
    let mut m = machine(&words, Models::default());
    let stuck = Fault::StuckAt { memory: MemoryId::Ccs(ProcId::A), addr: 0o200, mask: 0o000003, value: 0o000001 };
    inject(&mut m, 0, Input::Fault(stuck));
    m.run_until(10_000);
    let seen: Vec<u32> = console(&mut m).into_iter().map(|c| c.1).collect();
    assert_eq!(seen, [0o777775, 0o000001]);
    assert_eq!(m.cpu[0].regs.err.get(), 0, "a stuck bit raises no error");
}

#[test]
fn a_dead_fds_range_reads_garbage_and_loses_writes() {
    // FLA <- 100; OUT 0o21 (write 0o1234 to FDS-A[100]); FLA <- 100; INP 0o21; OUT 0o17;
    // FLA <- 300; OUT 0o21; FLA <- 300; INP 0o21; OUT 0o17; HLT.
    let mut w = at(0o40, &[op(LDI, 100), op(OUT, 0o20), op(LDI, 0o1234), op(OUT, 0o21)]);
    w.extend(at(0o44, &[op(LDI, 100), op(OUT, 0o20), op(INP, 0o21), op(OUT, 0o17)]));
    w.extend(at(0o50, &[op(LDI, 300), op(OUT, 0o20), op(LDI, 0o1234), op(OUT, 0o21)]));
    w.extend(at(0o54, &[op(LDI, 300), op(OUT, 0o20), op(INP, 0o21), op(OUT, 0o17), op(HLT, 0)]));
    let mut m = machine(&w, Models::default());
    inject(
        &mut m,
        0,
        Input::Fault(Fault::DeadRange { memory: MemoryId::Fds(0), start: 256, len: 256, pattern: 0o125252 }),
    );
    m.run_until(10_000);
    let seen: Vec<u32> = console(&mut m).into_iter().map(|c| c.1).collect();
    assert_eq!(seen, [0o1234, 0o125252], "word 100 works; word 300 is dead");
    assert_eq!(m.examine(MemoryId::Fds(0), 300), 0o125252);
    assert_eq!(m.craft.faults.count(MemoryId::Fds(0)), 256);
}

#[test]
fn a_dead_ccs_word_loses_program_stores_silently() {
    let w = at(0o40, &[op(LDI, 5), op(STA, 0o300), op(LDA, 0o300), op(OUT, 0o17), op(HLT, 0)]);
    let mut m = machine(&w, Models::default());
    inject(
        &mut m,
        0,
        Input::Fault(Fault::DeadRange { memory: MemoryId::Ccs(ProcId::A), start: 0o300, len: 1, pattern: 0o070707 }),
    );
    m.run_until(10_000);
    // LDI 0, STA 22, LDA 66, OUT 110.
    assert_eq!(console(&mut m), [(110, 0o070707)]);
    assert_eq!((m.cpu[0].regs.err.get(), m.cpu[0].regs.pend & 1), (0, 0));
}

#[test]
fn a_halt_fault_stops_the_processor_at_its_time() {
    let mut m = machine(&printer(), Models::default());
    inject(&mut m, 250, Input::Fault(Fault::Halt { proc: ProcId::A }));
    assert_eq!(m.run_until(100_000)[0], Stop::Halted { code: Addr::wrapping(0o7777) });
    // Steps start at 0, 44, 88 (JMP), 110, 154, 198, 220 (LDA), 264: stopped there.
    assert_eq!(m.time(), 264);
    assert_eq!(console(&mut m).len(), 2);
}

#[test]
fn a_stall_delays_the_next_step() {
    let mut m = machine(&printer(), Models::default());
    inject(&mut m, 100, Input::Fault(Fault::Stall { proc: ProcId::A, cycles: 1_000 }));
    m.run_until(1_500);
    let times: Vec<u64> = console(&mut m).into_iter().map(|c| c.0).collect();
    // OUT at 44; the stall comes at 100, during the JMP (88..110): the next step,
    // due at 110, starts at 1,100 instead (LDA), and the OUT follows at 1,144.
    assert_eq!(times[..2], [44, 1_144]);
}

#[test]
fn a_flipped_mask_bit_wakes_a_processor_that_would_wait_forever() {
    // EIN; WAI with every level masked but level 4 pending from a SWI.
    let w = at(0o40, &[op(SWI, 4), op(WAI, 0), op(OUT, 0o17), op(HLT, 0)]);
    let mut m = machine(&w, Models::default());
    assert_eq!(m.clone().run_until(1_000_000)[0], Stop::WaitingForever);
    inject(&mut m, 50_000, Input::Fault(Fault::FlipRegisterBit { proc: ProcId::A, reg: Reg::MASK, bit: 4 }));
    assert!(matches!(m.run_until(1_000_000)[0], Stop::Halted { .. }));
    assert_eq!(console(&mut m), [(50_000, 0)], "the WAI ended at the fault time");
}

/// Idle loop with level 5 (1 s) unmasked plus `levels`; the 1 s handler counts down
/// from `seconds` and issues `DCM swap` when it reaches zero.
fn swap_after(seconds: u32, swap: u32, levels: u32, trap: (u32, u32)) -> Vec<(u32, u32)> {
    let mut w = at(0o40, &[op(LML, 0o50), op(EIN, 0), op(WAI, 0), op(JMP, 0o42)]);
    w.extend([(0o50, 0o177777 & !(1 << 5 | levels)), (5, op(CAL, 0o100)), trap, (0o210, seconds)]);
    w.extend(at(0o100, &[0, op(DSZ, 0o210), op(RTI, 0o100), op(DCM, swap), op(RTI, 0o100)]));
    w
}

#[test]
fn a_failed_aacs_stops_its_heartbeat_and_the_backup_takes_over() {
    // Level 2 counts heartbeats (every 2 s); the prime AACS fails at 11 s; the program
    // swaps to the backup AACS (DCM 1) at 18 s.
    let w = swap_after(18, 1, 1 << 2, (2, op(INC, 0o200)));
    let mut m = machine(&w, Models { aacs_heartbeat: true, ..Models::default() });
    inject(&mut m, 5_500_000, Input::Device { unit: Unit::Aacs, index: 0, working: false });
    m.run_until(9_000_000);
    assert_eq!(m.cpu[0].memory.get(0o200).get(), 5, "heartbeats at 2..10 s only");
    m.run_until(15_000_000 + 600);
    assert_eq!(m.craft.selections.selected(Unit::Aacs), 1);
    // None at 18 s (delivered before the swap in that second's handler); the backup's
    // at 20..30 s.
    assert_eq!(m.cpu[0].memory.get(0o200).get(), 5 + 6);
}

#[test]
fn rf_monitors_follow_the_selected_units_and_a_swap_recovers() {
    // Level 7 handler (trap cell 7: CAL 0o100): INP 2; OUT 0o17; DCM 5 if bit 3 is clear.
    let mut w = at(0o40, &[op(LML, 0o50), op(EIN, 0), op(WAI, 0), op(JMP, 0o42)]);
    w.extend([(0o50, 0o177777 & !(1 << 7)), (7, op(CAL, 0o100))]);
    w.extend(at(0o100, &[0, op(INP, 2), op(OUT, 0o17), op(ANI, 0o10), op(JNZ, 0o106), op(DCM, 5), op(RTI, 0o100)]));
    let mut m = machine(&w, Models { rf_monitors: true, ..Models::default() });
    assert_eq!(m.craft.latches.rf_monitors.get(), 0o17, "all powered at reset");
    inject(&mut m, 1_000_000, Input::Device { unit: Unit::XBandTwta, index: 0, working: false });
    m.run_until(2_000_000);
    let seen: Vec<u32> = console(&mut m).into_iter().map(|c| c.1).collect();
    // The failure shows 0o07; the handler swaps the TWTA, the word returns to 0o17
    // (a change, so level 7 again), and the handler sees all power present.
    assert_eq!(seen, [0o07, 0o17]);
    assert_eq!(m.craft.selections.selected(Unit::XBandTwta), 1);
}

#[test]
fn uplink_through_a_failed_receiver_is_lost_until_the_swap() {
    // Level 3 counts uplink words; the prime receiver fails at 0.1 s; the program swaps
    // receivers (DCM 6) at 4 s (2,000,000 cycles).
    let w = swap_after(4, 6, 1 << 3, (3, op(INC, 0o200)));
    let mut m = machine(&w, Models::default());
    inject(&mut m, 50_000, Input::Device { unit: Unit::CommandReceiver, index: 0, working: false });
    for (t, v) in [(300_000, 7), (700_000, 8), (1_200_000, 9)] {
        inject(&mut m, t, Input::Uplink(Word::wrapping(v)));
    }
    m.run_until(1_500_000);
    assert_eq!(m.cpu[0].memory.get(0o200).get(), 0);
    assert_eq!(m.craft.latches.uplink.get(), 0, "no word reached the latch");
    m.run_until(2_000_000 + 600);
    assert_eq!(m.craft.selections.selected(Unit::CommandReceiver), 1);
    inject(&mut m, 2_500_000, Input::Uplink(Word::wrapping(0o11)));
    m.run_until(3_000_000);
    assert_eq!(m.cpu[0].memory.get(0o200).get(), 1, "only the word after the swap arrived");
    assert_eq!(m.craft.latches.uplink.get(), 0o11);
}

#[test]
fn faults_on_a_waiting_processor_halt_or_stall_it() {
    let w = at(0o40, &[op(LML, 0o50), op(WAI, 0), op(OUT, 0o17), op(HLT, 0)]);
    let mut w = w;
    w.push((0o50, 0o177777 & !(1 << 5)));
    let mut m = machine(&w, Models::default());
    inject(&mut m, 200_000, Input::Fault(Fault::Stall { proc: ProcId::A, cycles: 400_000 }));
    m.run_until(2_000_000);
    assert_eq!(console(&mut m), [(600_000, 0)], "the 1 s wake-up comes at 500,000 but the stall holds it to 600,000");
    let mut m = machine(&w, Models::default());
    inject(&mut m, 200_000, Input::Fault(Fault::Halt { proc: ProcId::A }));
    assert_eq!(m.run_until(2_000_000)[0], Stop::Halted { code: Addr::wrapping(0o7777) });
    assert!(matches!(m.cpu[0].state, RunState::Halted { .. }));
}

#[test]
fn a_fault_at_the_exact_wake_time_of_a_wai_wins() {
    // The tick program's WAI wakes at 500,000; a halt (or stall) at exactly that time
    // must take effect instead of the WAI completing.
    let mut m = voyager_ccs::core::Machine::new();
    m.load_image(&voyager_ccs::programs::TICK.image(), None).unwrap();
    let fresh = m.clone();
    m.reset(Processors::A, Models::default());
    inject(&mut m, 500_000, Input::Fault(Fault::Halt { proc: ProcId::A }));
    assert_eq!(m.run_until(2_000_000)[0], Stop::Halted { code: Addr::wrapping(0o7777) });
    assert_eq!(m.time(), 495_102, "halted in the WAI begun at 495,102");

    let mut m = fresh;
    m.reset(Processors::A, Models::default());
    inject(&mut m, 500_000, Input::Fault(Fault::Stall { proc: ProcId::A, cycles: 1_000 }));
    let mut log = voyager_ccs::core::StepLog::default();
    m.run_until_observed(502_000, &mut log);
    let wai = log.0.iter().find(|s| s.start == 495_102).unwrap();
    assert_eq!(wai.cycles, 501_000 - 495_102, "the WAI ends when the stall does");
}

#[test]
fn with_the_rf_model_a_monitor_word_reports_on_the_selected_units() {
    let mut m = machine(&at(0o40, &[op(JMP, 0o40)]), Models { rf_monitors: true, ..Models::default() });
    inject(&mut m, 1_000, Input::RfMonitors(Word::wrapping(0o07)));
    m.run_until(2_000);
    assert!(!m.craft.env.health().working(Unit::XBandTwta, 0), "the prime TWTA is the one reported dead");
    assert!(m.craft.env.health().working(Unit::XBandTwta, 1));
    assert_eq!(m.craft.latches.rf_monitors.get(), 0o07);
}
