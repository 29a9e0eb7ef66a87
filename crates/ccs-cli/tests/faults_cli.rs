//! `ccs faults --exhaustive`, `--shard K/N` and `ccs faults merge` end to end (issue
//! 18): merged shards print and write what the unsharded run does, bad sets of shards
//! and bad flags are refused with exit status 2, and the progress bar appears only on a
//! terminal and never for JSON.

mod support;

use std::process::Command;
use support::{ccs, repo};

/// The tick program's first 32 words from its entry, for 10 s, flipped at 5 s.
const TICK: [&str; 8] =
    ["faults", "programs/tick.asm", "--exhaustive", "--region", "ccs-a:0o40+32", "--cycles", "10s", "--picture"];

fn without_timing(json: &str) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
    v.as_object_mut().unwrap().remove("timing");
    v
}

#[test]
fn an_exhaustive_campaign_flips_every_bit_of_its_words_once() {
    let r = ccs(&TICK);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with(
            "exhaustive fault campaign: 576 runs of programs/tick.asm (0:00:00:10.00 each): every bit of 32 words \
             (CCS-A 0o0040-0o0077) flipped once, at 0:00:00:05.00\n"
        ),
        "{}",
        r.stdout
    );
    let all = r.stdout.lines().find(|l| l.starts_with("all ")).unwrap();
    assert!(all.ends_with(" 576"), "{all}");
    assert!(r.stdout.lines().any(|l| l.starts_with("CCS-A  0o0040  ") && l.len() == 15 + 32), "{}", r.stdout);
    assert!(r.stderr.contains("576 runs in"), "{}", r.stderr);
    // The default words are the program's, the default time half the run; a region by name.
    let r = ccs(&["faults", "programs/tick.asm", "--exhaustive", "--cycles", "4s", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["campaign"]["trials"], 23 * 18, "the 23 words of tick.img");
    assert_eq!(v["campaign"]["plan"]["at"], 1_000_000);
    assert_eq!(v["trials"][0]["flip"], serde_json::json!({"memory": "CCS-A", "addr": 4, "bit": 0}));
    let r = ccs(&[
        "faults",
        "--scenario",
        "programs/scenarios/cruise-week.ron",
        "--exhaustive",
        "--region",
        "ccs-a:FIXED",
        "--cycles",
        "10s",
        "--shard",
        "7/500",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("47,808 runs of programs/flight/load.asm"), "{}", r.stdout);
    assert!(r.stdout.contains("every bit of 2,656 words (CCS-A 0o0040-0o5177)"), "{}", r.stdout);
    assert!(r.stdout.contains("shard 7/500: 96 of the 47,808 runs (index ≡ 6 mod 500)"), "{}", r.stdout);
}

#[test]
fn merged_shards_are_the_unsharded_campaign() {
    let dir = tempfile::tempdir().unwrap();
    let whole = ccs(&[&TICK[..7], &["--format", "json"]].concat());
    assert_eq!(whole.code, 0, "{}", whole.stderr);
    let text = ccs(&TICK);
    let mut files = Vec::new();
    for k in 1..=4 {
        let file = dir.path().join(format!("shard-{k}.json")).to_string_lossy().into_owned();
        let r = ccs(&[&TICK[..7], &["--shard", &format!("{k}/4"), "--output", &file]].concat());
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.contains(&format!("shard {k}/4: 144 of the 576 runs")), "{}", r.stdout);
        assert!(r.stderr.contains(&format!("shard {k}/4: 144 runs in")), "{}", r.stderr);
        files.push(file);
    }
    let refs: Vec<&str> = files.iter().rev().map(String::as_str).collect();
    let merged = ccs(&[&["faults", "merge"], &refs[..], &["--format", "json"]].concat());
    assert_eq!(merged.code, 0, "{}", merged.stderr);
    assert_eq!(without_timing(&merged.stdout), without_timing(&whole.stdout), "identical JSON apart from timings");
    assert!(merged.stderr.starts_with("merged 4 shards: 576 runs"), "{}", merged.stderr);
    let merged_text = ccs(&[&["faults", "merge", "--picture"], &refs[..]].concat());
    assert_eq!(merged_text.stdout, text.stdout, "the same table, examples and picture");
    let out = dir.path().join("merged.json");
    let r = ccs(&[&["faults", "merge", "--output", out.to_str().unwrap()], &refs[..]].concat());
    assert_eq!(r.code, 0);
    assert_eq!(without_timing(&std::fs::read_to_string(&out).unwrap()), without_timing(&whole.stdout));

    // Refused: a missing shard, a shard of another campaign, a file that is no report.
    let r = ccs(&[&["faults", "merge"], &refs[..3]].concat());
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("ccs: cannot merge: shard 1/4 is missing"), "{}", r.stderr);
    let other = dir.path().join("other.json").to_string_lossy().into_owned();
    ccs(&[&TICK[..7], &["--at", "2s", "--shard", "1/4", "--output", &other]].concat());
    let r = ccs(&[&["faults", "merge", &other], &refs[..3]].concat());
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("is of another campaign than"), "{}", r.stderr);
    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, "{\"campaign\": 3}").unwrap();
    let r = ccs(&["faults", "merge", junk.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("junk.json:1:") && r.stderr.contains("not a campaign report"), "{}", r.stderr);
    // A merge never writes over a shard.
    let r = ccs(&[&["faults", "merge", "--output", &files[0]], &refs[..]].concat());
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("that is the input") && r.stderr.contains("refusing to write over it"), "{}", r.stderr);
}

#[test]
fn bad_flags_are_refused_with_a_reason() {
    let cases: [(&[&str], &str); 8] = [
        (&["--shard", "5/4"], "a shard K/N needs 1 <= K <= N"),
        (&["--region", "ccs-a:NOPE"], "the map voyager has no region NOPE in CCS-A (it has TRAPS, FIXED, DATA"),
        (&["--region", "ccs-c"], "is not a memory"),
        (&["--region", "ccs-a:0o7770+16"], "CCS-A has words 0-0o7777"),
        (&["--at", "20s"], "--at 0:00:00:20.00: the flips must fall inside the run (0:00:00:10.00)"),
        (&["--campaign", "5"], "cannot be used with"),
        (&["--seed", "5"], "cannot be used with"),
        (
            &["--output", "programs/tick.asm"],
            "--output programs/tick.asm: that is the input programs/tick.asm; refusing to write over it",
        ),
    ];
    for (extra, message) in cases {
        let r = ccs(&[&TICK[..7], extra].concat());
        assert_eq!(r.code, 2, "{extra:?}: {}", r.stdout);
        assert!(r.stderr.contains(message), "{extra:?}: {}", r.stderr);
    }
    let r = ccs(&["faults", "programs/tick.asm", "--region", "ccs-a"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--exhaustive"), "{}", r.stderr);
    let r = ccs(&["faults", "programs/tick.asm"]);
    assert_eq!(r.code, 2, "neither --campaign nor --exhaustive");
}

/// Run `args` under a pseudo-terminal (util-linux `script`), outside CI, and return all
/// it wrote; `None` where `script` is missing.
fn on_a_terminal(args: &[&str]) -> Option<String> {
    let exe = env!("CARGO_BIN_EXE_ccs");
    let command = format!("{exe} {}", args.join(" "));
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env_remove("CI")
        .current_dir(repo())
        .output()
        .ok()?;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn the_progress_bar_shows_runs_per_second_and_time_left_on_a_terminal_only() {
    let long = ["faults", "programs/tick.asm", "--exhaustive", "--region", "ccs-a:0o40+32", "--cycles", "60s"];
    let Some(terminal) = on_a_terminal(&long) else {
        assert!(std::env::var("CI").is_err(), "CI needs `script` (util-linux) for this test");
        eprintln!("`script` not found: progress bar test skipped");
        return;
    };
    assert!(terminal.contains(" runs/s [") && terminal.contains("/576 (") && terminal.contains(" left)"), "{terminal}");
    let json = on_a_terminal(&[&long[..], &["--format", "json"]].concat()).unwrap();
    assert!(!json.contains(" left)"), "no bar for JSON: {json}");
    let piped = ccs(&long);
    assert!(!piped.stderr.contains(" left)"), "no bar without a terminal: {}", piped.stderr);
}
