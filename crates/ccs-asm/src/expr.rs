//! Expressions (spec §11 and C10): `[-] term {(+|-) term}`, term = number, symbol or
//! `$`, evaluated in checked 64-bit signed arithmetic.

use crate::diagnostic::ErrorKind;
use crate::lexer::{Tok, Token};
use crate::parser::{Problem, check_symbol_name};
use std::ops::Range;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Atom {
    Number(i64),
    Symbol(Box<str>),
    /// `$`: the location counter at the start of the line.
    Here,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Term {
    /// Subtracted rather than added (the leading `-` or a `-` operator).
    pub negate: bool,
    pub atom: Atom,
    pub span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Expr {
    pub terms: Vec<Term>,
    pub span: Range<usize>,
}

/// The expression leaves the signed 64-bit range (C10 b: an error, no wrap-around).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Overflow;

impl Expr {
    /// Evaluate left to right. `lookup` gives a symbol's value, or `None` when it has
    /// none (its caller reports why); `here` is `$`, `None` when the location counter
    /// is unknown after an earlier error. `Ok(None)`: the value is unknown and the
    /// reason has been reported already.
    pub(crate) fn evaluate(
        &self,
        here: Option<i64>,
        lookup: &mut dyn FnMut(&str, &Range<usize>) -> Option<i64>,
    ) -> Result<Option<i64>, Overflow> {
        let mut total: Option<i64> = Some(0);
        for term in &self.terms {
            let value = match &term.atom {
                Atom::Number(v) => Some(*v),
                Atom::Here => here,
                // Looked up even once the result is unknown, so every undefined
                // symbol of the expression is reported.
                Atom::Symbol(name) => lookup(name, &term.span),
            };
            total = match (total, value) {
                (Some(t), Some(v)) if term.negate => Some(t.checked_sub(v).ok_or(Overflow)?),
                (Some(t), Some(v)) => Some(t.checked_add(v).ok_or(Overflow)?),
                _ => None,
            };
        }
        Ok(total)
    }
}

const TERM_EXPECTED: &str = "expected a number, a symbol or `$`";

/// Parse an expression starting at `tokens[*pos]`, stopping before a `,` or at the
/// end. On a malformed expression, report one problem, skip to the next `,` and
/// return `None`.
pub(crate) fn parse_expr(tokens: &[Token<'_>], pos: &mut usize, problems: &mut Vec<Problem>) -> Option<Expr> {
    let result = parse_terms(tokens, pos);
    match result {
        Ok(expr) => Some(expr),
        Err(problem) => {
            problems.push(problem);
            while *pos < tokens.len() && tokens[*pos].tok != Tok::Comma {
                *pos += 1;
            }
            None
        }
    }
}

fn parse_terms(tokens: &[Token<'_>], pos: &mut usize) -> Result<Expr, Problem> {
    let start = tokens.get(*pos).map_or(0, |t| t.span.start);
    let mut terms = Vec::new();
    let mut negate = false;
    // The token before the term being read: the operator, for messages about a
    // missing term.
    let mut operator: Option<&Token<'_>> = None;
    if let Some(t @ Token { tok: Tok::Minus, .. }) = tokens.get(*pos) {
        negate = true;
        operator = Some(t);
        *pos += 1;
    }
    loop {
        let Some(token) = tokens.get(*pos) else {
            return Err(missing_term(operator, tokens, *pos));
        };
        let atom = match &token.tok {
            Tok::Number(Ok(v)) => Atom::Number(*v),
            Tok::Number(Err(e)) => {
                return Err(Problem::new(
                    ErrorKind::MalformedNumber,
                    token.span.clone(),
                    format!("malformed number: {e}"),
                    "not a valid number",
                ));
            }
            Tok::Ident(name) => {
                check_symbol_name(name, &token.span)?;
                Atom::Symbol((*name).into())
            }
            Tok::Dollar => Atom::Here,
            Tok::Minus if operator.is_some() => {
                return Err(Problem::new(
                    ErrorKind::MalformedExpression,
                    token.span.clone(),
                    "malformed expression: a minus sign may only begin an expression",
                    "a second sign is not allowed here",
                )
                .note("the grammar is `[-] term {(+|-) term}`: write `5 - 3`, not `5 + -3`, and `5`, not `--5`"));
            }
            Tok::Comma => return Err(missing_term(operator, tokens, *pos)),
            other => {
                return Err(Problem::new(
                    ErrorKind::MalformedExpression,
                    token.span.clone(),
                    format!("malformed expression: {TERM_EXPECTED}, found {}", other.describe()),
                    "expected a term here",
                ));
            }
        };
        terms.push(Term { negate, atom, span: token.span.clone() });
        *pos += 1;
        match tokens.get(*pos) {
            Some(t @ Token { tok: Tok::Plus | Tok::Minus, .. }) => {
                negate = t.tok == Tok::Minus;
                operator = Some(t);
                *pos += 1;
            }
            None | Some(Token { tok: Tok::Comma, .. }) => break,
            Some(t) => {
                return Err(Problem::new(
                    ErrorKind::MalformedExpression,
                    t.span.clone(),
                    format!(
                        "malformed expression: expected `+`, `-` or the end of the operand, found {}",
                        t.tok.describe()
                    ),
                    "unexpected here",
                ));
            }
        }
    }
    let end = terms.last().map_or(start, |t| t.span.end);
    Ok(Expr { terms, span: start..end })
}

fn missing_term(operator: Option<&Token<'_>>, tokens: &[Token<'_>], pos: usize) -> Problem {
    // Point at the operator that wants a term, else at whatever stands in its place.
    let (span, message) = match operator {
        Some(op) => (op.span.clone(), format!("malformed expression: {TERM_EXPECTED} after {}", op.tok.describe())),
        None => {
            let span = tokens.get(pos).or(tokens.last()).map_or(0..0, |t| t.span.clone());
            (span, format!("malformed expression: {TERM_EXPECTED}"))
        }
    };
    Problem::new(ErrorKind::MalformedExpression, span, message, "the expression is incomplete")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::lex_line;

    fn parse(text: &str) -> Result<Expr, Problem> {
        let mut tokens = Vec::new();
        lex_line(text, 0, &mut tokens);
        let mut pos = 0;
        let expr = parse_terms(&tokens, &mut pos)?;
        assert_eq!(pos, tokens.len(), "{text}: stopped early");
        Ok(expr)
    }

    fn value(text: &str) -> Result<Option<i64>, Overflow> {
        parse(text).unwrap().evaluate(Some(0o40), &mut |name, _| match name {
            "ten" => Some(10),
            "big" => Some(i64::MAX),
            "min" => Some(i64::MIN),
            _ => None,
        })
    }

    #[test]
    fn evaluation() {
        assert_eq!(value("5"), Ok(Some(5)));
        assert_eq!(value("-5 + 3"), Ok(Some(-2)));
        assert_eq!(value("$ + ten - 0x2"), Ok(Some(0o40 + 8)));
        assert_eq!(value("-ten - ten"), Ok(Some(-20)));
        assert_eq!(value("unknown + 1"), Ok(None));
        assert_eq!(value("big - 1 + 1"), Ok(Some(i64::MAX)));
        assert_eq!(value("big + 1 - 1"), Err(Overflow));
        assert_eq!(value("-min"), Err(Overflow));
        assert_eq!(value("min"), Ok(Some(i64::MIN)));
        assert_eq!(value("0 - 9223372036854775807 - 1"), Ok(Some(i64::MIN)));
    }

    #[test]
    fn malformed() {
        let message = |text: &str| parse(text).unwrap_err().message;
        assert!(message("--5").contains("a minus sign may only begin an expression"));
        assert!(message("5 + -3").contains("a minus sign may only begin an expression"));
        assert!(message("+5").contains("found `+`"));
        assert!(message("5 +").contains("after `+`"));
        assert!(message("-").contains("after `-`"));
        assert!(message("5 6").contains("expected `+`, `-` or the end of the operand, found a number"));
        assert!(message("(5)").contains("found `(`"));
        assert!(message("0x").contains("no digits after the prefix `0x`"));
        assert!(message("lda").contains("mnemonic"));
    }
}
