use super::parser::ParseError;
use crate::dec::Dec;

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Num(Dec),
    Str(String),
    Ident(String),
    True,
    False,
    LParen,
    RParen,
    LBracket,
    RBracket,
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
            Tok::Num(d) => d.to_string(),
            Tok::Str(s) => format!("\"{s}\""),
            Tok::Ident(s) => s.clone(),
            Tok::True => "true".into(),
            Tok::False => "false".into(),
            Tok::LParen => "(".into(),
            Tok::RParen => ")".into(),
            Tok::LBracket => "[".into(),
            Tok::RBracket => "]".into(),
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

pub fn lex(src: &str) -> Result<Vec<Spanned>, ParseError> {
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
        let tok1 = match c {
            '(' => Some(Tok::LParen),
            ')' => Some(Tok::RParen),
            '[' => Some(Tok::LBracket),
            ']' => Some(Tok::RBracket),
            ',' | ';' => Some(Tok::Comma),
            '+' => Some(Tok::Plus),
            '-' => Some(Tok::Minus),
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
        if c == '.' && !chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()) {
            out.push(Spanned { tok: Tok::Dot, pos });
            i += 1;
            continue;
        }
        if c.is_ascii_digit() || c == '.' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            let d = Dec::parse_literal(&text)
                .ok_or_else(|| ParseError::new(pos, format!("Số \"{text}\" không hợp lệ (dùng dấu chấm cho phần thập phân, ví dụ 12.5).")))?;
            out.push(Spanned { tok: Tok::Num(d), pos });
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
