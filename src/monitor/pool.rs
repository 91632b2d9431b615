//! The 升规 cultivation pool (升规培育库): 规下 enterprises near the regulated-size threshold (main-business
//! revenue 2,000 万元 a year for industry), their year-on-year growth on the same scope (the same firm's
//! same four quarters a year earlier), the quarters they need to reach the threshold at that growth, and the
//! firms that were 规上 and are now 规下 (return support). Thresholds are keys of the rules file.
//!
//! Figures, all from the quarterly rows and ending in the current period's last quarter `q`:
//! - R4 = revenue of the four quarters ending in `q`; R4′ = the same four quarters a year earlier;
//! - growth g = (R4 − R4′) ÷ R4′ (empty unless R4′ > 0);
//! - projection P = YTD revenue × 4 ÷ quarters (Q1..q of `q`'s year);
//! - quarters to threshold n = ⌈4 · ln(T ÷ R4) ÷ ln(1 + g)⌉ when 0 < R4 < T and g > 0 (R4 grows by the
//!   factor (1 + g)^(1/4) a quarter); 0 when R4 ≥ T; "—" when not growing.
//!
//! With `missing_quarters.treatment = "prorate"`, R4, R4′ and the YTD sum are scaled by expected ÷ reported
//! quarters and P = YTD × 4 ÷ reported quarters; otherwise missing quarters count as nothing.

use super::periods::{rolling4, shown, ytd, Quarterly};
use super::rules::{Pool, Treatment};
use crate::dataset::Dataset;
use crate::decimal::round_half_up;
use crate::ingest::RawTable;
use crate::period::Quarter;
use crate::report::table::{Cell, Table};
use crate::schema::{Field, Scale};
use std::collections::{BTreeMap, HashMap};

/// One listed enterprise.
#[derive(Debug, Clone)]
pub struct Entry {
    pub enterprise: usize,
    /// `pool`, `reached` or `return_support` (only flagged for return support).
    pub status: &'static str,
    pub r4: Option<f64>,
    pub r4_prior: Option<f64>,
    pub growth_pct: Option<f64>,
    pub ytd: Option<f64>,
    pub projection: Option<f64>,
    pub quarters_to_threshold: Option<u32>,
    pub return_support: String,
    pub missing: Vec<String>,
}

/// Where return support is decided from.
pub enum ScaleHistory {
    /// enterprise_id → (year → scale), from a scale-history file.
    File(String, HashMap<String, BTreeMap<i32, String>>),
    /// No file: last calendar year's revenue against the threshold.
    Revenue,
}

impl ScaleHistory {
    pub fn describe(&self) -> String {
        match self {
            ScaleHistory::File(name, _) => format!("scale history file {name}: the latest earlier year says 规上"),
            ScaleHistory::Revenue => "no scale history: last calendar year's revenue ≥ threshold and rolling-four-quarter revenue now < threshold".into(),
        }
    }
}

impl ScaleHistory {
    /// The scale history from its table (columns enterprise_id, year, scale).
    pub fn from_table(t: &RawTable) -> crate::error::Result<ScaleHistory> {
        use crate::error::Error;
        let name = t.file.clone();
        let col = |n: &str| {
            let why = format!("the scale history needs a column '{n}' (enterprise_id, year, scale)");
            t.headers.iter().position(|h| h.trim() == n).ok_or_else(|| Error::file(&name, why))
        };
        let (ci, cy, cs) = (col("enterprise_id")?, col("year")?, col("scale")?);
        let mut out: HashMap<String, BTreeMap<i32, String>> = HashMap::new();
        for r in &t.rows {
            let get = |c: usize| r.cells.get(c).map(|s| s.trim().to_string()).unwrap_or_default();
            let year: i32 = get(cy)
                .parse()
                .map_err(|_| Error::at(&name, r.line, Some("year"), format!("'{}' is not a year", get(cy))))?;
            out.entry(crate::ids::normalize(&get(ci))).or_default().insert(year, get(cs));
        }
        Ok(ScaleHistory::File(name, out))
    }
}

/// A sum over quarters, pro-rated to all of them if the treatment says so: (sum, quarters with a value).
fn revenue(
    q: &Quarterly,
    data: &Dataset,
    i: usize,
    quarters: &[Quarter],
    treatment: Treatment,
) -> (Option<f64>, usize) {
    let (s, n) = q.sum(data, i, quarters, Field::Revenue);
    match (treatment, s) {
        (Treatment::Prorate, Some(v)) if n < quarters.len() => (Some(v * quarters.len() as f64 / n as f64), n),
        _ => (s, n),
    }
}

/// Quarters to reach `threshold` from `r4` at annual growth `g` (a fraction), compounding each quarter.
pub fn quarters_to(threshold: f64, r4: f64, g: Option<f64>) -> Option<u32> {
    if r4 >= threshold {
        return Some(0);
    }
    match g {
        Some(g) if g > 0.0 && r4 > 0.0 => {
            let n = 4.0 * (threshold / r4).ln() / (1.0 + g).ln();
            // A hair below an integer is that integer (binary64 logarithms).
            Some((n - 1e-9).ceil().max(1.0) as u32)
        }
        _ => None,
    }
}

/// The pool for the quarter `last`, in order: rolling-four-quarter revenue descending, then enterprise_id.
pub fn build(
    data: &Dataset,
    q: &Quarterly,
    last: Quarter,
    rule: &Pool,
    treatment: Treatment,
    history: &ScaleHistory,
) -> Vec<Entry> {
    let (now4, prior4, ytd_q) = (rolling4(last), rolling4(last.minus(4)), ytd(last));
    let last_year: Vec<Quarter> = (1..=4).map(|k| Quarter { year: last.year - 1, q: k }).collect();
    let mut out = Vec::new();
    for (i, e) in data.enterprises.iter().enumerate() {
        if e.scale != Scale::Below {
            continue;
        }
        let (r4, _) = revenue(q, data, i, &now4, treatment);
        let (r4_prior, _) = revenue(q, data, i, &prior4, treatment);
        let (ytd_sum, ytd_n) = q.sum(data, i, &ytd_q, Field::Revenue);
        let quarters = if treatment == Treatment::Prorate { ytd_n } else { ytd_q.len() };
        let projection = ytd_sum.filter(|_| quarters > 0).map(|s| s * 4.0 / quarters as f64);
        let growth = match (r4, r4_prior) {
            (Some(a), Some(b)) if b > 0.0 => Some((a - b) / b),
            _ => None,
        };
        let r = r4.unwrap_or(0.0);
        let in_pool = (r >= rule.lower && r < rule.threshold) || projection.is_some_and(|p| p >= rule.projection_min);
        let reached = rule.include_reached && r >= rule.threshold;
        let return_support = if rule.return_support {
            returning(e, i, q, data, &last_year, last.year, r, rule, history)
        } else {
            String::new()
        };
        let status = match (reached, in_pool, return_support.is_empty()) {
            (true, _, _) => "reached",
            (false, true, _) => "pool",
            (false, false, false) => "return_support",
            (false, false, true) => continue,
        };
        let missing: Vec<String> = now4.iter().filter(|&&x| !q.has_output(i, x)).map(|x| x.to_string()).collect();
        out.push(Entry {
            enterprise: i,
            status,
            r4,
            r4_prior,
            growth_pct: growth.map(|g| g * 100.0),
            ytd: ytd_sum,
            projection,
            quarters_to_threshold: r4.and_then(|r| quarters_to(rule.threshold, r, growth)),
            return_support,
            missing,
        });
    }
    out.sort_by(|a, b| {
        let (x, y) = (a.r4.unwrap_or(f64::NEG_INFINITY), b.r4.unwrap_or(f64::NEG_INFINITY));
        y.total_cmp(&x).then_with(|| data.enterprises[a.enterprise].id.cmp(&data.enterprises[b.enterprise].id))
    });
    out
}

/// Why a 规下 firm is flagged for return support (empty: it is not).
#[allow(clippy::too_many_arguments)]
fn returning(
    e: &crate::dataset::Enterprise,
    i: usize,
    q: &Quarterly,
    data: &Dataset,
    last_year: &[Quarter],
    year: i32,
    r4: f64,
    rule: &Pool,
    h: &ScaleHistory,
) -> String {
    match h {
        ScaleHistory::File(name, map) => {
            let earlier = map.get(e.id.as_str()).and_then(|y| y.range(..year).next_back());
            match earlier {
                Some((y, s)) if s == Scale::Above.zh() => format!("{y}年规上 (was 规上 in {y}, {name})"),
                _ => String::new(),
            }
        }
        ScaleHistory::Revenue => {
            let (prev, _) = q.sum(data, i, last_year, Field::Revenue);
            match prev {
                Some(p) if p >= rule.threshold && r4 < rule.threshold => {
                    format!(
                        "{}年营业收入 {} ≥ {} (revenue {} in {}), now {}",
                        year - 1,
                        shown(p),
                        shown(rule.threshold),
                        shown(p),
                        year - 1,
                        shown(r4)
                    )
                }
                _ => String::new(),
            }
        }
    }
}

/// The pool table.
pub fn table(data: &Dataset, entries: &[Entry], rule: &Pool) -> Table {
    let mut t = Table::new(&[
        ("enterprise_id", "统一社会信用代码 enterprise_id"),
        ("name", "企业名称 name"),
        ("county", "县区 county"),
        ("park", "园区 park"),
        ("industry", "行业代码 industry"),
        ("scale", "规模 scale"),
        ("status", "入库状态 status"),
        ("revenue_r4", "滚动四季度营业收入(万元) revenue_r4"),
        ("revenue_r4_prior", "上年同期滚动四季度营业收入(万元) revenue_r4_prior"),
        ("growth_pct", "同口径增速% growth_pct"),
        ("revenue_ytd", "年初至今营业收入(万元) revenue_ytd"),
        ("projection", "全年预计(万元) projection"),
        ("threshold", "规上标准(万元) threshold"),
        ("gap", "距规上标准(万元) gap"),
        ("quarters_to_threshold", "预计达标季度数 quarters_to_threshold"),
        ("return_support", "规转下回升扶持 return_support"),
        ("missing_quarters", "缺报季度 missing_quarters"),
    ]);
    let money = ["revenue_r4", "revenue_r4_prior", "revenue_ytd", "projection", "threshold", "gap"];
    t.set_show(&money, crate::report::table::Show::Money);
    for x in entries {
        let e = &data.enterprises[x.enterprise];
        t.rows.push(vec![
            Cell::text(e.id.as_str()),
            Cell::text(&e.name),
            Cell::text(e.county.as_str()),
            Cell::text(e.park.as_str()),
            Cell::text(e.industry.as_str()),
            Cell::text(e.scale.zh()),
            Cell::text(x.status),
            Cell::opt(x.r4, 2),
            Cell::opt(x.r4_prior, 2),
            Cell::opt(x.growth_pct.map(|g| round_half_up(g, 2)), 2),
            Cell::opt(x.ytd, 2),
            Cell::opt(x.projection, 2),
            Cell::Num(rule.threshold, 2),
            Cell::Num((rule.threshold - x.r4.unwrap_or(0.0)).max(0.0), 2),
            x.quarters_to_threshold.map_or(Cell::text("—"), |n| Cell::Int(n as i64)),
            Cell::text(&x.return_support),
            Cell::text(x.missing.join(" ")),
        ]);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_to_threshold_formula() {
        // 1000 at +100% a year: R4 doubles in 4 quarters: 4 · ln 2 ÷ ln 2 = 4.
        assert_eq!(quarters_to(2000.0, 1000.0, Some(1.0)), Some(4));
        // 1500 at +20%: 4 · ln(1.3333) ÷ ln(1.2) = 4 × 0.28768 ÷ 0.18232 = 6.31 → 7.
        assert_eq!(quarters_to(2000.0, 1500.0, Some(0.2)), Some(7));
        assert_eq!(quarters_to(2000.0, 2500.0, None), Some(0));
        assert_eq!(quarters_to(2000.0, 1500.0, Some(0.0)), None);
        assert_eq!(quarters_to(2000.0, 1500.0, Some(-0.1)), None);
        assert_eq!(quarters_to(2000.0, 1500.0, None), None);
    }
}
