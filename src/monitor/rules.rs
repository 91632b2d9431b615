//! The monitoring rules file (TOML): how missing quarters are treated, the early-warning rules, the 升规
//! cultivation pool and the target-progress scope. No published thresholds exist for any of these
//! (methodology reference, section 14), so every default is a **mujun choice** and every one is a key.
//! `data/methods/monitor_default.toml` states the defaults with their reasons; `docs/monitoring.md` is the
//! manual. Keys left out of a file take the defaults below.

use crate::schema::FileKind;
use serde::Deserialize;

/// The defaults as shipped (the same text as `data/methods/monitor_default.toml`).
pub const DEFAULT_TEXT: &str = include_str!("../../data/methods/monitor_default.toml");

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    #[serde(default)]
    pub about: About,
    #[serde(default)]
    pub missing_quarters: MissingQuarters,
    #[serde(default)]
    pub warnings: Warnings,
    #[serde(default)]
    pub pool: Pool,
    #[serde(default)]
    pub targets: Targets,
}

/// Name and note, printed in the manifest.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct About {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub note: String,
}

/// What a quarter without an output or tax row does to the period figures of an enterprise.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Treatment {
    /// Sum the quarters that are there; the methodology's own rules (e.g. a data-incomplete T rule) decide.
    #[default]
    Skip,
    /// Scale each period sum by expected ÷ reported quarters of its file (output or tax) and treat the
    /// enterprise as complete.
    Prorate,
    /// Put the enterprise in its track's undetermined class (T) before benchmarks and classes.
    Unclassed,
}

impl Treatment {
    pub fn label(self) -> &'static str {
        match self {
            Treatment::Skip => "skip",
            Treatment::Prorate => "prorate",
            Treatment::Unclassed => "unclassed",
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct MissingQuarters {
    #[serde(default)]
    pub treatment: Treatment,
}

/// Which earlier figures a change is measured against.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Against {
    /// The same quarters one year earlier (同比, same scope: the same enterprise).
    #[default]
    YearOnYear,
    /// The period given with `--against`.
    Against,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Warnings {
    #[serde(default)]
    pub tax_per_mu_drop: TaxDrop,
    #[serde(default)]
    pub revenue_down: RevenueDown,
    #[serde(default)]
    pub predicted_cd: Predicted,
    #[serde(default)]
    pub energy_intensity_rise: EnergyRise,
    #[serde(default)]
    pub no_report: NoReport,
}

/// Tax per mu down more than `pct` percent.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TaxDrop {
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub compare: Against,
    #[serde(default = "thirty")]
    pub pct: f64,
}

fn thirty() -> f64 {
    30.0
}

impl Default for TaxDrop {
    fn default() -> Self {
        TaxDrop { enabled: true, compare: Against::YearOnYear, pct: 30.0 }
    }
}

/// Energy per unit of value added up more than `pct` percent.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EnergyRise {
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub compare: Against,
    #[serde(default = "twenty")]
    pub pct: f64,
}

fn twenty() -> f64 {
    20.0
}

impl Default for EnergyRise {
    fn default() -> Self {
        EnergyRise { enabled: true, compare: Against::YearOnYear, pct: 20.0 }
    }
}

/// Revenue lower than the quarter before, `quarters` times running, ending in the period's last quarter.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RevenueDown {
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default = "two")]
    pub quarters: usize,
    /// Each fall must exceed this percentage of the quarter before (0: any fall).
    #[serde(default)]
    pub min_drop_pct: f64,
}

fn two() -> usize {
    2
}

impl Default for RevenueDown {
    fn default() -> Self {
        RevenueDown { enabled: true, quarters: 2, min_drop_pct: 0.0 }
    }
}

/// Predicted to fall into class C or D.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Predicted {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Classes that warn when the enterprise moves into them (it was in none of them in `--against`).
    #[serde(default = "cd")]
    pub classes: Vec<String>,
    /// Warn for every enterprise in `classes` now, also when it was there already (a standing state, which
    /// under county quotas is a large share of the firms); default: only moves into them.
    #[serde(default)]
    pub standing: bool,
    /// Classes in the `--against` period from which a score drop warns.
    #[serde(default = "ab")]
    pub from_classes: Vec<String>,
    /// Points: a drop of the rounded total by more than this warns.
    #[serde(default = "ten")]
    pub score_drop: f64,
}

fn cd() -> Vec<String> {
    vec!["C".into(), "D".into()]
}
fn ab() -> Vec<String> {
    vec!["A".into(), "B".into()]
}
fn ten() -> f64 {
    10.0
}

impl Default for Predicted {
    fn default() -> Self {
        Predicted { enabled: true, classes: cd(), standing: false, from_classes: ab(), score_drop: 10.0 }
    }
}

/// No output row or no tax row for the period's last quarter.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NoReport {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// The files that must have a row: `output`, `tax` or both.
    #[serde(default = "both")]
    pub require: Vec<FileKind>,
}

fn both() -> Vec<FileKind> {
    vec![FileKind::Output, FileKind::Tax]
}

impl Default for NoReport {
    fn default() -> Self {
        NoReport { enabled: true, require: both() }
    }
}

/// The 升规 cultivation pool (升规培育库) and return support (规转下).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Pool {
    /// Annual main-business revenue that makes an industrial enterprise 规上 (万元).
    #[serde(default = "t2000")]
    pub threshold: f64,
    /// Rolling-four-quarter revenue at least this (and under the threshold) puts a 规下 firm in the pool.
    #[serde(default = "t1000")]
    pub lower: f64,
    /// A year-to-date projection (YTD × 4 ÷ quarters) at least this also puts it in the pool.
    #[serde(default = "t1500")]
    pub projection_min: f64,
    /// List 规下 firms whose rolling-four-quarter revenue already reaches the threshold (status `reached`).
    #[serde(default = "yes")]
    pub include_reached: bool,
    /// Flag firms that were 规上 and are now 规下 (return support).
    #[serde(default = "yes")]
    pub return_support: bool,
    /// A file with enterprise_id, year, scale in the data folder (or beside the rules file). Unset: a file
    /// named `scale_history` (.csv, .xlsx, .parquet) in the data folder is used if there is one.
    #[serde(default)]
    pub scale_history: Option<String>,
}

fn t2000() -> f64 {
    2000.0
}
fn t1000() -> f64 {
    1000.0
}
fn t1500() -> f64 {
    1500.0
}

impl Default for Pool {
    fn default() -> Self {
        Pool {
            threshold: 2000.0,
            lower: 1000.0,
            projection_min: 1500.0,
            include_reached: true,
            return_support: true,
            scale_history: None,
        }
    }
}

/// Which enterprises count toward a county's target.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// Only enterprises of this scale (`规上`); empty: every enterprise of the county.
    #[serde(default)]
    pub scale: String,
}

/// Checks a rules file's text; `name` names it in errors, `stem` names the rules when the file does not.
pub fn parse(text: &str, name: &str, stem: &str) -> crate::error::Result<Rules> {
    let bad = |e: String| crate::error::Error::file(name, format!("monitoring rules: {e}"));
    let mut rules: Rules = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
    check(&rules).map_err(bad)?;
    if rules.about.name.is_empty() {
        rules.about.name = stem.to_string();
    }
    Ok(rules)
}

/// The shipped defaults (data/methods/monitor_default.toml).
pub fn defaults() -> Rules {
    parse(DEFAULT_TEXT, "monitor_default.toml (built in)", "").expect("the shipped monitoring rules are valid")
}

fn check(r: &Rules) -> Result<(), String> {
    let p = &r.pool;
    if !(p.threshold > 0.0 && p.lower >= 0.0 && p.lower <= p.threshold) {
        return Err(format!("`pool`: need 0 ≤ lower ({}) ≤ threshold ({}) and threshold > 0", p.lower, p.threshold));
    }
    if r.warnings.revenue_down.quarters == 0 {
        return Err("`warnings.revenue_down.quarters` must be at least 1".into());
    }
    for f in &r.warnings.no_report.require {
        if !matches!(f, FileKind::Output | FileKind::Tax) {
            return Err(format!(
                "`warnings.no_report.require`: '{f}' has no quarterly rows; use \"output\" and/or \"tax\""
            ));
        }
    }
    for (k, v) in [
        ("tax_per_mu_drop", r.warnings.tax_per_mu_drop.pct),
        ("energy_intensity_rise", r.warnings.energy_intensity_rise.pct),
    ] {
        if v.is_nan() || v < 0.0 {
            return Err(format!("`warnings.{k}.pct` must be a percentage ≥ 0, not {v}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_file_states_the_code_defaults() {
        let shipped = defaults();
        let code = Rules { about: shipped.about.clone(), ..Rules::default() };
        assert_eq!(shipped, code);
        // An empty file is the defaults too.
        let empty: Rules = toml::from_str("").unwrap();
        assert_eq!(empty.warnings.energy_intensity_rise.pct, 20.0);
        assert_eq!(empty.warnings.tax_per_mu_drop.pct, 30.0);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_named() {
        let e = toml::from_str::<Rules>("[pool]\nthreshhold = 5").unwrap_err().to_string();
        assert!(e.contains("threshhold"), "{e}");
        let r: Rules = toml::from_str("[warnings.no_report]\nrequire = [\"land\"]").unwrap();
        assert!(check(&r).unwrap_err().contains("'land'"));
        let e = toml::from_str::<Rules>("[warnings.no_report]\nrequire = [\"taxes\"]").unwrap_err().to_string();
        assert!(e.contains("taxes"), "{e}");
    }
}
