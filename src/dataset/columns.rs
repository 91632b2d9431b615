//! The validated dataset as typed columns, one table per input kind (企业, 用地, 产出, 税收, 事件), for
//! `mujun export`: what a SQL engine reads to evaluate at scale (`mujun sql`) after mujun's own checks.
//! Only used rows are here; every other row is in the exceptions. Names are the canonical English column
//! names of docs/data-format.md; dates are day numbers (days since 1970-01-01, as in [`crate::dates`]).

use super::Dataset;
use crate::schema::{Field, FileKind};

/// The values of one column; `None` is a blank cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    Text(Vec<Option<String>>),
    Float(Vec<Option<f64>>),
    Int(Vec<Option<i64>>),
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

/// Every kind the dataset holds (events only when the folder had an events file), each with `seq` (the
/// row's place among the kind's used rows, 1 = first: file order, also across the sheets of a workbook,
/// where `line` restarts), `line` and `file` (where the row was read), then its own columns.
pub fn tables(ds: &Dataset) -> Vec<KindTable> {
    let mut out = vec![enterprises(ds)];
    let file_of = |kind: FileKind| ds.accounts.iter().find(|a| a.kind == kind).map(|a| a.file.clone());
    let mut push = |kind: FileKind, firm: Vec<usize>, lines: Vec<usize>, own: Vec<Column>| {
        let Some(file) = file_of(kind) else { return };
        let mut columns = head(&lines, &file);
        columns.splice(3..3, [id_column(ds, &firm)]);
        columns.extend(own);
        out.push(KindTable { kind, columns, firm });
    };
    let land = &ds.land;
    push(
        FileKind::Land,
        land.iter().map(|r| r.enterprise()).collect(),
        land.iter().map(|r| r.line()).collect(),
        vec![
            text("parcel_id", land.iter().map(|r| Some(r.parcel_id.clone()))),
            float("area_mu", land.iter().map(|r| Some(r.area_mu))),
            text("tenure", land.iter().map(|r| Some(r.tenure.zh().to_string()))),
            text("counterparty", land.iter().map(|r| r.counterparty().map(|c| ds.enterprises[c].id.to_string()))),
        ],
    );
    let output = &ds.output;
    let mut own = vec![text("period", output.iter().map(|r| Some(r.quarter.to_string())))];
    for (k, name) in OUTPUT_COLUMNS.iter().enumerate() {
        own.push(float(name, output.iter().map(|r| r.value(k))));
    }
    push(
        FileKind::Output,
        output.iter().map(|r| r.enterprise()).collect(),
        output.iter().map(|r| r.line()).collect(),
        own,
    );
    let tax = &ds.tax;
    push(
        FileKind::Tax,
        tax.iter().map(|r| r.enterprise()).collect(),
        tax.iter().map(|r| r.line()).collect(),
        vec![
            text("period", tax.iter().map(|r| Some(r.quarter.to_string()))),
            float("tax_paid", tax.iter().map(|r| Some(r.tax_paid))),
        ],
    );
    let ev = &ds.events;
    push(
        FileKind::Events,
        ev.iter().map(|e| e.enterprise).collect(),
        ev.iter().map(|e| e.line).collect(),
        vec![
            int("date_day", ev.iter().map(|e| Some(e.date))),
            text("kind", ev.iter().map(|e| Some(e.kind.clone()))),
            text("note", ev.iter().map(|e| Some(e.note.clone()).filter(|n| !n.is_empty()))),
        ],
    );
    out
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
        text("file", lines.iter().map(|_| Some(file.to_string()))),
    ]
}

fn id_column(ds: &Dataset, firm: &[usize]) -> Column {
    text("enterprise_id", firm.iter().map(|&i| Some(ds.enterprises[i].id.to_string())))
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
