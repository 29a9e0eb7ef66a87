//! `ccs faults SRC --campaign N --seed S`: a fault-injection campaign.

use crate::commands::budget::load_map;
use crate::format::{Format, parse_cycles, thousands};
use crate::setup::{self, parse_jumpers, parse_target};
use crate::{CliError, EXIT_OK};
use ccs_campaign::{Outcome, Setup, campaign};
use ccs_core::{Jumpers, SpacecraftTime, Target};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The program (assembly source or image); optional with --scenario
    #[arg(required_unless_present = "scenario")]
    src: Option<PathBuf>,
    /// A scenario (an event script with a `run:` block): program, jumpers, length, events
    #[arg(long, value_name = "SCENARIO")]
    scenario: Option<PathBuf>,
    /// Number of runs, each with one randomly drawn fault
    #[arg(long, value_name = "N")]
    campaign: usize,
    /// Seed of the draw: the same seed gives the same table
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// The scenario: environment events and device models (docs/events.md)
    #[arg(long, value_name = "FILE")]
    events: Option<PathBuf>,
    /// Length of every run (faults fall in its first half); default: the scenario's, else 1min
    #[arg(long, value_parser = parse_cycles, value_name = "DURATION")]
    cycles: Option<u64>,
    /// Jumpers of blocks 0-2 of the running processors
    #[arg(long, value_parser = parse_jumpers, value_name = "J0,J1,J2")]
    jumpers: Option<Jumpers>,
    /// Processors that run (default: the program's target)
    #[arg(long, value_parser = parse_target, value_name = "A|B|AB")]
    processors: Option<Target>,
    /// Allocation map: its protected regions must be intact in a recovered run
    #[arg(long, value_name = "MAP")]
    map: Option<PathBuf>,
    /// List every trial after the table
    #[arg(long)]
    list: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(args: Args, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8, CliError> {
    if args.campaign == 0 {
        return Err(CliError::Input("--campaign needs at least one run".into()));
    }
    let loaded = setup::load(&setup::Inputs {
        programs: args.src.as_slice(),
        scenario: args.scenario.as_deref(),
        scripts: args.events.iter().map(PathBuf::as_path).collect(),
        processors: args.processors,
        jumpers: args.jumpers,
        ..Default::default()
    })?;
    let src = loaded.programs.first().map(|(p, _)| p.path.clone()).unwrap_or_default();
    let cycles = args.cycles.or(loaded.scenario_cycles()).unwrap_or(60 * ccs_core::CYCLES_PER_SECOND);
    let setup = Setup { machine: loaded.setup, cycles, map: load_map(args.map.as_deref())? };

    let bar =
        crate::progress::bar(args.campaign as u64, "{msg} [{bar:30}] {pos}/{len} runs ({eta} left)", "fault campaign");
    let started = Instant::now();
    let report = campaign(&setup, args.campaign, args.seed, &|done| {
        if let Some(bar) = &bar {
            bar.set_position(done as u64);
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let wall = started.elapsed();
    if args.format == Format::Json {
        let text = serde_json::to_string_pretty(&report).map_err(|e| CliError::Input(e.to_string()))?;
        writeln!(out, "{text}")?;
        return Ok(EXIT_OK);
    }
    writeln!(
        out,
        "fault campaign: {} runs of {} ({} each), seed {}, one random fault per run",
        thousands(args.campaign as u64),
        src.display(),
        SpacecraftTime(cycles),
        args.seed
    )?;
    writeln!(out)?;
    write!(out, "{}", report.table_text())?;
    writeln!(out)?;
    for outcome in Outcome::ALL {
        if let Some(t) = report.trials.iter().find(|t| t.outcome == outcome) {
            writeln!(out, "e.g. {}: run {} ({}): {} — {}", outcome.name(), t.index, t.class.name(), t.fault, t.reason)?;
        }
    }
    if args.list {
        writeln!(out)?;
        for t in &report.trials {
            writeln!(out, "{:>5} {:<18} {:<24} {} — {}", t.index, t.class.name(), t.outcome.name(), t.fault, t.reason)?;
        }
    }
    writeln!(
        err,
        "{} runs in {:.1} s on {} threads",
        thousands(args.campaign as u64),
        wall.as_secs_f64(),
        rayon::current_num_threads()
    )?;
    Ok(EXIT_OK)
}
