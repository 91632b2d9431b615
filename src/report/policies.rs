//! Policies by class: each classed enterprise's measures, its electricity surcharge rate (which may rise
//! with consecutive years in the class, read from a class-history file), only the highest of several
//! surcharges applying, and the amount from its consumption: 万kWh × 元/kWh = 万元.

use super::table::{Cell, Table};
use crate::pipeline::Run;
use std::collections::{BTreeMap, HashMap};

/// enterprise_id → (year → class), from the methodology's history file.
pub fn read_history(run: &Run) -> Result<HashMap<String, BTreeMap<i32, String>>, String> {
    let mut out: HashMap<String, BTreeMap<i32, String>> = HashMap::new();
    let Some(name) = &run.method.method.policies.history_file else { return Ok(out) };
    let method_dir = run.method.path.parent().map(|p| p.to_path_buf()).unwrap_or_default();
    let path = [run.data_dir.join(name), method_dir.join(name)].into_iter().find(|p| p.is_file()).ok_or_else(|| {
        format!("policies.history_file '{name}' not found in the data folder or beside the methodology file")
    })?;
    let t = crate::ingest::read(&path).map_err(|e| e.to_string())?;
    let col =
        |n: &str| t.headers.iter().position(|h| h.trim() == n).ok_or_else(|| format!("{name} needs a column '{n}'"));
    let (ci, cy, cc) = (col("enterprise_id")?, col("year")?, col("class")?);
    for r in &t.rows {
        let get = |c: usize| r.cells.get(c).map(|s| s.trim().to_string()).unwrap_or_default();
        let year: i32 =
            get(cy).parse().map_err(|_| format!("{name} line {}: year '{}' is not a year", r.line, get(cy)))?;
        out.entry(crate::ids::normalize(&get(ci))).or_default().insert(year, get(cc));
    }
    Ok(out)
}

/// Consecutive years in `class` ending with the evaluation year (this year counts as 1).
pub fn consecutive(history: Option<&BTreeMap<i32, String>>, year: i32, class: &str) -> usize {
    let mut n = 1;
    while history.and_then(|h| h.get(&(year - n as i32))).is_some_and(|c| c == class) {
        n += 1;
    }
    n
}

pub fn table(run: &Run) -> Result<Table, String> {
    let mut t = Table::new(&[
        ("enterprise_id", "统一社会信用代码 enterprise_id"),
        ("name", "企业名称 name"),
        ("county", "县区 county"),
        ("class", "等级 class"),
        ("years_in_class", "连续年数 years_in_class"),
        ("measures", "政策措施 measures"),
        ("surcharge_yuan_per_kwh", "加价(元/千瓦时) surcharge_yuan_per_kwh"),
        ("surcharge_basis", "加价依据 surcharge_basis"),
        ("electricity_10k_kwh", "用电量(万千瓦时) electricity_10k_kwh"),
        ("surcharge_10k_yuan", "加价金额(万元) surcharge_10k_yuan"),
    ]);
    let policies = &run.method.method.policies.by_class;
    if policies.is_empty() {
        return Ok(t);
    }
    let history = read_history(run)?;
    let year = run.period.year();
    for i in super::enterprises::row_order(run) {
        let (e, s) = (&run.data.enterprises[i], &run.scored[i]);
        let Some(p) = policies.iter().find(|p| p.class == s.class) else { continue };
        let years = consecutive(history.get(e.id.as_str()), year, &s.class);
        let mut options: Vec<(String, f64)> = Vec::new();
        if let Some(r) = p.electricity_surcharge.get(years - 1).or(p.electricity_surcharge.last()) {
            options.push((format!("差别化电价, year {years} in class {}", s.class), *r));
        }
        // Other surcharges apply to enterprises carrying the tag of the same name (e.g. 惩罚性电价).
        options.extend(p.other_surcharges.iter().filter(|(k, _)| e.tags.contains(k)).map(|(k, v)| (k.clone(), *v)));
        // Only the highest surcharge applies; ties keep the first listed.
        let best =
            options.iter().fold(None::<&(String, f64)>, |b, o| if b.is_none_or(|b| o.1 > b.1) { Some(o) } else { b });
        let kwh = run.facts[i].sum(crate::schema::Field::Electricity);
        let amount = match (best, kwh) {
            (Some((_, r)), Some(k)) => Some(r * k),
            _ => None,
        };
        t.rows.push(vec![
            Cell::text(e.id.as_str()),
            Cell::text(&e.name),
            Cell::text(e.county.as_str()),
            Cell::text(s.class.as_str()),
            Cell::Int(years as i64),
            Cell::text(p.measures.join("; ")),
            Cell::opt(best.map(|b| b.1), 4),
            Cell::text(best.map(|b| b.0.clone()).unwrap_or_default()),
            Cell::opt(kwh, 4),
            Cell::opt(amount, 2),
        ]);
    }
    Ok(t)
}
