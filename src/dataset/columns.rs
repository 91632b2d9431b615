//! The validated dataset as typed columns, one table per input kind (企业, 用地, 产出, 税收, 事件), for
//! `mujun export`: what a SQL engine reads to evaluate at scale (`mujun sql`) after mujun's own checks.
//! Only used rows are here; every other row is in the exceptions. Names are the canonical English column
//! names of docs/data-format.md; dates are day numbers (days since 1970-01-01, as in [`crate::dates`]).

use super::Dataset;
use crate::schema::{Field, FileKind};
use std::sync::Arc;

/// The values of one column; `None` is a blank cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    Text(Vec<Option<String>>),
    /// Text from a short list of words, each row a code into it ([`BLANK`] for a blank cell): the ids,
    /// file names and quarters of millions of output and tax rows are then 4 bytes a row, not a string.
    Words(Arc<[String]>, Vec<u32>),
    Float(Vec<Option<f64>>),
    Int(Vec<Option<i64>>),
}

/// The code of a blank cell in [`Values::Words`].
pub const BLANK: u32 = u32::MAX;

impl Values {
    /// Row `r` of a text column (`None`: blank, or not a text column).
    pub fn text(&self, r: usize) -> Option<&str> {
        match self {
            Values::Text(v) => v[r].as_deref(),
            Values::Words(words, codes) => words.get(codes[r] as usize).map(String::as_str),
            Values::Float(_) | Values::Int(_) => None,
        }
    }
}

/// A named column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: &'static str,
    pub values: Values,
}

/// One kind's used rows, in file order, with each row's enterprise (index into
/// [`Dataset::enterprises`]) for partitioning by county.
#[derive(Debug, Clone)]
pub struct KindTable {
    pub kind: FileKind,
    pub columns: Vec<Column>,
    pub firm: Vec<usize>,
}

impl KindTable {
    pub fn rows(&self) -> usize {
        self.firm.len()
    }
}

/// The output columns in [`Field::OUTPUT`] order.
pub const OUTPUT_COLUMNS: [&str; 8] = [
    "revenue",
    "value_added",
    "energy_tce",
    "emissions",
    "rd_expense",
    "employees",
    "electricity_10k_kwh",
    "tech_invest",
];

/// The kinds [`table`] makes, in the order they are written.
pub const KINDS: [FileKind; 5] =
    [FileKind::Enterprises, FileKind::Land, FileKind::Output, FileKind::Tax, FileKind::Events];

/// One kind's table, if the dataset holds that kind (events only when the folder had an events file),
/// with `seq` (the row's place among the kind's used rows, 1 = first: file order, also across the sheets
/// of a workbook, where `line` restarts), `line` and `file` (where the row was read), then its own
/// columns. One table at a time: the output and tax tables of a province are gigabytes.
pub fn table(ds: &Dataset, kind: FileKind) -> Option<KindTable> {
    if kind == FileKind::Enterprises {
        return Some(enterprises(ds));
    }
    let file = ds.accounts.iter().find(|a| a.kind == kind).map(|a| a.file.clone())?;
    let (firm, lines, own) = match kind {
        FileKind::Land => land(ds),
        FileKind::Output => output(ds),
        FileKind::Tax => tax(ds),
        FileKind::Events => events(ds),
        _ => return None,
    };
    let mut columns = head(&lines, &file);
    let ids: Arc<[String]> = ds.enterprises.iter().map(|e| e.id.to_string()).collect();
    let codes = firm.iter().map(|&i| u32::try_from(i).expect("fewer than 2^32 firms")).collect();
    columns.splice(3..3, [Column { name: "enterprise_id", values: Values::Words(ids, codes) }]);
    columns.extend(own);
    Some(KindTable { kind, columns, firm })
}

/// A kind's rows: each one's enterprise and line, and the kind's own columns.
type Parts = (Vec<usize>, Vec<usize>, Vec<Column>);

fn land(ds: &Dataset) -> Parts {
    let land = &ds.land;
    let own = vec![
        text("parcel_id", land.iter().map(|r| Some(r.parcel_id.clone()))),
        float("area_mu", land.iter().map(|r| Some(r.area_mu))),
        words("tenure", land.iter().map(|r| Some(r.tenure.zh().to_string()))),
        text("counterparty", land.iter().map(|r| r.counterparty().map(|c| ds.enterprises[c].id.to_string()))),
    ];
    (land.iter().map(|r| r.enterprise()).collect(), land.iter().map(|r| r.line()).collect(), own)
}

fn output(ds: &Dataset) -> Parts {
    let output = &ds.output;
    let mut own = vec![words("period", output.iter().map(|r| Some(r.quarter.to_string())))];
    for (k, name) in OUTPUT_COLUMNS.iter().enumerate() {
        own.push(float(name, output.iter().map(|r| r.value(k))));
    }
    (output.iter().map(|r| r.enterprise()).collect(), output.iter().map(|r| r.line()).collect(), own)
}

fn tax(ds: &Dataset) -> Parts {
    let tax = &ds.tax;
    let own = vec![
        words("period", tax.iter().map(|r| Some(r.quarter.to_string()))),
        float("tax_paid", tax.iter().map(|r| Some(r.tax_paid))),
    ];
    (tax.iter().map(|r| r.enterprise()).collect(), tax.iter().map(|r| r.line()).collect(), own)
}

fn events(ds: &Dataset) -> Parts {
    let ev = &ds.events;
    let own = vec![
        int("date_day", ev.iter().map(|e| Some(e.date))),
        text("kind", ev.iter().map(|e| Some(e.kind.clone()))),
        text("note", ev.iter().map(|e| Some(e.note.clone()).filter(|n| !n.is_empty()))),
    ];
    (ev.iter().map(|e| e.enterprise).collect(), ev.iter().map(|e| e.line).collect(), own)
}

fn enterprises(ds: &Dataset) -> KindTable {
    let e = &ds.enterprises;
    let file = ds.accounts.iter().find(|a| a.kind == FileKind::Enterprises).map(|a| a.file.clone());
    let mut columns = head(&e.iter().map(|x| x.line).collect::<Vec<_>>(), &file.unwrap_or_default());
    let some = |s: &str| Some(s.to_string());
    columns.extend([
        text("enterprise_id", e.iter().map(|x| some(&x.id))),
        text("name", e.iter().map(|x| some(&x.name))),
        text("county", e.iter().map(|x| some(&x.county))),
        text("park", e.iter().map(|x| some(&x.park))),
        text("industry", e.iter().map(|x| some(&x.industry))),
        text("scale", e.iter().map(|x| some(x.scale.zh()))),
        int("established_day", e.iter().map(|x| x.established)),
        int("production_start_day", e.iter().map(|x| x.production_start)),
        // Tags are split at ; ， 、 | and more when read, so none holds '|': joined by it, a tag is found
        // exactly by looking for `|tag|` in `|tags|`.
        text("tags", e.iter().map(|x| some(&x.tags.join("|")))),
        float(Field::RentedFloorM2.name(), e.iter().map(|x| x.rented_floor_m2)),
    ]);
    KindTable { kind: FileKind::Enterprises, columns, firm: (0..e.len()).collect() }
}

/// `seq`, `line` and `file`.
fn head(lines: &[usize], file: &str) -> Vec<Column> {
    vec![
        int("seq", (1..=lines.len()).map(|s| Some(s as i64))),
        int("line", lines.iter().map(|&l| Some(l as i64))),
        Column { name: "file", values: Values::Words(Arc::from([file.to_string()]), vec![0; lines.len()]) },
    ]
}

/// A text column of few distinct values, each kept once (in order of first appearance).
fn words(name: &'static str, v: impl Iterator<Item = Option<String>>) -> Column {
    let mut index: rustc_hash::FxHashMap<String, u32> = Default::default();
    let mut list = Vec::new();
    let codes = v
        .map(|x| match x {
            None => BLANK,
            Some(w) => *index.entry(w).or_insert_with_key(|w| {
                list.push(w.clone());
                (list.len() - 1) as u32
            }),
        })
        .collect();
    Column { name, values: Values::Words(list.into(), codes) }
}

fn text(name: &'static str, v: impl Iterator<Item = Option<String>>) -> Column {
    Column { name, values: Values::Text(v.collect()) }
}

fn float(name: &'static str, v: impl Iterator<Item = Option<f64>>) -> Column {
    Column { name, values: Values::Float(v.collect()) }
}

fn int(name: &'static str, v: impl Iterator<Item = Option<i64>>) -> Column {
    Column { name, values: Values::Int(v.collect()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A words column keeps each distinct text once, in order of first appearance, and reads back row by
    /// row as written, blanks included.
    #[test]
    fn words_keep_each_text_once_and_read_back() {
        let rows = [Some("2025Q1"), Some("2025Q2"), None, Some("2025Q1")];
        let c = words("period", rows.iter().map(|r| r.map(str::to_string)));
        let Values::Words(list, codes) = &c.values else { panic!("not a words column") };
        assert_eq!(list.as_ref(), ["2025Q1".to_string(), "2025Q2".to_string()]);
        assert_eq!(codes, &[0, 1, BLANK, 0]);
        assert_eq!((0..4).map(|r| c.values.text(r)).collect::<Vec<_>>(), rows);
        assert_eq!(float("x", [Some(1.0)].into_iter()).values.text(0), None, "not text");
    }
}
