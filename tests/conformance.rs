//! Every spec §13 vector in `tests/vectors/`: the public conformance set
//! (`tests/vectors/public`) and our own hand-derived edge cases.

use std::path::PathBuf;
use voyager_ccs::vectors::{Verdict, collect_files, load_file};

/// Run every vector under `tests/vectors/<dir>`; return (passed, failure reports).
fn run_dir(dir: &str) -> (usize, Vec<String>) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors").join(dir);
    let mut passed = 0;
    let mut failures = Vec::new();
    for file in collect_files(&[root]).expect("vector folder readable") {
        for v in load_file(&file).expect("vector file parses") {
            match v.run() {
                Verdict::Pass => passed += 1,
                Verdict::Fail(diffs) => failures.push(format!(
                    "{}: {}\n  {}",
                    file.display(),
                    v.name,
                    diffs.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n  ")
                )),
                Verdict::Invalid(e) => failures.push(format!("{}: {}: invalid: {e}", file.display(), v.name)),
            }
        }
    }
    (passed, failures)
}

#[test]
fn public_vectors_all_pass() {
    let (passed, failures) = run_dir("public");
    assert!(failures.is_empty(), "{} failed:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(passed, 880, "the public set has 880 vectors");
}

#[test]
fn own_vectors_all_pass() {
    let (passed, failures) = run_dir("own");
    assert!(failures.is_empty(), "{} failed:\n{}", failures.len(), failures.join("\n"));
    assert!(passed >= 549, "only {passed} own vectors found");
}

#[test]
fn own_vectors_cover_every_opcode() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/own");
    for op in 0..64 {
        let file = root.join(format!("{op:02o}.json"));
        let tests = load_file(&file).unwrap_or_else(|e| panic!("no own vectors for opcode {op:02o}: {e}"));
        assert!(!tests.is_empty(), "{}", file.display());
    }
}
