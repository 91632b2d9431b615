//! XLSX (and XLS) input through calamine: the first visible worksheet, its first non-empty row as the header.

use super::{Parsed, RawRow};
use calamine::{open_workbook_auto, Data, Reader, SheetType, SheetVisible, Sheets};
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
        // Display gives Excel's spelling (#DIV/0!, #N/A).
        Data::Error(e) => e.to_string(),
    }
}

pub fn read(path: &Path) -> Result<Parsed, String> {
    let mut wb = open_workbook_auto(path).map_err(|e| format!("is not a readable workbook: {e}"))?;
    // The first visible worksheet: a hidden first sheet is usually a lookup list, not the data.
    let sheets = wb.sheets_metadata().to_vec();
    let visible = sheets.iter().find(|s| s.visible == SheetVisible::Visible && s.typ == SheetType::WorkSheet);
    let name = visible.or(sheets.first()).map(|s| s.name.clone()).ok_or_else(|| "has no worksheet".to_string())?;
    let mut range = wb.worksheet_range(&name).map_err(|e| format!("worksheet '{name}' cannot be read: {e}"))?;
    // A cell merged down over several rows (a county written once for its firms) holds its value in
    // every row it covers, as the reader of the sheet sees it.
    if let Sheets::Xlsx(x) = &mut wb {
        let end = range.end().unwrap_or((0, 0));
        for d in x.merge_cells_by_sheet_name(&name).unwrap_or_default() {
            if d.start.1 != d.end.1 || d.start.0 >= d.end.0 {
                continue;
            }
            let Some(v) = range.get_value(d.start).filter(|v| !matches!(v, Data::Empty)).cloned() else { continue };
            for r in d.start.0 + 1..=d.end.0.min(end.0) {
                range.set_value((r, d.start.1), v.clone());
            }
        }
    }
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
    let headers = headers.ok_or_else(|| format!("worksheet '{name}' is empty"))?;
    Ok((headers, rows, "XLSX".to_string()))
}
