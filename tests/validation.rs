//! The validation suite (`programs/validation/`): every program passes, a wrong
//! expectation is reported with its check's number, and together they execute all 64
//! opcodes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use voyager_ccs::asm::{FileSystem, MemorySources, assemble};
use voyager_ccs::core::{Command, Image, Jumper, Jumpers, MachineSetup, Observer, ProcId, StepRecord, Stop, Target};

fn programs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("programs/validation");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "asm") && !p.ends_with("common.asm"))
        .collect();
    files.sort();
    files
}

/// The jumpers a program asks for in its header (`--jumpers WP,RO,RW`), else all RW.
fn jumpers_of(text: &str) -> Jumpers {
    let Some(at) = text.find("--jumpers ") else { return Jumpers::default() };
    let spec = text[at + 10..].split_whitespace().next().unwrap();
    let j: Vec<Jumper> = spec.split(',').map(|s| Jumper::parse(s).unwrap()).collect();
    Jumpers([j[0], j[1], j[2]])
}

/// Collects the opcodes of every word fetched for execution (instructions and trap
/// cells; an XCT's target is not counted).
#[derive(Default)]
struct Opcodes(BTreeSet<u8>);

impl Observer for Opcodes {
    const STEPS: bool = true;
    fn step(&mut self, r: &StepRecord) {
        self.0.insert(r.before.word.opcode_bits());
    }
}

/// Run an image until it halts; (halt code, console words).
fn run(image: &Image, jumpers: Jumpers, seen: &mut Opcodes) -> (Stop, Vec<u32>) {
    let mut m = MachineSetup::new()
        .with_image_at(image.clone(), Target::A)
        .expect("a CCS image")
        .with_jumpers(ProcId::A, jumpers)
        .build();
    let stop = m.run_until_observed(2_000_000, seen)[0];
    let console = m
        .drain_outputs()
        .iter()
        .filter_map(|o| match o.command {
            Command::Out { channel, value } if channel.get() == 0o17 => Some(value.get()),
            _ => None,
        })
        .collect();
    (stop, console)
}

#[test]
fn every_validation_program_passes_and_together_they_execute_every_opcode() {
    let mut seen = Opcodes::default();
    let files = programs();
    assert_eq!(files.len(), 11, "{files:?}");
    for file in &files {
        let out = assemble(file, &FileSystem);
        assert!(out.diagnostics.is_empty(), "{}:\n{}", file.display(), out.render_diagnostics());
        let text = std::fs::read_to_string(file).unwrap();
        let (stop, console) = run(out.assembly.unwrap().image(), jumpers_of(&text), &mut seen);
        assert_eq!(stop, Stop::Halted { code: Default::default() }, "{}: console {console:?}", file.display());
        assert_eq!(console, [0], "{}", file.display());
    }
    let missing: Vec<String> = (0..64u8)
        .filter(|op| !seen.0.contains(op))
        .map(|op| voyager_ccs::core::Opcode::from_bits(op).mnemonic().to_string())
        .collect();
    assert!(missing.is_empty(), "opcodes never executed: {missing:?}");
}

#[test]
fn a_wrong_expectation_is_reported_with_its_check_number() {
    // arithmetic.asm check 1 expects 5 + 7 = 12; make the constant 8.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("programs/validation");
    let text =
        std::fs::read_to_string(dir.join("arithmetic.asm")).unwrap().replace("K7:     .word 7", "K7:     .word 8");
    let common = std::fs::read_to_string(dir.join("common.asm")).unwrap();
    let sources = MemorySources::new().with("arithmetic.asm", text).with("common.asm", common);
    let out = assemble("arithmetic.asm", &sources);
    let (stop, console) = run(out.assembly.unwrap().image(), Jumpers::default(), &mut Opcodes::default());
    assert_eq!(stop, Stop::Halted { code: voyager_ccs::core::Addr::wrapping(1) });
    assert_eq!(console, [1]);
    // And protection.asm without its jumpers fails its first check.
    let out = assemble(dir.join("protection.asm"), &FileSystem);
    let (stop, console) = run(out.assembly.unwrap().image(), Jumpers::default(), &mut Opcodes::default());
    assert_eq!((stop, console), (Stop::Halted { code: voyager_ccs::core::Addr::wrapping(1) }, vec![1]));
}
