//! The aggregate tables `by_county`, `by_park` and `by_industry` as `crate::report::aggregates` writes
//! them: a row per group in name order, then the city; enterprises, evaluated firms (graded, vetoed or
//! undetermined), a count per class, totals and ratios of sums of the evaluated firms' figures, each sum
//! compensated and added in file order (`seq`), so that the totals are mujun's to the last bit.

use super::dialect::Sql;
use crate::method::Loaded;
use crate::report::aggregates::{class_labels_of, RATIOS, TOTALS};

/// The statements writing the three tables into `out`.
pub fn tables(d: Sql<'_>, l: &Loaded, out: &str) -> String {
    let digits = l.method.ranking.industry_digits;
    let input =
        "SELECT seq, county, park, industry, class, status IN ('graded', 'vetoed', 'undetermined') AS evaluated, \
                 land, tax, revenue, value_added, energy_tce, emissions, employees, rd_expense FROM ranked";
    let mut s = d.table("agg", input);
    for (dim, group) in [
        ("county", "county".to_string()),
        ("park", "park".into()),
        ("industry", format!("substr(industry, 1, {digits})")),
    ] {
        s += &d.write_csv(&table(d, l, dim, &group), out, &format!("by_{dim}"));
    }
    s
}

/// One table: the groups of `group` (an expression named `dim`), then the city.
fn table(d: Sql<'_>, l: &Loaded, dim: &str, group: &str) -> String {
    let labels = class_labels_of(&l.method);
    let mut cols =
        vec!["count(*) AS enterprises".to_string(), "sum(CASE WHEN evaluated THEN 1 ELSE 0 END) AS evaluated".into()];
    for label in &labels {
        cols.push(format!(
            "sum(CASE WHEN evaluated AND class = {} THEN 1 ELSE 0 END) AS {}",
            d.text(label),
            d.ident(&format!("class_{label}"))
        ));
    }
    let sum = |x: &str| d.exact_sum(x, "seq", "evaluated");
    for (col, _, field, decimals) in TOTALS {
        let total = d.round_half_up(&sum(field.name()), decimals);
        cols.push(format!("CAST({total} AS STRING) AS {col}"));
    }
    for (col, _, n, dd) in RATIOS {
        let both = format!("evaluated AND {} IS NOT NULL AND {} IS NOT NULL", n.name(), dd.name());
        let (a, b) = (d.exact_sum(n.name(), "seq", &both), d.exact_sum(dd.name(), "seq", &both));
        let ratio = d.round_half_up(&format!("({a}) / ({b})"), 4);
        cols.push(format!("CASE WHEN ({b}) > 0.0 THEN CAST({ratio} AS STRING) END AS {col}"));
    }
    let cols = cols.join(",\n  ");
    // The city's row after the groups; groups in name order (bytes, as mujun sorts them).
    format!(
        "SELECT {dim}, {}\nFROM (\n  SELECT 0 AS o_city, {group} AS {dim}, {cols}\n  FROM agg GROUP BY {group}\n  \
         UNION ALL\n  SELECT 1 AS o_city, {} AS {dim}, {cols}\n  FROM agg\n) a\nORDER BY o_city, {dim}",
        column_names(d, &labels).join(", "),
        d.text("全市 city"),
    )
}

/// The columns after the group's name, as the tables name them.
fn column_names(d: Sql<'_>, labels: &[String]) -> Vec<String> {
    let mut names = vec!["enterprises".to_string(), "evaluated".into()];
    names.extend(labels.iter().map(|l| d.ident(&format!("class_{l}"))));
    names.extend(TOTALS.iter().map(|(c, ..)| c.to_string()));
    names.extend(RATIOS.iter().map(|(c, ..)| c.to_string()));
    names
}
