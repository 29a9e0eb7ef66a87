//! Source text: where the assembler reads files from (the [`Sources`] abstraction
//! behind `.include`), and the database of files a run has read, which diagnostics,
//! listings and symbol tables point into. Also the one bounded reader of text files
//! that every tool uses ([`read_text_file`]): a size limit, and invalid UTF-8 located.

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// The most bytes a read takes, and what kind of file it is for (named in the error).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadLimit {
    pub bytes: u64,
    /// `"assembly sources"`: completes "the limit for ...".
    pub what: &'static str,
}

/// An assembly source file: 1 MiB, some seventeen times the whole flight load, which
/// fills most of a 4096-word memory in 60 KB.
pub const SOURCE_LIMIT: ReadLimit = ReadLimit { bytes: 1 << 20, what: "an assembly source" };

/// All the source text of one assembly, main file and includes together: 4 MiB.
pub const PROGRAM_SOURCE_BYTES: u64 = 4 << 20;

/// Why a file's bytes are not acceptable text. It travels inside an [`io::Error`]
/// (see [`TextError::of`]) so that every [`Sources`] can report it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("larger than {}, the limit for {what}", ccs_core::show_size(*limit))]
    TooLarge { limit: u64, what: &'static str },
    /// `line` and `column` (in characters, both 1-based) of the first bad byte.
    #[error(
        "invalid UTF-8 at line {line}, column {column} (byte 0x{byte:02X} at offset {offset}): text files must be UTF-8"
    )]
    InvalidUtf8 { line: usize, column: usize, offset: usize, byte: u8 },
    #[error("a folder, not a file")]
    Folder,
}

impl TextError {
    /// The text error an I/O error carries, if it is one.
    pub fn of(error: &io::Error) -> Option<&TextError> {
        error.get_ref()?.downcast_ref()
    }

    fn into_io(self) -> io::Error {
        let kind = match self {
            TextError::TooLarge { .. } => io::ErrorKind::FileTooLarge,
            TextError::InvalidUtf8 { .. } => io::ErrorKind::InvalidData,
            TextError::Folder => io::ErrorKind::IsADirectory,
        };
        io::Error::new(kind, self)
    }
}

/// Read a whole text file, refusing one larger than `limit` (without reading past
/// it: `/dev/zero` or a sparse 1 GB file costs `limit` bytes) and locating invalid UTF-8.
/// Errors of either kind are [`TextError`]s inside the [`io::Error`].
pub fn read_text_file(path: &Path, limit: ReadLimit) -> io::Result<String> {
    let file = std::fs::File::open(path)?;
    let metadata = file.metadata()?;
    if metadata.is_dir() {
        return Err(TextError::Folder.into_io());
    }
    let mut bytes = Vec::with_capacity(metadata.len().min(limit.bytes) as usize);
    file.take(limit.bytes.saturating_add(1)).read_to_end(&mut bytes)?;
    check_size(bytes.len(), limit)?;
    decode_text(bytes).map_err(TextError::into_io)
}

fn check_size(len: usize, limit: ReadLimit) -> io::Result<()> {
    if len as u64 > limit.bytes {
        return Err(TextError::TooLarge { limit: limit.bytes, what: limit.what }.into_io());
    }
    Ok(())
}

/// Bytes as text, or where the first invalid UTF-8 sequence is.
pub fn decode_text(bytes: Vec<u8>) -> Result<String, TextError> {
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let offset = e.utf8_error().valid_up_to();
        let before = &bytes[..offset];
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        // `before` is valid UTF-8, so counting non-continuation bytes counts characters.
        let column = before[line_start..].iter().filter(|&&b| b & 0xC0 != 0x80).count() + 1;
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        TextError::InvalidUtf8 { line, column, offset, byte: bytes[offset] }
    })
}

/// Where source files come from.
///
/// The assembler resolves every `.include` path against the directory of the
/// including file and normalises it lexically ([`normalize_path`]) before asking, so
/// an implementation sees paths like `lib/io.asm`, never `lib/./x/../io.asm`.
pub trait Sources {
    /// The whole text of `path`, or an error when it is longer than `limit` (a
    /// [`TextError`] inside the [`io::Error`], as for invalid UTF-8).
    fn read_limited(&self, path: &Path, limit: ReadLimit) -> io::Result<String>;

    /// The whole text of an assembly source ([`SOURCE_LIMIT`]).
    fn read(&self, path: &Path) -> io::Result<String> {
        self.read_limited(path, SOURCE_LIMIT)
    }
}

impl<S: Sources + ?Sized> Sources for &S {
    fn read_limited(&self, path: &Path, limit: ReadLimit) -> io::Result<String> {
        (**self).read_limited(path, limit)
    }
}

/// Reads files from the file system (paths relative to the working directory).
#[derive(Clone, Copy, Debug, Default)]
pub struct FileSystem;

impl Sources for FileSystem {
    fn read_limited(&self, path: &Path, limit: ReadLimit) -> io::Result<String> {
        read_text_file(path, limit)
    }
}

/// Files held in memory, for tests and for programs compiled into a binary.
#[derive(Clone, Debug, Default)]
pub struct MemorySources {
    files: BTreeMap<PathBuf, String>,
}

impl MemorySources {
    pub fn new() -> MemorySources {
        MemorySources::default()
    }

    /// Builder form of [`MemorySources::insert`].
    pub fn with(mut self, path: impl AsRef<Path>, text: impl Into<String>) -> MemorySources {
        self.insert(path, text);
        self
    }

    /// Add or replace a file. The path is normalised like include paths are.
    pub fn insert(&mut self, path: impl AsRef<Path>, text: impl Into<String>) {
        self.files.insert(normalize_path(path.as_ref()), text.into());
    }
}

impl Sources for MemorySources {
    fn read_limited(&self, path: &Path, limit: ReadLimit) -> io::Result<String> {
        let text = self
            .files
            .get(&normalize_path(path))
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such file"))?;
        check_size(text.len(), limit)?;
        Ok(text.clone())
    }
}

/// Lexical normalisation: drops `.` components and folds `dir/..` pairs, without
/// touching the file system (so it works for [`MemorySources`] and never follows
/// symbolic links). Leading `..` components are kept.
pub fn normalize_path(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let last_is_normal = matches!(out.components().next_back(), Some(Component::Normal(_)));
                if last_is_normal {
                    out.pop();
                } else if !matches!(out.components().next_back(), Some(Component::RootDir | Component::Prefix(_))) {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The path an `.include "target"` in `including` refers to (spec §11: relative to the
/// including file).
pub(crate) fn include_target(including: &Path, target: &str) -> PathBuf {
    let dir = including.parent().unwrap_or_else(|| Path::new(""));
    normalize_path(&dir.join(target))
}

/// Identifies one file of an assembly run (an index into [`SourceFiles`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub(crate) u32);

impl FileId {
    /// The main file of every run.
    pub const MAIN: FileId = FileId(0);

    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

/// One file read during an assembly run.
#[derive(Clone, Debug)]
pub struct SourceFile {
    path: PathBuf,
    name: String,
    text: Arc<str>,
    /// Byte offset of the start of every line (the first is 0).
    line_starts: Vec<usize>,
    /// Characters before every [`CHECKPOINT_BYTES`]-th byte; empty for ASCII text,
    /// where characters are bytes. Columns cost O(1) this way, even on one very long
    /// line with thousands of diagnostics or words on it.
    char_checkpoints: Vec<usize>,
}

/// Bytes between two character-count checkpoints.
const CHECKPOINT_BYTES: usize = 256;

/// Whether `b` starts a character (is not a UTF-8 continuation byte).
fn starts_char(b: u8) -> bool {
    b & 0xC0 != 0x80
}

impl SourceFile {
    fn new(path: PathBuf, text: String) -> SourceFile {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        let name = path.display().to_string();
        let char_checkpoints = if text.is_ascii() {
            Vec::new()
        } else {
            let mut before = 0;
            let mut checkpoints = Vec::with_capacity(text.len() / CHECKPOINT_BYTES + 1);
            for block in text.as_bytes().chunks(CHECKPOINT_BYTES) {
                checkpoints.push(before);
                before += block.iter().filter(|&&b| starts_char(b)).count();
            }
            checkpoints.push(before);
            checkpoints
        };
        SourceFile { path, name, text: text.into(), line_starts, char_checkpoints }
    }

    /// Characters before byte `offset` (at most the text's length).
    fn chars_before(&self, offset: usize) -> usize {
        if self.char_checkpoints.is_empty() {
            return offset;
        }
        let block = offset / CHECKPOINT_BYTES;
        let from = block * CHECKPOINT_BYTES;
        self.char_checkpoints[block] + self.text.as_bytes()[from..offset].iter().filter(|&&b| starts_char(b)).count()
    }

    /// The normalised path the file was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The name used in messages (the path as text).
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub(crate) fn shared_text(&self) -> Arc<str> {
        Arc::clone(&self.text)
    }

    /// Number of lines (a final line without a newline counts; an empty file has one).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte range of line `line` (1-based), without its `\n` or a `\r` before it.
    pub fn line_range(&self, line: usize) -> Range<usize> {
        let index = line.saturating_sub(1).min(self.line_starts.len() - 1);
        let start = self.line_starts[index];
        let end = self.line_starts.get(index + 1).map_or(self.text.len(), |&next| next - 1);
        let text = &self.text[start..end];
        start..start + text.strip_suffix('\r').unwrap_or(text).len()
    }

    /// Text of line `line` (1-based), without the line ending.
    pub fn line_text(&self, line: usize) -> &str {
        &self.text[self.line_range(line)]
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let index = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[index];
        (index + 1, self.chars_before(offset) - self.chars_before(start) + 1)
    }
}

/// Every file an assembly run read, indexed by [`FileId`]; the main file is
/// [`FileId::MAIN`]. Implements codespan-reporting's `Files` so diagnostics render
/// against it.
#[derive(Clone, Debug, Default)]
pub struct SourceFiles {
    files: Vec<SourceFile>,
}

impl SourceFiles {
    pub(crate) fn add(&mut self, path: PathBuf, text: String) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile::new(path, text));
        id
    }

    /// The file `id`. Every `FileId` handed out by a run is valid for that run's files.
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.index())
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i as u32), f))
    }

    /// The name of `id`, or `?` for an id from another run.
    pub fn name(&self, id: FileId) -> &str {
        self.get(id).map_or("?", SourceFile::name)
    }

    /// `name:line` for messages.
    pub fn describe(&self, location: &crate::Location) -> String {
        format!("{}:{}", self.name(location.file), location.line)
    }
}

impl<'a> codespan_reporting::files::Files<'a> for SourceFiles {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, codespan_reporting::files::Error> {
        self.get(id).map(SourceFile::name).ok_or(codespan_reporting::files::Error::FileMissing)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, codespan_reporting::files::Error> {
        self.get(id).map(SourceFile::text).ok_or(codespan_reporting::files::Error::FileMissing)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, codespan_reporting::files::Error> {
        let file = self.get(id).ok_or(codespan_reporting::files::Error::FileMissing)?;
        Ok(file.line_starts.partition_point(|&start| start <= byte_index) - 1)
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, codespan_reporting::files::Error> {
        let file = self.get(id).ok_or(codespan_reporting::files::Error::FileMissing)?;
        let start = *file
            .line_starts
            .get(line_index)
            .ok_or(codespan_reporting::files::Error::LineTooLarge { given: line_index, max: file.line_count() - 1 })?;
        let end = file.line_starts.get(line_index + 1).copied().unwrap_or(file.text.len());
        Ok(start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_is_lexical() {
        assert_eq!(normalize_path(Path::new("a/./b/../c.asm")), PathBuf::from("a/c.asm"));
        assert_eq!(normalize_path(Path::new("../x/../y.asm")), PathBuf::from("../y.asm"));
        assert_eq!(normalize_path(Path::new("/../y.asm")), PathBuf::from("/y.asm"));
        assert_eq!(include_target(Path::new("main.asm"), "lib/io.asm"), PathBuf::from("lib/io.asm"));
        assert_eq!(include_target(Path::new("lib/io.asm"), "../defs.asm"), PathBuf::from("defs.asm"));
        assert_eq!(include_target(Path::new("lib/io.asm"), "/abs/x.asm"), PathBuf::from("/abs/x.asm"));
    }

    #[test]
    fn memory_sources_normalise_keys() {
        let s = MemorySources::new().with("./lib/../a.asm", "NOP\n");
        assert_eq!(s.read(Path::new("a.asm")).unwrap(), "NOP\n");
        assert_eq!(s.read(Path::new("b.asm")).unwrap_err().kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn lines_and_columns() {
        let mut files = SourceFiles::default();
        let id = files.add("t.asm".into(), "ab\r\nc\u{e9}d\n\nlast".into());
        let f = files.get(id).unwrap();
        assert_eq!(f.line_count(), 4);
        assert_eq!(f.line_text(1), "ab");
        assert_eq!(f.line_text(2), "c\u{e9}d");
        assert_eq!(f.line_text(3), "");
        assert_eq!(f.line_text(4), "last");
        assert_eq!(f.line_column(0), (1, 1));
        // `d` on line 2 follows a two-byte character: column 3, not 4.
        assert_eq!(f.line_column(4 + 3), (2, 3));
        assert_eq!(f.line_column(1000), (4, 5));
    }

    #[test]
    fn columns_count_characters_across_checkpoints() {
        // Two-byte characters on a line far longer than a checkpoint block.
        let text = format!("x\n{}y", "\u{e9}".repeat(1000));
        let mut files = SourceFiles::default();
        let id = files.add("t.asm".into(), text.clone());
        let f = files.get(id).unwrap();
        for offset in [2, 4, 2 + 2 * 127, 2 + 2 * 128, 2 + 2 * 999, text.len() - 1, text.len()] {
            let expected = text[text[..offset].rfind('\n').unwrap() + 1..offset].chars().count() + 1;
            assert_eq!(f.line_column(offset), (2, expected), "offset {offset}");
        }
    }

    #[test]
    fn reads_are_limited_and_invalid_utf8_is_located() {
        let dir = std::env::temp_dir().join(format!("ccs-asm-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("bad.asm");
        std::fs::write(&path, b"NOP\n  \xc3\xa9 \xff\n").unwrap();
        let limit = ReadLimit { bytes: 100, what: "tests" };
        let e = read_text_file(&path, limit).unwrap_err();
        assert_eq!(
            TextError::of(&e),
            Some(&TextError::InvalidUtf8 { line: 2, column: 5, offset: 9, byte: 0xFF }),
            "{e}"
        );
        let e = read_text_file(&path, ReadLimit { bytes: 8, what: "tests" }).unwrap_err();
        assert_eq!(e.to_string(), "larger than 8 bytes, the limit for tests");
        assert_eq!(TextError::of(&read_text_file(&dir, limit).unwrap_err()), Some(&TextError::Folder));
        if Path::new("/dev/zero").exists() {
            let e = read_text_file(Path::new("/dev/zero"), SOURCE_LIMIT).unwrap_err();
            assert_eq!(e.to_string(), "larger than 1 MiB, the limit for an assembly source");
        }
        std::fs::write(&path, "NOP\n").unwrap();
        assert_eq!(read_text_file(&path, limit).unwrap(), "NOP\n");
        let memory = MemorySources::new().with("a.asm", "NOP NOP NOP\n");
        assert!(memory.read_limited(Path::new("a.asm"), ReadLimit { bytes: 4, what: "tests" }).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
