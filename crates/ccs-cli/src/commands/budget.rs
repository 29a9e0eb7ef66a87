//! `ccs budget SRC`: does the program fit its fixed allocations?

use crate::format::{Format, parse_cycles};
use crate::setup::{self, parse_target};
use crate::{CliError, EXIT_FAILED, EXIT_OK};
use ccs_budget::{AllocationMap, Program, Report};
use ccs_core::{Session, Target};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The program: an assembly source (sections are checked) or a memory image (words only)
    #[arg(required_unless_present = "scenario")]
    src: Option<PathBuf>,
    /// A scenario (an event script with a `run:` block): its program, jumpers and events;
    /// it is run for its duration unless --run says otherwise
    #[arg(long, value_name = "SCENARIO")]
    scenario: Option<PathBuf>,
    /// Jumpers of the running processors' blocks 0-2 during --run (default: the scenario's, else RW)
    #[arg(long, value_parser = setup::parse_jumpers, value_name = "J0,J1,J2")]
    jumpers: Option<ccs_core::Jumpers>,
    /// Allocation map (RON); default: the bundled Voyager map (programs/voyager.ron)
    #[arg(long, value_name = "MAP")]
    map: Option<PathBuf>,
    /// Also run the program for this long with a monitor on every read and write
    #[arg(long, value_parser = parse_cycles, value_name = "CYCLES")]
    run: Option<u64>,
    /// Environment events for the run (RON or JSON, see docs/events.md)
    #[arg(long, value_name = "FILE")]
    events: Option<PathBuf>,
    /// Processors to load a source into (default A; an image's header decides for it)
    #[arg(long, value_parser = parse_target, value_name = "A|B|AB")]
    target: Option<Target>,
    /// Further images loaded with the program (FDS, AACS or CCS), counted in the total
    #[arg(long = "image", value_name = "IMAGE")]
    images: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Read and check the map (the bundled one by default).
pub fn load_map(path: Option<&Path>) -> Result<AllocationMap, CliError> {
    let Some(path) = path else {
        return AllocationMap::parse(ccs_programs::VOYAGER_MAP, "voyager")
            .map_err(|e| CliError::Input(format!("the bundled map: {e}")));
    };
    let text = ccs_files::read_text_limited(path, ccs_files::MAP_LIMIT)?;
    let name = path.file_stem().map_or("map".into(), |s| s.to_string_lossy().into_owned());
    AllocationMap::parse(&text, &name).map_err(|e| map_error(path, &e))
}

/// `map.ron:3:5: message` for an error at a place in the map, `map.ron: message` for
/// one about the whole map.
fn map_error(path: &Path, e: &ccs_budget::MapError) -> CliError {
    let separator = if e.position().is_some() { ":" } else { ": " };
    CliError::Input(format!("{}{separator}{e}", path.display()))
}

/// The report for `args` (the library calls the CLI makes, for tests).
pub fn report(args: &Args) -> Result<Report, CliError> {
    let map = load_map(args.map.as_deref())?;
    let loaded = setup::load(&setup::Inputs {
        programs: args.src.as_slice(),
        scenario: args.scenario.as_deref(),
        images: &args.images,
        scripts: args.events.iter().map(PathBuf::as_path).collect(),
        target: args.target,
        jumpers: args.jumpers,
        allow_budget_findings: true,
        ..Default::default()
    })?;
    // The program as the budget sees it: its sections (from source) and every word loaded.
    let mut budget: Option<Program> = None;
    for (program, target) in &loaded.programs {
        let name = program.path.display().to_string();
        match (&mut budget, &program.assembly) {
            (None, Some(a)) => budget = Some(Program::from_assembly(&name, a, *target)),
            (None, None) => budget = Some(Program::from_image(&name, &program.image, *target)),
            (Some(b), _) => b.add_image(&program.image, *target),
        }
    }
    let mut budget = budget.ok_or_else(|| CliError::Input("give a program or --scenario".into()))?;
    for (image, target) in &loaded.images {
        budget.add_image(image, *target);
    }
    let Some(cycles) = args.run.or(loaded.scenario_cycles()) else {
        return Ok(ccs_budget::check(&budget, &map));
    };
    let mut session = Session::new(loaded.setup);
    Ok(ccs_budget::check_run(&budget, &map, &mut session, cycles))
}

pub fn run(args: Args, out: &mut dyn Write) -> Result<u8, CliError> {
    let report = report(&args)?;
    match args.format {
        Format::Text => write!(out, "{}", report.to_text())?,
        Format::Json => write!(out, "{}", report.to_json())?,
    }
    Ok(if report.fits() { EXIT_OK } else { EXIT_FAILED })
}
