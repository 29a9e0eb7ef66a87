//! What bounds an assembly's time, memory and output whatever the input: the read
//! limits, the first fifty diagnostics kept, long lines rendered in one line, a
//! `.word` line's values bounded by the memory.

use ccs_asm::{
    ErrorKind, MAX_DIAGNOSTICS, MAX_SNIPPET_LINE, MemorySources, PROGRAM_SOURCE_BYTES, SOURCE_LIMIT, assemble,
    assemble_str,
};

#[test]
fn the_first_fifty_diagnostics_are_kept_in_source_order_and_the_rest_counted() {
    // Pass 2 (undefined symbols) and pass 1 (unknown mnemonics) errors interleave.
    let text: String = (0..300).map(|i| if i % 2 == 0 { "        LDA NOWHERE\n" } else { "        BOGUS\n" }).collect();
    let out = assemble_str("t.asm", &text);
    assert_eq!(out.diagnostics.len(), MAX_DIAGNOSTICS);
    assert_eq!((out.omitted, out.error_count()), (250, 300));
    let lines: Vec<usize> = out.diagnostics.iter().map(|d| d.line().unwrap()).collect();
    assert_eq!(lines, (1..=50).collect::<Vec<_>>(), "the first fifty lines, in order");
    assert_eq!(out.diagnostics[0].kind, ErrorKind::UndefinedSymbol);
    assert_eq!(out.diagnostics[1].kind, ErrorKind::UnknownMnemonic);
    let text = out.render_diagnostics();
    assert!(text.ends_with("… and 250 more errors\n"), "{}", &text[text.len() - 200..]);
    assert_eq!(text.matches("error[").count(), 50);
}

#[test]
fn budget_findings_never_hide_bad_input() {
    // 60 sections over their limits, and one real error on the last line.
    let mut text: String = (0..60).map(|i| format!("        .section S{i}, 0\n        NOP\n")).collect();
    text.push_str("        BOGUS\n");
    let out = assemble_str("t.asm", &text);
    assert!(out.has_errors() && out.assembly.is_none());
    assert_eq!(out.diagnostics[0].kind, ErrorKind::UnknownMnemonic, "errors rank before findings");
    assert_eq!(out.error_count(), 61);
    let findings_only: String = (0..60).map(|i| format!("        .section S{i}, 0\n        NOP\n")).collect();
    let out = assemble_str("t.asm", &findings_only);
    assert!(!out.has_errors() && out.assembly.is_some());
    assert_eq!(out.error_count(), 60);
}

#[test]
fn a_diagnostic_on_a_long_line_is_shown_in_one_line() {
    let long = format!("        .word {}NOWHERE\n", "1, ".repeat(MAX_SNIPPET_LINE));
    let out = assemble_str("t.asm", &long);
    let text = out.render_diagnostics();
    assert_eq!(
        text,
        format!("t.asm:1:{}: error[undefined-symbol]: undefined symbol `NOWHERE`\n\n", 15 + 3 * MAX_SNIPPET_LINE)
    );
    let short = assemble_str("t.asm", "        .word NOWHERE\n").render_diagnostics();
    assert!(short.contains("1 │         .word NOWHERE"), "{short}");
}

#[test]
fn a_word_line_holds_at_most_a_memory_and_values_past_4095_are_not_checked() {
    let values = vec!["NOWHERE"; 5000].join(", ");
    let out = assemble_str("t.asm", &format!("        .word {values}\n"));
    let kinds: Vec<ErrorKind> = out.diagnostics.iter().map(|d| d.kind).collect();
    // 4096 undefined values (50 kept) and one error for the values past 4096.
    assert_eq!(out.error_count(), 4097, "{kinds:?}");
    assert!(out.diagnostics.iter().any(|d| d.message.contains("holds at most 4096 values")));
    // From 0o7770: 8 words fit, the 9th is beyond memory, the rest are not evaluated.
    let out =
        assemble_str("t.asm", &format!("        .org 0o7770\n        .word {}\n", vec!["NOWHERE"; 100].join(",")));
    let undefined = out.diagnostics.iter().filter(|d| d.kind == ErrorKind::UndefinedSymbol).count();
    let beyond = out.diagnostics.iter().filter(|d| d.kind == ErrorKind::AddressBeyondMemory).count();
    assert_eq!((undefined, beyond), (8, 1));
}

#[test]
fn a_full_word_line_past_memory_reports_once_at_the_right_column() {
    // The file is not ASCII, so columns come from the character checkpoints.
    let text = format!("; caf\u{e9}\n        .org 0o7000\n        .word {}1\n", "1,".repeat(4095));
    let out = assemble_str("t.asm", &text);
    assert_eq!(out.error_count(), 1, "{}", out.render_diagnostics());
    let d = &out.diagnostics[0];
    assert_eq!(d.kind, ErrorKind::AddressBeyondMemory);
    // Value 513 (address 0o7000 + 512 = 0o10000) stands at column 15 + 2 * 512.
    assert_eq!(d.location.as_ref().map(|l| (l.line, l.column)), Some((3, 15 + 2 * 512)));
}

#[test]
fn sources_are_capped_per_file_and_in_all() {
    let big = "; padding\n".repeat((SOURCE_LIMIT.bytes / 10) as usize + 1);
    let out = assemble("main.asm", &MemorySources::new().with("main.asm", big.clone()));
    assert_eq!(out.diagnostics[0].kind, ErrorKind::MainFileUnreadable);
    assert_eq!(
        out.diagnostics[0].message,
        "cannot read `main.asm`: larger than 1 MiB, the limit for an assembly source"
    );
    let part = "; padding\n".repeat((SOURCE_LIMIT.bytes / 10) as usize - 1);
    let files = (PROGRAM_SOURCE_BYTES / SOURCE_LIMIT.bytes) as usize + 1;
    let main: String = (0..files).map(|i| format!("        .include \"p{i}.asm\"\n")).collect();
    let mut sources = MemorySources::new().with("main.asm", main);
    for i in 0..files {
        sources.insert(format!("p{i}.asm"), part.clone());
    }
    let out = assemble("main.asm", &sources);
    // The main file and three parts fit in 4 MiB; the fourth and fifth parts do not.
    let lines: Vec<Option<usize>> = out.diagnostics.iter().map(|d| d.line()).collect();
    assert_eq!(lines, [Some(4), Some(5)], "{}", out.render_diagnostics());
    assert!(out.diagnostics[0].message.contains("the program's sources would pass 4 MiB in all"));
}
