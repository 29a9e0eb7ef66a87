//! Opening what the user names: assembly sources, images, event scripts, scenarios,
//! allocation maps, lessons, Node timelines and recording folders, by the kind
//! [`FileKind::sniff`] tells. Every failure becomes an [`Opened::Error`] with the text the
//! CLI prints for it; nothing here panics. The desktop app and [`Headless`](crate::Headless)
//! open files through here.

use crate::format::{self as lesson, Lesson};
use ccs_asm::{Assembly, FileSystem, MemorySources, Sources};
use ccs_budget::{AllocationMap, Program};
use ccs_core::{
    Image, ImageKind, Jumpers, Machine, MachineSetup, MemoryId, Models, ProcId, Processors, Symbols, Target, TimedInput,
};
use ccs_files::FileKind;
use ccs_files::kind::extension;
use node_heap::Timeline;
use node_heap::record::Recording;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What a file turned out to be.
#[derive(Debug)]
pub enum Opened {
    /// A CCS program (from a source or a CCS image). `warnings`: budget findings of
    /// the assembler, as it renders them.
    Program {
        program: LoadedProgram,
        warnings: Vec<String>,
    },
    /// An image of an attached memory (FDS, AACS), added to the program.
    AttachedImage {
        name: String,
        image: Image,
        target: Target,
    },
    Script {
        name: String,
        script: ccs_files::LoadedScript,
    },
    /// A scenario: its program (with its jumpers and processors) and its events.
    Scenario {
        program: LoadedProgram,
        script: LoadedScript,
    },
    Map {
        name: String,
        map: AllocationMap,
    },
    /// A lesson (a RON file with `steps`), checked: its files exist, its actions make sense.
    Lesson {
        lesson: Lesson,
    },
    /// A Node heap timeline (with its recording manifest, if one is beside it).
    Timeline {
        name: String,
        timeline: Timeline,
        recording: Option<(PathBuf, Recording)>,
    },
    Error {
        title: String,
        text: String,
    },
}

fn error(path: &Path, text: impl Into<String>) -> Opened {
    Opened::Error { title: format!("cannot open {}", path.display()), text: text.into() }
}

/// The extensions the open dialog lists.
pub const EXTENSIONS: &[&str] = FileKind::EXTENSIONS;

/// Open a file or a recording folder from disk.
pub fn open_path(path: &Path) -> Opened {
    if path.is_dir() {
        let timeline = path.join(node_heap::record::TIMELINE);
        if timeline.is_file() {
            return open_timeline(&timeline);
        }
        return error(
            path,
            format!("{}: a folder (open a file, or a Node recording folder holding timeline.jsonl)", path.display()),
        );
    }
    // Like `ccs`: a path below programs/ that is not on disk is a bundled file.
    if !path.exists()
        && let Some(bundled) = ccs_programs::bundled_path(path)
    {
        return open_bundled(bundled);
    }
    match extension(path).as_str() {
        // Assembled from disk, so that `.include` finds its files.
        "asm" => assemble(path, &FileSystem),
        "jsonl" => open_timeline(path),
        // A scenario's program is found beside it, or among the bundled programs.
        _ => match ccs_files::read_text(path) {
            Ok(text) => open_text(path, &text),
            Err(e) => error(path, e.to_string()),
        },
    }
}

/// A bundled program or scenario by its path below `programs/`; a source's
/// `.include`s and a scenario's program come from the bundled files too.
pub fn open_bundled(path: &str) -> Opened {
    let Some(text) = ccs_programs::file(path) else {
        return error(Path::new(path), format!("no bundled file {path:?}"));
    };
    let sources = ccs_programs::sources();
    let path = Path::new(path);
    match FileKind::sniff(path, text) {
        Some(FileKind::Source) => assemble(path, &sources),
        Some(FileKind::Lesson) => open_lesson(path, text, lesson::Origin::Bundled),
        _ => open_text_with(path, text, &sources),
    }
}

/// Open text as a file named `path` (tests, drag and drop). A scenario's program is
/// read from the disk, or from the bundled programs.
pub fn open_text(path: &Path, text: &str) -> Opened {
    open_text_with(path, text, &ccs_programs::DiskThenBundled)
}

/// Open text as a file named `path`; a scenario's program is read through `sources`.
fn open_text_with(path: &Path, text: &str, sources: &dyn Sources) -> Opened {
    match FileKind::sniff(path, text) {
        Some(FileKind::Source) => assemble(path, &MemorySources::new().with(path, text)),
        Some(FileKind::Image) => open_image(path, text),
        Some(FileKind::Lesson) => open_lesson(path, text, lesson::Origin::Disk),
        Some(FileKind::Map) => open_map(path, text),
        Some(FileKind::Script) => match ccs_files::parse_script(path, text) {
            Ok(script) if script.script.run.is_some() => open_scenario(path, script, sources),
            Ok(script) => Opened::Script { name: path.display().to_string(), script },
            Err(e) => error(path, e.to_string()),
        },
        Some(FileKind::Timeline) => match Timeline::parse(text) {
            Ok(timeline) => Opened::Timeline { name: path.display().to_string(), timeline, recording: None },
            Err(e) => error(path, format!("{}: {e}", path.display())),
        },
        None => error(path, FileKind::unknown(path)),
    }
}

fn open_scenario(path: &Path, script: ccs_files::LoadedScript, sources: &dyn Sources) -> Opened {
    let scenario = match ccs_files::scenario_from_script(path, script, sources) {
        Ok(s) => s,
        Err(e) => return error(path, e.to_string()),
    };
    let name = scenario.program.path.display().to_string();
    let mut program = match &scenario.program.assembly {
        Some(assembly) => LoadedProgram::from_assembly(&name, assembly, scenario.target),
        None => LoadedProgram::from_image(&name, scenario.program.image.clone(), scenario.target),
    };
    program.enabled = [scenario.processors != Target::B, scenario.processors != Target::A];
    program.jumpers = Some(scenario.main_jumpers());
    let script = LoadedScript {
        name: path.display().to_string(),
        models: scenario.models(),
        inputs: scenario.script.inputs.clone(),
        end: scenario.cycles,
    };
    Opened::Scenario { program, script }
}

fn open_lesson(path: &Path, text: &str, origin: lesson::Origin) -> Opened {
    match lesson::parse(path, text, origin) {
        Ok(lesson) => Opened::Lesson { lesson },
        Err(e) => Opened::Error { title: format!("cannot open the lesson {}", path.display()), text: e.to_string() },
    }
}

fn open_map(path: &Path, text: &str) -> Opened {
    let name = path.file_stem().map_or("map".into(), |s| s.to_string_lossy().into_owned());
    match AllocationMap::parse(text, &name) {
        Ok(map) => Opened::Map { name: path.display().to_string(), map },
        // `ccs budget --map` prints `PATH:LINE:COLUMN: message`.
        Err(e) => error(path, format!("{}:{e}", path.display())),
    }
}

fn open_image(path: &Path, text: &str) -> Opened {
    let image = match ccs_files::parse_image(path, text) {
        Ok(i) => i,
        Err(e) => return error(path, e.to_string()),
    };
    // A CCS image without a header goes to A, as `ccs run` loads it; attached-memory
    // images must name their unit.
    let fallback = (image.kind == ImageKind::Ccs).then_some(Target::A);
    let target = match image.resolve_target(fallback) {
        Ok(t) => t,
        Err(e) => return error(path, format!("{}: {e}", path.display())),
    };
    let name = path.display().to_string();
    if image.kind == ImageKind::Ccs {
        Opened::Program { program: LoadedProgram::from_image(&name, image, target), warnings: Vec::new() }
    } else {
        Opened::AttachedImage { name, image, target }
    }
}

fn assemble(path: &Path, sources: &dyn Sources) -> Opened {
    let output = ccs_asm::assemble(path, sources);
    let errors = output.diagnostics.iter().any(|d| !d.kind.is_budget_finding());
    match output.assembly {
        Some(ref assembly) if !errors => {
            let name = path.display().to_string();
            let program = LoadedProgram::from_assembly(&name, assembly, Target::A);
            // A section over its own limit is a budget finding (as `ccs budget` treats
            // it): the program loads, and the budget panel shows the violation.
            let warnings = if output.diagnostics.is_empty() { Vec::new() } else { vec![output.render_diagnostics()] };
            Opened::Program { program, warnings }
        }
        // The CLI's text: `PATH could not be assembled:` and the rendered diagnostics.
        _ => error(path, format!("{} could not be assembled:\n{}", path.display(), output.render_diagnostics())),
    }
}

fn open_timeline(path: &Path) -> Opened {
    let timeline = match Timeline::read(path) {
        Ok(t) => t,
        Err(e) => return error(path, e.to_string()),
    };
    let recording = match Recording::for_timeline(path) {
        Some(Ok(r)) => path.parent().map(|dir| (dir.to_path_buf(), r)),
        Some(Err(e)) => return error(path, e.to_string()),
        None => None,
    };
    Opened::Timeline { name: path.display().to_string(), timeline, recording }
}

/// Where a loaded program came from and what the tools know about it.
#[derive(Clone, Debug)]
pub struct LoadedProgram {
    pub name: String,
    /// Images to load, with their targets (a CCS program first, then attached memories).
    pub images: Vec<(Image, Target)>,
    /// The program as the budget sees it.
    pub budget: Program,
    /// Labels by CCS address (from an assembly).
    pub labels: BTreeMap<u32, String>,
    /// Labels and constants by name (from an assembly; empty for an image).
    pub symbols: Symbols,
    /// Section names, and per word of the six memories the index of its section
    /// (`u16::MAX`: none).
    pub sections: Vec<String>,
    pub section_of: Vec<u16>,
    /// Which processors run after a reset.
    pub enabled: [bool; 2],
    /// Jumpers the running processors get at every reset (a scenario's); all RW if none.
    pub jumpers: Option<Jumpers>,
    /// The assembly, with its source files, of a program assembled from source: what
    /// relocation assembles again.
    pub assembly: Option<std::sync::Arc<Assembly>>,
}

impl LoadedProgram {
    /// A program from a CCS image (or the image of an attached memory).
    pub fn from_image(name: &str, image: Image, target: Target) -> LoadedProgram {
        let budget = Program::from_image(name, &image, target);
        let mut p = LoadedProgram {
            name: name.to_string(),
            images: Vec::new(),
            budget,
            labels: BTreeMap::new(),
            symbols: Symbols::new(),
            sections: Vec::new(),
            section_of: vec![u16::MAX; ccs_core::ALL_WORDS],
            enabled: [false; 2],
            jumpers: None,
            assembly: None,
        };
        p.push_image(image, target);
        p
    }

    /// A program from an assembly, loaded into `target`'s CCS memories.
    pub fn from_assembly(name: &str, assembly: &Assembly, target: Target) -> LoadedProgram {
        let mut p = LoadedProgram::from_image(name, assembly.image().clone(), target);
        p.budget = Program::from_assembly(name, assembly, target);
        p.assembly = Some(std::sync::Arc::new(assembly.clone()));
        p.symbols = assembly.symbol_values();
        p.sections = assembly.sections().iter().map(|s| s.name.clone()).collect();
        for w in assembly.words() {
            for &x in target.units() {
                p.section_of[MemoryId::Ccs(x).slot(w.address.get())] = w.section.index() as u16;
            }
        }
        for s in assembly.symbols() {
            if s.kind == ccs_asm::SymbolKind::Label && (0..4096).contains(&s.value) {
                p.labels.entry(s.value as u32).or_insert_with(|| s.name.clone());
            }
        }
        p
    }

    fn push_image(&mut self, image: Image, target: Target) {
        if image.kind == ImageKind::Ccs {
            for x in target.units() {
                self.enabled[x.index()] = true;
            }
        }
        self.images.push((image, target));
    }

    /// The processors the CCS program is loaded into.
    pub fn ccs_target(&self) -> Option<Target> {
        self.images.iter().find(|(i, _)| i.kind == ImageKind::Ccs).map(|(_, t)| *t)
    }

    /// Add the image of an attached memory (FDS or AACS) to the program.
    pub fn add_image(&mut self, image: Image, target: Target) {
        self.budget.add_image(&image, target);
        self.push_image(image, target);
    }

    /// A CCS word as an instruction, its address operand by name when the program's
    /// source labels it: `JMP IDLE` rather than `JMP 0o0042`.
    pub fn instruction_text(&self, word: u32) -> String {
        let i = ccs_core::Instruction::decode(ccs_core::Word::wrapping(word));
        match (i.opcode.info().operand, self.labels.get(&i.field.get())) {
            (ccs_core::OperandKind::Address, Some(label)) => format!("{} {label}", i.opcode.mnemonic()),
            _ => i.to_string(),
        }
    }

    /// The section of a word, if the program's assembly placed it.
    pub fn section(&self, memory: MemoryId, addr: u32) -> Option<&str> {
        let i = *self.section_of.get(memory.slot(addr))?;
        self.sections.get(i as usize).map(String::as_str)
    }
}

/// An event script in force.
#[derive(Clone, Debug)]
pub struct LoadedScript {
    pub name: String,
    pub models: Models,
    pub inputs: Vec<TimedInput>,
    /// A scenario's length: the run pauses there once.
    pub end: Option<u64>,
}

impl Opened {
    /// One line for the log (and a lesson's `open` outcome): what was opened.
    pub fn summary(&self) -> String {
        match self {
            Opened::Program { program, .. } => {
                let words: usize = program.images.iter().map(|(i, _)| i.words.len()).sum();
                format!("loaded {}: {words} words", program.name)
            }
            Opened::AttachedImage { name, image, target } => format!(
                "loaded {name}: {} words ({}, target {})",
                image.words.len(),
                image.kind.header_name(),
                target.name()
            ),
            Opened::Scenario { program, script } => format!(
                "scenario {}: {}, {} events{}{}; machine reset",
                script.name,
                program.name,
                script.inputs.len(),
                program.jumpers.map_or(String::new(), |j| format!(", jumpers {j}")),
                script.end.map_or(String::new(), |c| format!(", runs {}", ccs_core::SpacecraftTime(c))),
            ),
            Opened::Script { name, script } => {
                format!("event script {name}: {} events scheduled; machine reset", script.inputs.len())
            }
            Opened::Map { name, .. } => format!("allocation map {name}"),
            Opened::Lesson { lesson } => {
                format!("lesson {}: {:?}, {} steps", lesson.name, lesson.title, lesson.steps.len())
            }
            Opened::Timeline { name, timeline, .. } => {
                format!("Node heap timeline {name}: {} samples", timeline.samples.len())
            }
            Opened::Error { title, text } => format!("{title}: {text}"),
        }
    }
}

/// The machine a program and a script make: the one door ([`MachineSetup`]) for the
/// desktop app and [`Headless`](crate::Headless) alike.
pub fn machine_setup(program: Option<&LoadedProgram>, script: Option<&LoadedScript>) -> MachineSetup {
    let mut setup = MachineSetup::new();
    let mut processors = Processors::None;
    if let Some(p) = program {
        for (image, target) in &p.images {
            // Targets were resolved when the program was loaded.
            let _ = setup.add_image(image.clone(), *target);
        }
        processors = ProcId::BOTH.into_iter().filter(|x| p.enabled[x.index()]).collect();
        if let Some(j) = p.jumpers {
            setup.set_jumpers(processors, j);
        }
        setup = setup.with_symbols(p.symbols.clone());
    }
    setup = setup.with_processors(processors);
    if let Some(s) = script {
        setup = setup.with_models(s.models).with_events(s.inputs.iter().copied());
    }
    setup
}

/// The dead words of the CCS memory a program is laid out in (its first processor's),
/// with their patterns.
pub fn dead_layout_words(program: &LoadedProgram, machine: &Machine) -> BTreeMap<u32, u32> {
    let Some(target) = program.ccs_target() else {
        return BTreeMap::new();
    };
    let memory = ccs_budget::layout_memory(target);
    machine
        .craft
        .faults
        .iter()
        .filter_map(|(m, a, f)| match f {
            ccs_core::WordFault::Dead { pattern } if m == memory => Some((a, pattern)),
            _ => None,
        })
        .collect()
}

/// A program laid out again around dead words (`ccs relocate`).
pub struct Relocated {
    pub program: LoadedProgram,
    /// What was done, for the log.
    pub text: String,
    /// The budget's findings when the relocated program does not fit.
    pub findings: Option<String>,
    /// The dead ranges to kill again once the relocated program is loaded: memory and
    /// `(start, len, pattern)`.
    pub dead: (MemoryId, Vec<(u32, u32, u32)>),
}

/// Relocate `program` around the dead words of its layout memory in `machine`.
pub fn relocate(program: &LoadedProgram, map: &AllocationMap, machine: &Machine) -> Result<Relocated, String> {
    let (Some(assembly), Some(target)) = (program.assembly.clone(), program.ccs_target()) else {
        return Err(format!("{}: relocation assembles the program again: open its source (.asm)", program.name));
    };
    let dead = dead_layout_words(program, machine);
    let memory = ccs_budget::layout_memory(target);
    if dead.is_empty() {
        return Err(format!("no dead words in {}: kill a range first (Inspector, Kill range)", memory.name()));
    }
    let words: BTreeSet<u32> = dead.keys().copied().collect();
    let relocation =
        ccs_budget::relocate_assembly(&assembly, map, target, &words).map_err(|e| format!("{}: {e}", program.name))?;
    let name = program.name.clone();
    let mut relocated = LoadedProgram::from_assembly(&name, &relocation.assembly, target);
    relocated.enabled = program.enabled;
    relocated.jumpers = program.jumpers;
    for (image, t) in program.images.iter().filter(|(i, _)| i.kind != ImageKind::Ccs) {
        relocated.add_image(image.clone(), *t);
    }
    let fits = if relocation.budget.fits() { "the budget fits" } else { "the budget does NOT fit" };
    let text = format!(
        "relocated {name} around {} dead words: {} words moved, {fits}; machine restarted",
        dead.len(),
        relocation.words_moved
    );
    let findings = (!relocation.budget.fits()).then(|| relocation.budget.to_text());
    Ok(Relocated { program: relocated, text, findings, dead: (memory, runs(&dead)) })
}

/// Consecutive words with the same pattern, as `(start, len, pattern)`.
fn runs(words: &BTreeMap<u32, u32>) -> Vec<(u32, u32, u32)> {
    let mut out: Vec<(u32, u32, u32)> = Vec::new();
    for (&addr, &pattern) in words {
        match out.last_mut() {
            Some((start, len, p)) if *start + *len == addr && *p == pattern => *len += 1,
            _ => out.push((addr, 1, pattern)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operands_are_named_by_the_source_labels() {
        let Opened::Program { program, .. } = open_bundled("tick.asm") else { panic!("tick.asm opens") };
        // 0o43: JMP IDLE; 0o47: LDA TICKS; 0o41: EIN (no operand).
        let word = |a: u32| program.images[0].0.words.iter().find(|w| w.0 == a).map(|w| w.1).unwrap();
        assert_eq!(program.instruction_text(word(0o43)), "JMP IDLE");
        assert_eq!(program.instruction_text(word(0o47)), "LDA TICKS");
        assert_eq!(program.instruction_text(word(0o41)), "EIN");
        let Opened::Program { program, .. } = open_bundled("tick.img") else { panic!("tick.img opens") };
        assert_eq!(program.instruction_text(0o004210), "JMP 0o0042", "an image has no labels");
    }

    #[test]
    fn runs_group_consecutive_words_of_one_pattern() {
        let words = BTreeMap::from([(1, 7), (2, 7), (3, 5), (5, 5), (6, 5)]);
        assert_eq!(runs(&words), vec![(1, 2, 7), (3, 1, 5), (5, 2, 5)]);
        assert!(runs(&BTreeMap::new()).is_empty());
    }

    #[test]
    fn each_kind_of_file_is_recognised() {
        assert!(matches!(open_text(Path::new("t.img"), ccs_programs::TICK.text), Opened::Program { .. }));
        assert!(matches!(open_text(Path::new("m.ron"), ccs_programs::VOYAGER_MAP), Opened::Map { .. }));
        let script = "(models: (aacs_heartbeat: true), events: [(seconds: 1.0, source: parity, processor: A)])";
        match open_text(Path::new("s.ron"), script) {
            Opened::Script { script, .. } => assert_eq!(script.inputs.len(), 1),
            other => panic!("{other:?}"),
        }
        let fds = "# fds-image v1 target=B\n00000 000001\n";
        assert!(matches!(open_text(Path::new("f.img"), fds), Opened::AttachedImage { target: Target::B, .. }));
        let timeline = node_heap::record::RECORDED_BOUNDED_TIMELINE;
        assert!(matches!(open_text(Path::new("t.jsonl"), timeline), Opened::Timeline { .. }));
        match open_text(Path::new("x.asm"), "        .section FIXED, 1\n        NOP\n        NOP\n") {
            Opened::Program { warnings, .. } => {
                assert_eq!(warnings.len(), 1);
                assert!(warnings[0].contains("section-over-limit"), "{}", warnings[0]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_bundled_path_opens_from_any_folder_and_a_missing_one_says_so() {
        match open_path(Path::new("programs/scenarios/no-such-folder/../cruise-week.ron")) {
            Opened::Scenario { program, script } => {
                assert_eq!(program.name, "flight/load.asm");
                assert_eq!(script.name, "scenarios/cruise-week.ron");
            }
            other => panic!("{other:?}"),
        }
        let Opened::Error { text, .. } = open_path(Path::new("scenarios/nowhere.ron")) else { panic!() };
        assert!(text.contains("scenarios/nowhere.ron"), "{text}");
    }

    #[test]
    fn a_map_error_has_the_position_like_the_cli() {
        let Opened::Error { text, .. } =
            open_text(Path::new("m.ron"), "(memories: [\n  (memory: \"CCS-Q\", regions: [])])")
        else {
            panic!()
        };
        assert!(text.starts_with("m.ron:2:"), "{text}");
        assert!(text.contains("unknown memory \"CCS-Q\""), "{text}");
    }
}
