//! What-if comparison of two runs on the same data: the class migration matrix (rows: class under A,
//! columns: class under B) and the enterprises whose class changes, with totals and ranks under both.

use crate::pipeline::Run;
use crate::report::table::{Cell, Table};
use std::collections::BTreeMap;

fn label(c: &str) -> String {
    if c.is_empty() { "—".to_string() } else { c.to_string() }
}

fn labels(a: &Run, b: &Run) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for run in [a, b] {
        for t in &run.method.method.tracks {
            for l in t.classes.labels.iter().chain([&t.undetermined_class, &run.method.method.adjust.veto_class]) {
                if !out.contains(l) {
                    out.push(l.clone());
                }
            }
        }
    }
    out.push("—".into());
    out
}

/// (migration matrix, class changes). Both runs must come from the same dataset.
pub fn compare(a: &Run, b: &Run) -> (Table, Table) {
    let ls = labels(a, b);
    let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (sa, sb) in a.scored.iter().zip(&b.scored) {
        *counts.entry((label(&sa.class), label(&sb.class))).or_default() += 1;
    }
    let mut m = Table::new(&[("class_a", "方案A等级 class_a")]);
    for l in &ls {
        m.push_column(format!("to_{l}"), format!("方案B {l}"));
    }
    m.push_column("total".into(), "合计 total".into());
    for la in &ls {
        let row: Vec<usize> = ls.iter().map(|lb| counts.get(&(la.clone(), lb.clone())).copied().unwrap_or(0)).collect();
        let mut cells = vec![Cell::text(la)];
        cells.extend(row.iter().map(|&n| Cell::Int(n as i64)));
        cells.push(Cell::Int(row.iter().sum::<usize>() as i64));
        m.rows.push(cells);
    }
    let mut c = Table::new(&[
        ("enterprise_id", "统一社会信用代码 enterprise_id"),
        ("name", "企业名称 name"),
        ("county", "县区 county"),
        ("class_a", "方案A等级 class_a"),
        ("class_b", "方案B等级 class_b"),
        ("total_a", "方案A总分 total_a"),
        ("total_b", "方案B总分 total_b"),
        ("rank_a", "方案A排名 rank_a"),
        ("rank_b", "方案B排名 rank_b"),
    ]);
    let mut idx: Vec<usize> = (0..a.scored.len()).filter(|&i| a.scored[i].class != b.scored[i].class).collect();
    idx.sort_by(|&x, &y| a.data.enterprises[x].id.cmp(&a.data.enterprises[y].id));
    for i in idx {
        let (e, sa, sb) = (&a.data.enterprises[i], &a.scored[i], &b.scored[i]);
        c.rows.push(vec![
            Cell::text(&e.id),
            Cell::text(&e.name),
            Cell::text(&e.county),
            Cell::text(label(&sa.class)),
            Cell::text(label(&sb.class)),
            Cell::text(&sa.total_text),
            Cell::text(&sb.total_text),
            Cell::rank(sa.rank),
            Cell::rank(sb.rank),
        ]);
    }
    (m, c)
}
