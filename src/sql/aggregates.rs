//! The aggregate tables `by_county`, `by_park` and `by_industry` as `crate::report::aggregates` writes
//! them: a row per group in name order, then the city; enterprises, evaluated firms (graded, vetoed or
//! undetermined), a count per class, totals and ratios of sums of the evaluated firms' figures, each sum
//! compensated and added in file order (`seq`), so that the totals are mujun's to the last bit.

use super::dialect::Sql;
use super::scoring::group_key;
use super::Refusal;
use crate::method::{Group, Loaded};
use crate::report::aggregates::{class_labels_of, FIELDS, RATIOS, TOTALS};

/// The statements writing the three tables into `out`. The city's row is computed once, for the three.
pub fn tables(d: Sql<'_>, l: &Loaded, out: &str) -> Result<String, Refusal> {
    let digits = l.method.ranking.industry_digits;
    let figures: Vec<&str> = FIELDS.iter().map(|f| f.name()).collect();
    let input = format!(
        "SELECT seq, county, park, industry, class, status IN ('graded', 'vetoed', 'undetermined') AS evaluated, {} \
         FROM ranked",
        figures.join(", ")
    );
    let labels = class_labels_of(&l.method);
    let mut s = d.table("agg", &input);
    s += &d.table("agg_city", &format!("SELECT {}\nFROM agg", sums(d, &labels)));
    for (dim, g) in [("county", Group::County), ("park", Group::Park), ("industry", Group::Industry)] {
        let group = group_key(g, digits, "")?;
        s += &d.write_csv(&table(d, &labels, dim, &group), out, &format!("by_{dim}"));
    }
    Ok(s)
}

/// The field never missing in `agg` (a firm's land is a number, 0 when it holds none).
const ALWAYS: &str = "land";

/// The distinct sums of a group, each as (field summed, the other field a firm must report): the
/// totals, then each ratio's numerator and denominator over the firms reporting both.
fn wanted() -> Vec<(&'static str, Option<&'static str>)> {
    let mut all: Vec<(&str, Option<&str>)> = TOTALS.iter().map(|(_, _, f, _)| (f.name(), None)).collect();
    for (_, _, n, dd) in RATIOS {
        all.extend([(n.name(), Some(dd.name())), (dd.name(), Some(n.name()))]);
    }
    let mut out: Vec<(&str, Option<&str>)> = Vec::new();
    for (x, other) in all {
        let other = other.filter(|y| *y != ALWAYS);
        if !out.contains(&(x, other)) {
            out.push((x, other));
        }
    }
    out
}

/// Where the sum of `x` over firms that also report `other` sits among [`wanted`].
fn slot(x: &str, other: Option<&str>) -> usize {
    let other = other.filter(|y| *y != ALWAYS);
    wanted().iter().position(|w| *w == (x, other)).expect("a wanted sum")
}

/// A group's counts and sums: enterprises, evaluated, a count per class, and `acc`, the struct of the
/// compensated sums of the evaluated firms (one fold for all of them).
fn sums(d: Sql<'_>, labels: &[String]) -> String {
    let mut cols =
        vec!["count(*) AS enterprises".to_string(), "sum(CASE WHEN evaluated THEN 1 ELSE 0 END) AS evaluated".into()];
    for (i, label) in labels.iter().enumerate() {
        cols.push(format!("sum(CASE WHEN evaluated AND class = {} THEN 1 ELSE 0 END) AS c_{i}", d.text(label)));
    }
    let values: Vec<String> = wanted()
        .into_iter()
        .map(|(x, other)| match other {
            Some(y) => format!("CASE WHEN {y} IS NOT NULL THEN {x} END"),
            None => x.to_string(),
        })
        .collect();
    cols.push(format!("{} AS acc", d.exact_sums(&values, "seq", "evaluated")));
    cols.join(",\n  ")
}

/// One table: the groups of `group` (an expression named `dim`) in name order (bytes, as mujun sorts
/// them), then the city; sums rounded half up as mujun shows them, a ratio empty when its denominator's
/// sum is not positive.
fn table(d: Sql<'_>, labels: &[String], dim: &str, group: &str) -> String {
    let mut cols = vec![dim.to_string(), "enterprises".into(), "evaluated".into()];
    for (i, label) in labels.iter().enumerate() {
        cols.push(format!("c_{i} AS {}", d.ident(&format!("class_{label}"))));
    }
    let sum = |x: &str, other: Option<&str>| d.sum_of("acc", slot(x, other));
    for (col, _, field, decimals) in TOTALS {
        cols.push(format!("CAST({} AS STRING) AS {col}", d.round_half_up(&sum(field.name(), None), decimals)));
    }
    for (col, _, n, dd) in RATIOS {
        let (a, b) = (sum(n.name(), Some(dd.name())), sum(dd.name(), Some(n.name())));
        let ratio = d.round_half_up(&format!("{a} / {b}"), 4);
        cols.push(format!("CASE WHEN {b} > 0.0 THEN CAST({ratio} AS STRING) END AS {col}"));
    }
    format!(
        "SELECT {}\nFROM (\n  SELECT 0 AS o_city, {group} AS {dim}, {}\n  FROM agg GROUP BY {group}\n  \
         UNION ALL\n  SELECT 1 AS o_city, {} AS {dim}, agg_city.* FROM agg_city\n) a\nORDER BY o_city, {dim}",
        cols.join(", "),
        sums(d, labels),
        d.text("全市 city"),
    )
}
