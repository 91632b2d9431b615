//! A methodology expression (`scale == '规下' and land >= 3`, `tax / land`) as a SQL expression over the
//! facts table, with mujun's meaning kept: a missing value is NULL, arithmetic with it is NULL and so is
//! division by zero, a comparison with it is false (never NULL, so `not` and `and` read as in mujun), and
//! parts that only read the period (`date(year - 2, 12, 31)`) are evaluated here by mujun itself.

use super::dialect::Sql;
use crate::method::expr::{Env, Expr, Op, Value};
use crate::period::Period;
use crate::schema::{Field, Holds, Reading};

/// What a SQL fragment holds. A `Bool` fragment is never NULL.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ty {
    Num,
    Text,
    Bool,
}

/// A SQL expression and what it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Frag {
    pub ty: Ty,
    pub sql: String,
}

fn frag(ty: Ty, sql: String) -> Frag {
    Frag { ty, sql }
}

/// The period's own fields, known when the script is compiled.
struct PeriodEnv<'a>(&'a Period);

impl Env for PeriodEnv<'_> {
    fn field(&self, name: &str) -> Value {
        let p = self.0;
        match Field::parse(name) {
            Some(Field::Year) => Value::Num(p.year() as f64),
            Some(Field::PeriodStart) => Value::Num(p.first_day() as f64),
            Some(Field::PeriodEnd) => Value::Num(p.last_day() as f64),
            Some(Field::QuartersExpected) => Value::Num(p.quarters.len() as f64),
            _ => Value::Missing,
        }
    }
    fn has_tag(&self, _: &str) -> bool {
        false
    }
}

/// Compiles expressions for one period in one dialect.
pub struct Compiler<'a> {
    pub period: &'a Period,
    pub dialect: Sql<'a>,
}

impl Compiler<'_> {
    /// A rule (must hold a truth value).
    pub fn rule(&self, e: &Expr) -> Result<String, String> {
        let f = self.expr(e)?;
        match f.ty {
            Ty::Bool => Ok(f.sql),
            _ => Err("a rule must be a condition (a comparison, has_tag, starts_with …), not a value".into()),
        }
    }

    /// A number (an indicator's numerator or denominator, points).
    pub fn number(&self, e: &Expr) -> Result<String, String> {
        let f = self.expr(e)?;
        match f.ty {
            Ty::Num => Ok(f.sql),
            _ => Err("a number is needed here".into()),
        }
    }

    pub fn expr(&self, e: &Expr) -> Result<Frag, String> {
        if constant(e) {
            return self.value(&e.eval(&PeriodEnv(self.period)), e);
        }
        match e {
            Expr::Field(name, _) => field(name),
            Expr::Neg(x) => Ok(frag(Ty::Num, format!("(-{})", self.num_arg(x)?))),
            Expr::Not(x) => Ok(frag(Ty::Bool, format!("(NOT {})", self.bool_arg(x)?))),
            Expr::Bin(Op::And, a, b) => {
                Ok(frag(Ty::Bool, format!("({} AND {})", self.bool_arg(a)?, self.bool_arg(b)?)))
            }
            Expr::Bin(Op::Or, a, b) => Ok(frag(Ty::Bool, format!("({} OR {})", self.bool_arg(a)?, self.bool_arg(b)?))),
            Expr::Bin(op, a, b) => self.binary(*op, a, b),
            Expr::Call(f, args) => self.call(f, args),
            Expr::Num(_) | Expr::Str(_) | Expr::Bool(_) => unreachable!("literals are constant"),
        }
    }

    /// A constant's value as a literal of the type the expression has.
    fn value(&self, v: &Value, e: &Expr) -> Result<Frag, String> {
        let d = self.dialect;
        Ok(match v {
            Value::Num(x) => frag(Ty::Num, d.double(*x)),
            Value::Str(s) => frag(Ty::Text, d.text(s)),
            Value::Bool(b) => frag(Ty::Bool, if *b { "TRUE".into() } else { "FALSE".into() }),
            Value::Missing => match e {
                Expr::Str(_) => frag(Ty::Text, "CAST(NULL AS STRING)".into()),
                _ => frag(Ty::Num, "CAST(NULL AS DOUBLE)".into()),
            },
        })
    }

    fn num_arg(&self, e: &Expr) -> Result<String, String> {
        let f = self.expr(e)?;
        (f.ty == Ty::Num).then_some(f.sql).ok_or_else(|| "arithmetic needs numbers".to_string())
    }

    fn bool_arg(&self, e: &Expr) -> Result<String, String> {
        let f = self.expr(e)?;
        (f.ty == Ty::Bool).then_some(f.sql).ok_or_else(|| "`and`, `or` and `not` need conditions".to_string())
    }

    fn binary(&self, op: Op, a: &Expr, b: &Expr) -> Result<Frag, String> {
        let (x, y) = (self.expr(a)?, self.expr(b)?);
        let arith = |sym: &str| -> Result<Frag, String> {
            if x.ty != Ty::Num || y.ty != Ty::Num {
                return Err("arithmetic needs numbers".into());
            }
            Ok(match sym {
                "/" => frag(Ty::Num, format!("({} / NULLIF({}, 0.0))", x.sql, y.sql)),
                _ => frag(Ty::Num, format!("({} {sym} {})", x.sql, y.sql)),
            })
        };
        let sym = match op {
            Op::Add => return arith("+"),
            Op::Sub => return arith("-"),
            Op::Mul => return arith("*"),
            Op::Div => return arith("/"),
            Op::Eq => "=",
            Op::Ne => "<>",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::And | Op::Or => unreachable!("handled by the caller"),
        };
        if x.ty != y.ty || x.ty == Ty::Bool {
            return Err("a comparison of a number with a text, or of two conditions, is not compiled".into());
        }
        Ok(frag(Ty::Bool, format!("COALESCE({} {sym} {}, FALSE)", x.sql, y.sql)))
    }

    fn call(&self, f: &str, args: &[Expr]) -> Result<Frag, String> {
        let text_lits = || -> Result<Vec<String>, String> {
            args[1..]
                .iter()
                .map(|a| match a {
                    Expr::Str(s) => Ok(s.to_string()),
                    _ => Err(format!("{f}: only texts in quotes are compiled after the first argument")),
                })
                .collect()
        };
        match f {
            "starts_with" => {
                let x = self.expr(&args[0])?;
                if x.ty != Ty::Text {
                    return Ok(frag(Ty::Bool, "FALSE".into()));
                }
                let any: Vec<String> = text_lits()?
                    .iter()
                    .map(|p| format!("substr({}, 1, {}) = {}", x.sql, p.chars().count(), self.dialect.text(p)))
                    .collect();
                Ok(frag(Ty::Bool, format!("COALESCE({}, FALSE)", any.join(" OR "))))
            }
            "one_of" => {
                let x = self.expr(&args[0])?;
                let rest: Vec<Frag> = args[1..].iter().map(|a| self.expr(a)).collect::<Result<_, _>>()?;
                if rest.iter().any(|r| r.ty != x.ty) || x.ty == Ty::Bool {
                    return Err("one_of: the values must be of the first argument's kind (numbers or texts)".into());
                }
                let list: Vec<String> = rest.into_iter().map(|r| r.sql).collect();
                Ok(frag(Ty::Bool, format!("COALESCE({} IN ({}), FALSE)", x.sql, list.join(", "))))
            }
            "has_tag" => match &args[0] {
                Expr::Str(t) => Ok(frag(Ty::Bool, self.dialect.has_tag(t))),
                _ => Err("has_tag: only a tag in quotes is compiled".into()),
            },
            "missing" | "present" => {
                let x = self.expr(&args[0])?;
                let null = match x.ty {
                    Ty::Bool => "FALSE".to_string(),
                    _ => format!("({} IS NULL)", x.sql),
                };
                Ok(frag(Ty::Bool, if f == "missing" { null } else { format!("(NOT {null})") }))
            }
            "abs" => Ok(frag(Ty::Num, format!("abs({})", self.num_arg(&args[0])?))),
            "min" | "max" => {
                let (a, b) = (self.num_arg(&args[0])?, self.num_arg(&args[1])?);
                let pick = if f == "min" { "<=" } else { ">=" };
                // Not least()/greatest(): engines skip a NULL there, mujun's min of a missing value is missing.
                Ok(frag(Ty::Num, format!("(CASE WHEN {a} {pick} {b} THEN {a} WHEN {b} IS NOT NULL THEN {b} END)")))
            }
            "if" => {
                let (c, a, b) = (self.bool_arg(&args[0])?, self.expr(&args[1])?, self.expr(&args[2])?);
                if a.ty != b.ty {
                    return Err("if: both branches must be of one kind".into());
                }
                Ok(frag(a.ty, format!("(CASE WHEN {c} THEN {} ELSE {} END)", a.sql, b.sql)))
            }
            "date" => Err("date(): only dates made from numbers and the period (year) are compiled".into()),
            other => Err(format!("{other}(): rules on other enterprises (tenants) are not compiled")),
        }
    }
}

/// Whether an expression reads only the period (and literals): mujun evaluates it once, here.
fn constant(e: &Expr) -> bool {
    let mut used = Vec::new();
    e.fields(&mut used);
    !["has_tag", "count_tenants", "area_rented_out_to"].iter().any(|c| has_call(e, c))
        && used.iter().all(|u| Field::parse(u).is_some_and(|f| f.reading() == Reading::Period))
}

fn has_call(e: &Expr, name: &str) -> bool {
    match e {
        Expr::Call(f, args) => f == name || args.iter().any(|a| has_call(a, name)),
        Expr::Neg(x) | Expr::Not(x) => has_call(x, name),
        Expr::Bin(_, a, b) => has_call(a, name) || has_call(b, name),
        _ => false,
    }
}

/// A field of the facts table (named as the field); the fields the script does not compute are refused.
fn field(name: &str) -> Result<Frag, String> {
    let f = match Field::parse(name) {
        Some(f) => f,
        None if name == "tax_paid" => Field::Tax,
        None if name.starts_with("prior_") => {
            return Err(format!("'{name}': prior-year figures are not compiled yet"));
        }
        None => return Err(format!("unknown field '{name}'")),
    };
    if matches!(f, Field::MissingQuarters | Field::Tenants | Field::RentOutRows | Field::Group) {
        return Err(format!("field '{name}' is not compiled yet"));
    }
    let ty = match f.holds() {
        Holds::Text => Ty::Text,
        Holds::Number | Holds::Date => Ty::Num,
    };
    Ok(frag(ty, f.name().to_string()))
}
