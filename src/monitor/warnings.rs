//! Early warnings (预警): one row per enterprise and rule that fires, naming the rule (key and words) and
//! the numbers (before, after, change, threshold). Every threshold is a key of the rules file; none is
//! published (methodology reference, section 14), so all are mujun choices. Percent changes are compared as
//! shown, rounded half up to 2 decimals, so a fall of exactly 30.00% is not "more than 30%".

use super::periods::{shown, PeriodRun, Quarterly};
use super::rules::{Against, Rules};
use super::tables::change_pct;
use crate::decimal::round_half_up;
use crate::indicators::Facts;
use crate::period::Quarter;
use crate::report::table::{Cell, Table};
use crate::schema::{Field, FileKind};

/// One warning.
#[derive(Debug, Clone)]
pub struct Warning {
    pub enterprise: usize,
    pub key: &'static str,
    pub words: String,
    pub before: Option<f64>,
    pub after: Option<f64>,
    pub change_pct: Option<f64>,
    pub threshold: f64,
    pub detail: String,
}

/// The rule keys in the order they are checked (and listed per enterprise).
pub const KEYS: [&str; 5] = ["tax_per_mu_drop", "revenue_down", "predicted_cd", "energy_intensity_rise", "no_report"];

fn ratio(f: &Facts, num: Field, den: Field) -> Option<f64> {
    match (f.figure(num), f.figure(den)) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    }
}

fn pct2(now: Option<f64>, base: Option<f64>) -> Option<f64> {
    change_pct(now, base).map(|x| round_half_up(x, 2))
}

/// Whether an enterprise's class is lower in its track's class list now than before (A → B …).
fn class_fell(run: &crate::pipeline::Run, i: usize, before: &str, now: &str) -> bool {
    let Some(t) = run.scored[i].track else { return false };
    let labels = &run.method.method.tracks[t].classes.labels;
    let at = |c: &str| labels.iter().position(|l| l == c);
    matches!((at(before), at(now)), (Some(b), Some(n)) if n > b)
}

/// The base figures a percentage rule compares with, and their label.
fn base_of<'a>(compare: Against, cur: &'a PeriodRun, base: &'a PeriodRun, i: usize) -> (&'a Facts, String) {
    match compare {
        Against::YearOnYear => (&cur.run.prior_facts[i], cur.run.period.prior_year().label),
        Against::Against => (&base.run.facts[i], base.run.period.label.clone()),
    }
}

/// Checks every enabled rule for every enterprise; warnings in enterprise file order, rules in [`KEYS`] order.
pub fn check(rules: &Rules, cur: &PeriodRun, base: &PeriodRun, q: &Quarterly) -> Vec<Warning> {
    let w = &rules.warnings;
    let run = &cur.run;
    let last: Quarter = *run.period.quarters.last().expect("a period has quarters");
    let (lc, lb) = (run.period.label.as_str(), base.run.period.label.as_str());
    let mut out = Vec::new();
    for i in 0..run.data.enterprises.len() {
        let f = &run.facts[i];
        let mut push = |key: &'static str,
                        words: String,
                        before: Option<f64>,
                        after: Option<f64>,
                        threshold: f64,
                        detail: String| {
            out.push(Warning {
                enterprise: i,
                key,
                words,
                before,
                after,
                change_pct: change_pct(after, before),
                threshold,
                detail,
            });
        };
        if w.tax_per_mu_drop.enabled {
            let r = &w.tax_per_mu_drop;
            let (bf, bl) = base_of(r.compare, cur, base, i);
            let (now, was) = (ratio(f, Field::Tax, Field::Land), ratio(bf, Field::Tax, Field::Land));
            if let (Some(p), Some(b)) = (pct2(now, was), was) {
                if b > 0.0 && p < -r.pct {
                    let words = format!(
                        "亩均税收下降超过{}% tax per mu down more than {}% against {bl}",
                        shown(r.pct),
                        shown(r.pct)
                    );
                    push(
                        "tax_per_mu_drop",
                        words,
                        was,
                        now,
                        r.pct,
                        format!("{bl} {} → {lc} {} 万元/亩 ({p:.2}%)", shown(b), shown(now.unwrap_or(0.0))),
                    );
                }
            }
        }
        if w.revenue_down.enabled {
            let r = &w.revenue_down;
            let qs: Vec<Quarter> = (0..=r.quarters as i64).rev().map(|n| last.minus(n)).collect();
            let vals: Vec<Option<f64>> = qs.iter().map(|&x| q.value(&run.data, i, x, Field::Revenue)).collect();
            if vals.iter().all(Option::is_some) {
                let v: Vec<f64> = vals.iter().flatten().copied().collect();
                let falls = v
                    .windows(2)
                    .all(|p| p[1] < p[0] && pct2(Some(p[1]), Some(p[0])).is_some_and(|c| c < -r.min_drop_pct));
                if falls {
                    let words = format!(
                        "营业收入连续{}个季度环比下降 revenue down {} quarters running",
                        r.quarters, r.quarters
                    );
                    let detail =
                        qs.iter().zip(&v).map(|(x, y)| format!("{x} {}", shown(*y))).collect::<Vec<_>>().join(" → ");
                    push("revenue_down", words, v.first().copied(), v.last().copied(), r.quarters as f64, detail);
                }
            }
        }
        if w.predicted_cd.enabled {
            let r = &w.predicted_cd;
            let (sc, sb) = (&run.scored[i], &base.run.scored[i]);
            let (tc, tb) = (sc.total_rounded(), sb.total_rounded());
            let in_bad = |class: &str| r.classes.iter().any(|c| *c == class);
            // A move into C/D (or, with `standing`, being there at all).
            let now_bad = in_bad(&sc.class) && (r.standing || !in_bad(&sb.class));
            let drop = tc.zip(tb).map(|(a, b)| round_half_up(b - a, 2));
            // From A/B with a total down by more than score_drop, and a worse class than before.
            let falling = r.from_classes.iter().any(|c| *c == sb.class)
                && drop.is_some_and(|d| d > r.score_drop)
                && class_fell(run, i, &sb.class, &sc.class);
            if now_bad || falling {
                let why = if now_bad {
                    format!("class {} in {lc}", sc.class)
                } else {
                    format!("class {} in {lb}, total down {} points", sb.class, shown(drop.unwrap_or(0.0)))
                };
                let words = format!(
                    "预计落入{}类 predicted to fall into class {}: {why}",
                    r.classes.join("/"),
                    r.classes.join(" or ")
                );
                let c = |x: &str| if x.is_empty() { "—".to_string() } else { x.to_string() };
                let detail =
                    format!("{lb} {} {} → {lc} {} {}", c(&sb.class), sb.total_text, c(&sc.class), sc.total_text);
                push("predicted_cd", words, tb, tc, r.score_drop, detail);
            }
        }
        if w.energy_intensity_rise.enabled {
            let r = &w.energy_intensity_rise;
            let (bf, bl) = base_of(r.compare, cur, base, i);
            let (now, was) =
                (ratio(f, Field::EnergyTce, Field::ValueAdded), ratio(bf, Field::EnergyTce, Field::ValueAdded));
            if let (Some(p), Some(b)) = (pct2(now, was), was) {
                if b > 0.0 && p > r.pct {
                    let words = format!(
                        "单位增加值能耗上升超过{}% energy per unit of value added up more than {}% against {bl}",
                        shown(r.pct),
                        shown(r.pct)
                    );
                    push(
                        "energy_intensity_rise",
                        words,
                        was,
                        now,
                        r.pct,
                        format!("{bl} {} → {lc} {} 吨标煤/万元 (+{p:.2}%)", shown(b), shown(now.unwrap_or(0.0))),
                    );
                }
            }
        }
        if w.no_report.enabled {
            let mut lacks = Vec::new();
            for file in &w.no_report.require {
                let has = match file {
                    FileKind::Tax => q.has_tax(i, last),
                    _ => q.has_output(i, last),
                };
                if !has {
                    lacks.push(format!("no {file} row"));
                }
            }
            if !lacks.is_empty() {
                let words = format!("本季度未报送数据 no data reported for {last}");
                let before = q.value(&run.data, i, last.minus(1), Field::Revenue);
                push("no_report", words, before, None, 0.0, format!("{} for {last}", lacks.join(", ")));
            }
        }
    }
    out
}

/// How bad a warning is, for the order of the list (worst first): the rule, most severe first (a fall into
/// C/D, then a tax-per-mu drop, revenue falling, energy intensity rising, no report), then the size of the
/// change within the rule.
fn severity(w: &Warning) -> (usize, f64) {
    let rank = ["predicted_cd", "tax_per_mu_drop", "revenue_down", "energy_intensity_rise", "no_report"]
        .iter()
        .position(|k| *k == w.key)
        .unwrap_or(usize::MAX);
    // Larger is worse: a total that fell more, a bigger fall of tax or revenue, a bigger rise of energy.
    let size = match w.key {
        "predicted_cd" => w.before.zip(w.after).map_or(0.0, |(b, a)| b - a),
        "energy_intensity_rise" => w.change_pct.unwrap_or(0.0),
        _ => -w.change_pct.unwrap_or(0.0),
    };
    (rank, size)
}

/// Orders warnings worst first ([`severity`]), then by enterprise id.
pub fn by_severity(warnings: &mut [Warning], run: &crate::pipeline::Run) {
    let id = |w: &Warning| run.data.enterprises[w.enterprise].id.as_str();
    warnings.sort_by(|a, b| {
        let ((ra, sa), (rb, sb)) = (severity(a), severity(b));
        ra.cmp(&rb).then(sb.total_cmp(&sa)).then_with(|| id(a).cmp(id(b)))
    });
}

/// Warnings per county and rule, counties with the most first, then the city.
pub fn by_county(run: &crate::pipeline::Run, warnings: &[Warning]) -> Table {
    let mut t = Table::new(&[("county", "县区 county"), ("warnings", "预警数 warnings")]);
    for k in KEYS {
        t.push_column(k.to_string(), format!("{} {k}", rule_zh(k)));
    }
    let mut counts: std::collections::BTreeMap<&str, Vec<i64>> = std::collections::BTreeMap::new();
    let mut city = vec![0i64; KEYS.len()];
    for w in warnings {
        let k = KEYS.iter().position(|x| *x == w.key).unwrap_or(0);
        counts.entry(run.data.enterprises[w.enterprise].county.as_str()).or_insert_with(|| vec![0; KEYS.len()])[k] += 1;
        city[k] += 1;
    }
    let mut rows: Vec<(&str, Vec<i64>)> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.iter().sum::<i64>().cmp(&a.1.iter().sum::<i64>()).then(a.0.cmp(b.0)));
    for (county, n) in rows.into_iter().chain([("全市 city", city)]) {
        let mut row = vec![Cell::text(county), Cell::Int(n.iter().sum())];
        row.extend(n.into_iter().map(Cell::Int));
        t.rows.push(row);
    }
    t
}

/// A rule's name in Chinese, for column labels.
fn rule_zh(key: &str) -> &'static str {
    match key {
        "tax_per_mu_drop" => "亩均税收下降",
        "revenue_down" => "营业收入连降",
        "predicted_cd" => "预计落入C/D类",
        "energy_intensity_rise" => "能耗强度上升",
        _ => "未报送数据",
    }
}

/// The warnings table, in the order given (worst first: see [`by_severity`]).
pub fn table(run: &crate::pipeline::Run, warnings: &[Warning]) -> Table {
    let d = run.method.method.output.decimals;
    let mut t = Table::new(&[
        ("rank", "序号 rank"),
        ("enterprise_id", "统一社会信用代码 enterprise_id"),
        ("name", "企业名称 name"),
        ("county", "县区 county"),
        ("park", "园区 park"),
        ("rule", "预警规则 rule"),
        ("words", "预警内容 words"),
        ("before", "基期值 before"),
        ("after", "本期值 after"),
        ("change_pct", "增减% change_pct"),
        ("threshold", "阈值 threshold"),
        ("detail", "明细 detail"),
    ]);
    for (n, w) in warnings.iter().enumerate() {
        let e = &run.data.enterprises[w.enterprise];
        t.rows.push(vec![
            Cell::Int(n as i64 + 1),
            Cell::text(e.id.as_str()),
            Cell::text(&e.name),
            Cell::text(e.county.as_str()),
            Cell::text(e.park.as_str()),
            Cell::text(w.key),
            Cell::text(&w.words),
            Cell::opt(w.before, d),
            Cell::opt(w.after, d),
            Cell::opt(w.change_pct, 2),
            if w.key == "no_report" { Cell::Empty } else { Cell::Num(w.threshold, 2) },
            Cell::text(&w.detail),
        ]);
    }
    t
}
