//! Programs and scenarios, read through any [`Sources`] (the disk, the bundled
//! programs, or both), and the [`MachineSetup`] each one makes: what `ccs run`,
//! `ccs budget`, `ccs faults`, `ccs demo`, the campaigns and the desktop app open.

use crate::{FileError, IMAGE_LIMIT, LoadedScript, parse_image, parse_script, script_limit};
use ccs_asm::{Assembly, ReadLimit, Sources};
use ccs_core::{Image, Jumpers, Machine, MachineSetup, Models, ProcId, Processors, Session, Target};
use std::path::{Path, PathBuf};

/// A loaded program: its image, and its assembly when it came from source.
#[derive(Clone, Debug)]
pub struct Program {
    pub path: PathBuf,
    pub image: Image,
    pub assembly: Option<Assembly>,
}

impl Program {
    /// Where it loads: `chosen` for a source (A when nothing is chosen); for an image,
    /// its header's target, else `chosen`.
    pub fn target(&self, chosen: Option<Target>) -> Result<Target, FileError> {
        if self.assembly.is_some() {
            return Ok(chosen.unwrap_or(Target::A));
        }
        self.image.resolve_target(chosen).map_err(|e| FileError::invalid(&self.path, e))
    }

    /// Add the program to a setup at `target` (its image and its symbols).
    pub fn add_to(&self, setup: &mut MachineSetup, target: Target) -> Result<(), FileError> {
        setup.add_image(self.image.clone(), target).map_err(|e| FileError::invalid(&self.path, e))?;
        if let Some(assembly) = &self.assembly {
            setup.symbols.extend(&assembly.symbol_values());
        }
        Ok(())
    }

    /// A setup of this program alone, loaded at [`Program::target`]`(chosen)`; the
    /// processors it loads into run.
    pub fn setup(&self, chosen: Option<Target>) -> Result<MachineSetup, FileError> {
        let mut setup = MachineSetup::new();
        self.add_to(&mut setup, self.target(chosen)?)?;
        Ok(setup)
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

/// A scenario: an event script with a `run:` block naming its program (or one program
/// per processor), jumpers, length and events.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub path: PathBuf,
    pub script: LoadedScript,
    /// The program (processor A's when each processor runs its own).
    pub program: Program,
    /// Where [`Scenario::program`] goes.
    pub target: Target,
    /// Processor B's program, when each processor runs its own.
    pub second: Option<Program>,
    /// Processors that run.
    pub processors: Target,
    /// Jumpers per processor.
    pub jumpers: [Jumpers; 2],
    /// The scenario's length, if it gives one.
    pub cycles: Option<u64>,
    /// Its first comment line, if it starts with one: what the scenario is.
    pub title: Option<String>,
}

/// Read a scenario and the programs it names (relative to the scenario's folder).
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

/// A scenario from a script already read from `path`: its programs are read through
/// `sources`, relative to `path`'s folder.
pub fn scenario_from_script(path: &Path, script: LoadedScript, sources: &dyn Sources) -> Result<Scenario, FileError> {
    let Some(run) = script.script.run.clone() else {
        return Err(FileError::invalid(
            path,
            "not a scenario: it has no `run: (program: ...)` block naming its program",
        ));
    };
    let paths = run.program_paths().map_err(|e| FileError::invalid(path, e))?;
    let folder = path.parent().unwrap_or(Path::new(""));
    let mut loaded = Vec::new();
    for (file, proc) in paths {
        let program_path = ccs_asm::normalize_path(&folder.join(file));
        let program = load_program(&program_path, sources).map_err(|e| match e {
            FileError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => FileError::invalid(
                path,
                format!("its program {file:?} is not there (looked for {})", program_path.display()),
            ),
            other => other,
        })?;
        let target = match proc {
            // One program per processor: into that processor, whatever a header says.
            Some(x) => {
                let own = Target::from(x);
                if program.target(Some(own))? != own {
                    return Err(FileError::invalid(
                        &program.path,
                        format!("the scenario loads it into processor {x}, but its header targets another"),
                    ));
                }
                own
            }
            None => program.target(run.processors)?,
        };
        loaded.push((program, target));
    }
    let cycles = run.cycles().map_err(|e| FileError::invalid(path, format!("run duration: {e}")))?;
    let loaded_into = loaded.iter().fold(Processors::None, |p, (_, t)| p.union(Processors::from(*t)));
    let processors = run.processors.unwrap_or(match loaded_into {
        Processors::B => Target::B,
        Processors::AB => Target::AB,
        _ => Target::A,
    });
    let mut jumpers = [Jumpers::default(); 2];
    if let Some(j) = run.jumpers {
        for x in Processors::from(processors).iter() {
            jumpers[x.index()] = Jumpers(j);
        }
    }
    for (x, j) in run.processor_jumpers.iter().flatten() {
        jumpers[x.index()] = Jumpers(*j);
    }
    let mut programs = loaded.into_iter();
    let (program, target) = programs.next().unwrap_or_else(|| unreachable!("program_paths is never empty"));
    Ok(Scenario {
        path: path.to_path_buf(),
        target,
        second: programs.next().map(|(p, _)| p),
        processors,
        jumpers,
        cycles,
        title: None,
        script,
        program,
    })
}

impl Scenario {
    /// The programs with where each goes.
    pub fn programs(&self) -> impl Iterator<Item = (&Program, Target)> {
        std::iter::once((&self.program, self.target)).chain(self.second.iter().map(|p| (p, Target::B)))
    }

    /// How the scenario's machine is put together: programs, processors, jumpers, models,
    /// events.
    pub fn setup(&self) -> MachineSetup {
        let mut setup = MachineSetup::new().with_processors(self.processors);
        for (program, target) in self.programs() {
            // The targets were checked when the scenario was loaded.
            let _ = program.add_to(&mut setup, target);
        }
        setup.jumpers = self.jumpers;
        setup.with_models(self.models()).with_events(self.script.inputs.iter().copied())
    }

    /// A machine ready to run the scenario.
    pub fn machine(&self) -> Machine {
        self.setup().build()
    }

    /// A session ready to run the scenario.
    pub fn session(&self) -> Session {
        Session::new(self.setup())
    }

    pub fn models(&self) -> Models {
        self.script.script.models
    }

    /// The jumpers of the first running processor (what the tools print).
    pub fn main_jumpers(&self) -> Jumpers {
        let x = Processors::from(self.processors).iter().next().unwrap_or(ProcId::A);
        self.jumpers[x.index()]
    }
}

/// Assemble a source text (no includes) into a session that runs it on processor A.
/// Every diagnostic fails it, rendered with the source.
pub fn assemble_session(name: &str, text: &str) -> Result<Session, FileError> {
    let output = ccs_asm::assemble_str(name, text);
    match output.assembly {
        Some(assembly) if output.diagnostics.is_empty() => Ok(Session::new(assembly.setup(Target::A))),
        _ => Err(FileError::invalid(
            Path::new(name),
            format!("could not be assembled:\n{}", output.render_diagnostics()),
        )),
    }
}

/// Open a program (`.asm` source or image) or a scenario (an event script with a
/// `run:` block) as a session ready to run.
pub fn open_session(path: &Path, sources: &dyn Sources) -> Result<Session, FileError> {
    let is_script = path.extension().is_some_and(|e| e == "ron" || e == "json");
    if is_script {
        return Ok(load_scenario(path, sources)?.session());
    }
    Ok(Session::new(load_program(path, sources)?.setup(None)?))
}
