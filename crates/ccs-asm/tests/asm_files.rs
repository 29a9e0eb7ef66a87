//! The customasm-style runner: assembles every `tests/asm/ok_*.asm` and
//! `tests/asm/err_*.asm` and checks the words and errors annotated in their comments
//! (conventions in `tests/asm/README.md`).

use ccs_asm::{AsmOutput, ErrorKind, FileSystem, MemorySources, assemble, normalize_path};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// An expected diagnostic.
#[derive(Debug)]
struct ExpectedError {
    file: PathBuf,
    line: usize,
    code: Option<String>,
    fragment: String,
    /// Where the annotation is written (for messages).
    written_at: String,
}

#[derive(Debug, Default)]
struct Expectations {
    /// (file, line) -> words at consecutive addresses from the first.
    words: BTreeMap<(PathBuf, usize), Vec<(u32, u32)>>,
    errors: Vec<ExpectedError>,
}

/// The comment of a line: from the first `;` outside double quotes (as the
/// assembler reads it; an unterminated string has no comment).
fn comment(line: &str) -> Option<&str> {
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => return Some(&line[i + 1..]),
            _ => {}
        }
    }
    None
}

fn parse_words(text: &str, at: &str) -> Result<Vec<(u32, u32)>, String> {
    let mut fields = text.split_whitespace();
    let address = fields.next().ok_or(format!("{at}: `=` without an address"))?;
    let address = u32::from_str_radix(address, 8).map_err(|_| format!("{at}: bad address {address:?}"))?;
    let mut words = Vec::new();
    for field in fields {
        let (word, count) = match field.split_once('*') {
            Some((w, n)) => (w, n.parse::<usize>().map_err(|_| format!("{at}: bad count in {field:?}"))?),
            None => (field, 1),
        };
        let word = u32::from_str_radix(word, 8).map_err(|_| format!("{at}: bad word {word:?}"))?;
        for _ in 0..count {
            words.push((address + words.len() as u32, word));
        }
    }
    if words.is_empty() {
        return Err(format!("{at}: `=` without words"));
    }
    Ok(words)
}

/// `error`, then optional `(path:line)` and `[code]`, then `: fragment`.
fn parse_error(text: &str, file: &Path, line: usize, at: &str) -> Result<ExpectedError, String> {
    let mut rest = &text["error".len()..];
    let mut target = (file.to_path_buf(), line);
    if let Some(inner) = rest.strip_prefix('(') {
        let (place, after) = inner.split_once(')').ok_or(format!("{at}: unclosed `(`"))?;
        let (path, number) = place.rsplit_once(':').ok_or(format!("{at}: expected (PATH:LINE)"))?;
        let number = number.parse().map_err(|_| format!("{at}: bad line in ({place})"))?;
        let dir = file.parent().unwrap_or(Path::new(""));
        target = (normalize_path(&dir.join(path)), number);
        rest = after;
    }
    let mut code = None;
    if let Some(inner) = rest.strip_prefix('[') {
        let (c, after) = inner.split_once(']').ok_or(format!("{at}: unclosed `[`"))?;
        code = Some(c.to_string());
        rest = after;
    }
    let fragment = rest.strip_prefix(':').ok_or(format!("{at}: expected `:` after `error`"))?.trim();
    if fragment.is_empty() {
        return Err(format!("{at}: empty error text"));
    }
    Ok(ExpectedError { file: target.0, line: target.1, code, fragment: fragment.to_string(), written_at: at.into() })
}

/// Read the annotations of every file the run read.
fn expectations(output: &AsmOutput) -> Result<Expectations, String> {
    let mut expected = Expectations::default();
    for (_, file) in output.files.iter() {
        for (index, text) in file.text().lines().enumerate() {
            let line = index + 1;
            let at = format!("{}:{line}", file.name());
            let Some(comment) = comment(text) else {
                continue;
            };
            for part in comment.split(';').map(str::trim) {
                if let Some(words) = part.strip_prefix("= ") {
                    expected.words.insert((file.path().to_path_buf(), line), parse_words(words, &at)?);
                } else if part.starts_with("error(") || part.starts_with("error[") || part.starts_with("error:") {
                    expected.errors.push(parse_error(part, file.path(), line, &at)?);
                }
            }
        }
    }
    Ok(expected)
}

/// Check one output against its annotations; the failures, if any.
fn check(output: &AsmOutput, kind: TestKind) -> Vec<String> {
    let expected = match expectations(output) {
        Ok(e) => e,
        Err(e) => return vec![format!("bad annotation: {e}")],
    };
    let mut failures = Vec::new();
    let files = &output.files;

    // Errors: each diagnostic matches one expectation and vice versa.
    let mut unmatched: Vec<&ExpectedError> = expected.errors.iter().collect();
    for d in &output.diagnostics {
        let Some(location) = &d.location else {
            failures.push(format!("diagnostic without a location: {}", d.message));
            continue;
        };
        let path = files.get(location.file).map(|f| f.path().to_path_buf()).unwrap_or_default();
        let found = unmatched.iter().position(|e| {
            e.file == path
                && e.line == location.line
                && e.code.as_deref().is_none_or(|c| c == d.kind.code())
                && d.message.contains(&e.fragment)
        });
        match found {
            Some(i) => {
                unmatched.remove(i);
            }
            None => failures.push(format!("unexpected: {}", d.one_line(files))),
        }
    }
    for e in unmatched {
        let code = e.code.as_deref().map_or(String::new(), |c| format!("[{c}]"));
        failures.push(format!(
            "expected error{code} not reported: {:?} at {}:{} (annotation at {})",
            e.fragment,
            e.file.display(),
            e.line,
            e.written_at
        ));
    }

    let only_budget = output.diagnostics.iter().all(|d| d.kind.is_budget_finding());
    match kind {
        TestKind::Ok if !output.diagnostics.is_empty() => failures.push("an ok_ file must have no diagnostic".into()),
        TestKind::Err if expected.errors.is_empty() => failures.push("an err_ file must expect errors".into()),
        _ => {}
    }
    if output.assembly.is_some() != only_budget {
        failures.push(format!(
            "assembly {} although the errors are {}",
            if output.assembly.is_some() { "produced" } else { "missing" },
            if only_budget { "budget findings only" } else { "bad input" }
        ));
    }

    // Words: per source line, exactly the annotated words.
    if let Some(assembly) = &output.assembly {
        let mut actual: BTreeMap<(PathBuf, usize), Vec<(u32, u32)>> = BTreeMap::new();
        for w in assembly.words() {
            let path = files.get(w.location.file).map(|f| f.path().to_path_buf()).unwrap_or_default();
            actual.entry((path, w.location.line)).or_default().push((w.address.get(), w.word.get()));
        }
        let show =
            |words: &[(u32, u32)]| words.iter().map(|(a, w)| format!("{a:04o}:{w:06o}")).collect::<Vec<_>>().join(" ");
        let keys: BTreeSet<_> = actual.keys().chain(expected.words.keys()).collect();
        for key in keys {
            let (got, want) = (actual.get(key), expected.words.get(key));
            if got != want {
                failures.push(format!(
                    "{}:{}: emitted [{}], expected [{}]",
                    key.0.display(),
                    key.1,
                    got.map_or(String::new(), |w| show(w)),
                    want.map_or(String::new(), |w| show(w))
                ));
            }
        }
    }
    failures
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TestKind {
    Ok,
    Err,
}

fn test_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/asm")
}

#[test]
fn every_annotated_program_assembles_as_annotated() {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(test_dir())
        .expect("tests/asm exists")
        .map(|e| e.expect("readable directory").path())
        .filter(|p| p.extension().is_some_and(|e| e == "asm"))
        .collect();
    entries.sort();
    let mut failures = Vec::new();
    let mut kinds_seen = BTreeSet::new();
    let (mut ok_count, mut err_count) = (0, 0);
    for path in &entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let kind = if name.starts_with("ok_") {
            ok_count += 1;
            TestKind::Ok
        } else if name.starts_with("err_") {
            err_count += 1;
            TestKind::Err
        } else {
            failures.push(format!("{name}: test programs are named ok_*.asm or err_*.asm"));
            continue;
        };
        let output = assemble(path, &FileSystem);
        kinds_seen.extend(output.diagnostics.iter().map(|d| d.kind));
        for failure in check(&output, kind) {
            failures.push(format!("{name}: {failure}"));
        }
    }
    assert!(ok_count >= 10 && err_count >= 20, "only {ok_count} ok_ and {err_count} err_ files found");
    let missing: Vec<_> = ErrorKind::ALL
        .iter()
        .filter(|k| **k != ErrorKind::MainFileUnreadable && !kinds_seen.contains(k))
        .map(|k| k.code())
        .collect();
    if !missing.is_empty() {
        failures.push(format!("no err_ file produces these kinds: {missing:?}"));
    }
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}

/// The checker itself must catch a wrong word, a wrong line, a missing and an
/// unexpected error.
#[test]
fn the_checker_rejects_wrong_expectations() {
    let run = |text: &str, kind| {
        let sources = MemorySources::new().with("t.asm", text);
        check(&assemble("t.asm", &sources), kind)
    };
    assert!(run("        NOP ; = 0000 000001\n", TestKind::Ok).is_empty());
    assert!(run(".zero 2 ; = 0000 000000*2\n", TestKind::Ok).is_empty());
    let wrong_word = run("        NOP ; = 0000 000002\n", TestKind::Ok);
    assert_eq!(wrong_word, ["t.asm:1: emitted [0000:000001], expected [0000:000002]"]);
    let wrong_address = run("        NOP ; = 0001 000001\n", TestKind::Ok);
    assert_eq!(wrong_address.len(), 1, "{wrong_address:?}");
    let unannotated = run("        NOP\n", TestKind::Ok);
    assert_eq!(unannotated, ["t.asm:1: emitted [0000:000001], expected []"]);
    let wrong_line = run("        LDA X\n ; error: undefined symbol\n", TestKind::Err);
    assert_eq!(wrong_line.len(), 2, "{wrong_line:?}");
    let wrong_text = run("        LDA X ; error: duplicate\n", TestKind::Err);
    assert_eq!(wrong_text.len(), 2, "{wrong_text:?}");
    let wrong_code = run("        LDA X ; error[overlap]: undefined symbol\n", TestKind::Err);
    assert_eq!(wrong_code.len(), 2, "{wrong_code:?}");
    assert!(run("        LDA X ; error[undefined-symbol]: undefined symbol `X`\n", TestKind::Err).is_empty());
    let no_expectation = run("        NOP\n", TestKind::Err);
    assert!(no_expectation.iter().any(|f| f.contains("must expect errors")), "{no_expectation:?}");
}
