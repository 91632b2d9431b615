//! A finished run folder read back from its files (CSV tables and manifest.json), without the evaluation
//! code: the reports describe what a run *wrote*, so a run kept from last year renders the same way.
//! Numbers keep the text the CSV printed (the PDF shows exactly what the tables say) next to a parsed
//! value for sorting and drawing.

use crate::error::{Error, Result};
use crate::schema::ReasonCode;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One CSV table: header and rows of text, the BOM removed.
pub struct Csv {
    pub path: PathBuf,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Csv {
    pub fn read(path: &Path) -> Result<Csv> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::BadInput(format!("{}: {e} (is this a mujun run folder?)", path.display())))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
        let bad = |e: csv::Error| Error::BadInput(format!("{}: {e}", path.display()));
        let headers = r.headers().map_err(bad)?.iter().map(str::to_string).collect();
        let mut rows = Vec::new();
        for rec in r.records() {
            rows.push(rec.map_err(bad)?.iter().map(str::to_string).collect());
        }
        Ok(Csv { path: path.to_path_buf(), headers, rows })
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
    fn read(path: &Path, key: &str) -> Result<Groups> {
        let csv = Csv::read(path)?;
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
    pub status: String,
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
        self.status == "graded" && self.total_value().is_some()
    }
}

/// One input file's row accounting from the manifest.
pub struct InputAccount {
    pub file: String,
    pub read: u64,
    pub used: u64,
    pub excepted: u64,
}

/// What the reports need from manifest.json; every key is optional (an older run still renders).
pub struct Manifest {
    pub title: String,
    pub scheme: String,
    pub period: String,
    pub quarters: Vec<String>,
    pub version: String,
    pub method_file: Option<PathBuf>,
    pub method_sha256: Option<String>,
    pub by_status: Vec<(String, u64)>,
    pub inputs: Vec<InputAccount>,
}

impl Manifest {
    fn read(path: &Path) -> Result<Manifest> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::BadInput(format!("{}: {e} (is this a mujun run folder?)", path.display())))?;
        let v: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| Error::BadInput(format!("{}: {e}", path.display())))?;
        let s = |p: &str| v.pointer(p).and_then(|x| x.as_str()).unwrap_or("").to_string();
        let counts = |p: &str| -> Vec<(String, u64)> {
            v.pointer(p)
                .and_then(|x| x.as_object())
                .map(|o| o.iter().map(|(k, n)| (k.clone(), n.as_u64().unwrap_or(0))).collect())
                .unwrap_or_default()
        };
        let inputs = v
            .pointer("/inputs")
            .and_then(|x| x.as_array())
            .map(|a| {
                a.iter()
                    .map(|i| InputAccount {
                        file: i.get("file").and_then(|x| x.as_str()).unwrap_or("").to_string(),
                        read: i.get("read").and_then(|x| x.as_u64()).unwrap_or(0),
                        used: i.get("used").and_then(|x| x.as_u64()).unwrap_or(0),
                        excepted: i.get("excepted").and_then(|x| x.as_u64()).unwrap_or(0),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let method_file = Some(s("/methodology/file")).filter(|f| !f.is_empty()).map(PathBuf::from);
        Ok(Manifest {
            title: s("/methodology/title"),
            scheme: s("/methodology/scheme"),
            period: s("/period"),
            quarters: v
                .pointer("/quarters")
                .and_then(|x| x.as_array())
                .map(|a| a.iter().filter_map(|q| q.as_str().map(str::to_string)).collect())
                .unwrap_or_default(),
            version: s("/mujun_version"),
            method_file,
            method_sha256: Some(s("/methodology/sha256")).filter(|h| !h.is_empty()),
            by_status: counts("/enterprises/by_status"),
            inputs,
        })
    }
}

/// One row of benchmarks.csv.
pub struct Benchmark {
    pub track: String,
    pub indicator: String,
    pub group: String,
    pub value: String,
    pub how: String,
}

/// Exceptions counted by input file, kind of reason and action.
pub struct ExceptionCount {
    pub file: String,
    pub kind: String,
    pub action: String,
    pub count: usize,
}

/// Everything a report is made from.
pub struct RunData {
    pub dir: PathBuf,
    pub manifest: Manifest,
    pub counties: Groups,
    pub industries: Groups,
    pub enterprises: Vec<Enterprise>,
    /// Whether enterprises.csv has a va_per_mu column (the scatter needs it).
    pub has_va_per_mu: bool,
    pub benchmarks: Vec<Benchmark>,
    pub exceptions: Vec<ExceptionCount>,
    pub exceptions_total: usize,
    /// Track names in the order they first appear in enterprises.csv.
    pub tracks: Vec<String>,
    /// Standard-land outputs (`projects/projects.csv`, `projects/project_checks.csv`) when the run has them.
    pub projects: Option<Projects>,
    /// Quarterly monitoring outputs (`monitor/`) when the run has them.
    pub monitor: Option<Monitor>,
}

/// The standard-land (标准地) tables of a run folder's `projects/` sub-folder.
pub struct Projects {
    pub projects: Csv,
    pub checks: Csv,
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
    fn read(dir: &Path) -> Result<Option<Projects>> {
        if !dir.join("projects.csv").is_file() {
            return Ok(None);
        }
        Ok(Some(Projects {
            projects: Csv::read(&dir.join("projects.csv"))?,
            checks: Csv::read(&dir.join("project_checks.csv"))?,
        }))
    }
}

impl Monitor {
    fn read(dir: &Path) -> Result<Option<Monitor>> {
        if !dir.is_dir() || !dir.join("monitor_county.csv").is_file() {
            return Ok(None);
        }
        let opt = |f: &str| -> Result<Option<Csv>> {
            if dir.join(f).is_file() {
                Csv::read(&dir.join(f)).map(Some)
            } else {
                Ok(None)
            }
        };
        let manifest: serde_json::Value = std::fs::read_to_string(dir.join("manifest.json"))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        let label = |k: &str| manifest[k]["label"].as_str().unwrap_or("").to_string();
        let rule_counts = manifest["warnings"]
            .as_object()
            .map(|o| o.iter().map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0))).collect())
            .unwrap_or_default();
        Ok(Some(Monitor {
            migration: opt("migration.csv")?,
            warnings: opt("warnings.csv")?,
            pool: opt("pool.csv")?,
            county: opt("monitor_county.csv")?,
            period: label("period"),
            against: label("against"),
            rule_counts,
        }))
    }
}

impl Csv {
    /// The cell of `row` in column `name` ("" when there is none).
    pub fn cell<'a>(&self, row: &'a [String], name: &str) -> &'a str {
        self.col(name).and_then(|i| row.get(i)).map(String::as_str).unwrap_or("")
    }
}

impl RunData {
    pub fn read(dir: &Path) -> Result<RunData> {
        if !dir.is_dir() {
            return Err(Error::BadInput(format!(
                "--run {}: not a folder (give the --out folder of mujun evaluate)",
                dir.display()
            )));
        }
        let manifest = Manifest::read(&dir.join("manifest.json"))?;
        let counties = Groups::read(&dir.join("by_county.csv"), "county")?;
        let industries = Groups::read(&dir.join("by_industry.csv"), "industry")?;
        let ent = Csv::read(&dir.join("enterprises.csv"))?;
        let required = ["enterprise_id", "name", "county", "track", "status", "total", "class"];
        let idx: Vec<usize> = required.iter().map(|c| ent.need(c)).collect::<Result<_>>()?;
        let opt = |c: &str| ent.col(c);
        let (ind, land, tax, va, rank, crank, reason) = (
            opt("industry"),
            opt("land_mu"),
            opt("tax_per_mu"),
            opt("va_per_mu"),
            opt("rank"),
            opt("county_rank"),
            opt("reason"),
        );
        let cell =
            |r: &Vec<String>, i: Option<usize>| i.and_then(|i| r.get(i)).map(|s| unneutralize(s)).unwrap_or_default();
        let mut tracks: Vec<String> = Vec::new();
        let enterprises: Vec<Enterprise> = ent
            .rows
            .iter()
            .map(|r| {
                let e = Enterprise {
                    id: cell(r, Some(idx[0])),
                    name: cell(r, Some(idx[1])),
                    county: cell(r, Some(idx[2])),
                    track: cell(r, Some(idx[3])),
                    status: cell(r, Some(idx[4])),
                    total: cell(r, Some(idx[5])),
                    class: cell(r, Some(idx[6])),
                    industry: cell(r, ind),
                    land_mu: cell(r, land),
                    tax_per_mu: cell(r, tax),
                    va_per_mu: cell(r, va),
                    rank: cell(r, rank),
                    county_rank: cell(r, crank),
                    reason: cell(r, reason),
                };
                if !e.track.is_empty() && !tracks.contains(&e.track) {
                    tracks.push(e.track.clone());
                }
                e
            })
            .collect();
        let benchmarks = match Csv::read(&dir.join("benchmarks.csv")) {
            Ok(b) => {
                let c = |r: &Vec<String>, n: &str| b.col(n).and_then(|i| r.get(i)).cloned().unwrap_or_default();
                b.rows
                    .iter()
                    .map(|r| Benchmark {
                        track: c(r, "track"),
                        indicator: c(r, "indicator"),
                        group: c(r, "group"),
                        value: c(r, "benchmark"),
                        how: c(r, "how"),
                    })
                    .collect()
            }
            Err(_) => Vec::new(),
        };
        let (exceptions, exceptions_total) = read_exceptions(&dir.join("exceptions.csv"))?;
        Ok(RunData {
            dir: dir.to_path_buf(),
            manifest,
            counties,
            industries,
            has_va_per_mu: va.is_some(),
            enterprises,
            benchmarks,
            exceptions,
            exceptions_total,
            tracks,
            projects: Projects::read(&dir.join("projects"))?,
            monitor: Monitor::read(&dir.join("monitor"))?,
        })
    }

    /// The county names in by_county.csv order (no city row).
    pub fn county_names(&self) -> Vec<String> {
        self.counties.rows.iter().map(|g| g.name.clone()).filter(|n| !n.is_empty()).collect()
    }
}

fn read_exceptions(path: &Path) -> Result<(Vec<ExceptionCount>, usize)> {
    if !path.exists() {
        return Ok((Vec::new(), 0));
    }
    let csv = Csv::read(path)?;
    let (f, c, r, a) = (csv.col("file"), csv.col("reason_code"), csv.col("reason"), csv.col("action"));
    let get = |row: &Vec<String>, i: Option<usize>| i.and_then(|i| row.get(i)).cloned().unwrap_or_default();
    let mut counts: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for row in &csv.rows {
        let kind = match ReasonCode::parse(&get(row, c)) {
            Some(code) => format!("{} {}", code.zh(), code.code()),
            // A run folder written before reason codes: the reason with its values masked.
            None => masked(&get(row, r)),
        };
        *counts.entry((get(row, f), kind, get(row, a))).or_default() += 1;
    }
    let total = csv.rows.len();
    let mut list: Vec<ExceptionCount> =
        counts.into_iter().map(|((file, kind, action), count)| ExceptionCount { file, kind, action, count }).collect();
    list.sort_by(|x, y| x.file.cmp(&y.file).then(y.count.cmp(&x.count)).then(x.kind.cmp(&y.kind)));
    Ok((list, total))
}

/// A reason with its quoted values and numbers masked, so that rows of one kind count together.
fn masked(reason: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for c in reason.chars() {
        match c {
            '\'' => {
                if !quoted {
                    out.push('…');
                }
                quoted = !quoted;
            }
            _ if quoted => {}
            c if c.is_ascii_digit() => {
                if !out.ends_with('N') {
                    out.push('N');
                }
            }
            c => out.push(c),
        }
    }
    out.chars().take(60).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_without_a_code_group_by_their_masked_words() {
        assert_eq!(masked("value 'abc' at 12 is odd"), masked("value 'x' at 345 is odd"));
        assert_eq!(masked("value 'abc' at 12 is odd"), "value … at N is odd");
    }

    #[test]
    fn neutralized_names_print_as_given() {
        assert_eq!(unneutralize("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unneutralize("'quoted'"), "'quoted'");
        assert_eq!(unneutralize("#set page"), "#set page");
    }
}
