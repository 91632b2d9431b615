//! Corrections (异议复核): a folder with files of the same kinds and columns as the inputs, plus `reason`
//! and `reference`, optionally `by` (经办人) and `action` = delete / 删除. Each correction row finds the input row
//! with the same key (enterprise; enterprise + parcel + tenure; enterprise + quarter; enterprise + date +
//! kind) and replaces the cells it fills, or is added when no row matches. A `-` cell clears a value;
//! an empty cell changes nothing. Every change is recorded for the audit table. Corrected rows then go
//! through the same validation as any input row.

use super::columns::{self, defs};
use crate::ingest::{self, FileKind, RawRow, RawTable};
use crate::period::Quarter;
use std::collections::HashMap;
use std::path::Path;

/// One change made by a correction.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub file: String,
    /// Line of the input row changed (0 for an added row).
    pub line: usize,
    pub key: String,
    pub column: String,
    pub old: String,
    pub new: String,
    pub reason: String,
    pub reference: String,
    /// Who made the correction (`by` / 经办人 column), if given.
    pub by: String,
    /// File and line of the correction.
    pub source: String,
}

fn key_columns(kind: FileKind) -> &'static [&'static str] {
    match kind {
        FileKind::Enterprises => &["enterprise_id"],
        FileKind::Land => &["enterprise_id", "parcel_id", "tenure"],
        FileKind::Output | FileKind::Tax => &["enterprise_id", "period"],
        FileKind::Events => &["enterprise_id", "date", "kind"],
        FileKind::Projects | FileKind::Checks | FileKind::Payments | FileKind::ProjectEvents => &[],
    }
}

fn norm(column: &str, v: &str) -> String {
    match column {
        "enterprise_id" => crate::ids::normalize(v),
        "period" => Quarter::parse(v).map(|q| q.to_string()).unwrap_or_else(|| v.trim().to_string()),
        "date" => crate::dates::parse(v).map(crate::dates::format).unwrap_or_else(|| v.trim().to_string()),
        _ => v.trim().to_string(),
    }
}

fn extra_value(table: &RawTable, row: &RawRow, names: &[&str]) -> String {
    table
        .headers
        .iter()
        .position(|h| names.contains(&columns::split_header(h).0.to_lowercase().as_str()))
        .and_then(|p| row.cells.get(p))
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// Applies the corrections folder to the raw input tables; returns the changes made.
pub fn apply(tables: &mut [(FileKind, RawTable)], dir: &Path) -> Result<Vec<Change>, super::InputError> {
    let mut changes = Vec::new();
    for (kind, table) in tables.iter_mut() {
        let Some(path) = ingest::find(dir, *kind).ok().flatten() else { continue };
        let corr = ingest::read(&path)?;
        let bad = |problems| super::InputError::Header { file: format!("corrections/{}", corr.file), problems };
        let cmap = columns::map_headers(*kind, &corr.headers).map_err(|p| bad(super::describe(&p)))?;
        let mut dmap = columns::map_headers(*kind, &table.headers)
            .map_err(|p| super::InputError::Header { file: table.file.clone(), problems: super::describe(&p) })?;
        let d = defs(*kind);
        let pos = |name: &str| d.iter().position(|c| c.name == name).expect("key column");
        let keys = key_columns(*kind);
        let key_of = |map: &columns::HeaderMap, row: &RawRow| -> String {
            keys.iter()
                .map(|k| map.index[pos(k)].and_then(|p| row.cells.get(p)).map(|v| norm(k, v)).unwrap_or_default())
                .collect::<Vec<_>>()
                .join(" | ")
        };
        let mut index: HashMap<String, usize> =
            table.rows.iter().enumerate().map(|(i, r)| (key_of(&dmap, r), i)).collect();
        let mut deleted = Vec::new();
        for crow in &corr.rows {
            let key = key_of(&cmap, crow);
            let reason = extra_value(&corr, crow, &["reason", "理由", "更正理由"]);
            let reference = extra_value(&corr, crow, &["reference", "依据", "文号"]);
            let action = extra_value(&corr, crow, &["action", "操作"]);
            let by = extra_value(&corr, crow, &["by", "经办人", "changed_by"]);
            let source = format!("{} line {}", path.display(), crow.line);
            let change = |line: usize, column: &str, old: &str, new: &str| Change {
                file: table.file.clone(),
                line,
                key: key.clone(),
                column: column.to_string(),
                old: old.to_string(),
                new: new.to_string(),
                reason: reason.clone(),
                reference: reference.clone(),
                by: by.clone(),
                source: source.clone(),
            };
            match index.get(&key).copied() {
                Some(i) if matches!(action.as_str(), "delete" | "删除") => {
                    changes.push(change(table.rows[i].line, "(row)", "present", "deleted"));
                    deleted.push(i);
                    index.remove(&key);
                }
                Some(i) => {
                    for (c, def) in d.iter().enumerate() {
                        let Some(v) = cmap.index[c].and_then(|p| crow.cells.get(p)).filter(|v| !v.trim().is_empty())
                        else {
                            continue;
                        };
                        if keys.contains(&def.name) {
                            continue;
                        }
                        let p = match dmap.index[c] {
                            Some(p) => p,
                            None => {
                                // The input lacks this optional column: add it, empty for every row.
                                table.headers.push(def.name.to_string());
                                table
                                    .rows
                                    .iter_mut()
                                    .for_each(|r| r.cells.resize(table.headers.len() - 1, String::new()));
                                dmap.index[c] = Some(table.headers.len() - 1);
                                table.headers.len() - 1
                            }
                        };
                        let row = &mut table.rows[i];
                        if row.cells.len() <= p {
                            row.cells.resize(p + 1, String::new());
                        }
                        let new = if v.trim() == "-" { String::new() } else { v.trim().to_string() };
                        if row.cells[p].trim() != new {
                            changes.push(change(row.line, def.name, &row.cells[p], &new));
                            row.cells[p] = new;
                        }
                    }
                }
                None => {
                    let mut cells = vec![String::new(); table.headers.len()];
                    for (c, _) in d.iter().enumerate() {
                        if let (Some(dp), Some(v)) = (dmap.index[c], cmap.index[c].and_then(|p| crow.cells.get(p))) {
                            cells[dp] = v.clone();
                        }
                    }
                    changes.push(change(0, "(row)", "absent", "added"));
                    index.insert(key.clone(), table.rows.len());
                    table.rows.push(RawRow { line: 0, cells });
                }
            }
        }
        deleted.sort_unstable();
        for i in deleted.into_iter().rev() {
            table.rows.remove(i);
        }
    }
    Ok(changes)
}
