use std::process::ExitCode;

fn main() -> ExitCode {
    // A bug must still end with a plain message, never a Rust backtrace.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("ccs: internal error: {info}\nThis is a bug in ccs; please report it with the command you ran.");
    }));
    let stdout = std::io::stdout();
    // stderr is not held locked: progress bars draw to it from worker threads.
    let code = ccs_cli::run(std::env::args_os(), &mut stdout.lock(), &mut std::io::stderr());
    ExitCode::from(code)
}
