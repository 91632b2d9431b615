//! County progress against the year's targets: completion = year-to-date actual ÷ annual target, against the
//! elapsed share of the year = quarters elapsed ÷ 4. The targets file has one row per county and year and a
//! column per target (revenue, tax, value_added or any output field; Chinese headers accepted). The actual is
//! the sum of the quarterly rows Q1..q of the county's enterprises (all, or one scale: `targets.scale`), as
//! reported: nothing is estimated for missing quarters.

use super::periods::{ytd, Quarterly};
use crate::dataset::{Dataset, OUTPUT_FIELDS};
use crate::decimal::round_half_up;
use crate::period::Quarter;
use crate::report::table::{Cell, Table};

/// One target: county, measure, annual target.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub county: String,
    pub year: i32,
    pub measure: String,
    pub target: f64,
    pub line: usize,
}

/// Column names (English, or the Chinese headers bureaus use) → canonical name.
fn canonical(h: &str) -> Option<&'static str> {
    let h = h.trim().trim_start_matches('\u{feff}');
    let h = h.split(['(', '（']).next().unwrap_or(h).trim();
    Some(match h {
        "county" | "县区" | "县(区)" | "区县" | "县市区" => "county",
        "year" | "年度" | "年份" => "year",
        "revenue" | "营业收入" | "主营业务收入" => "revenue",
        "tax" | "tax_paid" | "税收" | "实缴税金" | "税收收入" => "tax",
        "value_added" | "增加值" | "工业增加值" => "value_added",
        "energy_tce" | "综合能耗" => "energy_tce",
        "electricity_10k_kwh" | "用电量" => "electricity_10k_kwh",
        "rd_expense" | "研发经费" => "rd_expense",
        "tech_invest" | "技改投资" => "tech_invest",
        _ => return None,
    })
}

/// Reads a targets file (CSV in UTF-8 or GBK, XLSX, Parquet). Blank cells mean no target.
pub fn read(path: &std::path::Path) -> Result<Vec<Target>, String> {
    let t = crate::ingest::read(path).map_err(|e| e.to_string())?;
    let name = t.file.clone();
    let cols: Vec<Option<&str>> = t.headers.iter().map(|h| canonical(h)).collect();
    let find = |n: &str| {
        cols.iter()
            .position(|c| *c == Some(n))
            .ok_or_else(|| format!("targets file {name} needs a column '{n}' (or 县区 / 年度)"))
    };
    let (cc, cy) = (find("county")?, find("year")?);
    let measures: Vec<(usize, &str)> = cols
        .iter()
        .enumerate()
        .filter_map(|(k, c)| c.filter(|n| *n != "county" && *n != "year").map(|n| (k, n)))
        .collect();
    if measures.is_empty() {
        return Err(format!(
            "targets file {name} has no target column; use revenue, tax, value_added (营业收入, 税收, 增加值) …"
        ));
    }
    let mut out = Vec::new();
    for r in &t.rows {
        let get = |c: usize| r.cells.get(c).map(|s| s.trim().to_string()).unwrap_or_default();
        let year: i32 = get(cy)
            .trim_end_matches('年')
            .parse()
            .map_err(|_| format!("{name} line {}: year '{}' is not a year", r.line, get(cy)))?;
        for &(k, m) in &measures {
            let cell = get(k).replace(',', "");
            if cell.is_empty() {
                continue;
            }
            let target: f64 =
                cell.parse().map_err(|_| format!("{name} line {}: {m} '{}' is not a number", r.line, get(k)))?;
            out.push(Target { county: get(cc), year, measure: m.to_string(), target, line: r.line });
        }
    }
    Ok(out)
}

/// The progress table for the targets of `last`'s year, in file order.
pub fn table(data: &Dataset, q: &Quarterly, last: Quarter, targets: &[Target], scale: &str) -> Table {
    let mut t = Table::new(&[
        ("county", "县区 county"),
        ("year", "年度 year"),
        ("measure", "指标 measure"),
        ("target", "年度目标 target"),
        ("ytd_actual", "年初至今实际 ytd_actual"),
        ("quarters_elapsed", "已过季度 quarters_elapsed"),
        ("completion_pct", "完成率% completion_pct"),
        ("elapsed_pct", "时间进度% elapsed_pct"),
        ("gap_pts", "完成率−时间进度 gap_pts"),
        ("status", "进度 status"),
        ("enterprises", "企业数 enterprises"),
    ]);
    let quarters = ytd(last);
    let elapsed = quarters.len() as f64 / 4.0 * 100.0;
    for x in targets.iter().filter(|x| x.year == last.year) {
        let members: Vec<usize> = (0..data.enterprises.len())
            .filter(|&i| {
                data.enterprises[i].county == x.county && (scale.is_empty() || data.enterprises[i].scale == scale)
            })
            .collect();
        debug_assert!(x.measure == "tax" || OUTPUT_FIELDS.contains(&x.measure.as_str()));
        let mut actual = 0.0;
        for &i in &members {
            if let (Some(v), _) = q.sum(data, i, &quarters, &x.measure) {
                actual += v;
            }
        }
        let completion = (x.target != 0.0).then(|| actual / x.target * 100.0);
        let gap = completion.map(|c| round_half_up(c, 2) - elapsed);
        let status = match gap {
            None => "no target",
            Some(g) if g >= 0.0 => "on_track",
            Some(_) => "behind",
        };
        t.rows.push(vec![
            Cell::text(x.county.as_str()),
            Cell::Int(x.year as i64),
            Cell::text(&x.measure),
            Cell::Num(x.target, 2),
            Cell::Num(actual, 2),
            Cell::Int(quarters.len() as i64),
            Cell::opt(completion, 2),
            Cell::Num(elapsed, 2),
            Cell::opt(gap, 2),
            Cell::text(status),
            Cell::Int(members.len() as i64),
        ]);
    }
    t
}
