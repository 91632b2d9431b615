//! milestones.csv: one row per milestone of each project (履约节点), in the order of the contract: the
//! land-price instalments, the start of construction, the idle-land anniversaries, the stages, the dated
//! events (with what each did), and the contract's end. Each row has its agreed and actual dates, days
//! late and the item charged for it.

use super::clauses::{MilestoneKind, MilestoneRow};
use super::contract_rules::Clause;
use super::tables::{date, text};
use super::{Assessment, ProjectResult};
use crate::dates;
use crate::report::table::{Cell, Table};

/// The stage rows and event rows of a project, as milestone rows.
fn stage_and_event_rows(a: &Assessment, r: &ProjectResult) -> Vec<MilestoneRow> {
    let p = &a.inputs.projects[r.project];
    let mut rows = Vec::new();
    for s in &r.stages {
        let stage = &a.rules.rules.stages[s.stage];
        let item = r.liability.items.iter().find(|i| i.stage == Some(s.stage) && i.clause == Clause::LateCompletion);
        let checked = s.check.as_ref().map(|c| format!("checked {}; ", dates::format(c.date))).unwrap_or_default();
        rows.push(MilestoneRow {
            milestone: stage.name.clone(),
            kind: MilestoneKind::Stage,
            due: s.due,
            actual: p.milestones.actual(&stage.due),
            amount: None,
            days_late: s.days_late,
            item: item.map(|i| i.amount),
            note: format!(
                "{checked}{}{}",
                s.status.label(),
                if s.note.is_empty() { String::new() } else { format!(": {}", s.note) }
            ),
        });
    }
    for (e, effect) in p.milestones.events.iter().zip(&r.events) {
        let stage = e.stage.map(|s| format!(" ({})", a.rules.rules.stages[s].name)).unwrap_or_default();
        let note = if e.note.is_empty() { effect.clone() } else { format!("{effect}; {}", e.note) };
        rows.push(MilestoneRow {
            milestone: format!("{}{stage}", e.kind.zh()),
            kind: MilestoneKind::Event,
            due: None,
            actual: Some(e.date),
            amount: e.amount,
            days_late: None,
            item: None,
            note,
        });
    }
    rows
}

/// One row per milestone of each project.
pub fn milestones(a: &Assessment) -> Table {
    let mut t = Table::new(&[
        ("project_id", "项目编号 project_id"),
        ("name", "项目名称 name"),
        ("county", "县区 county"),
        ("park", "园区 park"),
        ("milestone", "节点 milestone"),
        ("kind", "类型 kind"),
        ("due", "约定日期 due"),
        ("actual", "实际日期 actual"),
        ("amount", "金额(万元) amount"),
        ("days_late", "逾期天数 days_late"),
        ("item_amount", "违约金额(万元) item_amount"),
        ("note", "说明 note"),
    ]);
    for r in &a.results {
        let p = &a.inputs.projects[r.project];
        let (ends, firsts): (Vec<&MilestoneRow>, Vec<&MilestoneRow>) =
            r.timeline.rows.iter().partition(|m| m.kind == MilestoneKind::End);
        let middle = stage_and_event_rows(a, r);
        for m in firsts.into_iter().chain(middle.iter()).chain(ends) {
            t.rows.push(vec![
                text(&p.id),
                text(&p.name),
                text(&p.county),
                text(&p.park),
                Cell::text(&m.milestone),
                Cell::text(m.kind.key()),
                date(m.due),
                date(m.actual),
                m.amount.map_or(Cell::Empty, |x| Cell::Dec(super::liability::short(x))),
                m.days_late.map_or(Cell::Empty, Cell::Int),
                m.item.map_or(Cell::Empty, |x| Cell::Num(x, 4)),
                text(&m.note),
            ]);
        }
    }
    t
}
