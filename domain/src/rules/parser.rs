use super::lexer::{lex, Spanned, Tok};
use crate::column::Column;
use crate::dec::Dec;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseError {
    /// 1-based character position in the expression.
    pub pos: usize,
    pub message: String,
}

impl ParseError {
    pub fn new(pos: usize, message: String) -> Self {
        ParseError { pos, message }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Lỗi cú pháp ở vị trí {}: {}", self.pos, self.message)
    }
}

/// A value a rule refers to: an indicator, optionally one breakdown part, in one column.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Ref {
    pub code: String,
    pub part: Option<String>,
    pub column: Column,
}

impl fmt::Display for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code)?;
        if let Some(p) = &self.part {
            write!(f, "[{p}]")?;
        }
        if self.column != Column::Current {
            write!(f, ".{}", self.column.code())?;
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Func {
    If,
    Abs,
    Min,
    Max,
    Round,
}

impl Func {
    fn from_name(n: &str) -> Option<Func> {
        match n.to_lowercase().as_str() {
            "if" | "neu" | "nếu" => Some(Func::If),
            "abs" => Some(Func::Abs),
            "min" => Some(Func::Min),
            "max" => Some(Func::Max),
            "round" => Some(Func::Round),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Func::If => "if",
            Func::Abs => "abs",
            Func::Min => "min",
            Func::Max => "max",
            Func::Round => "round",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Expr {
    pub kind: ExprKind,
    pub pos: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ExprKind {
    Num(Dec),
    Bool(bool),
    Str(String),
    Ref(Ref),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    Call(Func, Vec<Expr>),
}

impl Expr {
    /// Every value the expression refers to, in order of appearance, without repeats.
    pub fn refs(&self) -> Vec<Ref> {
        fn walk(e: &Expr, out: &mut Vec<Ref>) {
            match &e.kind {
                ExprKind::Ref(r) => {
                    if !out.contains(r) {
                        out.push(r.clone())
                    }
                }
                ExprKind::Neg(a) | ExprKind::Not(a) => walk(a, out),
                ExprKind::Bin(_, a, b) => {
                    walk(a, out);
                    walk(b, out);
                }
                ExprKind::Call(_, args) => args.iter().for_each(|a| walk(a, out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        walk(self, &mut out);
        out
    }
}

struct Parser {
    toks: Vec<Spanned>,
    at: usize,
    end_pos: usize,
}

pub fn parse(src: &str) -> Result<Expr, ParseError> {
    if src.trim().is_empty() {
        return Err(ParseError::new(1, "Biểu thức đang để trống.".into()));
    }
    let toks = lex(src)?;
    let mut p = Parser { toks, at: 0, end_pos: src.chars().count() + 1 };
    let e = p.or()?;
    if let Some(t) = p.peek() {
        let t = t.clone();
        return Err(ParseError::new(t.pos, format!("Thừa \"{}\": có thể thiếu một phép toán trước nó.", t.tok.show())));
    }
    Ok(e)
}

impl Parser {
    fn peek(&self) -> Option<&Spanned> {
        self.toks.get(self.at)
    }

    fn next(&mut self) -> Option<Spanned> {
        let t = self.toks.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn eat(&mut self, tok: &Tok) -> bool {
        if self.peek().is_some_and(|t| &t.tok == tok) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, tok: Tok, what: &str) -> Result<usize, ParseError> {
        match self.next() {
            Some(t) if t.tok == tok => Ok(t.pos),
            Some(t) => Err(ParseError::new(t.pos, format!("Cần {what} nhưng gặp \"{}\".", t.tok.show()))),
            None => Err(ParseError::new(self.end_pos, format!("Biểu thức kết thúc khi còn thiếu {what}."))),
        }
    }

    fn bin(op: BinOp, l: Expr, r: Expr) -> Expr {
        let pos = l.pos;
        Expr { kind: ExprKind::Bin(op, Box::new(l), Box::new(r)), pos }
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut l = self.and()?;
        while self.eat(&Tok::Or) {
            let r = self.and()?;
            l = Self::bin(BinOp::Or, l, r);
        }
        Ok(l)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut l = self.not()?;
        while self.eat(&Tok::And) {
            let r = self.not()?;
            l = Self::bin(BinOp::And, l, r);
        }
        Ok(l)
    }

    fn not(&mut self) -> Result<Expr, ParseError> {
        if let Some(t) = self.peek().filter(|t| t.tok == Tok::Not) {
            let pos = t.pos;
            self.at += 1;
            let inner = self.not()?;
            return Ok(Expr { kind: ExprKind::Not(Box::new(inner)), pos });
        }
        self.cmp()
    }

    fn cmp(&mut self) -> Result<Expr, ParseError> {
        let l = self.add()?;
        let op = match self.peek().map(|t| &t.tok) {
            Some(Tok::Eq) => BinOp::Eq,
            Some(Tok::Ne) => BinOp::Ne,
            Some(Tok::Lt) => BinOp::Lt,
            Some(Tok::Le) => BinOp::Le,
            Some(Tok::Gt) => BinOp::Gt,
            Some(Tok::Ge) => BinOp::Ge,
            _ => return Ok(l),
        };
        self.at += 1;
        let r = self.add()?;
        if let Some(t) = self.peek().filter(|t| matches!(t.tok, Tok::Eq | Tok::Ne | Tok::Lt | Tok::Le | Tok::Gt | Tok::Ge)) {
            return Err(ParseError::new(
                t.pos,
                "Không được nối hai phép so sánh liền nhau; hãy dùng \"and\", ví dụ A <= B and B <= C.".into(),
            ));
        }
        Ok(Self::bin(op, l, r))
    }

    fn add(&mut self) -> Result<Expr, ParseError> {
        let mut l = self.mul()?;
        loop {
            let op = match self.peek().map(|t| &t.tok) {
                Some(Tok::Plus) => BinOp::Add,
                Some(Tok::Minus) => BinOp::Sub,
                _ => return Ok(l),
            };
            self.at += 1;
            let r = self.mul()?;
            l = Self::bin(op, l, r);
        }
    }

    fn mul(&mut self) -> Result<Expr, ParseError> {
        let mut l = self.unary()?;
        loop {
            let op = match self.peek().map(|t| &t.tok) {
                Some(Tok::Star) => BinOp::Mul,
                Some(Tok::Slash) => BinOp::Div,
                _ => return Ok(l),
            };
            self.at += 1;
            let r = self.unary()?;
            l = Self::bin(op, l, r);
        }
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if let Some(t) = self.peek().filter(|t| t.tok == Tok::Minus) {
            let pos = t.pos;
            self.at += 1;
            let inner = self.unary()?;
            return Ok(Expr { kind: ExprKind::Neg(Box::new(inner)), pos });
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let Some(t) = self.next() else {
            return Err(ParseError::new(self.end_pos, "Biểu thức kết thúc khi còn thiếu một giá trị.".into()));
        };
        let pos = t.pos;
        let kind = match t.tok {
            Tok::Num(d) => ExprKind::Num(d),
            Tok::Str(s) => ExprKind::Str(s),
            Tok::True => ExprKind::Bool(true),
            Tok::False => ExprKind::Bool(false),
            Tok::LParen => {
                let e = self.or()?;
                self.expect(Tok::RParen, "dấu \")\"")?;
                return Ok(Expr { kind: e.kind, pos });
            }
            Tok::Ident(name) => {
                if self.peek().is_some_and(|t| t.tok == Tok::LParen) {
                    return self.call(&name, pos);
                }
                ExprKind::Ref(self.reference(&name, pos)?)
            }
            other => return Err(ParseError::new(pos, format!("Không mong đợi \"{}\" ở đây: cần một giá trị.", other.show()))),
        };
        Ok(Expr { kind, pos })
    }

    fn call(&mut self, name: &str, pos: usize) -> Result<Expr, ParseError> {
        let func = Func::from_name(name).ok_or_else(|| {
            ParseError::new(pos, format!("Không có hàm \"{name}\" (các hàm dùng được: if, abs, min, max, round)."))
        })?;
        self.expect(Tok::LParen, "dấu \"(\"")?;
        let mut args = Vec::new();
        if !self.eat(&Tok::RParen) {
            loop {
                args.push(self.or()?);
                if self.eat(&Tok::Comma) {
                    continue;
                }
                self.expect(Tok::RParen, "dấu \")\" hoặc \",\"")?;
                break;
            }
        }
        let arity_ok = match func {
            Func::If => args.len() == 3,
            Func::Abs => args.len() == 1,
            Func::Round => args.len() == 2,
            Func::Min | Func::Max => !args.is_empty(),
        };
        if !arity_ok {
            let want = match func {
                Func::If => "đúng 3 đối số: if(điều kiện, khi đúng, khi sai)",
                Func::Abs => "đúng 1 đối số",
                Func::Round => "đúng 2 đối số: round(giá trị, số chữ số thập phân)",
                Func::Min | Func::Max => "ít nhất 1 đối số",
            };
            return Err(ParseError::new(pos, format!("Hàm {} cần {want}.", func.name())));
        }
        Ok(Expr { kind: ExprKind::Call(func, args), pos })
    }

    fn reference(&mut self, name: &str, pos: usize) -> Result<Ref, ParseError> {
        let code = crate::indicator::normalize_code(name);
        let mut part = None;
        if self.eat(&Tok::LBracket) {
            match self.next() {
                Some(Spanned { tok: Tok::Ident(p), .. }) => part = Some(p.to_lowercase()),
                Some(t) => return Err(ParseError::new(t.pos, "Trong dấu [ ] cần mã phần phân tổ, ví dụ T0101[nu].".into())),
                None => return Err(ParseError::new(self.end_pos, "Thiếu mã phần phân tổ sau \"[\".".into())),
            }
            self.expect(Tok::RBracket, "dấu \"]\"")?;
        }
        let mut column = Column::Current;
        if self.peek().is_some_and(|t| t.tok == Tok::Dot) {
            let dot = self.next().map(|t| t.pos).unwrap_or(pos);
            match self.next() {
                Some(Spanned { tok: Tok::Ident(c), pos: cpos }) => {
                    column = Column::from_code(&c.to_lowercase()).filter(|c| c.is_data()).ok_or_else(|| {
                        ParseError::new(cpos, format!("Không có cột \"{c}\" (các cột: ky_nay, cung_ky, ky_truoc, luy_ke)."))
                    })?;
                }
                _ => return Err(ParseError::new(dot, "Sau dấu chấm cần tên cột: ky_nay, cung_ky, ky_truoc hoặc luy_ke.".into())),
            }
        }
        Ok(Ref { code, part, column })
    }
}
