//! XLSX (and XLS) input through calamine: the visible worksheets, each read as rows of text cells with
//! their sheet row numbers. `Source::open` takes the first visible sheet and its first non-empty row as the
//! header; the dataset's files go through `validate::layout`, which chooses sheets and finds the header.

use super::RawRow;
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

/// An open workbook: its visible worksheets by name, read one at a time as rows of text cells.
pub struct Workbook {
    inner: Sheets<std::io::BufReader<std::fs::File>>,
    /// The visible worksheets in workbook order (the first sheet when none is visible).
    pub names: Vec<String>,
}

impl Workbook {
    pub fn open(path: &Path) -> Result<Workbook, String> {
        let inner = open_workbook_auto(path).map_err(|e| format!("is not a readable workbook: {e}"))?;
        // Hidden sheets are usually lookup lists, not data.
        let sheets = inner.sheets_metadata().to_vec();
        let mut names: Vec<String> = sheets
            .iter()
            .filter(|s| s.visible == SheetVisible::Visible && s.typ == SheetType::WorkSheet)
            .map(|s| s.name.clone())
            .collect();
        if names.is_empty() {
            names.extend(sheets.first().map(|s| s.name.clone()));
        }
        if names.is_empty() {
            return Err("has no worksheet".to_string());
        }
        Ok(Workbook { inner, names })
    }

    /// The non-empty rows of one worksheet as text cells, each with its sheet row number (1 = the sheet's
    /// first row), padded on the left to the sheet's first column.
    pub fn rows(&mut self, name: &str) -> Result<Vec<RawRow>, String> {
        let mut range =
            self.inner.worksheet_range(name).map_err(|e| format!("worksheet '{name}' cannot be read: {e}"))?;
        // A cell merged down over several rows (a county written once for its firms) holds its value in
        // every row it covers, as the reader of the sheet sees it. Cells merged across a row keep their
        // value in the first cell only (a group header's label is carried by the layout stage).
        if let Sheets::Xlsx(x) = &mut self.inner {
            let end = range.end().unwrap_or((0, 0));
            for d in x.merge_cells_by_sheet_name(name).unwrap_or_default() {
                if d.start.1 != d.end.1 || d.start.0 >= d.end.0 {
                    continue;
                }
                let Some(v) = range.get_value(d.start).filter(|v| !matches!(v, Data::Empty)).cloned() else {
                    continue;
                };
                for r in d.start.0 + 1..=d.end.0.min(end.0) {
                    range.set_value((r, d.start.1), v.clone());
                }
            }
        }
        let first_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
        let first_col = range.start().map(|(_, c)| c as usize).unwrap_or(0);
        let mut rows = Vec::new();
        for (i, row) in range.rows().enumerate() {
            let mut cells: Vec<String> = vec![String::new(); first_col];
            cells.extend(row.iter().map(cell_text));
            if !cells.iter().all(|c| c.trim().is_empty()) {
                rows.push(RawRow { line: first_row + i + 1, cells });
            }
        }
        Ok(rows)
    }
}
