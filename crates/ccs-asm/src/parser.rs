//! One line's structure (spec §11): `[label:] [mnemonic-or-directive [operands]]`.
//!
//! Parsing is per line and never fails as a whole: every problem is recorded and the
//! line is still described as far as it can be (an instruction with a malformed
//! operand still occupies one word), so one mistake does not shift every address
//! after it.

use crate::diagnostic::ErrorKind;
use crate::expr::{Expr, parse_expr};
use crate::lexer::{Tok, Token};
use ccs_core::{Opcode, OperandKind};
use std::ops::Range;

/// Directive names without the dot (C5: these, in any case, cannot be symbols).
pub(crate) const DIRECTIVES: [&str; 6] = ["org", "word", "zero", "equ", "section", "include"];

/// Longest symbol (spec §11).
pub(crate) const MAX_SYMBOL_LEN: usize = 31;

/// A problem found while parsing, before it is tied to a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Problem {
    pub kind: ErrorKind,
    pub span: Range<usize>,
    pub message: String,
    pub explanation: String,
    pub notes: Vec<String>,
}

impl Problem {
    pub(crate) fn new(
        kind: ErrorKind,
        span: Range<usize>,
        message: impl Into<String>,
        explanation: impl Into<String>,
    ) -> Problem {
        Problem { kind, span, message: message.into(), explanation: explanation.into(), notes: Vec::new() }
    }

    pub(crate) fn note(mut self, note: impl Into<String>) -> Problem {
        self.notes.push(note.into());
        self
    }
}

/// A name and where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Name<'a> {
    pub text: &'a str,
    pub span: Range<usize>,
}

/// Whether `name` may be a symbol (C5 and the 31-character limit). Identifier syntax
/// is already guaranteed by the lexer.
pub(crate) fn check_symbol_name(name: &str, span: &Range<usize>) -> Result<(), Problem> {
    let problem =
        |message: String, explanation: &str| Problem::new(ErrorKind::InvalidSymbol, span.clone(), message, explanation);
    if let Some(op) = Opcode::from_mnemonic(name) {
        return Err(problem(
            format!("`{name}` cannot be a symbol: it is the mnemonic {}", op.mnemonic()),
            "mnemonics are reserved in any case",
        ));
    }
    if let Some(d) = DIRECTIVES.iter().find(|d| d.eq_ignore_ascii_case(name)) {
        return Err(problem(
            format!("`{name}` cannot be a symbol: it is the name of the directive .{d}"),
            "directive names are reserved in any case",
        ));
    }
    let chars = name.chars().count();
    if chars > MAX_SYMBOL_LEN {
        return Err(problem(
            format!(
                "symbol `{}` is {chars} characters long; symbols have at most {MAX_SYMBOL_LEN}",
                ccs_core::abbreviate(name)
            ),
            "name too long",
        ));
    }
    Ok(())
}

/// Most values one `.word` line may hold: a whole memory.
const MAX_WORD_VALUES: usize = 4096;

/// An instruction's operand as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Operand {
    /// No operand (allowed: none-kind instructions and HLT's default code).
    Absent,
    Expr(Expr),
    /// Missing, malformed or forbidden; already reported.
    Invalid,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Body<'a> {
    Empty,
    Instruction {
        opcode: Opcode,
        operand: Operand,
    },
    /// An unknown mnemonic: assumed to stand for one instruction word, so the
    /// addresses after it stay where the author meant them.
    UnknownMnemonic,
    /// An unknown directive or a line that starts with something else: no words.
    Invalid,
    Org(Option<Expr>),
    Zero(Option<Expr>),
    /// One entry per comma-separated item, `None` where the item is malformed.
    Word(Vec<Option<Expr>>),
    Equ {
        name: Option<Name<'a>>,
        value: Option<Expr>,
    },
    Section {
        name: Option<Name<'a>>,
        /// `Some(None)`: a limit was written but is malformed.
        limit: Option<Option<Expr>>,
    },
    Include(Option<Name<'a>>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Line<'a> {
    pub label: Option<Name<'a>>,
    pub body: Body<'a>,
    /// From the mnemonic or directive to the end of the last token.
    pub body_span: Range<usize>,
}

struct Parser<'t, 'a> {
    tokens: &'t [Token<'a>],
    pos: usize,
    problems: &'t mut Vec<Problem>,
}

/// Parse one line's tokens. Problems are appended to `problems`.
pub(crate) fn parse_line<'a>(tokens: &[Token<'a>], problems: &mut Vec<Problem>) -> Line<'a> {
    let mut p = Parser { tokens, pos: 0, problems };
    let label = p.label();
    let body_start = p.pos;
    let body = p.body();
    let body_span = match (tokens.get(body_start), tokens.last()) {
        (Some(first), Some(last)) => first.span.start..last.span.end,
        _ => tokens.last().map_or(0..0, |t| t.span.end..t.span.end),
    };
    Line { label, body, body_span }
}

impl<'a> Parser<'_, 'a> {
    fn peek(&self) -> Option<&Token<'a>> {
        self.tokens.get(self.pos)
    }

    fn peek_tok(&self) -> Option<&Tok<'a>> {
        self.peek().map(|t| &t.tok)
    }

    fn report(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// A missing operand, reported at the token it should follow.
    fn report_missing(&mut self, after: Range<usize>, message: impl Into<String>) {
        self.report(Problem::new(ErrorKind::MissingOperand, after, message, "operand expected after this"));
    }

    fn label(&mut self) -> Option<Name<'a>> {
        let mut label = None;
        while let [Token { tok: Tok::Ident(name), span }, Token { tok: Tok::Colon, .. }, ..] = &self.tokens[self.pos..]
        {
            let name = Name { text: name, span: span.clone() };
            self.pos += 2;
            if label.is_some() {
                self.report(Problem::new(
                    ErrorKind::MalformedLine,
                    name.span,
                    "a line holds at most one label",
                    "second label",
                ));
                continue;
            }
            match check_symbol_name(name.text, &name.span) {
                Ok(()) => label = Some(name),
                Err(problem) => self.report(problem),
            }
        }
        label
    }

    fn body(&mut self) -> Body<'a> {
        let Some(first) = self.peek().cloned() else {
            return Body::Empty;
        };
        self.pos += 1;
        match first.tok {
            Tok::Directive(name) => self.directive(name, &first.span),
            Tok::Ident(mnemonic) => match Opcode::from_mnemonic(mnemonic) {
                Some(opcode) => Body::Instruction { opcode, operand: self.instruction_operand(opcode, &first.span) },
                None => {
                    let mut problem = Problem::new(
                        ErrorKind::UnknownMnemonic,
                        first.span.clone(),
                        format!("unknown mnemonic `{}`", ccs_core::abbreviate(mnemonic)),
                        "not an instruction",
                    );
                    let next_is_statement = match self.peek_tok() {
                        Some(Tok::Directive(_)) => true,
                        Some(Tok::Ident(next)) => Opcode::from_mnemonic(next).is_some(),
                        _ => false,
                    };
                    if next_is_statement {
                        problem = problem.note(format!("a label needs a colon: `{}:`", ccs_core::abbreviate(mnemonic)));
                    }
                    self.report(problem);
                    Body::UnknownMnemonic
                }
            },
            Tok::Colon => {
                self.report(Problem::new(
                    ErrorKind::MalformedLine,
                    first.span,
                    "malformed line: `:` without a label name before it",
                    "expected `name:`",
                ));
                Body::Invalid
            }
            other => {
                self.report(Problem::new(
                    ErrorKind::MalformedLine,
                    first.span,
                    format!("malformed line: expected a label, mnemonic or directive, found {}", other.describe()),
                    "a statement starts with a mnemonic or a directive",
                ));
                Body::Invalid
            }
        }
    }

    /// The remaining tokens as a span, for "forbidden operand" messages.
    fn rest_span(&self) -> Range<usize> {
        match (self.peek(), self.tokens.last()) {
            (Some(first), Some(last)) => first.span.start..last.span.end,
            _ => 0..0,
        }
    }

    fn instruction_operand(&mut self, opcode: Opcode, mnemonic_span: &Range<usize>) -> Operand {
        let kind = opcode.info().operand;
        let mnemonic = opcode.mnemonic();
        if self.peek().is_none() {
            if kind == OperandKind::None || kind.optional() {
                return Operand::Absent;
            }
            self.report_missing(
                mnemonic_span.clone(),
                format!("missing operand: {mnemonic} needs {}", describe_operand(kind)),
            );
            return Operand::Invalid;
        }
        if kind == OperandKind::None {
            self.report(Problem::new(
                ErrorKind::ForbiddenOperand,
                self.rest_span(),
                format!("forbidden operand: {mnemonic} takes no operand"),
                "remove this",
            ));
            return Operand::Invalid;
        }
        let expr = parse_expr(self.tokens, &mut self.pos, self.problems);
        if self.peek().is_some() {
            let span = self.rest_span();
            if expr.is_some() {
                self.report(Problem::new(
                    ErrorKind::ForbiddenOperand,
                    span,
                    format!("too many operands: {mnemonic} takes one"),
                    "extra operand",
                ));
            }
            return Operand::Invalid;
        }
        expr.map_or(Operand::Invalid, Operand::Expr)
    }

    fn directive(&mut self, name: &'a str, span: &Range<usize>) -> Body<'a> {
        let lower = name.to_ascii_lowercase();
        match lower.as_str() {
            "org" => Body::Org(self.single_expr(".org", "an address 0..4095", span)),
            "zero" => Body::Zero(self.single_expr(".zero", "a word count", span)),
            "word" => self.word_list(span),
            "equ" => self.equ(span),
            "section" => self.section(span),
            "include" => self.include(span),
            _ => {
                self.report(
                    Problem::new(
                        ErrorKind::UnknownDirective,
                        span.clone(),
                        format!("unknown directive `.{}`", ccs_core::abbreviate(name)),
                        "not a directive",
                    )
                    .note("the directives are .org .word .zero .equ .section .include"),
                );
                Body::Invalid
            }
        }
    }

    /// Exactly one expression (`.org`, `.zero`).
    fn single_expr(&mut self, directive: &str, what: &str, span: &Range<usize>) -> Option<Expr> {
        if self.peek().is_none() {
            self.report_missing(span.clone(), format!("missing operand: {directive} needs {what}"));
            return None;
        }
        let expr = parse_expr(self.tokens, &mut self.pos, self.problems);
        self.no_more_operands(directive, "one", expr.is_some());
        expr
    }

    /// After the last allowed operand: anything left is one operand too many.
    fn no_more_operands(&mut self, directive: &str, count: &str, report: bool) {
        if self.peek().is_some() {
            if report {
                self.report(Problem::new(
                    ErrorKind::ForbiddenOperand,
                    self.rest_span(),
                    format!("too many operands: {directive} takes {count}"),
                    "extra operand",
                ));
            }
            self.pos = self.tokens.len();
        }
    }

    fn word_list(&mut self, span: &Range<usize>) -> Body<'a> {
        if self.peek().is_none() {
            self.report_missing(span.clone(), "missing operand: .word needs at least one value");
            return Body::Word(Vec::new());
        }
        let mut items = Vec::new();
        loop {
            if items.len() == MAX_WORD_VALUES {
                // More words than memory: the rest of the line is not read, so that a
                // megabyte of values costs no more than a memory's worth.
                self.report(Problem::new(
                    ErrorKind::AddressBeyondMemory,
                    self.rest_span(),
                    format!("a .word line holds at most {MAX_WORD_VALUES} values, the words of a whole memory"),
                    "values past the first 4096",
                ));
                self.pos = self.tokens.len();
                break;
            }
            items.push(parse_expr(self.tokens, &mut self.pos, self.problems));
            match self.peek_tok() {
                Some(Tok::Comma) => self.pos += 1,
                _ => break,
            }
        }
        Body::Word(items)
    }

    /// A symbol name operand (`.equ NAME`); `None` after reporting when it is not one.
    fn name_operand(&mut self, directive: &str, what: &str, span: &Range<usize>, check: bool) -> Option<Name<'a>> {
        let Some(token) = self.peek().cloned() else {
            self.report_missing(span.clone(), format!("missing operand: {directive} needs {what}"));
            return None;
        };
        let Tok::Ident(text) = token.tok else {
            self.report(Problem::new(
                ErrorKind::MalformedLine,
                token.span.clone(),
                format!("malformed {directive}: expected a name, found {}", token.tok.describe()),
                "names match [A-Za-z_][A-Za-z0-9_]*",
            ));
            self.pos = self.tokens.len();
            return None;
        };
        self.pos += 1;
        let name = Name { text, span: token.span };
        let problem = if check {
            check_symbol_name(text, &name.span).err()
        } else {
            let chars = text.chars().count();
            (chars > MAX_SYMBOL_LEN).then(|| {
                Problem::new(
                    ErrorKind::InvalidSymbol,
                    name.span.clone(),
                    format!(
                        "section name `{}` is {chars} characters long; names have at most {MAX_SYMBOL_LEN}",
                        ccs_core::abbreviate(text)
                    ),
                    "name too long",
                )
            })
        };
        match problem {
            Some(p) => {
                self.report(p);
                None
            }
            None => Some(name),
        }
    }

    /// Expect `,` before a further operand. `false` (reported) when something else
    /// stands there.
    fn comma(&mut self, directive: &str) -> bool {
        match self.peek().cloned() {
            Some(Token { tok: Tok::Comma, .. }) => {
                self.pos += 1;
                true
            }
            Some(t) => {
                self.report(Problem::new(
                    ErrorKind::MalformedLine,
                    t.span.clone(),
                    format!("malformed {directive}: expected `,`, found {}", t.tok.describe()),
                    "operands are separated by commas",
                ));
                self.pos = self.tokens.len();
                false
            }
            None => false,
        }
    }

    fn equ(&mut self, span: &Range<usize>) -> Body<'a> {
        let has_name_token = matches!(self.peek_tok(), Some(Tok::Ident(_)));
        let name = self.name_operand(".equ", "a name and a value", span, true);
        if !has_name_token {
            return Body::Equ { name, value: None };
        }
        if self.peek().is_none() {
            self.report_missing(
                self.tokens[self.pos - 1].span.clone(),
                "missing operand: .equ needs a value after the name",
            );
            return Body::Equ { name, value: None };
        }
        if !self.comma(".equ") {
            return Body::Equ { name, value: None };
        }
        if self.peek().is_none() {
            let span = self.tokens[self.pos - 1].span.clone();
            self.report_missing(span, "missing operand: .equ needs a value after the comma");
            return Body::Equ { name, value: None };
        }
        let value = parse_expr(self.tokens, &mut self.pos, self.problems);
        self.no_more_operands(".equ", "a name and one value", value.is_some());
        Body::Equ { name, value }
    }

    fn section(&mut self, span: &Range<usize>) -> Body<'a> {
        let has_name_token = matches!(self.peek_tok(), Some(Tok::Ident(_)));
        let name = self.name_operand(".section", "a name", span, false);
        if !has_name_token || self.peek().is_none() {
            return Body::Section { name, limit: None };
        }
        if !self.comma(".section") {
            return Body::Section { name, limit: Some(None) };
        }
        if self.peek().is_none() {
            let span = self.tokens[self.pos - 1].span.clone();
            self.report_missing(span, "missing operand: a limit in words expected after the comma");
            return Body::Section { name, limit: Some(None) };
        }
        let limit = parse_expr(self.tokens, &mut self.pos, self.problems);
        self.no_more_operands(".section", "a name and an optional limit", limit.is_some());
        Body::Section { name, limit: Some(limit) }
    }

    fn include(&mut self, span: &Range<usize>) -> Body<'a> {
        let Some(token) = self.peek().cloned() else {
            self.report_missing(span.clone(), "missing operand: .include needs a quoted path");
            return Body::Include(None);
        };
        self.pos += 1;
        let path = match token.tok {
            Tok::Str { text, terminated: true } if !text.is_empty() => Some(Name { text, span: token.span }),
            Tok::Str { terminated: true, .. } => {
                self.report(Problem::new(
                    ErrorKind::MalformedLine,
                    token.span,
                    "malformed .include: the path is empty",
                    "empty path",
                ));
                None
            }
            Tok::Str { terminated: false, .. } => {
                self.report(Problem::new(
                    ErrorKind::MalformedLine,
                    token.span,
                    "malformed .include: the path has no closing `\"`",
                    "unterminated string",
                ));
                None
            }
            other => {
                self.report(Problem::new(
                    ErrorKind::MalformedLine,
                    token.span,
                    format!("malformed .include: expected a quoted path, found {}", other.describe()),
                    "write the path in double quotes",
                ));
                self.pos = self.tokens.len();
                None
            }
        };
        self.no_more_operands(".include", "one path", true);
        Body::Include(path)
    }
}

/// "an address (0..4095)", from the core's operand table.
pub(crate) fn describe_operand(kind: OperandKind) -> String {
    match kind.range() {
        Some((lo, hi)) => {
            let article = if kind.description().starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
            format!("{article} {} ({lo}..{hi})", kind.description())
        }
        None => "no operand".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::lex_line;

    fn parse(text: &str) -> (Line<'_>, Vec<Problem>) {
        let mut tokens = Vec::new();
        lex_line(text, 0, &mut tokens);
        let mut problems = Vec::new();
        let line = parse_line(&tokens, &mut problems);
        (line, problems)
    }

    fn messages(text: &str) -> Vec<String> {
        parse(text).1.into_iter().map(|p| p.message).collect()
    }

    #[test]
    fn shapes() {
        let (line, problems) = parse("X: lda Y ; c");
        assert!(problems.is_empty());
        assert_eq!(line.label.unwrap().text, "X");
        assert!(matches!(line.body, Body::Instruction { opcode: Opcode::LDA, operand: Operand::Expr(_) }));
        assert_eq!(line.body_span, 3..8);
        assert!(matches!(parse("HLT").0.body, Body::Instruction { operand: Operand::Absent, .. }));
        assert!(matches!(parse("  ").0.body, Body::Empty));
        assert!(matches!(parse(".WoRd 1, 2,3").0.body, Body::Word(v) if v.len() == 3));
        assert!(matches!(parse(".section S, 5").0.body, Body::Section { limit: Some(Some(_)), .. }));
        assert!(matches!(parse(".include \"a.asm\"").0.body, Body::Include(Some(n)) if n.text == "a.asm"));
    }

    #[test]
    fn operand_rules() {
        assert_eq!(messages("LDA"), ["missing operand: LDA needs an address (0..4095)"]);
        assert_eq!(messages("NOP 1"), ["forbidden operand: NOP takes no operand"]);
        assert_eq!(messages("LDA 1, 2"), ["too many operands: LDA takes one"]);
        assert_eq!(messages(".org 1, 2"), ["too many operands: .org takes one"]);
        assert_eq!(messages(".word"), ["missing operand: .word needs at least one value"]);
        assert_eq!(messages(".equ X"), ["missing operand: .equ needs a value after the name"]);
        assert_eq!(messages(".equ X,"), ["missing operand: .equ needs a value after the comma"]);
        assert_eq!(messages(".equ X 5"), ["malformed .equ: expected `,`, found a number"]);
        assert_eq!(messages(".include x"), ["malformed .include: expected a quoted path, found `x`"]);
        assert_eq!(messages("a: b: NOP"), ["a line holds at most one label"]);
        assert_eq!(messages("START LDA 5"), ["unknown mnemonic `START`"]);
        assert_eq!(parse("START LDA 5").1[0].notes, ["a label needs a colon: `START:`"]);
        assert_eq!(messages(".word 1,,2").len(), 1);
    }

    #[test]
    fn reserved_names() {
        assert_eq!(messages("lda: NOP"), ["`lda` cannot be a symbol: it is the mnemonic LDA"]);
        assert_eq!(messages("Org: NOP"), ["`Org` cannot be a symbol: it is the name of the directive .org"]);
        assert_eq!(
            messages(".equ INCLUDE, 1"),
            ["`INCLUDE` cannot be a symbol: it is the name of the directive .include"]
        );
        let long = "A".repeat(32);
        assert_eq!(
            messages(&format!("{long}: NOP")),
            [format!("symbol `{long}` is 32 characters long; symbols have at most 31")]
        );
        assert!(messages(&format!("{}: NOP", "A".repeat(31))).is_empty());
        // Section names are not symbols: they live in their own name space.
        assert!(messages(".section LDA").is_empty());
    }
}
