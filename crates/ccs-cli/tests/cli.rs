//! The `ccs` binary end to end: exit statuses, what it prints and writes, and bad
//! input of every kind giving a clear message (never a panic or a backtrace).

mod support;

use support::{Run, ccs, ccs_in, command, repo, write};

#[test]
fn run_tick_program_for_one_second_and_dump_the_state() {
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("state.json");
    let r = ccs(&["run", "programs/tick.img", "--cycles", "1s", "--dump-state", dump.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("loaded programs/tick.img: 23 words into CCS-A"), "{}", r.stdout);
    assert!(
        r.stdout.contains("processor A: reached the cycle limit at t = 500,000 (0:00:00:01.00), P = 0043, 201 instructions, 99 interrupts taken"),
        "{}",
        r.stdout
    );
    let state: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&dump).unwrap()).unwrap();
    assert_eq!(state["time"], 500_000);
    assert_eq!(state["P"], 0o43);
    assert_eq!(state["L"], 0o44);
    assert_eq!(state["PEND"], 48);
    assert_eq!(state["MASK"], 0xFFFF_FFCFu32);
    assert_eq!(state["halted"], false);
    assert_eq!(state["stop"], "reached the cycle limit");
    // memA lists every nonzero cell: the 23 program words less the zero data words, TICKS = 99.
    let mem = state["memA"].as_array().unwrap();
    assert!(mem.contains(&serde_json::json!([0o60, 99])), "{mem:?}");
    assert!(mem.iter().all(|c| c[1] != 0));
    // The dump is itself a valid vector state: keys in spec order.
    let text = std::fs::read_to_string(&dump).unwrap();
    assert!(text.find("\"time\"").unwrap() < text.find("\"memA\"").unwrap());
}

#[test]
fn exit_status_follows_the_halt_code() {
    let dir = tempfile::tempdir().unwrap();
    let zero = write(&dir, "zero.img", "# ccs-image v1 target=A\n0040 000001\n0041 000000\n");
    let seven = write(&dir, "seven.img", "# ccs-image v1 target=A\n0040 000700\n");
    let r = ccs(&["run", &zero, "--cycles", "1000"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("processor A: halted with code 0 (0o0000) at t = 44"), "{}", r.stdout);
    let r = ccs(&["run", &seven, "--cycles", "1000"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("halted with code 7 (0o0007) at t = 22"), "{}", r.stdout);
}

#[test]
fn console_words_are_printed_with_their_time() {
    let dir = tempfile::tempdir().unwrap();
    // LDI 5; OUT 0o17; LDI -1; OUT 0o17; HLT
    let img = write(
        &dir,
        "c.img",
        "# ccs-image v1 target=A\n0040 000541\n0041 001716\n0042 777741\n0043 001716\n0044 000000\n",
    );
    let r = ccs(&["run", &img, "--cycles", "1000"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("console t=22 (0:00:00:00.00) A: 000005 (5)"), "{}", r.stdout);
    assert!(r.stdout.contains("console t=88 (0:00:00:00.00) A: 777777 (262143)"), "{}", r.stdout);
}

#[test]
fn trace_has_one_deterministic_line_per_step() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("trace.txt");
    let r = ccs(&["run", "programs/tick.img", "--cycles", "6000", "--trace", trace.to_str().unwrap()]);
    assert_eq!(r.code, 0);
    let text = std::fs::read_to_string(&trace).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "           0 A P=0040 W=005730      LML 0o0057     A=000000 L=0000 CC=00 CYC=44",
            "          44 A P=0041 W=000004      EIN            A=000000 L=0000 CC=00 CYC=22",
            "          66 A P=0042 W=000002      WAI            A=000000 L=0000 CC=00 CYC=4934",
            "        5000 A P=0043 W=006072 < 4> INC 0o0060     A=000000 L=0000 CC=00 CYC=80",
            "        5080 A P=0043 W=004210      JMP 0o0042     A=000000 L=0000 CC=00 CYC=22",
            "        5102 A P=0042 W=000002      WAI            A=000000 L=0044 CC=00 CYC=4898",
        ]
    );
}

#[test]
fn jumpers_protect_memory() {
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("s.json");
    // LDI 1; STA 0o100 (block 0); HLT
    let img = write(&dir, "p.img", "# ccs-image v1 target=A\n0040 000141\n0041 010043\n0042 000000\n");
    let r = ccs(&["run", &img, "--cycles", "1000", "--jumpers", "RO,RW,RW", "--dump-state", dump.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let s: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&dump).unwrap()).unwrap();
    assert_eq!(s["ERR"], (0o100 << 6) | 1);
    assert_eq!(s["PEND"], 1);
    assert!(!s["memA"].as_array().unwrap().iter().any(|c| c[0] == 0o100));
}

#[test]
fn events_file_drives_the_uplink() {
    let dir = tempfile::tempdir().unwrap();
    // Trap cell 3: CAL 0o100. 0o40: LML 0o50, EIN, WAI, JMP 0o42. Handler: INP 0, OUT 0o17, RTI 0o100.
    let img = write(
        &dir,
        "u.img",
        "# ccs-image v1 target=A\n0003 010011\n0040 005030\n0041 000004\n0042 000002\n0043 004210\n0050 177767\n\
         0101 000015\n0102 001716\n0103 010014\n",
    );
    let events =
        write(&dir, "e.ron", "(models: (uplink: true), events: [(seconds: 0.5, source: uplink, value: 0o1234)])");
    let r = ccs(&["run", &img, "--cycles", "1s", "--events", &events]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("A: 001234 (668)"), "{}", r.stdout);
    let json = write(&dir, "e.json", r#"{"events": [{"time": 250000, "source": "uplink", "value": 7}]}"#);
    let r = ccs(&["run", &img, "--cycles", "1s", "--events", &json]);
    assert!(r.stdout.contains("console t=250") && r.stdout.contains("A: 000007 (7)"), "{}", r.stdout);
}

#[test]
fn bad_input_gets_a_clear_message_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad_image = write(&dir, "bad.img", "# ccs-image v1 target=A\n0040 000001\n0040 000002\n");
    let malformed = write(&dir, "m.img", "0040 00000x\n");
    let no_target = write(&dir, "n.img", "0040 000000\n");
    let bad_events = write(&dir, "e.ron", "(events: [\n  (time: 1, source: warp_drive)\n])");
    let wide_event = write(&dir, "w.json", r#"{"events": [{"time": 1, "source": "power_status", "value": 9}]}"#);
    let cases: &[(&[&str], &str)] = &[
        (&["run", "no/such/file.img", "--cycles", "10"], "no/such/file.img"),
        (&["run", &bad_image, "--cycles", "10"], "bad.img:3:1: duplicate address 40 (first set on line 2)"),
        (&["run", &malformed, "--cycles", "10"], "m.img:1:1: malformed line"),
        (&["run", &no_target, "--cycles", "10"], "no header line naming its target"),
        (&["run", "programs/tick.img", "--cycles", "10", "--events", &bad_events], "e.ron:2:"),
        (&["run", "programs/tick.img", "--cycles", "10", "--events", &wide_event], "does not fit the 2-bit"),
        (&["run", "programs/tick.img", "--cycles", "ten"], "not a number of cycles"),
        (&["run", "programs/tick.img", "--cycles", "10", "--jumpers", "RW,XX,RW"], "\"XX\" is not RW, WP or RO"),
        (&["run", "programs/tick.img", "--cycles", "10", "--jumpers", "RW,RW"], "expected three settings"),
        (&["run", "programs/tick.img"], "--cycles"),
        (&["frobnicate"], "unrecognized subcommand"),
        (&["vectors", "no/such/dir"], "no/such/dir"),
    ];
    for (args, expected) in cases {
        let r = ccs(args);
        assert_eq!(r.code, 2, "ccs {args:?}: stdout {} stderr {}", r.stdout, r.stderr);
        assert!(r.stderr.contains(expected), "ccs {args:?}: expected {expected:?} in stderr:\n{}", r.stderr);
    }
}

#[test]
fn run_with_target_b_runs_processor_b() {
    let dir = tempfile::tempdir().unwrap();
    let img = write(&dir, "b.img", "0040 000300\n");
    let r = ccs(&["run", &img, "--cycles", "100", "--target", "B"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("processor B: halted with code 3"), "{}", r.stdout);
    assert!(!r.stdout.contains("processor A:"), "{}", r.stdout);
}

#[test]
fn vectors_report_each_differing_field_and_a_summary_line() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(repo().join("tests/vectors/public/50.json")).unwrap();
    let mut tests: serde_json::Value = serde_json::from_str(&good).unwrap();
    tests[0]["final"]["A"] = 1.into();
    tests[0]["final"]["CC"] = 0.into();
    let bad = write(&dir, "bad.json", tests.to_string());
    let r = ccs(&["vectors", &bad]);
    assert_eq!(r.code, 1);
    let name = tests[0]["name"].as_str().unwrap();
    assert!(r.stdout.contains(&format!("FAIL {bad}: {name}")), "{}", r.stdout);
    assert!(r.stdout.contains("     A: expected 1, actual"), "{}", r.stdout);
    assert!(r.stdout.contains("     CC: expected 0, actual"), "{}", r.stdout);
    let count = tests.as_array().unwrap().len();
    assert_eq!(r.stdout.lines().last().unwrap(), format!("{} passed, 1 failed", count - 1));

    let r = ccs(&["vectors", "tests/vectors"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let last = r.stdout.lines().last().unwrap();
    assert!(last.ends_with(" passed, 0 failed"), "{last}");
}

#[test]
fn demo_shows_the_events_the_map_the_budget_and_the_contrast_in_80_columns() {
    // From an empty folder, as on a fresh machine: everything it needs is bundled.
    let dir = tempfile::tempdir().unwrap();
    let r = ccs_in(dir.path(), &["demo"]);
    let stdout = &r.stdout;
    assert_eq!(r.code, 0, "{stdout}{}", r.stderr);
    let too_wide: Vec<&str> = stdout.lines().filter(|l| l.chars().count() > 80).collect();
    assert!(too_wide.is_empty(), "wider than 80 columns: {too_wide:#?}");
    let lines: Vec<&str> = stdout.lines().collect();
    let after = |heading: &str| {
        lines.iter().position(|l| l.starts_with(heading)).unwrap_or_else(|| panic!("no {heading:?}:\n{stdout}"))
    };

    // The run and the key events: each failure, then the CCS's response to it, with the
    // processor (or the voting pair) that issued it.
    assert!(stdout.contains("Ran:      7:00:00:00.00 of spacecraft time"), "{stdout}");
    assert!(stdout.contains("Program:  flight/load.asm, 2,001 words, processors AB, jumpers WP,WP,RW"), "{stdout}");
    for (failure, response) in [
        (
            "1:02:00:00.50  spacecraft  AACS unit 0 (prime) fails",
            "1:02:00:10.00  CCS-A       DCM 0o0001: swap to the other (backup) AACS",
        ),
        (
            "2:10:00:00.00  ground      uplink word 026000 (level 3)",
            "2:10:00:00.02  CCS-A       DCM 0o0102: set mode TANDEM",
        ),
        (
            "2:10:00:01.00  CCS-AB      FDS coded command 0o100014",
            "2:10:29:19.00  CCS-AB      DCM 0o0100: set mode INDIVIDUAL",
        ),
        (
            "3:14:00:00.00  spacecraft  X-band TWTA unit 0 (prime) fails",
            "3:14:00:00.01  CCS-A       DCM 0o0005: swap X-band TWTA",
        ),
        (
            "4:06:30:00.20  spacecraft  processor A stops dead (halt code 0o7777)",
            "4:06:30:03.00  CCS-B       telemetry: CCS-B took over: CCS-A fell silent",
        ),
        (
            "5:09:00:00.00  spacecraft  power status 0b01 (level 1)",
            "5:09:00:00.00  CCS-B       DCM 0o0210: load shedding: science heaters off",
        ),
    ] {
        let f =
            lines.iter().position(|l| l.trim_start() == failure).unwrap_or_else(|| panic!("no {failure:?}:\n{stdout}"));
        let r = lines
            .iter()
            .position(|l| l.trim_start() == response)
            .unwrap_or_else(|| panic!("no {response:?}:\n{stdout}"));
        assert!(f < r, "the failure comes before the response");
    }
    assert!(stdout.contains("0:00:30:00.01  CCS-A       AACS coded command 0o300001"), "a sequence step: {stdout}");
    assert!(stdout.contains("4:11:29:00.01  CCS-B       FDS coded command 0o600001"), "B's sequence: {stdout}");
    assert!(stdout.contains("... and 91 more coded commands from the sequence tables"), "{stdout}");
    assert!(stdout.contains("coded commands by source: 23 from A, 65 from AB, 12 from B"), "{stdout}");

    // The memory picture: six memories, the load in both CCS memories.
    let map = after("Memory: all 69,632 bytes");
    for (i, memory) in ["CCS-A ", "CCS-B ", "FDS-A ", "FDS-B ", "AACS-A", "AACS-B"].iter().enumerate() {
        assert!(lines[map + 1 + i].starts_with(memory), "{}", lines[map + 1 + i]);
    }
    for x in [1, 2] {
        assert!(lines[map + x].starts_with("CCS-") && lines[map + x].ends_with(" 2,001"), "{}", lines[map + x]);
    }

    // The budget table with the run's figures, and its verdict.
    let budget = after("Budget: flight/load.asm against the map voyager");
    assert!(lines[budget + 1].starts_with("MEMORY REGION") && lines[budget + 1].ends_with("WRITES DENIED"));
    assert!(
        lines[budget + 3].starts_with("CCS-A  FIXED      0040-5177   ro  1249  2656  47%"),
        "{}",
        lines[budget + 3]
    );
    assert!(lines[budget + 3].ends_with(" 0      0"), "nothing wrote FIXED: {}", lines[budget + 3]);
    assert!(stdout.contains("CCS-B  FIXED      0040-5177   ro  1249  2656  47%"), "both memories: {stdout}");
    assert!(stdout.contains("spacecraft: 9,005 of 69,632 bytes used (12.9%)"), "{stdout}");
    assert!(stdout.contains("fits: every section lies in its region and within its limit"), "{stdout}");

    // The contrast: the chart and both verdicts.
    let contrast = after("Two machines");
    assert!(lines[contrast..].iter().any(|l| l.contains("64.0 MiB budget |---")), "{stdout}");
    assert!(stdout.contains("leaky server: grows without bound: +1276.2 MiB/min (p < 0.001)"), "{stdout}");
    assert!(stdout.contains("bounded (LRU) server: stable"), "{stdout}");
}

#[test]
fn demo_takes_other_scenarios_and_falls_back_to_the_recording_without_node() {
    let r = ccs(&["demo", "--scenario", "programs/scenarios/protected-store.ron"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("1 program store into region FIXED of CCS-A, which is not writable"), "{}", r.stdout);
    // Both processors run the load, and each POKEs its own memory.
    assert!(r.stdout.contains("1 program store into region FIXED of CCS-B, which is not writable"), "{}", r.stdout);
    assert!(r.stdout.contains("does not fit: 2 findings"), "{}", r.stdout);
    assert!(r.stdout.contains("tried 2 stores into protected regions"), "{}", r.stdout);

    let args = ["demo", "--live", "--requests", "100"];
    let r = Run::of(&args, command(&repo()).args(args).env("CCS_NODE", "/no/such/node").output().unwrap());
    let stdout = &r.stdout;
    assert_eq!(r.code, 0);
    assert!(stdout.contains("(no live run: could not run Node.js as `/no/such/node`"), "{stdout}");
    assert!(stdout.contains("showing the bundled recording)") && stdout.contains("leaky server: grows"), "{stdout}");

    let dir = tempfile::tempdir().unwrap();
    let endless = write(&dir, "endless.ron", "(run: (program: \"../../no/such.asm\"))");
    assert_eq!(ccs(&["demo", "--scenario", &endless]).code, 2);
    std::fs::write(dir.path().join("p.asm"), "        .org 0o40\nL:      JMP L\n").unwrap();
    let endless = write(&dir, "endless.ron", "(run: (program: \"p.asm\"))");
    let r = ccs(&["demo", "--scenario", &endless]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("the scenario gives no duration"), "{}", r.stderr);
    assert_eq!(ccs(&["demo", "--requests", "100"]).code, 2, "--requests needs --live");
}

#[test]
fn help_and_version_exit_0() {
    let r = ccs(&["--help"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("demo") && r.stdout.contains("vectors"));
    assert_eq!(ccs(&["--version"]).code, 0);
}

#[test]
fn fault_flags_inject_faults_at_their_times() {
    // Halted by a fault at 1 s, inside the WAI begun at 495,102 (which therefore never
    // completes): code 0o7777, a nonzero code, so exit 1. The report says both times.
    let r = ccs(&["run", "programs/tick.img", "--cycles", "2s", "--halt", "A@1s"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "processor A: stopped dead by the injected halt at t = 500,000 (0:00:00:01.00); \
             its last step ended at t = 495,102 (0:00:00:00.99), P = 0042"
        ),
        "{}",
        r.stdout
    );

    // TICKS (0o60) dead: the counting INC is lost, the handler copies the garbage.
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("s.json");
    let r = ccs(&[
        "run",
        "programs/tick.img",
        "--cycles",
        "3s",
        "--dead",
        "ccs-a:0o60+1:0o525252",
        "--dump-state",
        dump.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let s: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&dump).unwrap()).unwrap();
    let cell = |a: u64| s["memA"].as_array().unwrap().iter().find(|c| c[0] == a).map(|c| c[1].as_u64().unwrap());
    assert_eq!(cell(0o60), Some(0o525252), "TICKS reads the garbage pattern");
    assert_eq!(cell(0o62), Some(0o525252), "LASTT got it");
    assert_eq!(cell(0o61), Some(2), "SECS still counts: seconds 1 and 2 handled");

    let r = ccs(&["run", "programs/tick.img", "--cycles", "1s", "--flip", "ccs-a:1"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("expected MEMORY:ADDR:BIT[@TIME]"), "{}", r.stderr);
    let r = ccs(&["run", "programs/tick.img", "--cycles", "1s", "--flip", "fds-b:8192:0"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("outside FDS-B"), "{}", r.stderr);
}

#[test]
fn faults_file_uses_the_event_script_format() {
    let dir = tempfile::tempdir().unwrap();
    let faults = write(&dir, "f.ron", "(events: [(seconds: 1, source: halt, processor: A)])");
    let r = ccs(&["run", "programs/tick.img", "--cycles", "5s", "--faults", &faults]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("stopped dead by the injected halt at t = 500,000"), "{}", r.stdout);
}

#[test]
fn log_prints_every_output_with_its_source_and_processors_runs_both() {
    let dir = tempfile::tempdir().unwrap();
    // DCM 5; HLT — in both processors (target AB).
    let img = write(&dir, "d.img", "# ccs-image v1 target=AB\n0040 000517\n0041 000000\n");
    let r = ccs(&["run", &img, "--cycles", "1000", "--log"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("output  t=0 (0:00:00:00.00) A: DCM 0o0005"), "{}", r.stdout);
    assert!(r.stdout.contains("output  t=0 (0:00:00:00.00) B: DCM 0o0005"), "{}", r.stdout);
    assert!(r.stdout.contains("processor B: halted with code 0"), "{}", r.stdout);
    // The same image with only A running.
    let r = ccs(&["run", &img, "--cycles", "1000", "--log", "--processors", "A"]);
    assert!(!r.stdout.contains("B: DCM"), "{}", r.stdout);
    assert!(!r.stdout.contains("processor B"), "{}", r.stdout);
}

#[test]
fn asm_writes_image_listing_and_symbols_or_fails_with_carets() {
    let dir = tempfile::tempdir().unwrap();
    let img = dir.path().join("tick.img");
    let lst = dir.path().join("tick.lst");
    let sym = dir.path().join("tick.sym");
    let r = ccs(&[
        "asm",
        "programs/tick.asm",
        "-o",
        img.to_str().unwrap(),
        "--listing",
        lst.to_str().unwrap(),
        "--symbols",
        sym.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(&img).unwrap(),
        std::fs::read_to_string(repo().join("programs/tick.img")).unwrap()
    );
    assert!(r.stdout.contains("main        23"), "{}", r.stdout);
    assert!(
        std::fs::read_to_string(&lst)
            .unwrap()
            .contains("0040 005730  main     programs/tick.asm:7   START:  LML  MASKW")
    );
    assert!(std::fs::read_to_string(&sym).unwrap().contains("SECH   0o0044"));

    let bad = write(&dir, "bad.asm", "        .org 0o40\nSTART:  LDA  NOWHERE\n        JMP  4096\n");
    let out = dir.path().join("bad.img");
    let r = ccs(&["asm", &bad, "-o", out.to_str().unwrap()]);
    assert_eq!(r.code, 2, "a source that does not assemble is bad input");
    assert!(!out.exists(), "no image is written on errors");
    assert!(r.stderr.contains("error[undefined-symbol]: undefined symbol `NOWHERE`"), "{}", r.stderr);
    assert!(r.stderr.contains("2 │ START:  LDA  NOWHERE\n  │              ^^^^^^^"), "{}", r.stderr);
    assert!(r.stderr.contains("bad.asm: 2 errors; no image written"), "{}", r.stderr);

    // `ccs run` takes the source directly, and reports its errors as bad input.
    let r = ccs(&["run", "programs/tick.asm", "--cycles", "1s"]);
    assert!(r.stdout.contains("201 instructions, 99 interrupts taken"), "{}", r.stdout);
    let r = ccs(&["run", &bad, "--cycles", "1s"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("could not be assembled") && r.stderr.contains("undefined symbol"), "{}", r.stderr);
}

#[test]
fn disasm_output_reassembles_to_the_same_image() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("back.asm");
    let r = ccs(&["disasm", "programs/bench/mix.img", "-o", src.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let img = dir.path().join("back.img");
    let r = ccs(&["asm", src.to_str().unwrap(), "-o", img.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(&img).unwrap(),
        std::fs::read_to_string(repo().join("programs/bench/mix.img")).unwrap()
    );
    let bad = write(&dir, "fds.img", "# fds-image v1 target=A\n00000 000001\n");
    let r = ccs(&["disasm", &bad]);
    assert_eq!(r.code, 2);
}

#[test]
fn budget_exit_status_messages_and_json() {
    let r = ccs(&["budget", "tests/budget/fits.asm"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.ends_with("fits: every section lies in its region and within its limit\n"), "{}", r.stdout);

    let r = ccs(&["budget", "tests/budget/overflow.asm"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("section CMDLOS (212 words) overflows region FIXED by 37 words: 0o5200-0o5244 (in DATA)"),
        "{}",
        r.stdout
    );

    let r = ccs(&["budget", "tests/budget/overflow.asm", "--format", "json"]);
    assert_eq!(r.code, 1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["findings"][0]["words"], 37);

    // Over its own limit: a finding (exit 1), not bad input, even though `ccs asm` refuses it.
    let dir = tempfile::tempdir().unwrap();
    let over = write(&dir, "over.asm", "        .section FIXED, 2\n        .org 0o40\n        .zero 5\n");
    let r = ccs(&["budget", &over]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("section FIXED (5 words) is over its limit of 2 words by 3 words"), "{}", r.stdout);
    assert_eq!(ccs(&["asm", &over]).code, 1);

    // The run-time check: the fitting program stores only into DATA.
    let r = ccs(&["budget", "tests/budget/fits.asm", "--run", "1s"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("run: 500,000 cycles; processor A: reached the cycle limit"), "{}", r.stdout);
    // The spec's tick program keeps its counters among its code: forbidden stores.
    let r = ccs(&["budget", "programs/tick.img", "--run", "1s"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("program stores into region FIXED of CCS-A, which is not writable"), "{}", r.stdout);
}

#[test]
fn budget_bad_input_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad_map = write(&dir, "m.ron", "(memories: [(memory: \"CCS-Z\", regions: [])])");
    let r = ccs(&["budget", "tests/budget/fits.asm", "--map", &bad_map]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("m.ron:1:14: unknown memory \"CCS-Z\""), "{}", r.stderr);
    let broken = write(&dir, "b.asm", "        LDA NOWHERE\n");
    let r = ccs(&["budget", &broken]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("undefined symbol"), "{}", r.stderr);
    assert_eq!(ccs(&["budget", "no/such.asm"]).code, 2);
}

#[test]
fn relocate_around_dead_words_and_asm_with_a_map() {
    let dir = tempfile::tempdir().unwrap();
    let img = dir.path().join("r.img");
    let r = ccs(&["relocate", "tests/relocate/vector_call.asm", "--dead", "0o44+256", "-o", img.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("section CMDLOS         4 words  0o0044 -> 0o0444  in FIXED"), "{}", r.stdout);
    assert!(r.stdout.contains("words moved: 7"), "{}", r.stdout);
    assert!(r.stdout.contains("region FIXED          8 used    256 dead   2392 free of 2656"), "{}", r.stdout);
    assert!(r.stdout.ends_with("budget: fits\n"), "{}", r.stdout);
    // The relocated image works with the dead words really dead.
    let run = ccs(&["run", img.to_str().unwrap(), "--cycles", "1000", "--dead", "ccs-a:0o44+256"]);
    assert!(run.stdout.contains("A: 000052 (42)"), "{}", run.stdout);

    // Every writable word dead: DATA's 3 words have nowhere to go (tests/relocate_cli.rs has more).
    let r = ccs(&["relocate", "tests/relocate/vector_call.asm", "--dead", "0o5200-0o7777"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("no layout in CCS-A: 3 writable words are missing"), "{}", r.stdout);
    assert_eq!(ccs(&["relocate", "tests/relocate/vector_call.asm", "--dead", "0o7777+2"]).code, 2);

    let m = dir.path().join("m.img");
    let r = ccs(&["asm", "tests/relocate/vector_call.asm", "--map", "programs/voyager.ron", "-o", m.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(std::fs::read_to_string(&m).unwrap().contains("\n5201 004410\n"), "the vector's JMP WORK moved to DATA");
}

#[test]
fn validation_verdicts_are_exit_statuses() {
    let r = ccs(&["run", "programs/validation/arithmetic.asm", "--cycles", "1s"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("A: 000000 (0)"), "{}", r.stdout);
    let r = ccs(&["run", "programs/validation/protection.asm", "--cycles", "1s", "--jumpers", "WP,RO,RW"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    // Without its jumpers, check 1 fails: exit status 1, the check's number on the console.
    let r = ccs(&["run", "programs/validation/protection.asm", "--cycles", "1s"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("A: 000001 (1)") && r.stdout.contains("halted with code 1"), "{}", r.stdout);
}

#[test]
fn fault_campaigns_are_reproducible_tables() {
    let args = ["faults", "tests/campaign/telemetry.asm", "--campaign", "64", "--seed", "11", "--cycles", "10s"];
    let a = ccs(&args);
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert_eq!(ccs(&args).stdout, a.stdout, "the same seed gives the same table");
    assert!(a.stdout.contains("fault campaign: 64 runs of tests/campaign/telemetry.asm"), "{}", a.stdout);
    let all = a.stdout.lines().find(|l| l.starts_with("all ")).unwrap();
    assert!(all.trim_end().ends_with(" 64"), "{all}");
    assert!(a.stderr.contains("64 runs in"), "{}", a.stderr);
    let other = ccs(&["faults", "tests/campaign/telemetry.asm", "--campaign", "64", "--seed", "12", "--cycles", "10s"]);
    assert_ne!(other.stdout, a.stdout);
    let json =
        ccs(&["faults", "tests/campaign/telemetry.asm", "--campaign", "5", "--format", "json", "--cycles", "5s"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["trials"].as_array().unwrap().len(), 5);
    assert_eq!(ccs(&["faults", "tests/campaign/telemetry.asm", "--campaign", "0"]).code, 2);
    assert_eq!(ccs(&["faults", "no/such.asm", "--campaign", "3"]).code, 2);
}

#[test]
fn completions_and_man_pages_come_from_the_clap_definitions() {
    let r = ccs(&["completions", "bash"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("_ccs()") && r.stdout.contains("relocate") && r.stdout.contains("--dump-state"));
    assert!(ccs(&["completions", "zsh"]).stdout.contains("#compdef ccs"));
    assert_eq!(ccs(&["completions", "tcsh"]).code, 2);
    let r = ccs(&["man"]);
    assert!(r.stdout.contains(".TH ccs 1") && r.stdout.contains("budget"), "{}", r.stdout);
    let r = ccs(&["man", "run"]);
    assert!(r.stdout.contains(".TH ccs-run 1") && r.stdout.contains("dump\\-state"), "{}", r.stdout);
    let r = ccs(&["man", "launch"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no subcommand \"launch\""), "{}", r.stderr);
}

#[test]
fn scenarios_carry_their_program_jumpers_and_length() {
    // From an empty folder: the scenario and its program come from the bundled files.
    let dir = tempfile::tempdir().unwrap();
    let r = ccs_in(dir.path(), &["run", "--scenario", "scenarios/aacs-heartbeat-stops.ron", "--log"]);
    let stdout = &r.stdout;
    assert_eq!(r.code, 0, "{stdout}{}", r.stderr);
    assert!(stdout.contains("output  t=15001392 (0:00:00:30.00) A: DCM 0o0001"), "{stdout}");
    assert!(stdout.contains("reached the cycle limit at t = 60,000,000 (0:00:02:00.00)"), "{stdout}");
    // So are the sources `ccs asm` and `ccs relocate` read.
    let r = ccs_in(dir.path(), &["relocate", "programs/flight/load.asm", "--dead", "0o1000+256"]);
    let stdout = &r.stdout;
    assert!(stdout.contains("words moved: 1173") && stdout.ends_with("budget: fits\n"), "{stdout}");
    // --cycles overrides the scenario's length.
    let r = ccs(&["run", "--scenario", "programs/scenarios/aacs-heartbeat-stops.ron", "--cycles", "10s"]);
    assert!(r.stdout.contains("at t = 5,000,000 (0:00:00:10.00)"), "{}", r.stdout);
    // The budget runs it with its jumpers: the store is suppressed by the hardware.
    let r = ccs(&["budget", "--scenario", "programs/scenarios/protected-store.ron"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains(
            "1 program store into region FIXED of CCS-A, which is not writable (all suppressed by the jumpers)"
        ),
        "{}",
        r.stdout
    );
    let r = ccs(&["faults", "--scenario", "programs/scenarios/rf-loss-xband-twta.ron", "--campaign", "16"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("fault campaign: 16 runs of programs/flight/load.asm (0:00:05:00.00 each)"),
        "{}",
        r.stdout
    );
    // Not a scenario, and no program at all.
    let plain = write(&dir, "plain.ron", "(events: [])");
    let r = ccs(&["run", "--scenario", &plain]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a scenario: it has no `run: (program: ...)` block"), "{}", r.stderr);
    assert_eq!(ccs(&["run", "--cycles", "1s"]).code, 2);
}
