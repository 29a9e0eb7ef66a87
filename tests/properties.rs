//! Property tests: word arithmetic against an exact i64 model, and save/restore and
//! chunked runs giving exactly the state of an uninterrupted run.

mod common;
use common::{machine, op};
use proptest::prelude::*;
use voyager_ccs::core::{
    Fault, Input, Jumper, Jumpers, Machine, MemoryId, Models, Opcode, ProcId, Processors, REGISTERS, TimedInput, Unit,
    Word,
};

const MOD: i64 = 1 << 18;

/// The spec's s(x).
fn s(x: u32) -> i64 {
    if x >= 1 << 17 { x as i64 - MOD } else { x as i64 }
}

fn parity(r: u32) -> u32 {
    r.count_ones() & 1
}

/// CC from an exact result: the result bits are `exact mod 2^18`; OVF when the exact
/// value does not fit the signed range.
fn arith_cc(exact: i64) -> (u32, u32) {
    let r = exact.rem_euclid(MOD) as u32;
    let ovf = !(-(1 << 17)..(1 << 17)).contains(&exact) as u32;
    (r, (ovf << 3) | ((r >> 17) << 2) | (parity(r) << 1) | (r != 0) as u32)
}

/// Execute one instruction with A = `a` and M[0o200] = `m`; return (A, M[0o200], CC, P).
fn one(word: u32, a: u32, m: u32, cc: u32) -> (u32, u32, u32, u32) {
    let mut mach = machine(&[(0o40, word), (0o200, m)], Models::default());
    mach.cpu[0].regs.a = Word::wrapping(a);
    mach.cpu[0].regs.cc = voyager_ccs::core::Bits::wrapping(cc);
    mach.step(ProcId::A);
    let r = &mach.cpu[0].regs;
    (r.a.get(), mach.cpu[0].memory.get(0o200).get(), r.cc.get(), r.p.get())
}

fn word() -> impl Strategy<Value = u32> {
    prop_oneof![
        0u32..1 << 18,
        Just(0),
        Just(1),
        Just(0o377777),
        Just(0o400000),
        Just(0o777777),
        Just(0o400001),
        Just(0o377776),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn add_sub_cmp_match_exact_arithmetic(a in word(), m in word(), cc in 0u32..16) {
        let (r, f) = arith_cc(s(a) + s(m));
        prop_assert_eq!(one(op(Opcode::ADD, 0o200), a, m, cc), (r, m, f, 0o41));
        let (r, f) = arith_cc(s(a) - s(m));
        prop_assert_eq!(one(op(Opcode::SUB, 0o200), a, m, cc), (r, m, f, 0o41));
        prop_assert_eq!(one(op(Opcode::CMP, 0o200), a, m, cc), (a, m, f, 0o41));
    }

    #[test]
    fn immediates_match_exact_arithmetic(a in word(), n in -2048i64..2048, cc in 0u32..16) {
        let field = n.rem_euclid(4096) as u32;
        let (r, f) = arith_cc(s(a) + n);
        prop_assert_eq!(one(op(Opcode::ADI, field), a, 0, cc), (r, 0, f, 0o41));
        let (_, f) = arith_cc(s(a) - n);
        prop_assert_eq!(one(op(Opcode::CPI, field), a, 0, cc), (a, 0, f, 0o41));
        let r = n.rem_euclid(MOD) as u32;
        let logic = (cc & 8) | ((r >> 17) << 2) | (parity(r) << 1) | (r != 0) as u32;
        prop_assert_eq!(one(op(Opcode::LDI, field), a, 0, cc), (r, 0, logic, 0o41));
    }

    #[test]
    fn nga_inc_dec_match_exact_arithmetic(a in word(), m in word(), cc in 0u32..16) {
        let (r, f) = arith_cc(-s(a));
        prop_assert_eq!(one(op(Opcode::NGA, 0), a, m, cc), (r, m, f, 0o41));
        let (r, f) = arith_cc(s(m) + 1);
        prop_assert_eq!(one(op(Opcode::INC, 0o200), a, m, cc), (a, r, f, 0o41));
        let skip = if r == 0 { 0o42 } else { 0o41 };
        prop_assert_eq!(one(op(Opcode::ISZ, 0o200), a, m, cc), (a, r, f, skip));
        let (r, f) = arith_cc(s(m) - 1);
        prop_assert_eq!(one(op(Opcode::DEC, 0o200), a, m, cc), (a, r, f, 0o41));
        let skip = if r == 0 { 0o42 } else { 0o41 };
        prop_assert_eq!(one(op(Opcode::DSZ, 0o200), a, m, cc), (a, r, f, skip));
    }

    #[test]
    fn arithmetic_shifts_match_multiplication_and_floor_division(a in word(), n in 0u32..32) {
        // ASL overflows exactly when A * 2^n does not fit; ASR is floor division by 2^n.
        let exact = s(a) * (1i64 << n);
        let (r, f) = arith_cc(exact);
        prop_assert_eq!(one(op(Opcode::ASL, n), a, 0, 0), (r, 0, f, 0o41));
        let (r, f) = arith_cc(s(a).div_euclid(1i64 << n));
        prop_assert_eq!(one(op(Opcode::ASR, n), a, 0, 15), (r, 0, f, 0o41));
    }
}

/// A random machine: both memories full of random words (HLT made rare, so runs are
/// long), random jumpers, a few environment inputs, the clocks and heartbeat running.
fn random_machine(words: &[u32], jumpers: [u8; 3], inputs: &[(u64, u8, u32)]) -> Machine {
    random_machine_with(words, jumpers, inputs, Processors::A)
}

fn random_machine_with(words: &[u32], jumpers: [u8; 3], inputs: &[(u64, u8, u32)], enabled: Processors) -> Machine {
    let mut m = Machine::new();
    for (i, &w) in words.iter().enumerate() {
        // One HLT in 256 instead of one in 64.
        let w = if w & 0o77 == 0 && (w >> 24) != 0 { w | 1 } else { w };
        m.cpu[0].memory.set(i, Word::wrapping(w));
        m.cpu[1].memory.set(i ^ 0o7777, Word::wrapping(w.rotate_left(5)));
    }
    let j = |k: u8| [Jumper::ReadWrite, Jumper::WriteProtected, Jumper::ReadOnly][k as usize % 3];
    m.cpu[0].jumpers = Jumpers(jumpers.map(j));
    m.reset(enabled, Models { aacs_heartbeat: true, uplink: true, rf_monitors: true });
    // Start with interrupts enabled and a few levels unmasked so acceptance happens
    // (level 9 too, so the processors interrupt each other through the mailbox).
    for cpu in &mut m.cpu {
        cpu.regs.ie = true;
        cpu.regs.mask = !0b10_1011_1111;
    }
    for &(t, kind, v) in inputs {
        let proc = if v & 1 == 0 { ProcId::A } else { ProcId::B };
        let memory = MemoryId::ALL[(v >> 1) as usize % 6];
        let addr = (v >> 4) % memory.words();
        let input = match kind % 12 {
            0 => Input::Uplink(Word::wrapping(v)),
            1 => Input::RfMonitors(Word::wrapping(v & 15)),
            2 => Input::Parity(proc),
            3 => Input::PowerStatus(Word::wrapping(v & 3)),
            4 => Input::Device { unit: Unit::ALL[v as usize % 6], index: (v >> 3) as u8 & 1, working: v & 4 == 0 },
            5 => Input::Fault(Fault::FlipMemoryBit { memory, addr, bit: (v >> 20) as u8 % 16 }),
            6 => Input::Fault(Fault::FlipRegisterBit {
                proc,
                reg: REGISTERS[(v >> 3) as usize % 13].reg,
                bit: (v >> 8) as u8 % 4,
            }),
            7 => Input::Fault(Fault::StuckAt { memory, addr, mask: v >> 8, value: v >> 16 }),
            8 => Input::Fault(Fault::DeadRange { memory, start: addr, len: (v >> 24) % 64 + 1, pattern: v >> 5 }),
            9 => Input::Fault(Fault::Stall { proc, cycles: (v >> 12) as u64 % 100_000 }),
            10 if v % 8 == 0 => Input::Fault(Fault::Halt { proc }),
            _ => Input::FdsRequest(Word::wrapping(v)),
        };
        m.schedule(TimedInput { time: t, input });
    }
    m
}

fn snapshot(m: &Machine) -> Machine {
    let text = serde_json::to_string(m).expect("machine serialises");
    serde_json::from_str(&text).expect("machine deserialises")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn restoring_and_continuing_equals_an_uninterrupted_run(
        words in prop::collection::vec(any::<u32>(), 4096),
        jumpers in any::<[u8; 3]>(),
        inputs in prop::collection::vec((0u64..4_000_000, any::<u8>(), any::<u32>()), 0..24),
        first in 0u64..2_000_000,
        second in 0u64..2_000_000,
    ) {
        let mut straight = random_machine(&words, jumpers, &inputs);
        straight.run_until(first + second);

        let mut saved = random_machine(&words, jumpers, &inputs);
        saved.run_until(first);
        let mut restored = snapshot(&saved);
        prop_assert_eq!(&restored, &saved);
        restored.run_until(first + second);
        prop_assert_eq!(&restored, &straight);

        // Stepping the same machine in many short runs gives the same state too.
        let mut chunked = random_machine(&words, jumpers, &inputs);
        let mut t = 0;
        while t < first + second {
            t = (t + 1 + second / 7).min(first + second);
            chunked.run_until(t);
        }
        prop_assert_eq!(&chunked, &straight);
    }

    #[test]
    fn two_processors_give_the_same_state_however_the_run_is_cut(
        words in prop::collection::vec(any::<u32>(), 4096),
        jumpers in any::<[u8; 3]>(),
        inputs in prop::collection::vec((0u64..4_000_000, any::<u8>(), any::<u32>()), 0..24),
        total in 0u64..3_000_000,
        cuts in prop::collection::vec(0u64..3_000_000, 1..6),
    ) {
        let mut straight = random_machine_with(&words, jumpers, &inputs, Processors::AB);
        straight.run_until(total);
        let mut cut = random_machine_with(&words, jumpers, &inputs, Processors::AB);
        let mut limits: Vec<u64> = cuts.into_iter().filter(|&c| c < total).collect();
        limits.sort_unstable();
        for limit in limits {
            cut.run_until(limit);
            cut = snapshot(&cut);
        }
        cut.run_until(total);
        prop_assert_eq!(&cut, &straight);
        // And they go on identically.
        let end = total + 2_000_000;
        straight.run_until(end);
        cut.run_until(end);
        prop_assert_eq!(&cut, &straight);
    }
}

#[test]
fn random_machines_run_long_enough_to_mean_something() {
    // Guards the property above against vacuity: most random machines must still be
    // alive after two simulated seconds, and many must have executed thousands of
    // instructions (the others spend their time in WAI on random masks).
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = (prop::collection::vec(any::<u32>(), 4096), any::<[u8; 3]>());
    let (mut long, mut alive) = (0, 0);
    for _ in 0..20 {
        let (words, jumpers) = strategy.new_tree(&mut runner).unwrap().current();
        let mut m = random_machine(&words, jumpers, &[]);
        m.run_until(1_000_000);
        long += (m.craft.counters.instructions[0] > 2_000) as u32;
        alive += !m.cpu[0].is_halted() as u32;
    }
    assert!(alive >= 14, "only {alive} of 20 random machines were still alive");
    assert!(long >= 5, "only {long} of 20 random machines ran 2,000 instructions");
}

/// The case two of the properties above found by chance: a run cut while the processor
/// has nothing due, then a WAI nothing ends, with a fault pending far ahead. Cut or
/// saved and restored, the machine must be the one an uninterrupted run leaves,
/// including how far events have been delivered.
#[test]
fn a_run_cut_where_nothing_is_due_leaves_the_state_of_an_uninterrupted_one() {
    use common::at;
    // Mask everything, count M[0o60] down, then wait for ever.
    let mut words =
        at(0o40, &[op(Opcode::LML, 0o50), op(Opcode::DSZ, 0o60), op(Opcode::JMP, 0o41), op(Opcode::WAI, 0)]);
    words.extend([(0o50, 0o777777), (0o60, 100)]);
    let build = || {
        let mut m = machine(&words, Models::default());
        m.schedule(TimedInput { time: 3_000_000, input: Input::Fault(Fault::Stall { proc: ProcId::B, cycles: 10 }) });
        m
    };
    let mut straight = build();
    let stops = straight.run_until(2_000_000);
    assert_eq!(stops[0], voyager_ccs::core::Stop::WaitingForever);
    assert!((7_000..10_000).contains(&straight.cpu[0].time), "the WAI comes before the next clock tick");
    let mut cut = build();
    cut.run_until(7_000);
    assert!(cut.cpu[0].state == voyager_ccs::core::RunState::Running, "cut while counting");
    let mut cut = snapshot(&cut);
    cut.run_until(2_000_000);
    assert_eq!(cut, straight);
    assert_eq!(cut.event_horizon(), straight.event_horizon());
}
