//! The programs shipped in `programs/` assemble to their images byte for byte.

use ccs_asm::{FileSystem, assemble, disassemble};
use ccs_core::{Image, ImageKind, Target};
use std::path::PathBuf;

fn programs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../programs")
}

fn check(source: &str, image: &str) {
    let dir = programs_dir();
    let output = assemble(dir.join(source), &FileSystem);
    assert!(output.diagnostics.is_empty(), "{}", output.render_diagnostics());
    let assembly = output.assembly.expect("assembles");
    let expected = std::fs::read_to_string(dir.join(image)).expect("image present");
    assert_eq!(assembly.image_text(Target::A), expected);
}

/// Spec §14: the tick program is exactly the 23 image lines of `programs/tick.img`.
#[test]
fn tick_assembles_to_the_spec_image() {
    check("tick.asm", "tick.img");
    let expected = std::fs::read_to_string(programs_dir().join("tick.img")).unwrap();
    assert_eq!(expected.lines().count(), 1 + 23);
}

#[test]
fn benchmark_mix_assembles_to_its_image() {
    check("bench/mix.asm", "bench/mix.img");
}

/// The disassembly of each shipped image reassembles to it.
#[test]
fn shipped_images_round_trip_through_the_disassembler() {
    for image in ["tick.img", "bench/mix.img"] {
        let text = std::fs::read_to_string(programs_dir().join(image)).unwrap();
        let parsed = Image::parse(&text, ImageKind::Ccs).unwrap();
        let source = disassemble(&parsed).unwrap();
        let output = ccs_asm::assemble_str("disassembly.asm", &source);
        assert!(output.diagnostics.is_empty(), "{}\n{source}", output.render_diagnostics());
        assert_eq!(output.assembly.unwrap().image_text(Target::A), text, "{source}");
    }
}

/// What the disassembler makes of the tick program: labels for the call, the RTI and
/// the jump, `.word` for the return cell and the data it reads and writes.
#[test]
fn tick_disassembly_reads_like_the_source() {
    let text = std::fs::read_to_string(programs_dir().join("tick.img")).unwrap();
    let source = disassemble(&Image::parse(&text, ImageKind::Ccs).unwrap()).unwrap();
    let expected = "\
; disassembled from a ccs-image of 23 words
; Lnnnn: code-side labels (jump, call, XCT, INA/SAF targets); Dnnnn: data labels
        .org 0o0004
        INC D0060           ; 0004 006072
        CAL L0044           ; 0005 004411
        .org 0o0040
        LML D0057           ; 0040 005730
        EIN                 ; 0041 000004
L0042:  WAI                 ; 0042 000002
        JMP L0042           ; 0043 004210
L0044:  .word 0o000000      ; 0044 000000
L0045:  SCC D0064           ; 0045 006435
        STA D0063           ; 0046 006343
        LDA D0060           ; 0047 006040
        STA D0062           ; 0050 006243
        CLR                 ; 0051 000057
        STA D0060           ; 0052 006043
        INC D0061           ; 0053 006172
        LDA D0063           ; 0054 006340
        LCC D0064           ; 0055 006434
        RTI L0044           ; 0056 004414
D0057:  .word 0o177717      ; 0057 177717
D0060:  .word 0o000000      ; 0060 000000
D0061:  .word 0o000000      ; 0061 000000
D0062:  .word 0o000000      ; 0062 000000
D0063:  .word 0o000000      ; 0063 000000
D0064:  .word 0o000000      ; 0064 000000
";
    assert_eq!(source, expected);
}
