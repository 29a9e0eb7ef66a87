//! Programs and scenarios, read through any [`Sources`] (the disk, the bundled
//! programs, or both): what `ccs run --scenario`, `ccs faults`, `ccs demo` and the
//! desktop app open.

use crate::{FileError, IMAGE_LIMIT, LoadedScript, parse_image, parse_script, script_limit};
use ccs_asm::{Assembly, ReadLimit, Sources};
use ccs_core::{Image, Jumpers, Machine, Models, Target};
use std::path::{Path, PathBuf};

/// A loaded program: its image, and its assembly when it came from source.
#[derive(Clone, Debug)]
pub struct Program {
    pub path: PathBuf,
    pub image: Image,
    pub assembly: Option<Assembly>,
}

impl Program {
    /// The target: the image header's, else A for a source (sources load into A by
    /// default), else `fallback`.
    pub fn target(&self, fallback: Option<Target>) -> Result<Target, FileError> {
        let default = if self.assembly.is_some() { Some(Target::A) } else { None };
        self.image.resolve_target(fallback.or(default)).map_err(|e| FileError::invalid(&self.path, e))
    }
}

fn read(path: &Path, sources: &dyn Sources, limit: ReadLimit) -> Result<String, FileError> {
    sources.read_limited(path, limit).map_err(|e| FileError::io(path, e))
}

/// Read a program: an assembly source (`.asm`, assembled; every diagnostic fails it)
/// or a memory image.
pub fn load_program(path: &Path, sources: &dyn Sources) -> Result<Program, FileError> {
    if path.extension().is_some_and(|e| e == "asm") {
        let output = ccs_asm::assemble(path, sources);
        return match output.assembly {
            Some(assembly) if output.diagnostics.is_empty() => {
                Ok(Program { path: path.to_path_buf(), image: assembly.image().clone(), assembly: Some(assembly) })
            }
            _ => Err(FileError::invalid(path, format!("could not be assembled:\n{}", output.render_diagnostics()))),
        };
    }
    let text = read(path, sources, IMAGE_LIMIT)?;
    Ok(Program { path: path.to_path_buf(), image: parse_image(path, &text)?, assembly: None })
}

/// A scenario: an event script with a `run:` block naming its program.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub path: PathBuf,
    pub script: LoadedScript,
    pub program: Program,
    /// Where the image goes.
    pub target: Target,
    /// Processors that run.
    pub processors: Target,
    pub jumpers: Jumpers,
    /// The scenario's length, if it gives one.
    pub cycles: Option<u64>,
    /// Its first comment line, if it starts with one: what the scenario is.
    pub title: Option<String>,
}

/// Read a scenario and the program it names (relative to the scenario's folder).
pub fn load_scenario(path: &Path, sources: &dyn Sources) -> Result<Scenario, FileError> {
    let text = read(path, sources, script_limit()?)?;
    let mut scenario = scenario_from_script(path, parse_script(path, &text)?, sources)?;
    scenario.title = title(&text);
    Ok(scenario)
}

/// The first line of `text` when it is a `//` comment with something in it.
pub fn title(text: &str) -> Option<String> {
    let line = text.lines().next()?.trim().strip_prefix("//")?.trim();
    (!line.is_empty()).then(|| line.to_string())
}

/// A scenario from a script already read from `path`: its program is read through
/// `sources`, relative to `path`'s folder.
pub fn scenario_from_script(path: &Path, script: LoadedScript, sources: &dyn Sources) -> Result<Scenario, FileError> {
    let Some(run) = script.script.run.clone() else {
        return Err(FileError::invalid(
            path,
            "not a scenario: it has no `run: (program: ...)` block naming its program",
        ));
    };
    let program_path = ccs_asm::normalize_path(&path.parent().unwrap_or(Path::new("")).join(&run.program));
    let program = load_program(&program_path, sources).map_err(|e| match e {
        FileError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => FileError::invalid(
            path,
            format!("its program {:?} is not there (looked for {})", run.program, program_path.display()),
        ),
        other => other,
    })?;
    let target = program.target(None)?;
    let cycles = run.cycles().map_err(|e| FileError::invalid(path, format!("run duration: {e}")))?;
    Ok(Scenario {
        path: path.to_path_buf(),
        target,
        processors: run.processors.unwrap_or(target),
        jumpers: run.jumpers.map(Jumpers).unwrap_or_default(),
        cycles,
        title: None,
        script,
        program,
    })
}

impl Scenario {
    /// A machine ready to run the scenario: program loaded, jumpers set on the running
    /// processors, reset with the scenario's models, its events scheduled.
    pub fn machine(&self) -> Machine {
        let mut m = Machine::new();
        // The target was checked when the scenario was loaded.
        let _ = m.load_image(&self.program.image, Some(self.target));
        for p in self.processors.units() {
            m.cpu[p.index()].jumpers = self.jumpers;
        }
        m.reset([self.processors != Target::B, self.processors != Target::A], self.models());
        m.schedule_all(&self.script.inputs);
        m
    }

    pub fn models(&self) -> Models {
        self.script.script.models
    }
}
