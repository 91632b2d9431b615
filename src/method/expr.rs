//! A small expression language for methodology rules, so a county writes its own indicators and scope
//! rules without code: `tax / land`, `scale == '规下' and land >= 3`, `starts_with(industry, '44', '45')`,
//! `production_start > date(year - 2, 12, 31)`, `has_tag('高新技术企业')`, `missing(emissions)`.
//!
//! Values are numbers, text, booleans or *missing* (a blank input). Arithmetic with a missing value is
//! missing, and so is division by zero; a comparison involving a missing value is false.

use compact_str::CompactString;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Num(f64),
    /// Text, inline up to 24 bytes (county, industry, scale, ids, literals): rules evaluated for every firm
    /// compare fields with literals without allocating.
    Str(CompactString),
    Bool(bool),
    Missing,
}

impl Value {
    pub fn truthy(&self) -> bool {
        matches!(self, Value::Bool(true))
    }
    pub fn num(&self) -> Option<f64> {
        match self {
            Value::Num(x) => Some(*x),
            _ => None,
        }
    }
}

/// What an expression can look up: fields of the enterprise being evaluated, and its tags.
pub trait Env {
    fn field(&self, name: &str) -> Value;
    fn has_tag(&self, tag: &str) -> bool;
    /// The field `name`, numbered `slot` when the expression was bound (see [`Expr::bind`]) by this kind
    /// of environment's numbering. An environment that numbers no fields looks the name up.
    fn field_at(&self, slot: u16, name: &str) -> Value {
        let _ = slot;
        self.field(name)
    }
    /// The enterprise's tenants (承租企业) for which `cond` holds, evaluated on each tenant (all of them
    /// without a condition): how many, or the area in 亩 leased to them. Missing where leases are unknown.
    fn tenants(&self, cond: Option<&Expr>, measure: TenantMeasure) -> Value {
        let _ = (cond, measure);
        Value::Missing
    }
}

/// What [`Env::tenants`] measures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TenantMeasure {
    /// `count_tenants(cond)`: the number of distinct tenants.
    Count,
    /// `area_rented_out_to(cond)`: the area leased to them.
    Area,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Num(f64),
    Str(CompactString),
    Bool(bool),
    /// A field, and its number once bound to an environment's numbering ([`Expr::bind`]).
    Field(String, Option<u16>),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Bin(Op, Box<Expr>, Box<Expr>),
    Call(String, Vec<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
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

/// Functions the language knows, with their argument counts (min, max).
pub const FUNCTIONS: &[(&str, usize, usize)] = &[
    ("date", 3, 3),
    ("starts_with", 2, 64),
    ("one_of", 2, 64),
    ("has_tag", 1, 1),
    ("missing", 1, 1),
    ("present", 1, 1),
    ("min", 2, 2),
    ("max", 2, 2),
    ("abs", 1, 1),
    ("if", 3, 3),
    ("count_tenants", 0, 1),
    ("area_rented_out_to", 0, 1),
];

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Ident(String),
    Sym(&'static str),
}

fn tokenize(src: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let s: String = chars[start..i].iter().collect();
            out.push(Tok::Num(s.parse().map_err(|_| format!("'{s}' is not a number"))?));
        } else if c == '\'' || c == '"' {
            let end = chars[i + 1..].iter().position(|&d| d == c).ok_or("a text in quotes is not closed")?;
            out.push(Tok::Str(chars[i + 1..i + 1 + end].iter().collect()));
            i += end + 2;
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.') {
                i += 1;
            }
            out.push(Tok::Ident(chars[start..i].iter().collect()));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let sym = ["==", "!=", "<=", ">=", "&&", "||"].into_iter().find(|s| *s == two);
            if let Some(s) = sym {
                out.push(Tok::Sym(s));
                i += 2;
            } else {
                let s = ["+", "-", "*", "/", "<", ">", "(", ")", ",", "!", "÷", "×"]
                    .into_iter()
                    .find(|s| s.starts_with(c))
                    .ok_or_else(|| format!("unexpected character '{c}'"))?;
                out.push(Tok::Sym(s));
                i += 1;
            }
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn eat_sym(&mut self, syms: &[&str]) -> Option<&'static str> {
        if let Some(Tok::Sym(s)) = self.peek() {
            if syms.contains(s) {
                let s = *s;
                self.pos += 1;
                return Some(s);
            }
        }
        None
    }
    fn eat_word(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Ident(w)) if w == word) {
            self.pos += 1;
            return true;
        }
        false
    }
    fn or(&mut self) -> Result<Expr, String> {
        let mut l = self.and()?;
        while self.eat_word("or") || self.eat_sym(&["||"]).is_some() {
            l = Expr::Bin(Op::Or, Box::new(l), Box::new(self.and()?));
        }
        Ok(l)
    }
    fn and(&mut self) -> Result<Expr, String> {
        let mut l = self.not()?;
        while self.eat_word("and") || self.eat_sym(&["&&"]).is_some() {
            l = Expr::Bin(Op::And, Box::new(l), Box::new(self.not()?));
        }
        Ok(l)
    }
    fn not(&mut self) -> Result<Expr, String> {
        if self.eat_word("not") || self.eat_sym(&["!"]).is_some() {
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.cmp()
    }
    fn cmp(&mut self) -> Result<Expr, String> {
        let l = self.add()?;
        let op = match self.eat_sym(&["==", "!=", "<=", ">=", "<", ">"]) {
            Some("==") => Op::Eq,
            Some("!=") => Op::Ne,
            Some("<=") => Op::Le,
            Some(">=") => Op::Ge,
            Some("<") => Op::Lt,
            Some(">") => Op::Gt,
            _ => return Ok(l),
        };
        Ok(Expr::Bin(op, Box::new(l), Box::new(self.add()?)))
    }
    fn add(&mut self) -> Result<Expr, String> {
        let mut l = self.mul()?;
        while let Some(s) = self.eat_sym(&["+", "-"]) {
            let op = if s == "+" { Op::Add } else { Op::Sub };
            l = Expr::Bin(op, Box::new(l), Box::new(self.mul()?));
        }
        Ok(l)
    }
    fn mul(&mut self) -> Result<Expr, String> {
        let mut l = self.unary()?;
        while let Some(s) = self.eat_sym(&["*", "/", "÷", "×"]) {
            let op = if s == "*" || s == "×" { Op::Mul } else { Op::Div };
            l = Expr::Bin(op, Box::new(l), Box::new(self.unary()?));
        }
        Ok(l)
    }
    fn unary(&mut self) -> Result<Expr, String> {
        if self.eat_sym(&["-"]).is_some() {
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        self.primary()
    }
    fn primary(&mut self) -> Result<Expr, String> {
        let tok = self.peek().cloned().ok_or("the expression ends too early")?;
        self.pos += 1;
        match tok {
            Tok::Num(x) => Ok(Expr::Num(x)),
            Tok::Str(s) => Ok(Expr::Str(s.into())),
            Tok::Sym("(") => {
                let e = self.or()?;
                self.eat_sym(&[")"]).ok_or("a '(' is not closed")?;
                Ok(e)
            }
            Tok::Ident(w) if w == "true" || w == "false" => Ok(Expr::Bool(w == "true")),
            Tok::Ident(name) => {
                if self.eat_sym(&["("]).is_none() {
                    return Ok(Expr::Field(name, None));
                }
                let mut args = Vec::new();
                if self.eat_sym(&[")"]).is_none() {
                    loop {
                        args.push(self.or()?);
                        if self.eat_sym(&[")"]).is_some() {
                            break;
                        }
                        self.eat_sym(&[","])
                            .ok_or_else(|| format!("expected ',' or ')' in the arguments of {name}"))?;
                    }
                }
                let (_, lo, hi) = FUNCTIONS
                    .iter()
                    .find(|(f, _, _)| *f == name)
                    .ok_or_else(|| format!("unknown function '{name}' (known: {})", fn_names()))?;
                if args.len() < *lo || args.len() > *hi {
                    return Err(format!("{name} takes {lo} to {hi} arguments, got {}", args.len()));
                }
                Ok(Expr::Call(name, args))
            }
            Tok::Sym(s) => Err(format!("unexpected '{s}'")),
        }
    }
}

fn fn_names() -> String {
    FUNCTIONS.iter().map(|f| f.0).collect::<Vec<_>>().join(", ")
}

/// Parses an expression; the error says what is wrong in words.
pub fn parse(src: &str) -> Result<Expr, String> {
    let mut p = Parser { toks: tokenize(src)?, pos: 0 };
    let e = p.or()?;
    if p.pos != p.toks.len() {
        return Err(format!("unexpected text after position {} of '{src}'", p.pos));
    }
    Ok(e)
}

impl Expr {
    /// Every field name the expression reads, for checking against the known fields.
    pub fn fields(&self, out: &mut Vec<String>) {
        match self {
            Expr::Field(n, _) => out.push(n.clone()),
            Expr::Neg(e) | Expr::Not(e) => e.fields(out),
            Expr::Bin(_, a, b) => {
                a.fields(out);
                b.fields(out);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.fields(out)),
            _ => {}
        }
    }

    /// Numbers each field by `slot_of` (an environment's numbering, `None` for a name it does not
    /// number), so that evaluating looks a field up by number instead of comparing its name with every
    /// known one; rules run for every firm. The names are kept, and give the same values.
    pub fn bind(&mut self, slot_of: &dyn Fn(&str) -> Option<u16>) {
        match self {
            Expr::Field(n, slot) => *slot = slot_of(n),
            Expr::Neg(e) | Expr::Not(e) => e.bind(slot_of),
            Expr::Bin(_, a, b) => {
                a.bind(slot_of);
                b.bind(slot_of);
            }
            Expr::Call(_, args) => args.iter_mut().for_each(|a| a.bind(slot_of)),
            Expr::Num(_) | Expr::Str(_) | Expr::Bool(_) => {}
        }
    }

    pub fn eval(&self, env: &dyn Env) -> Value {
        use Value::*;
        match self {
            Expr::Num(x) => Num(*x),
            Expr::Str(s) => Str(s.clone()),
            Expr::Bool(b) => Bool(*b),
            Expr::Field(n, None) => env.field(n),
            Expr::Field(n, Some(slot)) => env.field_at(*slot, n),
            Expr::Neg(e) => match e.eval(env) {
                Num(x) => Num(-x),
                _ => Missing,
            },
            Expr::Not(e) => Bool(!e.eval(env).truthy()),
            Expr::Bin(Op::And, a, b) => Bool(a.eval(env).truthy() && b.eval(env).truthy()),
            Expr::Bin(Op::Or, a, b) => Bool(a.eval(env).truthy() || b.eval(env).truthy()),
            Expr::Bin(op, a, b) => binary(*op, a.eval(env), b.eval(env)),
            Expr::Call(f, args) => call(f, args, env),
        }
    }
}

fn binary(op: Op, a: Value, b: Value) -> Value {
    use Value::*;
    match (op, &a, &b) {
        (_, Missing, _) | (_, _, Missing) => match op {
            Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge => Bool(false),
            _ => Missing,
        },
        (Op::Add, Num(x), Num(y)) => Num(x + y),
        (Op::Sub, Num(x), Num(y)) => Num(x - y),
        (Op::Mul, Num(x), Num(y)) => Num(x * y),
        (Op::Div, Num(_), Num(y)) if *y == 0.0 => Missing,
        (Op::Div, Num(x), Num(y)) => Num(x / y),
        (Op::Eq, _, _) => Bool(a == b),
        (Op::Ne, _, _) => Bool(a != b),
        (_, Num(x), Num(y)) => Bool(match op {
            Op::Lt => x < y,
            Op::Le => x <= y,
            Op::Gt => x > y,
            _ => x >= y,
        }),
        (_, Str(x), Str(y)) => Bool(match op {
            Op::Lt => x < y,
            Op::Le => x <= y,
            Op::Gt => x > y,
            Op::Ge => x >= y,
            _ => false,
        }),
        _ => Missing,
    }
}

/// A function's value. Arguments are evaluated as they are needed, none collected (calls run for every
/// firm); the parser has checked their number.
fn call(f: &str, args: &[Expr], env: &dyn Env) -> Value {
    use Value::*;
    let arg = |k: usize| args[k].eval(env);
    let mut rest = args.iter().skip(1).map(|a| a.eval(env));
    match f {
        "date" => match (arg(0).num(), arg(1).num(), arg(2).num()) {
            (Some(y), Some(m), Some(d)) => {
                crate::dates::from_parts(y as i32, m as u32, d as u32).map_or(Missing, |x| Num(x as f64))
            }
            _ => Missing,
        },
        "starts_with" => match arg(0) {
            Str(s) => Bool(rest.any(|p| matches!(p, Str(p) if s.starts_with(p.as_str())))),
            _ => Bool(false),
        },
        "one_of" => {
            let x = arg(0);
            Bool(!matches!(x, Missing) && rest.any(|p| p == x))
        }
        "has_tag" => match arg(0) {
            Str(t) => Bool(env.has_tag(&t)),
            _ => Bool(false),
        },
        "missing" => Bool(matches!(arg(0), Missing)),
        "present" => Bool(!matches!(arg(0), Missing)),
        "abs" => arg(0).num().map_or(Missing, |x| Num(x.abs())),
        // Only the branch taken is evaluated.
        "if" => {
            if arg(0).truthy() {
                arg(1)
            } else {
                arg(2)
            }
        }
        // The condition is evaluated on each tenant, not on this enterprise.
        "count_tenants" => env.tenants(args.first(), TenantMeasure::Count),
        "area_rented_out_to" => env.tenants(args.first(), TenantMeasure::Area),
        "min" | "max" => match (arg(0).num(), arg(1).num()) {
            (Some(a), Some(b)) => Num(if f == "min" { a.min(b) } else { a.max(b) }),
            _ => Missing,
        },
        _ => Missing,
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Num(x) => write!(f, "{x}"),
            Value::Str(s) => write!(f, "{s}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Missing => write!(f, "missing"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct E(HashMap<&'static str, Value>);
    impl Env for E {
        fn field(&self, n: &str) -> Value {
            self.0.get(n).cloned().unwrap_or(Value::Missing)
        }
        fn has_tag(&self, t: &str) -> bool {
            t == "高新技术企业"
        }
    }

    fn env() -> E {
        E(HashMap::from([
            ("tax", Value::Num(480.0)),
            ("land", Value::Num(32.0)),
            ("scale", Value::Str("规下".into())),
            ("industry", Value::Str("4430".into())),
            ("year", Value::Num(2024.0)),
            ("production_start", Value::Num(crate::dates::days_from_civil(2023, 9, 1) as f64)),
        ]))
    }

    fn ev(src: &str) -> Value {
        parse(src).unwrap().eval(&env())
    }

    #[test]
    fn arithmetic_and_missing() {
        // 480 ÷ 32 = 15
        assert_eq!(ev("tax / land"), Value::Num(15.0));
        assert_eq!(ev("tax ÷ (land - 32)"), Value::Missing);
        assert_eq!(ev("emissions * 2"), Value::Missing);
        assert_eq!(ev("-tax + 2 * 3"), Value::Num(-474.0));
    }

    #[test]
    fn rules() {
        assert!(ev("scale == '规下' and land >= 3").truthy());
        assert!(ev("starts_with(industry, '44', '45', '46')").truthy());
        // in production since 2023-09-01, after 2022-12-31 → fewer than 2 years at the end of 2024
        assert!(ev("production_start > date(year - 2, 12, 31)").truthy());
        assert!(ev("has_tag('高新技术企业') and not has_tag('专精特新')").truthy());
        assert!(!ev("emissions > 0").truthy());
        assert!(ev("missing(emissions) or emissions == 0").truthy());
        assert!(ev("one_of(scale, '规上', '规下')").truthy());
    }

    #[test]
    fn errors_name_the_problem() {
        assert!(parse("tax / ").unwrap_err().contains("ends too early"));
        assert!(parse("foo(1)").unwrap_err().contains("unknown function 'foo'"));
        assert!(parse("(tax").unwrap_err().contains("not closed"));
        assert!(parse("tax $ land").unwrap_err().contains("unexpected character"));
    }
}
