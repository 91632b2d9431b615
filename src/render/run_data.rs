//! A finished run folder read back from what it wrote: run.json (the typed summary of the run) and the
//! CSV tables, without the evaluation code, so a run kept from last year renders the same way. The
//! command layer reads the files ([`Files`]); this module only parses them. Numbers keep the text the CSV
//! printed (the PDF shows exactly what the tables say) next to a parsed value for sorting and drawing.

use crate::error::{Error, Result};
use crate::report::run_summary::RunSummary;
use crate::schema::Status;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A run folder's files by their path in the folder (`enterprises.csv`, `monitor/warnings.csv`): the
/// bytes, `Ok(None)` when the file is absent, or why it cannot be read.
pub type Files<'a> = &'a dyn Fn(&str) -> std::result::Result<Option<Vec<u8>>, String>;

/// A file the report cannot do without.
fn required(files: Files, dir: &Path, name: &str) -> Result<Vec<u8>> {
    let bad = |why: String| Error::BadInput(format!("{}: {why}", dir.join(name).display()));
    files(name).map_err(&bad)?.ok_or_else(|| bad("not found (is this the --out folder of mujun evaluate?)".into()))
}

/// One CSV table: header and rows of text, the BOM removed.
pub struct Csv {
    pub path: PathBuf,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Csv {
    /// Parses a CSV file's bytes; `path` names it in errors.
    pub fn parse(path: PathBuf, bytes: &[u8]) -> Result<Csv> {
        let text = String::from_utf8_lossy(bytes);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
        let bad = |e: csv::Error| Error::BadInput(format!("{}: {e}", path.display()));
        let headers = r.headers().map_err(bad)?.iter().map(str::to_string).collect();
        let mut rows = Vec::new();
        for rec in r.records() {
            rows.push(rec.map_err(bad)?.iter().map(str::to_string).collect());
        }
        Ok(Csv { path, headers, rows })
    }

    /// A CSV file of the run folder, `None` when absent.
    fn optional(files: Files, dir: &Path, name: &str) -> Result<Option<Csv>> {
        let bad = |why: String| Error::BadInput(format!("{}: {why}", dir.join(name).display()));
        match files(name).map_err(bad)? {
            Some(bytes) => Csv::parse(dir.join(name), &bytes).map(Some),
            None => Ok(None),
        }
    }

    /// A CSV file the report cannot do without.
    fn required(files: Files, dir: &Path, name: &str) -> Result<Csv> {
        Csv::parse(dir.join(name), &required(files, dir, name)?)
    }

    pub fn col(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// The index of a column the report cannot do without; the error names file and column.
    pub fn need(&self, name: &str) -> Result<usize> {
        self.col(name).ok_or_else(|| {
            Error::BadInput(format!(
                "{}: no column '{name}' (is this a mujun run folder of this version?)",
                self.path.display()
            ))
        })
    }

    /// The cell of `row` in column `name` ("" when there is none).
    pub fn cell<'a>(&self, row: &'a [String], name: &str) -> &'a str {
        self.col(name).and_then(|i| row.get(i)).map(String::as_str).unwrap_or("")
    }
}

/// A cell of a CSV as printed, and its value when it is a number.
pub fn num(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Text cells that a spreadsheet would run as a formula were written with a leading apostrophe
/// (`report::table::neutralize`); the PDF shows the name as the bureau gave it.
pub fn unneutralize(s: &str) -> String {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest.to_string(),
        _ => s.to_string(),
    }
}

/// A row of by_county.csv / by_industry.csv: the group's name and its cells by column.
#[derive(Clone)]
pub struct Group {
    pub name: String,
    pub cells: BTreeMap<String, String>,
}

impl Group {
    pub fn text(&self, col: &str) -> &str {
        self.cells.get(col).map(String::as_str).unwrap_or("")
    }
    pub fn num(&self, col: &str) -> Option<f64> {
        num(self.text(col))
    }
}

/// An aggregate table split into its groups and the city row (its name starts with 全市).
pub struct Groups {
    pub rows: Vec<Group>,
    pub city: Option<Group>,
    /// Class labels in the order of the class_* columns (A, B, C, D, T …).
    pub classes: Vec<String>,
}

impl Groups {
    fn of(csv: &Csv, key: &str) -> Result<Groups> {
        let k = csv.need(key)?;
        let classes = csv.headers.iter().filter_map(|h| h.strip_prefix("class_")).map(str::to_string).collect();
        let mut rows = Vec::new();
        let mut city = None;
        for r in &csv.rows {
            let cells: BTreeMap<String, String> = csv.headers.iter().cloned().zip(r.iter().cloned()).collect();
            let g = Group { name: unneutralize(r.get(k).map(String::as_str).unwrap_or("")), cells };
            if g.name.starts_with("全市") {
                city = Some(g);
            } else {
                rows.push(g);
            }
        }
        Ok(Groups { rows, city, classes })
    }
}

/// One row of enterprises.csv with the columns the reports use.
#[derive(Clone, Debug)]
pub struct Enterprise {
    pub id: String,
    pub name: String,
    pub county: String,
    pub industry: String,
    pub track: String,
    /// `None` for a status code this version does not know.
    pub status: Option<Status>,
    pub land_mu: String,
    pub tax_per_mu: String,
    pub va_per_mu: String,
    pub total: String,
    pub class: String,
    pub rank: String,
    pub county_rank: String,
    pub reason: String,
}

impl Enterprise {
    pub fn total_value(&self) -> Option<f64> {
        num(&self.total)
    }
    /// Graded firms (a class from their position or threshold) are the ones ranked against each other.
    pub fn is_graded(&self) -> bool {
        self.status == Some(Status::Graded) && self.total_value().is_some()
    }
}

/// Everything a report is made from.
pub struct RunData {
    pub dir: PathBuf,
    pub summary: RunSummary,
    pub counties: Groups,
    pub industries: Groups,
    /// The methodology's named groups (by_group.csv) when it defines them.
    pub named_groups: Option<Groups>,
    pub enterprises: Vec<Enterprise>,
    /// Whether enterprises.csv has a va_per_mu column (the scatter needs it).
    pub has_va_per_mu: bool,
    /// Track names in the methodology's order.
    pub tracks: Vec<String>,
    /// Standard-land outputs (`projects/projects.csv`, `projects/project_checks.csv`) when the run has them.
    pub projects: Option<Projects>,
    /// Quarterly monitoring outputs (`monitor/`) when the run has them.
    pub monitor: Option<Monitor>,
    /// A class migration table (migration.csv) when the folder has one.
    pub migration: Option<Csv>,
}

/// The standard-land (标准地) tables of a run folder's `projects/` sub-folder.
pub struct Projects {
    pub projects: Csv,
    pub checks: Csv,
    /// `projects/liabilities.csv` (every item with its arithmetic), when the run has it.
    pub liabilities: Option<Csv>,
    /// The overall statuses in the rules' order (key, 中文), as projects/manifest.json lists them; empty for
    /// an earlier run whose manifest has no list.
    pub statuses: Vec<(String, String)>,
}

/// The quarterly monitoring tables of a run folder's `monitor/` sub-folder.
pub struct Monitor {
    pub migration: Option<Csv>,
    pub warnings: Option<Csv>,
    pub pool: Option<Csv>,
    pub county: Option<Csv>,
    /// The monitored quarter and the one it is compared with (monitor/manifest.json), e.g. 2025Q4, 2024Q4.
    pub period: String,
    pub against: String,
    /// Warning counts by rule as the manifest lists them (rules with none included).
    pub rule_counts: Vec<(String, u64)>,
}

impl Projects {
    fn read(files: Files, dir: &Path) -> Result<Option<Projects>> {
        let Some(projects) = Csv::optional(files, dir, "projects/projects.csv")? else { return Ok(None) };
        let checks = Csv::required(files, dir, "projects/project_checks.csv")?;
        let liabilities = Csv::optional(files, dir, "projects/liabilities.csv")?;
        let manifest: serde_json::Value = files("projects/manifest.json")
            .ok()
            .flatten()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        let statuses = manifest["statuses"]
            .as_array()
            .map(|l| {
                let text = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
                l.iter().map(|v| (text(v, "key"), text(v, "zh"))).collect()
            })
            .unwrap_or_default();
        Ok(Some(Projects { projects, checks, liabilities, statuses }))
    }
}

impl Monitor {
    fn read(files: Files, dir: &Path) -> Result<Option<Monitor>> {
        let Some(county) = Csv::optional(files, dir, "monitor/monitor_county.csv")? else { return Ok(None) };
        let manifest: serde_json::Value = files("monitor/manifest.json")
            .ok()
            .flatten()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        let label = |k: &str| manifest[k]["label"].as_str().unwrap_or("").to_string();
        let rule_counts = manifest["warnings"]
            .as_object()
            .map(|o| o.iter().map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0))).collect())
            .unwrap_or_default();
        Ok(Some(Monitor {
            migration: Csv::optional(files, dir, "monitor/migration.csv")?,
            warnings: Csv::optional(files, dir, "monitor/warnings.csv")?,
            pool: Csv::optional(files, dir, "monitor/pool.csv")?,
            county: Some(county),
            period: label("period"),
            against: label("against"),
            rule_counts,
        }))
    }
}

impl RunData {
    /// Reads the run folder `dir` (named in errors) through `files`.
    pub fn read(files: Files, dir: &Path) -> Result<RunData> {
        let summary: RunSummary = serde_json::from_slice(&required(files, dir, "run.json")?).map_err(|e| {
            Error::BadInput(format!(
                "{}: {e} (a run folder written by another mujun version: evaluate again to report it)",
                dir.join("run.json").display()
            ))
        })?;
        let counties = Groups::of(&Csv::required(files, dir, "by_county.csv")?, "county")?;
        let industries = Groups::of(&Csv::required(files, dir, "by_industry.csv")?, "industry")?;
        let named_groups = Csv::optional(files, dir, "by_group.csv")?.map(|c| Groups::of(&c, "group")).transpose()?;
        let ent = Csv::required(files, dir, "enterprises.csv")?;
        let required = ["enterprise_id", "name", "county", "track", "status", "total", "class"];
        let idx: Vec<usize> = required.iter().map(|c| ent.need(c)).collect::<Result<_>>()?;
        let opt = |c: &str| ent.col(c);
        let (ind, land, tax, va) = (opt("industry"), opt("land_mu"), opt("tax_per_mu"), opt("va_per_mu"));
        let (rank, crank, reason) = (opt("rank"), opt("county_rank"), opt("reason"));
        let cell =
            |r: &Vec<String>, i: Option<usize>| i.and_then(|i| r.get(i)).map(|s| unneutralize(s)).unwrap_or_default();
        let enterprises: Vec<Enterprise> = ent
            .rows
            .iter()
            .map(|r| Enterprise {
                id: cell(r, Some(idx[0])),
                name: cell(r, Some(idx[1])),
                county: cell(r, Some(idx[2])),
                track: cell(r, Some(idx[3])),
                status: Status::parse(&cell(r, Some(idx[4]))),
                total: cell(r, Some(idx[5])),
                class: cell(r, Some(idx[6])),
                industry: cell(r, ind),
                land_mu: cell(r, land),
                tax_per_mu: cell(r, tax),
                va_per_mu: cell(r, va),
                rank: cell(r, rank),
                county_rank: cell(r, crank),
                reason: cell(r, reason),
            })
            .collect();
        Ok(RunData {
            dir: dir.to_path_buf(),
            tracks: summary.tracks.clone(),
            summary,
            counties,
            industries,
            named_groups,
            has_va_per_mu: va.is_some(),
            enterprises,
            projects: Projects::read(files, dir)?,
            monitor: Monitor::read(files, dir)?,
            migration: Csv::optional(files, dir, "migration.csv")?,
        })
    }

    /// The county names in by_county.csv order (no city row).
    pub fn county_names(&self) -> Vec<String> {
        self.counties.rows.iter().map(|g| g.name.clone()).filter(|n| !n.is_empty()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralized_names_print_as_given() {
        assert_eq!(unneutralize("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unneutralize("'quoted'"), "'quoted'");
        assert_eq!(unneutralize("#set page"), "#set page");
    }
}
