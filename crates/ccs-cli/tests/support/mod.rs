//! What the CLI's end-to-end tests share: run the built `ccs` in a folder and keep its
//! exit status and output, failing the test on any panic. (`mod support;` in a test
//! file; a folder module, so cargo does not run it as a test of its own.)
#![allow(dead_code)] // each test file uses its own part

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// What one `ccs` run left: its exit status and both streams.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The run of `ccs ARGS` that gave `out`; a panic or internal error fails the test.
    pub fn of(args: &[&str], out: Output) -> Run {
        let run = Run {
            code: out.status.code().expect("exited normally"),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        assert!(
            !run.stderr.contains("panicked")
                && !run.stderr.contains("stack backtrace")
                && !run.stderr.contains("internal error"),
            "ccs {args:?} panicked:\n{}",
            run.stderr
        );
        run
    }
}

/// `ccs` with `dir` as its working folder and no input-size override from the caller's
/// environment; a panic would print its backtrace, which `Run::of` looks for.
pub fn command(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ccs"));
    c.current_dir(dir).env_remove("CCS_MAX_INPUT").env("RUST_BACKTRACE", "1");
    c
}

/// `ccs ARGS` in `dir`.
pub fn ccs_in(dir: &Path, args: &[&str]) -> Run {
    Run::of(args, command(dir).args(args).output().expect("ccs starts"))
}

/// `ccs ARGS` in the repository (where `programs/...` paths resolve).
pub fn ccs(args: &[&str]) -> Run {
    ccs_in(&repo(), args)
}

/// The repository's root folder.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `dir/name` as a string argument.
pub fn path(dir: &tempfile::TempDir, name: &str) -> String {
    dir.path().join(name).to_string_lossy().into_owned()
}

/// Writes `contents` to `dir/name` and gives the path as a string argument.
pub fn write(dir: &tempfile::TempDir, name: &str, contents: impl AsRef<[u8]>) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, contents).unwrap();
    p.to_string_lossy().into_owned()
}
