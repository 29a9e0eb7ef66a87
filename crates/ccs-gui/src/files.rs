//! Reading what the user opens: assembly sources, images, event scripts, allocation
//! maps, lessons, Node timelines and recording folders. Every failure becomes an
//! [`Opened::Error`] with the text the CLI prints for it; nothing here panics.

use crate::lesson;
use crate::state::{LoadedProgram, LoadedScript};
use ccs_asm::{FileSystem, MemorySources, Sources};
use ccs_budget::AllocationMap;
use ccs_core::{Image, ImageKind, Target};
use node_heap::Timeline;
use node_heap::record::Recording;
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
        lesson: crate::lesson::Lesson,
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
pub const EXTENSIONS: &[&str] = &["asm", "img", "ron", "json", "jsonl"];

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

fn extension(path: &Path) -> String {
    path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase()
}

/// A bundled program or scenario by its path below `programs/`; a source's
/// `.include`s and a scenario's program come from the bundled files too.
pub fn open_bundled(path: &str) -> Opened {
    let Some(text) = ccs_programs::file(path) else {
        return error(Path::new(path), format!("no bundled file {path:?}"));
    };
    let sources = ccs_programs::sources();
    let path = Path::new(path);
    match extension(path).as_str() {
        "asm" => assemble(path, &sources),
        "ron" if lesson::looks_like_lesson(text) => open_lesson(path, text, lesson::Origin::Bundled),
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
    match extension(path).as_str() {
        "asm" => assemble(path, &MemorySources::new().with(path, text)),
        "img" => open_image(path, text),
        // Before the map test: a lesson's text may well mention memories.
        "ron" if lesson::looks_like_lesson(text) => open_lesson(path, text, lesson::Origin::Disk),
        "ron" | "json" if looks_like_map(text) => open_map(path, text),
        "ron" | "json" => match ccs_files::parse_script(path, text) {
            Ok(script) if script.script.run.is_some() => open_scenario(path, script, sources),
            Ok(script) => Opened::Script { name: path.display().to_string(), script },
            Err(e) => error(path, e.to_string()),
        },
        "jsonl" => match Timeline::parse(text) {
            Ok(timeline) => Opened::Timeline { name: path.display().to_string(), timeline, recording: None },
            Err(e) => error(path, format!("{}: {e}", path.display())),
        },
        _ => error(
            path,
            format!(
                "{}: unknown kind of file: open an assembly source (.asm), a memory image (.img), an event script \
                 (.ron, .json), an allocation map (.ron), a lesson (.ron), a Node timeline (.jsonl) or a recording \
                 folder",
                path.display()
            ),
        ),
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

/// An allocation map has `memories`; an event script has `events` and `models`.
fn looks_like_map(text: &str) -> bool {
    text.contains("memories")
}

fn open_lesson(path: &Path, text: &str, origin: lesson::Origin) -> Opened {
    match lesson::parse(path, text, origin) {
        Ok(lesson) => Opened::Lesson { lesson },
        Err(e) => Opened::Error { title: format!("cannot open the lesson {}", path.display()), text: e },
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

/// One row of the open dialog's listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirEntry {
    pub name: String,
    pub path: PathBuf,
    pub is_dir: bool,
}

/// The folders and openable files of a folder, folders first, by name.
pub fn list_dir(dir: &Path) -> Result<Vec<DirEntry>, String> {
    let read = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut out: Vec<DirEntry> = read
        .filter_map(Result::ok)
        .filter_map(|e| {
            let path = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            let is_dir = path.is_dir();
            if name.starts_with('.') {
                return None;
            }
            (is_dir || EXTENSIONS.contains(&extension(&path).as_str())).then_some(DirEntry { name, path, is_dir })
        })
        .collect();
    out.sort_by_key(|e| (!e.is_dir, e.name.to_lowercase()));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn the_dialog_lists_folders_first_and_only_openable_files() {
        let dir = std::env::temp_dir().join(format!("ccs-gui-list-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        for f in ["b.asm", "a.img", "notes.txt", ".hidden.asm"] {
            std::fs::write(dir.join(f), "").unwrap();
        }
        let names: Vec<String> = list_dir(&dir).unwrap().into_iter().map(|e| e.name).collect();
        assert_eq!(names, ["sub", "a.img", "b.asm"]);
        assert!(list_dir(&dir.join("missing")).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
