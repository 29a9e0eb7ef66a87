//! Emulation speed (release build, one core, cycle counting and interrupt sampling on).
//!
//! `cargo bench --bench emulator` — figures are recorded in docs/performance.md, beside
//! the exact host-instruction counts of callgrind (`../shared/bench/speed.sh`), which
//! are the figures to optimise against on a shared machine.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use voyager_ccs::core::{Addr, CYCLES_PER_SECOND, Machine, MachineSetup, Models, ProcId, Processors, Session, StepLog};
use voyager_ccs::programs::{Bundled, MIX, TICK};

fn machine(program: &Bundled) -> Machine {
    let mut m = Machine::new();
    m.load_image(&program.image(), None).unwrap();
    m.reset(Processors::A, Models::default());
    m
}

/// Cycles of the mix per iteration: about 230,000 instructions.
const MIX_CYCLES: u64 = 10_000_000;

fn instruction_mix(c: &mut Criterion) {
    let mut probe = machine(&MIX);
    probe.run_until(MIX_CYCLES);
    let instructions = probe.craft.counters.instructions[0];
    let mut g = c.benchmark_group("instruction_mix");
    g.throughput(Throughput::Elements(instructions));
    g.bench_function("run", |b| {
        b.iter_batched_ref(|| machine(&MIX), |m| black_box(m.run_until(MIX_CYCLES)), BatchSize::LargeInput)
    });
    // The same run with an observer that records every step: the cost of tracing.
    g.bench_function("run_with_step_log", |b| {
        b.iter_batched_ref(
            || (machine(&MIX), StepLog(Vec::with_capacity(instructions as usize))),
            |(m, log)| black_box(m.run_until_observed(MIX_CYCLES, log)),
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

/// The observed path through the one door, [`Session`]: the mix with no stop set
/// (the plain run) and with three breakpoints at words it never executes (every step
/// then asks the observer whether to stop, and the run still goes its whole length).
fn session_breakpoints(c: &mut Criterion) {
    let session = || Session::new(MachineSetup::new().with_image(MIX.image()).unwrap());
    let with_breakpoints = || {
        let mut s = session();
        for addr in [0o3000, 0o3100, 0o3200] {
            s.set_breakpoint(ProcId::A, Addr::wrapping(addr));
        }
        s
    };
    let mut probe = with_breakpoints();
    probe.run(MIX_CYCLES);
    assert!(probe.now() >= MIX_CYCLES, "a breakpoint was hit: the bench would measure a shorter run");
    let mut g = c.benchmark_group("session_mix");
    g.throughput(Throughput::Elements(probe.machine().craft.counters.instructions[0]));
    g.bench_function("no_breakpoints", |b| {
        b.iter_batched_ref(session, |s| black_box(s.run(MIX_CYCLES)), BatchSize::LargeInput)
    });
    g.bench_function("three_breakpoints", |b| {
        b.iter_batched_ref(with_breakpoints, |s| black_box(s.run(MIX_CYCLES)), BatchSize::LargeInput)
    });
    g.finish();
}

fn tick_program(c: &mut Criterion) {
    let mut g = c.benchmark_group("tick_program");
    g.sample_size(10);
    let day = 86_400 * CYCLES_PER_SECOND;
    g.throughput(Throughput::Elements(86_400));
    g.bench_function("one_simulated_day", |b| {
        b.iter_batched_ref(|| machine(&TICK), |m| black_box(m.run_until(day)), BatchSize::LargeInput)
    });
    g.finish();
}

criterion_group!(benches, instruction_mix, session_breakpoints, tick_program);
criterion_main!(benches);
