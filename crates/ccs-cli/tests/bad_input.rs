//! Bad input and first contact (issue 15), end to end through the `ccs` binary: every
//! reader capped and located, exit 2 for bad input everywhere, no output written over
//! an input or left half-written, outputs checked before a run.

mod support;

use std::path::Path;
use std::process::Command;
use support::{Run, ccs, ccs_in, command, repo, write};

/// Names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

fn assert_bad(r: &Run, expected: &str, what: &str) {
    assert_eq!(r.code, 2, "{what}: stdout {} stderr {}", r.stdout, r.stderr);
    assert!(r.stderr.contains(expected), "{what}: expected {expected:?} in stderr:\n{}", r.stderr);
}

#[test]
fn asm_exits_2_for_bad_input_and_1_for_a_program_that_does_not_fit() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(&dir, "bad.asm", "        LDA NOWHERE\n");
    assert_bad(&ccs(&["asm", &bad, "-o", &write(&dir, "x", "")]), "bad.asm: 1 error; no image written", "bad");
    assert_bad(&ccs(&["asm", "no/such.asm"]), "cannot read `no/such.asm`", "missing");
    let over = write(&dir, "over.asm", "        .section S, 1\n        NOP\n        NOP\n");
    let r = ccs(&["asm", &over, "-o", &dir.path().join("over.img").to_string_lossy()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("over.asm: 1 section over its limit; no image written"), "{}", r.stderr);
    assert!(!dir.path().join("over.img").exists());
}

#[test]
fn asm_writes_its_image_in_the_current_folder_and_never_over_a_bundled_program() {
    let work = tempfile::tempdir().unwrap();
    let src = repo().join("programs/tick.asm");
    let before = std::fs::metadata(repo().join("programs/tick.img")).unwrap().modified().unwrap();
    let r = ccs_in(work.path(), &["asm", &src.to_string_lossy(), "--listing", "t.lst"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("tick.asm: 23 words -> tick.img, t.lst"), "{}", r.stdout);
    assert_eq!(names(work.path()), ["t.lst", "tick.img"]);
    // In the bundled folder itself, the default would overwrite the bundled image.
    let r = ccs_in(&repo().join("programs"), &["asm", "tick.asm"]);
    assert_bad(&r, "tick.img is a bundled program: give -o", "bundled");
    assert_eq!(std::fs::metadata(repo().join("programs/tick.img")).unwrap().modified().unwrap(), before);
}

#[test]
fn outputs_that_are_inputs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = "        .org 0o40\n        HLT\n";
    let src = write(&dir, "x.asm", text);
    let lib = write(&dir, "lib.asm", "        NOP\n");
    let main = write(&dir, "main.asm", "        .include \"lib.asm\"\n        HLT\n");
    let roundabout = dir.path().join("sub/../x.asm");
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["asm", &src, "-o", &src], "-o"),
        (&["asm", &src, "-o", &write(&dir, "x.img", ""), "--listing", &roundabout.to_string_lossy()], "--listing"),
        (&["asm", &main, "-o", &write(&dir, "m.img", ""), "--symbols", &lib], "--symbols"),
    ];
    for (args, option) in cases {
        let r = ccs(args);
        assert_bad(&r, "refusing to write over it", option);
        assert!(r.stderr.contains(option), "{}", r.stderr);
    }
    assert_eq!(std::fs::read_to_string(&src).unwrap(), text, "the source is untouched");
    let same = dir.path().join("same.txt").to_string_lossy().into_owned();
    let r = ccs(&["asm", &src, "-o", &write(&dir, "y.img", ""), "--listing", &same, "--symbols", &same]);
    assert_bad(&r, &format!("--listing and --symbols both name {same}"), "two outputs");
    // Devices are written in place, so two outputs may both be discarded.
    let r = ccs(&["asm", &src, "-o", &write(&dir, "z.img", ""), "--listing", "/dev/null", "--symbols", "/dev/null"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let img = write(&dir, "i.img", "# ccs-image v1 target=A\n0040 000000\n");
    assert_bad(&ccs(&["disasm", &img, "-o", &img]), "refusing to write over it", "disasm");
    let events = write(&dir, "e.ron", "(events: [])");
    let r = ccs(&["run", "programs/tick.img", "--cycles", "1", "--events", &events, "--trace", &events]);
    assert_bad(&r, "--trace", "run --trace over --events");
    assert_eq!(std::fs::read_to_string(&events).unwrap(), "(events: [])");
    assert!(!r.stdout.contains("processor A"), "refused before the run: {}", r.stdout);
    // A program's include is an input too.
    let r = ccs(&["run", &main, "--cycles", "1", "--dump-state", &lib]);
    assert_bad(&r, "--dump-state", "run --dump-state over an include");
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), "        NOP\n");
}

#[test]
fn outputs_are_checked_before_the_run_and_leave_no_temporary_files() {
    let dir = tempfile::tempdir().unwrap();
    // A simulated century would take minutes: the bad --dump-state must fail first.
    let missing = dir.path().join("no/such/folder/s.json");
    let r = ccs(&["run", "programs/tick.img", "--cycles", "36500d", "--dump-state", &missing.to_string_lossy()]);
    assert_bad(&r, "no/such/folder/s.json", "unwritable dump");
    assert!(!r.stdout.contains("processor A"), "{}", r.stdout);
    let folder = dir.path().join("out");
    std::fs::create_dir(&folder).unwrap();
    let r = ccs(&["asm", "programs/tick.asm", "-o", &folder.to_string_lossy()]);
    assert_bad(&r, "is a folder: give the name of a file to write", "-o a folder");
    let r = ccs(&["run", "programs/tick.img", "--cycles", "1", "--trace", &folder.to_string_lossy()]);
    assert_bad(&r, "is a folder", "--trace a folder");
    assert_eq!(names(dir.path()), ["out"], "no .out.tmp file left beside it");
    assert!(names(&folder).is_empty());
}

#[cfg(unix)]
#[test]
fn rewritten_outputs_keep_their_mode_and_their_symbolic_links() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.img");
    std::fs::write(&real, "old").unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.img");
    std::os::unix::fs::symlink("real.img", &link).unwrap();
    let r = ccs(&["asm", "programs/tick.asm", "-o", &link.to_string_lossy()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert!(std::fs::read_to_string(&real).unwrap().starts_with("# ccs-image v1 target=A"));
    assert_eq!(std::fs::metadata(&real).unwrap().permissions().mode() & 0o777, 0o640);
}

#[test]
fn the_trace_stops_at_its_limit_with_a_note_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("t.txt");
    let t = trace.to_string_lossy();
    let r = ccs(&["run", "programs/tick.img", "--cycles", "2s", "--trace", &t, "--trace-limit", "10KiB"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("reached the cycle limit at t = 1,000,"), "the whole run: {}", r.stdout);
    assert!(r.stderr.contains("stops at t = ") && r.stderr.contains("--trace-limit 10 KiB"), "{}", r.stderr);
    let text = std::fs::read_to_string(&trace).unwrap();
    assert!(text.len() <= 10 * 1024 + 100, "{} bytes", text.len());
    let last = text.lines().last().unwrap();
    assert_eq!(last, "# trace stopped: the next line would pass --trace-limit 10 KiB");
    // Lines before the note are whole trace lines, up to the limit.
    assert!(text.len() > 9 * 1024, "{} bytes", text.len());
    let r = ccs(&["run", "programs/tick.img", "--cycles", "1s", "--trace", &t, "--trace-limit", "lots"]);
    assert_bad(&r, "is not a size such as 1GiB", "bad limit");
    let r = ccs(&["run", "programs/tick.img", "--cycles", "1s", "--trace-limit", "1MiB"]);
    assert_bad(&r, "--trace", "a limit without a trace");
}

#[cfg(unix)]
#[test]
fn a_signal_during_a_traced_run_removes_the_unfinished_trace() {
    for signal in ["INT", "TERM"] {
        let dir = tempfile::tempdir().unwrap();
        let trace = dir.path().join("t.txt");
        let child = command(&repo())
            .args(["run", "programs/tick.img", "--cycles", "1000d", "--trace", &trace.to_string_lossy()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Wait until the temporary file exists and the run is writing into it.
        let mut waited = 0;
        while !names(dir.path()).iter().any(|n| n.starts_with(".t.txt.tmp")) || waited < 3 {
            std::thread::sleep(std::time::Duration::from_millis(100));
            waited += 1;
            assert!(waited < 600, "no temporary trace file appeared");
        }
        let kill = Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status().unwrap();
        assert!(kill.success());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(130), "SIG{signal}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted; 1 unfinished output(s) removed"));
        assert!(names(dir.path()).is_empty(), "SIG{signal} left {:?}", names(dir.path()));
    }
}

#[test]
fn invalid_utf8_is_located_in_every_reader() {
    let dir = tempfile::tempdir().unwrap();
    let bad = |name: &str, before: &str| write(&dir, name, [before.as_bytes(), b"\xff\n"].concat());
    let src = bad("s.asm", "        NOP\n  ");
    let inc = write(&dir, "i.asm", format!("        .include {:?}\n", bad("inc.asm", "; x\n")));
    let img = bad("x.img", "0040 000000\n");
    let events = bad("e.ron", "(events: [])\n//");
    let scenario = bad("sc.ron", "(run: (program: \"x.img\"))\n");
    let map = bad("m.ron", "(\n");
    let vectors = bad("v.json", "[\n ");
    let cases: &[(&[&str], String)] = &[
        (&["asm", &src], "line 2, column 3 (byte 0xFF at offset 14)".into()),
        (&["asm", &inc], "cannot read include".into()),
        (&["run", &img, "--cycles", "1"], format!("{img}:2:1: invalid UTF-8 (byte 0xFF at offset 12)")),
        (&["run", "programs/tick.img", "--cycles", "1", "--events", &events], format!("{events}:2:3: invalid UTF-8")),
        (&["run", "--scenario", &scenario], format!("{scenario}:2:1: invalid UTF-8")),
        (&["budget", "programs/tick.asm", "--map", &map], format!("{map}:2:1: invalid UTF-8")),
        (&["vectors", &vectors], format!("{vectors}:2:2: invalid UTF-8")),
    ];
    for (args, expected) in cases {
        assert_bad(&ccs(args), expected, &format!("{args:?}"));
    }
}

#[cfg(unix)]
#[test]
fn endless_files_are_refused_at_their_limit_by_every_reader() {
    let dir = tempfile::tempdir().unwrap();
    let include = write(&dir, "z.asm", "        .include \"/dev/zero\"\n");
    let scenario = write(&dir, "s.ron", "(run: (program: \"/dev/zero\", duration: \"1s\"))");
    let z = "/dev/zero";
    let cases: &[(&[&str], &str)] = &[
        (&["asm", z], "larger than 1 MiB, the limit for an assembly source"),
        (&["asm", &include], "larger than 1 MiB, the limit for an assembly source"),
        (&["run", z, "--cycles", "1"], "larger than 4 MiB, the limit for a memory image"),
        (&["run", "programs/tick.img", "--cycles", "1", "--events", z], "larger than 64 MiB"),
        (&["run", "programs/tick.img", "--cycles", "1", "--faults", z], "larger than 64 MiB"),
        (&["run", "--scenario", z], "larger than 64 MiB, the limit for an event script or scenario"),
        (&["run", "--scenario", &scenario], "larger than 4 MiB, the limit for a memory image"),
        (&["budget", "programs/tick.asm", "--map", z], "larger than 1 MiB, the limit for an allocation map"),
        (&["budget", "programs/tick.asm", "--image", z], "larger than 4 MiB"),
        (&["disasm", z], "larger than 4 MiB"),
        (&["vectors", z], "larger than 64 MiB, the limit for a vectors file"),
    ];
    for (args, expected) in cases {
        assert_bad(&ccs(args), expected, &format!("{args:?}"));
    }
}

#[test]
fn the_data_limit_follows_ccs_max_input() {
    let dir = tempfile::tempdir().unwrap();
    let events = write(&dir, "e.ron", format!("(events: [])\n{}", "// padding\n".repeat(200)));
    let run = |limit: &str| {
        let args = ["run", "programs/tick.img", "--cycles", "1", "--events", &events];
        Run::of(&args, command(&repo()).args(args).env("CCS_MAX_INPUT", limit).output().unwrap())
    };
    assert_bad(&run("1KB"), "larger than 1,000 bytes, the limit for an event script", "lowered");
    assert_eq!(run("1MiB").code, 0);
    assert_bad(&run("plenty"), "CCS_MAX_INPUT: \"plenty\" is not a size such as 1GiB", "not a size");
}

#[test]
fn error_lists_stop_at_fifty_with_a_count_of_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let src = write(&dir, "many.asm", "        BOGUS\n".repeat(10_000));
    let r = ccs(&["asm", &src]);
    assert_bad(&r, "… and 9950 more errors\n", "many errors");
    assert!(r.stderr.contains("many.asm: 10000 errors; no image written"), "{}", r.stderr);
    assert_eq!(r.stderr.matches("error[unknown-mnemonic]").count(), 50);
    assert!(r.stderr.len() < 20_000, "{} bytes of errors", r.stderr.len());
    // One error on a megabyte-long line: its one-line form, not the line.
    let long = write(&dir, "long.asm", format!("        .word {}\n", "1,".repeat(400_000) + "NOWHERE"));
    let r = ccs(&["asm", &long]);
    assert_bad(&r, "long.asm:1:8207: error[beyond-memory]: a .word line holds at most 4096 values", "long line");
    assert!(r.stderr.len() < 2_000, "{} bytes of errors", r.stderr.len());
}

#[test]
fn vague_errors_are_now_precise() {
    let dir = tempfile::tempdir().unwrap();
    for program in [".", ""] {
        let s = write(&dir, "s.ron", format!("(run: (program: {program:?}, duration: \"1s\"))"));
        let r = ccs(&["run", "--scenario", &s]);
        assert_bad(&r, &format!("s.ron:1:18: program {program:?} names no file"), program);
    }
    let folder = write(&dir, "f.ron", "(run: (program: \"../\"))");
    assert_bad(&ccs(&["run", "--scenario", &folder]), "names no file", "folder");
    let gone = write(&dir, "g.ron", "(run: (program: \"gone.img\"))");
    assert_bad(&ccs(&["run", "--scenario", &gone]), "its program \"gone.img\" is not there", "missing");
    let s = write(&dir, "d.ron", "(\n  run: (program: \"x.img\", duration: \"99999999999999999999999\"),\n)");
    let r = ccs(&["run", "--scenario", &s]);
    assert_bad(&r, "d.ron:2:", "duration position");
    assert!(r.stderr.contains("is longer than the longest run"), "{}", r.stderr);
    let huge = "9".repeat(300);
    let r = ccs(&["run", "programs/tick.img", "--cycles", "1", "--events", &write(&dir, "e.ron", "(events: [")]);
    assert_bad(&r, "e.ron:1:", "events syntax");
    let map = write(&dir, "m.ron", "(name: \"m\", memories: [])");
    let r = ccs(&["budget", "programs/tick.asm", "--map", &map]);
    assert_bad(&r, "m.ron: the map does not describe memory", "map without memories");
    let r = ccs(&["run", "programs/tick.img", "--cycles", &huge]);
    assert_bad(&r, "error: invalid value '9999", "--cycles");
    assert!(r.stderr.contains("is longer than the longest run") && !r.stderr.contains(&huge[..100]), "{}", r.stderr);
    let image = write(&dir, "h.img", format!("{huge} 000000\n"));
    let r = ccs(&["run", &image, "--cycles", "1"]);
    assert_bad(&r, "h.img:1:1: malformed line", "long address");
    assert!(!r.stderr.contains(&huge[..100]), "{}", r.stderr);
}
