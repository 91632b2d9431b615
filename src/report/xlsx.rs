//! The workbook writer: one sheet per table, with a bold frozen header and an autofilter, a number format
//! per column, widths that fit the Chinese headers (a CJK character is two columns wide), and coded words
//! (statuses, reasons, actions, classes) in Chinese with the code in its own column beside them. The CSV
//! files keep the codes alone: only the workbook shows words, so scripts reading the CSV see no change.

use super::table::{is_formula_like, neutralize, write_atomic, Cell, Coded, Table};
use crate::schema::Field;
use rust_xlsxwriter::{Format, Workbook, Worksheet};

/// How a workbook shows a column; the CSV ignores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Show {
    /// From the cells: numbers with the most decimals any cell of the column is written with (`Num(_, 2)`
    /// or `Dec("85.50")` → 0.00), whole numbers as counts (#,##0).
    #[default]
    Auto,
    /// Amounts in 万元: #,##0.00, whatever the decimals of the cells.
    Money,
    /// Whole numbers that name rather than count (ranks, years, line numbers): 0, no thousands separator,
    /// so 2025 never reads 2,025.
    Plain,
    /// A fixed number of decimals, for values written at full precision (benchmarks).
    Fixed(usize),
    /// Coded words ([`Cell::Coded`]): the words in this column, the code in a column after it.
    Coded,
}

impl Show {
    /// A figure's column by its unit: amounts in 万元 as money, the rest from the cells.
    pub fn of_field(f: Field) -> Show {
        if f.unit() == "万元" {
            Show::Money
        } else {
            Show::Auto
        }
    }
}

/// The widest a column is made (in character widths): a long reason wraps nowhere, but a column of 60
/// is as much as a screen shows beside the name.
const MAX_WIDTH: usize = 60;
/// Room for the header's filter button and the bold face (about two characters).
const HEADER_PAD: usize = 4;

/// Display width of text in character widths: East Asian wide and full-width characters count two.
pub fn text_width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F          // Hangul Jamo
        | 0x2E80..=0x303E        // CJK radicals, punctuation (、。《》)
        | 0x3041..=0x33FF        // kana, CJK compatibility
        | 0x3400..=0x4DBF        // CJK extension A
        | 0x4E00..=0x9FFF        // CJK unified ideographs
        | 0xA000..=0xA4CF        // Yi
        | 0xAC00..=0xD7A3        // Hangul syllables
        | 0xF900..=0xFAFF        // CJK compatibility ideographs
        | 0xFE30..=0xFE4F        // CJK compatibility forms
        | 0xFF00..=0xFF60        // full-width forms (，（）：)
        | 0xFFE0..=0xFFE6        // full-width signs (￥)
        | 0x20000..=0x3FFFD) // CJK extensions B and on
}

/// `0`, `0.00`, `0.0000` …: a number with `d` decimals and no thousands separator.
fn fixed(d: usize) -> String {
    if d == 0 {
        "0".into()
    } else {
        format!("0.{}", "0".repeat(d))
    }
}

/// Decimals a number written as text has (`85.50` → 2); `None` if it is not a number.
fn text_decimals(s: &str) -> Option<usize> {
    s.parse::<f64>().ok().filter(|v| v.is_finite())?;
    Some(s.split_once('.').map_or(0, |(_, frac)| frac.bytes().take_while(u8::is_ascii_digit).count()))
}

/// The number format of column `c` of `t`, or `None` for a column without numbers.
pub fn number_format(t: &Table, c: usize) -> Option<String> {
    match t.show(c) {
        Show::Money => Some("#,##0.00".into()),
        Show::Plain => Some("0".into()),
        Show::Fixed(d) => Some(fixed(d)),
        Show::Coded => None,
        Show::Auto => {
            // The most decimals of any number in the column; only whole numbers: a count.
            let (mut decimals, mut whole) = (None::<usize>, false);
            for cell in t.rows.iter().filter_map(|r| r.get(c)) {
                let d = match cell {
                    Cell::Num(v, d) if v.is_finite() => Some(*d),
                    Cell::Dec(s) => text_decimals(s),
                    Cell::Int(_) => {
                        whole = true;
                        None
                    }
                    _ => None,
                };
                decimals = decimals.max(d);
            }
            match (decimals, whole) {
                (Some(d), _) => Some(fixed(d)),
                (None, true) => Some("#,##0".into()),
                (None, false) => None,
            }
        }
    }
}

/// Width of a number shown with `decimals` decimals, thousands separators if `grouped`.
fn number_width(v: f64, decimals: usize, grouped: bool) -> usize {
    let digits = if v.abs() < 1.0 { 1 } else { v.abs().log10().floor() as usize + 1 };
    let separators = if grouped { (digits - 1) / 3 } else { 0 };
    digits + separators + usize::from(v < 0.0) + if decimals > 0 { decimals + 1 } else { 0 }
}

/// Width of a cell as the workbook shows it in a column of `format`; for a coded cell, its words.
fn cell_width(cell: &Cell, format: Option<&str>) -> usize {
    let grouped = format.is_some_and(|f| f.starts_with("#,##"));
    let shown = format.map_or(0, |f| f.split_once('.').map_or(0, |(_, z)| z.len()));
    match cell {
        // With the apostrophe a formula-like text is given.
        Cell::Text(s) => text_width(s) + usize::from(is_formula_like(s)),
        Cell::Coded(x) => text_width(&x.words),
        Cell::Num(v, _) if v.is_finite() => number_width(*v, shown, grouped),
        Cell::Int(i) => number_width(*i as f64, shown, grouped),
        Cell::Dec(s) => s.parse::<f64>().map_or(text_width(s), |v| number_width(v, shown, grouped)),
        Cell::Num(..) | Cell::Empty => 0,
    }
}

/// A column width that fits the header (with its filter button) and the widest cell, at most
/// [`MAX_WIDTH`].
fn fit(header: &str, cells: impl Iterator<Item = usize>) -> f64 {
    let widest = cells.max().unwrap_or(0) + 2;
    (text_width(header) + HEADER_PAD).max(widest).clamp(8, MAX_WIDTH) as f64
}

/// One workbook with a sheet per table (sheet names ≤ 31 characters, Chinese allowed).
pub fn write_xlsx(path: &std::path::Path, sheets: &[(&str, &Table)]) -> Result<(), String> {
    let mut wb = Workbook::new();
    // A fixed creation time (Excel would stamp the current one), so the same run gives the same bytes.
    let created = rust_xlsxwriter::ExcelDateTime::from_ymd(2000, 1, 1).map_err(|e| e.to_string())?;
    wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&created));
    for (name, t) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).map_err(|e| e.to_string())?;
        write_sheet(ws, t).map_err(|e| e.to_string())?;
    }
    let bytes = wb.save_to_buffer().map_err(|e| e.to_string())?;
    write_atomic(path, &bytes).map_err(|e| e.to_string())
}

/// The header, column formats and widths, the rows, the frozen header and the filter of one sheet.
fn write_sheet(ws: &mut Worksheet, t: &Table) -> Result<(), rust_xlsxwriter::XlsxError> {
    let bold = Format::new().set_bold();
    // Where each table column starts in the sheet: a coded column takes two.
    let mut at = Vec::with_capacity(t.columns.len());
    let mut next: u16 = 0;
    for c in 0..t.columns.len() {
        at.push(next);
        next += if t.show(c) == Show::Coded { 2 } else { 1 };
    }
    for (c, label) in t.labels.iter().enumerate() {
        let x = at[c];
        let cells = || t.rows.iter().filter_map(move |r| r.get(c));
        ws.write_string_with_format(0, x, label, &bold)?;
        if t.show(c) == Show::Coded {
            let code_label = format!("代码 {}", t.columns[c]);
            let code = |cell: &Cell| if let Cell::Coded(k) = cell { text_width(&k.code) } else { 0 };
            ws.write_string_with_format(0, x + 1, &code_label, &bold)?;
            ws.set_column_width(x, fit(label, cells().map(|cell| cell_width(cell, None))))?;
            ws.set_column_width(x + 1, fit(&code_label, cells().map(code)))?;
            continue;
        }
        let format = number_format(t, c);
        if let Some(f) = &format {
            // Cells written without a format take their column's.
            ws.set_column_format(x, &Format::new().set_num_format(f))?;
        }
        ws.set_column_width(x, fit(label, cells().map(|cell| cell_width(cell, format.as_deref()))))?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (cell, &x) in row.iter().zip(&at) {
            write_cell(ws, r, x, cell)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, t.rows.len() as u32, next.max(1) - 1)?;
    Ok(())
}

fn write_cell(ws: &mut Worksheet, r: u32, x: u16, cell: &Cell) -> Result<(), rust_xlsxwriter::XlsxError> {
    match cell {
        Cell::Text(s) => ws.write_string(r, x, neutralize(s)).map(|_| ()),
        Cell::Coded(k) => {
            let Coded { code, words } = &**k;
            ws.write_string(r, x, neutralize(words))?;
            ws.write_string(r, x + 1, neutralize(code)).map(|_| ())
        }
        // Non-finite numbers are left empty, as in CSV (and Excel cannot store them).
        Cell::Num(v, _) if !v.is_finite() => Ok(()),
        Cell::Num(v, d) => ws.write_number(r, x, crate::decimal::round_half_up(*v, *d)).map(|_| ()),
        Cell::Int(i) => ws.write_number(r, x, *i as f64).map(|_| ()),
        Cell::Dec(s) => match s.parse::<f64>() {
            Ok(v) if !v.is_finite() => Ok(()),
            Ok(v) => ws.write_number(r, x, v).map(|_| ()),
            Err(_) => ws.write_string(r, x, neutralize(s)).map(|_| ()),
        },
        Cell::Empty => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workbook written twice, a second apart, has the same bytes (no creation time stamped).
    #[test]
    fn workbooks_do_not_depend_on_the_clock() {
        let dir = tempfile::tempdir().unwrap();
        let mut t = Table::new(&[("name", "企业名称"), ("status", "状态 status")]);
        t.set_show(&["status"], Show::Coded);
        t.rows.push(vec![Cell::text("汉滨精工"), Cell::word(crate::schema::Status::Graded)]);
        let (a, b) = (dir.path().join("a.xlsx"), dir.path().join("b.xlsx"));
        write_xlsx(&a, &[("表", &t)]).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        write_xlsx(&b, &[("表", &t)]).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    }

    #[test]
    fn chinese_counts_double() {
        // 8 CJK characters × 2 + a space + 13 letters = 30; full-width （） count 2 each.
        assert_eq!(text_width("统一社会信用代码 enterprise_id"), 30);
        assert_eq!(text_width("用地（亩）"), 10);
        // The header fits with its filter button: 30 + 4; narrow columns get 8; long text stops at 60.
        assert_eq!(fit("统一社会信用代码 enterprise_id", [18].into_iter()), 34.0);
        assert_eq!(fit("id", [1].into_iter()), 8.0);
        assert_eq!(fit("说明", [200].into_iter()), 60.0);
        // 1234567.891 with 2 decimals and separators: 1,234,567.89 is 12 wide; −0.5 with 4: −0.5000 is 7.
        assert_eq!(number_width(1234567.891, 2, true), 12);
        assert_eq!(number_width(-0.5, 4, false), 7);
    }

    #[test]
    fn formats_come_from_the_cells_unless_the_column_says() {
        let mut t = Table::new(&[("a", "a"), ("b", "b"), ("c", "c"), ("d", "d"), ("e", "e"), ("f", "f")]);
        t.set_show(&["d"], Show::Money);
        t.set_show(&["e"], Show::Plain);
        t.set_show(&["f"], Show::Fixed(3));
        t.rows.push(vec![
            Cell::Num(1.5, 4),
            Cell::Int(3),
            Cell::Dec("85.50".into()),
            Cell::Num(2.0, 4),
            Cell::Int(2025),
            Cell::Dec("0.1234567".into()),
        ]);
        // A column's format takes the most decimals of its cells: 2 then 0 → 0.00.
        t.rows.push(vec![Cell::Empty, Cell::Int(4), Cell::Dec("7".into()), Cell::Empty, Cell::Empty, Cell::Empty]);
        let got: Vec<Option<String>> = (0..6).map(|c| number_format(&t, c)).collect();
        let want = ["0.0000", "#,##0", "0.00", "#,##0.00", "0", "0.000"];
        assert_eq!(got, want.map(|w| Some(w.to_string())));
        let mut text = Table::new(&[("name", "企业名称")]);
        text.rows.push(vec![Cell::text("汉滨精工")]);
        assert_eq!(number_format(&text, 0), None);
    }
}
