//! The header of a bureau sheet: what each header cell names (a column of the kind, a figure of one
//! quarter or year-to-date span, or an extra column), the header row found below title and notes rows
//! (the first row naming the enterprise id and at least one more column), and two-row headers whose
//! group cells (营业收入 merged over 一季度 … 四季度) are carried over the empty cells to their right and
//! joined with the row below (`营业收入 / 一季度`).

use super::settings::{FileSettings, FILE_NAME};
use super::token::{self, Token};
use crate::ingest::{FileKind, RawRow};
use crate::schema::Field;
use crate::validate::columns::{defs, find_def, split_header};

/// What a header cell names.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Col {
    /// A column of the kind (its index in `columns::defs`).
    Plain(usize),
    /// A figure column of the kind for one period (一季度营业收入, 税收 / 1–6月).
    Wide(usize, Token),
    /// Not a column of the kind (carried through or ignored as today).
    Extra,
}

/// A header cell read: what it names and the header kept for it (the figure's header without the period
/// for a wide column: `营业收入（万元）`).
#[derive(Debug, Clone)]
pub struct Header {
    pub text: String,
    pub col: Col,
}

/// Rows searched for the header from the top of a sheet or file.
const SEARCH: usize = 30;

/// Words that, under a group label, mean the group's own figure (`税收 / 合计` is 税收).
const VALUE_WORDS: &[&str] = &["合计", "小计", "本期", "本年", "本期数", "本年数", "本年实际", "实际", "金额", "数值"];

/// Words around a period in a header that say nothing more (营业收入 / 本年累计 1–3月).
const FILLER: &[&str] = &["本年累计", "累计数", "累计", "本年", "本期", "数"];

/// Whether a column of `kind` holds a quarterly figure (the columns a wide layout spreads over quarters).
pub fn figure_column(kind: FileKind, def: usize) -> bool {
    let name = defs(kind)[def].name;
    match kind {
        FileKind::Output => Field::OUTPUT.iter().any(|f| f.name() == name),
        FileKind::Tax => name == "tax_paid",
        _ => false,
    }
}

/// What one header cell names.
pub fn classify(kind: FileKind, raw: &str) -> Header {
    let plain = |t: &str| find_def(kind, t).map(|(i, _)| i);
    let keep = |col| Header { text: raw.to_string(), col };
    if raw.trim().is_empty() {
        return keep(Col::Extra);
    }
    if let Some(i) = plain(raw) {
        return keep(Col::Plain(i));
    }
    if let Some((token, rest)) = token::find(raw) {
        let core = core(&rest);
        if let Some(i) = plain(&core).filter(|&i| figure_column(kind, i)) {
            return Header { text: core, col: Col::Wide(i, token) };
        }
    }
    if let Some((group, sub)) = raw.split_once(" / ") {
        if let Some(i) = plain(sub) {
            return Header { text: sub.to_string(), col: Col::Plain(i) };
        }
        if let Some(i) = plain(group).filter(|_| VALUE_WORDS.contains(&sub.trim())) {
            return Header { text: group.to_string(), col: Col::Plain(i) };
        }
    }
    keep(Col::Extra)
}

/// A header with its period taken out, tidied: the parts of a joined header put together, filler words
/// and emptied brackets dropped (`营业收入（万元） / ` → `营业收入（万元）`, `累计营业收入` → `营业收入`).
fn core(rest: &str) -> String {
    let mut out = String::new();
    for part in rest.split('/') {
        let part = part.replace("（）", "").replace("()", "");
        let (mut name, unit) = split_header(&part);
        while let Some(w) = FILLER.iter().find(|w| name.starts_with(*w) || name.ends_with(*w)) {
            name = name.strip_prefix(w).or_else(|| name.strip_suffix(w)).unwrap_or_default().trim().to_string();
        }
        out.push_str(&name);
        if let Some(u) = unit.filter(|u| !u.is_empty()) {
            out.push_str(&format!("（{u}）"));
        }
    }
    out
}

/// How well a row reads as the header of `kind`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// Columns of the kind named (each once), plus the wide figure columns.
    pub matched: usize,
    /// Whether the enterprise id column is among them.
    pub id: bool,
    /// Whether every required column is there (a wide figure stands for the period and the figure).
    pub complete: bool,
}

impl Score {
    /// A header: the id column and at least one more.
    pub fn qualifies(&self) -> bool {
        self.id && self.matched >= 2
    }
}

pub fn score(kind: FileKind, cells: &[String]) -> Score {
    let defs = defs(kind);
    let (mut named, mut covered) = (vec![false; defs.len()], vec![false; defs.len()]);
    let mut wide = 0;
    for c in cells {
        match classify(kind, c).col {
            Col::Plain(i) => (named[i], covered[i]) = (true, true),
            Col::Wide(i, _) => {
                wide += 1;
                covered[i] = true;
                defs.iter().position(|d| d.name == "period").into_iter().for_each(|p| covered[p] = true);
            }
            Col::Extra => {}
        }
    }
    let complete = defs.iter().zip(&covered).all(|(d, c)| *c || !d.required);
    Score { matched: named.iter().filter(|n| **n).count() + wide, id: named[0], complete }
}

/// A two-row header joined: each group label of the top row carried over the empty cells to its right
/// while the row below has sub-labels, then `group / sub`; a cell of one row alone is kept as it is, and a
/// cell merged down over both rows (the same text twice) once.
pub fn join(top: &[String], bottom: &[String]) -> Vec<String> {
    let cell = |v: &[String], i: usize| v.get(i).map(|s| s.trim().to_string()).unwrap_or_default();
    let mut group: Option<String> = None;
    (0..top.len().max(bottom.len()))
        .map(|i| {
            let (t, b) = (cell(top, i), cell(bottom, i));
            if !t.is_empty() {
                group = (!b.is_empty()).then(|| t.clone());
            } else if b.is_empty() {
                group = None;
            }
            let g = if t.is_empty() { group.clone() } else { Some(t) };
            match g {
                Some(g) if b.is_empty() || g == b => g,
                Some(g) => format!("{g} / {b}"),
                None => b,
            }
        })
        .collect()
}

/// Where the header is: its first row (an index into the rows searched), one or two rows, and the
/// header cells (joined for two rows).
#[derive(Debug, Clone)]
pub struct Found {
    pub at: usize,
    pub rows: usize,
    pub headers: Vec<String>,
}

fn found(grid: &[RawRow], at: usize, two: bool) -> Found {
    match (two, grid.get(at + 1)) {
        (true, Some(next)) => Found { at, rows: 2, headers: join(&grid[at].cells, &next.cells) },
        _ => Found { at, rows: 1, headers: grid[at].cells.clone() },
    }
}

/// Finds the header of `kind` among the first rows of a sheet or file (or where `files.toml` says);
/// `None` when no row reads as one.
pub fn find(kind: FileKind, grid: &[RawRow], s: &FileSettings) -> Result<Option<Found>, String> {
    if let Some(line) = s.header_row {
        let at = grid
            .iter()
            .position(|r| r.line == line)
            .ok_or_else(|| format!("header_row = {line} ({FILE_NAME}) is an empty row or past the end of the sheet"))?;
        let two = s.header_rows.map_or_else(|| joined_is_better(kind, grid, at), |n| n == 2);
        return Ok(Some(found(grid, at, two)));
    }
    for at in 0..grid.len().min(SEARCH) {
        let two = match s.header_rows {
            Some(n) => n == 2 && forced_pair(kind, grid, at),
            None => joined_is_better(kind, grid, at),
        };
        if two || (s.header_rows != Some(2) && score(kind, &grid[at].cells).qualifies()) {
            return Ok(Some(found(grid, at, two)));
        }
    }
    Ok(None)
}

/// Whether rows `at` and `at + 1` read better as one header than either alone: joined they name more
/// columns, or as many as the top row when the row below is labels, not data (`税收 / 合计`).
fn joined_is_better(kind: FileKind, grid: &[RawRow], at: usize) -> bool {
    let Some(next) = grid.get(at + 1) else { return false };
    let joined = score(kind, &join(&grid[at].cells, &next.cells));
    let (top, below) = (score(kind, &grid[at].cells).matched, score(kind, &next.cells).matched);
    joined.qualifies()
        && joined.matched > below
        && (joined.matched > top || (joined.matched == top && labels(&next.cells)))
}

/// A row of labels: no number and no enterprise id in it.
fn labels(cells: &[String]) -> bool {
    cells.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).all(|c| {
        c.parse::<f64>().is_err() && !(c.chars().count() == 18 && c.chars().all(|x| x.is_ascii_alphanumeric()))
    })
}

/// With `header_rows = 2`: rows `at` and `at + 1` read as a header, and the top row is not a title (it has
/// more than one cell).
fn forced_pair(kind: FileKind, grid: &[RawRow], at: usize) -> bool {
    let Some(next) = grid.get(at + 1) else { return false };
    let joined = score(kind, &join(&grid[at].cells, &next.cells));
    let cells = grid[at].cells.iter().filter(|c| !c.trim().is_empty()).count();
    joined.qualifies() && joined.matched >= score(kind, &next.cells).matched && cells > 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::layout::token::Span;

    fn v(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| s.to_string()).collect()
    }

    fn rows(grid: &[&[&str]]) -> Vec<RawRow> {
        grid.iter().enumerate().map(|(i, r)| RawRow { line: i + 1, cells: v(r) }).collect()
    }

    #[test]
    fn header_cells_name_columns_and_quarter_figures() {
        let out = FileKind::Output;
        assert_eq!(classify(out, "营业收入（万元）").col, Col::Plain(2));
        let h = classify(out, "一季度营业收入（万元）");
        assert_eq!(
            (h.text.as_str(), h.col),
            ("营业收入（万元）", Col::Wide(2, Token { year: None, span: Span::Quarter(1) }))
        );
        let h = classify(out, "营业收入 / 本年累计1-6月");
        assert_eq!((h.text.as_str(), h.col), ("营业收入", Col::Wide(2, Token { year: None, span: Span::ToMonth(6) })));
        let h = classify(FileKind::Tax, "税收 / 合计");
        assert_eq!((h.text.as_str(), h.col), ("税收", Col::Plain(2)));
        let h = classify(out, "基本情况 / 统一社会信用代码");
        assert_eq!((h.text.as_str(), h.col), ("统一社会信用代码", Col::Plain(0)));
        // A period with no figure, a header over a data cell: not columns of the kind.
        assert_eq!(classify(out, "期间 / 2025Q1").col, Col::Extra);
        assert_eq!(classify(FileKind::Land, "一季度用地面积").col, Col::Extra);
    }

    #[test]
    fn group_labels_are_carried_over_their_sub_labels() {
        let top = v(&["统一社会信用代码", "企业名称", "营业收入（万元）", "", "", "", "备注"]);
        let bottom = v(&["统一社会信用代码", "", "一季度", "二季度", "三季度", "四季度", ""]);
        assert_eq!(
            join(&top, &bottom),
            v(&[
                "统一社会信用代码",
                "企业名称",
                "营业收入（万元） / 一季度",
                "营业收入（万元） / 二季度",
                "营业收入（万元） / 三季度",
                "营业收入（万元） / 四季度",
                "备注"
            ])
        );
    }

    #[test]
    fn the_header_is_found_under_titles_and_notes() {
        let none = FileSettings::default();
        let grid = rows(&[
            &["安康市2025年工业企业用地情况表", "", "", ""],
            &["单位：亩", "", "", ""],
            &["统一社会信用代码", "宗地编号", "用地面积（亩）", "权属"],
            &["91610902MA0009001J", "P1", "10", "自有"],
        ]);
        let f = find(FileKind::Land, &grid, &none).unwrap().unwrap();
        assert_eq!((f.at, f.rows), (2, 1));
        // A two-row header: the group row over quarter sub-labels.
        let grid = rows(&[
            &["2025年产值表", "", "", "", ""],
            &["统一社会信用代码", "营业收入", "", "", ""],
            &["", "一季度", "二季度", "三季度", "四季度"],
            &["91610902MA0009001J", "1", "2", "3", "4"],
        ]);
        let f = find(FileKind::Output, &grid, &none).unwrap().unwrap();
        assert_eq!((f.at, f.rows, f.headers[4].as_str()), (1, 2, "营业收入 / 四季度"));
        // Nothing that reads as a header: none.
        assert!(find(FileKind::Tax, &rows(&[&["a", "b"], &["1", "2"]]), &none).unwrap().is_none());
    }
}
