//! XLSX (and XLS) input through calamine: the first worksheet, its first non-empty row as the header.

use super::{Parsed, RawRow};
use calamine::{open_workbook_auto, Data, Reader};
use std::path::Path;

/// Text of one cell. Whole floats print without ".0"; dates become YYYY-MM-DD; error cells keep their
/// Excel spelling (`#DIV/0!`) so the number check names them.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                format!("{f}")
            }
        }
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => match crate::dates::from_excel_serial(dt.as_f64()) {
            Some(d) => crate::dates::format(d),
            None => format!("{}", dt.as_f64()),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

pub fn read(path: &Path) -> Result<Parsed, String> {
    let mut wb = open_workbook_auto(path).map_err(|e| format!("is not a readable workbook: {e}"))?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or_else(|| "has no worksheet".to_string())?
        .map_err(|e| format!("first worksheet cannot be read: {e}"))?;
    let first_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let first_col = range.start().map(|(_, c)| c as usize).unwrap_or(0);
    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let mut cells: Vec<String> = vec![String::new(); first_col];
        cells.extend(row.iter().map(cell_text));
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let line = first_row + i + 1;
        if headers.is_none() {
            headers = Some(cells);
        } else {
            rows.push(RawRow { line, cells });
        }
    }
    let headers = headers.ok_or_else(|| "first worksheet is empty".to_string())?;
    Ok((headers, rows, "XLSX".to_string()))
}
