//! The files the tools share, read and written with clear errors: event scripts
//! (RON or JSON), machine snapshots, images, and atomic writes. Nothing here knows
//! about terminals or windows; the CLI and the desktop app both call it.
//!
//! Every read is capped ([`ReadLimit`]): a source, an image or a map can never be
//! large, so their limits are fixed; event scripts, scenarios, vector files and
//! snapshots get [`DEFAULT_DATA_LIMIT`], which the environment variable
//! [`MAX_INPUT_VARIABLE`] raises. Invalid UTF-8 is reported with its line and column.

pub mod kind;
mod scenario;

pub use ccs_asm::{ReadLimit, SOURCE_LIMIT, TextError};
pub use kind::FileKind;
pub use scenario::{
    Program, Scenario, assemble_session, load_program, load_scenario, open_session, scenario_from_script, title,
};

use ccs_core::script::EventScript;
use ccs_core::{Image, ImageError, ImageKind, Machine};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A memory image: 4 MiB, a hundred times the largest (an FDS memory of 8192 words
/// with a comment on every line).
pub const IMAGE_LIMIT: ReadLimit = ReadLimit { bytes: 4 << 20, what: "a memory image" };

/// An allocation map: 1 MiB, two hundred times Voyager's.
pub const MAP_LIMIT: ReadLimit = ReadLimit { bytes: 1 << 20, what: "an allocation map" };

/// Event scripts, scenarios, vector files and snapshots: 64 MiB by default (about a
/// million events), raised by [`MAX_INPUT_VARIABLE`].
pub const DEFAULT_DATA_LIMIT: u64 = 64 << 20;

/// The environment variable that raises [`DEFAULT_DATA_LIMIT`]: a size such as
/// `256MiB` or `1GB`, or a number of bytes.
pub const MAX_INPUT_VARIABLE: &str = "CCS_MAX_INPUT";

/// The limit for a data file (script, scenario, vectors, snapshot), `what` it is.
pub fn data_limit(what: &'static str) -> Result<ReadLimit, FileError> {
    let bytes = match std::env::var(MAX_INPUT_VARIABLE) {
        Err(_) => DEFAULT_DATA_LIMIT,
        Ok(text) => {
            parse_size(&text).map_err(|message| FileError::Environment { variable: MAX_INPUT_VARIABLE, message })?
        }
    };
    Ok(ReadLimit { bytes, what })
}

/// A size as people write it: `1GiB`, `500MB`, `64 MiB`, or a number of bytes.
pub fn parse_size(text: &str) -> Result<u64, String> {
    text.trim()
        .parse::<bytesize::ByteSize>()
        .map(|b| b.as_u64())
        .map_err(|_| format!("{:?} is not a size such as 1GiB, 500MB or 1000000", ccs_core::abbreviate(text)))
}

/// [`data_limit`] for event scripts and scenarios.
pub fn script_limit() -> Result<ReadLimit, FileError> {
    data_limit("an event script or scenario (set CCS_MAX_INPUT to raise it)")
}

/// Anything that can go wrong with a file.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}:{line}:{column}: {message}")]
    Syntax { path: PathBuf, line: usize, column: usize, message: String },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("{variable}: {message}")]
    Environment { variable: &'static str, message: String },
}

impl FileError {
    pub fn invalid(path: &Path, message: impl std::fmt::Display) -> FileError {
        FileError::Invalid { path: path.to_path_buf(), message: message.to_string() }
    }

    /// An I/O error on `path`; invalid UTF-8 becomes a [`FileError::Syntax`] at its
    /// line and column.
    pub fn io(path: &Path, source: std::io::Error) -> FileError {
        match TextError::of(&source) {
            Some(&TextError::InvalidUtf8 { line, column, offset, byte }) => FileError::Syntax {
                path: path.to_path_buf(),
                line,
                column,
                message: format!("invalid UTF-8 (byte 0x{byte:02X} at offset {offset}): text files must be UTF-8"),
            },
            _ => FileError::Io { path: path.to_path_buf(), source },
        }
    }

    /// A JSON error at its line and column (without serde_json's own "at line L
    /// column C" after the message). serde_json says column 0 for an error at a line's
    /// end; columns here start at 1.
    pub fn json(path: &Path, e: &serde_json::Error) -> FileError {
        let message = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = message.strip_suffix(&suffix).map_or(message.clone(), str::to_string);
        FileError::Syntax { path: path.to_path_buf(), line: e.line().max(1), column: e.column().max(1), message }
    }

    /// An image error, at its line when it has one.
    pub fn image(path: &Path, e: ImageError) -> FileError {
        match e.line() {
            Some(line) => {
                let text = e.to_string();
                let prefix = format!("line {line}: ");
                let message = text.strip_prefix(&prefix).map_or(text.clone(), str::to_string);
                FileError::Syntax { path: path.to_path_buf(), line, column: 1, message }
            }
            None => FileError::invalid(path, e),
        }
    }
}

/// Read a whole text file of at most `limit` bytes.
pub fn read_text_limited(path: &Path, limit: ReadLimit) -> Result<String, FileError> {
    ccs_asm::read_text_file(path, limit).map_err(|e| FileError::io(path, e))
}

/// Read a whole text file (at most the [`data_limit`]).
pub fn read_text(path: &Path) -> Result<String, FileError> {
    read_text_limited(path, data_limit("a text file (set CCS_MAX_INPUT to raise it)")?)
}

/// Write a file atomically: a temporary file in the same folder, flushed, then
/// renamed over the target. A reader sees the old file or the new one, never half.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    let mut w = AtomicFile::create(path)?;
    w.write_all(bytes).map_err(|source| FileError::Io { path: path.to_path_buf(), source })?;
    w.commit()
}

/// Temporary files of atomic writes not yet committed or abandoned, for
/// [`remove_unfinished_outputs`].
static UNFINISHED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn unfinished() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    // A panic while the list was held leaves it usable: it is only a list of paths.
    UNFINISHED.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Delete the temporary file of every atomic write in progress, and return how many
/// there were. For a signal handler that ends the process (SIGINT, SIGTERM), which
/// skips the destructors that would otherwise clean up.
pub fn remove_unfinished_outputs() -> usize {
    let mut list = unfinished();
    for temp in list.iter() {
        let _ = std::fs::remove_file(temp);
    }
    std::mem::take(&mut *list).len()
}

/// Follow `path` through symbolic links to the file they name (which need not exist
/// yet), so that an atomic write replaces that file and keeps the links.
fn through_links(path: &Path) -> Result<PathBuf, FileError> {
    let mut current = path.to_path_buf();
    // As many links as Linux follows before it gives up (ELOOP).
    for _ in 0..40 {
        match std::fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = std::fs::read_link(&current).map_err(|e| FileError::io(path, e))?;
                current = match current.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(FileError::invalid(path, "too many levels of symbolic links"))
}

/// A file being written atomically; dropped without `commit`, it leaves no trace.
/// It replaces the file a symbolic link points to (the link stays), and the new file
/// keeps the old one's permissions. A target that exists and is not a regular file
/// (`/dev/null`, `/dev/stdout`, a named pipe) is written in place: renaming over it
/// would replace the device itself, which as root turns `/dev/null` into a file.
pub struct AtomicFile {
    /// The path as given, for messages.
    shown: PathBuf,
    /// The file that is replaced (`shown` with its links followed).
    target: PathBuf,
    /// The temporary file renamed over `target`; `None` when writing in place.
    temp: Option<PathBuf>,
    file: Option<std::io::BufWriter<std::fs::File>>,
    permissions: Option<std::fs::Permissions>,
}

impl AtomicFile {
    /// Open the temporary file. Fails at once, before any work, when the target is a
    /// folder or its folder cannot be written.
    pub fn create(path: &Path) -> Result<AtomicFile, FileError> {
        let target = through_links(path)?;
        let existing = std::fs::metadata(&target).ok();
        if existing.as_ref().is_some_and(|m| m.is_dir()) {
            return Err(FileError::invalid(path, "is a folder: give the name of a file to write"));
        }
        if existing.as_ref().is_some_and(|m| !m.is_file()) {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(&target)
                .map_err(|source| FileError::Io { path: path.to_path_buf(), source })?;
            return Ok(AtomicFile {
                shown: path.to_path_buf(),
                target,
                temp: None,
                file: Some(std::io::BufWriter::new(file)),
                permissions: None,
            });
        }
        let name = target.file_name().ok_or_else(|| FileError::invalid(path, "names no file to write"))?;
        let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        static COUNT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let temp = dir.join(format!(".{}.tmp{}-{n}", name.to_string_lossy(), std::process::id()));
        // Listed before it exists, so that a signal can never leave it behind.
        unfinished().push(temp.clone());
        let file = match std::fs::File::create_new(&temp) {
            Ok(f) => f,
            Err(source) => {
                forget(&temp);
                return Err(FileError::Io { path: path.to_path_buf(), source });
            }
        };
        Ok(AtomicFile {
            shown: path.to_path_buf(),
            target,
            temp: Some(temp),
            file: Some(std::io::BufWriter::new(file)),
            permissions: existing.map(|m| m.permissions()),
        })
    }

    /// Flush, sync and rename into place. On failure the temporary file is removed.
    pub fn commit(mut self) -> Result<(), FileError> {
        let result = self.finish();
        if let Some(temp) = &self.temp {
            if result.is_err() {
                let _ = std::fs::remove_file(temp);
            }
            forget(temp);
        }
        result
    }

    fn finish(&mut self) -> Result<(), FileError> {
        let io = |source| FileError::Io { path: self.shown.clone(), source };
        let file = self.file.take().expect("commit once");
        let file = file.into_inner().map_err(|e| io(e.into_error()))?;
        let Some(temp) = &self.temp else { return Ok(()) };
        if let Some(permissions) = self.permissions.clone() {
            file.set_permissions(permissions).map_err(io)?;
        }
        file.sync_all().map_err(io)?;
        std::fs::rename(temp, &self.target).map_err(io)
    }
}

/// Take `temp` off the list of unfinished outputs.
fn forget(temp: &Path) {
    let mut list = unfinished();
    if let Some(i) = list.iter().position(|p| p == temp) {
        list.swap_remove(i);
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
        if let (Some(_), Some(temp)) = (self.file.take(), &self.temp) {
            let _ = std::fs::remove_file(temp);
            forget(temp);
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
        Format::Json => serde_json::from_str(text).map_err(|e| FileError::json(path, &e)),
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
    parse_script(path, &read_text_limited(path, script_limit()?)?)
}

/// Parse an image file (CCS unless its header says otherwise).
pub fn parse_image(path: &Path, text: &str) -> Result<Image, FileError> {
    Image::parse(text, ImageKind::Ccs).map_err(|e| FileError::image(path, e))
}

pub fn load_image(path: &Path) -> Result<Image, FileError> {
    parse_image(path, &read_text_limited(path, IMAGE_LIMIT)?)
}

/// Save the whole machine state (JSON).
pub fn save_snapshot(path: &Path, machine: &Machine) -> Result<(), FileError> {
    let text = serde_json::to_string(machine).map_err(|e| FileError::invalid(path, e))?;
    write_atomic(path, text.as_bytes())
}

/// Restore a machine saved by [`save_snapshot`].
pub fn load_snapshot(path: &Path) -> Result<Machine, FileError> {
    let text = read_text_limited(path, data_limit("a machine snapshot (set CCS_MAX_INPUT to raise it)")?)?;
    serde_json::from_str(&text).map_err(|e| FileError::json(path, &e))
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

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ccs-files-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn script_errors_point_at_the_bad_value() {
        let text = "(events: [\n  (time: 1, source: uplink, value: 1),\n  (time: 2, source: uplink),\n])";
        let e = parse_script(Path::new("s.ron"), text).unwrap_err();
        let FileError::Syntax { line, message, .. } = &e else { panic!("{e}") };
        assert_eq!((*line, message.as_str()), (3, "event 2: uplink needs `value`"), "{e}");
        let json = "{\"events\": [\n{\"time\": 1, \"source\": \"halt\"}]}";
        let e = parse_script(Path::new("s.json"), json).unwrap_err();
        assert!(matches!(&e, FileError::Syntax { line: 2, .. }), "{e}");
        assert!(e.to_string().ends_with("event 1: halt needs `processor`"), "no serde_json position echo: {e}");
    }

    #[test]
    fn scenario_durations_and_programs_are_checked_where_they_stand() {
        let huge = "9".repeat(300);
        let text = format!("(run: (\n  program: \"tick.img\",\n  duration: \"{huge}\",\n))");
        let e = parse_script(Path::new("s.ron"), &text).unwrap_err();
        let FileError::Syntax { line, message, .. } = &e else { panic!("{e}") };
        assert_eq!(*line, 3, "{e}");
        assert!(message.contains("longer than the longest run") && !message.contains(&huge), "{e}");
        let e = parse_script(Path::new("s.ron"), "(run: (program: \"\", duration: \"1s\"))").unwrap_err();
        assert!(matches!(e, FileError::Syntax { line: 1, .. }) && e.to_string().contains("names no file"), "{e}");
        for folder in [".", "..", "lib/", "a/.."] {
            let text = format!("(run: (program: {folder:?}))");
            let e = parse_script(Path::new("s.ron"), &text).unwrap_err();
            assert!(e.to_string().contains("names no file"), "{folder}: {e}");
        }
        let text = "{\"run\": {\"program\": \"x.img\", \"duration\": \"12 parsecs\"}}";
        let e = parse_script(Path::new("s.json"), text).unwrap_err();
        assert!(matches!(e, FileError::Syntax { line: 1, .. }) && e.to_string().contains("duration:"), "{e}");
    }

    #[test]
    fn reads_are_capped_and_invalid_utf8_is_located() {
        let dir = scratch("reads");
        let path = dir.join("bad.ron");
        std::fs::write(&path, b"(events: [])\n// caf\xe9\n").unwrap();
        let e = load_script(&path).unwrap_err();
        let FileError::Syntax { line, column, message, .. } = &e else { panic!("{e}") };
        assert_eq!((*line, *column), (2, 7), "{e}");
        assert!(message.starts_with("invalid UTF-8 (byte 0xE9 at offset 19)"), "{e}");
        let image = dir.join("big.img");
        std::fs::write(&image, "# comment\n".repeat((IMAGE_LIMIT.bytes / 10 + 1) as usize)).unwrap();
        let e = load_image(&image).unwrap_err();
        assert_eq!(e.to_string(), format!("{}: larger than 4 MiB, the limit for a memory image", image.display()));
        assert!(load_image(&dir).unwrap_err().to_string().ends_with("a folder, not a file"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn image_errors_carry_their_line() {
        let e = parse_image(Path::new("x.img"), "0040 000000\n0041 9\n").unwrap_err();
        let FileError::Syntax { line: 2, column: 1, message, .. } = &e else { panic!("{e}") };
        assert!(message.starts_with("malformed line \"0041 9\""), "{e}");
    }

    #[test]
    fn atomic_writes_refuse_folders_and_leave_nothing_on_failure() {
        let dir = scratch("atomic-dir");
        let e = write_atomic(&dir, b"x").unwrap_err();
        assert!(e.to_string().ends_with("is a folder: give the name of a file to write"), "{e}");
        let e = write_atomic(&dir.join("missing/out.txt"), b"x").unwrap_err();
        assert!(matches!(e, FileError::Io { .. }), "{e}");
        // A target that turns into a folder between create and commit: the rename fails.
        let late = dir.join("late");
        let f = AtomicFile::create(&late).unwrap();
        std::fs::create_dir(&late).unwrap();
        std::fs::write(late.join("keep"), b"").unwrap();
        assert!(f.commit().is_err());
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["late"], "temporary file left behind");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// `--out /dev/null` must write to the device, not rename a file over it (which,
    /// run as root, replaced this machine's `/dev/null` with a regular file).
    #[cfg(unix)]
    #[test]
    fn devices_and_pipes_are_written_in_place() {
        use std::os::unix::fs::FileTypeExt;
        write_atomic(Path::new("/dev/null"), b"discarded").unwrap();
        assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
        let dir = scratch("fifo");
        let fifo = dir.join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let reader = std::thread::spawn({
                let fifo = fifo.clone();
                move || std::fs::read(fifo).unwrap()
            });
            write_atomic(&fifo, b"through the pipe").unwrap();
            assert_eq!(reader.join().unwrap(), b"through the pipe");
            assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo(), "the pipe was replaced");
            let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
            assert_eq!(names, ["pipe"], "temporary file left behind");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn unfinished_outputs_are_listed_until_committed_or_dropped() {
        let dir = scratch("unfinished");
        let listed = |f: &AtomicFile| f.temp.as_ref().is_some_and(|t| unfinished().contains(t));
        let a = AtomicFile::create(&dir.join("a")).unwrap();
        let b = AtomicFile::create(&dir.join("b")).unwrap();
        assert!(listed(&a) && listed(&b));
        let temp_b = b.temp.clone().unwrap();
        b.commit().unwrap();
        assert!(!unfinished().contains(&temp_b));
        assert!(listed(&a) && a.temp.as_ref().unwrap().exists());
        // remove_unfinished_outputs() would delete it (not called here: it would delete
        // the files of tests running beside this one; the CLI's tests send a signal).
        let temp_a = a.temp.clone().unwrap();
        drop(a);
        assert!(!unfinished().contains(&temp_a) && !temp_a.exists());
        assert!(dir.join("b").exists() && !dir.join("a").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn rewrites_keep_the_mode_and_write_through_symbolic_links() {
        use std::os::unix::fs::PermissionsExt;
        let dir = scratch("mode");
        let real = dir.join("real.txt");
        std::fs::write(&real, "old").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.join("link.txt");
        std::os::unix::fs::symlink("real.txt", &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link was replaced");
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        assert_eq!(std::fs::metadata(&real).unwrap().permissions().mode() & 0o777, 0o640);
        // A dangling link: the file it names is created.
        let dangling = dir.join("dangling.txt");
        std::os::unix::fs::symlink("made.txt", &dangling).unwrap();
        write_atomic(&dangling, b"made").unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("made.txt")).unwrap(), "made");
        let lo = dir.join("loop");
        std::os::unix::fs::symlink("loop", &lo).unwrap();
        assert!(write_atomic(&lo, b"x").unwrap_err().to_string().contains("too many levels"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
