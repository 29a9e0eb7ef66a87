//! `ccs demo`: the README's main job. Runs the flight load through a scenario at full
//! speed, then shows, on an 80-column terminal, what happened (the key events), what
//! it used (the memory map and the budget), and the contrast with a Node.js heap.

use crate::commands::run::load_scenario;
use crate::format::thousands;
use crate::{CliError, EXIT_FAILED, EXIT_OK};
use ccs_budget::{AllocationMap, Monitor, PICTURE_LEGEND, Program, check, memory_picture};
use ccs_core::io::channel;
use ccs_core::{Command, Fault, Input, Output, ProcId, RunStop, Source, SpacecraftTime, Stop, TimedInput, wrap};
use node_heap::timeline::format_ms;
use node_heap::{LeakCriteria, Timeline, format_bytes};
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// The scenario `ccs demo` runs unless told otherwise.
pub const DEMO_SCENARIO: &str = "scenarios/demo-week.ron";

/// The Node heap budget the contrast judges against.
const NODE_BUDGET: u64 = 64 << 20;

/// Sequence commands listed one by one from each source (A, B, AB); the rest are counted.
const SEQUENCE_LINES: usize = 3;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The scenario to run: its program, jumpers, events and length (bundled ones work from
    /// any folder)
    #[arg(long, value_name = "SCENARIO", default_value = DEMO_SCENARIO)]
    scenario: PathBuf,
    /// Record the Node.js server live with `node` (when installed) instead of showing the
    /// bundled recording
    #[arg(long)]
    live: bool,
    /// Requests the live Node.js run sends
    #[arg(long, default_value_t = 40_000, requires = "live", value_parser = clap::value_parser!(u64).range(100..=1_000_000))]
    requests: u64,
}

/// One line of the key events.
struct KeyEvent {
    time: u64,
    who: String,
    what: String,
}

pub fn run(args: Args, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8, CliError> {
    let scenario = load_scenario(&args.scenario)?;
    let cycles = scenario.cycles.ok_or_else(|| {
        CliError::Input(format!(
            "{}: the scenario gives no duration: add one to its run: block",
            args.scenario.display()
        ))
    })?;
    let map = AllocationMap::parse(ccs_programs::VOYAGER_MAP, "voyager")
        .map_err(|e| CliError::Input(format!("the bundled allocation map: {e}")))?;
    let name = scenario.program.path.display().to_string();
    // The program as the budget sees it: every program of the scenario where it loads.
    let mut program: Option<Program> = None;
    for (p, target) in scenario.programs() {
        match (&mut program, &p.assembly) {
            (None, Some(a)) => program = Some(Program::from_assembly(&name, a, target)),
            (None, None) => program = Some(Program::from_image(&name, &p.image, target)),
            (Some(b), _) => b.add_image(&p.image, target),
        }
    }
    let program = program.unwrap_or_else(|| unreachable!("a scenario names a program"));

    writeln!(out, "Voyager 1's Computer Command Subsystem, emulated")?;
    writeln!(out, "{}", "=".repeat(48))?;
    write!(out, "{}", wrap(scenario.title.as_deref().unwrap_or("(untitled)"), 80, "Scenario: ", "          "))?;
    writeln!(
        out,
        "          {}: {} events, {} of spacecraft time",
        scenario.path.display(),
        scenario.script.inputs.len(),
        SpacecraftTime(cycles)
    )?;
    writeln!(
        out,
        "Program:  {name}, {} words, processor{} {}, jumpers {}",
        thousands(scenario.program.image.words.len() as u64),
        if scenario.processors == ccs_core::Target::AB { "s" } else { "" },
        scenario.processors.name(),
        scenario.main_jumpers()
    )?;

    // Run at full speed with the budget monitor watching every read and write.
    let mut session = scenario.session();
    let flight = ccs_programs::flight::speaks_flight_telemetry(session.symbols());
    let mut monitor = Monitor::new(&map, session.machine());
    let bar = crate::progress::bar(cycles, "{msg} [{bar:40}] {percent}%", "spacecraft time");
    let mut outputs: Vec<Output> = Vec::new();
    let started = Instant::now();
    const STEPS: u64 = 200;
    let mut step = 0;
    loop {
        step += 1;
        let limit = (cycles as u128 * step as u128 / STEPS as u128) as u64;
        let stop = session.run_observed(limit, &mut monitor);
        outputs.extend(session.drain_outputs());
        if let Some(bar) = &bar {
            bar.set_position(limit);
        }
        // A processor that halts (the other may fly on) does not end the run.
        let all_stopped = session.stops().iter().all(|s| matches!(s, Stop::Held | Stop::Halted { .. }));
        if step >= STEPS || all_stopped || matches!(stop, RunStop::NothingRunning | RunStop::WaitingForever) {
            break;
        }
    }
    let wall = started.elapsed().as_secs_f64();
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let stops = session.stops();
    let m = session.machine();
    let end =
        ProcId::BOTH.iter().filter(|x| stops[x.index()] != Stop::Held).map(|x| m.proc(*x).time).max().unwrap_or(cycles);
    let instructions: u64 = m.craft.counters.instructions.iter().sum();
    let interrupts: u64 = m.craft.counters.accepted.iter().flatten().sum();
    let ran = format!(
        "{} of spacecraft time in {:.2} s of wall time ({} instructions, {} interrupts): {:.0} simulated days \
         per wall second",
        SpacecraftTime(end),
        wall,
        thousands(instructions),
        thousands(interrupts),
        end as f64 / ccs_core::CYCLES_PER_SECOND as f64 / 86_400.0 / wall.max(1e-6)
    );
    write!(out, "{}", wrap(&ran, 80, "Ran:      ", "          "))?;
    let mut halted_badly = false;
    for x in ProcId::BOTH.into_iter().filter(|x| stops[x.index()] != Stop::Held) {
        let stop = stops[x.index()];
        if stop != Stop::Limit {
            writeln!(out, "          processor {x}: {stop} at {}", SpacecraftTime(m.proc(x).time))?;
        }
        // A halt the scenario injected is part of its story, not a failure of the run.
        let injected =
            m.craft.env.delivered().iter().any(|e| matches!(e.input, Input::Fault(Fault::Halt { proc }) if proc == x));
        halted_badly |= matches!(stop, Stop::Halted { code } if code.get() != 0) && !injected;
    }

    writeln!(out)?;
    write_key_events(out, m.craft.env.delivered(), &outputs, flight)?;

    writeln!(out)?;
    writeln!(out, "Memory: all 69,632 bytes, one character per 64 words (FDS: 128 words)")?;
    write!(out, "{}", memory_picture(&map, &program, Some(m)))?;
    writeln!(out, "{PICTURE_LEGEND}")?;

    writeln!(out)?;
    let stop_texts: Vec<String> = ProcId::BOTH
        .iter()
        .filter(|x| stops[x.index()] != Stop::Held)
        .map(|x| format!("processor {x}: {}", stops[x.index()]))
        .collect();
    let mut report = check(&program, &map);
    monitor.finish(&mut report, end, stop_texts);
    writeln!(out, "Budget: {name} against the map {}, after the run", map.name)?;
    write!(out, "{}", report.to_compact_text())?;

    writeln!(out)?;
    write_contrast(out, err, &args, &report)?;
    Ok(if halted_badly { EXIT_FAILED } else { EXIT_OK })
}

/// What happened, in time order: the scenario's events (the ground's commands, the
/// failures), every discrete command the CCS issued and who issued it (A, B, or AB when
/// the pair voted in TANDEM), the first few sequence commands from each, and, for the
/// flight load, what its telemetry reported.
fn write_key_events(
    out: &mut dyn Write,
    delivered: &[TimedInput],
    outputs: &[Output],
    flight: bool,
) -> std::io::Result<()> {
    let mut events: Vec<KeyEvent> = delivered
        .iter()
        .map(|e| {
            let who = match e.input {
                Input::Uplink(_) => "ground",
                _ => "spacecraft",
            };
            KeyEvent { time: e.time, who: who.to_string(), what: e.input.to_string() }
        })
        .collect();
    let mut reader = ccs_programs::flight::TelemetryReader::new();
    // Coded commands and telemetry words by source (A, B, AB).
    let (mut sequence, mut telemetry) = ([0usize; 3], 0usize);
    let mut heartbeats = 0usize;
    // Per source: the line of a key record whose value word comes next.
    let mut last_key: [Option<usize>; 3] = [None; 3];
    for o in outputs {
        let who = format!("CCS-{:?}", o.source);
        let what = match o.command {
            Command::Dcm { number } => match o.command.meaning() {
                Some(meaning) => format!("DCM 0o{:04o}: {meaning}", number.get()),
                None => format!("DCM 0o{:04o} (not in the spec's table: logged only)", number.get()),
            },
            Command::Out { channel, value } => match channel.get() {
                c @ (channel::AACS_COMMAND | channel::FDS_COMMAND) => {
                    let n = &mut sequence[source_index(o.source)];
                    *n += 1;
                    if *n > SEQUENCE_LINES {
                        continue;
                    }
                    let to = if c == channel::AACS_COMMAND { "AACS" } else { "FDS" };
                    format!("{to} coded command 0o{:06o}", value.get())
                }
                channel::TELEMETRY => {
                    telemetry += 1;
                    if !flight {
                        continue;
                    }
                    let word = reader.word(o.source, value.get());
                    let key = word.tag().is_some_and(|t| t.key);
                    let pending = &mut last_key[source_index(o.source)];
                    match (key, word.is_value, *pending) {
                        // A key record's value word joins its first word's line.
                        (true, true, Some(i)) => {
                            events[i].what.push_str(&format!(": {}", word.text));
                            *pending = None;
                            continue;
                        }
                        (true, false, _) => {
                            *pending = Some(events.len());
                            format!("telemetry: {}", word.text)
                        }
                        _ => continue,
                    }
                }
                channel::MAILBOX => {
                    heartbeats += 1;
                    continue;
                }
                _ => continue,
            },
        };
        events.push(KeyEvent { time: o.time, who, what });
    }
    // Stable: an event keeps its place before what the CCS did about it.
    events.sort_by_key(|e| e.time);
    writeln!(out, "Key events")?;
    writeln!(out, "  {:<13}  {:<10}  WHAT", "TIME d:h:m:s", "WHO")?;
    for e in &events {
        let line = format!("  {:<13}  {:<10}  {}", SpacecraftTime(e.time).to_string(), e.who, e.what);
        writeln!(out, "{}", clip(&line, 80))?;
    }
    let total: usize = sequence.iter().sum();
    if sequence.iter().any(|&n| n > SEQUENCE_LINES) {
        writeln!(
            out,
            "  ... and {} more coded commands from the sequence tables (the plan repeats)",
            thousands(sequence.iter().map(|&n| n.saturating_sub(SEQUENCE_LINES) as u64).sum())
        )?;
    }
    writeln!(
        out,
        "  {} and {} in all",
        count(telemetry as u64, "telemetry word"),
        count(total as u64, "coded command")
    )?;
    let by: Vec<String> = [Source::A, Source::AB, Source::B]
        .iter()
        .filter(|&&x| sequence[source_index(x)] > 0)
        .map(|&x| format!("{} from {x:?}", thousands(sequence[source_index(x)] as u64)))
        .collect();
    if !by.is_empty() {
        writeln!(out, "{}", clip(&format!("  coded commands by source: {}", by.join(", ")), 80))?;
    }
    if heartbeats > 0 {
        writeln!(
            out,
            "  {} between the two processors (mailbox, channel 0o04)",
            count(heartbeats as u64, "heartbeat")
        )?;
    }
    Ok(())
}

/// Coded commands are counted per source.
fn source_index(source: Source) -> usize {
    match source {
        Source::A => 0,
        Source::B => 1,
        Source::AB => 2,
    }
}

/// `n thing` or `n things`.
fn count(n: u64, thing: &str) -> String {
    format!("{} {thing}{}", thousands(n), if n == 1 { "" } else { "s" })
}

/// `line` cut to `width` characters, with an ellipsis when cut.
fn clip(line: &str, width: usize) -> String {
    if line.chars().count() <= width {
        return line.to_string();
    }
    let mut s: String = line.chars().take(width - 3).collect();
    s.push_str("...");
    s
}

/// The two machines: the CCS's fixed memory beside a Node.js heap that grows.
fn write_contrast(
    out: &mut dyn Write,
    err: &mut dyn Write,
    args: &Args,
    report: &ccs_budget::Report,
) -> Result<(), CliError> {
    let ccs_bytes = report.totals.bits_used.div_ceil(8);
    let runs = || report.regions.iter().filter_map(|r| r.run.as_ref());
    let (writes, denied): (u64, u64) = (runs().map(|r| r.writes).sum(), runs().map(|r| r.forbidden_writes).sum());
    let (leaky, source) = if args.live {
        match record_live(err, args.requests) {
            Ok((t, what)) => (t, what),
            Err(e) => {
                writeln!(out, "(no live run: {e}; showing the bundled recording)")?;
                recorded_leaky()?
            }
        }
    } else {
        recorded_leaky()?
    };
    let bounded = Timeline::parse(node_heap::record::RECORDED_BOUNDED_TIMELINE)
        .map_err(|e| CliError::Input(format!("the bundled bounded timeline: {e}")))?;
    let criteria = LeakCriteria::default();
    let leaky_verdict = node_heap::analyze(&leaky, NODE_BUDGET, &criteria).verdict;
    let bounded_verdict = node_heap::analyze(&bounded, NODE_BUDGET, &criteria).verdict;

    writeln!(out, "Two machines")?;
    let writes_text = if denied == 0 {
        format!("The run wrote {} words, every one into a writable region:", thousands(writes))
    } else {
        format!(
            "The run wrote {} words, and tried {} into protected regions (the budget above lists them):",
            thousands(writes),
            count(denied, "store")
        )
    };
    let ccs = format!(
        "The CCS: 69,632 bytes for the whole spacecraft, fixed before launch in 1977. This load has {} of \
         them, every word placed when it was assembled. {writes_text} nothing is ever allocated, nothing \
         grows. Voyager 1 has run this way for 49 years.",
        thousands(ccs_bytes)
    );
    write!(out, "{}", wrap(&ccs, 80, "  ", "  "))?;
    write!(
        out,
        "{}",
        wrap(&format!("A Node.js web server that caches every user it sees ({source}):"), 80, "  ", "  ")
    )?;
    write!(out, "{}", heap_chart(&leaky, NODE_BUDGET))?;
    write!(out, "{}", wrap(&format!("leaky server: {leaky_verdict}"), 80, "  ", "    "))?;
    write!(out, "{}", wrap(&format!("bounded (LRU) server: {bounded_verdict}"), 80, "  ", "    "))?;
    writeln!(out, "  Try it: ccs node record --server leaky --requests 40000 --out /tmp/leaky")?;
    writeln!(out, "  The whole story, live: cargo run --release -p ccs-gui (View > Two machines)")?;
    writeln!(out, "  A 45-minute lesson on it, for a class: docs/classroom.md")?;
    Ok(())
}

fn recorded_leaky() -> Result<(Timeline, String), CliError> {
    let t = Timeline::parse(node_heap::record::RECORDED_LEAKY_TIMELINE)
        .map_err(|e| CliError::Input(format!("the bundled leaky timeline: {e}")))?;
    let what = format!("recorded, {} samples over {}", t.samples.len(), format_ms(t.duration_ms()));
    Ok((t, what))
}

/// Record the leaky server with the real `node`, in a temporary folder removed afterwards.
fn record_live(err: &mut dyn Write, requests: u64) -> Result<(Timeline, String), String> {
    let node = std::env::var_os("CCS_NODE").map(PathBuf::from).unwrap_or_else(|| "node".into());
    let dir = std::env::temp_dir().join(format!("ccs-demo-node-{}", std::process::id()));
    let mut opts = node_heap::record::RecordOptions::new(node_heap::record::ServerKind::Leaky, requests, &dir);
    opts.node = node;
    let _ = writeln!(err, "recording the leaky Node.js server live: {} requests to 127.0.0.1", thousands(requests));
    let bar = crate::progress::bar(requests, "{msg} [{bar:40}] {human_pos}/{human_len} requests", "node");
    let cancel = AtomicBool::new(false);
    let result = node_heap::record::record(&opts, &cancel, &mut |e| {
        if let (Some(bar), node_heap::record::RecordEvent::Progress { done, failed }) = (&bar, e) {
            bar.set_position(done + failed);
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let outcome = result.map_err(|e| e.to_string()).and_then(|rec| {
        let t = Timeline::read(&dir.join(&rec.timeline)).map_err(|e| e.to_string())?;
        let what = format!(
            "live, node {}, {} requests, {} samples over {}",
            rec.node_version,
            thousands(rec.requests_done),
            t.samples.len(),
            format_ms(t.duration_ms())
        );
        Ok((t, what))
    });
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

/// A column chart of heapUsed over the recording, 60 columns by 6 rows, with the
/// budget marked.
fn heap_chart(t: &Timeline, budget: u64) -> String {
    const WIDTH: usize = 60;
    const HEIGHT: usize = 6;
    let times = t.relative_times();
    let span = t.duration_ms().max(1.0);
    let mut columns = [0u64; WIDTH];
    for (s, time) in t.samples.iter().zip(&times) {
        let c = ((time / span) * (WIDTH - 1) as f64).round() as usize;
        columns[c.min(WIDTH - 1)] = columns[c.min(WIDTH - 1)].max(s.heap_used);
    }
    // Columns with no sample show the last one before them.
    for c in 1..WIDTH {
        if columns[c] == 0 {
            columns[c] = columns[c - 1];
        }
    }
    let top = columns.iter().copied().max().unwrap_or(0).max(budget) as f64;
    let budget_row = ((budget as f64 / top) * HEIGHT as f64).ceil() as usize;
    let mut s = String::new();
    for row in (1..=HEIGHT).rev() {
        let label = if row == HEIGHT {
            format_bytes(top)
        } else if row == budget_row {
            format!("{} budget", format_bytes(budget as f64))
        } else {
            String::new()
        };
        let line: String = columns
            .iter()
            .map(|&v| {
                let filled = (v as f64 / top * HEIGHT as f64).round() as usize >= row;
                match (filled, row == budget_row) {
                    (true, _) => '#',
                    (false, true) => '-',
                    (false, false) => ' ',
                }
            })
            .collect();
        s.push_str(&format!("  {label:>15} |{line}\n"));
    }
    s.push_str(&format!("  {:>15} +{}\n", "heapUsed 0", "-".repeat(WIDTH)));
    s.push_str(&format!("  {:>15}  0{:>w$}\n", "", format_ms(span), w = WIDTH - 1));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_clipped() {
        assert_eq!(clip("abcdef", 5), "ab...");
        assert_eq!(clip("abc", 5), "abc");
    }

    #[test]
    fn the_chart_marks_the_budget_and_grows_to_the_right() {
        let t = Timeline::parse(node_heap::record::RECORDED_LEAKY_TIMELINE).unwrap();
        let chart = heap_chart(&t, NODE_BUDGET);
        let lines: Vec<&str> = chart.lines().collect();
        assert_eq!(lines.len(), 8);
        assert!(lines.iter().all(|l| l.chars().count() <= 80), "{chart}");
        assert!(lines.iter().any(|l| l.contains("64.0 MiB budget") && l.contains('-')), "{chart}");
        // A heap that grows: each row up is filled over fewer columns, and the last
        // column reaches the top.
        let bars: Vec<&str> = lines[..6].iter().map(|l| l.split('|').nth(1).unwrap()).collect();
        let filled: Vec<usize> = bars.iter().map(|b| b.matches('#').count()).collect();
        assert!(filled.windows(2).all(|w| w[0] < w[1]), "{filled:?}\n{chart}");
        assert!(bars.iter().all(|b| b.ends_with('#')), "{chart}");
        assert!(bars[5].starts_with(' '), "the first samples are small: {chart}");
    }
}
