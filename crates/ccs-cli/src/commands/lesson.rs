//! `ccs lesson check FILE`: a lesson's actions run step by step headless (the same runner
//! the desktop app uses), each step's result and a summary.

use crate::{CliError, EXIT_FAILED, EXIT_OK};
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Subcommand, Debug)]
pub enum LessonCommand {
    /// Run a lesson's actions step by step headless; print each step's result (OK, or
    /// FAILED with why) and a summary. Exit 0 only if every step is OK
    Check(CheckArgs),
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The lesson (.ron); a path below programs/ not on the disk is the bundled file
    pub file: PathBuf,
    /// Print every action's outcome, not only the steps'
    #[arg(long, short)]
    pub verbose: bool,
}

pub fn run(command: LessonCommand, out: &mut dyn Write) -> Result<u8, CliError> {
    match command {
        LessonCommand::Check(a) => check(a, out),
    }
}

fn check(a: CheckArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    let lesson = ccs_lesson::read(&a.file)?;
    writeln!(out, "lesson {}: {:?}, {} steps", lesson.name, lesson.title, lesson.steps.len())?;
    let reports = ccs_lesson::check(lesson);
    let failed = reports.iter().filter(|r| !r.ok()).count();
    for r in &reports {
        match r.failure() {
            None => writeln!(out, "step {:>2} OK      {}", r.number, r.title)?,
            Some(why) => {
                writeln!(out, "step {:>2} FAILED  {}", r.number, r.title)?;
                writeln!(out, "        {why}")?;
                if r.skipped > 0 {
                    writeln!(out, "        ({} more action(s) not performed after the failure)", r.skipped)?;
                }
            }
        }
        if a.verbose {
            for result in &r.results {
                match &result.outcome {
                    Some(Ok(text)) if text.is_empty() => writeln!(out, "        ok  {}", result.what)?,
                    Some(Ok(text)) => writeln!(out, "        ok  {}: {text}", result.what)?,
                    Some(Err(e)) => writeln!(out, "        FAILED  {}: {e}", result.what)?,
                    None => writeln!(out, "        ...  {}", result.what)?,
                }
            }
        }
    }
    let n = reports.len();
    if failed == 0 {
        writeln!(out, "all {n} steps OK")?;
        Ok(EXIT_OK)
    } else {
        writeln!(out, "{failed} of {n} steps FAILED, {} OK", n - failed)?;
        Ok(EXIT_FAILED)
    }
}
