//! How fast and how small: DevTools' Comparison of a snapshot pair with the retaining paths of the
//! top growing rows, as `ccs node diff BASE TARGET --retainers` computes it. Prints the time of each
//! phase and the peak resident memory of the process (Linux: VmHWM).
//!
//!   cargo run --release -p node-heap --example comparison_bench -- BASE TARGET [ROUNDS]

use node_heap::snapshot::{compare, open_pair};
use std::time::Instant;

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: comparison_bench BASE TARGET [ROUNDS]");
        std::process::exit(2);
    }
    let rounds: usize = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(3);
    for round in 1..=rounds {
        let t0 = Instant::now();
        let (base, target) = open_pair(args[1].as_ref(), args[2].as_ref());
        let (base, target) = match (base, target) {
            (Ok(b), Ok(t)) => (b, t),
            (Err(e), _) | (_, Err(e)) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        };
        let read = t0.elapsed();
        let c = compare(&base, &target);
        let compared = t0.elapsed();
        let c = c.with_retainers(&base, &target, 5);
        let total = t0.elapsed();
        println!(
            "round {round}: read {:.3} s, compare {:.3} s, retainers {:.3} s, total {:.3} s; {} rows, {} paths; peak RSS {:.1} MiB",
            read.as_secs_f64(),
            (compared - read).as_secs_f64(),
            (total - compared).as_secs_f64(),
            total.as_secs_f64(),
            c.classes.len(),
            c.retainers.len(),
            peak_rss_mib().unwrap_or(f64::NAN)
        );
    }
}
