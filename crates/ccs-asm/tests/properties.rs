//! Property tests: disassembly round trips, and no input panics the assembler.

use ccs_asm::{AsmOutput, MemorySources, assemble, assemble_str, disassemble};
use ccs_core::{ISA, Image, ImageKind, Opcode, OperandKind};
use proptest::prelude::*;

fn image(words: impl IntoIterator<Item = (u32, u32)>) -> Image {
    let mut words: Vec<(u32, u32)> = words.into_iter().collect();
    words.sort_unstable();
    Image { kind: ImageKind::Ccs, target: Some(ccs_core::Target::A), words }
}

/// Disassemble, reassemble, and require the identical image.
fn round_trip(original: &Image) -> Result<(), TestCaseError> {
    let source = disassemble(original).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let out = assemble_str("disassembly.asm", &source);
    prop_assert!(out.diagnostics.is_empty(), "{}\n{source}", out.render_diagnostics());
    let assembly = out.assembly.expect("no diagnostics, so assembled");
    prop_assert_eq!(assembly.image(), original, "{}", source);
    // Every address operand inside the image is printed as a label.
    let present: std::collections::HashSet<u32> = original.words.iter().map(|&(a, _)| a).collect();
    for line in source.lines().filter(|l| !l.starts_with(';')) {
        let text = line.get(8..).unwrap_or("").split(';').next().unwrap_or("").trim();
        let Some((mnemonic, operand)) = text.split_once(' ') else {
            continue;
        };
        let is_address = Opcode::from_mnemonic(mnemonic).is_some_and(|op| op.info().operand == OperandKind::Address);
        if let (true, Some(octal)) = (is_address, operand.strip_prefix("0o")) {
            let target = u32::from_str_radix(octal, 8).expect("octal operand");
            prop_assert!(!present.contains(&target), "unlabelled operand in `{}`\n{}", line, source);
        }
    }
    Ok(())
}

/// Everything a caller may do with an output must work, and what it reports must
/// be consistent.
fn check_invariants(out: &AsmOutput) {
    let _ = out.render_diagnostics();
    for d in &out.diagnostics {
        let Some(location) = &d.location else {
            continue;
        };
        let file = out.files.get(location.file).expect("diagnostic names a file of the run");
        let text = file.text();
        assert!(location.span.start <= location.span.end && location.span.end <= text.len(), "{d:?}");
        assert!(text.is_char_boundary(location.span.start) && text.is_char_boundary(location.span.end), "{d:?}");
        assert_eq!(file.line_column(location.span.start), (location.line, location.column), "{d:?}");
        assert!(!d.message.is_empty() && !d.message.contains('\n'), "one-line message: {d:?}");
    }
    assert_eq!(out.assembly.is_some(), !out.has_errors() && !out.files.is_empty());
    if let Some(asm) = &out.assembly {
        let words = &asm.image().words;
        assert!(words.windows(2).all(|w| w[0].0 < w[1].0), "ascending, unique addresses");
        assert!(words.iter().all(|&(a, w)| a < 4096 && w < 1 << 18));
        let _ = (asm.listing(), asm.symbol_table(), asm.section_report());
    }
}

/// Every 18-bit word, exhaustively: 64 images of 4096 words each (every address
/// used, so every address operand has a label to print).
#[test]
fn every_word_round_trips_in_full_images() {
    for high in 0..64u32 {
        let original = image((0..4096).map(|a| (a, high * 4096 + (a ^ (high * 97 % 4096)))));
        round_trip(&original).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// A word on its own (operands point outside the image, or at the word itself).
    #[test]
    fn every_word_round_trips_alone(word in 0u32..1 << 18, address in 0u32..4096) {
        round_trip(&image([(address, word)]))?;
    }

    /// Random images: scattered words, runs, zeros, references between them.
    #[test]
    fn random_images_round_trip(words in prop::collection::btree_map(0u32..4096, word_strategy(), 0..300)) {
        round_trip(&image(words))?;
    }
}

/// Words biased towards instructions whose operands point at nearby addresses, and
/// zero runs, so labels and `.zero` get exercised.
fn word_strategy() -> impl Strategy<Value = u32> {
    prop_oneof![
        3 => (0u32..64, 0u32..64).prop_map(|(op, field)| field * 64 + op),
        1 => Just(0u32),
        2 => 0u32..1 << 18,
    ]
}

// ------------------------------------------------------------ random programs

/// One generated statement. Symbols refer to labels by index (resolved once the
/// number of labels is known, so forward references occur naturally).
#[derive(Clone, Debug)]
enum Statement {
    Instruction {
        opcode: usize,
        operand: OperandSeed,
        case: u8,
    },
    Words(Vec<i64>),
    Zero(u8),
    /// Move the location counter forward by this many words.
    Skip(u8),
    Equ(i64),
    Section(u8),
}

#[derive(Clone, Debug)]
enum OperandSeed {
    Number(i64, u8),
    Label(usize),
    Here,
    Omitted,
}

fn statement_strategy() -> impl Strategy<Value = (bool, Statement)> {
    let statement = prop_oneof![
        6 => (0usize..64, operand_strategy(), any::<u8>())
            .prop_map(|(opcode, operand, case)| Statement::Instruction { opcode, operand, case }),
        2 => prop::collection::vec(-131072i64..=262143, 1..4).prop_map(Statement::Words),
        1 => (0u8..6).prop_map(Statement::Zero),
        1 => (0u8..12).prop_map(Statement::Skip),
        1 => (-i64::MAX..=i64::MAX).prop_map(Statement::Equ),
        1 => (0u8..4).prop_map(Statement::Section),
    ];
    (any::<bool>(), statement)
}

fn operand_strategy() -> impl Strategy<Value = OperandSeed> {
    prop_oneof![
        3 => (any::<i64>(), any::<u8>()).prop_map(|(n, style)| OperandSeed::Number(n, style)),
        3 => any::<usize>().prop_map(OperandSeed::Label),
        1 => Just(OperandSeed::Here),
        1 => Just(OperandSeed::Omitted),
    ]
}

/// A number in one of the spellings of spec §11 (prefix letters and hex digits in
/// either case), negative values with a unary minus.
fn spell(value: i64, style: u8) -> String {
    let sign = if value < 0 { "-" } else { "" };
    let magnitude = value.unsigned_abs();
    let upper = style & 8 != 0;
    let text = match style % 4 {
        0 => magnitude.to_string(),
        1 => format!("0{}{magnitude:o}", if upper { 'O' } else { 'o' }),
        2 if upper => format!("0X{magnitude:X}"),
        2 => format!("0x{magnitude:x}"),
        _ => format!("0{}{magnitude:b}", if upper { 'B' } else { 'b' }),
    };
    format!("{sign}{text}")
}

fn mixed_case(text: &str, case: u8) -> String {
    text.chars().enumerate().map(|(i, c)| if case >> (i % 8) & 1 == 1 { c.to_ascii_lowercase() } else { c }).collect()
}

/// Render a valid program: every value is brought into its operand's range.
fn render(base: u16, statements: &[(bool, Statement)]) -> String {
    let labels = statements.iter().filter(|(labelled, _)| *labelled).count();
    let mut out = format!("        .org {base}\n");
    let mut next_label = 0;
    let mut constants = 0;
    for (labelled, statement) in statements {
        let label = if *labelled {
            next_label += 1;
            format!("L{}:", next_label - 1)
        } else {
            String::new()
        };
        let body = match statement {
            Statement::Instruction { opcode, operand, case } => {
                let info = &ISA[*opcode];
                let mnemonic = mixed_case(info.mnemonic, *case);
                match (info.operand.range(), operand) {
                    (None, _) => mnemonic,
                    (Some(_), OperandSeed::Omitted) if info.operand.optional() => mnemonic,
                    (Some((lo, hi)), OperandSeed::Number(n, style)) => {
                        format!("{mnemonic} {}", spell(lo + n.rem_euclid(hi - lo + 1), *style))
                    }
                    // Labels and `$` stay below 4096 here, so they suit every
                    // 0..4095 operand; smaller kinds get a number instead.
                    (Some((0, 4095)), OperandSeed::Label(k)) if labels > 0 => {
                        format!("{mnemonic} L{}", k % labels)
                    }
                    (Some((0, 4095)), OperandSeed::Here) => format!("{mnemonic} $"),
                    (Some((lo, _)), _) => format!("{mnemonic} {lo}"),
                }
            }
            Statement::Words(values) => {
                let items: Vec<String> = values.iter().map(|v| spell(*v, (*v % 7) as u8)).collect();
                format!(".word {}", items.join(", "))
            }
            Statement::Zero(n) => format!(".zero {n}"),
            Statement::Skip(n) => format!(".org $ + {n}"),
            Statement::Equ(v) => {
                constants += 1;
                // Constants reuse the previous one, exercising look-back symbols.
                if constants > 1 && v % 2 == 0 {
                    format!(".equ K{}, K{} - {}", constants - 1, constants - 2, v.unsigned_abs() % 1000)
                } else {
                    format!(".equ K{}, {}", constants - 1, spell(*v, (*v % 5) as u8))
                }
            }
            Statement::Section(s) => format!(".section S{s}"),
        };
        // `.org` and `.equ` may not share a line with a label.
        if !label.is_empty() && matches!(statement, Statement::Skip(_) | Statement::Equ(_)) {
            out.push_str(&format!("{label}\n        {body}\n"));
        } else {
            out.push_str(&format!("{label:<8}{body}\n"));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Random valid programs assemble cleanly, and their image survives the
    /// disassembler.
    #[test]
    fn random_programs_round_trip(base in 0u16..1024, statements in prop::collection::vec(statement_strategy(), 0..150)) {
        let source = render(base, &statements);
        let out = assemble_str("random.asm", &source);
        prop_assert!(out.diagnostics.is_empty(), "{}\n{source}", out.render_diagnostics());
        let assembly = out.assembly.expect("clean");
        round_trip(assembly.image())?;
    }
}

// ------------------------------------------------------------ no panics

const TOKENS: &[&str] = &[
    "LDA",
    "lda",
    "HLT",
    "NOP",
    "JMP",
    "CAL",
    "XCT",
    "LDI",
    "SWI",
    "ASL",
    ".org",
    ".word",
    ".zero",
    ".equ",
    ".section",
    ".include",
    ".ORG",
    ".bogus",
    ".",
    "X",
    "Y",
    "_z",
    "LONGNAMEXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "$",
    "+",
    "-",
    "--",
    ",",
    ":",
    ";",
    "\"a.asm\"",
    "\"",
    "\"self.asm\"",
    "0",
    "1",
    "31",
    "32",
    "4095",
    "4096",
    "-2049",
    "0x",
    "0o8",
    "0b",
    "0xfF",
    "9223372036854775807",
    "9223372036854775808",
    "262144",
    "\t",
    "\r",
    "\n",
    "\n",
    "\n",
    "é",
    "@",
    "(",
    "org",
    "Word",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..120).prop_map(|tokens| tokens.join(" "))
}

/// The programs mutated, read once for all cases (in name order, so a seed picks the
/// same program on every machine).
static SEED_PROGRAMS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = vec![dir.join("../../programs/tick.asm"), dir.join("../../programs/bench/mix.asm")];
    let mut fixtures: Vec<_> = std::fs::read_dir(dir.join("tests/asm"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "asm"))
        .collect();
    fixtures.sort();
    paths.extend(fixtures);
    paths.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
});

/// A mutation of a text at a character position.
#[derive(Clone, Debug)]
enum Mutation {
    Delete { at: usize, len: usize },
    Insert { at: usize, token: &'static str },
    DuplicateLine { line: usize },
    Replace { at: usize, with: char },
}

fn mutation_strategy() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..12).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), prop::sample::select(TOKENS)).prop_map(|(at, token)| Mutation::Insert { at, token }),
        any::<usize>().prop_map(|line| Mutation::DuplicateLine { line }),
        (any::<usize>(), any::<char>()).prop_map(|(at, with)| Mutation::Replace { at, with }),
    ]
}

fn mutate(text: &str, mutation: &Mutation) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = |i: usize| if chars.is_empty() { 0 } else { i % (chars.len() + 1) };
    match mutation {
        Mutation::Delete { at: i, len } => {
            let start = at(*i);
            chars[..start].iter().chain(chars[(start + len).min(chars.len())..].iter()).collect()
        }
        Mutation::Insert { at: i, token } => {
            let start = at(*i);
            chars[..start].iter().collect::<String>() + token + &chars[start..].iter().collect::<String>()
        }
        Mutation::DuplicateLine { line } => {
            let lines: Vec<&str> = text.lines().collect();
            if lines.is_empty() {
                return text.to_string();
            }
            let n = line % lines.len();
            let mut out: Vec<&str> = lines[..=n].to_vec();
            out.extend_from_slice(&lines[n..]);
            out.join("\n")
        }
        Mutation::Replace { at: i, with } => {
            let mut chars = chars.clone();
            if !chars.is_empty() {
                let i = i % chars.len();
                chars[i] = *with;
            }
            chars.into_iter().collect()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check_invariants(&assemble_str("any.asm", &text));
    }

    #[test]
    fn printable_noise_never_panics(text in "[ -~\t\n\r\u{e9}\u{3bb}]{0,400}") {
        check_invariants(&assemble_str("noise.asm", &text));
    }

    #[test]
    fn token_soup_never_panics(text in token_soup()) {
        check_invariants(&assemble_str("soup.asm", &text));
    }

    #[test]
    fn mutated_programs_never_panic(
        seed in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation_strategy(), 1..6),
    ) {
        let mut text = seed.get(&SEED_PROGRAMS).clone();
        for m in &mutations {
            text = mutate(&text, m);
        }
        check_invariants(&assemble_str("mutated.asm", &text));
    }

    /// Files that include each other in random ways (cycles, missing files, self).
    #[test]
    fn random_include_graphs_never_panic(
        files in prop::collection::vec((prop::collection::vec(0usize..6, 0..3), token_soup()), 1..5),
    ) {
        let mut sources = MemorySources::new();
        for (i, (includes, body)) in files.iter().enumerate() {
            let mut text = String::new();
            for target in includes {
                text.push_str(&format!(".include \"dir{}/../f{target}.asm\"\n", target % 2));
            }
            text.push_str(body);
            sources.insert(format!("f{i}.asm"), text);
        }
        check_invariants(&assemble("f0.asm", &sources));
    }
}

#[test]
fn spellings_are_what_the_generator_claims() {
    assert_eq!(spell(-10, 0), "-10");
    assert_eq!(spell(8, 1), "0o10");
    assert_eq!(spell(255, 10), "0XFF");
    assert_eq!(spell(5, 3), "0b101");
}
