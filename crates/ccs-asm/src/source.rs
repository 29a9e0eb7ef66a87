//! Source text: where the assembler reads files from (the [`Sources`] abstraction
//! behind `.include`), and the database of files a run has read, which diagnostics,
//! listings and symbol tables point into.

use std::collections::BTreeMap;
use std::io;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Where source files come from.
///
/// The assembler resolves every `.include` path against the directory of the
/// including file and normalises it lexically ([`normalize_path`]) before asking, so
/// an implementation sees paths like `lib/io.asm`, never `lib/./x/../io.asm`.
pub trait Sources {
    /// The whole text of `path`.
    fn read(&self, path: &Path) -> io::Result<String>;
}

impl<S: Sources + ?Sized> Sources for &S {
    fn read(&self, path: &Path) -> io::Result<String> {
        (**self).read(path)
    }
}

/// Reads files from the file system (paths relative to the working directory).
#[derive(Clone, Copy, Debug, Default)]
pub struct FileSystem;

impl Sources for FileSystem {
    fn read(&self, path: &Path) -> io::Result<String> {
        std::fs::read_to_string(path)
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
    fn read(&self, path: &Path) -> io::Result<String> {
        self.files
            .get(&normalize_path(path))
            .cloned()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such file"))
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
}

impl SourceFile {
    fn new(path: PathBuf, text: String) -> SourceFile {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        let name = path.display().to_string();
        SourceFile { path, name, text: text.into(), line_starts }
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
        let column = self.text.get(start..offset).map_or(0, |prefix| prefix.chars().count()) + 1;
        (index + 1, column)
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
}
