//! The one place the CLI turns its program, scenario, event-script, fault, jumper and
//! processor arguments into a [`MachineSetup`]: `ccs run`, `ccs budget` and `ccs faults`
//! all build their machines here, so the rules are written once.
//!
//! - Programs given on the command line replace the scenario's. Each image loads where
//!   its header says; a source loads into `--target`, else A (with two programs and no
//!   `--target`, the second into B). Two programs may not load into the same processor.
//! - The running processors: `--processors`, else the scenario's, else those the CCS
//!   programs load into.
//! - `--jumpers` sets the running processors' jumpers; else the scenario's per-processor
//!   jumpers; else all RW.
//! - Device models are on when the scenario or any event script turns them on; the events
//!   are the scenario's, then each script's, then the fault flags'.

use crate::CliError;
use ccs_core::{Image, Jumper, Jumpers, MachineSetup, Processors, Target, TimedInput};
use ccs_files::{FileError, Program, Scenario};
use std::path::{Path, PathBuf};

/// What a command was given to build its machine from.
#[derive(Debug, Default)]
pub struct Inputs<'a> {
    pub programs: &'a [PathBuf],
    pub scenario: Option<&'a Path>,
    /// Further images (attached memories or CCS) loaded after the programs.
    pub images: &'a [PathBuf],
    /// Event scripts (environment events, device models, faults).
    pub scripts: Vec<&'a Path>,
    /// Faults given by flag.
    pub faults: Vec<TimedInput>,
    pub target: Option<Target>,
    pub processors: Option<Target>,
    pub jumpers: Option<Jumpers>,
    /// Accept a source whose only diagnostics are sections over their own limits (the
    /// budget checker reports those as findings).
    pub allow_budget_findings: bool,
}

/// The setup, with what it was made from (for messages and the budget).
pub struct Loaded {
    pub setup: MachineSetup,
    pub scenario: Option<Scenario>,
    /// The CCS programs, with where each loads.
    pub programs: Vec<(Program, Target)>,
    /// The further images, with where each loads.
    pub images: Vec<(Image, Target)>,
}

impl Loaded {
    /// The scenario's length, if one was given.
    pub fn scenario_cycles(&self) -> Option<u64> {
        self.scenario.as_ref().and_then(|s| s.cycles)
    }
}

pub fn parse_jumpers(text: &str) -> Result<Jumpers, String> {
    let parts: Vec<&str> = text.split(',').collect();
    let parsed: Vec<Jumper> = parts
        .iter()
        .map(|p| Jumper::parse(p).ok_or_else(|| format!("{p:?} is not RW, WP or RO")))
        .collect::<Result<_, _>>()?;
    match parsed[..] {
        [a, b, c] => Ok(Jumpers([a, b, c])),
        [a, b, c, Jumper::ReadWrite] => Ok(Jumpers([a, b, c])),
        [_, _, _, _] => Err("block 3 is always RW".into()),
        _ => Err(format!("expected three settings (blocks 0, 1, 2) like RW,WP,RO; got {}", parts.len())),
    }
}

pub fn parse_target(text: &str) -> Result<Target, String> {
    Target::parse(&text.to_ascii_uppercase()).ok_or_else(|| format!("{text:?} is not A, B or AB"))
}

/// A program from the disk, or from the bundled programs when the path is not on disk.
pub fn load_program(path: &Path, allow_budget_findings: bool) -> Result<Program, CliError> {
    match ccs_files::load_program(path, &ccs_programs::DiskThenBundled) {
        Ok(p) => Ok(p),
        // A section over its own limit fails assembly, but it is a budget finding there.
        Err(e) if allow_budget_findings && path.extension().is_some_and(|x| x == "asm") => {
            let output = ccs_asm::assemble(path, &ccs_programs::DiskThenBundled);
            let only_findings = !output.has_errors();
            match output.assembly.filter(|_| only_findings) {
                Some(a) => Ok(Program { path: path.to_path_buf(), image: a.image().clone(), assembly: Some(a) }),
                None => Err(e.into()),
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// The files a program was read from: its path, and every file its source includes.
pub fn files_read(program: &Program) -> Vec<PathBuf> {
    match &program.assembly {
        Some(a) => a.files().iter().map(|(_, f)| f.path().to_path_buf()).collect(),
        None => vec![program.path.clone()],
    }
}

/// A scenario from the disk or the bundled programs.
pub fn load_scenario(path: &Path) -> Result<Scenario, CliError> {
    Ok(ccs_files::load_scenario(path, &ccs_programs::DiskThenBundled)?)
}

/// Build the setup from a command's inputs.
pub fn load(inputs: &Inputs) -> Result<Loaded, CliError> {
    let scenario = inputs.scenario.map(load_scenario).transpose()?;
    let mut programs: Vec<(Program, Target)> = Vec::new();
    for (i, path) in inputs.programs.iter().enumerate() {
        let program = load_program(path, inputs.allow_budget_findings)?;
        let chosen = inputs.target.or((inputs.programs.len() > 1).then_some([Target::A, Target::B][i.min(1)]));
        let target = program.target(chosen)?;
        programs.push((program, target));
    }
    if programs.is_empty() {
        match &scenario {
            Some(s) => programs.extend(s.programs().map(|(p, t)| (p.clone(), t))),
            None => return Err(CliError::Input("give a program FILE or --scenario".into())),
        }
    }
    for (i, (a, ta)) in programs.iter().enumerate() {
        for (b, tb) in programs[i + 1..].iter().filter(|(b, _)| b.image.kind == a.image.kind) {
            if let Some(x) = ta.units().iter().find(|x| tb.units().contains(x)) {
                return Err(CliError::Input(format!(
                    "{} and {} both load into processor {x}: give each program its own (image headers, or --target for a source)",
                    a.path.display(),
                    b.path.display(),
                )));
            }
        }
    }
    let mut setup = MachineSetup::new();
    for (program, target) in &programs {
        program.add_to(&mut setup, *target)?;
    }
    let mut images = Vec::new();
    for path in inputs.images {
        let image = ccs_files::load_image(path)?;
        let target = image.resolve_target(None).map_err(|e| FileError::invalid(path, e))?;
        setup.add_image(image.clone(), target).map_err(|e| FileError::invalid(path, e))?;
        images.push((image, target));
    }
    let running: Processors = match (inputs.processors, &scenario) {
        (Some(p), _) => p.into(),
        (None, Some(s)) => s.processors.into(),
        (None, None) => setup.loaded(),
    };
    setup.processors = Some(running);
    if let Some(s) = &scenario {
        setup.jumpers = s.jumpers;
        setup.models = setup.models.merged(s.models());
        setup.events.extend(s.script.inputs.iter().copied());
    }
    if let Some(j) = inputs.jumpers {
        setup.set_jumpers(running, j);
    }
    for path in &inputs.scripts {
        let script = ccs_files::load_script(path)?;
        setup.models = setup.models.merged(script.script.models);
        setup.events.extend(script.inputs);
    }
    setup.events.extend(inputs.faults.iter().copied());
    Ok(Loaded { setup, scenario, programs, images })
}
