//! Text reports of an assembly: the listing, the symbol table and the words per
//! section (the budget report of spec §11).

use crate::assembly::{Assembly, SectionId};

/// `0o0042`, or `-0o5` for negative constants.
fn octal(value: i64) -> String {
    if value < 0 { format!("-0o{:o}", value.unsigned_abs()) } else { format!("0o{value:04o}") }
}

/// `0040-0064`, or `0044` for a single word.
fn address_run(run: &std::ops::Range<u32>) -> String {
    if run.end - run.start == 1 {
        format!("{:04o}", run.start)
    } else {
        format!("{:04o}-{:04o}", run.start, run.end - 1)
    }
}

fn push_trimmed(out: &mut String, line: &str) {
    out.push_str(line.trim_end());
    out.push('\n');
}

impl Assembly {
    fn section_name(&self, id: SectionId) -> &str {
        self.section(id).map_or("?", |s| s.name.as_str())
    }

    /// The listing: one row per source line in assembly order (included files
    /// inline), with address, octal word, section, `file:line` and the source text.
    /// Lines that emit nothing have blank address and word columns; a `.word` with
    /// several values continues on rows without source; a `.zero` fill shows its
    /// first word and a summary row.
    pub fn listing(&self) -> String {
        let files = self.files();
        let section_width = self.sections().iter().map(|s| s.name.len()).max().unwrap_or(4).max("SECTION".len());
        let locations: Vec<String> = self.lines.iter().map(|l| format!("{}:{}", files.name(l.file), l.line)).collect();
        let location_width = locations.iter().map(String::len).max().unwrap_or(0).max("LINE".len());
        let main_name = files.name(crate::FileId::MAIN);
        let mut out = format!("; listing of {main_name}\n");
        push_trimmed(
            &mut out,
            &format!("; ADDR WORD    {:section_width$}  {:location_width$}  SOURCE", "SECTION", "LINE"),
        );
        for (line, location) in self.lines.iter().zip(&locations) {
            let source = files.get(line.file).map_or("", |f| f.line_text(line.line));
            let section = self.section_name(line.section);
            let mut words = self.words()[line.words.clone()].iter();
            let row = match words.next() {
                Some(w) => format!(
                    "  {} {}  {section:section_width$}  {location:location_width$}  {source}",
                    w.address, w.word
                ),
                None => format!("{:15}{section:section_width$}  {location:location_width$}  {source}", ""),
            };
            push_trimmed(&mut out, &row);
            if line.zero_fill {
                if let Some(last) = words.next_back() {
                    let more = line.words.len() - 1;
                    let row = format!(
                        "  {} {}  {section:section_width$}  {:location_width$}  ... {more} more zero words through {}",
                        self.words()[line.words.start + 1].address,
                        last.word,
                        "",
                        last.address
                    );
                    push_trimmed(&mut out, &row);
                }
            } else {
                for w in words {
                    push_trimmed(&mut out, &format!("  {} {}  {section}", w.address, w.word));
                }
            }
        }
        out
    }

    /// The symbol table, sorted by name: name, value in octal and decimal, kind
    /// (`label` or `equ`) and where it is defined.
    pub fn symbol_table(&self) -> String {
        let mut symbols: Vec<_> = self.symbols().iter().collect();
        symbols.sort_by(|a, b| a.name.cmp(&b.name));
        let name_width = symbols.iter().map(|s| s.name.len()).max().unwrap_or(0).max("NAME".len());
        let octals: Vec<String> = symbols.iter().map(|s| octal(s.value)).collect();
        let octal_width = octals.iter().map(String::len).max().unwrap_or(0).max("OCTAL".len());
        let decimal_width = symbols.iter().map(|s| s.value.to_string().len()).max().unwrap_or(0).max("DECIMAL".len());
        let mut out = format!("; symbols of {}\n", self.files().name(crate::FileId::MAIN));
        push_trimmed(
            &mut out,
            &format!(
                "; {:name_width$}  {:>octal_width$}  {:>decimal_width$}  KIND   DEFINED",
                "NAME", "OCTAL", "DECIMAL"
            ),
        );
        for (symbol, oct) in symbols.iter().zip(&octals) {
            let row = format!(
                "  {:name_width$}  {oct:>octal_width$}  {:>decimal_width$}  {:5}  {}",
                symbol.name,
                symbol.value,
                symbol.kind.name(),
                self.files().describe(&symbol.location)
            );
            push_trimmed(&mut out, &row);
        }
        out
    }

    /// Words per section (spec §11's budget report): words used, the limit, the
    /// words left or over, and the address runs the section occupies.
    pub fn section_report(&self) -> String {
        let name_width = self.sections().iter().map(|s| s.name.len()).max().unwrap_or(0).max("SECTION".len());
        let mut out = format!("; words per section of {}\n", self.files().name(crate::FileId::MAIN));
        push_trimmed(&mut out, &format!("; {:name_width$}  WORDS  LIMIT  STATUS        ADDRESSES", "SECTION"));
        for section in self.sections() {
            let limit = section.limit.as_ref().map_or("-".to_string(), |l| l.words.to_string());
            let status = match (&section.limit, section.excess()) {
                (_, Some(over)) => format!("OVER BY {over}"),
                (Some(l), None) => format!("{} free", l.words - section.words as u64),
                (None, None) => String::new(),
            };
            let runs: Vec<String> = section.ranges.iter().map(address_run).collect();
            let row = format!(
                "  {:name_width$}  {:>5}  {limit:>5}  {status:12}  {}",
                section.name,
                section.words,
                runs.join(" ")
            );
            push_trimmed(&mut out, &row);
        }
        let total: usize = self.sections().iter().map(|s| s.words).sum();
        push_trimmed(&mut out, &format!("  {:name_width$}  {total:>5}", "total"));
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::assemble_str;

    const PROGRAM: &str = "\
; demo
        .equ  NEG, -5
        .section CODE, 4
START:  LDA  DATA
        JMP  START

        .section main
DATA:   .word 1, 2, 0o777777
        .zero 3
";

    #[test]
    fn listing_rows() {
        let out = assemble_str("demo.asm", PROGRAM);
        let asm = out.assembly.expect("assembles");
        let expected = "\
; listing of demo.asm
; ADDR WORD    SECTION  LINE        SOURCE
               main     demo.asm:1  ; demo
               main     demo.asm:2          .equ  NEG, -5
               CODE     demo.asm:3          .section CODE, 4
  0000 000240  CODE     demo.asm:4  START:  LDA  DATA
  0001 000010  CODE     demo.asm:5          JMP  START
               CODE     demo.asm:6
               main     demo.asm:7          .section main
  0002 000001  main     demo.asm:8  DATA:   .word 1, 2, 0o777777
  0003 000002  main
  0004 777777  main
  0005 000000  main     demo.asm:9          .zero 3
  0006 000000  main                 ... 2 more zero words through 0007
";
        assert_eq!(asm.listing(), expected);
    }

    #[test]
    fn symbol_table_and_section_report() {
        let asm = assemble_str("demo.asm", PROGRAM).assembly.expect("assembles");
        let expected = "\
; symbols of demo.asm
; NAME    OCTAL  DECIMAL  KIND   DEFINED
  DATA   0o0002        2  label  demo.asm:8
  NEG      -0o5       -5  equ    demo.asm:2
  START  0o0000        0  label  demo.asm:4
";
        assert_eq!(asm.symbol_table(), expected);
        let expected = "\
; words per section of demo.asm
; SECTION  WORDS  LIMIT  STATUS        ADDRESSES
  main         6      -                0002-0007
  CODE         2      4  2 free        0000-0001
  total        8
";
        assert_eq!(asm.section_report(), expected);
    }
}
