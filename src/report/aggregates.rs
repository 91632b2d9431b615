//! Aggregates by county, park and industry: counts per class and group indicators as **ratios of sums**
//! (Σ tax ÷ Σ land), never averages of ratios. These reporting sums use compensated (Neumaier)
//! summation in enterprise order, so a province's totals stay exact to the cent (a plain binary64 sum of
//! 1,000,000 × 1234.56 万元 is 0.03 万元 off); money is shown to 0.01 万元, land to 0.0001 亩. Firms in a group: those with a track, positive land and in
//! scope (graded, vetoed or undetermined); a ratio uses only firms that report both of its fields.

use super::table::{Cell, Table};
use crate::dataset::OUTPUT_FIELDS;
use crate::pipeline::Run;
use crate::score::Status;
use std::collections::BTreeMap;

/// (key, Chinese name, numerator field, denominator field)
const RATIOS: &[(&str, &str, &str, &str)] = &[
    ("tax_per_mu", "亩均税收", "tax", "land"),
    ("va_per_mu", "亩均增加值", "value_added", "land"),
    ("revenue_per_mu", "亩均营业收入", "revenue", "land"),
    ("va_per_tce", "单位能耗增加值", "value_added", "energy_tce"),
    ("va_per_emission", "单位排放增加值", "value_added", "emissions"),
    ("va_per_employee", "全员劳动生产率", "value_added", "employees"),
    ("rd_ratio", "研发经费占营业收入比重", "rd_expense", "revenue"),
];

/// Compensated summation (Neumaier): the running error is carried and added back at the end.
#[derive(Default, Clone, Copy)]
struct Sum {
    s: f64,
    c: f64,
}

impl Sum {
    fn add(&mut self, x: f64) {
        let t = self.s + x;
        self.c += if self.s.abs() >= x.abs() { (self.s - t) + x } else { (x - t) + self.s };
        self.s = t;
    }
    fn value(self) -> f64 {
        self.s + self.c
    }
}

fn field(run: &Run, i: usize, name: &str) -> Option<f64> {
    let f = &run.facts[i];
    match name {
        "tax" => f.tax,
        "land" => Some(f.land),
        _ => OUTPUT_FIELDS.iter().position(|x| *x == name).and_then(|k| f.sums[k]),
    }
}

/// Every class label used by the methodology, in order, undetermined classes last.
fn class_labels(run: &Run) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let m = &run.method.method;
    let all = m.tracks.iter().flat_map(|t| t.classes.labels.iter().cloned()).chain([m.adjust.veto_class.clone()]);
    for l in all.chain(m.tracks.iter().map(|t| t.undetermined_class.clone())) {
        if !out.contains(&l) {
            out.push(l);
        }
    }
    out
}

/// One aggregate table; `key` gives the group of an enterprise (None for the city total only).
pub fn table(run: &Run, dim: &str, dim_zh: &str, key: impl Fn(usize) -> String) -> Table {
    let labels = class_labels(run);
    let mut t = Table::new(&[(dim, dim_zh), ("enterprises", "企业数 enterprises"), ("evaluated", "参评数 evaluated")]);
    for l in &labels {
        t.push_column(format!("class_{l}"), format!("{l}类 class_{l}"));
    }
    for (c, l) in [("land_mu", "用地面积(亩)"), ("tax", "税收(万元)"), ("revenue", "营业收入(万元)"), ("value_added", "增加值(万元)"), ("energy_tce", "综合能耗(tce)")] {
        t.push_column(c.into(), format!("{l} {c}"));
    }
    for (k, zh, _, _) in RATIOS {
        t.push_column(k.to_string(), format!("{zh} {k}"));
    }
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut all = Vec::new();
    for i in 0..run.data.enterprises.len() {
        groups.entry(key(i)).or_default().push(i);
        all.push(i);
    }
    let mut rows: Vec<(String, Vec<usize>)> = groups.into_iter().collect();
    rows.push(("全市 city".to_string(), all));
    for (name, members) in rows {
        let eval: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| matches!(run.scored[i].status, Status::Graded | Status::Vetoed | Status::Undetermined))
            .collect();
        let mut row = vec![Cell::text(name), Cell::Int(members.len() as i64), Cell::Int(eval.len() as i64)];
        for l in &labels {
            row.push(Cell::Int(eval.iter().filter(|&&i| run.scored[i].class == *l).count() as i64));
        }
        for c in ["land", "tax", "revenue", "value_added", "energy_tce"] {
            let mut s = Sum::default();
            eval.iter().filter_map(|&i| field(run, i, c)).for_each(|v| s.add(v));
            row.push(Cell::Num(s.value(), if c == "land" { 4 } else { 2 }));
        }
        for (_, _, num, den) in RATIOS {
            let (mut a, mut b) = (Sum::default(), Sum::default());
            for &i in &eval {
                if let (Some(x), Some(y)) = (field(run, i, num), field(run, i, den)) {
                    a.add(x);
                    b.add(y);
                }
            }
            let (a, b) = (a.value(), b.value());
            row.push(if b > 0.0 { Cell::Num(a / b, 4) } else { Cell::Empty });
        }
        t.rows.push(row);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::Sum;

    #[test]
    fn compensated_sum_is_exact_to_the_cent_at_provincial_scale() {
        // 1,000,000 × 1234.56 = 1,234,560,000.00 万元; a plain sum prints 1234559999.97.
        let mut s = Sum::default();
        for _ in 0..1_000_000 {
            s.add(1234.56);
        }
        assert_eq!(crate::decimal::round_half_up_str(s.value(), 2), "1234560000.00");
    }
}
