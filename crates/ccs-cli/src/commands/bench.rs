//! `ccs bench`: emulation speed on this machine (build with --release).

use crate::CliError;
use crate::format::thousands;
use ccs_core::{CYCLES_PER_SECOND, Machine, Models, ProcId, Processors};
use std::io::Write;
use std::time::{Duration, Instant};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Wall-clock seconds to spend on the instruction-mix measurement
    #[arg(long, default_value_t = 2.0)]
    seconds: f64,
    /// Simulated days of the tick program to time
    #[arg(long, default_value_t = 1)]
    days: u64,
}

fn machine_with(program: &ccs_programs::Bundled) -> Machine {
    let mut m = Machine::new();
    m.load_image(&program.image(), None).expect("bundled images have a target");
    m.reset(Processors::A, Models::default());
    m
}

/// Instructions per wall second on the mixed workload (no idle time).
pub fn mix_rate(budget: Duration) -> (u64, Duration) {
    let mut m = machine_with(&ccs_programs::MIX);
    let started = Instant::now();
    // Chunks of 50M cycles (about a million instructions) between clock reads.
    while started.elapsed() < budget {
        m.run_for(50_000_000);
    }
    (m.craft.counters.instructions[ProcId::A.index()], started.elapsed())
}

/// Wall time to simulate `days` of the tick program.
pub fn tick_time(days: u64) -> Duration {
    let mut m = machine_with(&ccs_programs::TICK);
    let started = Instant::now();
    m.run_until(days * 86_400 * CYCLES_PER_SECOND);
    started.elapsed()
}

pub fn run(args: Args, out: &mut dyn Write) -> Result<u8, CliError> {
    if cfg!(debug_assertions) {
        writeln!(out, "note: this is a debug build; run `cargo run --release -- bench` for real figures")?;
    }
    if !(args.seconds > 0.0 && args.seconds < 3600.0) {
        return Err(CliError::Input("--seconds must be between 0 and 3600".into()));
    }
    let (instructions, wall) = mix_rate(Duration::from_secs_f64(args.seconds));
    let rate = instructions as f64 / wall.as_secs_f64();
    writeln!(
        out,
        "instruction mix ({}): {} instructions in {:.3} s = {:.1} million instructions per second",
        ccs_programs::MIX.path,
        thousands(instructions),
        wall.as_secs_f64(),
        rate / 1e6
    )?;
    let days = args.days.max(1);
    let wall = tick_time(days);
    let simulated = (days * 86_400) as f64;
    writeln!(
        out,
        "tick program ({}): {days} simulated day(s) in {:.3} s = {} simulated seconds per wall second",
        ccs_programs::TICK.path,
        wall.as_secs_f64(),
        thousands((simulated / wall.as_secs_f64()) as u64)
    )?;
    Ok(crate::EXIT_OK)
}
