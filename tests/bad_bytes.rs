//! Arbitrary bytes, and valid files with random edits, fed to every parser the tools
//! read files with: the assembler, images, allocation maps, event scripts, scenarios
//! and vector files. Each must answer without a panic, and a refusal must say where
//! (file, line, column). Time is bounded by the inputs' size (at most a few KiB here),
//! and what an error costs is bounded too: the assembler's rendered diagnostics stay
//! under a fixed size whatever the input.
//!
//! Node timelines and heap snapshots are tested in `crates/node-heap`; the lesson
//! format (in the desktop app) is not covered here.

use proptest::prelude::*;
use std::path::Path;
use std::sync::OnceLock;
use voyager_ccs::asm::{self, ErrorKind, MAX_DIAGNOSTICS, MAX_SNIPPET_LINE, MemorySources, TextError};
use voyager_ccs::files::{self, FileError};

/// Valid files to start from.
const SOURCE: &str = include_str!("../programs/tick.asm");
const IMAGE: &str = include_str!("../programs/tick.img");
const MAP: &str = include_str!("../programs/voyager.ron");
const EVENTS_RON: &str = "(models: (aacs_heartbeat: true, uplink: true),\n events: [\n  (seconds: 1.5, source: uplink, value: 0o17),\n  (time: 900, source: flip_bit, memory: \"ccs_a\", addr: 0o40, bit: 3),\n  (seconds: 2, source: dead_range, memory: \"fds_b\", addr: 8000, len: 10),\n ])\n";
const EVENTS_JSON: &str = "{\"events\": [\n {\"time\": 10, \"source\": \"parity\", \"processor\": \"B\"},\n {\"seconds\": 1, \"source\": \"device_fail\", \"device\": \"x_band_twta\", \"unit\": 0}\n]}\n";
const SCENARIO: &str = "// A test scenario.\n(\n run: (program: \"../tick.img\", jumpers: (WP, RW, RW), duration: \"2s\"),\n models: (aacs_heartbeat: true),\n events: [(seconds: 1, source: halt, processor: A)],\n)\n";

/// The first two vectors of a public file.
fn vectors_seed() -> &'static str {
    static SEED: OnceLock<String> = OnceLock::new();
    SEED.get_or_init(|| {
        let text = include_str!("vectors/public/50.json");
        let lines: Vec<&str> = text.lines().take(3).collect();
        format!("{}\n{}\n{}\n]\n", lines[0], lines[1], lines[2].trim_end_matches(','))
    })
}

/// `seed` with up to eight random edits: bytes replaced, inserted, deleted or
/// repeated (so that numbers grow long, brackets go missing, lines double).
fn mutated(seed: &'static str) -> impl Strategy<Value = Vec<u8>> {
    let edit = (any::<prop::sample::Index>(), any::<u8>(), 0u8..4, 1usize..48);
    prop::collection::vec(edit, 0..8).prop_map(move |edits| {
        let mut bytes = seed.as_bytes().to_vec();
        for (at, byte, kind, len) in edits {
            let i = at.index(bytes.len() + 1);
            let end = (i + len).min(bytes.len());
            match kind {
                0 if i < bytes.len() => bytes[i] = byte,
                0 | 1 => bytes.insert(i, byte),
                2 => {
                    bytes.drain(i..end);
                }
                _ => {
                    let piece = bytes[i..end].to_vec();
                    bytes.splice(i..i, piece);
                }
            }
        }
        bytes
    })
}

/// Random bytes, or a seed file with random edits.
fn input(seed: &'static str) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![1 => prop::collection::vec(any::<u8>(), 0..1024), 4 => mutated(seed)]
}

/// The bytes as text, or `None` after checking that the invalid UTF-8 was located
/// exactly (the reader's error carries this location).
fn text(bytes: &[u8]) -> Option<String> {
    match asm::decode_text(bytes.to_vec()) {
        Ok(text) => Some(text),
        Err(TextError::InvalidUtf8 { line, column, offset, byte }) => {
            let before = std::str::from_utf8(&bytes[..offset]).expect("everything before it is UTF-8");
            assert_eq!(bytes[offset], byte);
            assert_eq!(line, before.matches('\n').count() + 1);
            assert_eq!(column, before.rsplit('\n').next().unwrap().chars().count() + 1);
            None
        }
        Err(e) => panic!("decoding gave {e}"),
    }
}

/// Lines a located error may point at: every line, and the end of the file.
fn lines(text: &str) -> usize {
    text.lines().count() + 1
}

/// A syntax error inside `text`, naming `path`.
fn assert_located(e: &FileError, path: &str, text: &str) {
    match e {
        FileError::Syntax { path: p, line, column, .. } => {
            assert_eq!(p, Path::new(path), "{e}");
            assert!((1..=lines(text)).contains(line) && *column >= 1, "{e} in {} lines", lines(text));
        }
        other => panic!("expected a located error, got {other:?}"),
    }
}

/// Bundled programs, for scenarios to name.
fn bundled() -> &'static MemorySources {
    static SOURCES: OnceLock<MemorySources> = OnceLock::new();
    SOURCES.get_or_init(voyager_ccs::programs::sources)
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_assembler_locates_every_error_and_bounds_its_report(bytes in input(SOURCE)) {
        let Some(text) = text(&bytes) else { return Ok(()) };
        let out = asm::assemble("main.asm", &MemorySources::new().with("main.asm", text.as_str()));
        prop_assert!(out.diagnostics.len() <= MAX_DIAGNOSTICS);
        prop_assert_eq!(out.assembly.is_none(), out.has_errors());
        for d in &out.diagnostics {
            let location = d.location.as_ref();
            prop_assert!(location.is_some() || d.kind == ErrorKind::MainFileUnreadable, "{d:?}");
            if let Some(l) = location {
                let file = out.files.get(l.file).expect("a file of this run");
                prop_assert!(l.line <= file.line_count() && l.column >= 1, "{d:?}");
                prop_assert!(l.span.end <= file.text().len(), "{d:?}");
            }
        }
        // Fifty diagnostics of at most a few lines of at most MAX_SNIPPET_LINE each.
        let rendered = out.render_diagnostics();
        prop_assert!(rendered.len() <= MAX_DIAGNOSTICS * (8 * MAX_SNIPPET_LINE + 1024) + 64, "{} bytes", rendered.len());
        if out.omitted > 0 {
            let summary = format!("… and {} more errors", out.omitted);
            prop_assert!(rendered.contains(&summary));
        }
    }

    #[test]
    fn images_refuse_with_a_line(bytes in input(IMAGE)) {
        let Some(text) = text(&bytes) else { return Ok(()) };
        if let Err(e) = files::parse_image(Path::new("t.img"), &text) {
            assert_located(&e, "t.img", &text);
        }
    }

    #[test]
    fn maps_refuse_with_a_position(bytes in input(MAP)) {
        let Some(text) = text(&bytes) else { return Ok(()) };
        if let Err(e) = voyager_ccs::budget::AllocationMap::parse(&text, "m") {
            match e.position() {
                Some(p) => prop_assert!((1..=lines(&text)).contains(&p.line) && p.column >= 1, "{e}"),
                // The one error about the whole map rather than a place in it.
                None => prop_assert!(matches!(e, voyager_ccs::budget::MapError::MissingMemory { .. }), "{e}"),
            }
        }
    }

    #[test]
    fn event_scripts_refuse_with_a_line_and_column(ron in input(EVENTS_RON), json in input(EVENTS_JSON)) {
        for (path, bytes) in [("e.ron", ron), ("e.json", json)] {
            let Some(text) = text(&bytes) else { continue };
            match files::parse_script(Path::new(path), &text) {
                Ok(script) => prop_assert_eq!(script.inputs.len(), script.script.events.len()),
                Err(e) => assert_located(&e, path, &text),
            }
        }
    }

    #[test]
    fn scenarios_refuse_with_a_place(bytes in input(SCENARIO)) {
        let Some(text) = text(&bytes) else { return Ok(()) };
        let path = Path::new("scenarios/s.ron");
        let script = match files::parse_script(path, &text) {
            Ok(s) => s,
            Err(e) => {
                assert_located(&e, "scenarios/s.ron", &text);
                return Ok(());
            }
        };
        match files::scenario_from_script(path, script, bundled()) {
            Ok(s) => {
                let mut m = s.machine();
                m.run_until(s.cycles.unwrap_or(0).min(1000));
            }
            // About the scenario, or about its program, which it names.
            Err(FileError::Invalid { path: p, .. }) | Err(FileError::Syntax { path: p, .. }) => {
                prop_assert!(p == path || p.starts_with("scenarios") || p.extension().is_some(), "{}", p.display());
            }
            Err(e) => prop_assert!(false, "{e}"),
        }
    }

    #[test]
    fn vector_files_refuse_with_a_line_and_column_and_run_what_they_parse(bytes in input(vectors_seed())) {
        let Some(text) = text(&bytes) else { return Ok(()) };
        match voyager_ccs::vectors::parse_vectors(Path::new("v.json"), &text) {
            Ok(vectors) => {
                for v in &vectors {
                    let _ = v.run();
                }
            }
            Err(e) => assert_located(&e, "v.json", &text),
        }
    }
}

#[test]
fn the_seeds_themselves_are_accepted() {
    assert!(asm::assemble_str("tick.asm", SOURCE).diagnostics.is_empty());
    files::parse_image(Path::new("t.img"), IMAGE).unwrap();
    voyager_ccs::budget::AllocationMap::parse(MAP, "voyager").unwrap();
    files::parse_script(Path::new("e.ron"), EVENTS_RON).unwrap();
    files::parse_script(Path::new("e.json"), EVENTS_JSON).unwrap();
    let path = Path::new("scenarios/s.ron");
    let script = files::parse_script(path, SCENARIO).unwrap();
    files::scenario_from_script(path, script, bundled()).unwrap();
    assert_eq!(voyager_ccs::vectors::parse_vectors(Path::new("v.json"), vectors_seed()).unwrap().len(), 2);
}
