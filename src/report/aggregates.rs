//! Aggregates by county, park and industry: counts per class and group indicators as **ratios of sums**
//! (Σ tax ÷ Σ land), never averages of ratios. These reporting sums use compensated (Neumaier)
//! summation in enterprise order, so a province's totals stay exact to the cent (a plain binary64 sum of
//! 1,000,000 × 1234.56 万元 is 0.03 万元 off); money is shown to 0.01 万元, land to 0.0001 亩. Firms in a group: those with a track, positive land and in
//! scope (graded, vetoed or undetermined); a ratio uses only firms that report both of its fields.

use super::table::{Cell, Table};
use crate::dataset::OUTPUT_FIELDS;
use crate::pipeline::Run;
use crate::method::Group;
use crate::score::{Groups, Status};

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

/// The figures the aggregates use, by name.
const FIELDS: [&str; 8] = ["land", "tax", "revenue", "value_added", "energy_tce", "emissions", "employees", "rd_expense"];

fn slot(name: &str) -> usize {
    FIELDS.iter().position(|f| *f == name).expect("an aggregate field")
}

/// What every aggregate table reads of each enterprise, looked up once for all of them: its figures in
/// [`FIELDS`] order (NaN where not reported) and, for firms in a group's evaluated count (graded, vetoed
/// or undetermined), the position of its class among [`class_labels`].
pub struct Prepared {
    labels: Vec<String>,
    figs: Vec<[f64; 8]>,
    /// `None`: not evaluated; `Some(None)`: evaluated without a listed class.
    eval_class: Vec<Option<Option<u16>>>,
}

impl Prepared {
    pub fn new(run: &Run) -> Prepared {
        let labels = class_labels(run);
        let out_field = |f: &crate::indicators::Facts, name: &str| OUTPUT_FIELDS.iter().position(|x| *x == name).and_then(|k| f.sum(k));
        let figs = run
            .facts
            .iter()
            .map(|f| {
                FIELDS.map(|name| {
                    match name {
                        "tax" => f.tax(),
                        "land" => Some(f.land),
                        _ => out_field(f, name),
                    }
                    .unwrap_or(f64::NAN)
                })
            })
            .collect();
        let eval_class = run
            .scored
            .iter()
            .map(|s| {
                matches!(s.status, Status::Graded | Status::Vetoed | Status::Undetermined)
                    .then(|| labels.iter().position(|l| *l == s.class).map(|c| c as u16))
            })
            .collect();
        Prepared { labels, figs, eval_class }
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

/// One aggregate table by county, park or industry (`g`): groups sorted by name, then the city.
pub fn table(run: &Run, prep: &Prepared, dim: &str, dim_zh: &str, g: Group) -> Table {
    let labels = &prep.labels;
    let mut t = Table::new(&[(dim, dim_zh), ("enterprises", "企业数 enterprises"), ("evaluated", "参评数 evaluated")]);
    for l in labels {
        t.push_column(format!("class_{l}"), format!("{l}类 class_{l}"));
    }
    // (column, Chinese name, field summed, decimals shown)
    const TOTALS: [(&str, &str, &str, usize); 5] = [
        ("land_mu", "用地面积(亩)", "land", 4),
        ("tax", "税收(万元)", "tax", 2),
        ("revenue", "营业收入(万元)", "revenue", 2),
        ("value_added", "增加值(万元)", "value_added", 2),
        ("energy_tce", "综合能耗(tce)", "energy_tce", 2),
    ];
    for (c, l, _, _) in TOTALS {
        t.push_column(c.into(), format!("{l} {c}"));
    }
    for (k, zh, _, _) in RATIOS {
        t.push_column(k.to_string(), format!("{zh} {k}"));
    }
    // Firms by group, groups numbered in name order (as for the benchmarks and ranks).
    let all: Vec<usize> = (0..run.data.enterprises.len()).collect();
    let groups = Groups::new(&run.data, &all, g, run.method.method.ranking.industry_digits);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); groups.names.len()];
    for (i, &x) in groups.of.iter().enumerate() {
        members[x as usize].push(i);
    }
    let totals = TOTALS.map(|(_, _, field, _)| slot(field));
    let ratios: Vec<(usize, usize)> = RATIOS.iter().map(|(_, _, n, d)| (slot(n), slot(d))).collect();
    let rows = groups.names.iter().copied().zip(&members).chain([("全市 city", &all)]);
    for (name, members) in rows {
        // One pass over the group's evaluated firms, in enterprise order, for every count and sum.
        let mut evaluated = 0;
        let mut counts = vec![0i64; labels.len()];
        let mut sums = [Sum::default(); 5];
        let mut pairs = vec![(Sum::default(), Sum::default()); ratios.len()];
        for &i in members {
            let Some(class) = prep.eval_class[i] else { continue };
            evaluated += 1;
            if let Some(c) = class {
                counts[c as usize] += 1;
            }
            let f = &prep.figs[i];
            for (s, &k) in sums.iter_mut().zip(&totals) {
                if !f[k].is_nan() {
                    s.add(f[k]);
                }
            }
            for ((a, b), &(n, d)) in pairs.iter_mut().zip(&ratios) {
                if !f[n].is_nan() && !f[d].is_nan() {
                    a.add(f[n]);
                    b.add(f[d]);
                }
            }
        }
        let mut row = vec![Cell::text(name), Cell::Int(members.len() as i64), Cell::Int(evaluated)];
        row.extend(counts.into_iter().map(Cell::Int));
        for ((_, _, _, decimals), s) in TOTALS.iter().zip(sums) {
            row.push(Cell::Num(s.value(), *decimals));
        }
        for (a, b) in pairs {
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
