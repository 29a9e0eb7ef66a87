//! `ccs faults SRC --campaign N | --exhaustive [--shard K/N]`: a fault-injection
//! campaign, or one shard of it; `ccs faults merge FILE...`: shards combined.

use crate::commands::budget::load_map;
use crate::faults::parse_range;
use crate::format::{Format, parse_cycles, thousands};
use crate::outputs;
use crate::setup::{self, parse_jumpers, parse_target};
use crate::{CliError, EXIT_OK};
use ccs_budget::AllocationMap;
use ccs_campaign::{Outcome, OutcomeMap, Plan, Report, Setup, Shard, WordRange, merge, run_campaign};
use ccs_core::{Jumpers, MemoryId, SpacecraftTime, Target};
use ccs_files::AtomicFile;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<FaultsCommand>,
    /// The program (assembly source or image); optional with --scenario
    #[arg(required_unless_present = "scenario")]
    src: Option<PathBuf>,
    /// A scenario (an event script with a `run:` block): program, jumpers, length, events
    #[arg(long, value_name = "SCENARIO")]
    scenario: Option<PathBuf>,
    /// Number of runs, each with one randomly drawn fault
    #[arg(long, value_name = "N", required_unless_present = "exhaustive", conflicts_with = "exhaustive")]
    campaign: Option<usize>,
    /// Seed of the draw: the same seed gives the same table
    #[arg(long, value_name = "S", default_value_t = 1, conflicts_with = "exhaustive")]
    seed: u64,
    /// One run per bit of every word of the region, each flipping that bit once
    #[arg(long)]
    exhaustive: bool,
    /// Words of an exhaustive campaign: MEMORY (all of it), MEMORY:START-END,
    /// MEMORY:START+LEN, MEMORY:REGION (a region of the map, e.g. ccs-a:FIXED) or all;
    /// repeatable; default: the program's words
    #[arg(long, value_name = "WORDS", requires = "exhaustive", value_parser = parse_words)]
    region: Vec<Words>,
    /// When an exhaustive campaign flips its bits (default: half the run)
    #[arg(long, value_name = "TIME", requires = "exhaustive", value_parser = parse_cycles)]
    at: Option<u64>,
    /// Run only the runs whose index ≡ K-1 (mod N), for `ccs faults merge`
    #[arg(long, value_name = "K/N", value_parser = Shard::parse)]
    shard: Option<Shard>,
    /// The scenario: environment events and device models (docs/events.md)
    #[arg(long, value_name = "FILE")]
    events: Option<PathBuf>,
    /// Length of every run (random faults fall in its first half); default: the scenario's, else 1min
    #[arg(long, value_parser = parse_cycles, value_name = "DURATION")]
    cycles: Option<u64>,
    /// Jumpers of blocks 0-2 of both processors
    #[arg(long, value_parser = parse_jumpers, value_name = "J0,J1,J2")]
    jumpers: Option<Jumpers>,
    /// Processors that run (default: the program's target)
    #[arg(long, value_parser = parse_target, value_name = "A|B|AB")]
    processors: Option<Target>,
    /// Allocation map: its protected regions must be intact in a recovered run
    #[arg(long, value_name = "MAP")]
    map: Option<PathBuf>,
    #[command(flatten)]
    show: Show,
}

/// What to show, and where the report goes: shared by a campaign and a merge.
#[derive(clap::Args, Debug)]
struct Show {
    /// List every trial after the table
    #[arg(long)]
    list: bool,
    /// Draw every word tried, one character for its worst flip (memory bit flips)
    #[arg(long)]
    picture: bool,
    /// Write the report (JSON, what `ccs faults merge` reads) to this file
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(clap::Subcommand, Debug)]
enum FaultsCommand {
    /// Combine the JSON reports of a campaign's shards into the report of the whole
    /// campaign (the same JSON the unsharded run gives, apart from timings)
    Merge {
        /// The shards' reports (`ccs faults ... --shard K/N --format json`), one per shard
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        show: Show,
    },
}

/// Words of an exhaustive campaign, as given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Words {
    All,
    Memory(MemoryId),
    Range(MemoryId, u32, u32),
    Region(MemoryId, String),
}

fn parse_words(text: &str) -> Result<Words, String> {
    if text.trim().eq_ignore_ascii_case("all") {
        return Ok(Words::All);
    }
    let (m, rest) = match text.split_once(':') {
        Some((m, r)) => (m, Some(r)),
        None => (text, None),
    };
    let memory = MemoryId::parse(m)
        .ok_or_else(|| format!("{m:?} is not a memory (ccs-a, ccs-b, fds-a, fds-b, aacs-a, aacs-b) or all"))?;
    let Some(rest) = rest else {
        return Ok(Words::Memory(memory));
    };
    if rest.starts_with(|c: char| c.is_ascii_digit()) {
        let (start, len) = parse_range(rest).map_err(|e| format!("{text:?}: {e}"))?;
        if len == 0 || start + len > memory.words() as u64 {
            return Err(format!("{text:?}: {} has words 0-0o{:o}", memory.name(), memory.words() - 1));
        }
        Ok(Words::Range(memory, start as u32, len as u32))
    } else {
        Ok(Words::Region(memory, rest.to_string()))
    }
}

/// The words the flags name, in runs (the map resolves region names).
fn resolve_words(words: &[Words], map: &AllocationMap) -> Result<Vec<WordRange>, CliError> {
    let mut all: Vec<(MemoryId, u32)> = Vec::new();
    for w in words {
        match w {
            Words::All => all.extend(MemoryId::ALL.iter().flat_map(|&m| (0..m.words()).map(move |a| (m, a)))),
            Words::Memory(m) => all.extend((0..m.words()).map(|a| (*m, a))),
            Words::Range(m, start, len) => all.extend((*start..start + len).map(|a| (*m, a))),
            Words::Region(m, name) => {
                let region = map.regions_of(*m).find(|r| r.name.eq_ignore_ascii_case(name)).ok_or_else(|| {
                    let names: Vec<&str> = map.regions_of(*m).map(|r| r.name.as_str()).collect();
                    CliError::Input(format!(
                        "--region {}:{name}: the map {} has no region {name} in {} (it has {})",
                        m.name().to_ascii_lowercase(),
                        map.name,
                        m.name(),
                        names.join(", ")
                    ))
                })?;
                all.extend((region.start..=region.end).map(|a| (*m, a)));
            }
        }
    }
    Ok(WordRange::runs(all))
}

/// The report file, opened before the campaign (an unwritable path fails at once) and
/// refused when it would replace one of the inputs.
fn open_output(show: &Show, inputs: &[&Path]) -> Result<Option<AtomicFile>, CliError> {
    let Some(path) = &show.output else { return Ok(None) };
    Ok(outputs::open_all(inputs, &[("--output", path)])?.pop())
}

/// Write the report's JSON into the file opened by [`open_output`].
fn write_output(file: Option<AtomicFile>, show: &Show, report: &Report) -> Result<(), CliError> {
    let (Some(mut file), Some(path)) = (file, &show.output) else { return Ok(()) };
    let json = serde_json::to_string_pretty(report).map_err(|e| CliError::Input(e.to_string()))? + "\n";
    file.write_all(json.as_bytes()).map_err(|source| ccs_files::FileError::Io { path: path.clone(), source })?;
    Ok(file.commit()?)
}

/// The setup of a campaign from the flags, the program's name, the map, and the files
/// it was read from.
fn setup(args: &Args) -> Result<(Setup, String, AllocationMap, Vec<PathBuf>), CliError> {
    let loaded = setup::load(&setup::Inputs {
        programs: args.src.as_slice(),
        scenario: args.scenario.as_deref(),
        scripts: args.events.iter().map(PathBuf::as_path).collect(),
        processors: args.processors,
        jumpers: args.jumpers,
        ..Default::default()
    })?;
    let mut files: Vec<PathBuf> = loaded.programs.iter().flat_map(|(p, _)| setup::files_read(p)).collect();
    files.extend([&args.scenario, &args.events, &args.map].into_iter().flatten().cloned());
    let src = loaded.programs.first().map(|(p, _)| p.path.display().to_string()).unwrap_or_default();
    let cycles = args.cycles.or(loaded.scenario_cycles()).unwrap_or(60 * ccs_core::CYCLES_PER_SECOND);
    let map = load_map(args.map.as_deref())?;
    Ok((Setup { machine: loaded.setup, cycles, map: map.clone() }, src, map, files))
}

pub fn run(args: Args, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8, CliError> {
    if let Some(FaultsCommand::Merge { files, show }) = args.command {
        return run_merge(&files, &show, out, err);
    }
    if args.campaign == Some(0) {
        return Err(CliError::Input("--campaign needs at least one run".into()));
    }
    let (setup, program, map, files) = setup(&args)?;
    let plan = match args.campaign {
        Some(trials) => Plan::Random { trials, seed: args.seed },
        None => {
            let at = args.at.unwrap_or(setup.cycles / 2);
            if at >= setup.cycles {
                return Err(CliError::Input(format!(
                    "--at {}: the flips must fall inside the run ({})",
                    SpacecraftTime(at),
                    SpacecraftTime(setup.cycles)
                )));
            }
            let words =
                if args.region.is_empty() { Plan::program_words(&setup) } else { resolve_words(&args.region, &map)? };
            if words.is_empty() {
                return Err(CliError::Input(format!("{program} places no words: give the words with --region")));
            }
            Plan::Exhaustive { words, at }
        }
    };
    let output = open_output(&args.show, &files.iter().map(PathBuf::as_path).collect::<Vec<_>>())?;
    let shard = args.shard.unwrap_or(Shard::ALL);
    let count = shard.indices(plan.trials()).count();
    // No bar for JSON: that output is for programs.
    let bar = (args.show.format == Format::Text)
        .then(|| crate::progress::bar(count as u64, "{msg} [{bar:30}] {human_pos}/{human_len} ({eta} left)", "runs"))
        .flatten();
    let report = run_campaign(&setup, &program, plan, shard, &|done| {
        if let Some(bar) = &bar {
            bar.set_position(done as u64);
            let seconds = bar.elapsed().as_secs_f64();
            if seconds > 0.0 && done % (count / 200).max(1) == 0 {
                bar.set_message(format!("{} runs/s", thousands((done as f64 / seconds).round() as u64)));
            }
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    write_output(output, &args.show, &report)?;
    show_report(&report, &args.show, out)?;
    for t in &report.timing {
        writeln!(err, "{}", timing_text(t))?;
    }
    Ok(EXIT_OK)
}

fn timing_text(t: &ccs_campaign::Timing) -> String {
    let shard = if t.shard == Shard::ALL { String::new() } else { format!("shard {}: ", t.shard) };
    format!(
        "{shard}{} runs in {:.1} s on {} threads ({} runs/s)",
        thousands(t.trials as u64),
        t.seconds,
        t.threads,
        thousands(t.trials_per_second().round() as u64)
    )
}

fn run_merge(files: &[PathBuf], show: &Show, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8, CliError> {
    let output = open_output(show, &files.iter().map(PathBuf::as_path).collect::<Vec<_>>())?;
    let mut shards = Vec::new();
    for path in files {
        let text = ccs_files::read_text(path)?;
        let report: Report = ccs_files::parse_structured(path, &text).map_err(|e| match e {
            ccs_files::FileError::Syntax { path, line, column, message } => CliError::Input(format!(
                "{}:{line}:{column}: not a campaign report (`ccs faults ... --format json`): {message}",
                path.display()
            )),
            other => CliError::File(other),
        })?;
        shards.push((path.display().to_string(), report));
    }
    let report = merge(shards).map_err(|e| CliError::Input(format!("cannot merge: {e}")))?;
    write_output(output, show, &report)?;
    show_report(&report, show, out)?;
    let seconds: f64 = report.timing.iter().map(|t| t.seconds).sum();
    writeln!(
        err,
        "merged {} shards: {} runs, {:.1} s of runs in all",
        report.timing.len(),
        thousands(report.trials.len() as u64),
        seconds
    )?;
    for t in &report.timing {
        writeln!(err, "  {}", timing_text(t))?;
    }
    Ok(EXIT_OK)
}

/// The report, as JSON or as text (the same for a campaign and for its merged shards).
fn show_report(report: &Report, show: &Show, out: &mut dyn Write) -> Result<(), CliError> {
    let json = || serde_json::to_string_pretty(report).map(|s| s + "\n").map_err(|e| CliError::Input(e.to_string()));
    if show.format == Format::Json {
        write!(out, "{}", json()?)?;
        return Ok(());
    }
    let c = &report.campaign;
    let each = SpacecraftTime(c.cycles);
    match &c.plan {
        Plan::Random { trials, seed } => writeln!(
            out,
            "fault campaign: {} runs of {} ({each} each), seed {seed}, one random fault per run",
            thousands(*trials as u64),
            c.program,
        )?,
        Plan::Exhaustive { words, at } => {
            let count: u32 = words.iter().map(|w| w.len).sum();
            let shown: Vec<String> = words.iter().take(4).map(WordRange::to_string).collect();
            let more = if words.len() > 4 { format!(" and {} more ranges", words.len() - 4) } else { String::new() };
            writeln!(
                out,
                "exhaustive fault campaign: {} runs of {} ({each} each): every bit of {} words ({}{more}) flipped once, at {}",
                thousands(c.trials as u64),
                c.program,
                thousands(count as u64),
                shown.join(", "),
                SpacecraftTime(*at)
            )?
        }
    }
    if report.shard != Shard::ALL {
        writeln!(
            out,
            "shard {}: {} of the {} runs (index ≡ {} mod {})",
            report.shard,
            thousands(report.trials.len() as u64),
            thousands(c.trials as u64),
            report.shard.k - 1,
            report.shard.n
        )?;
    }
    writeln!(out)?;
    write!(out, "{}", report.table_text())?;
    writeln!(out)?;
    for outcome in Outcome::ALL {
        if let Some(t) = report.trials.iter().find(|t| t.outcome == outcome) {
            writeln!(out, "e.g. {}: run {} ({}): {} — {}", outcome.name(), t.index, t.class.name(), t.fault, t.reason)?;
        }
    }
    if show.picture {
        let map = OutcomeMap::from_trials(&report.trials);
        let words = WordRange::runs(report.trials.iter().filter_map(|t| t.flip).map(|f| (f.memory, f.addr)));
        writeln!(out)?;
        write!(out, "{}", map.picture(&words, 64))?;
    }
    if show.list {
        writeln!(out)?;
        for t in &report.trials {
            writeln!(out, "{:>6} {:<18} {:<24} {} — {}", t.index, t.class.name(), t.outcome.name(), t.fault, t.reason)?;
        }
    }
    Ok(())
}
