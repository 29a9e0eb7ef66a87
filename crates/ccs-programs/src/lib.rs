//! Programs bundled with the tools (compiled in, so `ccs demo`, the desktop app and the
//! benchmarks work from any directory). The files themselves live in `programs/`; every
//! `.asm`, `.img`, `.ron`, `.json` and `.md` file there is bundled (see `build.rs`).

use ccs_core::{Image, ImageKind};

pub mod flight;

include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

/// A bundled file by its path below `programs/` (`"flight/load.asm"`).
pub fn file(path: &str) -> Option<&'static str> {
    FILES.iter().find(|(p, _)| *p == path).map(|(_, t)| *t)
}

/// Bundled files below a folder (`"scenarios/"`), in path order.
pub fn files_in(folder: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    FILES.iter().filter(move |(p, _)| p.starts_with(folder)).copied()
}

/// Every bundled file as assembler sources, so a bundled program with `.include`s
/// assembles from memory: `assemble("flight/load.asm")`.
pub fn sources() -> ccs_asm::MemorySources {
    let mut s = ccs_asm::MemorySources::new();
    for (path, text) in FILES {
        s.insert(path, *text);
    }
    s
}

/// The bundled file a path names, below `programs/` or with that prefix:
/// `scenarios/x.ron`, `programs/scenarios/x.ron`, `programs/flight/../scenarios/x.ron`.
pub fn bundled_path(path: &std::path::Path) -> Option<&'static str> {
    let normal = ccs_asm::normalize_path(path).to_string_lossy().replace('\\', "/");
    let below = normal.strip_prefix("programs/").unwrap_or(&normal);
    FILES.iter().find(|(p, _)| *p == below).map(|(p, _)| *p)
}

/// Reads from the disk, and falls back to the bundled files for a path that is not
/// there: `scenarios/cruise-week.ron` (or `programs/scenarios/cruise-week.ron`) works
/// from any folder.
#[derive(Clone, Copy, Debug, Default)]
pub struct DiskThenBundled;

impl ccs_asm::Sources for DiskThenBundled {
    fn read_limited(&self, path: &std::path::Path, limit: ccs_asm::ReadLimit) -> std::io::Result<String> {
        match ccs_asm::read_text_file(path, limit) {
            Ok(text) => Ok(text),
            // Only a missing file falls back: one too large or not UTF-8 is reported.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                bundled_path(path).and_then(file).map(str::to_string).ok_or(e)
            }
            Err(e) => Err(e),
        }
    }
}

/// Assemble a bundled source by its path below `programs/`.
pub fn assemble(path: &str) -> ccs_asm::AsmOutput {
    ccs_asm::assemble(path, &sources())
}

/// A bundled program.
#[derive(Clone, Copy, Debug)]
pub struct Bundled {
    /// Path below `programs/`.
    pub path: &'static str,
    pub description: &'static str,
    pub text: &'static str,
}

impl Bundled {
    /// The program as an image (bundled images are checked by this crate's tests).
    pub fn image(&self) -> Image {
        Image::parse(self.text, ImageKind::Ccs).unwrap_or_else(|e| panic!("bundled {} is broken: {e}", self.path))
    }
}

/// The worked example of spec §14: 10 ms ticks counted by a trap cell, a 1 s handler.
pub const TICK: Bundled = Bundled {
    path: "tick.img",
    description: "spec §14: level 4 counts 10 ms ticks, level 5 runs a 1 s handler",
    text: include_str!("../../../programs/tick.img"),
};

/// The benchmark's instruction mix (no idle time).
pub const MIX: Bundled = Bundled {
    path: "bench/mix.img",
    description: "benchmark: a representative instruction mix with no idle time",
    text: include_str!("../../../programs/bench/mix.img"),
};

pub const ALL: &[Bundled] = &[TICK, MIX];

/// What a catalogue entry opens as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// A CCS program (source or image).
    Program,
    /// A scenario: an event script whose `run:` block names its program.
    Scenario,
}

/// A bundled program or scenario that the tools offer by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Path below `programs/`.
    pub path: &'static str,
    pub kind: EntryKind,
    /// One line: the file's own first comment line.
    pub title: &'static str,
}

/// The programs worth running on their own, in the order the tools list them.
const PROGRAMS: [&str; 3] = ["tick.img", "flight/load.asm", "bench/mix.img"];

/// The bundled programs and scenarios offered one click away: the worked example, the
/// flight load, the benchmark mix, the validation programs, then every scenario.
pub fn catalogue() -> &'static [Entry] {
    static CATALOGUE: std::sync::OnceLock<Vec<Entry>> = std::sync::OnceLock::new();
    CATALOGUE.get_or_init(build_catalogue)
}

fn build_catalogue() -> Vec<Entry> {
    let program = |path: &'static str| Entry { path, kind: EntryKind::Program, title: title_of(path) };
    let mut entries: Vec<Entry> = PROGRAMS.iter().map(|p| program(p)).collect();
    entries.extend(
        files_in("validation/")
            .filter(|(p, _)| p.ends_with(".asm") && !p.ends_with("common.asm"))
            .map(|(p, _)| program(p)),
    );
    entries.extend(files_in("scenarios/").filter(|(p, _)| p.ends_with(".ron")).map(|(path, _)| Entry {
        path,
        kind: EntryKind::Scenario,
        title: title_of(path),
    }));
    entries
}

/// A bundled lesson (`programs/lessons/*.ron`): a guided tour of the desktop app for a
/// class, step by step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BundledLesson {
    /// Path below `programs/`.
    pub path: &'static str,
    /// One line: the file's own first comment line.
    pub title: &'static str,
}

/// The bundled lessons, in path order. They are not in the [`catalogue`], whose entries
/// are things to run: a lesson is opened by the desktop app, and runs programs itself.
pub fn lessons() -> &'static [BundledLesson] {
    static LESSONS: std::sync::OnceLock<Vec<BundledLesson>> = std::sync::OnceLock::new();
    LESSONS.get_or_init(|| {
        files_in("lessons/")
            .filter(|(p, _)| p.ends_with(".ron"))
            .map(|(path, _)| BundledLesson { path, title: title_of(path) })
            .collect()
    })
}

/// A file's first comment line, without the comment marker, a leading `NAME:` and
/// the final punctuation; the [`ALL`] description for images.
fn title_of(path: &'static str) -> &'static str {
    if let Some(b) = ALL.iter().find(|b| b.path == path) {
        return b.description;
    }
    let text = file(path).unwrap_or("");
    let line = text.lines().next().unwrap_or("");
    let line = line.trim_start_matches([';', '/', '#']).trim();
    let name = path.rsplit('/').next().unwrap_or(path);
    let line = line.strip_prefix(name).and_then(|l| l.strip_prefix(':')).map_or(line, str::trim);
    let line = line.strip_prefix("Validation:").map_or(line, str::trim);
    line.trim_end_matches(['.', ':'])
}

/// The default allocation map (`programs/voyager.ron`): Voyager's memory set region by
/// region.
pub const VOYAGER_MAP: &str = include_str!("../../../programs/voyager.ron");

/// Where [`VOYAGER_MAP`] lives below `programs/`.
pub const VOYAGER_MAP_PATH: &str = "voyager.ron";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_image_parses() {
        for b in super::ALL {
            assert!(!b.image().words.is_empty(), "{}", b.path);
        }
    }

    #[test]
    fn the_whole_folder_is_bundled_and_the_flight_load_assembles_from_it() {
        let on_disk = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../programs/flight/load.asm"));
        assert_eq!(file("flight/load.asm"), on_disk.ok().as_deref());
        assert!(files_in("scenarios/").count() >= 10);
        assert!(file("node/leaky-server.js").is_none(), "Node programs are node-heap's");
        let out = assemble("flight/load.asm");
        assert!(out.diagnostics.is_empty(), "{}", out.render_diagnostics());
        assert!(out.assembly.unwrap().words().len() > 1000);
    }

    #[test]
    fn the_catalogue_lists_runnable_programs_and_every_scenario_with_a_title() {
        let entries = catalogue();
        let paths: Vec<&str> = entries.iter().map(|e| e.path).collect();
        assert_eq!(&paths[..3], ["tick.img", "flight/load.asm", "bench/mix.img"]);
        assert!(paths.contains(&"validation/arithmetic.asm"));
        assert!(!paths.contains(&"validation/common.asm"), "an include, not a program");
        assert!(!paths.contains(&"flight/defs.asm"));
        let scenarios = entries.iter().filter(|e| e.kind == EntryKind::Scenario).count();
        assert_eq!(scenarios, files_in("scenarios/").filter(|(p, _)| p.ends_with(".ron")).count());
        let title = |p: &str| entries.iter().find(|e| e.path == p).unwrap().title;
        assert_eq!(title("scenarios/cruise-week.ron"), "A nominal cruise week");
        assert_eq!(title("flight/load.asm"), "the Voyager CCS flight software load, for both processors");
        assert_eq!(title("validation/arithmetic.asm"), "arithmetic and accumulator instructions (opcodes 50-57)");
        assert!(entries.iter().all(|e| !e.title.is_empty() && file(e.path).is_some()), "{entries:?}");
        assert!(!paths.iter().any(|p| p.starts_with("lessons/")), "lessons are not things to run");
    }

    #[test]
    fn the_lessons_are_listed_with_their_titles() {
        let lessons = lessons();
        let paths: Vec<&str> = lessons.iter().map(|l| l.path).collect();
        assert!(paths.contains(&"lessons/memory-discipline.ron"), "{paths:?}");
        assert_eq!(lessons.len(), files_in("lessons/").filter(|(p, _)| p.ends_with(".ron")).count());
        assert!(file("lessons/README.md").is_some(), "the format's documentation is bundled too");
        let title = |p: &str| lessons.iter().find(|l| l.path == p).unwrap().title;
        assert_eq!(title("lessons/memory-discipline.ron"), "Memory discipline: 69,632 bytes, and why they were enough");
        assert!(lessons.iter().all(|l| !l.title.is_empty() && !l.title.starts_with('/')), "{lessons:?}");
    }
}
