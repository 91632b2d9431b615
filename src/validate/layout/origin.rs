//! Where a row came from when a file's rows are stacked from several worksheets (one per county, say):
//! row `r` of the `k`-th sheet read travels as line `k · STRIDE + r`, so rows keep their order and their
//! real sheet row, and each exception is written with the sheet and the row as the sheet shows them
//! (`output.xlsx[汉阴县]`, line 5).

use crate::dataset::Exception;

/// Sheet rows per stacked sheet in a line number: above the 1,048,576 rows of an XLSX sheet.
const STRIDE: usize = 1 << 21;

/// The sheets a file's rows came from; empty when the lines are the file's own (a CSV file, a workbook
/// with one visible sheet).
#[derive(Debug, Clone, Default)]
pub struct Origin {
    sheets: Vec<String>,
}

impl Origin {
    /// Rows of the sheets `names`, in this order.
    pub fn sheets(names: Vec<String>) -> Origin {
        Origin { sheets: names }
    }

    /// The line that row `row` of the `sheet`-th sheet travels as.
    pub fn line(sheet: usize, row: usize) -> usize {
        sheet * STRIDE + row
    }

    /// The sheet a line is on (none for a file without sheets, or a row added by a correction, line 0).
    pub fn sheet(&self, line: usize) -> Option<&str> {
        (line > 0).then(|| self.sheets.get(line / STRIDE).map(String::as_str)).flatten()
    }

    /// The row as the file or sheet shows it.
    pub fn real(&self, line: usize) -> usize {
        if self.sheets.is_empty() {
            line
        } else {
            line % STRIDE
        }
    }

    /// The file as exceptions name it: `output.xlsx[汉阴县]` for a row of a sheet.
    pub fn file(&self, file: &str, line: usize) -> String {
        match self.sheet(line) {
            Some(s) => format!("{file}[{s}]"),
            None => file.to_string(),
        }
    }

    /// A line in words, for reasons that point at another row: `line 5`, `line 5 of sheet 汉阴县`.
    pub fn at(&self, line: usize) -> String {
        match self.sheet(line) {
            Some(s) => format!("line {} of sheet {s}", self.real(line)),
            None => format!("line {line}"),
        }
    }

    /// Writes each exception's file and line as the sheet shows them.
    pub fn relocate(&self, exceptions: &mut [Exception]) {
        if self.sheets.is_empty() {
            return;
        }
        for e in exceptions {
            e.file = self.file(&e.file, e.line);
            e.line = self.real(e.line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacked_lines_read_back_as_sheet_rows() {
        let o = Origin::sheets(vec!["汉滨区".into(), "汉阴县".into()]);
        let l = Origin::line(1, 5);
        assert_eq!((o.sheet(l), o.real(l)), (Some("汉阴县"), 5));
        assert_eq!(o.file("output.xlsx", l), "output.xlsx[汉阴县]");
        assert_eq!(o.at(Origin::line(0, 7)), "line 7 of sheet 汉滨区");
        // A row added by a correction (line 0) has no sheet.
        assert_eq!((o.file("output.xlsx", 0), o.real(0)), ("output.xlsx".to_string(), 0));
        let plain = Origin::default();
        assert_eq!((plain.file("land.csv", 9), plain.real(9), plain.at(9)), ("land.csv".into(), 9, "line 9".into()));
    }
}
