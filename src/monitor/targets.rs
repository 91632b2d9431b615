//! County progress against the year's targets: completion = year-to-date actual ÷ annual target, against the
//! elapsed share of the year = quarters elapsed ÷ 4. The targets file has one row per county and year and a
//! column per target (revenue, tax, value_added or any output field; Chinese headers accepted). The actual is
//! the sum of the quarterly rows Q1..q of the county's enterprises (all, or one scale: `targets.scale`), as
//! reported: nothing is estimated for missing quarters.

use super::periods::{ytd, Quarterly};
use crate::dataset::Dataset;
use crate::decimal::round_half_up;
use crate::error::{Error, Result};
use crate::ingest::RawTable;
use crate::period::Quarter;
use crate::report::table::{Cell, Table};
use crate::schema::Field;

/// One target: county, measure, annual target.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub county: String,
    pub year: i32,
    pub measure: Field,
    pub target: f64,
    pub line: usize,
}

/// What a column of the targets file holds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Column {
    County,
    Year,
    Target(Field),
}

/// Column names (English, or the Chinese headers bureaus use) → what the column holds.
fn canonical(h: &str) -> Option<Column> {
    let h = h.trim().trim_start_matches('\u{feff}');
    let h = h.split(['(', '（']).next().unwrap_or(h).trim();
    Some(match h {
        "county" | "县区" | "县(区)" | "区县" | "县市区" => Column::County,
        "year" | "年度" | "年份" => Column::Year,
        "revenue" | "营业收入" | "主营业务收入" => Column::Target(Field::Revenue),
        "tax" | "tax_paid" | "税收" | "实缴税金" | "税收收入" => Column::Target(Field::Tax),
        "value_added" | "增加值" | "工业增加值" => Column::Target(Field::ValueAdded),
        "energy_tce" | "综合能耗" => Column::Target(Field::EnergyTce),
        "electricity_10k_kwh" | "用电量" => Column::Target(Field::Electricity),
        "rd_expense" | "研发经费" => Column::Target(Field::RdExpense),
        "tech_invest" | "技改投资" => Column::Target(Field::TechInvest),
        _ => return None,
    })
}

/// The targets of a targets file's table (CSV in UTF-8 or GBK, XLSX, Parquet). Blank cells mean no target.
pub fn from_table(t: &RawTable) -> Result<Vec<Target>> {
    let name = t.file.as_str();
    let cols: Vec<Option<Column>> = t.headers.iter().map(|h| canonical(h)).collect();
    let find = |c: Column, n: &str| {
        cols.iter()
            .position(|x| *x == Some(c))
            .ok_or_else(|| Error::file(name, format!("the targets file needs a column '{n}' (or 县区 / 年度)")))
    };
    let (cc, cy) = (find(Column::County, "county")?, find(Column::Year, "year")?);
    let measures: Vec<(usize, Field)> = cols
        .iter()
        .enumerate()
        .filter_map(|(k, c)| match c {
            Some(Column::Target(f)) => Some((k, *f)),
            _ => None,
        })
        .collect();
    if measures.is_empty() {
        let fix = "no target column; use revenue, tax, value_added (营业收入, 税收, 增加值) …";
        return Err(Error::file(name, fix));
    }
    let mut out = Vec::new();
    for r in &t.rows {
        let get = |c: usize| r.cells.get(c).map(|s| s.trim().to_string()).unwrap_or_default();
        let year: i32 = get(cy).trim_end_matches('年').parse().map_err(|_| {
            Error::at(name, r.line, t.headers.get(cy).map(String::as_str), format!("'{}' is not a year", get(cy)))
        })?;
        for &(k, m) in &measures {
            let cell = get(k).replace(',', "");
            if cell.is_empty() {
                continue;
            }
            let column = t.headers.get(k).map(String::as_str);
            let target: f64 =
                cell.parse().map_err(|_| Error::at(name, r.line, column, format!("'{}' is not a number", get(k))))?;
            out.push(Target { county: get(cc), year, measure: m, target, line: r.line });
        }
    }
    Ok(out)
}

/// The progress table for the targets of `last`'s year, in file order, and how many are behind.
pub fn table(data: &Dataset, q: &Quarterly, last: Quarter, targets: &[Target], scale: &str) -> (Table, usize) {
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
    t.set_show(&["year"], crate::report::table::Show::Plain);
    t.set_show(&["status"], crate::report::table::Show::Coded);
    let quarters = ytd(last);
    let elapsed = quarters.len() as f64 / 4.0 * 100.0;
    let mut behind = 0;
    for x in targets.iter().filter(|x| x.year == last.year) {
        let members: Vec<usize> = (0..data.enterprises.len())
            .filter(|&i| {
                data.enterprises[i].county == x.county && (scale.is_empty() || data.enterprises[i].scale.zh() == scale)
            })
            .collect();
        let mut actual = 0.0;
        for &i in &members {
            if let (Some(v), _) = q.sum(data, i, &quarters, x.measure) {
                actual += v;
            }
        }
        let completion = (x.target != 0.0).then(|| actual / x.target * 100.0);
        let gap = completion.map(|c| round_half_up(c, 2) - elapsed);
        let (status, words) = match gap {
            None => ("no target", "无目标"),
            Some(g) if g >= 0.0 => ("on_track", "达到时间进度"),
            Some(_) => {
                behind += 1;
                ("behind", "落后于时间进度")
            }
        };
        t.rows.push(vec![
            Cell::text(x.county.as_str()),
            Cell::Int(x.year as i64),
            Cell::text(x.measure.name()),
            Cell::Num(x.target, 2),
            Cell::Num(actual, 2),
            Cell::Int(quarters.len() as i64),
            Cell::opt(completion, 2),
            Cell::Num(elapsed, 2),
            Cell::opt(gap, 2),
            Cell::coded(status, words),
            Cell::Int(members.len() as i64),
        ]);
    }
    (t, behind)
}
