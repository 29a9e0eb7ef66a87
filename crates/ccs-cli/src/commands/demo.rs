//! `ccs demo`: the README's main job. Runs the bundled program for a simulated
//! minute and explains what happened.

use crate::CliError;
use crate::format::thousands;
use ccs_core::{CYCLES_PER_SECOND, Machine, Models, Observer, Opcode, ProcId, SpacecraftTime, StepRecord};
use std::io::Write;
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Simulated seconds to run
    #[arg(long, default_value_t = 60)]
    seconds: u64,
}

/// Counts cycles the processor spent idle inside WAI.
#[derive(Default)]
struct IdleMeter {
    idle: u64,
}

impl Observer for IdleMeter {
    const STEPS: bool = true;

    fn step(&mut self, r: &StepRecord) {
        if ccs_core::Instruction::decode(r.before.word).opcode == Opcode::WAI {
            // 22 cycles of WAI are its own work; the rest is waiting.
            self.idle += r.cycles.saturating_sub(22 + if r.before.level.is_some() { 18 } else { 0 });
        }
    }
}

pub fn run(args: Args, out: &mut dyn Write) -> Result<u8, CliError> {
    let program = ccs_programs::TICK;
    let image = program.image();
    let mut m = Machine::new();
    m.load_image(&image, None).map_err(|e| CliError::Input(e.to_string()))?;
    m.reset([true, false], Models::default());
    // Stop at the boundary 600 cycles into the last second, when its 1 s handler has
    // just finished (spec §14's timeline), so the counts are whole seconds.
    let limit = args.seconds.saturating_mul(CYCLES_PER_SECOND).saturating_add(600);
    let mut meter = IdleMeter::default();
    let started = Instant::now();
    m.run_until_observed(limit, &mut meter);
    let wall = started.elapsed();

    let cpu = m.proc(ProcId::A);
    let word = |a: usize| cpu.memory.get(a).get();
    let accepted = &m.craft.counters.accepted[0];
    let elapsed = cpu.time;
    writeln!(out, "Voyager CCS emulator: demo")?;
    writeln!(out, "Program: {} ({})", program.path, program.description)?;
    writeln!(
        out,
        "Ran {} of spacecraft time ({} cycles of the 500 kHz bit clock) in {:.1} ms of wall time.",
        SpacecraftTime(elapsed),
        thousands(elapsed),
        wall.as_secs_f64() * 1000.0
    )?;
    writeln!(
        out,
        "Interrupts taken: {} x level 4 (10 ms clock, counted by a one-word trap cell), \
         {} x level 5 (1 s clock, handled by a 10-instruction routine).",
        thousands(accepted[4]),
        thousands(accepted[5])
    )?;
    writeln!(
        out,
        "Instructions executed: {}. The processor was idle in WAI {:.1}% of the time.",
        thousands(m.craft.counters.instructions[0]),
        100.0 * meter.idle as f64 / elapsed.max(1) as f64
    )?;
    writeln!(
        out,
        "Program state: SECS = {} seconds counted, LASTT = {} ticks in the last second, TICKS = {} since.",
        word(0o61),
        word(0o62),
        word(0o60)
    )?;
    writeln!(
        out,
        "Memory used: {} of 4,096 words of CCS-A ({:.1}%): the whole program, data included, never grows.",
        image.words.len(),
        100.0 * image.words.len() as f64 / 4096.0
    )?;
    Ok(crate::EXIT_OK)
}
