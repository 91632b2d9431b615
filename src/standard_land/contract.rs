//! A project's contract milestones (履约节点): the land-price instalments (分期缴款), the agreed and actual
//! start of construction (开工), the actual completion and production dates, and dated events (a shortfall
//! paid, a rectification accepted, a take-back, a termination). The dates come from the projects file's
//! milestone columns; instalments from the payments file (or the projects file's `price_due` for a
//! one-instalment contract); events from the project events file. Every row is used or listed.

use super::columns;
use super::input::{account, fail, Ctx, Inputs, RowResult};
use super::rules::Loaded;
use crate::dates;
use crate::error::{Error, Result};
use crate::ingest::RawTable;
use crate::schema::{Action, FileKind, ReasonCode as R};
use crate::validate::numbers::{self, MONEY_UNITS};
use std::collections::{HashMap, HashSet};

/// One instalment of the land price (or one part of it paid on its own date).
#[derive(Debug, Clone, PartialEq)]
pub struct Instalment {
    /// 期次 as written (`第2期`), or numbered by due date when there are several; empty for a single one.
    pub label: String,
    pub due: i64,
    /// 万元.
    pub amount: f64,
    /// The payment date; `None` while unpaid.
    pub paid: Option<i64>,
}

/// The kinds of dated project event mujun acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventKind {
    /// 补缴差额: a shortfall charged in cash (税收差额) was paid; ends its late interest.
    ShortfallPaid,
    /// 整改验收通过: a stage in rectify passed its re-check.
    Rectified,
    /// 收回土地: the land was taken back; ends the contract.
    TakeBack,
    /// 解除合同: the contract was terminated; ends it.
    Terminated,
}

impl EventKind {
    pub const ALL: [EventKind; 4] =
        [EventKind::ShortfallPaid, EventKind::Rectified, EventKind::TakeBack, EventKind::Terminated];
    pub fn key(self) -> &'static str {
        match self {
            EventKind::ShortfallPaid => "shortfall_paid",
            EventKind::Rectified => "rectified",
            EventKind::TakeBack => "take_back",
            EventKind::Terminated => "terminated",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            EventKind::ShortfallPaid => "补缴差额",
            EventKind::Rectified => "整改验收通过",
            EventKind::TakeBack => "收回土地",
            EventKind::Terminated => "解除合同",
        }
    }
    /// Other spellings in the kind column (docs/standard-land.md lists them).
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            EventKind::ShortfallPaid => &["差额补缴", "补缴税款", "税收差额补缴", "补缴税收", "补缴"],
            EventKind::Rectified => &["整改验收", "整改完成", "整改合格", "整改通过"],
            EventKind::TakeBack => &["收回", "无偿收回", "土地收回", "收回土地使用权"],
            EventKind::Terminated => &["合同解除", "解约", "终止合同"],
        }
    }
    pub fn parse(text: &str) -> Option<EventKind> {
        let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        EventKind::ALL.into_iter().find(|k| k.key() == t || k.zh() == t || k.aliases().contains(&t.as_str()))
    }
}

/// One dated event of a project.
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: EventKind,
    pub date: i64,
    /// The stage it concerns, when the row names one.
    pub stage: Option<usize>,
    /// 万元, when the row gives one.
    pub amount: Option<f64>,
    pub note: String,
    pub line: usize,
}

/// A project's milestones.
#[derive(Debug, Clone, Default)]
pub struct Milestones {
    /// By due date.
    pub instalments: Vec<Instalment>,
    /// 约定开工日期.
    pub start_due: Option<i64>,
    /// 实际开工日期.
    pub start: Option<i64>,
    /// 实际竣工日期.
    pub completion: Option<i64>,
    /// 实际达产日期.
    pub production: Option<i64>,
    /// By date.
    pub events: Vec<Event>,
}

impl Milestones {
    /// The actual date of the stage whose due date is in `due_column` (completion_due → completion_date).
    pub fn actual(&self, due_column: &str) -> Option<i64> {
        if due_column == "production_due" {
            self.production
        } else {
            self.completion
        }
    }
}

/// The milestone cells of a projects row: dates kept as missing (and listed) when they are not dates.
pub(super) fn project_milestones(
    c: &Ctx,
    land_price: f64,
    warnings: &mut Vec<crate::dataset::Exception>,
) -> Milestones {
    let mut date = |name: &str| {
        super::input::date_cell(c, name, false).unwrap_or_else(|(col, code, r)| {
            warnings.push(c.ex(&col, code, r, Action::KeptAsMissing));
            None
        })
    };
    let mut m = Milestones {
        start_due: date("start_due"),
        start: date("start_date"),
        completion: date("completion_date"),
        production: date("production_date"),
        ..Default::default()
    };
    let (due, paid) = (date("price_due"), date("price_paid"));
    if let Some(due) = due {
        m.instalments.push(Instalment { label: String::new(), due, amount: land_price, paid });
    } else if paid.is_some() {
        let r = "price_paid is given without price_due: no due date to count days late from";
        warnings.push(c.ex("price_paid", R::ValueEmpty, r.into(), Action::KeptAsMissing));
    }
    m
}

/// The `deposit` cell (定金, 万元): missing, or not a number or negative (listed, kept as missing).
pub(super) fn deposit(c: &Ctx, warnings: &mut Vec<crate::dataset::Exception>) -> Option<f64> {
    match numbers::parse(c.cell("deposit"), MONEY_UNITS) {
        Ok(Some(d)) if d < 0.0 => {
            let r = format!("deposit {d} is negative");
            warnings.push(c.ex("deposit", R::ValueNegative, r, Action::KeptAsMissing));
            None
        }
        Ok(d) => d,
        Err(r) => {
            warnings.push(c.ex("deposit", R::NumberInvalid, r, Action::KeptAsMissing));
            None
        }
    }
}

/// Project index by id, and the ids whose projects row was excluded (id → line).
pub(super) struct Link<'a> {
    pub index: HashMap<&'a str, usize>,
    pub excluded: &'a HashMap<String, usize>,
    pub projects_file: &'a str,
}

impl Link<'_> {
    fn project(&self, id: &str) -> RowResult<usize> {
        if id.is_empty() {
            return Err(fail("project_id", R::ProjectIdEmpty, "project_id is empty".into()));
        }
        self.index.get(id).copied().ok_or_else(|| {
            let r = match self.excluded.get(id) {
                Some(line) => format!("the project's row in {} (line {line}) was excluded", self.projects_file),
                None => format!("project_id '{id}' is not in {}", self.projects_file),
            };
            fail("project_id", R::ProjectUnknown, r)
        })
    }
}

fn row_ctx<'a>(t: &'a RawTable, map: &'a columns::Mapped, cols: &'a [columns::Col], i: usize) -> Ctx<'a> {
    let raw = &t.rows[i];
    Ctx { file: &t.file, map, cols, raw, who: String::new(), enterprise_id: String::new() }
}

fn money_hint(t: &RawTable, map: &columns::Mapped, cols: &[columns::Col]) -> Result<()> {
    let i = cols.iter().position(|c| c.name == "amount").unwrap_or(0);
    match &map.unit_hint[i] {
        Some(h) if h != "万元" => Err(Error::BadInput(format!("{}: header unit '{h}' of amount: use 万元", t.file))),
        _ => Ok(()),
    }
}

/// One payments row: (project, instalment label, due, amount if given, paid).
type PaymentRow = (usize, String, i64, Option<f64>, Option<i64>, usize);

fn payment_row(c: &Ctx, link: &Link) -> RowResult<PaymentRow> {
    let p = link.project(c.cell("project_id"))?;
    let due = super::input::date_cell(c, "due_date", true)?.unwrap_or_default();
    let amount = numbers::parse(c.cell("amount"), MONEY_UNITS).map_err(|r| fail("amount", R::NumberInvalid, r))?;
    if amount.is_some_and(|a| a < 0.0) {
        return Err(fail("amount", R::ValueNegative, format!("amount {} is negative", c.cell("amount"))));
    }
    let paid = super::input::date_cell(c, "paid_date", false)?;
    let label = match c.cell("instalment") {
        l if !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()) => format!("第{l}期"),
        l => l.to_string(),
    };
    Ok((p, label, due, amount, paid, c.raw.line))
}

/// Reads the payments file: the instalments of each project it names replace the projects file's
/// `price_due` (which is then listed); an amount may be left empty only for a project's single row (the
/// land price); instalments that do not add up to the land price are listed, and used as given.
pub(super) fn read_payments(t: &RawTable, link: &Link, inputs: &mut Inputs) -> Result<()> {
    let cols = columns::payment_cols();
    let map = columns::map(&t.file, &cols, &t.headers)?;
    money_hint(t, &map, &cols)?;
    let mut excluded = HashSet::new();
    let mut rows: Vec<PaymentRow> = Vec::new();
    for i in 0..t.rows.len() {
        let mut c = row_ctx(t, &map, &cols, i);
        let id = c.cell("project_id").to_string();
        if let Some(&p) = link.index.get(id.as_str()) {
            c.enterprise_id = inputs.projects[p].enterprise_id.clone();
        }
        c.who = if id.is_empty() { String::new() } else { format!("project {id}: ") };
        match payment_row(&c, link) {
            Ok(r) => rows.push(r),
            Err((column, code, reason)) => {
                excluded.insert(c.raw.line);
                inputs.exceptions.push(c.ex(&column, code, reason, Action::Excluded));
            }
        }
    }
    let mut by_project: HashMap<usize, Vec<PaymentRow>> = HashMap::new();
    rows.into_iter().for_each(|r| by_project.entry(r.0).or_default().push(r));
    let mut projects: Vec<usize> = by_project.keys().copied().collect();
    projects.sort_unstable();
    for p in projects {
        let rows = &by_project[&p];
        schedule(p, rows, t, link.projects_file, &mut excluded, inputs);
    }
    inputs.accounts.push(account(t, FileKind::Payments, &excluded));
    Ok(())
}

/// Builds one project's instalments from its payments rows.
fn schedule(
    p: usize,
    rows: &[PaymentRow],
    t: &RawTable,
    projects_file: &str,
    excluded: &mut HashSet<usize>,
    inputs: &mut Inputs,
) {
    let project = &inputs.projects[p];
    let ex = |line: usize, column: &str, code: R, reason: String, action: Action| crate::dataset::Exception {
        file: t.file.clone(),
        line,
        column: column.into(),
        enterprise_id: project.enterprise_id.clone(),
        code,
        reason: format!("project {}: {reason}", project.id),
        action,
    };
    let mut out = Vec::new();
    let mut found = Vec::new();
    for (_, label, due, amount, paid, line) in rows {
        let amount = match (amount, rows.len()) {
            (Some(a), _) => *a,
            (None, 1) => project.land_price,
            (None, _) => {
                let r = "amount is empty; with several instalments each row needs its amount";
                found.push(ex(*line, "amount", R::ValueEmpty, r.into(), Action::Excluded));
                excluded.insert(*line);
                continue;
            }
        };
        out.push(Instalment { label: label.clone(), due: *due, amount, paid: *paid });
    }
    out.sort_by_key(|i| i.due);
    if out.len() > 1 {
        for (k, i) in out.iter_mut().enumerate().filter(|(_, i)| i.label.is_empty()) {
            i.label = format!("第{}期", k + 1);
        }
    }
    let total: f64 = out.iter().map(|i| i.amount).sum();
    if !out.is_empty() && (total - project.land_price).abs() > 1e-6 * project.land_price.max(1.0) {
        let r = format!(
            "the instalments add up to {} 万元, the land price is {} 万元; the instalments are used as given",
            super::liability::short(total),
            super::liability::short(project.land_price)
        );
        found.push(ex(rows[0].5, "amount", R::InstalmentsMismatch, r, Action::ProjectChecked));
    }
    let project = &mut inputs.projects[p];
    if !project.milestones.instalments.is_empty() {
        let r =
            "price_due is given here and the payments file lists the project's instalments: the payments file is used";
        found.insert(
            0,
            crate::dataset::Exception {
                file: projects_file.to_string(),
                line: project.line,
                column: "price_due".into(),
                enterprise_id: project.enterprise_id.clone(),
                code: R::PaymentScheduleTwice,
                reason: format!("project {}: {r}", project.id),
                action: Action::KeptAsMissing,
            },
        );
    }
    project.milestones.instalments = out;
    inputs.exceptions.extend(found);
}

fn event_row(c: &Ctx, link: &Link, rules: &Loaded, as_of: i64) -> RowResult<(usize, super::contract::Event)> {
    let p = link.project(c.cell("project_id"))?;
    let date = super::input::date_cell(c, "event_date", true)?.unwrap_or_default();
    let text = c.cell("kind");
    let kind = EventKind::parse(text).ok_or_else(|| {
        let known: Vec<String> = EventKind::ALL.iter().map(|k| format!("{} ({})", k.key(), k.zh())).collect();
        let r = format!("event kind '{text}' is not one of {}", known.join(", "));
        fail("kind", if text.is_empty() { R::ValueEmpty } else { R::ProjectEventKindInvalid }, r)
    })?;
    if date > as_of {
        let r = format!(
            "dated {} after --as-of {}; not used for this as-of date",
            dates::format(date),
            dates::format(as_of)
        );
        return Err(fail("event_date", R::ProjectEventNotUsed, r));
    }
    let stage = match c.cell("stage") {
        "" => None,
        s => Some(rules.stage_of(s).ok_or_else(|| {
            let names: Vec<&str> = rules.rules.stages.iter().map(|s| s.name.as_str()).collect();
            fail("stage", R::StageInvalid, format!("stage '{s}' is not one of {}", names.join(", ")))
        })?),
    };
    let amount = numbers::parse(c.cell("amount"), MONEY_UNITS).map_err(|r| fail("amount", R::NumberInvalid, r))?;
    if amount.is_some_and(|a| a < 0.0) {
        return Err(fail("amount", R::ValueNegative, format!("amount {} is negative", c.cell("amount"))));
    }
    let note = c.cell("note").to_string();
    Ok((p, Event { kind, date, stage, amount, note, line: c.raw.line }))
}

/// Reads the project events file; events dated after the as-of date are listed and not used.
pub(super) fn read_events(t: &RawTable, link: &Link, rules: &Loaded, as_of: i64, inputs: &mut Inputs) -> Result<()> {
    let cols = columns::event_cols();
    let map = columns::map(&t.file, &cols, &t.headers)?;
    money_hint(t, &map, &cols)?;
    let mut excluded = HashSet::new();
    for i in 0..t.rows.len() {
        let mut c = row_ctx(t, &map, &cols, i);
        let id = c.cell("project_id").to_string();
        if let Some(&p) = link.index.get(id.as_str()) {
            c.enterprise_id = inputs.projects[p].enterprise_id.clone();
        }
        c.who = if id.is_empty() { String::new() } else { format!("project {id}: ") };
        match event_row(&c, link, rules, as_of) {
            Ok((p, e)) => inputs.projects[p].milestones.events.push(e),
            Err((column, code, reason)) => {
                excluded.insert(c.raw.line);
                inputs.exceptions.push(c.ex(&column, code, reason, Action::Excluded));
            }
        }
    }
    for p in &mut inputs.projects {
        p.milestones.events.sort_by_key(|e| (e.date, e.line));
    }
    inputs.accounts.push(account(t, FileKind::ProjectEvents, &excluded));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_kinds_read_back_in_every_spelling() {
        for k in EventKind::ALL {
            assert_eq!(EventKind::parse(k.key()), Some(k));
            assert_eq!(EventKind::parse(k.zh()), Some(k));
            assert!(k.aliases().iter().all(|a| EventKind::parse(a) == Some(k)));
        }
        assert_eq!(EventKind::parse("开工"), None);
    }
}
