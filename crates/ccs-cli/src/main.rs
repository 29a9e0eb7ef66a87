use std::process::ExitCode;

/// Exit status after SIGINT or SIGTERM (128 + SIGINT, as shells report an interrupt).
const EXIT_INTERRUPTED: i32 = 130;

fn main() -> ExitCode {
    // A bug must still end with a plain message, never a Rust backtrace.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("ccs: internal error: {info}\nThis is a bug in ccs; please report it with the command you ran.");
    }));
    // Interrupted (Ctrl-C, SIGTERM): delete the outputs being written, whose
    // destructors will not run, so that no `.NAME.tmpPID` file is left behind.
    let _ = ctrlc::set_handler(|| {
        let removed = ccs_files::remove_unfinished_outputs();
        let note = if removed > 0 { format!("; {removed} unfinished output(s) removed") } else { String::new() };
        eprintln!("ccs: interrupted{note}");
        std::process::exit(EXIT_INTERRUPTED);
    });
    let stdout = std::io::stdout();
    // stderr is not held locked: progress bars draw to it from worker threads.
    let code = ccs_cli::run(std::env::args_os(), &mut stdout.lock(), &mut std::io::stderr());
    ExitCode::from(code)
}
