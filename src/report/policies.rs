//! Policies by class: each classed enterprise's measures, its electricity surcharge rate (which may rise
//! with consecutive years in the class, read from a class-history file), only the highest of several
//! surcharges applying, and the amount from its consumption: 万kWh × 元/kWh = 万元.

use super::table::{Cell, Show, Table};
use crate::error::{Error, Result};
use crate::method::{Loaded, SideFiles};
use crate::pipeline::Run;
use std::collections::{BTreeMap, HashMap};

/// Earlier years' classes, from the methodology's history file: enterprise_id → (year → class).
#[derive(Debug, Clone, Default)]
pub struct History(HashMap<String, BTreeMap<i32, String>>);

impl History {
    /// The history file the methodology names, from the files read for it (empty when it names none).
    pub fn parse(method: &Loaded, side: &SideFiles) -> Result<History> {
        let mut out: HashMap<String, BTreeMap<i32, String>> = HashMap::new();
        let Some(name) = &method.method.policies.history_file else { return Ok(History(out)) };
        let t =
            side.get(name).ok_or_else(|| Error::Internal(format!("policies.history_file '{name}' was not read")))?;
        let bad = |m: String| Error::BadInput(format!("policies.history_file {m}"));
        let col = |n: &str| {
            t.headers.iter().position(|h| h.trim() == n).ok_or_else(|| bad(format!("{name} needs a column '{n}'")))
        };
        let (ci, cy, cc) = (col("enterprise_id")?, col("year")?, col("class")?);
        for r in &t.rows {
            let get = |c: usize| r.cells.get(c).map(|s| s.trim().to_string()).unwrap_or_default();
            let year: i32 = get(cy)
                .parse()
                .map_err(|_| bad(format!("{name} line {}: year '{}' is not a year", r.line, get(cy))))?;
            out.entry(crate::ids::normalize(&get(ci))).or_default().insert(year, get(cc));
        }
        Ok(History(out))
    }

    /// The classes of one enterprise by year.
    pub fn of(&self, id: &str) -> Option<&BTreeMap<i32, String>> {
        self.0.get(id)
    }
}

/// Consecutive years in `class` ending with the evaluation year (this year counts as 1).
pub fn consecutive(history: Option<&BTreeMap<i32, String>>, year: i32, class: &str) -> usize {
    let mut n = 1;
    while history.and_then(|h| h.get(&(year - n as i32))).is_some_and(|c| c == class) {
        n += 1;
    }
    n
}

pub fn table(run: &Run) -> Table {
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
    t.set_show(&["class"], Show::Coded);
    t.set_show(&["surcharge_10k_yuan"], Show::Money);
    let policies = &run.method.method.policies.by_class;
    if policies.is_empty() {
        return t;
    }
    let year = run.period.year();
    // The events of the period by enterprise (the events file is small).
    let (first, last) = (run.period.first_day(), run.period.last_day());
    let mut events: Vec<Vec<&crate::dataset::Event>> = vec![Vec::new(); run.data.enterprises.len()];
    for ev in run.data.events.iter().filter(|ev| (first..=last).contains(&ev.date)) {
        events[ev.enterprise].push(ev);
    }
    for i in super::enterprises::row_order(run) {
        let (e, s) = (&run.data.enterprises[i], &run.scored[i]);
        let Some(p) = policies.iter().find(|p| p.class == s.class) else { continue };
        let years = consecutive(run.class_history.of(e.id.as_str()), year, &s.class);
        let mut options: Vec<(String, f64)> = Vec::new();
        if let Some(r) = p.electricity_surcharge.get(years - 1).or(p.electricity_surcharge.last()) {
            options.push((format!("差别化电价, year {years} in class {}", s.class), *r));
        }
        // Other surcharges apply to enterprises carrying the tag of the same name (e.g. 惩罚性电价).
        options.extend(p.other_surcharges.iter().filter(|(k, _)| e.tags.contains(k)).map(|(k, v)| (k.clone(), *v)));
        // Event surcharges apply to enterprises with an event of that kind dated in the period.
        for ev in &events[i] {
            if let Some(rate) = p.event_surcharges.get(&ev.kind) {
                options.push((format!("{} {}", ev.kind, crate::dates::format(ev.date)), *rate));
            }
        }
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
            Cell::coded(s.class.as_str(), super::enterprises::class_words(&s.class, s.status)),
            Cell::Int(years as i64),
            Cell::text(p.measures.join("; ")),
            Cell::opt(best.map(|b| b.1), 4),
            Cell::text(best.map(|b| b.0.clone()).unwrap_or_default()),
            Cell::opt(kwh, 4),
            Cell::opt(amount, 2),
        ]);
    }
    t
}
