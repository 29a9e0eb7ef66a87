//! `ccs run FILE --cycles N`: load a program, reset, run, report.

use crate::faults::{self, FaultFlag};
use crate::format::{parse_cycles, parse_size, show_size, thousands};
use crate::setup;
use crate::{CliError, EXIT_FAILED, EXIT_OK};
use ccs_core::io::channel;
use ccs_core::{
    Command, DebugRegisters, Jumpers, Machine, Observer, Output, ProcId, Processors, Reg, RunStop, Session,
    SpacecraftTime, StepRecord, Stop, Target, TimedInput,
};
use ccs_files::{AtomicFile, FileError};
use std::io::Write;
use std::path::{Path, PathBuf};

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
    /// Most the trace may hold (a step is a line of 80 bytes: 1 GiB is some 13 million
    /// steps); past it, the trace ends with a note and the run goes on untraced
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "1GiB", requires = "trace")]
    trace_limit: u64,
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

/// Streams trace lines to a writer, up to a size limit, remembering the first write
/// error.
struct TraceWriter<W: Write> {
    out: W,
    error: Option<std::io::Error>,
    written: u64,
    limit: u64,
    /// When the trace reached its limit: the time of the first step left out.
    full_at: Option<u64>,
}

impl<W: Write> TraceWriter<W> {
    fn new(out: W, limit: u64) -> TraceWriter<W> {
        TraceWriter { out, error: None, written: 0, limit, full_at: None }
    }

    fn tracing(&self) -> bool {
        self.error.is_none() && self.full_at.is_none()
    }
}

impl<W: Write> Observer for TraceWriter<W> {
    const STEPS: bool = true;

    fn step(&mut self, r: &StepRecord) {
        if !self.tracing() {
            return;
        }
        let line = r.trace_line();
        let result = if self.written + line.len() as u64 + 1 > self.limit {
            self.full_at = Some(r.start);
            writeln!(self.out, "# trace stopped: the next line would pass --trace-limit {}", show_size(self.limit))
        } else {
            self.written += line.len() as u64 + 1;
            writeln!(self.out, "{line}")
        };
        if let Err(e) = result {
            self.error = Some(e);
        }
    }
}

/// The output files of a run, opened before it starts (an unwritable path fails
/// before hours of simulation, not after), none of them one of its inputs.
struct RunOutputs {
    dump_state: Option<AtomicFile>,
    trace: Option<TraceWriter<AtomicFile>>,
}

fn open_outputs(args: &Args, inputs: &[&Path]) -> Result<RunOutputs, CliError> {
    let mut wanted: Vec<(&str, &Path)> = Vec::new();
    if let Some(p) = &args.dump_state {
        wanted.push(("--dump-state", p));
    }
    if let Some(p) = &args.trace {
        wanted.push(("--trace", p));
    }
    let mut files = crate::outputs::open_all(inputs, &wanted)?.into_iter();
    let dump_state = args.dump_state.as_ref().and_then(|_| files.next());
    let trace = files.next().map(|f| TraceWriter::new(f, args.trace_limit));
    Ok(RunOutputs { dump_state, trace })
}

/// The report line of one processor: why it stopped, when, and its counts. A
/// processor stopped dead by an injected halt says when the fault struck, which can be
/// after its last step (a processor waiting in WAI has no step to end at the fault).
fn stop_line(m: &Machine, x: ProcId, stop: Stop, injected: &[TimedInput]) -> String {
    let cpu = m.proc(x);
    let counts = format!(
        "P = {}, {} instructions, {} interrupts taken",
        cpu.regs.p,
        thousands(m.craft.counters.instructions[x.index()]),
        thousands(m.craft.counters.accepted[x.index()].iter().sum())
    );
    let struck = injected
        .iter()
        .filter(|i| i.input == ccs_core::Input::Fault(ccs_core::Fault::Halt { proc: x }))
        .filter(|i| i.time < m.event_horizon())
        .map(|i| i.time)
        .min();
    match (stop, struck) {
        (Stop::Halted { code }, Some(t)) if code.get() == ccs_core::fault::FAULT_HALT_CODE => format!(
            "processor {x}: stopped dead by the injected halt at t = {} ({}); its last step ended at t = {} ({}), {counts}",
            thousands(t),
            SpacecraftTime(t),
            thousands(cpu.time),
            SpacecraftTime(cpu.time),
        ),
        _ => format!("processor {x}: {stop} at t = {} ({}), {counts}", thousands(cpu.time), SpacecraftTime(cpu.time)),
    }
}

/// Simulated cycles per chunk: output is drained between chunks, so a long run
/// holds only one chunk's console words in memory.
const CHUNK: u64 = 50_000_000;

pub fn run(args: Args, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8, CliError> {
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
    // Every output is opened before the run, and none may be one of its inputs.
    let program_files: Vec<PathBuf> = loaded.programs.iter().flat_map(|(p, _)| setup::files_read(p)).collect();
    let mut inputs: Vec<&Path> = program_files.iter().map(PathBuf::as_path).collect();
    inputs.extend(args.scenario.as_deref());
    inputs.extend([&args.events, &args.faults].into_iter().flatten().map(PathBuf::as_path));
    let mut outputs = open_outputs(&args, &inputs)?;
    let injected = loaded.setup.events.clone();
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
    // The flight load's telemetry and mailbox words are named in the log.
    let mut telemetry = ccs_programs::flight::speaks_flight_telemetry(session.symbols())
        .then(ccs_programs::flight::TelemetryReader::new);

    let mut console = 0u64;
    let mut end = 0u64;
    loop {
        end = session.next_slice_end(end, CHUNK, cycles);
        // A state dump shows the debug registers (MAR, MDR, IR): only then are they kept.
        let dump = outputs.dump_state.is_some();
        let stop = match outputs.trace.as_mut() {
            Some(t) if t.tracing() && dump => session.run_observed(end, &mut DebugRegisters(t)),
            Some(t) if t.tracing() => session.run_observed(end, t),
            _ if dump => session.run_observed(end, &mut DebugRegisters(())),
            _ => session.run(end),
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
                _ if args.log => match (&mut telemetry, o.command) {
                    (Some(reader), Command::Out { channel: ch, value }) if ch.get() == channel::TELEMETRY => {
                        writeln!(out, "{}  ; {}", output_line(&o), reader.word(o.source, value.get()).text)?
                    }
                    (Some(_), Command::Out { channel: ch, value }) if ch.get() == channel::MAILBOX => {
                        writeln!(out, "{}  ; {}", output_line(&o), ccs_programs::flight::describe_mailbox(value.get()))?
                    }
                    _ => writeln!(out, "{}", output_line(&o))?,
                },
                _ => {}
            }
        }
        if end >= cycles || stop != RunStop::Limit {
            break;
        }
    }
    if let (Some(t), Some(path)) = (outputs.trace.take(), &args.trace) {
        if let Some(e) = t.error {
            return Err(FileError::Io { path: path.clone(), source: e }.into());
        }
        if let Some(time) = t.full_at {
            writeln!(
                err,
                "ccs: warning: {} stops at t = {} ({}): it reached --trace-limit {}; the run went on untraced",
                path.display(),
                thousands(time),
                SpacecraftTime(time),
                show_size(t.limit)
            )?;
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
        writeln!(out, "{}", stop_line(m, x, stop, &injected))?;
        failed |= matches!(stop, Stop::Halted { code } if code.get() != 0);
    }
    if let (Some(mut file), Some(path)) = (outputs.dump_state.take(), &args.dump_state) {
        let stop = stops[0].to_string();
        file.write_all(dump_state(m, &stop).as_bytes())
            .map_err(|source| FileError::Io { path: path.clone(), source })?;
        file.commit()?;
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
