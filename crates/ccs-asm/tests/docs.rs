//! docs/assembly.md cannot rot: every ```asm block in it assembles, and every output
//! it shows is what the assembler prints.
//!
//! Fence info strings:
//! - `asm`: must assemble with no diagnostic.
//! - `asm file=PATH`: not assembled on its own; later blocks can `.include "PATH"`.
//! - `asm fails`: must produce diagnostics; the next ```text block is exactly the
//!   rendered diagnostics.
//! - `asm listing` / `asm symbols` / `asm sections` / `asm image`: must assemble
//!   cleanly; the next ```text block is exactly the listing / symbol table / words
//!   per section / canonical image (target A).
//! - `asm disassembly`: must assemble cleanly; the next ```text block is exactly the
//!   disassembly of its image, which must reassemble to the same image.
//!
//! Each block is assembled as `example.asm`.

use ccs_asm::{MemorySources, assemble, assemble_str, disassemble};
use ccs_core::Target;

struct Block {
    info: String,
    text: String,
    /// 1-based line of the opening fence, for messages.
    line: usize,
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (index, line) in markdown.lines().enumerate() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => {
                open = Some(Block { info: info.trim().to_string(), text: String::new(), line: index + 1 })
            }
            (Some(_), Some("")) => blocks.extend(open.take()),
            (Some(block), _) => {
                block.text.push_str(line);
                block.text.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "unclosed code block");
    blocks
}

#[test]
fn every_example_in_the_guide_assembles_and_shows_true_output() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/assembly.md");
    let markdown = std::fs::read_to_string(path).expect("docs/assembly.md exists");
    let blocks = blocks(&markdown);
    let mut sources = MemorySources::new();
    let mut failures = Vec::new();
    let mut checked = 0;
    for (i, block) in blocks.iter().enumerate() {
        let mut words = block.info.split_whitespace();
        if words.next() != Some("asm") {
            continue;
        }
        checked += 1;
        let mode = words.next().unwrap_or("");
        if let Some(name) = mode.strip_prefix("file=") {
            sources.insert(name, block.text.clone());
            continue;
        }
        sources.insert("example.asm", block.text.clone());
        let out = assemble("example.asm", &sources);
        let at = format!("docs/assembly.md:{}", block.line);
        if mode == "fails" {
            if out.diagnostics.is_empty() {
                failures.push(format!("{at}: expected diagnostics, the example assembles"));
            }
        } else if !out.diagnostics.is_empty() {
            failures.push(format!("{at}: the example does not assemble:\n{}", out.render_diagnostics()));
            continue;
        }
        let shown = match (mode, &out.assembly) {
            ("fails", _) => out.render_diagnostics(),
            ("listing", Some(asm)) => asm.listing(),
            ("symbols", Some(asm)) => asm.symbol_table(),
            ("sections", Some(asm)) => asm.section_report(),
            ("image", Some(asm)) => asm.image_text(Target::A),
            ("disassembly", Some(asm)) => {
                let text = disassemble(asm.image()).expect("an assembled image disassembles");
                let again = assemble_str("again.asm", &text);
                if again.assembly.as_ref().map(|a| a.image()) != Some(asm.image()) {
                    failures.push(format!("{at}: the disassembly does not reassemble to the image"));
                }
                text
            }
            _ => continue,
        };
        match blocks.get(i + 1) {
            Some(next) if next.info == "text" => {
                if next.text != shown {
                    failures.push(format!(
                        "{at}: the ```text block at line {} differs from the output:\n--- shown\n{}--- actual\n{shown}",
                        next.line, next.text
                    ));
                }
            }
            _ => failures.push(format!("{at}: `asm {mode}` must be followed by a ```text block")),
        }
    }
    assert!(checked >= 10, "only {checked} asm blocks found");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
