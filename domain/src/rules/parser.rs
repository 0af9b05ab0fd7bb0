use super::lexer::{Spanned, Syntax, Tok, lex};
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
        // An explicit stack: a long chain `A + B + C + …` is a deep left spine.
        let mut out: Vec<Ref> = Vec::new();
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            match &e.kind {
                ExprKind::Ref(r) if !out.contains(r) => out.push(r.clone()),
                ExprKind::Neg(a) | ExprKind::Not(a) => stack.push(a),
                ExprKind::Bin(_, a, b) => {
                    stack.push(b);
                    stack.push(a);
                }
                ExprKind::Call(_, args) => stack.extend(args.iter().rev()),
                _ => {}
            }
        }
        out
    }

    /// The same expression, positions aside.
    pub fn same_as(&self, other: &Expr) -> bool {
        let mut stack = vec![(self, other)];
        while let Some((a, b)) = stack.pop() {
            match (&a.kind, &b.kind) {
                (ExprKind::Num(x), ExprKind::Num(y)) if x == y => {}
                (ExprKind::Bool(x), ExprKind::Bool(y)) if x == y => {}
                (ExprKind::Str(x), ExprKind::Str(y)) if x == y => {}
                (ExprKind::Ref(x), ExprKind::Ref(y)) if x == y => {}
                (ExprKind::Neg(x), ExprKind::Neg(y)) | (ExprKind::Not(x), ExprKind::Not(y)) => stack.push((x, y)),
                (ExprKind::Bin(o, x1, x2), ExprKind::Bin(p, y1, y2)) if o == p => {
                    stack.push((x1, y1));
                    stack.push((x2, y2));
                }
                (ExprKind::Call(f, xs), ExprKind::Call(g, ys)) if f == g && xs.len() == ys.len() => {
                    stack.extend(xs.iter().zip(ys));
                }
                _ => return false,
            }
        }
        true
    }
}

/// Operators of one precedence level: a chain of them is a left spine.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    Or,
    And,
    Compare,
    Sum,
    Product,
}

impl BinOp {
    pub(crate) fn level(self) -> Level {
        match self {
            BinOp::Or => Level::Or,
            BinOp::And => Level::And,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => Level::Compare,
            BinOp::Add | BinOp::Sub => Level::Sum,
            BinOp::Mul | BinOp::Div => Level::Product,
        }
    }
}

/// `a + b - c` as `a` and `[(+, b), (-, c)]`: the leftmost operand and the
/// operations applied to it in order. Walking a chain this way keeps the
/// checker and the evaluator from recursing once per term.
pub(crate) fn spine(e: &Expr) -> Option<(&Expr, Vec<(BinOp, &Expr)>)> {
    let ExprKind::Bin(op, _, _) = &e.kind else { return None };
    let level = op.level();
    let mut rest = Vec::new();
    let mut cur = e;
    while let ExprKind::Bin(o, l, r) = &cur.kind {
        if o.level() != level {
            break;
        }
        rest.push((*o, r.as_ref()));
        cur = l;
    }
    rest.reverse();
    Some((cur, rest))
}

/// The column codes a rule may name, for messages.
fn data_columns() -> String {
    Column::ALL.into_iter().filter(|c| c.is_data()).map(Column::code).collect::<Vec<_>>().join(", ")
}

/// Longest expression accepted, in characters. Rules are short; a limit
/// keeps a pasted document (or an attack) from tying up the server.
pub const MAX_EXPR_CHARS: usize = 2000;
/// Deepest nesting of parentheses, function calls, `-` and `not`: the parser,
/// checker and evaluator recurse once per level, and the stack is finite.
pub const MAX_DEPTH: usize = 50;

struct Parser<'a> {
    toks: Vec<Spanned>,
    at: usize,
    end_pos: usize,
    depth: usize,
    syntax: Syntax,
    /// Whether errors may propose a rewritten expression (parsing the proposals does not).
    suggest: bool,
    src: &'a [char],
}

pub fn parse(src: &str) -> Result<Expr, ParseError> {
    parse_in(src, Syntax::Current, true)
}

fn parse_in(src: &str, syntax: Syntax, suggest: bool) -> Result<Expr, ParseError> {
    if src.trim().is_empty() {
        return Err(ParseError::new(1, "Biểu thức đang để trống.".into()));
    }
    let n = src.chars().count();
    if n > MAX_EXPR_CHARS {
        return Err(ParseError::new(
            MAX_EXPR_CHARS + 1,
            format!(
                "Biểu thức dài quá {} ký tự (đang có {} ký tự); hãy tách thành nhiều quy tắc ngắn hơn.",
                crate::numfmt::format_int(MAX_EXPR_CHARS as i64),
                crate::numfmt::format_int(n as i64)
            ),
        ));
    }
    let chars: Vec<char> = src.chars().collect();
    let toks = lex(src, syntax)?;
    let mut p = Parser { toks, at: 0, end_pos: n + 1, depth: 0, syntax, suggest, src: &chars };
    let e = p.or()?;
    if let Some(t) = p.peek() {
        let t = t.clone();
        return Err(ParseError::new(t.pos, format!("Thừa \"{}\": có thể thiếu một phép toán trước nó.", t.tok.show())));
    }
    Ok(e)
}

/// Rewrites a rule written in the old notation (decimal dot `0.5`; `,` or
/// `;` between function arguments) into the current one (`0,5`; `;`), for
/// migrating stored rules once. The result is checked to mean exactly what
/// the old text meant; an old text that does not parse, or whose meaning
/// cannot be carried over, is an error. Run it once per stored rule: on a
/// rule already in the current notation it would read `0,5` as two numbers.
pub fn rewrite_legacy(src: &str) -> Result<String, ParseError> {
    let old = parse_in(src, Syntax::Legacy, false)?;
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len() + 8);
    let mut i = 0;
    for t in lex(src, Syntax::Legacy)? {
        let at = t.pos - 1;
        out.extend(&chars[i..at]);
        i = at;
        match &t.tok {
            Tok::Semi => {
                out.push(';');
                i += 1;
                if chars.get(i).is_some_and(|c| !c.is_whitespace()) {
                    out.push(' ');
                }
            }
            Tok::Num(n) => {
                // Whole numbers read the same in both notations; keep them as typed.
                match &n.value {
                    Ok(d) if n.text.contains('.') => out.push_str(&crate::numfmt::format_dec(*d)),
                    _ => out.push_str(&n.text),
                }
                i += n.text.chars().count();
            }
            _ => {}
        }
    }
    out.extend(&chars[i..]);
    match parse_in(&out, Syntax::Current, false) {
        Ok(new) if new.same_as(&old) => Ok(out),
        Ok(_) => Err(ParseError::new(1, format!("Không chuyển tự động được: «{out}» sẽ mang nghĩa khác. Hãy viết lại quy tắc."))),
        Err(e) => Err(ParseError::new(e.pos, format!("Không chuyển tự động được: «{out}»: {}", e.message))),
    }
}

/// `src` with a `;` in place of the commas at the given character indices.
fn with_semicolons(src: &[char], commas: &[usize]) -> String {
    let mut out = String::with_capacity(src.len() + commas.len());
    for (i, c) in src.iter().enumerate() {
        if commas.contains(&i) {
            out.push(';');
            if src.get(i + 1).is_some_and(|c| !c.is_whitespace()) {
                out.push(' ');
            }
        } else {
            out.push(*c);
        }
    }
    out
}

fn parses(src: &str) -> bool {
    parse_in(src, Syntax::Current, false).is_ok()
}

fn quoted_choices(choices: &[String]) -> String {
    choices.iter().map(|c| format!("«{c}»")).collect::<Vec<_>>().join(" hay ")
}

/// What the arguments of one call look like, before parsing them.
struct ArgScan {
    /// Token indices of stray commas at the call's own level.
    commas: Vec<usize>,
    semicolons: bool,
    /// Token indices of numbers holding a comma at the call's own level.
    comma_numbers: Vec<usize>,
}

impl Func {
    fn arity_ok(self, n: usize) -> bool {
        match self {
            Func::If => n == 3,
            Func::Abs => n == 1,
            Func::Round => n == 2,
            Func::Min | Func::Max => n >= 1,
        }
    }
}

impl Parser<'_> {
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

    /// One level deeper; refused past [`MAX_DEPTH`].
    fn enter(&mut self, pos: usize) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError::new(
                pos,
                format!("Biểu thức lồng nhau quá {MAX_DEPTH} tầng (ngoặc, hàm, dấu trừ hoặc \"not\" lồng trong nhau); hãy viết gọn lại."),
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
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
            self.enter(pos)?;
            let inner = self.not()?;
            self.leave();
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
            return Err(ParseError::new(t.pos, "Không được nối hai phép so sánh liền nhau; hãy dùng \"and\", ví dụ A <= B and B <= C.".into()));
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
            self.enter(pos)?;
            let inner = self.unary()?;
            self.leave();
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
            Tok::Num(n) => match n.value {
                Ok(d) => ExprKind::Num(d),
                // The reader's messages about two readings already quote the number.
                Err(m) if m.starts_with('«') => return Err(ParseError::new(pos, m)),
                Err(m) => return Err(ParseError::new(pos, format!("«{}»: {m}", n.text))),
            },
            Tok::Str(s) => ExprKind::Str(s),
            Tok::True => ExprKind::Bool(true),
            Tok::False => ExprKind::Bool(false),
            Tok::LParen => {
                self.enter(pos)?;
                let e = self.or()?;
                self.expect(Tok::RParen, "dấu \")\"")?;
                self.leave();
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

    /// Looks at a call's arguments, from just after its `(`, without parsing them.
    fn scan_args(&self) -> ArgScan {
        let mut scan = ArgScan { commas: vec![], semicolons: false, comma_numbers: vec![] };
        let mut depth = 0usize;
        for (k, t) in self.toks.iter().enumerate().skip(self.at) {
            match &t.tok {
                Tok::LParen | Tok::LBracket => depth += 1,
                Tok::RParen | Tok::RBracket if depth == 0 => break,
                Tok::RParen | Tok::RBracket => depth -= 1,
                Tok::Comma if depth == 0 => scan.commas.push(k),
                Tok::Semi if depth == 0 => scan.semicolons = true,
                Tok::Num(n) if depth == 0 && n.text.contains(',') => scan.comma_numbers.push(k),
                _ => {}
            }
        }
        scan
    }

    /// Character indices of the commas inside the numbers at these token indices.
    fn commas_in_numbers(&self, tokens: &[usize]) -> Vec<usize> {
        tokens
            .iter()
            .filter_map(|k| match &self.toks[*k] {
                Spanned { tok: Tok::Num(n), pos } => Some((n, pos - 1)),
                _ => None,
            })
            .flat_map(|(n, at)| n.text.chars().enumerate().filter(|(_, c)| *c == ',').map(move |(j, _)| at + j))
            .collect()
    }

    /// Refuses arguments separated by `,` (the old notation) or a comma that
    /// may be either a separator or a decimal comma, showing the rewrites.
    fn check_separators(&self, func: Func) -> Result<(), ParseError> {
        if self.syntax != Syntax::Current {
            return Ok(());
        }
        let scan = self.scan_args();
        let advice = "Các đối số của hàm nay ngăn cách bằng dấu chấm phẩy «;» như trong Excel tiếng Việt; dấu phẩy là dấu thập phân.";
        if let Some(first) = scan.commas.first() {
            let pos = self.toks[*first].pos;
            if !self.suggest {
                return Err(ParseError::new(pos, advice.into()));
            }
            let stray: Vec<usize> = self.toks.iter().filter(|t| t.tok == Tok::Comma).map(|t| t.pos - 1).collect();
            let all_numbers: Vec<usize> =
                (0..self.toks.len()).filter(|k| matches!(&self.toks[*k].tok, Tok::Num(n) if n.text.contains(','))).collect();
            let mut every = stray.clone();
            every.extend(self.commas_in_numbers(&all_numbers));
            let mut choices: Vec<String> = Vec::new();
            for commas in [every, stray] {
                let s = with_semicolons(self.src, &commas);
                if !choices.contains(&s) && parses(&s) {
                    choices.push(s);
                }
            }
            let msg = if choices.is_empty() {
                format!("{advice} Hãy thay dấu phẩy giữa các đối số bằng dấu «;».")
            } else {
                format!("{advice} Viết lại: {}{}", quoted_choices(&choices), if choices.len() > 1 { "?" } else { "." })
            };
            return Err(ParseError::new(pos, msg));
        }
        if scan.semicolons || scan.comma_numbers.is_empty() {
            return Ok(());
        }
        // One argument whose numbers hold commas: `max(0,5)` is 0,5 in the
        // current notation, but two arguments in the old one.
        let extra: usize = scan.comma_numbers.iter().map(|k| self.toks[*k].tok.show().matches(',').count()).sum();
        let readable = scan.comma_numbers.iter().all(|k| matches!(&self.toks[*k].tok, Tok::Num(n) if n.value.is_ok()));
        let as_decimal = func.arity_ok(1) && readable;
        let as_separator = func.arity_ok(1 + extra);
        if !as_separator {
            return Ok(());
        }
        let pos = self.toks[scan.comma_numbers[0]].pos;
        if !self.suggest {
            return Err(ParseError::new(pos, advice.into()));
        }
        let separated = with_semicolons(self.src, &self.commas_in_numbers(&scan.comma_numbers));
        let separated = Some(separated).filter(|s| parses(s));
        if !as_decimal {
            let msg = match separated {
                Some(s) => format!("{advice} Viết lại: «{s}»."),
                None => format!("{advice} Hãy thay dấu phẩy giữa các đối số bằng dấu «;»."),
            };
            return Err(ParseError::new(pos, msg));
        }
        let numbers: Vec<String> = scan.comma_numbers.iter().map(|k| self.toks[*k].tok.show()).collect();
        let whole: String = self.src.iter().collect();
        let mut wrapped = String::with_capacity(whole.len() + 4);
        let mut i = 0;
        for k in &scan.comma_numbers {
            let t = &self.toks[*k];
            let (at, len) = (t.pos - 1, t.tok.show().chars().count());
            wrapped.extend(&self.src[i..at]);
            wrapped.push('(');
            wrapped.extend(&self.src[at..at + len]);
            wrapped.push(')');
            i = at + len;
        }
        wrapped.extend(&self.src[i..]);
        let name = func.name();
        let mut msg = format!(
            "Không rõ dấu phẩy trong «{}» là dấu thập phân hay dấu ngăn cách đối số của hàm {name}: «{whole}» có thể là một đối số {} hoặc nhiều đối số.",
            numbers.join("», «"),
            numbers.join(", ")
        );
        if let Some(s) = separated {
            msg.push_str(&format!(" Nếu là nhiều đối số, viết «{s}» (ngăn cách bằng dấu «;»)"));
            msg.push_str(&format!("; nếu là số thập phân, đặt số trong ngoặc: «{wrapped}»."));
        } else {
            msg.push_str(&format!(" Nếu là số thập phân, đặt số trong ngoặc: «{wrapped}»."));
        }
        Err(ParseError::new(pos, msg))
    }

    fn call(&mut self, name: &str, pos: usize) -> Result<Expr, ParseError> {
        let func = Func::from_name(name)
            .ok_or_else(|| ParseError::new(pos, format!("Không có hàm \"{name}\" (các hàm dùng được: if, abs, min, max, round).")))?;
        self.expect(Tok::LParen, "dấu \"(\"")?;
        self.enter(pos)?;
        self.check_separators(func)?;
        let mut args = Vec::new();
        if !self.eat(&Tok::RParen) {
            loop {
                args.push(self.or()?);
                if self.eat(&Tok::Semi) {
                    continue;
                }
                self.expect(Tok::RParen, "dấu \")\" hoặc \";\"")?;
                break;
            }
        }
        self.leave();
        if !func.arity_ok(args.len()) {
            let want = match func {
                Func::If => "đúng 3 đối số: if(điều kiện; khi đúng; khi sai)",
                Func::Abs => "đúng 1 đối số",
                Func::Round => "đúng 2 đối số: round(giá trị; số chữ số thập phân)",
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
                    column = Column::from_code(&c.to_lowercase())
                        .filter(|c| c.is_data())
                        .ok_or_else(|| ParseError::new(cpos, format!("Không có cột \"{c}\" (các cột: {}).", data_columns())))?;
                }
                _ => return Err(ParseError::new(dot, format!("Sau dấu chấm cần tên cột: {}.", data_columns()))),
            }
        }
        Ok(Ref { code, part, column })
    }
}
