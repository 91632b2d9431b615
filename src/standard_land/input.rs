//! Reading the projects file (and the enterprise ids of an enterprises file, if the folder has one) into
//! typed rows, then the checks (`checks_input`), payments and project events (`contract`) files. Every row is either used or listed in the exceptions with file, line, column and
//! a reason; a bad cell that does not stop the row is kept as missing and listed too.

use super::columns::{self, Col, Mapped};
use super::columns::{area_factor, land_both};
use super::contract::{self, Link, Milestones};
use super::rules::{check_agreed, Agreed, Direction, Loaded};
use crate::dataset::{Exception, FileAccount};
use crate::error::{Error, Result};
use crate::ingest::{RawRow, RawTable};
use crate::method::expr::Value;
use crate::schema::{Action, FileKind, ReasonCode as R};
use crate::validate::numbers::{self, AREA_UNITS, MONEY_UNITS, NO_UNITS};
use crate::{dates, ids};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Where an agreed value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The project's own agreement (约定值).
    Contract,
    /// The park tier's default in the rules file.
    TierDefault,
}

impl Source {
    pub fn label(self) -> &'static str {
        match self {
            Source::Contract => "contract",
            Source::TierDefault => "tier default",
        }
    }
}

/// One standard-land project (标准地项目) and its agreement.
#[derive(Debug, Clone)]
pub struct Project {
    pub id: String,
    pub enterprise_id: String,
    pub name: String,
    pub enterprise_name: String,
    pub county: String,
    pub park: String,
    pub tier: String,
    pub parcel_id: String,
    /// 亩 (m² × 15 / 10000 when given in m²).
    pub land_mu: f64,
    /// 平方米 (亩 × 10000 / 15 when given in 亩).
    pub land_m2: f64,
    /// 土地出让价款, 万元.
    pub land_price: f64,
    pub contract_date: Option<i64>,
    pub completion_due: Option<i64>,
    pub production_due: Option<i64>,
    /// 定金, 万元 (named in the termination flag: 定金不予退还).
    pub deposit: Option<f64>,
    /// Instalments, start, actual completion and production dates, events.
    pub milestones: Milestones,
    /// Per indicator of the rules: the agreed value and its source, `None` when there is none.
    pub agreed: Vec<Option<(Agreed, Source)>>,
    pub extra: Vec<String>,
    pub line: usize,
}

impl Project {
    /// The due date in the column a stage names.
    pub fn due(&self, column: &str) -> Option<i64> {
        if column == "production_due" {
            self.production_due
        } else {
            self.completion_due
        }
    }
}

/// One check (验收 / 复核) of a project at a stage: the figures the actual values are computed from.
#[derive(Debug, Clone)]
pub struct Check {
    pub project: usize,
    pub stage: usize,
    pub date: i64,
    pub review_year: Option<i64>,
    /// Field → value for the expressions (check columns and extra columns).
    pub values: BTreeMap<String, Value>,
    pub extra: Vec<String>,
    pub line: usize,
    /// Set when the figures come from the evaluation data rather than a check row.
    pub derived_note: Option<String>,
}

/// Everything read from the data folder.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub projects: Vec<Project>,
    /// The check used for each (project, stage): the latest one on or before the as-of date.
    pub checks: HashMap<(usize, usize), Check>,
    pub project_extra: Vec<String>,
    pub check_extra: Vec<String>,
    pub exceptions: Vec<Exception>,
    pub accounts: Vec<FileAccount>,
}

/// One row being typed: the file, its column map and the row, and who the row is about (for the reasons).
pub(super) struct Ctx<'a> {
    pub file: &'a str,
    pub map: &'a Mapped,
    pub cols: &'a [Col],
    pub raw: &'a RawRow,
    pub who: String,
    pub enterprise_id: String,
}

impl Ctx<'_> {
    pub fn cell(&self, name: &str) -> &str {
        let i = self.cols.iter().position(|c| c.name == name);
        i.and_then(|i| self.map.index[i]).and_then(|p| self.raw.cells.get(p)).map(|s| s.trim()).unwrap_or("")
    }
    pub fn hint(&self, name: &str) -> Option<&str> {
        self.cols.iter().position(|c| c.name == name).and_then(|i| self.map.unit_hint[i].as_deref())
    }
    pub fn ex(&self, column: &str, code: R, reason: String, action: Action) -> Exception {
        Exception {
            file: self.file.into(),
            line: self.raw.line,
            column: column.into(),
            enterprise_id: self.enterprise_id.clone(),
            code,
            reason: format!("{}{reason}", self.who),
            action,
        }
    }
}

pub(super) fn extra_cells(map: &Mapped, raw: &RawRow) -> Vec<String> {
    map.extra.iter().map(|(p, _)| raw.cells.get(*p).cloned().unwrap_or_default()).collect()
}

pub(super) fn account(t: &RawTable, kind: FileKind, excluded: &HashSet<usize>) -> FileAccount {
    FileAccount {
        file: t.file.clone(),
        kind,
        encoding: t.encoding.clone(),
        sha256: t.sha256.clone(),
        read: t.rows.len(),
        used: t.rows.len() - excluded.len(),
        excepted: excluded.len(),
        in_period: None,
        skipped: 0,
        layout: Vec::new(),
    }
}

/// Types the projects and checks tables, checking ids against the enterprises table if there is one.
pub fn read(tables: &super::Tables, rules: &Loaded, as_of: i64) -> Result<Inputs> {
    let mut inputs = Inputs::default();
    let known = match &tables.enterprises {
        Some(t) => Some(enterprise_ids(t, &mut inputs)?),
        None => None,
    };
    let pt = &tables.projects;
    let excluded = read_projects(pt, rules, known.as_ref(), &mut inputs)?;
    super::checks_input::read_checks(&tables.checks, rules, as_of, &pt.file, &excluded, &mut inputs)?;
    let ids: Vec<String> = inputs.projects.iter().map(|p| p.id.clone()).collect();
    let index = ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    let link = Link { index, excluded: &excluded, projects_file: &pt.file };
    if let Some(t) = &tables.payments {
        contract::read_payments(t, &link, &mut inputs)?;
    }
    if let Some(t) = &tables.events {
        contract::read_events(t, &link, rules, as_of, &mut inputs)?;
    }
    Ok(inputs)
}

/// The ids of the enterprises table (only the id column is read).
fn enterprise_ids(t: &RawTable, inputs: &mut Inputs) -> Result<(String, HashSet<String>)> {
    let cols = [columns::project_cols(&[])[1].clone()];
    let m = columns::map(&t.file, &cols, &t.headers)?;
    let Some(pos) = m.index[0] else {
        return Err(Error::BadInput(format!("{}: no enterprise_id column (统一社会信用代码)", t.file)));
    };
    let set =
        t.rows.iter().filter_map(|r| r.cells.get(pos)).map(|c| ids::normalize(c)).filter(|c| !c.is_empty()).collect();
    inputs.accounts.push(account(t, FileKind::Enterprises, &HashSet::new()));
    Ok((t.file.clone(), set))
}

/// Reads the projects; returns the ids of excluded project rows (id → line) to explain their checks.
fn read_projects(
    t: &RawTable,
    rules: &Loaded,
    known: Option<&(String, HashSet<String>)>,
    inputs: &mut Inputs,
) -> Result<HashMap<String, usize>> {
    let due: Vec<&str> = rules.rules.stages.iter().map(|s| s.due.as_str()).collect();
    let mut cols = columns::project_cols(&due);
    for ind in &rules.rules.indicators {
        let mut aliases = vec![format!("约定{}", ind.zh), ind.zh.clone(), format!("{}约定值", ind.zh)];
        aliases.extend(ind.agreed_aliases.iter().cloned());
        cols.push(Col { name: format!("agreed_{}", ind.key), required: false, aliases: aliases.clone() });
        cols.push(Col {
            name: format!("agreed_{}_min", ind.key),
            required: false,
            aliases: aliases.iter().map(|a| format!("{a}下限")).collect(),
        });
        cols.push(Col {
            name: format!("agreed_{}_max", ind.key),
            required: false,
            aliases: aliases.iter().map(|a| format!("{a}上限")).collect(),
        });
    }
    let map = columns::map(&t.file, &cols, &t.headers)?;
    inputs.project_extra = map.extra.iter().map(|(_, n)| n.clone()).collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut excluded = HashSet::new();
    let mut excluded_ids = HashMap::new();
    for raw in &t.rows {
        let mut c =
            Ctx { file: &t.file, map: &map, cols: &cols, raw, who: String::new(), enterprise_id: String::new() };
        c.enterprise_id = ids::normalize(c.cell("enterprise_id"));
        let id = c.cell("project_id").to_string();
        c.who = if id.is_empty() { String::new() } else { format!("project {id}: ") };
        match project_row(&c, rules, &id, &seen, known) {
            Ok((p, warnings)) => {
                inputs.exceptions.extend(warnings);
                seen.insert(p.id.clone(), raw.line);
                inputs.projects.push(p);
            }
            Err((column, code, reason)) => {
                excluded.insert(raw.line);
                if !id.is_empty() && !seen.contains_key(&id) {
                    excluded_ids.entry(id.clone()).or_insert(raw.line);
                }
                inputs.exceptions.push(c.ex(&column, code, reason, Action::Excluded));
            }
        }
    }
    inputs.accounts.push(account(t, FileKind::Projects, &excluded));
    Ok(excluded_ids)
}

/// Why a row is excluded: (column, reason code, reason).
pub(super) type RowResult<T> = std::result::Result<T, (String, R, String)>;

pub(super) fn fail(column: &str, code: R, reason: String) -> (String, R, String) {
    (column.to_string(), code, reason)
}

pub(super) fn date_cell(c: &Ctx, name: &str, required: bool) -> RowResult<Option<i64>> {
    let text = c.cell(name);
    if text.is_empty() {
        return if required { Err(fail(name, R::ValueEmpty, format!("{name} is empty"))) } else { Ok(None) };
    }
    dates::parse(text)
        .map(Some)
        .ok_or_else(|| fail(name, R::DateInvalid, format!("{name} '{text}' is not a date such as 2025-06-30")))
}

fn project_row(
    c: &Ctx,
    rules: &Loaded,
    id: &str,
    seen: &HashMap<String, usize>,
    known: Option<&(String, HashSet<String>)>,
) -> RowResult<(Project, Vec<Exception>)> {
    if id.is_empty() {
        return Err(fail("project_id", R::ProjectIdEmpty, "project_id is empty".into()));
    }
    if let Some(line) = seen.get(id) {
        return Err(fail(
            "project_id",
            R::ProjectDuplicate,
            format!("duplicate: project {id} is already at line {line}"),
        ));
    }
    let (value, cell_factor) = numbers::parse_with_unit(c.cell("land_area"), AREA_UNITS)
        .map_err(|r| fail("land_area", R::NumberInvalid, r))?
        .ok_or_else(|| fail("land_area", R::ValueEmpty, "land_area is empty".into()))?;
    let unit = c.cell("land_unit");
    let factor = match (cell_factor, unit, c.hint("land_area")) {
        (Some(f), _, _) => f,
        (None, u, _) if !u.is_empty() => area_factor(u)
            .ok_or_else(|| fail("land_unit", R::UnitInvalid, format!("land_unit '{u}' is not 亩, 平方米 or 公顷")))?,
        (None, _, Some(h)) => area_factor(h)
            .ok_or_else(|| fail("land_area", R::UnitInvalid, format!("header unit '{h}' is not 亩, 平方米 or 公顷")))?,
        _ => {
            let r = "no unit for land_area: fill land_unit (亩 or 平方米) or write it in the header, e.g. 用地面积(亩)";
            return Err(fail("land_unit", R::UnitMissing, r.into()));
        }
    };
    if value <= 0.0 {
        return Err(fail("land_area", R::AreaNotPositive, format!("land_area {value} is not positive")));
    }
    let (land_mu, land_m2) = land_both(value, factor);
    if let Some(h) = c.hint("land_price").filter(|h| *h != "万元") {
        return Err(fail("land_price", R::UnitInvalid, format!("header unit '{h}': land_price must be in 万元")));
    }
    let land_price = numbers::parse(c.cell("land_price"), MONEY_UNITS)
        .map_err(|r| fail("land_price", R::NumberInvalid, r))?
        .ok_or_else(|| fail("land_price", R::ValueEmpty, "land_price is empty".into()))?;
    if land_price < 0.0 {
        return Err(fail("land_price", R::ValueNegative, format!("land_price {land_price} is negative")));
    }
    let stages = &rules.rules.stages;
    let needs = |col: &str| stages.iter().any(|s| s.due == col);
    let completion_due = date_cell(c, "completion_due", needs("completion_due"))?;
    let production_due = date_cell(c, "production_due", needs("production_due"))?;
    let mut warnings = Vec::new();
    let contract_date = date_cell(c, "contract_date", false).unwrap_or_else(|(col, code, r)| {
        warnings.push(c.ex(&col, code, r, Action::KeptAsMissing));
        None
    });
    let milestones = contract::project_milestones(c, land_price, &mut warnings);
    let deposit = contract::deposit(c, &mut warnings);
    let eid = &c.enterprise_id;
    if eid.is_empty() {
        let r = "enterprise_id is empty; the project cannot be linked to an enterprise";
        warnings.push(c.ex("enterprise_id", R::IdEmpty, r.into(), Action::ProjectChecked));
    } else if let Some(p) = ids::id_problem(eid) {
        warnings.push(c.ex("enterprise_id", R::IdInvalid, p, Action::ProjectChecked));
    } else if let Some((file, set)) = known {
        if !set.contains(eid) {
            let r = format!("the agreement references enterprise {eid}, which is not in {file}");
            warnings.push(c.ex("enterprise_id", R::EnterpriseUnknown, r, Action::ProjectCheckedFixId));
        }
    }
    let tier = c.cell("park_tier").to_string();
    let agreed = agreed_values(c, rules, &tier, &mut warnings);
    let p = Project {
        id: id.to_string(),
        enterprise_id: eid.clone(),
        name: c.cell("name").to_string(),
        enterprise_name: c.cell("enterprise_name").to_string(),
        county: c.cell("county").to_string(),
        park: c.cell("park").to_string(),
        tier,
        parcel_id: c.cell("parcel_id").to_string(),
        land_mu,
        land_m2,
        land_price,
        contract_date,
        completion_due,
        production_due,
        deposit,
        milestones,
        agreed,
        extra: extra_cells(c.map, c.raw),
        line: c.raw.line,
    };
    Ok((p, warnings))
}

/// The agreed value of every indicator: the project's cell, else the park tier's default, else none
/// (listed).
fn agreed_values(c: &Ctx, rules: &Loaded, tier: &str, warnings: &mut Vec<Exception>) -> Vec<Option<(Agreed, Source)>> {
    let mut agreed = Vec::new();
    for (i, ind) in rules.rules.indicators.iter().enumerate() {
        let dir = rules.compiled[i].direction;
        let col = format!("agreed_{}", ind.key);
        let contract = agreed_cell(c, &col, dir, &ind.unit);
        let contract = match contract {
            Ok(v) => v,
            Err(r) => {
                warnings.push(c.ex(&col, R::AgreedInvalid, r, Action::TierDefault));
                None
            }
        };
        let tier_default = rules.rules.tiers.get(tier).and_then(|m| m.get(&ind.key)).copied();
        agreed.push(match (contract, tier_default) {
            (Some(v), _) => Some((v, Source::Contract)),
            (None, Some(v)) => Some((v, Source::TierDefault)),
            (None, None) => {
                let why = if rules.rules.tiers.contains_key(tier) {
                    format!("park tier '{tier}' has no default for {} in the rules file", ind.key)
                } else {
                    format!("park tier '{tier}' is not in the rules file's [tiers]")
                };
                let r = format!("no agreed value for {} ({}): the cell is empty and {why}", ind.key, ind.zh);
                warnings.push(c.ex(&col, R::AgreedMissing, r, Action::IndicatorNotAssessed));
                None
            }
        });
    }
    agreed
}

/// Reads one agreed value: a number (a leading ≥/≤ and a trailing % or the indicator's unit are
/// tolerated), or for `between` a range `0.7-1.8` or the `_min`/`_max` columns.
fn agreed_cell(c: &Ctx, col: &str, dir: Direction, unit: &str) -> std::result::Result<Option<Agreed>, String> {
    let num = |text: &str| -> std::result::Result<Option<f64>, String> {
        let mut t = text.trim().trim_start_matches(['≥', '≤', '>', '<', '=']).trim().to_string();
        for w in ["不低于", "不少于", "不高于", "不超过", "不大于"] {
            t = t.trim_start_matches(w).to_string();
        }
        if unit == "%" {
            t = t.trim_end_matches(['%', '％']).to_string();
        } else if !unit.is_empty() {
            t = t.trim_end_matches(unit).to_string();
        }
        numbers::parse(&t, NO_UNITS)
    };
    let text = c.cell(col);
    let v = if dir == Direction::Between {
        let parts: Vec<&str> = text.split(['-', '–', '~', '～', '至']).filter(|s| !s.trim().is_empty()).collect();
        match (parts.as_slice(), num(c.cell(&format!("{col}_min")))?, num(c.cell(&format!("{col}_max")))?) {
            ([a, b], _, _) => match (num(a)?, num(b)?) {
                (Some(min), Some(max)) => Some(Agreed::Range { min, max }),
                _ => None,
            },
            ([], Some(min), Some(max)) => Some(Agreed::Range { min, max }),
            ([], None, None) => None,
            _ => return Err(format!("'{text}' is not a range such as 0.7-1.8 (or fill {col}_min and {col}_max)")),
        }
    } else {
        num(text)?.map(Agreed::One)
    };
    match v {
        Some(a) => check_agreed(a, dir).map(|_| Some(a)).map_err(|p| format!("'{text}': {p}")),
        None => Ok(None),
    }
}
