//! What-if comparison of two runs on the same data: the class migration matrix (rows: class under A,
//! columns: class under B) and the enterprises whose class changes, with totals and ranks under both.

use crate::error::{Error, Result};
use crate::pipeline::Run;
use crate::report::table::{Cell, Table};
use std::collections::BTreeMap;

fn label(c: &str) -> String {
    if c.is_empty() {
        "—".to_string()
    } else {
        c.to_string()
    }
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
            Cell::text(e.id.as_str()),
            Cell::text(&e.name),
            Cell::text(e.county.as_str()),
            Cell::text(label(&sa.class)),
            Cell::text(label(&sb.class)),
            Cell::Dec(sa.total_text.to_string()),
            Cell::Dec(sb.total_text.to_string()),
            Cell::rank(sa.rank),
            Cell::rank(sb.rank),
        ]);
    }
    (m, c)
}

/// The audit table of a corrected run: who changed what (file, line, key, column, old, new, reason,
/// reference, where the correction came from).
pub fn audit_table(run: &Run) -> Table {
    let mut t = Table::new(&[
        ("file", "文件 file"),
        ("line", "行 line"),
        ("key", "记录 key"),
        ("column", "列 column"),
        ("old", "原值 old"),
        ("new", "新值 new"),
        ("reason", "理由 reason"),
        ("reference", "依据 reference"),
        ("by", "经办人 by"),
        ("source", "更正来源 source"),
    ]);
    for c in &run.corrections {
        t.rows.push(vec![
            Cell::text(&c.file),
            Cell::Int(c.line as i64),
            Cell::text(&c.key),
            Cell::text(&c.column),
            Cell::text(&c.old),
            Cell::text(&c.new),
            Cell::text(&c.reason),
            Cell::text(&c.reference),
            Cell::text(&c.by),
            Cell::text(&c.source),
        ]);
    }
    t
}

/// Enterprises whose total or class differs from an earlier run's enterprises.csv (its text; `source` names
/// it in errors), or that are new or gone.
pub fn diff_previous(text: &str, source: &str, run: &Run) -> Result<Table> {
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let h = r.headers().map_err(|e| Error::file(source, e.to_string()))?.clone();
    let col = |n: &str| h.iter().position(|x| x == n).ok_or_else(|| Error::file(source, format!("no column {n}")));
    let (ci, ct, cc, cr) = (col("enterprise_id")?, col("total")?, col("class")?, col("rank")?);
    let mut before: BTreeMap<String, (String, String, String)> = BTreeMap::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| Error::file(source, e.to_string()))?;
        let g = |i: usize| rec.get(i).unwrap_or("").to_string();
        before.insert(g(ci), (g(ct), g(cc), g(cr)));
    }
    let mut t = Table::new(&[
        ("enterprise_id", "统一社会信用代码 enterprise_id"),
        ("name", "企业名称 name"),
        ("total_before", "原总分 total_before"),
        ("total_after", "新总分 total_after"),
        ("class_before", "原等级 class_before"),
        ("class_after", "新等级 class_after"),
        ("rank_before", "原排名 rank_before"),
        ("rank_after", "新排名 rank_after"),
        ("change", "变化 change"),
    ]);
    let mut after: BTreeMap<String, usize> = BTreeMap::new();
    for (i, e) in run.data.enterprises.iter().enumerate() {
        after.insert(e.id.to_string(), i);
    }
    let ids: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for id in ids {
        let now = after.get(id).map(|&i| {
            let s = &run.scored[i];
            (
                run.data.enterprises[i].name.clone(),
                s.total_text.to_string(),
                s.class.to_string(),
                s.rank.map(|r| r.to_string()).unwrap_or_default(),
            )
        });
        let was = before.get(id);
        let change = match (was, &now) {
            (None, Some(_)) => "new".to_string(),
            (Some(_), None) => "gone".to_string(),
            (Some((t0, c0, _)), Some((_, t1, c1, _))) => {
                let mut v = Vec::new();
                if t0 != t1 {
                    v.push("score");
                }
                if c0 != c1 {
                    v.push("class");
                }
                v.join("+")
            }
            (None, None) => String::new(),
        };
        if change.is_empty() {
            continue;
        }
        let (name, t1, c1, r1) = now.unwrap_or_default();
        let (t0, c0, r0) = was.cloned().unwrap_or_default();
        t.rows.push(vec![
            Cell::text(id.as_str()),
            Cell::text(name),
            Cell::Dec(t0),
            Cell::Dec(t1),
            Cell::text(c0),
            Cell::text(c1),
            Cell::text(r0),
            Cell::text(r1),
            Cell::text(change),
        ]);
    }
    Ok(t)
}
