//! Rules in words: an expression of the rule language read out in Chinese for planners (`scale == '规上'`
//! → 规模为规上; `land <= 0 and rented_floor_m2 > 0` → 用地面积 ≤ 0 且 租赁厂房面积 > 0;
//! `starts_with(industry, '44', '45')` → 行业代码以 44/45 开头). Field names become their 中文 names
//! ([`Field::zh`]); names the language does not know are kept as written.

use super::expr::{Expr, Op};
use crate::indicators::trim_number;
use crate::schema::Field;

/// The Chinese name of a field as rules write it (`prior_tax` → 上年实缴税金).
pub fn field_zh(name: &str) -> String {
    match name.strip_prefix("prior_").and_then(Field::parse) {
        Some(f) => format!("上年{}", f.zh()),
        None => Field::parse(name).map_or_else(|| name.to_string(), |f| f.zh().to_string()),
    }
}

/// How tightly an expression binds, for parentheses: or < and < not < comparison < + − < × ÷ < atoms.
fn rank(e: &Expr) -> u8 {
    match e {
        Expr::Bin(Op::Or, ..) => 1,
        Expr::Bin(Op::And, ..) => 2,
        Expr::Not(_) => 3,
        Expr::Bin(Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge, ..) => 4,
        Expr::Bin(Op::Add | Op::Sub, ..) => 5,
        Expr::Bin(Op::Mul | Op::Div, ..) => 6,
        Expr::Neg(_) => 7,
        _ => 8,
    }
}

/// `e` in words, in parentheses when it binds less tightly than `min`.
fn part(e: &Expr, min: u8) -> String {
    let w = zh(e);
    if rank(e) < min {
        format!("({w})")
    } else {
        w
    }
}

fn literal(e: &Expr) -> Option<String> {
    match e {
        Expr::Str(s) => Some(s.to_string()),
        Expr::Num(x) => Some(trim_number(*x)),
        _ => None,
    }
}

/// An expression in Chinese words.
pub fn zh(e: &Expr) -> String {
    match e {
        Expr::Num(x) => trim_number(*x),
        Expr::Str(s) => format!("'{s}'"),
        Expr::Bool(true) => "是".into(),
        Expr::Bool(false) => "否".into(),
        Expr::Field(n, _) => field_zh(n),
        Expr::Neg(a) => format!("−{}", part(a, 7)),
        Expr::Not(a) => format!("并非{}", part(a, 4)),
        Expr::Bin(op, a, b) => binary(*op, a, b),
        Expr::Call(f, args) => call(f, args),
    }
}

fn binary(op: Op, a: &Expr, b: &Expr) -> String {
    let (r, sym) = match op {
        // "a 或 b 且 c" would read either way: an and inside an or is put in parentheses.
        Op::Or => return format!("{} 或 {}", part(a, 3), part(b, 3)),
        Op::And => return format!("{} 且 {}", part(a, 2), part(b, 3)),
        Op::Eq | Op::Ne if matches!(b, Expr::Str(_)) => {
            let text = literal(b).unwrap_or_default();
            let verb = if op == Op::Eq { "为" } else { "不为" };
            return format!("{}{verb}{text}", part(a, 5));
        }
        Op::Eq => (4, "="),
        Op::Ne => (4, "≠"),
        Op::Lt => (4, "<"),
        Op::Le => (4, "≤"),
        Op::Gt => (4, ">"),
        Op::Ge => (4, "≥"),
        Op::Add => (5, "+"),
        Op::Sub => (5, "−"),
        Op::Mul => (6, "×"),
        Op::Div => (6, "÷"),
    };
    format!("{} {sym} {}", part(a, r + 1), part(b, r + 1))
}

fn call(f: &str, args: &[Expr]) -> String {
    let first = args.first().map(zh).unwrap_or_default();
    let rest = || args.iter().skip(1).map(|a| literal(a).unwrap_or_else(|| zh(a))).collect::<Vec<_>>();
    match f {
        "starts_with" => format!("{first}以 {} 开头", rest().join("/")),
        "one_of" => format!("{first}为 {} 之一", rest().join("、")),
        "has_tag" => format!("带有“{}”标签", args.first().and_then(literal).unwrap_or(first)),
        "missing" => format!("{first}缺失"),
        "present" => format!("{first}有数据"),
        "date" => {
            let p: Vec<String> = args.iter().map(|a| part(a, 8)).collect();
            format!("{}年{}月{}日", p[0], p.get(1).cloned().unwrap_or_default(), p.get(2).cloned().unwrap_or_default())
        }
        "min" => format!("{first}与{}中的较小者", args.get(1).map(zh).unwrap_or_default()),
        "max" => format!("{first}与{}中的较大者", args.get(1).map(zh).unwrap_or_default()),
        "abs" => format!("{first}的绝对值"),
        "if" => {
            let (a, b) = (args.get(1).map(zh).unwrap_or_default(), args.get(2).map(zh).unwrap_or_default());
            format!("如果 {first} 则 {a} 否则 {b}")
        }
        "count_tenants" if args.is_empty() => "承租企业数".into(),
        "count_tenants" => format!("{first}的承租企业数"),
        "area_rented_out_to" if args.is_empty() => "出租给其他企业的面积".into(),
        "area_rented_out_to" => format!("出租给{first}的企业的面积"),
        other => format!("{other}({})", args.iter().map(zh).collect::<Vec<_>>().join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::method::expr::parse;

    fn words(src: &str) -> String {
        zh(&parse(src).unwrap())
    }

    #[test]
    fn rules_read_as_chinese() {
        assert_eq!(words("scale == '规上'"), "规模为规上");
        assert_eq!(words("count_tenants(scale == '规下') >= 2"), "规模为规下的承租企业数 ≥ 2");
        assert_eq!(words("area_rented_out_to(scale == '规上')"), "出租给规模为规上的企业的面积");
        assert_eq!(words("land <= 0 and rented_floor_m2 > 0"), "用地面积 ≤ 0 且 租赁厂房面积 > 0");
        assert_eq!(words("starts_with(industry, '44', '45', '46')"), "行业代码以 44/45/46 开头");
        assert_eq!(words("production_start > date(year - 2, 12, 31)"), "投产日期 > (评价年度 − 2)年12月31日");
        assert_eq!(words("tax_paid / land"), "实缴税金 ÷ 用地面积");
        assert_eq!(words("(revenue - prior_revenue) / prior_revenue"), "(营业收入 − 上年营业收入) ÷ 上年营业收入");
        assert_eq!(
            words("not has_tag('高新技术企业') or missing(emissions)"),
            "并非带有“高新技术企业”标签 或 排放当量缺失"
        );
        assert_eq!(words("one_of(county, '汉阴县', '汉滨区')"), "县区为 汉阴县、汉滨区 之一");
        assert_eq!(words("-(10 + 5 * (tenants - 1))"), "−(10 + 5 × (承租企业数 − 1))");
        assert_eq!(words("true"), "是");
        assert_eq!(words("a > 1 or b and c"), "a > 1 或 (b 且 c)");
        assert_eq!(words("if(tax >= 90, revenue, revenue / 2)"), "如果 实缴税金 ≥ 90 则 营业收入 否则 营业收入 ÷ 2");
    }
}
