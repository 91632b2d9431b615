//! Wide layouts turned into the canonical long format (one row per enterprise and quarter): one column
//! per quarter (一季度营业收入 … 四季度营业收入, or 营业收入 / 一季度 from a two-row header), or year-to-date
//! figures (本年累计 1–3月, 1–6月, 1–9月, 1–12月), whose quarters are the differences of consecutive
//! figures: Q1 = 1–3月, Q2 = 1–6月 − 1–3月, Q3 = 1–9月 − 1–6月, Q4 = 1–12月 − 1–9月.

use super::footer;
use super::header::{Col, Header};
use super::settings::{Layout, FILE_NAME};
use super::token::{Span, Token};
use crate::decimal::round_half_up_str;
use crate::ingest::{FileKind, RawRow};
use crate::period::Quarter;
use crate::schema::Field;
use crate::validate::columns::defs;
use crate::validate::numbers::{self, Unit};

/// Where a quarter's figure comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Source {
    /// A column of its own.
    Cell(usize),
    /// A year-to-date column less the one before it (none for the first quarter).
    Difference { now: usize, before: Option<(usize, Token)> },
}

/// One figure (营业收入, 税收) spread over columns.
struct Figure {
    header: String,
    units: &'static [Unit],
    quarters: Vec<(Quarter, Source)>,
    cumulative: bool,
}

/// The long table and what was done, for the summary.
#[derive(Debug)]
pub struct Long {
    pub headers: Vec<String>,
    pub rows: Vec<RawRow>,
    pub note: String,
}

/// The units a figure's cells may carry (as the long format's cells).
fn units(kind: FileKind, def: usize) -> &'static [Unit] {
    let name = defs(kind)[def].name;
    match Field::OUTPUT.iter().find(|f| f.name() == name) {
        Some(f) => crate::validate::rows::units_of(*f),
        None => numbers::MONEY_UNITS,
    }
}

/// The rows of a wide layout in the long format (`rows` are taken), or `None` when the headers name no quarter (or
/// `layout = "long"`). `year` is the year of quarter headers that do not say it.
pub fn reshape(
    kind: FileKind,
    heads: &[Header],
    rows: &mut Vec<RawRow>,
    layout: Layout,
    year: Option<i32>,
) -> Result<Option<Long>, String> {
    let wide: Vec<(usize, usize, Token)> = (heads.iter().enumerate())
        .filter_map(|(c, h)| match h.col {
            Col::Wide(d, t) => Some((c, d, t)),
            _ => None,
        })
        .collect();
    if layout == Layout::Long || wide.is_empty() {
        if matches!(layout, Layout::Quarterly | Layout::Cumulative) {
            let l = format!("{layout:?}").to_lowercase();
            return Err(format!("layout = \"{l}\" ({FILE_NAME}), but no column names a quarter or a year-to-date span (一季度营业收入, 营业收入 / 1–6月 …)"));
        }
        return Ok(None);
    }
    let period = defs(kind).iter().position(|d| d.name == "period");
    if let Some(h) = heads.iter().find(|h| matches!(h.col, Col::Plain(p) if Some(p) == period)) {
        return Err(format!(
            "has a period column ('{}') and columns per quarter ('{}'): keep one, or set layout = \"long\" in {FILE_NAME} to read the period column only",
            h.text,
            heads[wide[0].0].text
        ));
    }
    let mut figures = Vec::new();
    let mut seen = Vec::new();
    for &(_, def, _) in &wide {
        if !seen.contains(&def) {
            seen.push(def);
            let cols: Vec<(usize, Token)> = wide.iter().filter(|w| w.1 == def).map(|w| (w.0, w.2)).collect();
            figures.push(figure(heads[cols[0].0].text.clone(), units(kind, def), &cols, layout, year)?);
        }
    }
    let id = heads.iter().position(|h| h.col == Col::Plain(0));
    Ok(Some(spread(heads, &figures, id, std::mem::take(rows))))
}

/// A figure's quarters and where each comes from.
fn figure(
    header: String,
    units: &'static [Unit],
    cols: &[(usize, Token)],
    layout: Layout,
    year: Option<i32>,
) -> Result<Figure, String> {
    let cumulative = match layout {
        Layout::Quarterly => false,
        Layout::Cumulative => true,
        Layout::Auto | Layout::Long => cols.iter().any(|(_, t)| matches!(t.span, Span::ToMonth(_))),
    };
    let mut by: Vec<(i32, u8, usize, Token)> = Vec::new();
    for &(c, t) in cols {
        let y = t.year.or(year).ok_or_else(|| {
            format!("the column '{header} {}' does not say the year: write it in the title (2025年…) or the header, or set year in {FILE_NAME}", t.label())
        })?;
        // The key: the quarter, or the last month of a year-to-date span.
        let key = match (cumulative, t.span) {
            (false, Span::Quarter(q)) => q,
            (false, Span::ToMonth(3)) => 1,
            (false, Span::ToMonth(m)) => {
                return Err(format!(
                    "'{header} 1–{m}月' is a year-to-date figure, but layout = \"quarterly\" ({FILE_NAME})"
                ))
            }
            (true, Span::Quarter(q)) => q * 3,
            (true, Span::ToMonth(m)) if m % 3 == 0 => m,
            (true, Span::ToMonth(m)) => {
                return Err(format!("'{header} 1–{m}月' does not end with a quarter (3, 6, 9 or 12月)"))
            }
        };
        if by.iter().any(|b| (b.0, b.1) == (y, key)) {
            return Err(format!("two columns for '{header}' in {}", Token { year: Some(y), span: t.span }.label()));
        }
        by.push((y, key, c, Token { year: Some(y), span: t.span }));
    }
    by.sort_by_key(|b| (b.0, b.1));
    let mut quarters = Vec::new();
    for (k, &(y, key, c, t)) in by.iter().enumerate() {
        if !cumulative {
            quarters.push((Quarter { year: y, q: key }, Source::Cell(c)));
            continue;
        }
        let before = k.checked_sub(1).map(|j| by[j]).filter(|b| b.0 == y && b.1 + 3 == key);
        if key > 3 && before.is_none() {
            return Err(format!(
                "'{header}' has {} but not {}年1–{}月: a quarter is the difference of consecutive year-to-date figures",
                t.label(),
                y,
                key - 3
            ));
        }
        let source = Source::Difference { now: c, before: before.map(|b| (b.2, b.3)) };
        quarters.push((Quarter { year: y, q: key / 3 }, source));
    }
    Ok(Figure { header, units, quarters, cumulative })
}

/// The long rows: the other columns as they are, the period, then each figure of the quarter. A quarter
/// whose figures are all empty makes no row (the long format has no row for a quarter not reported); a
/// footer row (合计 …) is kept once, for the typing to list it.
fn spread(heads: &[Header], figures: &[Figure], id: Option<usize>, rows: Vec<RawRow>) -> Long {
    let keep: Vec<usize> = (0..heads.len()).filter(|&c| !matches!(heads[c].col, Col::Wide(..))).collect();
    let mut headers: Vec<String> = keep.iter().map(|&c| heads[c].text.clone()).collect();
    headers.push("period".to_string());
    headers.extend(figures.iter().map(|f| f.header.clone()));
    let mut quarters: Vec<Quarter> = figures.iter().flat_map(|f| f.quarters.iter().map(|q| q.0)).collect();
    quarters.sort();
    quarters.dedup();
    let (rows_in, mut read, mut empty) = (rows.len(), 0, 0);
    let mut out = Vec::with_capacity(rows.len() * quarters.len());
    for row in rows {
        let cells: Vec<&str> = row.cells.iter().map(String::as_str).collect();
        let base: Vec<String> = keep.iter().map(|&c| cells.get(c).copied().unwrap_or("").to_string()).collect();
        if footer::find(&cells, id).is_some() {
            let mut cells = base;
            cells.resize(headers.len(), String::new());
            out.push(RawRow { line: row.line, cells });
            continue;
        }
        read += 1;
        for &q in &quarters {
            let values: Vec<String> = figures.iter().map(|f| f.value(q, &cells)).collect();
            if values.iter().all(|v| numbers::is_blank(v)) {
                empty += 1;
                continue;
            }
            let mut cells = base.clone();
            cells.push(q.to_string());
            cells.extend(values);
            out.push(RawRow { line: row.line, cells });
        }
    }
    let names: Vec<&str> = figures.iter().map(|f| f.header.as_str()).collect();
    let span = match (quarters.first(), quarters.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    };
    let how = if figures.iter().any(|f| f.cumulative) {
        "year-to-date layout (本年累计 1–3月 …): each quarter is the difference of consecutive figures"
    } else {
        "wide quarterly layout"
    };
    let made = out.len() - (rows_in - read);
    let n = quarters.len();
    let mut note = format!(
        "{how}, {n} quarter{} ({span}) of {} → one row per quarter ({made} rows from {read})",
        if n == 1 { "" } else { "s" },
        names.join(", "),
    );
    if empty > 0 {
        note.push_str(&format!("; {empty} quarters with every figure empty made no row"));
    }
    Long { headers, rows: out, note }
}

impl Figure {
    /// The figure of quarter `q` in a row, as a cell's text.
    fn value(&self, q: Quarter, cells: &[&str]) -> String {
        let cell = |c: usize| cells.get(c).copied().unwrap_or("");
        match self.quarters.iter().find(|x| x.0 == q).map(|x| x.1) {
            None => String::new(),
            Some(Source::Cell(c)) => cell(c).to_string(),
            Some(Source::Difference { now, before }) => {
                difference(cell(now), before.map(|(c, t)| (cell(c), t)), q, self.units)
            }
        }
    }
}

/// `now − before` as text, to the decimals of the figures (2100.3 − 1000.1 = 1100.2, not
/// 1100.1999999999998). A figure that is not a number is passed on as it is, so that the row is refused
/// naming it; an empty earlier figure cannot be subtracted, and says so.
fn difference(now: &str, before: Option<(&str, Token)>, q: Quarter, units: &[Unit]) -> String {
    if numbers::is_blank(now) {
        return String::new();
    }
    let Some((before, token)) = before else { return now.to_string() };
    let read = |t: &str| numbers::parse_with_unit(t, units).map(|v| v.map(|(x, f)| x * f.unwrap_or(1.0)));
    match (read(now), read(before)) {
        (Err(_), _) => now.to_string(),
        (_, Err(_)) => before.to_string(),
        (Ok(Some(a)), Ok(Some(b))) => round_half_up_str(a - b, decimals(a).max(decimals(b))),
        (Ok(_), Ok(None)) => format!("{}累计为空，无法推算{}", token.label(), q),
        (Ok(None), _) => String::new(),
    }
}

/// Decimals of a number's shortest spelling (at most 10).
fn decimals(x: f64) -> usize {
    let s = format!("{x}");
    if s.contains('e') {
        return 10;
    }
    s.split_once('.').map_or(0, |(_, d)| d.len()).min(10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::layout::header::classify;

    fn table(kind: FileKind, head: &[&str], rows: &[&[&str]]) -> (Vec<Header>, Vec<RawRow>) {
        let heads = head.iter().map(|h| classify(kind, h)).collect();
        let rows = rows
            .iter()
            .enumerate()
            .map(|(i, r)| RawRow { line: i + 4, cells: r.iter().map(|s| s.to_string()).collect() })
            .collect();
        (heads, rows)
    }

    fn cells(l: &Long) -> Vec<(usize, Vec<&str>)> {
        l.rows.iter().map(|r| (r.line, r.cells.iter().map(String::as_str).collect())).collect()
    }

    #[test]
    fn quarter_columns_become_rows() {
        let (h, mut r) = table(
            FileKind::Tax,
            &["统一社会信用代码", "一季度税收", "二季度税收", "三季度税收", "四季度税收"],
            &[&["91610902MA0009001J", "50", "51", "", ""], &["合计", "50", "51", "", ""]],
        );
        let l = reshape(FileKind::Tax, &h, &mut r, Layout::Auto, Some(2025)).unwrap().unwrap();
        assert_eq!(l.headers, ["统一社会信用代码", "period", "税收"]);
        assert_eq!(
            cells(&l),
            vec![
                (4, vec!["91610902MA0009001J", "2025Q1", "50"]),
                (4, vec!["91610902MA0009001J", "2025Q2", "51"]),
                (5, vec!["合计", "", ""]),
            ]
        );
        assert!(l
            .note
            .contains("4 quarters (2025Q1–2025Q4) of 税收 → one row per quarter (2 rows from 1); 2 quarters"));
    }

    #[test]
    fn year_to_date_figures_become_quarters_by_difference() {
        // Q1 = 1000.1; Q2 = 2100.3 − 1000.1 = 1100.2; Q3 = 3000 − 2100.3 = 899.7; Q4 = 4000 − 3000 = 1000.
        let (h, mut r) = table(
            FileKind::Output,
            &["统一社会信用代码", "营业收入 / 1-3月", "营业收入 / 1-6月", "营业收入 / 1-9月", "营业收入 / 1-12月"],
            &[
                &["91610902MA0009001J", "1000.1", "2100.3", "3000", "4000"],
                &["91610902MA0009002M", "", "10", "约3", "20"],
            ],
        );
        let l = reshape(FileKind::Output, &h, &mut r, Layout::Auto, Some(2025)).unwrap().unwrap();
        let got: Vec<(usize, String, String)> =
            l.rows.iter().map(|r| (r.line, r.cells[1].clone(), r.cells[2].clone())).collect();
        let want = [
            (4, "2025Q1", "1000.1"),
            (4, "2025Q2", "1100.2"),
            (4, "2025Q3", "899.7"),
            (4, "2025Q4", "1000"),
            (5, "2025Q2", "2025年1–3月累计为空，无法推算2025Q2"),
            (5, "2025Q3", "约3"),
            (5, "2025Q4", "约3"),
        ];
        assert_eq!(got, want.map(|(l, q, v)| (l, q.to_string(), v.to_string())));
        // A gap in the spans, a year nowhere: refused with the reason.
        let (h, mut r) = table(FileKind::Output, &["统一社会信用代码", "营业收入1-6月"], &[]);
        assert!(reshape(FileKind::Output, &h, &mut r, Layout::Auto, Some(2025))
            .unwrap_err()
            .contains("not 2025年1–3月"));
        let (h, mut r) = table(FileKind::Output, &["统一社会信用代码", "一季度营业收入"], &[]);
        assert!(reshape(FileKind::Output, &h, &mut r, Layout::Auto, None)
            .unwrap_err()
            .contains("does not say the year"));
    }

    #[test]
    fn quarter_headed_columns_read_as_year_to_date_when_told() {
        let (h, mut r) = table(
            FileKind::Tax,
            &["统一社会信用代码", "2025年一季度税收", "2025年二季度税收"],
            &[&["91610902MA0009001J", "50", "120"]],
        );
        let l = reshape(FileKind::Tax, &h, &mut r, Layout::Cumulative, None).unwrap().unwrap();
        assert_eq!(cells(&l)[1].1, vec!["91610902MA0009001J", "2025Q2", "70"]);
    }
}
