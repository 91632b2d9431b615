//! Reading the checks file (验收 / 复核 results): one check per project and stage is used (the latest on or
//! before the as-of date); the others, and rows that cannot be linked, are listed in the exceptions.

use super::columns;
use super::input::{account, extra_cells, fail, Check, Ctx, Inputs, RowResult};
use super::rules::Loaded;
use crate::dataset::Exception;
use crate::dates;
use crate::error::{Error, Result};
use crate::ingest::RawTable;
use crate::method::expr::Value;
use crate::schema::{Action, FileKind, ReasonCode as R};
use crate::validate::numbers::{self, NO_UNITS};
use std::collections::{BTreeMap, HashMap, HashSet};

pub(super) fn read_checks(
    t: &RawTable,
    rules: &Loaded,
    as_of: i64,
    projects_file: &str,
    excluded_projects: &HashMap<String, usize>,
    inputs: &mut Inputs,
) -> Result<()> {
    let cols = columns::check_cols();
    let map = columns::map(&t.file, &cols, &t.headers)?;
    for (i, c) in cols.iter().enumerate() {
        if let Some(h) = &map.unit_hint[i] {
            let units = columns::check_units(&c.name);
            if !units.is_empty() && !units.iter().any(|(u, f)| u == h && *f == 1.0) {
                let ok: Vec<&str> = units.iter().filter(|(_, f)| *f == 1.0).map(|(u, _)| *u).collect();
                return Err(Error::BadInput(format!(
                    "{}: header unit '{h}' of {}: use {}",
                    t.file,
                    c.name,
                    ok.join(" or ")
                )));
            }
        }
    }
    inputs.check_extra = map.extra.iter().map(|(_, n)| n.clone()).collect();
    let index: HashMap<&str, usize> = inputs.projects.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect();
    let mut excluded = HashSet::new();
    let mut used: HashMap<(usize, usize), Check> = HashMap::new();
    for raw in &t.rows {
        let mut c =
            Ctx { file: &t.file, map: &map, cols: &cols, raw, who: String::new(), enterprise_id: String::new() };
        let id = c.cell("project_id").to_string();
        let project = index.get(id.as_str()).copied();
        if let Some(p) = project {
            c.enterprise_id = inputs.projects[p].enterprise_id.clone();
        }
        if !id.is_empty() {
            c.who = format!("project {id}: ");
        }
        let mut warnings = Vec::new();
        let row = check_row(&c, rules, as_of, project, &id, projects_file, excluded_projects, &mut warnings);
        match row {
            Ok(check) => {
                inputs.exceptions.extend(warnings);
                let key = (check.project, check.stage);
                match used.remove(&key) {
                    None => {
                        used.insert(key, check);
                    }
                    Some(prev) => {
                        let (keep, drop) = if check.date > prev.date { (check, prev) } else { (prev, check) };
                        let reason = if keep.date == drop.date {
                            format!("duplicate: a check of the same stage on the same date is at line {}", keep.line)
                        } else {
                            format!(
                                "superseded by the later check of {} at line {}",
                                dates::format(keep.date),
                                keep.line
                            )
                        };
                        excluded.insert(drop.line);
                        let code = if keep.date == drop.date { R::CheckDuplicate } else { R::CheckNotUsed };
                        let mut e = c.ex("check_date", code, reason, Action::Excluded);
                        e.line = drop.line;
                        inputs.exceptions.push(e);
                        used.insert(key, keep);
                    }
                }
            }
            Err((column, code, reason)) => {
                excluded.insert(raw.line);
                inputs.exceptions.push(c.ex(&column, code, reason, Action::Excluded));
            }
        }
    }
    inputs.checks = used;
    inputs.accounts.push(account(t, FileKind::Checks, &excluded));
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn check_row(
    c: &Ctx,
    rules: &Loaded,
    as_of: i64,
    project: Option<usize>,
    id: &str,
    projects_file: &str,
    excluded_projects: &HashMap<String, usize>,
    warnings: &mut Vec<Exception>,
) -> RowResult<Check> {
    if id.is_empty() {
        return Err(fail("project_id", R::ProjectIdEmpty, "project_id is empty".into()));
    }
    let Some(project) = project else {
        let r = match excluded_projects.get(id) {
            Some(line) => format!("the project's row in {projects_file} (line {line}) was excluded"),
            None => format!("project_id '{id}' is not in {projects_file}"),
        };
        return Err(fail("project_id", R::ProjectUnknown, r));
    };
    let stage_text = c.cell("stage");
    let stage = rules.stage_of(stage_text).ok_or_else(|| {
        let names: Vec<&str> = rules.rules.stages.iter().map(|s| s.name.as_str()).collect();
        fail("stage", R::StageInvalid, format!("stage '{stage_text}' is not one of {}", names.join(", ")))
    })?;
    let date = super::input::date_cell(c, "check_date", true)?.unwrap_or_default();
    if date > as_of {
        let (d, a) = (dates::format(date), dates::format(as_of));
        let r = format!("dated {d} after --as-of {a}; not used for this as-of date");
        return Err(fail("check_date", R::CheckNotUsed, r));
    }
    let mut values = BTreeMap::new();
    values.insert("check_date".to_string(), Value::Num(date as f64));
    let review_year = match c.cell("review_year") {
        "" => None,
        y => match y.trim_end_matches('年').parse::<i64>() {
            Ok(v) if (1900..=2200).contains(&v) => Some(v),
            _ => {
                let r = format!("review_year '{y}' is not a year such as 2024");
                warnings.push(c.ex("review_year", R::DateInvalid, r, Action::KeptAsMissing));
                None
            }
        },
    };
    values.insert("review_year".into(), review_year.map_or(Value::Missing, |y| Value::Num(y as f64)));
    for col in columns::check_cols().iter().skip(4) {
        let v = match numbers::parse(c.cell(&col.name), columns::check_units(&col.name)) {
            Ok(v) => v,
            Err(r) => {
                warnings.push(c.ex(&col.name, R::NumberInvalid, r, Action::KeptAsMissing));
                None
            }
        };
        values.insert(col.name.clone(), v.map_or(Value::Missing, Value::Num));
    }
    let extra = extra_cells(c.map, c.raw);
    for ((_, name), cell) in c.map.extra.iter().zip(&extra) {
        let v = match numbers::parse(cell, NO_UNITS) {
            Ok(Some(x)) => Value::Num(x),
            Ok(None) => Value::Missing,
            Err(_) => Value::Str(cell.trim().into()),
        };
        values.insert(name.clone(), v);
    }
    Ok(Check { project, stage, date, review_year, values, extra, line: c.raw.line, derived_note: None })
}
