//! The files the tools share, read and written with clear errors: event scripts
//! (RON or JSON), machine snapshots, images, and atomic writes. Nothing here knows
//! about terminals or windows; the CLI and the desktop app both call it.

mod scenario;

pub use scenario::{
    Program, Scenario, assemble_session, load_program, load_scenario, open_session, scenario_from_script, title,
};

use ccs_core::script::EventScript;
use ccs_core::{Image, ImageError, ImageKind, Machine};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Anything that can go wrong with a file.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}:{line}:{column}: {message}")]
    Syntax { path: PathBuf, line: usize, column: usize, message: String },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

impl FileError {
    pub fn invalid(path: &Path, message: impl std::fmt::Display) -> FileError {
        FileError::Invalid { path: path.to_path_buf(), message: message.to_string() }
    }
}

/// Read a whole text file.
pub fn read_text(path: &Path) -> Result<String, FileError> {
    std::fs::read_to_string(path).map_err(|source| FileError::Io { path: path.to_path_buf(), source })
}

/// Write a file atomically: a temporary file in the same folder, flushed, then
/// renamed over the target. A reader sees the old file or the new one, never half.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    let mut w = AtomicFile::create(path)?;
    w.write_all(bytes).map_err(|source| FileError::Io { path: path.to_path_buf(), source })?;
    w.commit()
}

/// A file being written atomically; dropped without `commit`, it leaves no trace.
pub struct AtomicFile {
    target: PathBuf,
    temp: PathBuf,
    file: Option<std::io::BufWriter<std::fs::File>>,
}

impl AtomicFile {
    pub fn create(path: &Path) -> Result<AtomicFile, FileError> {
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = path.file_name().ok_or_else(|| FileError::invalid(path, "not a file name"))?;
        let temp = dir.join(format!(".{}.tmp{}", name.to_string_lossy(), std::process::id()));
        let file = std::fs::File::create(&temp).map_err(|source| FileError::Io { path: path.to_path_buf(), source })?;
        Ok(AtomicFile { target: path.to_path_buf(), temp, file: Some(std::io::BufWriter::new(file)) })
    }

    /// Flush, sync and rename into place.
    pub fn commit(mut self) -> Result<(), FileError> {
        let io = |source| FileError::Io { path: self.target.clone(), source };
        let file = self.file.take().expect("commit once");
        let file = file.into_inner().map_err(|e| io(e.into_error()))?;
        file.sync_all().map_err(io)?;
        std::fs::rename(&self.temp, &self.target).map_err(io)
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.as_mut().expect("not committed").write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.as_mut().expect("not committed").flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// Text format of a structured file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Ron,
    Json,
}

impl Format {
    /// By extension (`.json` or `.ron`), else by the first character (`{` or `[` is JSON).
    pub fn detect(path: &Path, text: &str) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some("json") => Format::Json,
            Some("ron") => Format::Ron,
            _ if text.trim_start().starts_with(['{', '[']) => Format::Json,
            _ => Format::Ron,
        }
    }
}

/// Deserialize RON or JSON text, with the error's line and column.
pub fn parse_structured<T: serde::de::DeserializeOwned>(path: &Path, text: &str) -> Result<T, FileError> {
    match Format::detect(path, text) {
        Format::Json => serde_json::from_str(text).map_err(|e| FileError::Syntax {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        }),
        // implicit_some: script authors write `value: 5`, not `value: Some(5)`.
        Format::Ron => ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
            .from_str(text)
            .map_err(|e| FileError::Syntax {
                path: path.to_path_buf(),
                line: e.span.start.line,
                column: e.span.start.col,
                message: e.code.to_string(),
            }),
    }
}

/// An event script checked and ready to schedule.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadedScript {
    pub script: EventScript,
    pub inputs: Vec<ccs_core::TimedInput>,
}

/// Parse and check an event script (RON or JSON; see `docs/events.md`).
pub fn parse_script(path: &Path, text: &str) -> Result<LoadedScript, FileError> {
    let script: EventScript = parse_structured(path, text)?;
    let inputs = script.inputs().map_err(|e| FileError::invalid(path, e))?;
    Ok(LoadedScript { script, inputs })
}

pub fn load_script(path: &Path) -> Result<LoadedScript, FileError> {
    parse_script(path, &read_text(path)?)
}

/// Parse an image file (CCS unless its header says otherwise).
pub fn parse_image(path: &Path, text: &str) -> Result<Image, FileError> {
    Image::parse(text, ImageKind::Ccs).map_err(|e: ImageError| FileError::invalid(path, e))
}

pub fn load_image(path: &Path) -> Result<Image, FileError> {
    parse_image(path, &read_text(path)?)
}

/// Save the whole machine state (JSON).
pub fn save_snapshot(path: &Path, machine: &Machine) -> Result<(), FileError> {
    let text = serde_json::to_string(machine).map_err(|e| FileError::invalid(path, e))?;
    write_atomic(path, text.as_bytes())
}

/// Restore a machine saved by [`save_snapshot`].
pub fn load_snapshot(path: &Path) -> Result<Machine, FileError> {
    let text = read_text(path)?;
    serde_json::from_str(&text).map_err(|e| FileError::Syntax {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ron_and_json_scripts_give_the_same_inputs() {
        let ron = "(models: (aacs_heartbeat: true), events: [(time: 1000, source: uplink, value: 0o17), (seconds: 2.0, source: parity, processor: B)])";
        let json = r#"{"models": {"aacs_heartbeat": true}, "events": [{"time": 1000, "source": "uplink", "value": 15}, {"seconds": 2.0, "source": "parity", "processor": "B"}]}"#;
        let a = parse_script(Path::new("s.ron"), ron).unwrap();
        let b = parse_script(Path::new("s.json"), json).unwrap();
        assert_eq!(a.inputs, b.inputs);
        assert_eq!(a.inputs.len(), 2);
        assert!(a.script.models.aacs_heartbeat);
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let e = parse_script(Path::new("s.ron"), "(events: [\n  (time: 1, source: nowhere, value: 1)\n])").unwrap_err();
        let FileError::Syntax { line, .. } = &e else { panic!("{e}") };
        assert_eq!(*line, 2, "{e}");
        let e = parse_script(Path::new("s.json"), "{\"events\": [\n{\"time\": -1}]}").unwrap_err();
        assert!(matches!(e, FileError::Syntax { line: 2, .. }), "{e}");
        let e = parse_script(Path::new("s.ron"), "(events: [(time: 1, source: aacs_power, value: 99)])").unwrap_err();
        assert!(e.to_string().contains("event 1: value 99"), "{e}");
    }

    #[test]
    fn snapshots_restore_the_whole_machine_and_reject_bad_files() {
        let dir = std::env::temp_dir().join(format!("ccs-files-snap-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut m = Machine::new();
        m.load_image(
            &ccs_core::Image::parse("0040 000406\n0041 010010\n", ImageKind::Ccs).unwrap(),
            Some(ccs_core::Target::A),
        )
        .unwrap();
        m.reset(ccs_core::Processors::A, ccs_core::Models { aacs_heartbeat: true, ..Default::default() });
        m.run_until(3_000_000);
        let path = dir.join("m.json");
        save_snapshot(&path, &m).unwrap();
        let mut back = load_snapshot(&path).unwrap();
        assert_eq!(back, m);
        back.run_until(9_000_000);
        m.run_until(9_000_000);
        assert_eq!(back, m);
        std::fs::write(&path, "{\"cpu\": [").unwrap();
        assert!(matches!(load_snapshot(&path), Err(FileError::Syntax { line: 1, .. })));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn atomic_write_replaces_whole_files_and_cleans_up() {
        let dir = std::env::temp_dir().join(format!("ccs-files-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out.txt");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "second");
        {
            let mut f = AtomicFile::create(&path).unwrap();
            f.write_all(b"abandoned").unwrap();
        }
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "second", "an uncommitted write must not land");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "temporary file left behind");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
