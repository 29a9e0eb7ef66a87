//! `ccs vectors PATH...`: run spec §13 vector files.

use crate::{CliError, EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK};
use ccs_vectors::Verdict;
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Vector files (a JSON array of tests each) or folders searched for *.json
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Also list the tests that pass
    #[arg(long, short)]
    verbose: bool,
}

pub fn run(args: Args, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8, CliError> {
    let files = match ccs_vectors::collect_files(&args.paths) {
        Ok(f) => f,
        Err(e) => {
            writeln!(err, "ccs: {e}")?;
            writeln!(out, "0 passed, 0 failed")?;
            return Ok(EXIT_BAD_INPUT);
        }
    };
    let (mut passed, mut failed, mut unreadable) = (0u64, 0u64, 0u64);
    for path in &files {
        let shown = path.display();
        let vectors = match ccs_vectors::load_file(path) {
            Ok(v) => v,
            Err(e) => {
                writeln!(err, "ccs: {e}")?;
                unreadable += 1;
                continue;
            }
        };
        for v in &vectors {
            let unknown = v.unknown_keys();
            if !unknown.is_empty() {
                writeln!(err, "note: {shown}: {}: ignored unknown keys {}", v.name, unknown.join(", "))?;
            }
            match v.run() {
                Verdict::Pass => {
                    passed += 1;
                    if args.verbose {
                        writeln!(out, "ok   {shown}: {}", v.name)?;
                    }
                }
                Verdict::Fail(diffs) => {
                    failed += 1;
                    writeln!(out, "FAIL {shown}: {}", v.name)?;
                    for d in diffs {
                        writeln!(out, "     {d}")?;
                    }
                }
                Verdict::Invalid(e) => {
                    failed += 1;
                    writeln!(out, "FAIL {shown}: {}\n     invalid vector: {e}", v.name)?;
                }
            }
        }
    }
    writeln!(out, "{passed} passed, {failed} failed")?;
    Ok(if unreadable > 0 {
        EXIT_BAD_INPUT
    } else if failed > 0 {
        EXIT_FAILED
    } else {
        EXIT_OK
    })
}
