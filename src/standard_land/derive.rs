//! Desk review from the evaluation data (optional, `[derive] from_evaluation = true`): when a project's
//! review stage (达产复核) is past its due date and has no check row, but the same data folder holds the
//! evaluation files (enterprises, land, output, tax), the review year's tax, value added and energy of the
//! project's enterprise stand in for the check row. The note column says so on every such row.
//!
//! Review year: the last calendar year that ends on or before the stage's due date (due 2024-12-31 →
//! 2024; due 2025-06-30 → 2024). A figure is used only when all four quarters of that year are present.

use super::input::{Check, Inputs};
use super::rules::Loaded;
use crate::dataset::{Dataset, Exception};
use crate::dates;
use crate::method::expr::Value;
use crate::schema::FileKind;
use std::collections::BTreeMap;

/// The review year for a due date.
pub fn review_year(due: i64) -> i32 {
    let (y, m, d) = dates::civil_from_days(due);
    if m == 12 && d == 31 {
        y
    } else {
        y - 1
    }
}

/// Adds derived checks for the derive stage of projects that lack one; returns how many were added.
pub fn fill(
    evaluation: Option<&std::result::Result<Dataset, String>>,
    inputs: &mut Inputs,
    rules: &Loaded,
    as_of: i64,
) -> usize {
    let Some(stage) = rules.derive_stage else { return 0 };
    let due_col = rules.rules.stages[stage].due.clone();
    let data = match evaluation {
        Some(Ok(d)) => d,
        None => return 0,
        Some(Err(e)) => {
            inputs.exceptions.push(Exception {
                file: String::new(),
                line: 0,
                column: String::new(),
                enterprise_id: String::new(),
                code: crate::schema::ReasonCode::DeriveFailed,
                reason: format!("[derive] from_evaluation is on, but the evaluation data cannot be read: {e}"),
                action: crate::schema::Action::NothingDerived,
            });
            return 0;
        }
    };
    let mut added = 0;
    for p in 0..inputs.projects.len() {
        let project = &inputs.projects[p];
        let Some(due) = project.due(&due_col) else { continue };
        if inputs.checks.contains_key(&(p, stage)) || due >= as_of {
            continue;
        }
        let year = review_year(due);
        let Some(e) = data.enterprises.iter().position(|x| x.id == project.enterprise_id) else { continue };
        let (values, note) = figures(data, e, year);
        if values.values().all(|v| *v == Value::Missing) {
            continue;
        }
        let mut values = values;
        values.insert("review_year".into(), Value::Num(year as f64));
        values.insert("check_date".into(), Value::Num(as_of as f64));
        let check = Check {
            project: p,
            stage,
            date: as_of,
            review_year: Some(year as i64),
            values,
            extra: Vec::new(),
            line: 0,
            derived_note: Some(note),
        };
        inputs.checks.insert((p, stage), check);
        added += 1;
    }
    added
}

/// The year's tax, value added and energy of one enterprise, and the note saying where they come from.
fn figures(data: &Dataset, e: usize, year: i32) -> (BTreeMap<String, Value>, String) {
    let file = |kind: FileKind| {
        data.accounts.iter().find(|a| a.kind == kind).map(|a| a.file.clone()).unwrap_or_else(|| kind.to_string())
    };
    let mut values = BTreeMap::new();
    let tax: Vec<f64> =
        data.tax.iter().filter(|t| t.enterprise() == e && t.quarter.year == year).map(|t| t.tax_paid).collect();
    let tax_v = if tax.len() == 4 { Value::Num(tax.iter().sum()) } else { Value::Missing };
    values.insert("tax".to_string(), tax_v);
    let out: Vec<_> = data.output.iter().filter(|o| o.enterprise() == e && o.quarter.year == year).collect();
    for (name, i) in [("value_added", 1), ("energy_tce", 2)] {
        let xs: Vec<f64> = out.iter().filter_map(|o| o.value(i)).collect();
        values.insert(name.to_string(), if xs.len() == 4 { Value::Num(xs.iter().sum()) } else { Value::Missing });
    }
    let note = format!(
        "derived from {} and {} for {year} (no check row; [derive] from_evaluation); {} tax quarters, {} output quarters",
        file(FileKind::Tax),
        file(FileKind::Output),
        tax.len(),
        out.len()
    );
    (values, note)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn review_year_is_the_last_full_year_by_the_due_date() {
        assert_eq!(review_year(dates::days_from_civil(2024, 12, 31)), 2024);
        assert_eq!(review_year(dates::days_from_civil(2025, 6, 30)), 2024);
    }
}
