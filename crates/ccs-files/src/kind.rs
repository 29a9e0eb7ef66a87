//! What kind of file a path and its text are: the one place that tells a lesson from an
//! event script, a scenario from an allocation map, so that the CLI and the desktop app
//! open the same file the same way.

use std::path::Path;

/// The kinds of file the tools open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// An assembly source (`.asm`).
    Source,
    /// A memory image (`.img`).
    Image,
    /// A lesson (`.ron` with `steps` at its top level).
    Lesson,
    /// An allocation map (`.ron` or `.json` naming `memories`).
    Map,
    /// An event script or a scenario (`.ron` or `.json`); a scenario has a `run` section,
    /// which only its parser can tell.
    Script,
    /// A Node heap timeline (`.jsonl`).
    Timeline,
}

impl FileKind {
    /// The extensions of the files the tools open, for file dialogs.
    pub const EXTENSIONS: &[&str] = &["asm", "img", "ron", "json", "jsonl"];

    /// The kind of a file by its extension and, for RON and JSON, its text (`None`:
    /// a file the tools do not open).
    pub fn sniff(path: &Path, text: &str) -> Option<FileKind> {
        Some(match extension(path).as_str() {
            "asm" => FileKind::Source,
            "img" => FileKind::Image,
            "jsonl" => FileKind::Timeline,
            // Before the map test: a lesson's text may well mention memories.
            "ron" if looks_like_lesson(text) => FileKind::Lesson,
            "ron" | "json" if looks_like_map(text) => FileKind::Map,
            "ron" | "json" => FileKind::Script,
            _ => return None,
        })
    }

    /// The message for a file of no kind the tools open.
    pub fn unknown(path: &Path) -> String {
        format!(
            "{}: unknown kind of file: open an assembly source (.asm), a memory image (.img), an event script \
             (.ron, .json), an allocation map (.ron), a lesson (.ron), a Node timeline (.jsonl) or a recording folder",
            path.display()
        )
    }
}

/// A path's extension, lower case (`""`: none).
pub fn extension(path: &Path) -> String {
    path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase()
}

/// An allocation map has `memories`; an event script has `events` and `models`.
fn looks_like_map(text: &str) -> bool {
    text.contains("memories")
}

/// Whether RON text is a lesson: its outermost structure has a `steps` field. Comments
/// and strings are skipped, so a lesson's text can talk about memories, events and runs
/// without being taken for a map or a script, and a script whose comment mentions steps
/// is still a script. A file with a syntax error deeper inside is still recognised, so it
/// gets the lesson parser's error.
pub fn looks_like_lesson(text: &str) -> bool {
    top_level_fields(text).iter().any(|f| f == "steps")
}

/// The field names of the outermost `( ... )` of RON text.
fn top_level_fields(text: &str) -> Vec<String> {
    let mut fields = Vec::new();
    for token in RonTokens::new(text) {
        if let RonToken::Field { name, depth: 1, .. } = token {
            fields.push(name.to_string());
        }
    }
    fields
}

/// The structure of RON text, enough to find a field or a list element: brackets and
/// field names, with comments and strings skipped. Tolerant: broken text gives tokens
/// as far as they go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RonToken<'a> {
    /// `(`, `[` or `{` at byte `at`; `depth` is the depth inside it (1 for the outermost).
    Open {
        at: usize,
        depth: i32,
    },
    Close {
        at: usize,
        depth: i32,
    },
    /// A `,` at `depth`.
    Comma {
        at: usize,
        depth: i32,
    },
    /// `name:` at `depth`.
    Field {
        name: &'a str,
        at: usize,
        depth: i32,
    },
    /// Anything else that starts a value (an identifier, a number, a string), at `depth`.
    Value {
        at: usize,
        depth: i32,
    },
}

/// The tokens of RON text (see [`RonToken`]).
pub struct RonTokens<'a> {
    text: &'a str,
    i: usize,
    depth: i32,
}

impl<'a> RonTokens<'a> {
    pub fn new(text: &'a str) -> RonTokens<'a> {
        RonTokens { text, i: 0, depth: 0 }
    }
}

impl<'a> Iterator for RonTokens<'a> {
    type Item = RonToken<'a>;

    fn next(&mut self) -> Option<RonToken<'a>> {
        let text = self.text;
        let b = text.as_bytes();
        let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
        while self.i < b.len() {
            let i = self.i;
            let c = b[i];
            let next = b.get(i + 1).copied();
            if c == b'/' && next == Some(b'/') {
                self.i = text[i..].find('\n').map_or(b.len(), |n| i + n);
            } else if c == b'/' && next == Some(b'*') {
                self.i = text[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
            } else if c == b'"' {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                self.i = j + 1;
                return Some(RonToken::Value { at: i, depth: self.depth });
            } else if c == b'r' && matches!(next, Some(b'#' | b'"')) && (i == 0 || !ident(b[i - 1])) {
                // A raw string: r"...", r#"..."#, ...
                let hashes = b[i + 1..].iter().take_while(|&&h| h == b'#').count();
                let open = i + 1 + hashes;
                if b.get(open) != Some(&b'"') {
                    self.i += 1;
                    continue;
                }
                let close = format!("\"{}", "#".repeat(hashes));
                self.i = text[open + 1..].find(&close).map_or(b.len(), |n| open + 1 + n + close.len());
                return Some(RonToken::Value { at: i, depth: self.depth });
            } else if matches!(c, b'(' | b'[' | b'{') {
                self.depth += 1;
                self.i += 1;
                return Some(RonToken::Open { at: i, depth: self.depth });
            } else if matches!(c, b')' | b']' | b'}') {
                self.depth -= 1;
                self.i += 1;
                return Some(RonToken::Close { at: i, depth: self.depth + 1 });
            } else if c == b',' {
                self.i += 1;
                return Some(RonToken::Comma { at: i, depth: self.depth });
            } else if ident(c) {
                let mut j = i;
                while j < b.len() && ident(b[j]) {
                    j += 1;
                }
                self.i = j;
                let mut k = j;
                while k < b.len() && b[k].is_ascii_whitespace() {
                    k += 1;
                }
                if !c.is_ascii_digit() && b.get(k) == Some(&b':') && b.get(k + 1) != Some(&b':') {
                    self.i = k + 1;
                    return Some(RonToken::Field { name: &text[i..j], at: i, depth: self.depth });
                }
                return Some(RonToken::Value { at: i, depth: self.depth });
            } else {
                self.i += 1;
            }
        }
        None
    }
}

/// The byte offset of the element `path` leads to: each entry is a field name to enter
/// (`"steps"`) or the index of a list element (`"2"`), from the outermost structure.
/// `None` when the text does not have it.
pub fn locate(text: &str, path: &[PathPart<'_>]) -> Option<usize> {
    let mut tokens = RonTokens::new(text).peekable();
    // Enter the outermost structure.
    let mut depth = loop {
        match tokens.next()? {
            RonToken::Open { depth, .. } => break depth,
            RonToken::Value { .. } => {}
            _ => return None,
        }
    };
    let mut at = 0;
    for part in path {
        match *part {
            PathPart::Field(name) => {
                // The field at this depth, then its value.
                loop {
                    match tokens.next()? {
                        RonToken::Field { name: n, depth: d, .. } if d == depth && n == name => break,
                        RonToken::Close { depth: d, .. } if d == depth => return None,
                        _ => {}
                    }
                }
                at = value_start(&mut tokens, &mut depth)?;
            }
            PathPart::Index(index) => {
                // Inside the list opened by the previous value.
                let mut seen = 0;
                loop {
                    let t = tokens.peek().copied()?;
                    let (d, is_comma, is_close) = match t {
                        RonToken::Comma { depth, .. } => (depth, true, false),
                        RonToken::Close { depth, .. } => (depth, false, true),
                        RonToken::Open { depth, .. } => (depth - 1, false, false),
                        RonToken::Field { depth, .. } | RonToken::Value { depth, .. } => (depth, false, false),
                    };
                    if d == depth && is_close {
                        return None;
                    }
                    if d == depth && !is_comma && seen == index {
                        break;
                    }
                    if d == depth && is_comma {
                        seen += 1;
                    }
                    tokens.next();
                }
                at = value_start(&mut tokens, &mut depth)?;
            }
        }
    }
    Some(at)
}

/// Where the next value starts; entering it if it is a structure (a newtype variant
/// `open(...)` or `run_until(...)` is entered at its parenthesis).
fn value_start(tokens: &mut std::iter::Peekable<RonTokens<'_>>, depth: &mut i32) -> Option<usize> {
    let start = match tokens.peek().copied()? {
        RonToken::Value { at, .. } | RonToken::Open { at, .. } | RonToken::Field { at, .. } => at,
        _ => return None,
    };
    if let RonToken::Value { .. } = tokens.peek().copied()? {
        tokens.next();
    }
    if let Some(RonToken::Open { depth: d, .. }) = tokens.peek().copied() {
        tokens.next();
        *depth = d;
    }
    Some(start)
}

/// One step of a [`locate`] path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathPart<'a> {
    Field(&'a str),
    Index(usize),
}

/// Line and column (1-based, columns in characters) of a byte offset.
pub fn line_column(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_extension_and_text() {
        let p = |s: &str| Path::new(s).to_path_buf();
        assert_eq!(FileKind::sniff(&p("a.ASM"), ""), Some(FileKind::Source));
        assert_eq!(FileKind::sniff(&p("a.img"), ""), Some(FileKind::Image));
        assert_eq!(FileKind::sniff(&p("t.jsonl"), ""), Some(FileKind::Timeline));
        assert_eq!(FileKind::sniff(&p("l.ron"), "(title: \"x\", steps: [])"), Some(FileKind::Lesson));
        assert_eq!(FileKind::sniff(&p("m.ron"), "(memories: [])"), Some(FileKind::Map));
        assert_eq!(FileKind::sniff(&p("s.json"), "{\"events\": []}"), Some(FileKind::Script));
        assert_eq!(FileKind::sniff(&p("notes.txt"), "steps: 3"), None);
        assert!(FileKind::unknown(&p("notes.txt")).starts_with("notes.txt: unknown kind of file"));
    }

    #[test]
    fn lessons_are_told_apart_from_scripts_maps_and_scenarios() {
        assert!(looks_like_lesson("#![enable(implicit_some)]\n(steps: [], title: \"x\")"));
        // A syntax error deeper inside is still a lesson, for the lesson's error message.
        assert!(looks_like_lesson("(title: \"x\", steps: [(title: \"s\" text: oops)])"));
        for other in [
            "// these steps: none\n(events: [(seconds: 1, source: parity, processor: A)])",
            "(models: (aacs_heartbeat: true), events: [], notes: \"steps: 3\")",
            "(run: (program: \"p.asm\"), events: [(steps: 1)])",
            "(title: r#\"a \"steps:\" b\"#, events: [])",
            "/* steps: */ (events: [])",
            "",
        ] {
            assert!(!looks_like_lesson(other), "{other}");
        }
    }

    #[test]
    fn a_path_finds_the_element_it_names() {
        let text = "(\n  title: \"t\", // steps: no\n  steps: [\n    (title: \"a\", actions: [open(\"x\")]),\n    \
                    (title: \"b, c\", actions: [\n      run,\n      run_for(\"1s\"),\n    ]),\n  ],\n)";
        let at = |path: &[PathPart]| locate(text, path).map(|a| line_column(text, a));
        use PathPart::{Field, Index};
        assert_eq!(at(&[Field("steps")]), Some((3, 10)));
        assert_eq!(at(&[Field("steps"), Index(0)]), Some((4, 5)));
        assert_eq!(at(&[Field("steps"), Index(0), Field("actions"), Index(0)]), Some((4, 28)));
        assert_eq!(at(&[Field("steps"), Index(1), Field("actions"), Index(1)]), Some((7, 7)));
        assert_eq!(at(&[Field("steps"), Index(1), Field("actions"), Index(2)]), None);
        assert_eq!(at(&[Field("steps"), Index(2)]), None);
        assert_eq!(at(&[Field("colour")]), None);
        assert_eq!(locate("", &[Field("steps")]), None);
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
    }
}
