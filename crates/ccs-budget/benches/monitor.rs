//! Cost of the run-time budget monitor, with no observer and with the monitor watching
//! every read and write: the instruction mix (the worst case: no idle time, a store
//! every few instructions) and the tick program (a quiet interrupt-driven machine).
//! Target: under 10% slower when on.
//!
//! `cargo bench -p ccs-budget --bench monitor`

use ccs_budget::{AllocationMap, Monitor};
use ccs_core::{Machine, Models, Processors};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

/// About 2.6 million instructions per iteration: long enough to average out noise.
const CYCLES: u64 = 100_000_000;

fn machine_with(program: &ccs_programs::Bundled) -> Machine {
    let mut m = Machine::new();
    m.load_image(&program.image(), None).unwrap();
    m.reset(Processors::A, Models::default());
    m
}

fn machine() -> Machine {
    machine_with(&ccs_programs::MIX)
}

/// One writable region per memory: the mix stores into its own words, which the Voyager
/// map would flag on every store; this measures monitoring, not violation reporting.
fn flat_map() -> AllocationMap {
    let memories: Vec<String> =
        [("CCS-A", 4095), ("CCS-B", 4095), ("FDS-A", 8191), ("FDS-B", 8191), ("AACS-A", 4095), ("AACS-B", 4095)]
            .iter()
            .map(|(m, end)| {
                format!(
                    "(memory: \"{m}\", regions: [(name: \"ALL\", start: 0, end: {end}, purpose: data, writable: true)])"
                )
            })
            .collect();
    AllocationMap::parse(&format!("(memories: [{}])", memories.join(", ")), "flat").unwrap()
}

fn monitor(c: &mut Criterion) {
    let map = flat_map();
    let mut probe = machine();
    probe.run_until(CYCLES);
    let mut g = c.benchmark_group("budget_monitor");
    g.sample_size(30);
    g.throughput(Throughput::Elements(probe.craft.counters.instructions[0]));
    g.bench_function("off", |b| b.iter_batched_ref(machine, |m| black_box(m.run_until(CYCLES)), BatchSize::LargeInput));
    g.bench_function("on", |b| {
        b.iter_batched_ref(
            || {
                let m = machine();
                let monitor = Monitor::new(&map, &m);
                (m, monitor)
            },
            |(m, monitor)| black_box(m.run_until_observed(CYCLES, monitor)),
            BatchSize::LargeInput,
        )
    });
    g.finish();

    let hour = 3600 * ccs_core::CYCLES_PER_SECOND;
    let tick = || machine_with(&ccs_programs::TICK);
    let mut g = c.benchmark_group("budget_monitor_tick_hour");
    g.sample_size(20);
    g.bench_function("off", |b| b.iter_batched_ref(tick, |m| black_box(m.run_until(hour)), BatchSize::LargeInput));
    g.bench_function("on", |b| {
        b.iter_batched_ref(
            || {
                let m = tick();
                let monitor = Monitor::new(&map, &m);
                (m, monitor)
            },
            |(m, monitor)| black_box(m.run_until_observed(hour, monitor)),
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, monitor);
criterion_main!(benches);
