//! The explanation table (explain.csv): for every enterprise, how its result came about — status and
//! why, land basis and its parts, each indicator's numerator, denominator, value, benchmark and where it
//! came from, ratio, weight, points before and after cap or floor; bonus and penalty items, veto, total
//! and its rounding, the class rule applied and the ranks. `mujun explain` prints one enterprise from it.

use super::table::{Cell, Table};
use crate::indicators::{EntEnv, Others, Tenancy};
use crate::method::{Benchmark, LandBasis, PointsMethod};
use crate::pipeline::Run;
use crate::score::{benchmark_group, Fig, Status};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

const COLUMNS: &[(&str, &str)] = &[
    ("enterprise_id", "统一社会信用代码"),
    ("name", "企业名称"),
    ("step", "步骤"),
    ("item", "项目"),
    ("numerator", "分子"),
    ("denominator", "分母"),
    ("value", "数值"),
    ("benchmark", "基准值"),
    ("benchmark_source", "基准值来源"),
    ("ratio", "比值"),
    ("weight", "权重"),
    ("points_before_cap", "封顶保底前得分"),
    ("points", "得分"),
    ("note", "说明"),
];

fn row(id: &str, name: &str, step: &str, item: String, cells: [Cell; 9], note: String) -> Vec<Cell> {
    let mut r = vec![Cell::text(id), Cell::text(name), Cell::text(step), Cell::Text(item)];
    r.extend(cells);
    r.push(Cell::Text(note));
    r
}

fn e() -> Cell {
    Cell::Empty
}

fn full(x: Option<f64>) -> Cell {
    x.map_or(Cell::Empty, |v| Cell::Dec(format!("{v}")))
}

/// The columns of the explanation table, without rows.
pub fn columns() -> Table {
    let mut t = Table::new(&[]);
    for (c, zh) in COLUMNS {
        t.push_column(c.to_string(), format!("{zh} {c}"));
    }
    t
}

/// What the explanation rows of every enterprise need: how each benchmark was obtained, and the quota
/// base of each (track, class group).
pub struct Explainer<'a> {
    run: &'a Run,
    how: HashMap<(&'a str, &'a str, &'a str), &'a str>,
    n_graded: BTreeMap<(usize, &'a str), usize>,
    /// The leases, for weight rules that read tenants (empty when no indicator has `weights`).
    tenancy: Tenancy,
}

impl<'a> Explainer<'a> {
    pub fn new(run: &'a Run) -> Explainer<'a> {
        let m = &run.method.method;
        let digits = m.ranking.industry_digits;
        let how = run
            .benchmarks
            .iter()
            .map(|b| ((b.track.as_str(), b.indicator.as_str(), b.group.as_str()), b.how.as_str()))
            .collect();
        let mut n_graded: BTreeMap<(usize, &str), usize> = BTreeMap::new();
        for (i, s) in run.scored.iter().enumerate() {
            if let (Some(tr), Status::Graded) = (s.track, s.status) {
                let g = benchmark_group(&run.data.enterprises[i], m.tracks[tr].classes.group, digits);
                *n_graded.entry((tr, g)).or_default() += 1;
            }
        }
        let weighted = run.method.tracks.iter().any(|c| c.weights.iter().any(|w| !w.is_empty()));
        let tenancy = if weighted { Tenancy::of_data(&run.data) } else { Tenancy::default() };
        Explainer { run, how, n_graded, tenancy }
    }

    /// The weight of indicator `k` of track `t` for enterprise `i`: its `weights` rule's, or the indicator's.
    fn weight(&self, i: usize, t: usize, k: usize) -> f64 {
        let run = self.run;
        let (c, track) = (&run.method.tracks[t], &run.method.method.tracks[t]);
        if c.weights[k].is_empty() {
            return track.indicators[k].weight;
        }
        let (data, facts, prior) = (&run.data, run.facts.as_slice(), run.prior_facts.as_slice());
        let others = Others { data, facts, prior, tenancy: &self.tenancy };
        let (e, f, prior) = (&data.enterprises[i], &facts[i], prior.get(i));
        c.weight(track, k, &EntEnv { e, f, prior, period: &run.period, others: Some((&others, i)) })
    }

    /// The explanation rows of enterprise `i`, in order.
    pub fn rows(&self, i: usize) -> Vec<Vec<Cell>> {
        let (run, how, n_graded) = (self.run, &self.how, &self.n_graded);
        let m = &run.method.method;
        let digits = m.ranking.industry_digits;
        let mut t = Table::default();
        let (en, f, s) = (&run.data.enterprises[i], &run.facts[i], &run.scored[i]);
        let (id, name) = (en.id.as_str(), en.name.as_str());
        let track = s.track.map(|x| &m.tracks[x]);
        let status = format!(
            "{} {}{}",
            s.status.zh(),
            s.status.code(),
            track.map(|t| format!(" (track {})", t.name)).unwrap_or_default()
        );
        t.rows.push(row(
            id,
            name,
            "status",
            status,
            [e(), e(), e(), e(), e(), e(), e(), e(), e()],
            s.reasons.join("; "),
        ));
        let parts = match m.land.basis {
            LandBasis::OwnedPlusRentedInMinusRentedOut => {
                format!("自有 {} + 租入 {} − 租出 {}", f.land_owned, f.land_rented_in, f.land_rented_out)
            }
            LandBasis::OwnedPlusRentedIn => {
                format!("自有 {} + 租入 {} (租出 {} not subtracted)", f.land_owned, f.land_rented_in, f.land_rented_out)
            }
            LandBasis::OwnedOnly => format!("自有 {} only", f.land_owned),
        };
        t.rows.push(row(
            id,
            name,
            "land",
            "用地面积 land basis (亩)".into(),
            [e(), e(), full(Some(f.land)), e(), e(), e(), e(), e(), e()],
            parts,
        ));
        let Some(track) = track else { return t.rows };
        if s.total.is_none() {
            return t.rows;
        }
        for (k, ind) in track.indicators.iter().enumerate() {
            let group = match &ind.benchmark {
                Some(Benchmark::Derived(d)) => benchmark_group(en, d.group, digits),
                _ => "",
            };
            let source = how.get(&(track.name.as_str(), ind.key.as_str(), group)).map(|h| {
                if group.is_empty() {
                    h.to_string()
                } else {
                    format!("{h} ({group})")
                }
            });
            let ratio = match (track.points.method, s.figures.get(Fig::Value, k), s.figures.get(Fig::Benchmark, k)) {
                (PointsMethod::Ratio, Some(v), Some(b)) => Some(v / b),
                _ => None,
            };
            let label = if ind.zh.is_empty() { ind.key.clone() } else { ind.zh.clone() };
            let note: Vec<&str> = s.reasons.iter().filter(|r| r.starts_with(&label)).map(|r| r.as_str()).collect();
            t.rows.push(row(
                id,
                name,
                "indicator",
                format!("{} {} = ({}) ÷ ({}) [{}]", ind.key, ind.zh, ind.num, ind.den, ind.unit),
                [
                    full(s.figures.get(Fig::Num, k)),
                    full(s.figures.get(Fig::Den, k)),
                    full(s.figures.get(Fig::Value, k)),
                    full(s.figures.get(Fig::Benchmark, k)),
                    source.map_or(Cell::Empty, Cell::Text),
                    full(ratio),
                    Cell::Dec(format!("{}", self.weight(i, s.track.unwrap_or(0), k))),
                    full(s.figures.get(Fig::RawPoints, k)),
                    full(s.figures.get(Fig::Points, k)),
                ],
                note.join("; "),
            ));
        }
        for (what, pts) in &s.items {
            let step = if *pts < 0.0 { "penalty" } else { "bonus" };
            t.rows.push(row(
                id,
                name,
                step,
                what.clone(),
                [e(), e(), e(), e(), e(), e(), e(), e(), full(Some(*pts))],
                String::new(),
            ));
        }
        let caps: Vec<&str> = s
            .reasons
            .iter()
            .filter(|r| r.starts_with("bonus capped") || r.starts_with("penalty capped"))
            .map(|r| r.as_str())
            .collect();
        t.rows.push(row(
            id,
            name,
            "total",
            "总分 total = Σ points + bonus + penalty".into(),
            [e(), e(), full(s.total), e(), e(), e(), e(), e(), Cell::Dec(s.total_text.to_string())],
            format!(
                "bonus {} penalty {}; rounded half up to 2 decimals{}",
                s.bonus,
                s.penalty,
                if caps.is_empty() { String::new() } else { format!("; {}", caps.join("; ")) }
            ),
        ));
        let c = &track.classes;
        let g = benchmark_group(en, c.group, digits);
        let n = n_graded.get(&(s.track.unwrap_or(0), g)).copied().unwrap_or(0);
        let rule = crate::method::classes_words(c);
        let note = match s.status {
            Status::Graded => format!(
                "{rule}; group {:?} {}, N = {n}, position {}",
                c.group,
                if g.is_empty() { "(city)" } else { &g },
                s.rank.unwrap_or(0)
            ),
            Status::Vetoed => format!("veto → {} (outside the quota base)", s.class),
            _ => "not in the quota base".to_string(),
        };
        t.rows.push(row(
            id,
            name,
            "class",
            format!("等级 class {}", s.class),
            [e(), e(), e(), e(), e(), e(), e(), e(), e()],
            note,
        ));
        let r = |x: Option<u32>| x.map_or("—".into(), |r| r.to_string());
        let ranks = format!(
            "track rank {} · rank {} · county rank {} · park rank {} · industry rank {}",
            r(s.track_rank),
            r(s.rank),
            r(s.county_rank),
            r(s.park_rank),
            r(s.industry_rank)
        );
        t.rows.push(row(
            id,
            name,
            "rank",
            ranks,
            [e(), e(), e(), e(), e(), e(), e(), e(), e()],
            "order: rounded total desc, tie-break indicators desc, enterprise_id asc".into(),
        ));
        t.rows
    }
}

/// The explanation of one enterprise from the text of a run's explain.csv (`source` names the file in
/// errors), as text for the terminal.
pub fn print(text: &str, source: &str, enterprise_id: &str) -> Result<String, String> {
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let id = crate::ids::normalize(enterprise_id);
    let rows: Vec<csv::StringRecord> =
        r.records().filter_map(|x| x.ok()).filter(|x| x.get(0) == Some(id.as_str())).collect();
    if rows.is_empty() {
        return Err(format!("enterprise {id} is not in {source}"));
    }
    let mut out = format!("{} {}\n", id, rows[0].get(1).unwrap_or(""));
    for rec in &rows {
        let _ = writeln!(out, "[{}] {}", rec.get(2).unwrap_or(""), rec.get(3).unwrap_or(""));
        for (k, (c, zh)) in COLUMNS.iter().enumerate().skip(4) {
            let v = rec.get(k).unwrap_or("");
            if !v.is_empty() {
                let _ = writeln!(out, "    {zh} {c}: {v}");
            }
        }
    }
    Ok(out)
}
