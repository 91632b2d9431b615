//! Period comparison tables: per enterprise and per group (county, park, industry division), the
//! indicator values in both periods, the change and the change in percent, totals and classes; and the
//! class migration matrix. Group figures are **ratios of sums** (Σ tax ÷ Σ land), never means of ratios,
//! over the same firms in both periods (同口径).

use super::periods::PeriodRun;
use crate::indicators::Facts;
use crate::pipeline::Run;
use crate::report::enterprises::class_words;
use crate::report::table::{Cell, Show, Table};
use crate::schema::Field;
use crate::score::Status;
use std::collections::BTreeMap;

/// The compared measures: (key, Chinese name with unit, numerator, denominator). A measure without a
/// denominator is a sum.
pub const MEASURES: &[(&str, &str, Field, Option<Field>)] = &[
    ("tax", "税收(万元)", Field::Tax, None),
    ("revenue", "营业收入(万元)", Field::Revenue, None),
    ("value_added", "增加值(万元)", Field::ValueAdded, None),
    ("energy_tce", "综合能耗(吨标煤)", Field::EnergyTce, None),
    ("land_mu", "用地面积(亩)", Field::Land, None),
    ("tax_per_mu", "亩均税收(万元/亩)", Field::Tax, Some(Field::Land)),
    ("revenue_per_mu", "亩均营业收入(万元/亩)", Field::Revenue, Some(Field::Land)),
    ("va_per_mu", "亩均增加值(万元/亩)", Field::ValueAdded, Some(Field::Land)),
    ("energy_per_va", "单位增加值能耗(吨标煤/万元)", Field::EnergyTce, Some(Field::ValueAdded)),
];

/// The measures of a set of enterprises: sums over those that report the figure; ratios Σ num ÷ Σ den over
/// those that report both, empty unless Σ den > 0. Sums in the members' order.
pub fn measures(facts: &[Facts], members: &[usize]) -> Vec<Option<f64>> {
    MEASURES
        .iter()
        .map(|&(_, _, num, den)| {
            let (mut a, mut b, mut any) = (0.0, 0.0, false);
            for &i in members {
                let x = facts[i].figure(num);
                let y = match den {
                    None => Some(1.0),
                    Some(d) => facts[i].figure(d),
                };
                if let (Some(x), Some(y)) = (x, y) {
                    a += x;
                    b += y;
                    any = true;
                }
            }
            match (any, den.is_none()) {
                (false, _) => None,
                (true, true) => Some(a),
                (true, false) => (b > 0.0).then(|| a / b),
            }
        })
        .collect()
}

/// Change in percent: (now − base) ÷ |base| × 100, empty when either is missing or the base is 0. The
/// absolute base keeps the sign meaningful when the base is negative (tax refunds).
pub fn change_pct(now: Option<f64>, base: Option<f64>) -> Option<f64> {
    match (now, base) {
        (Some(a), Some(b)) if b != 0.0 => Some((a - b) / b.abs() * 100.0),
        _ => None,
    }
}

fn push_measure_columns(t: &mut Table, cur: &str, base: &str) {
    for &(k, zh, num, den) in MEASURES {
        // Sums in 万元 as money; ratios and other sums from their cells.
        let show = if den.is_none() { Show::of_field(num) } else { Show::Auto };
        t.push_shown(format!("{k}_cur"), format!("{zh} {cur} {k}_cur"), show);
        t.push_shown(format!("{k}_base"), format!("{zh} {base} {k}_base"), show);
        t.push_shown(format!("{k}_change"), format!("{zh} 增减 {k}_change"), show);
        t.push_column(format!("{k}_change_pct"), format!("{zh} 增减% {k}_change_pct"));
    }
}

fn push_measure_cells(row: &mut Vec<Cell>, now: &[Option<f64>], base: &[Option<f64>], d: usize) {
    for (a, b) in now.iter().zip(base) {
        row.push(Cell::opt(*a, d));
        row.push(Cell::opt(*b, d));
        row.push(Cell::opt(a.zip(*b).map(|(x, y)| x - y), d));
        row.push(Cell::opt(change_pct(*a, *b), 2));
    }
}

fn dash(c: &str) -> String {
    if c.is_empty() {
        "—".into()
    } else {
        c.to_string()
    }
}

/// One row per enterprise in file order. `warned[i]` lists the warning keys of enterprise `i`.
pub fn enterprises(cur: &PeriodRun, base: &PeriodRun, warned: &[Vec<&str>]) -> Table {
    let (c, b) = (&cur.run, &base.run);
    let d = c.method.method.output.decimals;
    let (lc, lb) = (c.period.label.as_str(), b.period.label.as_str());
    let mut t = Table::new(&[
        ("enterprise_id", "统一社会信用代码 enterprise_id"),
        ("name", "企业名称 name"),
        ("county", "县区 county"),
        ("park", "园区 park"),
        ("industry", "行业代码 industry"),
        ("scale", "规模 scale"),
        ("track", "评价序列 track"),
    ]);
    for (k, zh) in [("status", "状态"), ("missing_quarters", "缺报季度"), ("treated", "缺报处理")] {
        t.push_column(format!("{k}_cur"), format!("{zh} {lc} {k}_cur"));
        t.push_column(format!("{k}_base"), format!("{zh} {lb} {k}_base"));
    }
    push_measure_columns(&mut t, lc, lb);
    for (k, zh) in [("total", "总分"), ("class", "等级"), ("rank", "排名")] {
        t.push_column(format!("{k}_cur"), format!("{zh} {lc} {k}_cur"));
        t.push_column(format!("{k}_base"), format!("{zh} {lb} {k}_base"));
    }
    t.push_column("total_change".into(), "总分增减 total_change".into());
    t.push_column("class_move".into(), "等级变化 class_move".into());
    t.push_column("warnings".into(), "预警 warnings".into());
    t.set_show(&["status_cur", "status_base", "class_cur", "class_base"], Show::Coded);
    t.set_show(&["rank_cur", "rank_base"], Show::Plain);
    for (i, e) in c.data.enterprises.iter().enumerate() {
        let (sc, sb) = (&c.scored[i], &b.scored[i]);
        let track = sc.track.map(|k| c.method.method.tracks[k].name.clone()).unwrap_or_default();
        let mut row = vec![
            Cell::text(e.id.as_str()),
            Cell::text(&e.name),
            Cell::text(e.county.as_str()),
            Cell::text(e.park.as_str()),
            Cell::text(e.industry.as_str()),
            Cell::text(e.scale.zh()),
            Cell::text(track),
            Cell::word(sc.status),
            Cell::word(sb.status),
            Cell::text(cur.missing[i].join(" ")),
            Cell::text(base.missing[i].join(" ")),
            Cell::text(&cur.treated[i]),
            Cell::text(&base.treated[i]),
        ];
        push_measure_cells(&mut row, &measures(&c.facts, &[i]), &measures(&b.facts, &[i]), d);
        let (tc, tb) = (sc.total_rounded(), sb.total_rounded());
        row.extend([
            Cell::Dec(sc.total_text.to_string()),
            Cell::Dec(sb.total_text.to_string()),
            Cell::coded(sc.class.as_str(), class_words(&sc.class, sc.status)),
            Cell::coded(sb.class.as_str(), class_words(&sb.class, sb.status)),
            Cell::rank(sc.rank),
            Cell::rank(sb.rank),
            tc.zip(tb).map_or(Cell::Empty, |(x, y)| Cell::Dec(crate::decimal::round_half_up_str(x - y, 2))),
            Cell::text(if sc.class == sb.class {
                String::new()
            } else {
                format!("{}→{}", dash(&sb.class), dash(&sc.class))
            }),
            Cell::text(warned[i].join(" ")),
        ]);
        t.rows.push(row);
    }
    t
}

/// Every class label of the methodology, graded classes first, then the veto and undetermined classes.
pub fn class_labels(run: &Run) -> Vec<String> {
    let m = &run.method.method;
    let mut out: Vec<String> = Vec::new();
    let all = m.tracks.iter().flat_map(|t| t.classes.labels.iter().cloned());
    for l in all.chain([m.adjust.veto_class.clone()]).chain(m.tracks.iter().map(|t| t.undetermined_class.clone())) {
        if !out.contains(&l) {
            out.push(l);
        }
    }
    out
}

/// Whether an enterprise is in the current evaluation (graded, vetoed or undetermined): the group members.
pub fn in_evaluation(run: &Run, i: usize) -> bool {
    matches!(run.scored[i].status, Status::Graded | Status::Vetoed | Status::Undetermined)
}

/// One group table (`dim` = county, park or industry), with a city row. Members: the enterprises in the
/// current evaluation; their figures in the base period are the same firms' (same scope).
pub fn groups(cur: &PeriodRun, base: &PeriodRun, dim: &str, dim_zh: &str, key: impl Fn(usize) -> String) -> Table {
    let (c, b) = (&cur.run, &base.run);
    let d = c.method.method.output.decimals;
    let (lc, lb) = (c.period.label.as_str(), b.period.label.as_str());
    let labels = class_labels(c);
    let mut t = Table::new(&[
        (dim, dim_zh),
        ("enterprises", "参评企业数 enterprises"),
        ("missing_quarters", "缺报企业数 missing_quarters"),
    ]);
    for l in &labels {
        t.push_column(format!("class_{l}_cur"), format!("{l}类 {lc} class_{l}_cur"));
        t.push_column(format!("class_{l}_base"), format!("{l}类 {lb} class_{l}_base"));
    }
    push_measure_columns(&mut t, lc, lb);
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut all = Vec::new();
    for i in (0..c.data.enterprises.len()).filter(|&i| in_evaluation(c, i)) {
        groups.entry(key(i)).or_default().push(i);
        all.push(i);
    }
    let mut rows: Vec<(String, Vec<usize>)> = groups.into_iter().collect();
    rows.push(("全市 city".to_string(), all));
    for (name, members) in rows {
        let missing = members.iter().filter(|&&i| !cur.missing[i].is_empty()).count();
        let mut row = vec![Cell::text(name), Cell::Int(members.len() as i64), Cell::Int(missing as i64)];
        for l in &labels {
            row.push(Cell::Int(members.iter().filter(|&&i| c.scored[i].class == *l).count() as i64));
            row.push(Cell::Int(members.iter().filter(|&&i| b.scored[i].class == *l).count() as i64));
        }
        push_measure_cells(&mut row, &measures(&c.facts, &members), &measures(&b.facts, &members), d);
        t.rows.push(row);
    }
    t
}

/// The class migration matrix (rows: class in the `--against` period, columns: class now), from
/// [`crate::compare::compare`], with the period labels in the headers.
pub fn migration(cur: &Run, base: &Run) -> Table {
    let (mut m, _) = crate::compare::compare(base, cur);
    let (lc, lb) = (&cur.period.label, &base.period.label);
    for (col, label) in m.columns.iter_mut().zip(m.labels.iter_mut()) {
        if col == "class_a" {
            *col = "class_base".into();
            *label = format!("{lb}等级 class_base");
        } else if let Some(to) = col.strip_prefix("to_") {
            *label = format!("{lc} {to}");
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_of_sums_and_guarded_changes() {
        let mut a = Facts::default();
        a.land = 10.0;
        a.set_tax(Some(100.0));
        a.set_sum(Field::ValueAdded, Some(50.0));
        let mut b = Facts::default();
        b.land = 30.0;
        b.set_tax(Some(60.0));
        let m = measures(&[a, b], &[0, 1]);
        // Σ tax 160 ÷ Σ land 40 = 4 (not the mean of 10 and 2); VA only from the first firm.
        assert_eq!((m[0], m[4], m[5], m[2]), (Some(160.0), Some(40.0), Some(4.0), Some(50.0)));
        // energy ÷ VA: nobody reports energy.
        assert_eq!(m[8], None);
        assert_eq!(change_pct(Some(5.0), Some(0.0)), None);
        assert_eq!(change_pct(Some(-5.0), Some(-10.0)), Some(50.0));
        // (7 − 10) ÷ 10 × 100 is −30.000000000000004 in binary64; shown (and compared) at 2 decimals: −30.
        assert_eq!(change_pct(Some(7.0), Some(10.0)).map(|x| crate::decimal::round_half_up(x, 2)), Some(-30.0));
    }
}
