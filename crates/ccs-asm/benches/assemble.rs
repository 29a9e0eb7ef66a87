//! Assembler speed on a full memory: a generated 4096-word program (trap table,
//! 88 routines with return cells, loops, calls and forward references, data tables).
//!
//! `cargo bench -p ccs-asm --bench assemble`. Target: under 5 ms per assembly.
//! Figures are recorded in docs/performance.md. The `bad_input` group measures the
//! largest inputs the assembler accepts: a megabyte-long `.word` line and a megabyte
//! of bad lines.

use ccs_asm::{MemorySources, assemble, disassemble};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::fmt::Write as _;
use std::hint::black_box;

const ROUTINES: usize = 88;
/// Words per routine: return cell, 30 body words, the return jump.
const ROUTINE_WORDS: usize = 32;
const TABLE_LINES: usize = 156;

/// A program that fills all 4096 words.
fn full_program() -> String {
    let mut s =
        String::from("; generated: fills CCS memory exactly\n        .equ  STEP, 3\n        .equ  MASKV, 0o177717\n");
    s.push_str("        .section TRAPS, 32\n        .org  0\n");
    for level in 0..32 {
        let _ = writeln!(
            s,
            "        {}",
            if level % 2 == 0 { format!("INC  CNT{level}") } else { format!("CAL  R{level}") }
        );
    }
    s.push_str("        .section FIXED, 2816\n");
    for r in 0..ROUTINES {
        let next = (r + 1) % ROUTINES;
        let _ = write!(
            s,
            "\
; routine {r}: sums a table slice, calls the next routine
R{r}:     .word 0
        SCC  SAVEC
        STA  SAVEA
        LDI  8
        STA  LEFT{r}
WALK{r}:  LDA  TAB{t} + {o}
        ADD  SUM
        STA  SUM
        INA  WALK{r}
        DSZ  LEFT{r}
        JMP  WALK{r}
        LDA  SUM
        ASL  STEP
        XOR  MASKW
        ANI  0o7777
        CPI  -100
        JMI  SKIP{r}
        CAL  R{next}
SKIP{r}:  XCT  TWICE
        INC  CNT{c}
        LDA  CNT{c}
        AND  MASKW
        JZE  DONE{r}
        ADI  -STEP
        STA  TEMP
        LDX  TEMP
        STD  TEMP
DONE{r}:  LDA  SAVEA
        LCC  SAVEC
        IOR  SUM
        NOP
        JMP  R{r}
",
            t = r % TABLE_LINES,
            o = r % 8,
            c = r % 32,
        );
    }
    s.push_str("        .section DATA\n");
    s.push_str("LEFTS:\n");
    // Loop counters, counters and scratch: 88 + 32 + 8 words.
    for r in 0..ROUTINES {
        let _ = writeln!(s, "LEFT{r}:  .word 0");
    }
    for c in 0..32 {
        let _ = writeln!(s, "CNT{c}:   .word 0");
    }
    s.push_str("SUM:    .word 0\nSAVEA:  .word 0\nSAVEC:  .word 0\nTEMP:   .word 0\nMASKW:  .word MASKV\n");
    s.push_str("TWICE:  ADI  2\n        .zero 2\n");
    // Tables fill the rest: 156 lines of 8 words minus what the lines above used.
    let used = ROUTINES + 32 + 8;
    let table_words = 4096 - 32 - ROUTINES * ROUTINE_WORDS - used;
    for t in 0..table_words.div_ceil(8) {
        let count = (table_words - t * 8).min(8);
        let values: Vec<String> = (0..count).map(|i| format!("0o{:o}", (t * 8 + i) * 0o1011 % 0o777777)).collect();
        let _ = writeln!(s, "TAB{t}:   .word {}", values.join(", "));
    }
    // Labels used by routines beyond the tables generated above.
    for t in table_words.div_ceil(8)..TABLE_LINES {
        let _ = writeln!(s, "        .equ TAB{t}, TAB0 + {t}");
    }
    s
}

fn benches(c: &mut Criterion) {
    let text = full_program();
    let sources = MemorySources::new().with("full.asm", text.clone());
    let out = assemble("full.asm", &sources);
    assert!(out.diagnostics.is_empty(), "{}", out.render_diagnostics());
    let assembly = out.assembly.expect("assembles");
    assert_eq!(assembly.words().len(), 4096, "the benchmark program must fill memory");
    let lines = text.lines().count();

    let mut group = c.benchmark_group("assembler");
    group.throughput(Throughput::Elements(4096));
    group.bench_function(format!("assemble_4096_words_{lines}_lines"), |b| {
        b.iter(|| assemble(black_box("full.asm"), black_box(&sources)))
    });
    group.bench_function("disassemble_4096_words", |b| b.iter(|| disassemble(black_box(assembly.image()))));
    group.finish();

    // Bad input at the size limit: what a hostile or broken file costs (issue 15).
    let mut group = c.benchmark_group("bad_input");
    group.sample_size(20);
    let limit = ccs_asm::SOURCE_LIMIT.bytes as usize;
    // One `.word` line of a megabyte, from 0o7000: 512 words fit, 3584 run past memory,
    // and the line holds 520,000 values, far more than a memory.
    let values = (limit - 64) / 2;
    let long_line = format!("        .org 0o7000\n        .word {}1\n", "1,".repeat(values - 1));
    let one_line = MemorySources::new().with("line.asm", long_line);
    group.bench_function(format!("word_line_{values}_values"), |b| {
        b.iter(|| assemble(black_box("line.asm"), black_box(&one_line)))
    });
    // A megabyte of bad lines: every one an error, the first 50 kept.
    let bad_lines = "        BOGUS\n".repeat(limit / 14);
    let errors = MemorySources::new().with("errors.asm", bad_lines);
    group.bench_function(format!("{}_error_lines", limit / 14), |b| {
        b.iter(|| assemble(black_box("errors.asm"), black_box(&errors)).render_diagnostics())
    });
    group.finish();
}

criterion_group!(assembler, benches);
criterion_main!(assembler);
