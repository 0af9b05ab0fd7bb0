use super::parser::ParseError;
use crate::dec::Dec;

/// A number as written, and what the form-cell reader makes of it. Reading
/// errors wait for the parser, which knows whether a comma inside the number
/// may have been an old-style argument separator.
#[derive(Clone, Debug, PartialEq)]
pub struct NumLit {
    pub text: String,
    pub value: Result<Dec, String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Num(NumLit),
    Str(String),
    Ident(String),
    True,
    False,
    LParen,
    RParen,
    LBracket,
    RBracket,
    /// `;`, between function arguments.
    Semi,
    /// A `,` that is not inside a number: the argument separator of old rules.
    Comma,
    Dot,
    Plus,
    Minus,
    Star,
    Slash,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    Not,
}

impl Tok {
    pub fn show(&self) -> String {
        match self {
            Tok::Num(n) => n.text.clone(),
            Tok::Str(s) => format!("\"{s}\""),
            Tok::Ident(s) => s.clone(),
            Tok::True => "true".into(),
            Tok::False => "false".into(),
            Tok::LParen => "(".into(),
            Tok::RParen => ")".into(),
            Tok::LBracket => "[".into(),
            Tok::RBracket => "]".into(),
            Tok::Semi => ";".into(),
            Tok::Comma => ",".into(),
            Tok::Dot => ".".into(),
            Tok::Plus => "+".into(),
            Tok::Minus => "-".into(),
            Tok::Star => "*".into(),
            Tok::Slash => "/".into(),
            Tok::Eq => "==".into(),
            Tok::Ne => "!=".into(),
            Tok::Lt => "<".into(),
            Tok::Le => "<=".into(),
            Tok::Gt => ">".into(),
            Tok::Ge => ">=".into(),
            Tok::And => "and".into(),
            Tok::Or => "or".into(),
            Tok::Not => "not".into(),
        }
    }
}

/// A token and its position: the 1-based index of its first character.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned {
    pub tok: Tok,
    pub pos: usize,
}

/// Which notation the text is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// Numbers as in a form cell (`1.234,5`), arguments separated by `;`.
    Current,
    /// Rules written before: numbers with a decimal dot (`0.5`), and `,` or
    /// `;` between arguments. Read only to rewrite them.
    Legacy,
}

fn is_digit(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_ascii_digit())
}

/// Where the number starting at `start` ends, in the current notation:
/// digits, with `.` `,` or a space only between digits, then an optional
/// exponent (`1,5E+03`, as Excel writes).
fn number_end(chars: &[char], start: usize) -> usize {
    let mut i = start;
    loop {
        while is_digit(chars.get(i)) {
            i += 1;
        }
        let joins = chars.get(i).is_some_and(|c| *c == '.' || *c == ',' || crate::numfmt::is_space(*c));
        if joins && is_digit(chars.get(i + 1)) {
            i += 1;
            continue;
        }
        break;
    }
    if chars.get(i).is_some_and(|c| *c == 'e' || *c == 'E') {
        let signed = chars.get(i + 1).is_some_and(|c| matches!(c, '+' | '-' | '−'));
        let digits_at = if signed { i + 2 } else { i + 1 };
        if is_digit(chars.get(digits_at)) {
            i = digits_at;
            while is_digit(chars.get(i)) {
                i += 1;
            }
        }
    }
    i
}

pub fn lex(src: &str, syntax: Syntax) -> Result<Vec<Spanned>, ParseError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let pos = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        let tok2 = match two.as_str() {
            "==" => Some(Tok::Eq),
            "!=" | "<>" => Some(Tok::Ne),
            "<=" => Some(Tok::Le),
            ">=" => Some(Tok::Ge),
            "&&" => Some(Tok::And),
            "||" => Some(Tok::Or),
            _ => None,
        };
        if let Some(t) = tok2 {
            out.push(Spanned { tok: t, pos });
            i += 2;
            continue;
        }
        let starts_number = c.is_ascii_digit() || (c == '.' && is_digit(chars.get(i + 1)));
        if starts_number {
            let start = i;
            let value = match syntax {
                Syntax::Current => {
                    i = number_end(&chars, i);
                    let text: String = chars[start..i].iter().collect();
                    crate::numfmt::read_decimal(&text).map_err(|e| e.to_string())
                }
                Syntax::Legacy => {
                    while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                        i += 1;
                    }
                    let text: String = chars[start..i].iter().collect();
                    Dec::parse_literal(&text).ok_or_else(|| format!("Số \"{text}\" không hợp lệ."))
                }
            };
            let text: String = chars[start..i].iter().collect();
            out.push(Spanned { tok: Tok::Num(NumLit { text, value }), pos });
            continue;
        }
        let tok1 = match c {
            '(' => Some(Tok::LParen),
            ')' => Some(Tok::RParen),
            '[' => Some(Tok::LBracket),
            ']' => Some(Tok::RBracket),
            ';' => Some(Tok::Semi),
            ',' if syntax == Syntax::Legacy => Some(Tok::Semi),
            ',' => Some(Tok::Comma),
            '.' => Some(Tok::Dot),
            '+' => Some(Tok::Plus),
            '-' | '−' => Some(Tok::Minus),
            '*' => Some(Tok::Star),
            '/' => Some(Tok::Slash),
            '=' => Some(Tok::Eq),
            '<' => Some(Tok::Lt),
            '>' => Some(Tok::Gt),
            '!' => Some(Tok::Not),
            _ => None,
        };
        if let Some(t) = tok1 {
            out.push(Spanned { tok: t, pos });
            i += 1;
            continue;
        }
        if c == '"' || c == '\'' {
            let quote = c;
            let start = i + 1;
            i += 1;
            while i < chars.len() && chars[i] != quote {
                i += 1;
            }
            if i >= chars.len() {
                return Err(ParseError::new(pos, "Chuỗi văn bản chưa có dấu nháy đóng.".into()));
            }
            out.push(Spanned { tok: Tok::Str(chars[start..i].iter().collect()), pos });
            i += 1;
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let tok = match word.to_lowercase().as_str() {
                "and" | "và" => Tok::And,
                "or" | "hoặc" => Tok::Or,
                "not" => Tok::Not,
                "true" | "đúng" => Tok::True,
                "false" | "sai" => Tok::False,
                _ => Tok::Ident(word),
            };
            out.push(Spanned { tok, pos });
            continue;
        }
        return Err(ParseError::new(pos, format!("Ký tự không hợp lệ \"{c}\".")));
    }
    Ok(out)
}
