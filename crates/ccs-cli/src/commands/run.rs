//! `ccs run FILE --cycles N`: load a program, reset, run, report.

use crate::faults::{self, FaultFlag};
use crate::format::{parse_cycles, thousands};
use crate::setup;
use crate::{CliError, EXIT_FAILED, EXIT_OK};
use ccs_core::{
    Command, Jumpers, Machine, Observer, Output, ProcId, Processors, Reg, RunStop, Session, SpacecraftTime, StepRecord,
    Stop, Target, TimedInput,
};
use ccs_files::{AtomicFile, FileError};
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Programs to run: memory images (spec §12) or assembly sources (.asm, loaded into A
    /// by default). Each image loads where its header says, so `a.img b.img --processors AB`
    /// runs a program on each processor. Paths below programs/ are found from any folder.
    #[arg(required_unless_present = "scenario", value_name = "FILE")]
    files: Vec<PathBuf>,
    /// A scenario (an event script with a `run:` block): its program, jumpers, length and
    /// events, each of which the other options override
    #[arg(long, value_name = "SCENARIO")]
    scenario: Option<PathBuf>,
    /// How long to run: cycles (500000) or a duration (10ms, 60s, 5min, 2h, 1d, 14d1h;
    /// 1 s = 500,000 cycles). Needed unless the scenario gives a duration.
    #[arg(long, value_parser = parse_cycles, value_name = "N")]
    cycles: Option<u64>,
    /// Write the final state as a spec §13.1 state object (JSON)
    #[arg(long, value_name = "OUT.json")]
    dump_state: Option<PathBuf>,
    /// Write one line per step: time, processor, P, word, instruction, A, L, CC, cycles
    #[arg(long, value_name = "OUT")]
    trace: Option<PathBuf>,
    /// Environment events and device models, RON or JSON (see docs/events.md)
    #[arg(long, value_name = "FILE")]
    events: Option<PathBuf>,
    /// Jumpers of the running processors' blocks 0-2, each RW, WP or RO (block 3 is always RW)
    #[arg(long, value_parser = parse_jumpers, value_name = "J0,J1,J2")]
    jumpers: Option<Jumpers>,
    /// Where a source, or an image without a header line, loads
    #[arg(long, value_parser = parse_target, value_name = "A|B|AB")]
    target: Option<Target>,
    /// Processors to run (default: those the image targets; the others are held)
    #[arg(long, value_parser = parse_target, value_name = "A|B|AB")]
    processors: Option<Target>,
    /// Print every output: all OUTs and every issued command with its source (A, B or AB)
    #[arg(long)]
    log: bool,
    /// Faults and device failures to inject: an event script like --events (docs/faults.md)
    #[arg(long, value_name = "FILE", help_heading = "Faults")]
    faults: Option<PathBuf>,
    /// Flip a memory bit: MEMORY:ADDR:BIT[@TIME], e.g. ccs-a:0o200:17@1s
    #[arg(long, value_name = "SPEC", help_heading = "Faults", value_parser = |s: &str| faults::parse_checked(FaultFlag::Flip, s))]
    flip: Vec<TimedInput>,
    /// Flip a register bit: PROCESSOR:REGISTER:BIT[@TIME], e.g. A:MASK:4@2s
    #[arg(long, value_name = "SPEC", help_heading = "Faults", value_parser = |s: &str| faults::parse_checked(FaultFlag::FlipRegister, s))]
    flip_reg: Vec<TimedInput>,
    /// Stick bits of a word: MEMORY:ADDR:MASK:VALUE[@TIME]
    #[arg(long, value_name = "SPEC", help_heading = "Faults", value_parser = |s: &str| faults::parse_checked(FaultFlag::Stuck, s))]
    stuck: Vec<TimedInput>,
    /// Kill a range of words: MEMORY:START-END or MEMORY:START+LEN[:PATTERN][@TIME]
    #[arg(long, value_name = "SPEC", help_heading = "Faults", value_parser = |s: &str| faults::parse_checked(FaultFlag::Dead, s))]
    dead: Vec<TimedInput>,
    /// Halt a processor: PROCESSOR[@TIME]
    #[arg(long, value_name = "SPEC", help_heading = "Faults", value_parser = |s: &str| faults::parse_checked(FaultFlag::Halt, s))]
    halt: Vec<TimedInput>,
    /// Stall a processor: PROCESSOR:CYCLES[@TIME]
    #[arg(long, value_name = "SPEC", help_heading = "Faults", value_parser = |s: &str| faults::parse_checked(FaultFlag::Stall, s))]
    stall: Vec<TimedInput>,
    /// Inject a parity error: PROCESSOR[@TIME]
    #[arg(long, value_name = "SPEC", help_heading = "Faults", value_parser = |s: &str| faults::parse_checked(FaultFlag::Parity, s))]
    parity: Vec<TimedInput>,
    /// Fail a redundant unit: DEVICE:UNIT[@TIME], e.g. x_band_twta:0@30s, aacs:0@10s
    #[arg(long, value_name = "SPEC", help_heading = "Faults", value_parser = |s: &str| faults::parse_checked(FaultFlag::Fail, s))]
    fail: Vec<TimedInput>,
}

impl Args {
    /// Every fault given by flag.
    fn fault_flags(&self) -> impl Iterator<Item = &TimedInput> {
        [&self.flip, &self.flip_reg, &self.stuck, &self.dead, &self.halt, &self.stall, &self.parity, &self.fail]
            .into_iter()
            .flatten()
    }
}

pub use crate::setup::{load_scenario, parse_jumpers, parse_target};

/// Streams trace lines to a writer, remembering the first write error.
struct TraceWriter<W: Write> {
    out: W,
    error: Option<std::io::Error>,
}

impl<W: Write> Observer for TraceWriter<W> {
    const STEPS: bool = true;

    fn step(&mut self, r: &StepRecord) {
        if self.error.is_none()
            && let Err(e) = writeln!(self.out, "{}", r.trace_line())
        {
            self.error = Some(e);
        }
    }
}

/// Simulated cycles per chunk: output is drained between chunks, so a long run
/// holds only one chunk's console words in memory.
const CHUNK: u64 = 50_000_000;

pub fn run(args: Args, out: &mut dyn Write, _err: &mut dyn Write) -> Result<u8, CliError> {
    let loaded = setup::load(&setup::Inputs {
        programs: &args.files,
        scenario: args.scenario.as_deref(),
        scripts: [&args.events, &args.faults].into_iter().flatten().map(PathBuf::as_path).collect(),
        faults: args.fault_flags().copied().collect(),
        target: args.target,
        processors: args.processors,
        jumpers: args.jumpers,
        ..Default::default()
    })?;
    let cycles = args
        .cycles
        .or(loaded.scenario_cycles())
        .ok_or_else(|| CliError::Input("give --cycles: how long to run (the scenario names no duration)".into()))?;
    let running = loaded.setup.running();
    for (program, target) in &loaded.programs {
        writeln!(
            out,
            "loaded {}: {} words into {}-{} (processor{} {} running)",
            program.path.display(),
            program.image.words.len(),
            program.image.kind.header_name().trim_end_matches("-image").to_ascii_uppercase(),
            target.name(),
            if running == Processors::AB { "s" } else { "" },
            running.name()
        )?;
    }
    let mut session = Session::new(loaded.setup);

    let mut trace = match &args.trace {
        Some(path) => Some(TraceWriter { out: AtomicFile::create(path)?, error: None }),
        None => None,
    };
    let mut console = 0u64;
    let mut end = 0u64;
    loop {
        end = end.saturating_add(CHUNK).min(cycles);
        let stop = match trace.as_mut() {
            Some(t) => session.run_observed(end, t),
            None => session.run(end),
        };
        for o in session.drain_outputs() {
            match o.command {
                Command::Out { channel, value } if channel.get() == ccs_core::io::channel::CONSOLE => {
                    console += 1;
                    writeln!(
                        out,
                        "console t={} ({}) {:?}: {} ({})",
                        o.time,
                        SpacecraftTime(o.time),
                        o.source,
                        value,
                        value.get()
                    )?;
                }
                _ if args.log => writeln!(out, "{}", output_line(&o))?,
                _ => {}
            }
        }
        if end >= cycles || stop != RunStop::Limit {
            break;
        }
    }
    if let (Some(t), Some(path)) = (trace, &args.trace) {
        if let Some(e) = t.error {
            return Err(FileError::Io { path: path.clone(), source: e }.into());
        }
        t.out.commit()?;
    }
    if console == 0 {
        writeln!(out, "console (channel 0o17): no words written")?;
    }

    let stops = session.stops();
    let m = session.machine();
    let mut failed = false;
    for x in ProcId::BOTH {
        let stop = stops[x.index()];
        if stop == Stop::Held {
            continue;
        }
        let cpu = m.proc(x);
        writeln!(
            out,
            "processor {x}: {stop} at t = {} ({}), P = {}, {} instructions, {} interrupts taken",
            thousands(cpu.time),
            SpacecraftTime(cpu.time),
            cpu.regs.p,
            thousands(m.craft.counters.instructions[x.index()]),
            thousands(m.craft.counters.accepted[x.index()].iter().sum())
        )?;
        failed |= matches!(stop, Stop::Halted { code } if code.get() != 0);
    }
    if let Some(path) = &args.dump_state {
        let stop = stops[0].to_string();
        ccs_files::write_atomic(path, dump_state(m, &stop).as_bytes())?;
    }
    Ok(if failed { EXIT_FAILED } else { EXIT_OK })
}

/// One output as `ccs run --log` prints it.
pub fn output_line(o: &Output) -> String {
    let what = match o.command {
        Command::Out { channel, value } => {
            format!("OUT {:>5} {} ({})", format!("0o{:o}", channel.get()), value, value.get())
        }
        Command::Dcm { number } => format!("DCM 0o{:04o}", number.get()),
    };
    format!("output  t={} ({}) {:?}: {what}", o.time, SpacecraftTime(o.time), o.source)
}

/// Processor A's state as a spec §13.1 state object, plus the internal registers
/// and the stop reason (extra keys a vector runner ignores). Keys keep the spec's
/// order; each `[addr, value]` cell gets a line of its own.
pub fn dump_state(m: &Machine, stop: &str) -> String {
    let state = ccs_vectors::state_of(m, false);
    let mut v = serde_json::to_value(&state).unwrap_or_default();
    let regs = &m.cpu[0].regs;
    let internal: serde_json::Map<String, serde_json::Value> = [Reg::DUMP, Reg::MAR, Reg::MDR, Reg::IR, Reg::SC]
        .into_iter()
        .map(|r| (r.name().to_string(), regs.get(r).into()))
        .collect();
    v["internal"] = internal.into();
    v["stop"] = stop.into();
    let mut text = String::from("{\n");
    let fields = v.as_object().map(|o| o.iter().collect::<Vec<_>>()).unwrap_or_default();
    for (i, (key, value)) in fields.iter().enumerate() {
        let rendered = match value.as_array() {
            Some(cells) if !cells.is_empty() && cells.iter().all(|c| c.is_array()) => {
                let lines: Vec<String> = cells.iter().map(|c| format!("    {c}")).collect();
                format!("[\n{}\n  ]", lines.join(",\n"))
            }
            _ => value.to_string(),
        };
        let comma = if i + 1 < fields.len() { "," } else { "" };
        text.push_str(&format!("  {}: {rendered}{comma}\n", serde_json::Value::from(key.as_str())));
    }
    text.push_str("}\n");
    text
}
