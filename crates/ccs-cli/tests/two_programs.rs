//! Two programs on two processors (issue 13): `ccs run a.img b.img --processors AB` loads
//! each image where its header says, and scenarios can name a program per processor.

mod support;

use std::path::{Path, PathBuf};
use support::ccs_in as ccs;

/// Processor A waits until word 0o100 of its memory is set, then halts with code 0o11.
const A_SRC: &str = "        .org 0o40
WAIT:   LDA  0o100
        JZE  WAIT
        HLT  0o11
";

/// Processor B stores 7 into word 0o100 of both memories (STD), then halts with 0o22.
const B_SRC: &str = "        .org 0o40
        LDI  7
        STD  0o100
        HLT  0o22
";

fn assemble(dir: &Path, name: &str, text: &str, target: &str) -> PathBuf {
    let src = dir.join(format!("{name}.asm"));
    std::fs::write(&src, text).unwrap();
    let img = dir.join(format!("{name}.img"));
    let r = ccs(dir, &["asm", src.to_str().unwrap(), "--target", target, "-o", img.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    img
}

#[test]
fn each_image_loads_into_its_own_processor_and_b_stores_into_as_memory() {
    let dir = tempfile::tempdir().unwrap();
    let a = assemble(dir.path(), "a", A_SRC, "A");
    let b = assemble(dir.path(), "b", B_SRC, "B");
    let dump = dir.path().join("state.json");
    let r = ccs(
        dir.path(),
        &[
            "run",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "--processors",
            "AB",
            "--cycles",
            "1s",
            "--dump-state",
            dump.to_str().unwrap(),
        ],
    );
    // A nonzero halt code is exit status 1.
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("a.img: 3 words into CCS-A (processors AB running)"), "{}", r.stdout);
    assert!(r.stdout.contains("b.img: 3 words into CCS-B (processors AB running)"), "{}", r.stdout);
    assert!(r.stdout.contains("processor A: halted with code 9 (0o0011)"), "{}", r.stdout);
    assert!(r.stdout.contains("processor B: halted with code 18 (0o0022)"), "{}", r.stdout);
    // A's memory holds B's word (the state dump is processor A's).
    let state: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&dump).unwrap()).unwrap();
    let cells = state["memA"].as_array().expect("memory cells in the dump");
    assert!(cells.iter().any(|c| c[0] == 0o100 && c[1] == 7), "{state}");
}

#[test]
fn two_programs_for_one_processor_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let a = assemble(dir.path(), "a", A_SRC, "A");
    let a2 = assemble(dir.path(), "a2", B_SRC, "A");
    let r = ccs(dir.path(), &["run", a.to_str().unwrap(), a2.to_str().unwrap(), "--cycles", "1s"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("both load into processor A"), "{}", r.stderr);
}

#[test]
fn a_scenario_names_a_program_per_processor_with_its_own_jumpers() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.asm"), A_SRC).unwrap();
    std::fs::write(dir.path().join("b.asm"), B_SRC).unwrap();
    // B's block 0 is write-protected: its own STD half is suppressed, A's half lands.
    std::fs::write(
        dir.path().join("pair.ron"),
        r#"// Two programs, one per processor.
(
    run: (
        programs: {A: "a.asm", B: "b.asm"},
        processor_jumpers: {B: (WP, RW, RW)},
        duration: "1s",
    ),
)
"#,
    )
    .unwrap();
    let dump = dir.path().join("state.json");
    let r = ccs(dir.path(), &["run", "--scenario", "pair.ron", "--dump-state", dump.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("a.asm: 3 words into CCS-A (processors AB running)"), "{}", r.stdout);
    assert!(r.stdout.contains("b.asm: 3 words into CCS-B"), "{}", r.stdout);
    assert!(r.stdout.contains("processor A: halted with code 9"), "{}", r.stdout);
    assert!(r.stdout.contains("processor B: halted with code 18"), "{}", r.stdout);
}

#[test]
fn a_scenario_with_program_and_programs_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.asm"), A_SRC).unwrap();
    std::fs::write(dir.path().join("bad.ron"), r#"(run: (program: "a.asm", programs: {B: "a.asm"}))"#).unwrap();
    let r = ccs(dir.path(), &["run", "--scenario", "bad.ron", "--cycles", "1s"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("either `program` or `programs`"), "{}", r.stderr);
}
