//! Row-by-row typing of each input kind (see `validate` for the contract). Typing a row depends on that
//! row only (and, for land, output, tax and events, on the finished [`Links`] of the enterprises file),
//! so a file is typed in pieces side by side; the checks across rows (duplicates) are made when the
//! pieces are merged in file order (`merge`).

use super::columns::{defs, HeaderMap};
use super::layout::footer;
use super::numbers::{self, Unit};
use crate::dataset::*;
use crate::ingest::{FileKind, Typed};
use crate::schema::{Action, Field, ReasonCode, Scale};
use crate::{dates, ids, period::Quarter};
use rustc_hash::FxHashMap;
use std::borrow::Cow;

/// Enterprise ids of the enterprises file: the index of each used one, and where each excluded one was.
#[derive(Default)]
pub(super) struct Links {
    /// enterprise id → index in the enterprises
    pub index: FxHashMap<CompactString, usize>,
    /// ids whose enterprise rows were all excluded → (file, line) of the first, to explain follow-on exceptions
    pub rejected: FxHashMap<String, (String, usize)>,
}

/// The typed rows of one piece of a file (or of a whole file, once merged) and its exceptions, in line order.
#[derive(Default)]
pub(super) struct Part {
    pub data: Dataset,
    pub exceptions: Vec<Exception>,
    pub read: usize,
    /// Rows with more cells than the header: (line, cells), for the note on a later exception.
    pub long_rows: Vec<(usize, usize)>,
    /// Enterprise rows excluded by a check made after the duplicate-id check (scale, industry, county):
    /// indices into `exceptions`, so that a duplicate id is reported instead, as a row-by-row reading would.
    pub after_id_check: Vec<usize>,
    /// Footer rows (合计, 制表人 …) skipped: listed in the exceptions, not counted in `read`.
    pub skipped: usize,
    /// The last id linked and its enterprise: a firm's rows usually follow each other.
    last_link: (String, usize),
}

/// One row being read: its cells by column definition, and the context for exceptions.
struct Row<'a> {
    file: &'a str,
    line: usize,
    cells: &'a [&'a str],
    /// Stored numbers of typed columns (Parquet); empty for text files.
    typed: &'a [Typed],
    map: &'a HeaderMap,
    kind: FileKind,
    id: Cow<'a, str>,
}

impl Row<'_> {
    fn cell(&self, name: &str) -> &str {
        let i = defs(self.kind).iter().position(|d| d.name == name).expect("known column");
        self.at(i)
    }
    /// The cell of the `i`-th column definition of the kind.
    fn at(&self, i: usize) -> &str {
        self.map.index[i].and_then(|p| self.cells.get(p)).copied().unwrap_or("")
    }
    /// A number cell of the `i`-th column definition with the unit found in it: the stored number of a
    /// typed column, else the text read by `numbers`.
    fn number_with_unit(&self, i: usize, units: &[Unit]) -> Result<Option<(f64, Option<f64>)>, String> {
        match self.map.index[i].and_then(|p| self.typed.get(p)) {
            // Typed cells may be unspelled (see `numbers_only`): spell the number for a message.
            Some(Typed::Num(v)) => {
                numbers::in_range(*v, "").or_else(|_| numbers::in_range(*v, &v.to_string())).map(|v| Some((v, None)))
            }
            Some(Typed::Null) => Ok(None),
            _ => numbers::parse_with_unit(self.at(i), units),
        }
    }
    /// [`Row::number_with_unit`] with the unit applied.
    fn number(&self, i: usize, units: &[Unit]) -> Result<Option<f64>, String> {
        Ok(self.number_with_unit(i, units)?.map(|(v, f)| v * f.unwrap_or(1.0)))
    }
    /// The position of a column definition of this kind.
    fn def(&self, name: &str) -> usize {
        defs(self.kind).iter().position(|d| d.name == name).expect("known column")
    }
    fn hint(&self, name: &str) -> Option<&str> {
        let i = defs(self.kind).iter().position(|d| d.name == name)?;
        self.map.unit_hint[i].as_deref()
    }
    fn exception(&self, column: &str, code: ReasonCode, reason: String, action: Action) -> Exception {
        Exception {
            file: self.file.to_string(),
            line: self.line,
            column: column.to_string(),
            enterprise_id: self.id.to_string(),
            code,
            reason,
            action,
        }
    }
}

/// The row-level problems of any kind: more cells than headers (an unquoted comma), or a quoted cell that
/// swallowed whole rows (a stray quote). An error excludes the row.
fn shape(headers: &[String], cells: &[&str]) -> Result<(), Failure> {
    let width = headers.len();
    if cells.len() > width && cells[width..].iter().any(|c| !c.trim().is_empty()) {
        let reason = format!("row has {} cells but the header has {width} (an unquoted comma in a name?)", cells.len());
        return Err(fail("", ReasonCode::RowTooWide, reason));
    }
    // A quoted cell holding whole rows (line breaks and a header's worth of commas): a stray quote
    // swallowed the rows between it and the next quote, which were never read as rows.
    // Such a cell has a line with at least width − 1 delimiters after a line break, so it is at least
    // `width` bytes long: shorter cells (most numbers) are not searched.
    let swallowed = |c: &&str| {
        c.len() >= width && c.contains('\n') && c.lines().skip(1).any(|l| l.matches([',', '\t']).count() + 1 >= width)
    };
    if let Some(c) = cells.iter().position(|c| width > 2 && swallowed(c)) {
        let column = headers_name(headers, c);
        let reason = format!(
            "the cell in column '{column}' runs over {} lines and holds whole rows: a quote (\") is probably not closed, so the rows inside it were not read; fix the quote",
            cells[c].lines().count()
        );
        return Err(fail(&column, ReasonCode::QuoteNotClosed, reason));
    }
    Ok(())
}

/// A reason, with a note when the row has more (empty) cells than the header.
pub(super) fn noted(mut reason: String, width: usize, cells: usize) -> String {
    if cells > width {
        reason.push_str(&format!(
            " (the row has {cells} cells but the header has {width}: an unquoted comma in a name?)"
        ));
    }
    reason
}

/// The columns a kind reads only as numbers (never as text), by position in the file.
pub(super) fn numbers_only(kind: FileKind, map: &HeaderMap) -> Vec<bool> {
    let output = Field::OUTPUT.map(Field::name);
    let names: &[&str] = match kind {
        FileKind::Enterprises => &["rented_floor_m2"],
        FileKind::Land => &["area"],
        FileKind::Output => &output,
        FileKind::Tax => &["tax_paid"],
        FileKind::Events | FileKind::Projects | FileKind::Checks | FileKind::Payments | FileKind::ProjectEvents => &[],
    };
    let width = map.index.iter().flatten().chain(map.extra.iter().map(|(p, _)| p)).max().map_or(0, |m| m + 1);
    let mut flags = vec![false; width];
    for (d, def) in defs(kind).iter().enumerate() {
        if let (Some(p), true) = (map.index[d], names.contains(&def.name)) {
            flags[p] = true;
        }
    }
    flags
}

/// The normalized enterprise id of a row (borrowed when the cell is already in normal form).
fn id_of<'a>(map: &HeaderMap, cells: &[&'a str]) -> Cow<'a, str> {
    match map.index[0].and_then(|p| cells.get(p)).copied() {
        None => Cow::Borrowed(""),
        // Already normal: every byte a digit or a capital letter.
        Some(c) if c.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()) => Cow::Borrowed(c),
        Some(c) => Cow::Owned(ids::normalize(c)),
    }
}

mod enterprise;
mod land;

impl Part {
    /// An empty part with room for `rows` rows of `kind` (an upper bound: capacity never used costs address
    /// space, not memory), so that typing never grows and copies its rows.
    pub fn reserved(kind: FileKind, rows: usize) -> Part {
        let mut p = Part::default();
        match kind {
            FileKind::Enterprises => p.data.enterprises.reserve_exact(rows),
            FileKind::Land => p.data.land.reserve_exact(rows),
            FileKind::Output => p.data.output.reserve_exact(rows),
            FileKind::Tax => p.data.tax.reserve_exact(rows),
            FileKind::Events => p.data.events.reserve_exact(rows),
            FileKind::Projects | FileKind::Checks | FileKind::Payments | FileKind::ProjectEvents => {}
        }
        p
    }

    /// Types one row of `kind`; `links` must be complete for every kind but the enterprises.
    pub fn add_row(
        &mut self,
        kind: FileKind,
        src: &Piece,
        line: usize,
        cells: &[&str],
        typed: &[Typed],
        links: &Links,
    ) {
        let map = src.map;
        let row = Row { file: src.file, line, cells, typed, map, kind, id: id_of(map, cells) };
        // An id has 18 characters: only other rows can be footers.
        if row.id.len() != 18 {
            if let Some((c, word)) = footer::find(cells, map.index[0]) {
                self.skipped += 1;
                let column = match map.index.iter().position(|p| *p == Some(c)) {
                    Some(d) => defs(kind)[d].name.to_string(),
                    None => headers_name(src.headers, c),
                };
                self.exceptions.push(footer::exception(src.file, line, column, cells[c], word));
                return;
            }
        }
        self.read += 1;
        if cells.len() > src.headers.len() {
            self.long_rows.push((line, cells.len()));
        }
        if let Err(f) = shape(src.headers, cells) {
            self.exceptions.push(row.exception(&f.column, f.code, f.reason, Action::Excluded));
            return;
        }
        let result = match kind {
            FileKind::Enterprises => self.enterprise(&row),
            FileKind::Land => self.link(&row, links, src.enterprises).and_then(|e| self.land(&row, e, links)),
            FileKind::Output => {
                self.link(&row, links, src.enterprises).and_then(|e| self.output(&row, e, &src.output_cols))
            }
            FileKind::Tax => self.link(&row, links, src.enterprises).and_then(|e| self.tax(&row, e)),
            FileKind::Events => self.link(&row, links, src.enterprises).and_then(|e| self.event(&row, e)),
            // Standard land types its own files (`standard_land::input`).
            FileKind::Projects | FileKind::Checks | FileKind::Payments | FileKind::ProjectEvents => Ok(()),
        };
        if let Err(f) = result {
            if f.after_id_check {
                self.after_id_check.push(self.exceptions.len());
            }
            let reason = noted(f.reason, src.headers.len(), cells.len());
            self.exceptions.push(row.exception(&f.column, f.code, reason, Action::Excluded));
        }
    }

    /// The enterprise index of a row's id, or the reason it cannot be linked.
    fn link(&mut self, row: &Row, links: &Links, enterprises: &[Enterprise]) -> Result<usize, Failure> {
        if self.last_link.0 == row.id.as_ref() && !row.id.is_empty() {
            return Ok(self.last_link.1);
        }
        // Files usually list firms in the enterprises file's order: the next firm is tried before the
        // index (ids are unique, so a match is the index's answer).
        let next = self.last_link.1 + 1;
        let found = match enterprises.get(next) {
            Some(e) if e.id == row.id.as_ref() => Some(next),
            _ => links.index.get(row.id.as_ref()).copied(),
        };
        if let Some(i) = found {
            self.last_link.0.clear();
            self.last_link.0.push_str(&row.id);
            self.last_link.1 = i;
            return Ok(i);
        }
        let col = "enterprise_id";
        if row.id.is_empty() {
            return Err(fail(col, ReasonCode::IdEmpty, "enterprise_id is empty".into()));
        }
        let id = &row.id;
        Err(match links.rejected.get(id.as_ref()) {
            Some((f, l)) => {
                fail(col, ReasonCode::EnterpriseExcluded, format!("enterprise '{id}' was excluded at {f} line {l}"))
            }
            None => match ids::id_problem(id) {
                Some(p) => fail(
                    col,
                    ReasonCode::EnterpriseUnknown,
                    format!("enterprise '{id}' is not in the enterprises file: {p}"),
                ),
                None => fail(
                    col,
                    ReasonCode::EnterpriseUnknown,
                    format!("enterprise '{id}' is not in the enterprises file"),
                ),
            },
        })
    }

    fn quarter(row: &Row) -> Result<Quarter, Failure> {
        Quarter::parse(row.cell("period")).ok_or_else(|| {
            let r = format!("period '{}' is not a quarter such as 2025Q3", row.cell("period").trim());
            fail("period", ReasonCode::PeriodInvalid, r)
        })
    }

    /// An output row; a quarter reported twice is found when the pieces are merged.
    fn output(&mut self, row: &Row, e: usize, cols: &[usize]) -> Result<(), Failure> {
        let quarter = Self::quarter(row)?;
        let mut values = [None; 8];
        for (i, field) in Field::OUTPUT.into_iter().enumerate() {
            let name = field.name();
            let v = row.number(cols[i], units_of(field)).map_err(|r| fail(name, ReasonCode::NumberInvalid, r))?;
            if v.is_some_and(|x| x < 0.0) && field != Field::ValueAdded {
                let r = format!("{name} is negative ({})", v.unwrap_or_default());
                return Err(fail(name, ReasonCode::ValueNegative, r));
            }
            values[i] = v;
        }
        self.data.output.push(OutputRow::new(e, quarter, values, row.line));
        Ok(())
    }

    /// A tax row; a quarter reported twice is found when the pieces are merged.
    fn tax(&mut self, row: &Row, e: usize) -> Result<(), Failure> {
        let quarter = Self::quarter(row)?;
        let tax_paid = row
            .number(row.def("tax_paid"), numbers::MONEY_UNITS)
            .map_err(|r| fail("tax_paid", ReasonCode::NumberInvalid, r))?
            .ok_or_else(|| fail("tax_paid", ReasonCode::ValueEmpty, "tax_paid is empty (write 0 for no tax)".into()))?;
        self.data.tax.push(TaxRow::new(e, quarter, tax_paid, row.line));
        Ok(())
    }

    fn event(&mut self, row: &Row, e: usize) -> Result<(), Failure> {
        let t = row.cell("date").trim();
        let date = dates::parse(t)
            .ok_or_else(|| fail("date", ReasonCode::DateInvalid, format!("'{t}' is not a date (write YYYY-MM-DD)")))?;
        let kind = row.cell("kind").trim().to_string();
        if kind.is_empty() {
            return Err(fail("kind", ReasonCode::EventKindEmpty, "kind is empty".into()));
        }
        let note = row.cell("note").trim().to_string();
        self.data.events.push(Event { enterprise: e, date, kind, note, line: row.line });
        Ok(())
    }
}

/// The units a quarterly output cell may carry (value added and revenue in 万元 or 元, energy in tce …).
pub(super) fn units_of(field: Field) -> &'static [Unit] {
    match field {
        Field::EnergyTce => numbers::ENERGY_UNITS,
        Field::Emissions => numbers::NO_UNITS,
        Field::Employees => numbers::PEOPLE_UNITS,
        Field::Electricity => numbers::POWER_UNITS,
        _ => numbers::MONEY_UNITS,
    }
}

/// Why a row is excluded.
struct Failure {
    column: String,
    code: ReasonCode,
    reason: String,
    /// Whether the check comes after the duplicate-id check (see [`Part::after_id_check`]).
    after_id_check: bool,
}

fn fail(column: &str, code: ReasonCode, reason: String) -> Failure {
    Failure { column: column.to_string(), code, reason, after_id_check: false }
}

/// What typing a piece of a file needs besides its rows.
pub(super) struct Piece<'a> {
    pub file: &'a str,
    pub headers: &'a [String],
    pub map: &'a HeaderMap,
    /// Where each output field sits among the column definitions.
    pub output_cols: Vec<usize>,
    /// The enterprises rows link to (empty while the enterprises file itself is read).
    pub enterprises: &'a [Enterprise],
}

impl<'a> Piece<'a> {
    pub fn new(file: &'a str, headers: &'a [String], map: &'a HeaderMap, enterprises: &'a [Enterprise]) -> Piece<'a> {
        let output_cols = Field::OUTPUT
            .iter()
            .map(|f| defs(FileKind::Output).iter().position(|d| d.name == f.name()).unwrap_or(0))
            .collect();
        Piece { file, headers, map, output_cols, enterprises }
    }
}

/// The header of column `c` as written in the file (its position when the header cell is empty).
fn headers_name(headers: &[String], c: usize) -> String {
    match headers.get(c).map(|h| h.trim()) {
        Some(h) if !h.is_empty() => h.to_string(),
        _ => format!("#{}", c + 1),
    }
}

fn normalize_industry(t: &str) -> Option<String> {
    let t = t.trim();
    let t = t.strip_prefix(|c: char| c.is_ascii_alphabetic()).unwrap_or(t);
    let t = t.strip_suffix(".0").unwrap_or(t);
    (2..=4).contains(&t.len()).then_some(()).filter(|_| t.bytes().all(|b| b.is_ascii_digit())).map(|_| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::shape;
    use crate::schema::ReasonCode;

    #[test]
    fn a_cell_holding_whole_rows_is_found_however_short() {
        let headers: Vec<String> = ["enterprise_id", "period", "tax_paid"].map(String::from).to_vec();
        // An unclosed quote before 2025Q1 swallowed two rows into the period cell.
        let swallowed = "2025Q1\n91610902MA0001018F,2025Q2,9.15\n91610902MA0001018F,2025Q3,1.0";
        let f = shape(&headers, &["91610902MA0001018F", swallowed, "7.85"]).unwrap_err();
        let (column, reason) = (f.column, f.reason);
        assert_eq!(column, "period");
        assert!(reason.contains("runs over 3 lines"), "{reason}");
        // The shortest such cell is as long as the header is wide: a break, then width − 1 delimiters.
        assert_eq!(shape(&headers, &["x", "\n,,", ""]).unwrap_err().column, "period");
        assert_eq!(shape(&headers, &["x", "\n\t,", ""]).unwrap_err().code, ReasonCode::QuoteNotClosed);
        // Line breaks without a row's worth of delimiters are a multi-line cell, not swallowed rows.
        assert!(shape(&headers, &["x", "\n,", "a\nb,c"]).is_ok());
        // With two columns or fewer a swallowed row cannot be told from text.
        let two: Vec<String> = ["enterprise_id", "name"].map(String::from).to_vec();
        assert!(shape(&two, &["x", "a\n,,,,"]).is_ok());
    }
}
