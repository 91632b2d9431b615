//! Output tables of `mujun projects`: projects, project_checks, overdue, liabilities, by_park, by_county
//! (exceptions come from `report::exceptions_table`). Column names are English snake_case in CSV and
//! bilingual in the XLSX header; docs/standard-land.md maps them to the S1 reference tables.

use super::assess::{Band, Status};
use super::clauses::MilestoneKind;
use super::contract_rules::Clause;
use super::liability::short;
use super::rules::Agreed;
use super::{Assessment, ProjectResult};
use crate::dates;
use crate::decimal::round_half_up_str;
use crate::report::table::{Cell, Show, Table};
use std::collections::BTreeMap;

/// A text cell; empty text is an empty cell.
pub(super) fn text(s: &str) -> Cell {
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::text(s)
    }
}

/// A date as YYYY-MM-DD; none is an empty cell.
pub(super) fn date(d: Option<i64>) -> Cell {
    d.map_or(Cell::Empty, |d| Cell::text(dates::format(d)))
}

fn agreed_text(a: Agreed) -> String {
    match a {
        Agreed::One(x) => short(x),
        Agreed::Range { min, max } => format!("{}–{}", short(min), short(max)),
    }
}

/// The project identity columns repeated in the detail tables.
fn who(a: &Assessment, r: &ProjectResult) -> Vec<Cell> {
    let p = &a.inputs.projects[r.project];
    vec![text(&p.id), text(&p.name), text(&p.county), text(&p.park)]
}

const WHO: [(&str, &str); 4] = [
    ("project_id", "项目编号 project_id"),
    ("name", "项目名称 name"),
    ("county", "县区 county"),
    ("park", "园区 park"),
];

/// One row per project: statuses, land, price, liability items and total, flags.
pub fn projects(a: &Assessment) -> Table {
    let mut t = Table::new(&[
        ("project_id", "项目编号 project_id"),
        ("enterprise_id", "统一社会信用代码 enterprise_id"),
        ("name", "项目名称 name"),
        ("enterprise_name", "企业名称 enterprise_name"),
        ("county", "县区 county"),
        ("park", "园区 park"),
        ("park_tier", "园区等级 park_tier"),
        ("parcel_id", "宗地编号 parcel_id"),
        ("overall", "总体状态 overall"),
        ("overall_zh", "总体状态(中文) overall_zh"),
    ]);
    for s in &a.rules.rules.stages {
        t.push_shown(format!("{}_status", s.key), format!("{}状态 {}_status", s.name, s.key), Show::Coded);
    }
    for (c, l) in [
        ("land_mu", "用地面积(亩) land_mu"),
        ("land_price", "土地出让价款(万元) land_price"),
        ("liability_items", "违约责任明细(万元) liability_items"),
        ("liability_sum", "合计(万元) liability_sum"),
        ("liability_cap", "上限(万元) liability_cap"),
        ("liability", "违约金(万元) liability"),
        ("take_back_review", "收回评估 take_back_review"),
        ("contract_end", "合同终止日期 contract_end"),
        ("contract_end_by", "终止方式 contract_end_by"),
        ("needs_action", "需处置 needs_action"),
        ("flags", "提示 flags"),
        ("flags_zh", "提示(中文) flags_zh"),
    ] {
        t.push_column(c.into(), l.into());
    }
    for x in &a.inputs.project_extra {
        t.push_column(x.clone(), x.clone());
    }
    t.set_show(&["overall", "take_back_review", "needs_action"], Show::Coded);
    t.set_show(&["land_price", "liability_sum", "liability_cap", "liability"], Show::Money);
    for r in &a.results {
        let p = &a.inputs.projects[r.project];
        let l = &r.liability;
        let status = &a.rules.statuses[r.overall];
        let end = r.timeline.end.as_ref();
        let mut row = vec![
            text(&p.id),
            text(&p.enterprise_id),
            text(&p.name),
            text(&p.enterprise_name),
            text(&p.county),
            text(&p.park),
            text(&p.tier),
            text(&p.parcel_id),
            Cell::coded(&status.key, &status.zh),
            Cell::text(&status.zh),
        ];
        row.extend(r.stages.iter().map(|s| Cell::word(s.status)));
        let items: Vec<String> = l.items.iter().map(|i| i.text()).collect();
        row.extend([
            Cell::Num(p.land_mu, 4),
            Cell::Dec(short(p.land_price)),
            text(&items.join("; ")),
            Cell::Num(l.sum, 4),
            l.cap.map_or(Cell::Empty, |c| Cell::Dec(short(c))),
            Cell::Dec(l.rounded.clone()),
            if l.take_back { Cell::coded("yes", "是") } else { Cell::coded("no", "否") },
            date(end.map(|e| e.date)),
            end.map_or(Cell::Empty, |e| Cell::text(e.kind.zh())),
            if status.action { Cell::coded("yes", "是") } else { Cell::coded("no", "否") },
            text(&l.flags.iter().map(|f| f.text.as_str()).collect::<Vec<_>>().join("; ")),
            text(&l.flags.iter().map(|f| f.zh.as_str()).collect::<Vec<_>>().join("; ")),
        ]);
        row.extend(p.extra.iter().map(|x| text(x)));
        t.rows.push(row);
    }
    t
}

/// One row per project × stage × indicator (a stage without a check is one row with its status).
pub fn checks(a: &Assessment) -> Table {
    let mut cols: Vec<(&str, &str)> = WHO.to_vec();
    cols.extend([
        ("stage", "阶段 stage"),
        ("indicator", "指标 indicator"),
        ("indicator_key", "指标代码 indicator_key"),
        ("unit", "单位 unit"),
        ("agreed", "约定值 agreed"),
        ("agreed_value", "约定值数值 agreed_value"),
        ("agreed_source", "约定值来源 agreed_source"),
        ("actual", "实际值 actual"),
        ("attainment", "达标率 attainment"),
        ("band", "判定 band"),
        ("stage_status", "阶段状态 stage_status"),
        ("check_date", "验收日期 check_date"),
        ("review_year", "复核年度 review_year"),
        ("due", "约定期限 due"),
        ("days_late", "逾期天数 days_late"),
        ("rectify_by", "整改期限 rectify_by"),
        ("note", "说明 note"),
    ]);
    let mut t = Table::new(&cols);
    for x in &a.inputs.check_extra {
        t.push_column(x.clone(), x.clone());
    }
    t.set_show(&["band", "stage_status"], Show::Coded);
    t.set_show(&["review_year"], Show::Plain);
    let rules = &a.rules.rules;
    for r in &a.results {
        for s in &r.stages {
            let stage_cells = |ind: Vec<Cell>| {
                let mut row = who(a, r);
                row.push(Cell::text(&rules.stages[s.stage].name));
                row.extend(ind);
                row.extend([
                    Cell::word(s.status),
                    date(s.check.as_ref().map(|c| c.date)),
                    s.check.as_ref().and_then(|c| c.review_year).map_or(Cell::Empty, Cell::Int),
                    date(s.due),
                    s.days_late.map_or(Cell::Empty, Cell::Int),
                    date(s.rectify_by),
                    text(&s.note),
                ]);
                match &s.check {
                    Some(c) if c.derived_note.is_none() => row.extend(c.extra.iter().map(|x| text(x))),
                    _ => row.extend(a.inputs.check_extra.iter().map(|_| Cell::Empty)),
                }
                row
            };
            // A stage without a check, or checked with no indicator of its own (a date-only completion
            // check), is one row: its status, days late and note.
            if s.check.is_none() || s.indicators.is_empty() {
                t.rows.push(stage_cells(vec![Cell::Empty; 9]));
                continue;
            }
            for x in &s.indicators {
                let ind = &rules.indicators[x.indicator];
                let dir = a.rules.compiled[x.indicator].direction;
                let (agreed, value, source) = match x.agreed {
                    Some((v, src)) => (
                        Cell::text(format!("{} ({})", agreed_text(v), src.label())),
                        match v {
                            Agreed::One(g) => Cell::Dec(short(g)),
                            r => Cell::text(agreed_text(r)),
                        },
                        Cell::text(src.label()),
                    ),
                    None => (Cell::Empty, Cell::Empty, Cell::Empty),
                };
                let att = match x.attainment {
                    Some(v) if v.is_infinite() => Cell::text("∞"),
                    v => Cell::opt(v, 4),
                };
                t.rows.push(stage_cells(vec![
                    Cell::text(format!("{} ({})", ind.zh, dir.symbol())),
                    Cell::text(&ind.key),
                    text(&ind.unit),
                    agreed,
                    value,
                    source,
                    Cell::opt(x.actual, 4),
                    att,
                    Cell::word(x.band),
                ]));
            }
        }
    }
    t
}

/// Stages past their due date without a check, and rectifications past their deadline.
pub fn overdue(a: &Assessment) -> Table {
    let mut cols: Vec<(&str, &str)> = WHO.to_vec();
    cols.extend([
        ("enterprise_id", "统一社会信用代码 enterprise_id"),
        ("stage", "阶段 stage"),
        ("kind", "类型 kind"),
        ("due", "期限 due"),
        ("days_late", "逾期天数 days_late"),
        ("late_liability", "逾期违约金(万元) late_liability"),
        ("note", "说明 note"),
    ]);
    let mut t = Table::new(&cols);
    t.set_show(&["late_liability"], Show::Money);
    t.set_show(&["kind"], Show::Coded);
    for r in &a.results {
        let p = &a.inputs.projects[r.project];
        for s in &r.stages {
            let stage = &a.rules.rules.stages[s.stage].name;
            let late =
                r.liability.items.iter().find(|i| i.stage == Some(s.stage) && i.clause == Clause::LateCompletion);
            let (kind, due, days) = match (s.status, s.rectify_by) {
                (Status::Overdue, _) => (("stage overdue (no check row)", "阶段逾期(无验收记录)"), s.due, s.days_late),
                (Status::Rectify, Some(by)) if by < a.as_of => {
                    (("rectification overdue (no later check)", "整改逾期(无复验记录)"), Some(by), Some(a.as_of - by))
                }
                _ => continue,
            };
            let mut row = who(a, r);
            row.extend([
                text(&p.enterprise_id),
                Cell::text(stage),
                Cell::coded(kind.0, kind.1),
                date(due),
                days.map_or(Cell::Empty, Cell::Int),
                late.map_or(Cell::Empty, |i| Cell::Num(i.amount, 4)),
                text(&s.note),
            ]);
            t.rows.push(row);
        }
        for m in r.timeline.rows.iter().filter(|m| m.actual.is_none_or(|d| d > a.as_of)) {
            let kind = match (m.kind, m.days_late) {
                (MilestoneKind::Instalment, Some(_)) => "land price unpaid (缴款逾期)",
                (MilestoneKind::Start, Some(_)) => "construction not started (逾期未开工)",
                _ => continue,
            };
            let mut row = who(a, r);
            row.extend([
                text(&p.enterprise_id),
                Cell::text(&m.milestone),
                Cell::text(kind),
                date(m.due),
                m.days_late.map_or(Cell::Empty, Cell::Int),
                m.item.map_or(Cell::Empty, |x| Cell::Num(x, 4)),
                text(&m.note),
            ]);
            t.rows.push(row);
        }
    }
    t
}

/// One row per liability item, with its arithmetic, the days and the dates it counts between.
pub fn liabilities(a: &Assessment) -> Table {
    let mut cols: Vec<(&str, &str)> = WHO.to_vec();
    cols.extend([
        ("stage", "阶段/节点 stage"),
        ("item", "事项 item"),
        ("indicator_key", "指标代码 indicator_key"),
        ("clause", "条款 clause"),
        ("rule", "规则 rule"),
        ("amount", "金额(万元) amount"),
        ("formula", "计算 formula"),
        ("days", "天数 days"),
        ("from", "起算日 from"),
        ("to", "截止日 to"),
        ("capped", "计入上限 capped"),
        ("action", "处理措施 action"),
    ]);
    let mut t = Table::new(&cols);
    let excluded = &a.rules.rules.liability.cap_excludes;
    t.set_show(&["amount"], Show::Money);
    for r in &a.results {
        for i in &r.liability.items {
            let mut row = who(a, r);
            row.extend([
                Cell::text(&i.scope),
                Cell::text(&i.label),
                i.indicator.map_or(Cell::Empty, |x| Cell::text(&a.rules.rules.indicators[x].key)),
                Cell::text(i.clause.key()),
                Cell::text(i.kind.key()),
                Cell::Num(i.amount, 4),
                Cell::text(&i.formula),
                i.days.map_or(Cell::Empty, Cell::Int),
                date(i.from),
                date(i.to),
                Cell::text(if excluded.contains(&i.clause) { "no" } else { "yes" }),
                text(&i.action),
            ]);
            t.rows.push(row);
        }
    }
    t
}

#[derive(Default)]
struct Group {
    projects: usize,
    land_mu: f64,
    land_price: f64,
    status: Vec<usize>,
    liability: f64,
    capped: usize,
    take_back: usize,
    breach_indicators: usize,
    /// Σ item amounts per clause (before the cap).
    clauses: BTreeMap<Clause, f64>,
}

/// Counts by overall status, liability totals and the amounts of each clause per group (`park` or
/// `county`), with a total row.
pub fn by_group(a: &Assessment, column: &str, label: &str) -> Table {
    let mut t = Table::new(&[
        (column, label),
        ("projects", "项目数 projects"),
        ("land_mu", "用地面积(亩) land_mu"),
        ("land_price", "土地出让价款(万元) land_price"),
    ]);
    for s in &a.rules.statuses {
        t.push_column(s.key.clone(), format!("{} {}", s.zh, s.key));
    }
    for (c, l) in [
        ("breach_indicators", "违约指标数 breach_indicators"),
        ("liability", "违约金合计(万元) liability"),
        ("cap_hit", "触及上限 cap_hit"),
        ("take_back_review", "收回评估 take_back_review"),
    ] {
        t.push_column(c.into(), l.into());
    }
    for c in Clause::ALL {
        t.push_column(format!("{}_amount", c.key()), format!("{}(万元, 封顶前) {}_amount", c.zh(), c.key()));
    }
    t.set_show(&["land_price", "liability"], Show::Money);
    let n = a.rules.statuses.len();
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    let mut total = Group { status: vec![0; n], ..Default::default() };
    for r in &a.results {
        let p = &a.inputs.projects[r.project];
        let key = if column == "park" { &p.park } else { &p.county };
        let key = if key.is_empty() { "(blank)".to_string() } else { key.clone() };
        let g = groups.entry(key).or_insert_with(|| Group { status: vec![0; n], ..Default::default() });
        for g in [g, &mut total] {
            g.projects += 1;
            g.land_mu += p.land_mu;
            g.land_price += p.land_price;
            g.status[r.overall] += 1;
            g.liability += r.liability.rounded.parse::<f64>().unwrap_or(0.0);
            g.capped += usize::from(r.liability.cap_hit);
            g.take_back += usize::from(r.liability.take_back);
            g.breach_indicators +=
                r.stages.iter().flat_map(|s| &s.indicators).filter(|x| x.band == Band::Breach).count();
            for i in &r.liability.items {
                *g.clauses.entry(i.clause).or_default() += i.amount;
            }
        }
    }
    let decimals = a.rules.rules.liability.decimals;
    for (name, g) in groups.iter().chain(std::iter::once((&"合计 total".to_string(), &total))) {
        let mut row = vec![
            Cell::text(name),
            Cell::Int(g.projects as i64),
            Cell::Num(g.land_mu, 4),
            Cell::Dec(short(g.land_price)),
        ];
        row.extend(g.status.iter().map(|k| Cell::Int(*k as i64)));
        row.extend([
            Cell::Int(g.breach_indicators as i64),
            Cell::Dec(round_half_up_str(g.liability, decimals)),
            Cell::Int(g.capped as i64),
            Cell::Int(g.take_back as i64),
        ]);
        row.extend(Clause::ALL.iter().map(|c| Cell::Num(g.clauses.get(c).copied().unwrap_or(0.0), 4)));
        t.rows.push(row);
    }
    t
}

/// A project's status text for the printed summary, e.g. `P3 breach 180.00`.
pub fn line(a: &Assessment, r: &ProjectResult) -> String {
    let p = &a.inputs.projects[r.project];
    format!(
        "{} {} {} {} 万元{}",
        p.id,
        p.county,
        a.rules.statuses[r.overall].key,
        r.liability.rounded,
        if r.liability.take_back { " (收回评估)" } else { "" }
    )
}

/// Sum of the project liabilities shown (rounded values), rounded again to drop binary noise.
pub fn total_liability(a: &Assessment) -> String {
    let s: f64 = a.results.iter().map(|r| r.liability.rounded.parse::<f64>().unwrap_or(0.0)).sum();
    round_half_up_str(s, a.rules.rules.liability.decimals)
}

/// Σ item amounts per clause over all projects (before the cap), 4 decimals.
pub fn clause_totals(a: &Assessment) -> Vec<(Clause, String)> {
    Clause::ALL
        .iter()
        .map(|c| {
            let x: f64 =
                a.results.iter().flat_map(|r| &r.liability.items).filter(|i| i.clause == *c).map(|i| i.amount).sum();
            (*c, round_half_up_str(x, 4))
        })
        .collect()
}
