//! `ccs budget SRC`: does the program fit its fixed allocations?

use crate::commands::run::parse_target;
use crate::format::{Format, parse_cycles};
use crate::{CliError, EXIT_FAILED, EXIT_OK};
use ccs_budget::{AllocationMap, Program, Report};
use ccs_core::{Machine, Models, Target};
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
    #[arg(long, value_parser = crate::commands::run::parse_jumpers, value_name = "J0,J1,J2")]
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

/// The program as the budget sees it, and the images to load for a run.
fn load(
    args: &Args,
    scenario: Option<&ccs_files::Scenario>,
) -> Result<(Program, Vec<(ccs_core::Image, Target)>), CliError> {
    let program = match (&args.src, scenario) {
        (Some(path), _) => ccs_files::load_program(path, &ccs_programs::DiskThenBundled).or_else(|e| {
            // A section over its own limit fails assembly but is a budget finding here.
            if path.extension().is_some_and(|x| x == "asm") {
                let output = ccs_asm::assemble(path, &ccs_programs::DiskThenBundled);
                let only_findings = !output.has_errors();
                if let Some(a) = output.assembly.filter(|_| only_findings) {
                    return Ok(ccs_files::Program { path: path.clone(), image: a.image().clone(), assembly: Some(a) });
                }
            }
            Err(e)
        })?,
        (None, Some(s)) => s.program.clone(),
        (None, None) => return Err(CliError::Input("give a program or --scenario".into())),
    };
    let name = program.path.display().to_string();
    let target = match scenario {
        Some(s) if args.src.is_none() => s.target,
        _ => program.target(args.target)?,
    };
    let mut budget = match &program.assembly {
        Some(a) => Program::from_assembly(&name, a, target),
        None => Program::from_image(&name, &program.image, target),
    };
    let mut images = vec![(program.image.clone(), target)];
    for path in &args.images {
        let image = ccs_files::load_image(path)?;
        let target = image.resolve_target(None).map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
        budget.add_image(&image, target);
        images.push((image, target));
    }
    Ok((budget, images))
}

/// The report for `args` (the library calls the CLI makes, for tests).
pub fn report(args: &Args) -> Result<Report, CliError> {
    let map = load_map(args.map.as_deref())?;
    let scenario = args.scenario.as_deref().map(crate::commands::run::load_scenario).transpose()?;
    let (program, images) = load(args, scenario.as_ref())?;
    let Some(cycles) = args.run.or(scenario.as_ref().and_then(|s| s.cycles)) else {
        return Ok(ccs_budget::check(&program, &map));
    };
    let mut scripts: Vec<ccs_files::LoadedScript> = scenario.iter().map(|s| s.script.clone()).collect();
    if let Some(path) = &args.events {
        scripts.push(ccs_files::load_script(path)?);
    }
    let mut machine = Machine::new();
    let mut enabled = [false, false];
    for (image, target) in &images {
        machine.load_image(image, Some(*target)).map_err(|e| CliError::Input(e.to_string()))?;
        if image.kind == ccs_core::ImageKind::Ccs {
            for p in target.units() {
                enabled[p.index()] = true;
            }
        }
    }
    if let Some(j) = args.jumpers.or(scenario.as_ref().map(|s| s.jumpers)) {
        for (cpu, on) in machine.cpu.iter_mut().zip(enabled) {
            if on {
                cpu.jumpers = j;
            }
        }
    }
    let mut models = Models::default();
    for s in &scripts {
        models.aacs_heartbeat |= s.script.models.aacs_heartbeat;
        models.uplink |= s.script.models.uplink;
        models.rf_monitors |= s.script.models.rf_monitors;
    }
    machine.reset(enabled, models);
    for s in &scripts {
        machine.schedule_all(&s.inputs);
    }
    Ok(ccs_budget::check_run(&program, &map, &mut machine, cycles))
}

pub fn run(args: Args, out: &mut dyn Write) -> Result<u8, CliError> {
    let report = report(&args)?;
    match args.format {
        Format::Text => write!(out, "{}", report.to_text())?,
        Format::Json => write!(out, "{}", report.to_json())?,
    }
    Ok(if report.fits() { EXIT_OK } else { EXIT_FAILED })
}
