//! The `ccs` command-line tool. It is a library so that tests run it in-process with
//! captured output; `main.rs` only connects it to the real stdout and stderr.

mod commands;
pub mod faults;
pub mod format;
pub mod outputs;
mod progress;
pub mod setup;

use clap::{Parser, Subcommand};
use std::ffi::OsString;
use std::io::Write;

/// Exit status: success (halted with code 0, ran to the limit, all vectors passed).
pub const EXIT_OK: u8 = 0;
/// Exit status: the program halted with a nonzero code, or a vector failed.
pub const EXIT_FAILED: u8 = 1;
/// Exit status: bad input or usage.
pub const EXIT_BAD_INPUT: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "ccs",
    version,
    about = "Voyager 1's Computer Command Subsystem, emulated cycle by cycle",
    long_about = "Voyager 1's Computer Command Subsystem (CCS), emulated cycle by cycle: two 18-bit \
                  processors, 4096 words of plated wire each, inside the spacecraft's 69,632 bytes.\n\n\
                  Start with `ccs demo`."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Show the machine at work: a week of the flight software, its memory, its budget, and a
    /// leaking Node.js heap beside it
    Demo(commands::demo::Args),
    /// Load a program, run it for a number of cycles, and report why it stopped
    Run(Box<commands::run::Args>),
    /// Run spec §13 test-vector files or folders and report every differing field
    Vectors(commands::vectors::Args),
    /// Measure emulation speed (build with --release)
    Bench(commands::bench::Args),
    /// Print the instruction set table
    Isa(commands::isa::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a manual page (roff): `ccs man > ccs.1`, or `ccs man run > ccs-run.1`
    Man {
        /// A subcommand whose page to print
        command: Option<String>,
    },
    /// Check that a program fits its fixed memory allocations (statically, and with --run at run time)
    Budget(commands::budget::Args),
    /// Run a fault-injection campaign (random faults, or every bit of some words), or a
    /// shard of one; merge shards
    Faults(commands::faults::Args),
    /// Lay a program's relocatable sections out around dead memory, across regions if need
    /// be, re-check its budget and propose the map it fits
    Relocate(commands::relocate::Args),
    /// Assemble a source file into a memory image
    Asm(commands::asm::AsmArgs),
    /// Disassemble a memory image into source that reassembles to the same image
    Disasm(commands::asm::DisasmArgs),
    /// Record, check and compare Node.js heap data (the contrast with the CCS)
    #[command(subcommand)]
    Node(commands::node::NodeCommand),
    /// Check a lesson: run its actions step by step headless, as the desktop app would
    #[command(subcommand)]
    Lesson(commands::lesson::LessonCommand),
}

/// Why a command could not do its job.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    File(#[from] ccs_files::FileError),
    #[error("{0}")]
    Input(String),
    #[error("could not write output: {0}")]
    Output(#[from] std::io::Error),
}

/// The manual page of `ccs` or of one of its subcommands.
fn man(command: Option<&str>, out: &mut dyn Write) -> Result<u8, CliError> {
    let root = <Cli as clap::CommandFactory>::command();
    let page = match command {
        None => root,
        Some(name) => {
            let sub = root.find_subcommand(name).cloned().ok_or_else(|| {
                let names: Vec<&str> = root.get_subcommands().map(|c| c.get_name()).collect();
                CliError::Input(format!("no subcommand {name:?}; there are: {}", names.join(", ")))
            })?;
            sub.name(format!("ccs-{name}"))
        }
    };
    clap_mangen::Man::new(page).render(out)?;
    Ok(EXIT_OK)
}

/// clap's message for a usage error, except that a long rejected value is quoted
/// abbreviated (clap would echo all 300 digits of a 300-digit `--cycles`).
fn usage_error(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue};
    let value = match e.get(ContextKind::InvalidValue) {
        Some(ContextValue::String(v)) if v.chars().count() > ccs_core::text::QUOTED_CHARS => v,
        _ => return e.render().to_string(),
    };
    let arg = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(a)) => a.as_str(),
        _ => "an option",
    };
    let why = std::error::Error::source(e).map_or(String::new(), |s| format!(": {s}"));
    format!(
        "error: invalid value '{}' for '{arg}'{why}\n\nFor more information, try '--help'.\n",
        ccs_core::abbreviate(value)
    )
}

/// Run `ccs` with `args` (the first is the program name), writing to `out` and `err`.
/// Returns the exit status.
pub fn run<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            let _ = write!(err, "{}", usage_error(&e));
            return EXIT_BAD_INPUT;
        }
        Err(e) => {
            // --help and --version
            let _ = write!(out, "{}", e.render());
            return EXIT_OK;
        }
    };
    let result = match cli.command {
        Command::Demo(a) => commands::demo::run(a, out, err),
        Command::Run(a) => commands::run::run(*a, out, err),
        Command::Vectors(a) => commands::vectors::run(a, out, err),
        Command::Bench(a) => commands::bench::run(a, out),
        Command::Isa(a) => commands::isa::run(a, out),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut <Cli as clap::CommandFactory>::command(), "ccs", out);
            Ok(EXIT_OK)
        }
        Command::Man { command } => man(command.as_deref(), out),
        Command::Budget(a) => commands::budget::run(a, out),
        Command::Relocate(a) => commands::relocate::run(a, out),
        Command::Faults(a) => commands::faults::run(a, out, err),
        Command::Asm(a) => commands::asm::run_asm(a, out, err),
        Command::Disasm(a) => commands::asm::run_disasm(a, out, err),
        Command::Node(c) => commands::node::run(c, out, err),
        Command::Lesson(c) => commands::lesson::run(c, out),
    };
    match result {
        Ok(code) => code,
        // The reader went away (`ccs run ... | head`): nothing more to say.
        Err(CliError::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            let _ = writeln!(err, "ccs: {e}");
            EXIT_BAD_INPUT
        }
    }
}
