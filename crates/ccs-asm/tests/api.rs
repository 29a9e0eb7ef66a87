//! The library API: locations, rendering, includes from memory, sections, symbols.

use ccs_asm::{ErrorKind, FileSystem, MAX_INCLUDE_DEPTH, MemorySources, SectionId, SymbolKind, assemble, assemble_str};
use ccs_core::Target;

#[test]
fn an_unreadable_main_file_is_a_diagnostic_without_location() {
    let out = assemble("nowhere.asm", &MemorySources::new());
    assert!(out.assembly.is_none());
    assert_eq!(out.diagnostics.len(), 1);
    let d = &out.diagnostics[0];
    assert_eq!(d.kind, ErrorKind::MainFileUnreadable);
    assert_eq!(d.location, None);
    assert_eq!(d.message, "cannot read `nowhere.asm`: no such file");
    assert_eq!(out.render_diagnostics(), "error[main-file-unreadable]: cannot read `nowhere.asm`: no such file\n\n");
}

#[test]
fn diagnostics_carry_file_line_column_and_byte_span() {
    let sources = MemorySources::new()
        .with("main.asm", "; main\n        .include \"lib/x.asm\"\n        LDA  Y\n")
        .with("lib/x.asm", "\u{e9}t\u{e9}: .word 1\n  X:    JMP  NOWHERE + 1\n");
    let out = assemble("main.asm", &sources);
    assert!(out.assembly.is_none());
    let messages: Vec<String> = out.diagnostics.iter().map(|d| d.one_line(&out.files)).collect();
    assert_eq!(
        messages,
        [
            "lib/x.asm:1:1: error[malformed-line]: malformed line: expected a label, mnemonic or directive, found `\u{e9}`",
            "lib/x.asm:2:14: error[undefined-symbol]: undefined symbol `NOWHERE`",
            "main.asm:3:14: error[undefined-symbol]: undefined symbol `Y`",
        ]
    );
    let undefined = &out.diagnostics[1];
    let location = undefined.location.as_ref().unwrap();
    assert_eq!(location.file.index(), 1);
    assert_eq!(out.files.name(location.file), "lib/x.asm");
    // Byte offsets: line 1 is 14 bytes (two of its characters take two) plus its newline.
    assert_eq!(location.span, 15 + 13..15 + 20);
    assert_eq!(&out.files.get(location.file).unwrap().text()[location.span.clone()], "NOWHERE");
    assert_eq!(undefined.line(), Some(2));
}

#[test]
fn rendering_shows_the_line_a_caret_and_the_explanation() {
    let out = assemble_str("t.asm", "        .org 0o40\nLOOP:   LDA  TABLE + 1\n        JMP  LOOP\n");
    let expected = "\
error[undefined-symbol]: undefined symbol `TABLE`
  ┌─ t.asm:2:14
  │
2 │ LOOP:   LDA  TABLE + 1
  │              ^^^^^ not defined anywhere

";
    assert_eq!(out.render_diagnostics(), expected);
    let ansi = out.render_diagnostics_ansi();
    assert!(ansi.contains("\u{1b}["), "colour escapes expected: {ansi:?}");
    assert!(ansi.contains("undefined symbol `TABLE`"));
    let mut buffer = ccs_asm::termcolor::NoColor::new(Vec::new());
    out.emit_diagnostics(&mut buffer).unwrap();
    assert_eq!(String::from_utf8(buffer.into_inner()).unwrap(), expected);
}

#[test]
fn related_locations_are_rendered_too() {
    let out = assemble_str("t.asm", "A: NOP\nA: NOP\n");
    let expected = "\
error[duplicate-symbol]: duplicate symbol `A`: already defined at t.asm:1
  ┌─ t.asm:2:1
  │
1 │ A: NOP
  │ - first defined here
2 │ A: NOP
  │ ^ defined again here

";
    assert_eq!(out.render_diagnostics(), expected);
}

/// C11 with an in-memory chain: depth 16 is fine, depth 17 is the error, reported on
/// the `.include` line of the file at depth 16.
#[test]
fn include_depth_limit_in_memory() {
    let chain = |files: usize| {
        let mut sources = MemorySources::new().with("main.asm", ".include \"f1.asm\"\n");
        for i in 1..files {
            sources.insert(format!("f{i}.asm"), format!("NOP\n.include \"f{}.asm\"\n", i + 1));
        }
        sources.insert(format!("f{files}.asm"), "NOP\n");
        assemble("main.asm", &sources)
    };
    let ok = chain(MAX_INCLUDE_DEPTH);
    assert!(ok.diagnostics.is_empty(), "{}", ok.render_diagnostics());
    assert_eq!(ok.assembly.unwrap().words().len(), 16);
    let deep = chain(MAX_INCLUDE_DEPTH + 1);
    let messages: Vec<String> = deep.diagnostics.iter().map(|d| d.one_line(&deep.files)).collect();
    assert_eq!(
        messages,
        ["f16.asm:2:10: error[include-too-deep]: include nested deeper than 16: `f17.asm` would be opened at depth 17"]
    );
}

#[test]
fn recursive_include_names_the_chain() {
    let sources = MemorySources::new()
        .with("main.asm", ".include \"a.asm\"\n")
        .with("a.asm", ".include \"sub/b.asm\"\n")
        .with("sub/b.asm", ".include \"../a.asm\"\n");
    let out = assemble("main.asm", &sources);
    assert_eq!(out.diagnostics.len(), 1);
    let d = &out.diagnostics[0];
    assert_eq!(d.kind, ErrorKind::IncludeRecursive);
    assert_eq!(d.notes, ["include chain: a.asm -> sub/b.asm -> a.asm"]);
    assert_eq!(out.files.name(d.location.as_ref().unwrap().file), "sub/b.asm");
}

#[test]
fn an_unreadable_include_is_reported_with_the_io_error() {
    let dir = std::env::temp_dir().join(format!("ccs-asm-api-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("main.asm"), ".include \"binary.asm\"\n").unwrap();
    std::fs::write(dir.join("binary.asm"), [0xff, 0xfe, 0x00]).unwrap();
    let out = assemble(dir.join("main.asm"), &FileSystem);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.diagnostics.len(), 1);
    assert_eq!(out.diagnostics[0].kind, ErrorKind::IncludeNotFound);
    assert!(out.diagnostics[0].message.contains("cannot read"), "{}", out.diagnostics[0].message);
    assert!(out.diagnostics[0].message.contains("UTF-8"), "{}", out.diagnostics[0].message);
}

#[test]
fn crlf_sources_assemble_like_lf_sources() {
    let lf = "        .org 0o40\r\nX:      LDA  X ; comment\r\n        .word 1, 2\r\n";
    let a = assemble_str("crlf.asm", lf);
    let b = assemble_str("lf.asm", &lf.replace("\r\n", "\n"));
    assert!(a.diagnostics.is_empty(), "{}", a.render_diagnostics());
    assert_eq!(a.assembly.unwrap().image(), b.assembly.unwrap().image());
}

#[test]
fn an_empty_program_is_an_empty_image() {
    let out = assemble_str("empty.asm", "");
    let asm = out.assembly.unwrap();
    assert!(asm.words().is_empty());
    assert_eq!(asm.image_text(Target::B), "# ccs-image v1 target=B\n");
    assert_eq!(asm.sections().len(), 1);
    assert_eq!(asm.sections()[0].name, "main");
}

#[test]
fn sections_record_words_limits_and_address_runs() {
    let text = "\
        .section FIXED, 4
        .org 0o100
        NOP
        NOP
        .section main
        .word 7
        .section FIXED
        NOP
        .org 0o200
        NOP
        NOP
        .section SPARE, 0
";
    let out = assemble_str("s.asm", text);
    // FIXED holds 5 words against a limit of 4: a budget finding, assembly kept.
    assert!(!out.has_errors());
    assert_eq!(out.diagnostics.len(), 1);
    assert_eq!(out.budget_findings().count(), 1);
    let finding = &out.diagnostics[0];
    assert_eq!(finding.kind, ErrorKind::SectionOverLimit);
    assert_eq!(finding.message, "section `FIXED` over its limit by 1 word: it holds 5 words, its limit is 4");
    assert_eq!(finding.line(), Some(1));
    assert_eq!(finding.related[0].location.line, 11, "the fifth word of FIXED");
    let asm = out.assembly.expect("budget findings keep the assembly");
    let fixed = asm.section_by_name("FIXED").unwrap();
    assert_eq!(fixed.words, 5);
    assert_eq!(fixed.limit.as_ref().unwrap().words, 4);
    assert_eq!(fixed.excess(), Some(1));
    assert_eq!(fixed.ranges, [0o100..0o102, 0o103..0o104, 0o200..0o202]);
    let main = asm.section(SectionId::MAIN).unwrap();
    assert_eq!((main.name.as_str(), main.words, main.excess()), ("main", 1, None));
    assert_eq!((main.ranges.len(), main.ranges[0].clone()), (1, 0o102..0o103));
    let spare = asm.section_by_name("SPARE").unwrap();
    assert_eq!((spare.words, spare.excess()), (0, None));
    let sections: Vec<&str> = asm.words().iter().map(|w| asm.section(w.section).unwrap().name.as_str()).collect();
    assert_eq!(sections, ["FIXED", "FIXED", "main", "FIXED", "FIXED", "FIXED"]);
    assert!(asm.section_report().contains("  FIXED        5      4  OVER BY 1     0100-0101 0103 0200-0201\n"));
}

#[test]
fn symbols_have_kind_value_and_definition() {
    let out = assemble_str("s.asm", "        .equ  K, -7\n        .org 0o40\nSTART:  JMP START\n");
    let asm = out.assembly.unwrap();
    let names: Vec<(&str, i64, SymbolKind, usize)> =
        asm.symbols().iter().map(|s| (s.name.as_str(), s.value, s.kind, s.location.line)).collect();
    assert_eq!(names, [("K", -7, SymbolKind::Constant, 1), ("START", 0o40, SymbolKind::Label, 3)]);
    assert_eq!(asm.symbol("START").unwrap().location.column, 1);
    assert!(asm.symbol("start").is_none());
}

#[test]
fn word_locations_point_at_each_value() {
    let asm = assemble_str("w.asm", "  .word 1, TWO + 1\nTWO: .zero 2\n").assembly.unwrap();
    let spans: Vec<(u32, usize, usize)> =
        asm.words().iter().map(|w| (w.address.get(), w.location.line, w.location.column)).collect();
    assert_eq!(spans, [(0, 1, 9), (1, 1, 12), (2, 2, 6), (3, 2, 6)]);
    assert_eq!(asm.words()[1].word.get(), 3);
}

#[test]
fn errors_are_collected_not_stop_at_first() {
    let text = "LDA\nNOP 1\n.org -1\nFOO\n.bar\nLDA 0x\n.word 5 + -3\nX: .equ Y, 1\n";
    let out = assemble_str("many.asm", text);
    let kinds: Vec<ErrorKind> = out.diagnostics.iter().map(|d| d.kind).collect();
    assert_eq!(
        kinds,
        [
            ErrorKind::MissingOperand,
            ErrorKind::ForbiddenOperand,
            ErrorKind::ValueOutOfRange,
            ErrorKind::UnknownMnemonic,
            ErrorKind::UnknownDirective,
            ErrorKind::MalformedNumber,
            ErrorKind::MalformedExpression,
            ErrorKind::LabelNotAllowed,
        ]
    );
    let lines: Vec<Option<usize>> = out.diagnostics.iter().map(|d| d.line()).collect();
    assert_eq!(lines, (1..=8).map(Some).collect::<Vec<_>>());
}

#[test]
fn every_kind_has_a_distinct_code() {
    let mut codes: Vec<&str> = ErrorKind::ALL.iter().map(|k| k.code()).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), ErrorKind::ALL.len());
    assert!(ErrorKind::ALL.iter().filter(|k| k.is_budget_finding()).eq([&ErrorKind::SectionOverLimit]));
}

#[test]
fn the_listing_shows_included_lines_in_place() {
    let sources = MemorySources::new()
        .with("main.asm", "        .org 0o40\n        .include \"inc/a.asm\"\n        HLT\n")
        .with("inc/a.asm", "; a\n        .section LIB\nA:      NOP\n");
    let asm = assemble("main.asm", &sources).assembly.unwrap();
    let expected = "\
; listing of main.asm
; ADDR WORD    SECTION  LINE         SOURCE
               main     main.asm:1           .org 0o40
               main     main.asm:2           .include \"inc/a.asm\"
               main     inc/a.asm:1  ; a
               LIB      inc/a.asm:2          .section LIB
  0040 000001  LIB      inc/a.asm:3  A:      NOP
  0041 000000  LIB      main.asm:3           HLT
";
    assert_eq!(asm.listing(), expected);
}
