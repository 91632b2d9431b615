//! Row-by-row typing of each input kind (see `validate` for the contract).
//!
//! The enterprises file is read first and fills [`Links`] (the index of every used id, and where every
//! excluded one was); the other files are then typed independently of each other, each into its own
//! [`Part`], so they can be read side by side, and merged in file order.

use super::columns::{defs, HeaderMap};
use super::numbers::{self, Unit};
use crate::dataset::*;
use crate::ingest::{Kind, Typed};
use crate::{dates, ids, period::Quarter};
use rustc_hash::FxHashMap;
use std::borrow::Cow;

/// Enterprise ids of the enterprises file: the index of each used one, and where each excluded one was.
#[derive(Default)]
pub(super) struct Links {
    /// enterprise id → index in the enterprises
    index: FxHashMap<String, usize>,
    /// ids whose enterprise row was excluded → (file, line), to explain follow-on exceptions
    rejected: FxHashMap<String, (String, usize)>,
}

impl Links {
    fn reject(&mut self, id: &str, file: &str, line: usize) {
        if !id.is_empty() && !self.index.contains_key(id) {
            self.rejected.entry(id.to_string()).or_insert((file.to_string(), line));
        }
    }
}

/// The typed rows of one input file and its exceptions.
#[derive(Default)]
pub(super) struct Part {
    pub data: Dataset,
    pub exceptions: Vec<Exception>,
    output_keys: FxHashMap<(usize, Quarter), usize>,
    tax_keys: FxHashMap<(usize, Quarter), usize>,
    /// (enterprise, parcel, tenure, area bits): only identical land rows are duplicates (a landlord may
    /// rent one parcel to several tenants, one 租出 row each).
    land_keys: FxHashMap<(usize, String, Tenure, u64), usize>,
}

/// One row being read: its cells by column definition, and the context for exceptions.
struct Row<'a> {
    file: &'a str,
    line: usize,
    cells: &'a [&'a str],
    /// Stored numbers of typed columns (Parquet); empty for text files.
    typed: &'a [Typed],
    map: &'a HeaderMap,
    kind: Kind,
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
            Some(Typed::Num(v)) => numbers::in_range(*v, "").or_else(|_| numbers::in_range(*v, &v.to_string())).map(|v| Some((v, None))),
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
    fn exception(&self, column: &str, reason: String, action: &str) -> Exception {
        Exception {
            file: self.file.to_string(),
            line: self.line,
            column: column.to_string(),
            enterprise_id: self.id.to_string(),
            reason,
            action: action.to_string(),
        }
    }
}

const KEPT_MISSING: &str = "row kept; value treated as missing";

/// The row-level problems of any kind: more cells than headers (an unquoted comma), or a quoted cell that
/// swallowed whole rows (a stray quote). `Err((column, reason))` excludes the row.
fn shape(headers: &[String], cells: &[&str]) -> Result<(), (String, String)> {
    let width = headers.len();
    if cells.len() > width && cells[width..].iter().any(|c| !c.trim().is_empty()) {
        return Err((String::new(), format!("row has {} cells but the header has {width} (an unquoted comma in a name?)", cells.len())));
    }
    // A quoted cell holding whole rows (line breaks and a header's worth of commas): a stray quote
    // swallowed the rows between it and the next quote, which were never read as rows.
    if let Some(c) = cells.iter().position(|c| c.contains('\n') && c.lines().skip(1).any(|l| width > 2 && l.matches([',', '\t']).count() + 1 >= width)) {
        let column = headers_name(headers, c);
        let reason = format!(
            "the cell in column '{column}' runs over {} lines and holds whole rows: a quote (\") is probably not closed, so the rows inside it were not read; fix the quote",
            cells[c].lines().count()
        );
        return Err((column, reason));
    }
    Ok(())
}

/// A typing problem, with a note when the row has more (empty) cells than the header.
fn noted((column, mut reason): (String, String), headers: &[String], cells: &[&str]) -> (String, String) {
    let width = headers.len();
    if cells.len() > width {
        reason.push_str(&format!(" (the row has {} cells but the header has {width}: an unquoted comma in a name?)", cells.len()));
    }
    (column, reason)
}

/// The columns a kind reads only as numbers (never as text), by position in the file.
fn numbers_only(kind: Kind, map: &HeaderMap) -> Vec<bool> {
    let names: &[&str] = match kind {
        Kind::Enterprises => &["rented_floor_m2"],
        Kind::Land => &["area"],
        Kind::Output => &OUTPUT_FIELDS,
        Kind::Tax => &["tax_paid"],
        Kind::Events => &[],
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
        Some(c) if c.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) => Cow::Borrowed(c),
        Some(c) => Cow::Owned(ids::normalize(c)),
    }
}

impl Part {
    /// Types the rows of the enterprises file, filling `links`; returns how many rows were read and used.
    pub fn add_enterprises(&mut self, src: &crate::ingest::Source, map: &HeaderMap, links: &mut Links) -> Result<(usize, usize), crate::ingest::IngestError> {
        self.data.extra_columns = map.extra.iter().map(|(_, n)| n.clone()).collect();
        let (mut read, mut used) = (0, 0);
        src.for_each_with(&numbers_only(Kind::Enterprises, map), |line, cells, typed| {
            read += 1;
            let row = Row { file: &src.file, line, cells, typed, map, kind: Kind::Enterprises, id: id_of(map, cells) };
            let result = shape(&src.headers, cells).and_then(|_| self.enterprise(&row, links).map_err(|e| noted(e, &src.headers, cells)));
            match result {
                Ok(()) => used += 1,
                Err((column, reason)) => {
                    links.reject(&row.id, &src.file, line);
                    self.exceptions.push(row.exception(&column, reason, ROW_EXCLUDED));
                }
            }
        })?;
        Ok((read, used))
    }

    /// Types the rows of a land, output, tax or events file; returns how many rows were read and used.
    pub fn add(&mut self, kind: Kind, src: &crate::ingest::Source, map: &HeaderMap, links: &Links) -> Result<(usize, usize), crate::ingest::IngestError> {
        let (mut read, mut used) = (0, 0);
        // Where each output field sits among the column definitions.
        let out_cols: Vec<usize> = OUTPUT_FIELDS.iter().map(|f| defs(Kind::Output).iter().position(|d| d.name == *f).unwrap_or(0)).collect();
        src.for_each_with(&numbers_only(kind, map), |line, cells, typed| {
            read += 1;
            let row = Row { file: &src.file, line, cells, typed, map, kind, id: id_of(map, cells) };
            let result = shape(&src.headers, cells).and_then(|_| {
                match kind {
                    Kind::Land => self.land(&row, links),
                    Kind::Output => self.output(&row, links, &out_cols),
                    Kind::Tax => self.tax(&row, links),
                    Kind::Events => self.event(&row, links),
                    Kind::Enterprises => unreachable!("enterprises are added by add_enterprises"),
                }
                .map_err(|e| noted(e, &src.headers, cells))
            });
            match result {
                Ok(()) => used += 1,
                Err((column, reason)) => self.exceptions.push(row.exception(&column, reason, ROW_EXCLUDED)),
            }
        })?;
        Ok((read, used))
    }

    /// The enterprise index of a row's id, or the reason it cannot be linked.
    fn link(row: &Row, links: &Links) -> Result<usize, (String, String)> {
        let col = "enterprise_id".to_string();
        if row.id.is_empty() {
            return Err((col, "enterprise_id is empty".into()));
        }
        if let Some(&i) = links.index.get(row.id.as_ref()) {
            return Ok(i);
        }
        match links.rejected.get(row.id.as_ref()) {
            Some((f, l)) => Err((col, format!("enterprise '{}' was excluded at {f} line {l}", row.id))),
            None => match ids::id_problem(&row.id) {
                Some(p) => Err((col, format!("enterprise '{}' is not in the enterprises file: {p}", row.id))),
                None => Err((col, format!("enterprise '{}' is not in the enterprises file", row.id))),
            },
        }
    }

    fn enterprise(&mut self, row: &Row, links: &mut Links) -> Result<(), (String, String)> {
        let fail = |c: &str, r: String| (c.to_string(), r);
        if row.id.is_empty() {
            return Err(fail("enterprise_id", "enterprise_id is empty".into()));
        }
        if let Some(p) = ids::id_problem(&row.id) {
            return Err(fail("enterprise_id", p));
        }
        if let Some(&first) = links.index.get(row.id.as_ref()) {
            let line = self.data.enterprises[first].line;
            return Err(fail("enterprise_id", format!("duplicate enterprise_id; the row at line {line} is used")));
        }
        let scale = match normalize_scale(row.cell("scale")) {
            Some(s) => s,
            None => return Err(fail("scale", format!("scale '{}' is neither 规上 nor 规下", row.cell("scale").trim()))),
        };
        let industry = match normalize_industry(row.cell("industry")) {
            Some(s) => s,
            None => {
                let r = format!("industry '{}' is not a GB/T 4754 code (2 to 4 digits)", row.cell("industry").trim());
                return Err(fail("industry", r));
            }
        };
        let county = row.cell("county").trim().to_string();
        if county.is_empty() {
            return Err(fail("county", "county is empty".into()));
        }
        let name = row.cell("name").trim().to_string();
        if name.is_empty() {
            self.exceptions.push(row.exception("name", "name is empty".into(), "row kept; name left empty"));
        }
        let date = |this: &mut Self, col: &str| {
            let t = row.cell(col).trim();
            if t.is_empty() {
                return None;
            }
            let d = dates::parse(t);
            if d.is_none() {
                this.exceptions.push(row.exception(col, format!("'{t}' is not a date (write YYYY-MM-DD)"), KEPT_MISSING));
            }
            d
        };
        let established = date(self, "established");
        let production_start = date(self, "production_start");
        let rented_floor_m2 = match row.number(row.def("rented_floor_m2"), numbers::FLOOR_UNITS) {
            Ok(v) if v.is_some_and(|x| x < 0.0) => {
                self.exceptions.push(row.exception("rented_floor_m2", "negative floor area".into(), KEPT_MISSING));
                None
            }
            Ok(v) => v,
            Err(r) => {
                self.exceptions.push(row.exception("rented_floor_m2", r, KEPT_MISSING));
                None
            }
        };
        let tags = row
            .cell("tags")
            .split([';', '；', ',', '，', '、', '|'])
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        let extra = row.map.extra.iter().map(|(p, _)| row.cells.get(*p).map(|c| c.to_string()).unwrap_or_default()).collect();
        links.index.insert(row.id.to_string(), self.data.enterprises.len());
        self.data.enterprises.push(Enterprise {
            id: row.id.to_string(),
            name,
            county,
            park: row.cell("park").trim().to_string(),
            industry,
            scale: scale.to_string(),
            established,
            production_start,
            tags,
            rented_floor_m2,
            extra,
            line: row.line,
        });
        Ok(())
    }

    fn land(&mut self, row: &Row, links: &Links) -> Result<(), (String, String)> {
        let e = Self::link(row, links)?;
        let parcel_id = row.cell("parcel_id").trim().to_string();
        if parcel_id.is_empty() {
            return Err(("parcel_id".into(), "parcel_id is empty".into()));
        }
        let tenure = normalize_tenure(row.cell("tenure"))
            .ok_or_else(|| ("tenure".to_string(), format!("tenure '{}' is not 自有, 租入 or 租出", row.cell("tenure").trim())))?;
        let (value, cell_factor) = row.number_with_unit(row.def("area"), numbers::AREA_UNITS)
            .map_err(|r| ("area".to_string(), r))?
            .ok_or_else(|| ("area".to_string(), "area is empty".to_string()))?;
        let unit_text = row.cell("unit").trim().to_string();
        let factor = match (cell_factor, unit_text.as_str(), row.hint("area")) {
            (Some(f), _, _) => f,
            (None, u, _) if !u.is_empty() => area_factor(u).ok_or_else(|| ("unit".to_string(), format!("unit '{u}' is not 亩, 平方米 or 公顷")))?,
            (None, _, Some(h)) => area_factor(h).ok_or_else(|| ("area".to_string(), format!("header unit '{h}' is not 亩, 平方米 or 公顷")))?,
            _ => return Err(("unit".into(), "no unit for the area: fill the unit column (亩 or 平方米) or write it in the header, e.g. 用地面积(亩)".into())),
        };
        if value <= 0.0 {
            let r = format!("area {value} is not positive; rented-out land is a positive area with tenure 租出");
            return Err(("area".into(), r));
        }
        let key = (e, parcel_id.clone(), tenure, (value * factor).to_bits());
        if let Some(first) = self.land_keys.get(&key) {
            return Err(("parcel_id".into(), format!("duplicate: the same row (parcel {parcel_id}, {}, same area) is at line {first}", tenure.zh())));
        }
        self.land_keys.insert(key, row.line);
        self.data.land.push(LandRow { enterprise: e, parcel_id, area_mu: value * factor, tenure, line: row.line });
        Ok(())
    }

    fn quarter(row: &Row) -> Result<Quarter, (String, String)> {
        Quarter::parse(row.cell("period"))
            .ok_or_else(|| ("period".to_string(), format!("period '{}' is not a quarter such as 2025Q3", row.cell("period").trim())))
    }

    fn output(&mut self, row: &Row, links: &Links, cols: &[usize]) -> Result<(), (String, String)> {
        let e = Self::link(row, links)?;
        let quarter = Self::quarter(row)?;
        let units: [&[Unit]; 8] = [
            numbers::MONEY_UNITS,
            numbers::MONEY_UNITS,
            numbers::ENERGY_UNITS,
            numbers::NO_UNITS,
            numbers::MONEY_UNITS,
            numbers::PEOPLE_UNITS,
            numbers::POWER_UNITS,
            numbers::MONEY_UNITS,
        ];
        let mut values = [None; 8];
        for (i, field) in OUTPUT_FIELDS.iter().enumerate() {
            let v = row.number(cols[i], units[i]).map_err(|r| (field.to_string(), r))?;
            if v.is_some_and(|x| x < 0.0) && *field != "value_added" {
                return Err((field.to_string(), format!("{field} is negative ({})", v.unwrap_or_default())));
            }
            values[i] = v;
        }
        if let Some(first) = self.output_keys.get(&(e, quarter)) {
            return Err(("period".into(), format!("duplicate: {quarter} already reported at line {first}; that row is used")));
        }
        self.output_keys.insert((e, quarter), row.line);
        self.data.output.push(OutputRow { enterprise: e, quarter, values, line: row.line });
        Ok(())
    }

    fn tax(&mut self, row: &Row, links: &Links) -> Result<(), (String, String)> {
        let e = Self::link(row, links)?;
        let quarter = Self::quarter(row)?;
        let tax_paid = row.number(row.def("tax_paid"), numbers::MONEY_UNITS)
            .map_err(|r| ("tax_paid".to_string(), r))?
            .ok_or_else(|| ("tax_paid".to_string(), "tax_paid is empty (write 0 for no tax)".to_string()))?;
        if let Some(first) = self.tax_keys.get(&(e, quarter)) {
            return Err(("period".into(), format!("duplicate: {quarter} already reported at line {first}; that row is used")));
        }
        self.tax_keys.insert((e, quarter), row.line);
        self.data.tax.push(TaxRow { enterprise: e, quarter, tax_paid, line: row.line });
        Ok(())
    }

    fn event(&mut self, row: &Row, links: &Links) -> Result<(), (String, String)> {
        let e = Self::link(row, links)?;
        let t = row.cell("date").trim();
        let date = dates::parse(t).ok_or_else(|| ("date".to_string(), format!("'{t}' is not a date (write YYYY-MM-DD)")))?;
        let kind = row.cell("kind").trim().to_string();
        if kind.is_empty() {
            return Err(("kind".into(), "kind is empty".into()));
        }
        let note = row.cell("note").trim().to_string();
        self.data.events.push(Event { enterprise: e, date, kind, note, line: row.line });
        Ok(())
    }

    /// Warnings for enterprises that have no land, output or tax rows at all (kept; the evaluation
    /// reports them as not scored or with missing data).
    pub fn check_coverage(&mut self, files: &[(Kind, String)]) {
        let file_of = |k: Kind| files.iter().find(|(kk, _)| *kk == k).map(|(_, f)| f.clone()).unwrap_or_default();
        let n = self.data.enterprises.len();
        let mut has = [vec![false; n], vec![false; n], vec![false; n]];
        self.data.land.iter().for_each(|r| has[0][r.enterprise] = true);
        self.data.output.iter().for_each(|r| has[1][r.enterprise] = true);
        self.data.tax.iter().for_each(|r| has[2][r.enterprise] = true);
        let ent_file = file_of(Kind::Enterprises);
        for (i, e) in self.data.enterprises.iter().enumerate() {
            for (k, kind) in [Kind::Land, Kind::Output, Kind::Tax].iter().enumerate() {
                if !has[k][i] {
                    self.exceptions.push(Exception {
                        file: ent_file.clone(),
                        line: e.line,
                        column: "enterprise_id".into(),
                        enterprise_id: e.id.clone(),
                        reason: format!("no rows in {}", file_of(*kind)),
                        action: "enterprise kept; reported as not scored or with missing data".into(),
                    });
                }
            }
        }
    }
}

/// The header of column `c` as written in the file (its position when the header cell is empty).
fn headers_name(headers: &[String], c: usize) -> String {
    match headers.get(c).map(|h| h.trim()) {
        Some(h) if !h.is_empty() => h.to_string(),
        _ => format!("#{}", c + 1),
    }
}

impl Part {
    /// Warnings for one enterprise listed under two ids (same name and county): both rows are kept, since
    /// two firms can share a name, but an analyst should check (an old registration number next to the
    /// credit code, or a typo in one id).
    pub fn check_duplicate_names(&mut self, file: &str) {
        let key = |e: &Enterprise| {
            let name: String = e
                .name
                .chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| match c {
                    '（' => '(',
                    '）' => ')',
                    _ => c,
                })
                .collect();
            (name, e.county.clone())
        };
        let mut first: FxHashMap<(String, String), usize> = FxHashMap::default();
        for (i, e) in self.data.enterprises.iter().enumerate() {
            if e.name.trim().is_empty() {
                continue;
            }
            match first.get(&key(e)) {
                Some(&j) => {
                    let f = &self.data.enterprises[j];
                    self.exceptions.push(Exception {
                        file: file.to_string(),
                        line: e.line,
                        column: "name".into(),
                        enterprise_id: e.id.clone(),
                        reason: format!(
                            "likely duplicate: same name '{}' and county '{}' as enterprise '{}' at line {} (one firm under two ids?)",
                            e.name, e.county, f.id, f.line
                        ),
                        action: "row kept; check whether both ids are the same enterprise".into(),
                    });
                }
                None => {
                    first.insert(key(e), i);
                }
            }
        }
    }
}

fn normalize_scale(t: &str) -> Option<&'static str> {
    match t.trim() {
        "规上" | "规模以上" | "上" | "是" | "above" | "Y" | "y" => Some(ABOVE),
        "规下" | "规模以下" | "下" | "否" | "below" | "N" | "n" => Some(BELOW),
        _ => None,
    }
}

fn normalize_industry(t: &str) -> Option<String> {
    let t = t.trim();
    let t = t.strip_prefix(|c: char| c.is_ascii_alphabetic()).unwrap_or(t);
    let t = t.strip_suffix(".0").unwrap_or(t);
    (2..=4).contains(&t.len()).then_some(()).filter(|_| t.bytes().all(|b| b.is_ascii_digit())).map(|_| t.to_string())
}

fn normalize_tenure(t: &str) -> Option<Tenure> {
    match t.trim() {
        "自有" | "自用" | "出让" | "划拨" | "owned" => Some(Tenure::Owned),
        "租入" | "租用" | "承租" | "rented_in" => Some(Tenure::RentedIn),
        "租出" | "出租" | "rented_out" => Some(Tenure::RentedOut),
        _ => None,
    }
}

fn area_factor(unit: &str) -> Option<f64> {
    let u = unit.trim().to_lowercase();
    numbers::AREA_UNITS.iter().find(|(name, _)| name.to_lowercase() == u).map(|(_, f)| *f)
}
