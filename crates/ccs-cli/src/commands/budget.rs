//! `ccs budget SRC`: does the program fit its fixed allocations?

use crate::commands::run::parse_target;
use crate::format::parse_cycles;
use crate::{CliError, EXIT_FAILED, EXIT_OK};
use ccs_budget::{AllocationMap, Program, Report};
use ccs_core::{Machine, Models, Target};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The program: an assembly source (sections are checked) or a memory image (words only)
    src: PathBuf,
    /// Allocation map (RON); default: the bundled Voyager map (programs/voyager.ron)
    #[arg(long, value_name = "MAP")]
    map: Option<PathBuf>,
    /// Also run the program for this long with a monitor on every read and write
    #[arg(long, value_parser = parse_cycles, value_name = "CYCLES")]
    run: Option<u64>,
    /// Environment events for the run (RON or JSON, see docs/events.md)
    #[arg(long, value_name = "FILE", requires = "run")]
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
    let text = ccs_files::read_text(path)?;
    let name = path.file_stem().map_or("map".into(), |s| s.to_string_lossy().into_owned());
    AllocationMap::parse(&text, &name).map_err(|e| CliError::Input(format!("{}:{e}", path.display())))
}

/// The program as the budget sees it, and the images to load for a run.
fn load(args: &Args) -> Result<(Program, Vec<(ccs_core::Image, Target)>), CliError> {
    let name = args.src.display().to_string();
    let (mut program, mut images) = if args.src.extension().is_some_and(|e| e == "asm") {
        let output = crate::commands::asm::assemble_file(&args.src);
        // A section over its own limit is a budget finding, reported below, not bad input.
        let errors: Vec<_> = output.diagnostics.iter().filter(|d| !d.kind.is_budget_finding()).collect();
        let assembly = match output.assembly {
            Some(a) if errors.is_empty() => a,
            _ => {
                return Err(CliError::Input(format!(
                    "{} could not be assembled:\n{}",
                    args.src.display(),
                    output.render_diagnostics()
                )));
            }
        };
        let target = args.target.unwrap_or(Target::A);
        (Program::from_assembly(&name, &assembly, target), vec![(assembly.image().clone(), target)])
    } else {
        let image = ccs_files::load_image(&args.src)?;
        let target = image.resolve_target(args.target).map_err(|e| CliError::Input(format!("{name}: {e}")))?;
        (Program::from_image(&name, &image, target), vec![(image, target)])
    };
    for path in &args.images {
        let image = ccs_files::load_image(path)?;
        let target = image.resolve_target(None).map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
        program.add_image(&image, target);
        images.push((image, target));
    }
    Ok((program, images))
}

/// The report for `args` (the library calls the CLI makes, for tests).
pub fn report(args: &Args) -> Result<Report, CliError> {
    let map = load_map(args.map.as_deref())?;
    let (program, images) = load(args)?;
    let Some(cycles) = args.run else {
        return Ok(ccs_budget::check(&program, &map));
    };
    let script = args.events.as_deref().map(ccs_files::load_script).transpose()?;
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
    machine.reset(enabled, script.as_ref().map_or(Models::default(), |s| s.script.models));
    if let Some(s) = &script {
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
