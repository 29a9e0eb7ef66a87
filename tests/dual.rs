//! Both processors (spec §10): lockstep ordering, the mailbox and level 9, the dual
//! instructions across memories, modes, pairing and voting. Multi-step scenarios with
//! exact times.

mod common;
use common::{at, dual, op};
use voyager_ccs::core::Opcode::*;
use voyager_ccs::core::{Addr, Command, Mode, Models, Output, Source, Stop, Unit, Word};

fn outputs(m: &mut voyager_ccs::core::Machine) -> Vec<(u64, Source, Command)> {
    m.drain_outputs().into_iter().map(|Output { time, source, command }| (time, source, command)).collect()
}

fn dcm(n: u32) -> Command {
    Command::Dcm { number: Addr::wrapping(n) }
}

fn console(v: u32) -> Command {
    Command::Out { channel: Addr::wrapping(0o17), value: Word::wrapping(v) }
}

/// Mask word with only `levels` (bits 0..15) unmasked.
fn unmask(levels: u32) -> u32 {
    0o177777 & !levels
}

#[test]
fn equal_times_a_acts_first() {
    let prog = |v| at(0o40, &[op(LDI, v), op(OUT, 0o17), op(HLT, 0)]);
    let mut m = dual(&prog(1), &prog(2), Models::default());
    assert_eq!(m.run_until(1000), [Stop::Halted { code: Default::default() }; 2]);
    assert_eq!(outputs(&mut m), [(22, Source::A, console(1)), (22, Source::B, console(2))]);
}

#[test]
fn shorter_steps_let_b_overtake_a() {
    // A: LDA (44) then OUT; B: LDI (22) then OUT. B's OUT starts at 22, A's at 44.
    let a = at(0o40, &[op(LDA, 0o40), op(OUT, 0o17), op(HLT, 0)]);
    let b = at(0o40, &[op(LDI, 7), op(OUT, 0o17), op(HLT, 0)]);
    let mut m = dual(&a, &b, Models::default());
    m.run_until(1000);
    let got = outputs(&mut m);
    assert_eq!(got[0], (22, Source::B, console(7)));
    assert_eq!(got[1].0, 44);
    assert_eq!(got[1].1, Source::A);
}

#[test]
fn mailbox_wakes_the_other_processor_at_the_writers_step_time() {
    // B: LML (0..44), WAI from 44 with level 9 unmasked and IE = 0: a poll that waits.
    let mut b = at(0o40, &[op(LML, 0o60), op(WAI, 0), op(INP, 4), op(OUT, 0o17), op(HLT, 0)]);
    b.push((0o60, unmask(1 << 9)));
    // A: NOP x 9 (0..198), LDI 0o55 at 198, OUT 4 at 220.
    let mut a: Vec<u32> = vec![op(NOP, 0); 9];
    a.extend([op(LDI, 0o55), op(OUT, 4), op(HLT, 0)]);
    let mut m = dual(&at(0o40, &a), &b, Models::default());
    m.run_until(10_000);
    let got = outputs(&mut m);
    // A's OUT 4 is logged at 220; B's WAI completes at 220, INP at 220, OUT at 264.
    let mailbox = Command::Out { channel: Addr::wrapping(4), value: Word::wrapping(0o55) };
    assert_eq!(got[0], (220, Source::A, mailbox));
    assert_eq!(got[1], (264, Source::B, console(0o55)));
    assert_eq!(m.cpu[1].mailbox.get(), 0o55);
    assert_eq!(m.cpu[1].regs.pend, 1 << 9, "IE = 0: the level stays pending");
}

#[test]
fn a_second_mailbox_write_while_level_9_pends_is_lost() {
    // B enables level 9 and idles; trap cell 9 counts acceptances.
    let mut b = at(0o40, &[op(LML, 0o60), op(EIN, 0), op(WAI, 0), op(JMP, 0o42)]);
    b.extend([(0o60, unmask(1 << 9)), (9, op(INC, 0o61))]);
    let a = at(0o40, &[op(LDI, 1), op(OUT, 4), op(OUT, 4), op(HLT, 0)]);
    let mut m = dual(&a, &b, Models::default());
    m.run_until(100_000);
    // Two mailbox writes at 22 and 66; the first is pending when B's WAI starts at 66,
    // the second arrives while level 9 is still pending and is lost (requests do not count).
    assert_eq!(m.cpu[1].memory.get(0o61).get(), 1);
    assert!(matches!(m.run_until(200_000)[1], Stop::WaitingForever));
}

#[test]
fn dual_instructions_reach_the_other_memory_in_time_order() {
    // A: LDI 0o123 (0), STD 0o300 (22..84), IND 0o300 (84..164), HLT.
    let a = at(0o40, &[op(LDI, 0o123), op(STD, 0o300), op(IND, 0o300), op(HLT, 0)]);
    // B: NOP x 4 (0..88), LDA 0o300 at 88 sees A's STD (22) but not A's IND (84 < 88: sees it too).
    let mut bw = vec![op(NOP, 0); 3];
    bw.extend([op(LDA, 0o300), op(OUT, 0o17), op(LDX, 0o300), op(OUT, 0o17), op(HLT, 0)]);
    let mut m = dual(&a, &at(0o40, &bw), Models::default());
    m.run_until(10_000);
    let got = outputs(&mut m);
    // B's LDA starts at 66: after A's STD (22) and before A's IND (84).
    assert_eq!(got[0], (110, Source::B, console(0o123)));
    // B's LDX reads A's memory at 154, after the IND.
    assert_eq!(got[1], (216, Source::B, console(0o124)));
    assert_eq!(m.cpu[0].memory.get(0o300).get(), 0o124);
    assert_eq!(m.cpu[1].memory.get(0o300).get(), 0o124);
}

#[test]
fn a_dcm_sets_the_mode_for_both_processors() {
    let a = at(0o40, &[op(DCM, 0o101), op(INP, 6), op(OUT, 0o17), op(HLT, 0)]);
    let b = at(0o40, &[op(NOP, 0), op(NOP, 0), op(INP, 6), op(OUT, 0o17), op(HLT, 0)]);
    let mut m = dual(&a, &b, Models::default());
    m.run_until(10_000);
    assert_eq!(m.craft.mode, Mode::Parallel);
    let got = outputs(&mut m);
    assert_eq!(got[0], (0, Source::A, dcm(0o101)));
    // Status words: mode 1 in bits 2..1, identity in bit 0.
    assert!(got.contains(&(44 + 44, Source::A, console(0b010))), "{got:?}");
    assert!(got.contains(&(44 + 44, Source::B, console(0b011))), "{got:?}");
}

/// Both processors: set mode `mode_dcm` (A only, INDIVIDUAL so issued at once),
/// then each issues its own list of voted commands, `gap` NOPs apart.
fn voting(mode_dcm: u32, a_cmds: &[u32], b_cmds: &[u32], b_delay: usize) -> voyager_ccs::core::Machine {
    let mut a = vec![op(DCM, mode_dcm)];
    a.extend(a_cmds.iter().map(|&n| op(DCM, n)));
    a.push(op(HLT, 0));
    // B waits for A's mode change (44 cycles = 2 NOPs) plus `b_delay` NOPs.
    let mut b = vec![op(NOP, 0); 2 + b_delay];
    b.extend(b_cmds.iter().map(|&n| op(DCM, n)));
    b.push(op(HLT, 0));
    let mut m = dual(&at(0o40, &a), &at(0o40, &b), Models::default());
    m.run_until(100_000);
    m
}

#[test]
fn parallel_issues_the_first_of_a_pair_and_suppresses_an_equal_second() {
    let mut m = voting(0o101, &[5], &[5], 0);
    assert_eq!(outputs(&mut m), [(0, Source::A, dcm(0o101)), (44, Source::A, dcm(5))]);
    assert_eq!(m.craft.selections.selected(Unit::XBandTwta), 1, "swapped once, not twice");
    assert!(m.craft.fifos.iter().all(|f| f.is_empty()));
}

#[test]
fn parallel_issues_both_of_an_unequal_pair() {
    let mut m = voting(0o101, &[2], &[3], 0);
    assert_eq!(outputs(&mut m), [(0, Source::A, dcm(0o101)), (44, Source::A, dcm(2)), (44, Source::B, dcm(3))]);
    assert_eq!(m.cpu[0].regs.err.get(), 0, "PARALLEL raises no errors");
}

#[test]
fn parallel_partner_after_the_deadline_is_issued_again_silently() {
    // B's DCM comes 5,000 cycles later than A's: A's entry expired silently.
    let mut m = voting(0o101, &[5], &[5], 228);
    let got = outputs(&mut m);
    assert_eq!(got[1], (44, Source::A, dcm(5)));
    assert_eq!(got[2], (44 + 228 * 22, Source::B, dcm(5)));
    assert_eq!(m.cpu[0].regs.err.get() | m.cpu[1].regs.err.get(), 0);
}

#[test]
fn tandem_issues_an_equal_pair_once_from_both() {
    let mut m = voting(0o102, &[4], &[4], 3);
    // A's DCM 4 at 44 is held; B's arrives at 44 + 66 = 110 and the pair is issued as AB.
    assert_eq!(outputs(&mut m), [(0, Source::A, dcm(0o102)), (110, Source::AB, dcm(4))]);
    assert_eq!(m.craft.selections.selected(Unit::XBandExciter), 1);
    assert_eq!(m.cpu[0].regs.err.get() | m.cpu[1].regs.err.get(), 0);
}

#[test]
fn tandem_mismatch_issues_nothing_and_raises_level_0_in_both() {
    let mut m = voting(0o102, &[4], &[5], 0);
    assert_eq!(outputs(&mut m), [(0, Source::A, dcm(0o102))]);
    for cpu in &m.cpu {
        assert_eq!(cpu.regs.err.get(), 0o2, "ERR[1]");
        assert_eq!(cpu.regs.pend & 1, 1, "level 0");
    }
    assert_eq!(m.craft.selections.status_bits(), 0, "neither swap happened");
}

#[test]
fn tandem_time_out_is_a_timed_event_that_wakes_a_wai() {
    // A: DCM 0o102 (TANDEM), LML (levels 0 unmasked), DCM 3 at 88 (held), WAI at 132.
    // Nobody pairs it: at 88 + 5000 ERR[1] and level 0 in both, waking A's WAI.
    let mut a =
        at(0o40, &[op(DCM, 0o102), op(LML, 0o60), op(DCM, 3), op(WAI, 0), op(INP, 7), op(OUT, 0o17), op(HLT, 0)]);
    a.push((0o60, unmask(1)));
    let mut m = dual(&a, &[(0o40, op(HLT, 0))], Models::default());
    m.run_until(100_000);
    let got = outputs(&mut m);
    assert_eq!(got, [(0, Source::A, dcm(0o102)), (5088 + 44, Source::A, console(0o2))]);
    assert_eq!(m.cpu[1].regs.err.get(), 0o2, "B's ERR[1] too");
}

#[test]
fn a_mode_change_empties_the_fifos_without_error() {
    // A: TANDEM, then DCM 5 (held), then DCM 0o100 (INDIVIDUAL): held... in TANDEM the
    // mode change is itself voted: B sends the same pair, so both are issued as AB.
    let mut m = voting(0o102, &[5, 0o100], &[5, 0o100], 0);
    assert_eq!(outputs(&mut m), [(0, Source::A, dcm(0o102)), (44, Source::AB, dcm(5)), (88, Source::AB, dcm(0o100))]);
    assert_eq!(m.craft.mode, Mode::Individual);
    assert!(m.craft.fifos.iter().all(|f| f.is_empty()));
    assert_eq!(m.cpu[0].regs.err.get() | m.cpu[1].regs.err.get(), 0);
}

#[test]
fn processor_a_alone_in_tandem_holds_its_commands_forever() {
    // C12: B is held, so its FIFO is always empty: nothing is ever issued, and the
    // time-out at 44 + 5,000 raises level 0 in A (which keeps running, so time passes).
    let a = at(0o40, &[op(DCM, 0o102), op(DCM, 0o100), op(JMP, 0o42)]);
    let mut m = common::machine(&a, Models::default());
    m.run_until(100_000);
    assert_eq!(outputs(&mut m), [(0, Source::A, dcm(0o102))]);
    assert_eq!(m.craft.mode, Mode::Tandem, "the mode change itself is held");
    assert_eq!(m.cpu[0].regs.err.get(), 0o2);
    assert_eq!(m.cpu[0].regs.pend & 1, 1);
}

#[test]
fn processor_a_alone_in_parallel_issues_at_once() {
    let mut m = common::machine(&at(0o40, &[op(DCM, 0o101), op(DCM, 6), op(HLT, 0)]), Models::default());
    m.run_until(100_000);
    assert_eq!(outputs(&mut m), [(0, Source::A, dcm(0o101)), (44, Source::A, dcm(6))]);
    assert_eq!(m.cpu[0].regs.err.get(), 0);
}

#[test]
fn processor_b_sees_its_identity_in_the_status_word() {
    let prog = at(0o40, &[op(INP, 6), op(OUT, 0o17), op(HLT, 0)]);
    let mut m = dual(&prog, &prog, Models::default());
    m.run_until(1000);
    let ids: Vec<(Source, u32)> = outputs(&mut m)
        .into_iter()
        .map(|(_, s, c)| match c {
            Command::Out { value, .. } => (s, value.get()),
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(ids, [(Source::A, 0), (Source::B, 1)]);
}
