//! Aggregates by county, park and industry: counts per class and group indicators as **ratios of sums**
//! (Σ tax ÷ Σ land), never averages of ratios. These reporting sums use compensated (Neumaier)
//! summation in enterprise order, so a province's totals stay exact to the cent (a plain binary64 sum of
//! 1,000,000 × 1234.56 万元 is 0.03 万元 off); money is shown to 0.01 万元, land to 0.0001 亩. Firms in a group: those with a track, positive land and in
//! scope (graded, vetoed or undetermined); a ratio uses only firms that report both of its fields.

use super::table::{Cell, Show, Table};
use crate::method::Group;
use crate::pipeline::Run;
use crate::schema::Field;
use crate::score::{Groups, Status};

/// (key, Chinese name, numerator, denominator)
pub(crate) const RATIOS: [(&str, &str, Field, Field); 7] = [
    ("tax_per_mu", "亩均税收", Field::Tax, Field::Land),
    ("va_per_mu", "亩均增加值", Field::ValueAdded, Field::Land),
    ("revenue_per_mu", "亩均营业收入", Field::Revenue, Field::Land),
    ("va_per_tce", "单位能耗增加值", Field::ValueAdded, Field::EnergyTce),
    ("va_per_emission", "单位排放增加值", Field::ValueAdded, Field::Emissions),
    ("va_per_employee", "全员劳动生产率", Field::ValueAdded, Field::Employees),
    ("rd_ratio", "研发经费占营业收入比重", Field::RdExpense, Field::Revenue),
];

/// Compensated summation (Neumaier): the running error is carried and added back at the end. Each step's
/// error is the exact rounding error of `s + x`, found without a branch (Knuth's two-sum): the same value
/// Neumaier's comparison of magnitudes picks out, so the sums are bit for bit the textbook ones, without a
/// mispredicted branch per figure.
#[derive(Default, Clone, Copy)]
struct Sum {
    s: f64,
    c: f64,
}

impl Sum {
    fn add(&mut self, x: f64) {
        let t = self.s + x;
        let x_part = t - self.s;
        self.c += (self.s - (t - x_part)) + (x - x_part);
        self.s = t;
    }
    fn value(self) -> f64 {
        self.s + self.c
    }
}

/// The figures the aggregates use.
pub(crate) const FIELDS: [Field; 8] = [
    Field::Land,
    Field::Tax,
    Field::Revenue,
    Field::ValueAdded,
    Field::EnergyTce,
    Field::Emissions,
    Field::Employees,
    Field::RdExpense,
];

fn slot(field: Field) -> usize {
    FIELDS.iter().position(|f| *f == field).expect("an aggregate field")
}

/// What every aggregate table reads of each enterprise, looked up once for all of them: its figures in
/// [`FIELDS`] order (NaN where not reported) and, for firms in a group's evaluated count (graded, vetoed
/// or undetermined), the position of its class among [`class_labels_of`]; and the city's row, the same in
/// every table.
pub struct Prepared {
    labels: Vec<String>,
    figs: Vec<[f64; 8]>,
    /// `None`: not evaluated; `Some(None)`: evaluated without a listed class.
    eval_class: Vec<Option<Option<u16>>>,
    /// Where the fields of [`TOTALS`] and of [`RATIOS`] (numerator, denominator) sit in `figs`.
    totals: [usize; TOTALS.len()],
    ratios: [(usize, usize); RATIOS.len()],
    /// The cells of the city's row after its name.
    city: Vec<Cell>,
}

impl Prepared {
    pub fn new(run: &Run) -> Prepared {
        use rayon::prelude::*;
        let labels = class_labels_of(&run.method.method);
        let figs = run.facts.par_iter().map(|f| FIELDS.map(|field| f.figure(field).unwrap_or(f64::NAN))).collect();
        let eval_class = run
            .scored
            .par_iter()
            .map(|s| {
                matches!(s.status, Status::Graded | Status::Vetoed | Status::Undetermined)
                    .then(|| labels.iter().position(|l| *l == s.class).map(|c| c as u16))
            })
            .collect();
        let totals = TOTALS.map(|(_, _, field, _)| slot(field));
        let ratios = RATIOS.map(|(_, _, n, d)| (slot(n), slot(d)));
        let mut prep = Prepared { labels, figs, eval_class, totals, ratios, city: Vec::new() };
        let mut city = Acc::new(prep.labels.len());
        (0..run.data.enterprises.len()).for_each(|i| city.add(&prep, i));
        prep.city = city.cells();
        prep
    }
}

/// A group's counts and compensated sums, built firm by firm in enterprise order.
#[derive(Clone)]
struct Acc {
    enterprises: i64,
    evaluated: i64,
    counts: Vec<i64>,
    sums: [Sum; TOTALS.len()],
    pairs: [(Sum, Sum); RATIOS.len()],
}

impl Acc {
    fn new(classes: usize) -> Acc {
        Acc {
            enterprises: 0,
            evaluated: 0,
            counts: vec![0; classes],
            sums: [Sum::default(); TOTALS.len()],
            pairs: [(Sum::default(), Sum::default()); RATIOS.len()],
        }
    }

    /// Adds firm `i`: counted in the group, and in its evaluated figures when graded, vetoed or
    /// undetermined; a ratio's sums take only firms that report both of its fields.
    fn add(&mut self, prep: &Prepared, i: usize) {
        self.enterprises += 1;
        let Some(class) = prep.eval_class[i] else { return };
        self.evaluated += 1;
        if let Some(c) = class {
            self.counts[c as usize] += 1;
        }
        let f = &prep.figs[i];
        for (s, &k) in self.sums.iter_mut().zip(&prep.totals) {
            let x = f[k];
            if !x.is_nan() {
                s.add(x);
            }
        }
        for ((a, b), &(n, d)) in self.pairs.iter_mut().zip(&prep.ratios) {
            let (x, y) = (f[n], f[d]);
            if !x.is_nan() && !y.is_nan() {
                a.add(x);
                b.add(y);
            }
        }
    }

    /// The group's cells after its name: enterprises, evaluated, a count per class, the totals and the
    /// ratios of sums.
    fn cells(&self) -> Vec<Cell> {
        let mut row = vec![Cell::Int(self.enterprises), Cell::Int(self.evaluated)];
        row.extend(self.counts.iter().copied().map(Cell::Int));
        for ((_, _, _, decimals), s) in TOTALS.iter().zip(self.sums) {
            row.push(Cell::Num(s.value(), *decimals));
        }
        for (a, b) in self.pairs {
            let (a, b) = (a.value(), b.value());
            row.push(if b > 0.0 { Cell::Num(a / b, 4) } else { Cell::Empty });
        }
        row
    }
}

/// The group totals: (column, Chinese name, field summed, decimals shown).
pub(crate) const TOTALS: [(&str, &str, Field, usize); 5] = [
    ("land_mu", "用地面积(亩)", Field::Land, 4),
    ("tax", "税收(万元)", Field::Tax, 2),
    ("revenue", "营业收入(万元)", Field::Revenue, 2),
    ("value_added", "增加值(万元)", Field::ValueAdded, 2),
    ("energy_tce", "综合能耗(tce)", Field::EnergyTce, 2),
];

/// Every class label used by the methodology, in order, undetermined classes last.
pub(crate) fn class_labels_of(m: &crate::method::Methodology) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
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
    let mut t = Table::new(&[(dim, dim_zh), ("enterprises", "企业数 enterprises"), ("evaluated", "参评数 evaluated")]);
    for l in &prep.labels {
        t.push_column(format!("class_{l}"), format!("{l}类 class_{l}"));
    }
    for (c, l, field, _) in TOTALS {
        t.push_shown(c.into(), format!("{l} {c}"), Show::of_field(field));
    }
    for (k, zh, _, _) in RATIOS {
        t.push_column(k.to_string(), format!("{zh} {k}"));
    }
    // Firms by group, groups numbered in name order (as for the benchmarks and ranks). One pass over the
    // firms in enterprise order adds each to its group: the figures are read in order (a group's firms
    // are spread over the whole file), and each group's sums still run in enterprise order.
    let all: Vec<usize> = (0..run.data.enterprises.len()).collect();
    let groups = Groups::new(&run.data, &all, g, run.method.method.ranking.industry_digits);
    let mut accs = vec![Acc::new(prep.labels.len()); groups.names.len()];
    for (i, &x) in groups.of.iter().enumerate() {
        accs[x as usize].add(prep, i);
    }
    for (name, acc) in groups.names.iter().zip(&accs) {
        let mut row = vec![Cell::text(*name)];
        row.extend(acc.cells());
        t.rows.push(row);
    }
    let mut city = vec![Cell::text("全市 city")];
    city.extend(prep.city.iter().cloned());
    t.rows.push(city);
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

    #[test]
    fn branch_free_error_term_is_neumaiers() {
        // The textbook step compares magnitudes; `Sum::add` does not. Over values of mixed sign and
        // magnitude (where the two branches alternate), both must carry the same error bit for bit.
        let mut rng = crate::xorshift::XorShift::new(0x2545_f491_4f6c_dd1d);
        let mut next = || {
            let state = rng.next();
            let m = (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
            m * 10f64.powi((state % 17) as i32 - 4)
        };
        let (mut s, mut t, mut c) = (Sum::default(), 0.0f64, 0.0f64);
        for _ in 0..200_000 {
            let x = next();
            s.add(x);
            let u = t + x;
            c += if t.abs() >= x.abs() { (t - u) + x } else { (x - u) + t };
            t = u;
            assert_eq!((s.s.to_bits(), s.c.to_bits()), (t.to_bits(), c.to_bits()));
        }
        assert_eq!(s.value().to_bits(), (t + c).to_bits());
    }
}
