//! Reliability: the malformed-input corpus (tests/corpus/<case>/ with expect.toml), determinism on the
//! sample city, safe outputs, provenance (`mujun verify`) and number handling. docs/reliability.md maps
//! each guarantee to the test here that checks it.

use crate::common::*;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Output;

/// What a corpus case expects (tests/corpus/<case>/expect.toml; see tests/corpus/README.md).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    #[allow(dead_code)]
    description: String,
    outcome: Outcome,
    /// Rows in exceptions.csv (warnings and exclusions).
    exceptions: Option<usize>,
    /// Input rows excluded (Σ manifest `excepted`).
    excluded: Option<usize>,
    /// For `file_error`: a substring of the message and the exit code.
    error: Option<String>,
    exit: Option<i32>,
    /// Build a fixture from the case's CSV files: `xlsx:land,tax`, `xlsx_merged:enterprises`, `parquet:land` …
    make: Option<String>,
    #[serde(default)]
    encodings: BTreeMap<String, String>,
    #[serde(default)]
    expect: Vec<ExpectedException>,
    #[serde(default)]
    check: Vec<Check>,
    /// Worksheets of XLSX fixtures, written cell by cell (title rows, merged cells, several sheets).
    #[serde(default)]
    sheet: Vec<make::Sheet>,
}

#[derive(Debug, Deserialize, PartialEq, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum Outcome {
    /// Every row used, no exception row.
    Clean,
    /// Every row used, exception rows that only warn (`validate` exits 0).
    Warning,
    /// Some rows excluded (`validate` exits 1, `evaluate` still runs).
    Exceptions,
    /// The run cannot start (exit 3, the message names the problem).
    FileError,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedException {
    file: String,
    line: usize,
    column: String,
    reason: String,
    /// The reason code (`reason_code` column).
    code: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Check {
    file: String,
    enterprise_id: String,
    column: String,
    value: String,
}

fn corpus_dir() -> PathBuf {
    repo("tests/corpus")
}

fn cases() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expect.toml").is_file())
        .collect();
    v.sort();
    v
}

fn copy_case(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().unwrap() != "expect.toml" {
            std::fs::copy(&p, dst.join(p.file_name().unwrap())).unwrap();
        }
    }
}

fn validate_case(data: &Path, out: &Path) -> Output {
    mujun().args(["--quiet", "validate", "--data"]).arg(data).arg("--out").arg(out).output().expect("run mujun")
}

fn evaluate_case(data: &Path, method: &Path, out: &Path) -> Output {
    let mut c = mujun();
    c.args(["--quiet", "evaluate", "--period", "2025", "--data"])
        .arg(data)
        .arg("--method")
        .arg(method)
        .arg("--out")
        .arg(out);
    c.output().expect("run mujun")
}

/// Cells of a CSV output that show a non-finite number (NaN, inf): a whole cell that parses as one, or, in
/// every file but exceptions.csv (whose reasons quote the input cell, e.g. "'NaN' is not a number"), such a
/// word anywhere in a cell.
pub fn non_finite_cells(path: &Path) -> Vec<String> {
    let quoting = path.file_name().is_some_and(|n| n == "exceptions.csv");
    let text = std::fs::read_to_string(path).unwrap();
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut bad = Vec::new();
    for rec in r.records() {
        for cell in rec.unwrap().iter() {
            let whole = cell.trim().parse::<f64>().is_ok_and(|v| !v.is_finite());
            let word = !quoting
                && cell
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|t| matches!(t.to_ascii_lowercase().as_str(), "nan" | "inf" | "infinity"));
            if whole || word {
                bad.push(cell.to_string());
            }
        }
    }
    bad
}

/// Words that betray a programmer's message (a Rust error or debug print) instead of an analyst's.
fn unfriendly(reason: &str) -> bool {
    ["Error {", "Err(", "Some(", "None", "ParseFloatError", "unwrap", "panicked", "\\u{"]
        .iter()
        .any(|w| reason.contains(w))
}

/// Runs one case; returns the problems found (empty when the case passes).
fn run_case(case: &Path) -> Vec<String> {
    let name = case.file_name().unwrap().to_string_lossy().to_string();
    let mut bad = Vec::new();
    let text = std::fs::read_to_string(case.join("expect.toml")).unwrap();
    let ex: Expect = match toml::from_str(&text) {
        Ok(e) => e,
        Err(e) => return vec![format!("{name}: expect.toml: {e}")],
    };
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    copy_case(case, &data);
    if let Some(m) = &ex.make {
        make::build(m, &data);
    }
    make::sheets(&ex.sheet, &data);
    let method = corpus_dir().join("method.toml");
    let v = validate_case(&data, &tmp.path().join("v"));
    let o = evaluate_case(&data, &method, &tmp.path().join("o"));
    for (cmd, out) in [("validate", &v), ("evaluate", &o)] {
        let err = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0 | 1 | 3) => {}
            code => bad.push(format!("{name}: {cmd} exited with {code:?} (a crash?): {err}")),
        }
        if err.contains("panicked") {
            bad.push(format!("{name}: {cmd} panicked: {err}"));
        }
    }
    let (vc, oc) = (v.status.code().unwrap_or(-1), o.status.code().unwrap_or(-1));
    if ex.outcome == Outcome::FileError {
        let want = ex.exit.unwrap_or(3);
        let needle = ex.error.clone().unwrap_or_default();
        for (cmd, code, out) in [("validate", vc, &v), ("evaluate", oc, &o)] {
            let err = String::from_utf8_lossy(&out.stderr);
            if code != want || !err.contains(&needle) {
                bad.push(format!(
                    "{name}: {cmd}: want exit {want} and a message with '{needle}', got exit {code}: {err}"
                ));
            }
        }
        return bad;
    }
    let excluded = ex.excluded.unwrap_or(0);
    let want_v = if excluded > 0 { 1 } else { 0 };
    if vc != want_v {
        bad.push(format!("{name}: validate exited {vc}, want {want_v}: {}", String::from_utf8_lossy(&v.stderr)));
    }
    if oc != 0 {
        bad.push(format!("{name}: evaluate exited {oc}: {}", String::from_utf8_lossy(&o.stderr)));
        return bad;
    }
    let out = tmp.path().join("o");
    // Row accounting, in the evaluate manifest and in the validate manifest.
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let vmanifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("v/manifest.json")).unwrap()).unwrap();
    let mut total_excepted = 0;
    for m in [&manifest, &vmanifest] {
        total_excepted = 0;
        for input in m["inputs"].as_array().unwrap() {
            let n = |k: &str| input[k].as_u64().unwrap() as usize;
            if n("read") != n("used") + n("excepted") {
                bad.push(format!(
                    "{name}: {} read {} ≠ used {} + excepted {}",
                    input["file"],
                    n("read"),
                    n("used"),
                    n("excepted")
                ));
            }
            total_excepted += n("excepted");
        }
    }
    if manifest["rows"]["balanced"] != true {
        bad.push(format!("{name}: manifest rows not balanced"));
    }
    if total_excepted != excluded {
        bad.push(format!("{name}: {total_excepted} rows excluded, want {excluded}"));
    }
    for (file, enc) in &ex.encodings {
        let got = manifest["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["file"] == file.as_str())
            .map(|i| i["encoding"].clone());
        if got != Some(serde_json::json!(enc)) {
            bad.push(format!("{name}: {file} encoding {got:?}, want {enc}"));
        }
    }
    // The exceptions: count, kind, the expected rows, and reasons in words.
    let exc = read_rows(&out.join("exceptions.csv"));
    let n_exc = exc.len();
    let warnings = exc.iter().filter(|e| e["action"] != "row excluded").count();
    let ok_kind = match ex.outcome {
        Outcome::Clean => n_exc == 0,
        Outcome::Warning => n_exc > 0 && warnings == n_exc,
        Outcome::Exceptions => n_exc > warnings,
        Outcome::FileError => unreachable!(),
    };
    if !ok_kind {
        bad.push(format!("{name}: outcome {:?} but {n_exc} exceptions ({warnings} warnings): {exc:?}", ex.outcome));
    }
    if let Some(n) = ex.exceptions {
        if n != n_exc {
            bad.push(format!("{name}: {n_exc} exception rows, want {n}: {exc:?}"));
        }
    }
    // The exceptions file neutralizes text cells (=, +, -, @ …), so compare without that apostrophe.
    let plain = |s: &str| match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest.to_string(),
        _ => s.to_string(),
    };
    for e in &ex.expect {
        let hit = exc.iter().any(|r| {
            r["file"] == e.file
                && r["line"] == e.line.to_string()
                && r["column"] == e.column
                && plain(&r["reason"]).contains(&e.reason)
                && r["reason_code"] == e.code
        });
        if !hit {
            let (f, l, c, r, code) = (&e.file, e.line, &e.column, &e.reason, &e.code);
            bad.push(format!("{name}: no exception {f}:{l} [{c}] {code} '{r}' in {exc:?}"));
        }
    }
    for r in &exc {
        if r["reason"].trim().is_empty()
            || mujun::schema::ReasonCode::parse(&r["reason_code"]).is_none()
            || r["action"].trim().is_empty()
            || r["file"].is_empty()
            || unfriendly(&r["reason"])
        {
            bad.push(format!("{name}: exception row without a plain reason or action: {r:?}"));
        }
    }
    // Expected values in the output tables.
    for c in &ex.check {
        let rows = by_key(&out.join(&c.file), "enterprise_id");
        match rows.get(&c.enterprise_id).and_then(|r| r.get(&c.column)) {
            Some(v) if *v == c.value => {}
            got => bad
                .push(format!("{name}: {} {} {}: got {got:?}, want '{}'", c.file, c.enterprise_id, c.column, c.value)),
        }
    }
    // No NaN or infinity reaches a table.
    for e in std::fs::read_dir(&out).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "csv") {
            let t = non_finite_cells(&p);
            if !t.is_empty() {
                bad.push(format!("{name}: {} holds {t:?}", p.display()));
            }
        }
    }
    bad
}

#[test]
fn corpus_every_case_meets_its_expectation() {
    let cases = cases();
    assert!(cases.len() >= 50, "the corpus has {} cases", cases.len());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).clamp(2, 4);
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut bad = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        let Some(case) = cases.get(i) else { break };
                        bad.extend(run_case(case));
                    }
                    bad
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    assert!(failures.is_empty(), "{} problem(s):\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn corpus_covers_every_outcome() {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let readme = std::fs::read_to_string(corpus_dir().join("README.md")).unwrap();
    for c in cases() {
        let name = c.file_name().unwrap().to_string_lossy().to_string();
        assert!(readme.contains(&format!("| `{name}` |")), "tests/corpus/README.md does not list {name}");
        let ex: Expect = toml::from_str(&std::fs::read_to_string(c.join("expect.toml")).unwrap()).unwrap();
        *seen.entry(format!("{:?}", ex.outcome)).or_default() += 1;
        assert!(
            ex.outcome == Outcome::FileError || ex.outcome == Outcome::Clean || !ex.expect.is_empty(),
            "{}: no [[expect]]",
            c.display()
        );
        assert!(ex.outcome != Outcome::FileError || ex.error.is_some(), "{}: no error substring", c.display());
    }
    for o in ["Clean", "Warning", "Exceptions", "FileError"] {
        assert!(seen.get(o).copied().unwrap_or(0) >= 3, "too few {o} cases: {seen:?}");
    }
}

/// Builds XLSX and Parquet fixtures from a case's CSV files (binaries are not committed).
mod make {
    use polars::prelude::*;
    use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, Worksheet};
    use std::path::Path;

    fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
        let mut r = csv::ReaderBuilder::new().flexible(true).from_path(path).unwrap();
        let h = r.headers().unwrap().iter().map(String::from).collect();
        let rows = r.records().map(|x| x.unwrap().iter().map(String::from).collect()).collect();
        (h, rows)
    }

    fn numeric(col: &str) -> bool {
        matches!(col, "area" | "revenue" | "value_added" | "energy_tce" | "tax_paid")
    }

    /// Writes one table at (row0, col0) of `ws`: numbers as numbers, dates as dates.
    fn put(ws: &mut Worksheet, row0: u32, col0: u16, h: &[String], rows: &[Vec<String>]) {
        for (c, name) in h.iter().enumerate() {
            ws.write_string(row0, col0 + c as u16, name).unwrap();
        }
        put_rows(ws, row0 + 1, col0, h, rows);
    }

    fn put_rows(ws: &mut Worksheet, row0: u32, col0: u16, h: &[String], rows: &[Vec<String>]) {
        let date = Format::new().set_num_format("yyyy-mm-dd");
        for (r, row) in rows.iter().enumerate() {
            let r = row0 + r as u32;
            for (c, v) in row.iter().enumerate() {
                let c16 = col0 + c as u16;
                if v.is_empty() {
                    continue;
                }
                if numeric(&h[c]) && v.parse::<f64>().is_ok() {
                    ws.write_number(r, c16, v.parse::<f64>().unwrap()).unwrap();
                } else if h[c] == "established" {
                    ws.write_datetime_with_format(r, c16, ExcelDateTime::parse_from_str(v).unwrap(), &date).unwrap();
                } else {
                    ws.write_string(r, c16, v).unwrap();
                }
            }
        }
    }

    fn col(h: &[String], name: &str) -> usize {
        h.iter().position(|x| x == name).unwrap()
    }

    fn xlsx(twist: &str, kind: &str, dir: &Path) {
        let src = dir.join(format!("{kind}.csv"));
        let (h, rows) = read_csv(&src);
        std::fs::remove_file(&src).unwrap();
        let dst = dir.join(format!("{kind}.xlsx"));
        let mut wb = Workbook::new();
        match twist {
            "xlsx_hidden" => {
                let lookup = wb.add_worksheet();
                lookup.set_name("代码表").unwrap();
                lookup.write_string(0, 0, "权属").unwrap();
                for (i, t) in ["自有", "租入", "租出"].iter().enumerate() {
                    lookup.write_string(i as u32 + 1, 0, *t).unwrap();
                }
                lookup.set_hidden(true);
                let ws = wb.add_worksheet();
                ws.set_name("用地").unwrap();
                put(ws, 0, 0, &h, &rows);
                ws.set_active(true);
            }
            "xlsx_empty" => {
                wb.add_worksheet();
            }
            "xlsx_title" => {
                let ws = wb.add_worksheet();
                ws.merge_range(0, 0, 0, h.len() as u16 - 1, "2025年亩均效益评价企业名单", &Format::new().set_bold())
                    .unwrap();
                put(ws, 1, 0, &h, &rows);
            }
            "xlsx_offset" => {
                // Header at C3, a blank sheet row 6, the third data row (zero area) at sheet row 7.
                let ws = wb.add_worksheet();
                let mut rows = rows.clone();
                rows[2][col(&h, "area")] = "0".into();
                put(ws, 2, 2, &h, &rows[..2]);
                put_rows(ws, 6, 2, &h, &rows[2..]);
            }
            "xlsx_merged" => {
                let ws = wb.add_worksheet();
                put(ws, 0, 0, &h, &rows);
                let c = col(&h, "county") as u16;
                let mut start = 0;
                for i in 1..=rows.len() {
                    if i == rows.len() || rows[i][c as usize] != rows[start][c as usize] {
                        if i - start > 1 {
                            ws.merge_range(start as u32 + 1, c, i as u32, c, &rows[start][c as usize], &Format::new())
                                .unwrap();
                        }
                        start = i;
                    }
                }
            }
            "xlsx_formula" | "xlsx_error" => {
                let ws = wb.add_worksheet();
                put(ws, 0, 0, &h, &rows);
                let target = if twist == "xlsx_formula" { "tax_paid" } else { "revenue" };
                let c = col(&h, target);
                for (r, row) in rows.iter().enumerate() {
                    let f = if twist == "xlsx_formula" {
                        Formula::new(format!("={}*1", row[c])).set_result(row[c].clone())
                    } else if r == 0 {
                        Formula::new("=1/0").set_result("#DIV/0!")
                    } else {
                        continue;
                    };
                    ws.write_formula(r as u32 + 1, c as u16, f).unwrap();
                }
            }
            _ => {
                let ws = wb.add_worksheet();
                put(ws, 0, 0, &h, &rows);
            }
        }
        wb.save(&dst).unwrap();
        if twist == "xlsx_truncated" {
            let b = std::fs::read(&dst).unwrap();
            std::fs::write(&dst, &b[..b.len() / 2]).unwrap();
        }
    }

    fn parquet(twist: &str, kind: &str, dir: &Path) {
        let src = dir.join(format!("{kind}.csv"));
        let (h, rows) = read_csv(&src);
        std::fs::remove_file(&src).unwrap();
        let cols: Vec<Column> = h
            .iter()
            .enumerate()
            .map(|(i, name)| {
                if numeric(name) {
                    let v: Vec<Option<f64>> = rows.iter().map(|r| r[i].parse().ok()).collect();
                    Column::new(name.as_str().into(), v)
                } else {
                    let v: Vec<Option<&str>> =
                        rows.iter().map(|r| Some(r[i].as_str()).filter(|s| !s.is_empty())).collect();
                    Column::new(name.as_str().into(), v)
                }
            })
            .collect();
        let mut df = DataFrame::new_infer_height(cols).unwrap();
        let dst = dir.join(format!("{kind}.parquet"));
        ParquetWriter::new(std::fs::File::create(&dst).unwrap()).finish(&mut df).unwrap();
        if twist == "parquet_truncated" {
            let b = std::fs::read(&dst).unwrap();
            std::fs::write(&dst, &b[..b.len() / 2]).unwrap();
        }
    }

    /// A worksheet of an XLSX fixture (`[[sheet]]` in expect.toml): its rows as CSV text, cells that read
    /// as numbers written as numbers, and merged ranges (`A1:E1`) holding their first cell's text.
    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Sheet {
        file: String,
        name: Option<String>,
        #[serde(default)]
        merge: Vec<String>,
        rows: String,
    }

    /// `A1:E2` → (first row, first column, last row, last column), 0-based.
    fn range(r: &str) -> (u32, u16, u32, u16) {
        let cell = |c: &str| {
            let letters: String = c.chars().take_while(char::is_ascii_alphabetic).collect();
            let col = letters.bytes().fold(0u16, |a, b| a * 26 + (b - b'A' + 1) as u16) - 1;
            (c[letters.len()..].parse::<u32>().unwrap() - 1, col)
        };
        let (a, b) = r.split_once(':').unwrap();
        let ((r0, c0), (r1, c1)) = (cell(a), cell(b));
        (r0, c0, r1, c1)
    }

    /// Builds the workbooks of `[[sheet]]` entries, sheets in the order given.
    pub fn sheets(specs: &[Sheet], dir: &Path) {
        let mut files: Vec<&str> = Vec::new();
        for s in specs {
            if !files.contains(&s.file.as_str()) {
                files.push(&s.file);
            }
        }
        for file in files {
            let mut wb = Workbook::new();
            for spec in specs.iter().filter(|s| s.file == file) {
                let ws = wb.add_worksheet();
                if let Some(n) = &spec.name {
                    ws.set_name(n).unwrap();
                }
                let grid: Vec<Vec<String>> = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(spec.rows.trim_start_matches('\n').as_bytes())
                    .records()
                    .map(|r| r.unwrap().iter().map(String::from).collect())
                    .collect();
                let merges: Vec<_> = spec.merge.iter().map(|m| range(m)).collect();
                let inside = |r: u32, c: u16| merges.iter().any(|m| r >= m.0 && r <= m.2 && c >= m.1 && c <= m.3);
                for (r, row) in grid.iter().enumerate() {
                    for (c, v) in row.iter().enumerate() {
                        let (r, c) = (r as u32, c as u16);
                        if v.is_empty() || inside(r, c) {
                            continue;
                        }
                        match v.parse::<f64>() {
                            Ok(x) => ws.write_number(r, c, x).unwrap(),
                            Err(_) => ws.write_string(r, c, v).unwrap(),
                        };
                    }
                }
                for m in &merges {
                    let text = grid.get(m.0 as usize).and_then(|r| r.get(m.1 as usize)).cloned().unwrap_or_default();
                    ws.merge_range(m.0, m.1, m.2, m.3, &text, &Format::new()).unwrap();
                }
            }
            wb.save(dir.join(file)).unwrap();
        }
    }

    /// `twist:kind,kind…`
    pub fn build(spec: &str, dir: &Path) {
        let (twist, kinds) = spec.split_once(':').unwrap_or((spec, "enterprises,land,output,tax"));
        for kind in kinds.split(',') {
            if twist.starts_with("parquet") {
                parquet(twist, kind, dir);
            } else {
                xlsx(twist, kind, dir);
            }
        }
    }
}

/// A corpus case's CSV files copied into `dst` (the clean baseline unless named).
fn dataset(case: &str, dst: &Path) {
    copy_case(&corpus_dir().join(case), dst);
}

/// A corpus case's folder as its test runs it: the files copied and its fixtures built.
pub fn prepare(case: &str, dst: &Path) {
    let dir = corpus_dir().join(case);
    let ex: Expect = toml::from_str(&std::fs::read_to_string(dir.join("expect.toml")).unwrap()).unwrap();
    copy_case(&dir, dst);
    if let Some(m) = &ex.make {
        make::build(m, dst);
    }
    make::sheets(&ex.sheet, dst);
}

fn method_path() -> PathBuf {
    corpus_dir().join("method.toml")
}

/// The same tables from 1 and 2 threads and from a CSV and a Parquet copy of the committed sample city.
mod determinism {
    use super::*;
    use polars::prelude::*;

    fn to_parquet(src: &Path, dst: &Path) {
        std::fs::create_dir_all(dst).unwrap();
        const KINDS: [&str; 5] = ["enterprises", "land", "output", "tax", "events"];
        // Files other than the five kinds (benchmark or history files a methodology may read) as they are.
        for e in std::fs::read_dir(src).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() && !KINDS.iter().any(|k| p.file_stem().is_some_and(|s| s == *k)) {
                std::fs::copy(&p, dst.join(p.file_name().unwrap())).unwrap();
            }
        }
        for stem in KINDS {
            let mut r = csv::Reader::from_path(src.join(format!("{stem}.csv"))).unwrap();
            let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
            let rows: Vec<Vec<String>> = r.records().map(|x| x.unwrap().iter().map(String::from).collect()).collect();
            let cols: Vec<Column> = h
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let text = matches!(name.as_str(), "enterprise_id" | "industry" | "parcel_id" | "period");
                    let numeric = !text
                        && rows.iter().all(|r| r[i].is_empty() || r[i].parse::<f64>().is_ok())
                        && rows.iter().any(|r| !r[i].is_empty());
                    if numeric {
                        Column::new(
                            name.as_str().into(),
                            rows.iter().map(|r| r[i].parse::<f64>().ok()).collect::<Vec<_>>(),
                        )
                    } else {
                        Column::new(
                            name.as_str().into(),
                            rows.iter().map(|r| Some(r[i].as_str()).filter(|s| !s.is_empty())).collect::<Vec<_>>(),
                        )
                    }
                })
                .collect();
            let mut df = DataFrame::new_infer_height(cols).unwrap();
            ParquetWriter::new(std::fs::File::create(dst.join(format!("{stem}.parquet"))).unwrap())
                .finish(&mut df)
                .unwrap();
        }
    }

    fn evaluate_sample(data: &Path, threads: &str, out: &Path) {
        let o = mujun()
            .args(["--quiet", "--threads", threads, "evaluate", "--period", "2025", "--data"])
            .arg(data)
            .arg("--method")
            .arg(repo("data/methods/ankang_default.toml"))
            .arg("--out")
            .arg(out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }

    #[test]
    fn sample_city_is_byte_identical_across_threads_and_formats() {
        let tmp = tempfile::tempdir().unwrap();
        let csv = repo("data/sample");
        let parquet = tmp.path().join("parquet");
        to_parquet(&csv, &parquet);
        let runs = [(&csv, "1"), (&csv, "2"), (&parquet, "1"), (&parquet, "2")];
        let mut seen: Vec<Vec<Vec<u8>>> = Vec::new();
        for (i, (data, threads)) in runs.iter().enumerate() {
            let out = tmp.path().join(format!("o{i}"));
            evaluate_sample(data, threads, &out);
            seen.push(
                ["enterprises.csv", "by_county.csv", "explain.csv"]
                    .iter()
                    .map(|f| std::fs::read(out.join(f)).unwrap())
                    .collect(),
            );
        }
        assert!(seen[0][0].len() > 100_000 && seen[0][2].len() > 1_000_000, "the sample run writes full tables");
        for (i, s) in seen.iter().enumerate().skip(1) {
            for (f, name) in ["enterprises.csv", "by_county.csv", "explain.csv"].iter().enumerate() {
                assert!(s[f] == seen[0][f], "run {i} ({:?}): {name} differs from the CSV run with 1 thread", runs[i]);
            }
        }
    }

    #[test]
    fn sample_city_tables_hold_no_nan_or_infinity() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("o");
        evaluate_sample(&repo("data/sample"), "2", &out);
        let mut n = 0;
        for e in std::fs::read_dir(&out).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "csv") {
                n += 1;
                let bad = non_finite_cells(&p);
                assert!(bad.is_empty(), "{}: {:?}", p.display(), &bad[..bad.len().min(5)]);
            }
        }
        assert!(n >= 8, "only {n} CSV files");
    }
}

/// Output folders: never the data, never someone's files, never outside --out; text never runs as a formula.
mod safe_outputs {
    use super::*;

    fn evaluate_into(data: &Path, method: &Path, out: &Path) -> Output {
        evaluate_case(data, method, out)
    }

    #[test]
    fn refuses_a_non_empty_folder_that_is_not_a_run() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("d");
        dataset("clean_baseline", &data);
        let out = tmp.path().join("mine");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("notes.txt"), "my own file").unwrap();
        let o = evaluate_into(&data, &method_path(), &out);
        assert_eq!(o.status.code(), Some(4), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(String::from_utf8_lossy(&o.stderr).contains("not an earlier mujun run"));
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1, "nothing written next to the user's file");
        assert_eq!(std::fs::read_to_string(out.join("notes.txt")).unwrap(), "my own file");
        // --force is the explicit way in.
        let o = mujun()
            .args(["--quiet", "evaluate", "--period", "2025", "--force", "--data"])
            .arg(&data)
            .arg("--method")
            .arg(method_path())
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success());
        assert_eq!(std::fs::read_to_string(out.join("notes.txt")).unwrap(), "my own file");
    }

    #[test]
    fn accepts_an_earlier_run_folder_and_leaves_no_temporary_files() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("d");
        dataset("clean_baseline", &data);
        let out = tmp.path().join("run");
        for _ in 0..2 {
            let o = evaluate_into(&data, &method_path(), &out);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
        let names: Vec<String> =
            std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert!(names.iter().all(|n| !n.starts_with('.') && !n.ends_with(".tmp")), "{names:?}");
        assert!(names.contains(&"manifest.json".to_string()));
        // The data folder itself is refused.
        let o = evaluate_into(&data, &method_path(), &data);
        assert_eq!(o.status.code(), Some(4));
    }

    #[test]
    fn track_and_county_names_never_escape_the_output_folder() {
        for (name, want) in [
            ("../x", "_x"),
            ("../../etc/passwd", "_.._etc_passwd"),
            ("..\\x", "_x"),
            ("/abs", "_abs"),
            ("..", "_"),
            ("C:\\x", "C__x"),
        ] {
            let got = mujun::report::safe_file_name(name);
            assert_eq!(got, want, "{name}");
        }
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("d");
        dataset("clean_baseline", &data);
        // A county named ../x and a track named ../../escape.
        let ent = std::fs::read_to_string(data.join("enterprises.csv")).unwrap().replace("汉阴县", "../x");
        std::fs::write(data.join("enterprises.csv"), ent).unwrap();
        let method = tmp.path().join("m.toml");
        std::fs::write(
            &method,
            std::fs::read_to_string(method_path()).unwrap().replace("name = \"all\"", "name = \"../../escape\""),
        )
        .unwrap();
        let out = tmp.path().join("a/b/out");
        let o = evaluate_into(&data, &method, &out);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(out.join("list__.._escape.csv").is_file());
        // Nothing was written anywhere but in out: the tree above holds only d, m.toml and a/b/out.
        let mut all = Vec::new();
        let mut stack = vec![tmp.path().to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p.clone());
                }
                all.push(p);
            }
        }
        for p in &all {
            assert!(
                p.starts_with(&data) || p.starts_with(&out) || *p == method || out.starts_with(p),
                "written outside --out: {}",
                p.display()
            );
        }
        let county = by_key(&out.join("by_county.csv"), "county");
        assert!(county.contains_key("../x"), "the county name is data, kept as written: {:?}", county.keys());
    }

    #[test]
    fn formula_text_is_neutralized_and_negative_numbers_stay_numbers() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("d");
        dataset("formula_like_names", &data);
        // -abc gets tax refunds (a negative tax per mu), and a land row carries a formula as its id.
        let tax = std::fs::read_to_string(data.join("tax.csv"))
            .unwrap()
            .replace("91610902MA0009002M,2025Q1,50", "91610902MA0009002M,2025Q1,-250");
        std::fs::write(data.join("tax.csv"), tax).unwrap();
        let mut land = std::fs::read_to_string(data.join("land.csv")).unwrap();
        land.push_str("=1+1,P9,5,亩,自有\n");
        std::fs::write(data.join("land.csv"), land).unwrap();
        let out = tmp.path().join("o");
        let o = evaluate_case(&data, &method_path(), &out);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let ent = by_key(&out.join("enterprises.csv"), "enterprise_id");
        let (e1, e2) = (&ent["91610902MA0009001J"], &ent["91610902MA0009002M"]);
        assert_eq!(e1["name"], "'=HYPERLINK(\"http://example.invalid\",\"点击\")");
        assert_eq!(e2["name"], "'-abc");
        assert_eq!(ent["91610921MA0009101Q"]["name"], "'+86 0915");
        assert_eq!(ent["91610921MA0009102U"]["name"], "'@SUM(A1)");
        // (−250 + 3 × 50) ÷ 20 亩 = −5: a number, not text.
        assert_eq!(e2["tax_per_mu"], "-5.0000");
        let exc = read_rows(&out.join("exceptions.csv"));
        assert!(exc.iter().any(|r| r["enterprise_id"] == "'=1+1"), "{exc:?}");
        // The same in the workbook: text cells carry the apostrophe, numbers are numbers.
        use calamine::{open_workbook, Data, Reader, Xlsx};
        let mut wb: Xlsx<_> = open_workbook(out.join("results.xlsx")).unwrap();
        let sheet = wb.sheet_names().into_iter().find(|n| n.contains("enterprises")).unwrap();
        let range = wb.worksheet_range(&sheet).unwrap();
        let header: Vec<String> = range.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
        let col = |label: &str| {
            header.iter().position(|h| h.ends_with(label)).unwrap_or_else(|| panic!("{label} in {header:?}"))
        };
        let (name, tpm) = (col(" name"), col(" tax_per_mu"));
        let row = range.rows().find(|r| r[name] == Data::String("'-abc".into())).expect("the -abc row");
        assert_eq!(row[tpm], Data::Float(-5.0));
        let names: Vec<String> = range.rows().skip(1).map(|r| r[name].to_string()).collect();
        assert!(names.iter().all(|n| n.starts_with('\'')), "{names:?}");
    }
}

/// `mujun verify`: a fresh run verifies; one changed byte in an output or an input is found and named.
mod provenance {
    use super::*;

    fn verify(run: &Path) -> (i32, String) {
        let o = mujun().args(["verify", "--run"]).arg(run).output().unwrap();
        (
            o.status.code().unwrap_or(-1),
            format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)),
        )
    }

    fn flip_last_byte(p: &Path) -> Vec<u8> {
        let orig = std::fs::read(p).unwrap();
        let mut b = orig.clone();
        let n = b.len() - 2;
        b[n] ^= 0x01;
        std::fs::write(p, b).unwrap();
        orig
    }

    #[test]
    fn a_fresh_run_verifies_and_any_changed_byte_is_named() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("d");
        dataset("clean_baseline", &data);
        let out = tmp.path().join("o");
        assert!(evaluate_case(&data, &method_path(), &out).status.success());
        let (code, text) = verify(&out);
        assert_eq!(code, 0, "{text}");
        assert!(text.contains("verified"), "{text}");

        // One byte of an output.
        let p = out.join("by_county.csv");
        let orig = flip_last_byte(&p);
        let (code, text) = verify(&out);
        assert_eq!(code, 1, "{text}");
        assert!(text.contains("by_county.csv changed"), "{text}");
        std::fs::write(&p, orig).unwrap();

        // One byte of an input.
        let p = data.join("tax.csv");
        let orig = flip_last_byte(&p);
        let (code, text) = verify(&out);
        assert_eq!(code, 1, "{text}");
        assert!(text.contains("tax.csv changed") && !text.contains("by_county.csv"), "{text}");
        std::fs::write(&p, orig).unwrap();

        // The methodology.
        let m = tmp.path().join("m.toml");
        std::fs::copy(method_path(), &m).unwrap();
        let out2 = tmp.path().join("o2");
        assert!(evaluate_case(&data, &m, &out2).status.success());
        std::fs::write(&m, std::fs::read_to_string(&m).unwrap().replace("weight = 50", "weight = 51")).unwrap();
        let (code, text) = verify(&out2);
        assert_eq!(code, 1, "{text}");
        assert!(text.contains("methodology") && text.contains("m.toml changed"), "{text}");

        // A missing output, an extra file.
        assert_eq!(verify(&out).0, 0);
        std::fs::remove_file(out.join("policies.csv")).unwrap();
        std::fs::write(out.join("extra.csv"), "x").unwrap();
        let (code, text) = verify(&out);
        assert_eq!(code, 1, "{text}");
        assert!(text.contains("policies.csv is missing") && text.contains("extra.csv is not listed"), "{text}");

        // Not a run folder: exit 3 with the reason.
        let (code, text) = verify(&data);
        assert_eq!(code, 3, "{text}");
        assert!(text.contains("manifest.json"), "{text}");
    }
}

/// Rounding, large sums, division guards and non-finite values.
mod numbers {
    use super::*;
    use mujun::decimal::round_half_up_str;
    use mujun::report::table::{to_csv, write_xlsx, Cell, Table};

    #[test]
    fn totals_round_half_up_to_the_cent_end_to_end() {
        // One indicator, points = value ÷ 100 × 100 = tax per mu: 549 ÷ 8 = 68.625 exactly → 68.63
        // (banker's rounding would give 68.62); 21.4 ÷ 8 = 2.675 (2.67499999… in binary) → 2.68.
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("d");
        dataset("clean_baseline", &data);
        let land = "enterprise_id,parcel_id,area,unit,tenure\n91610902MA0009001J,P1,8,亩,自有\n91610902MA0009002M,P2,8,亩,自有\n\
                    91610921MA0009101Q,Q1,8,亩,自有\n91610921MA0009102U,Q2,8,亩,自有\n";
        std::fs::write(data.join("land.csv"), land).unwrap();
        let tax = "enterprise_id,period,tax_paid\n91610902MA0009001J,2025Q1,549\n91610902MA0009002M,2025Q1,21.4\n\
                   91610921MA0009101Q,2025Q1,0.04\n91610921MA0009102U,2025Q1,-0.04\n";
        std::fs::write(data.join("tax.csv"), tax).unwrap();
        let m = tmp.path().join("m.toml");
        std::fs::write(
            &m,
            "[scheme]\nname = \"r\"\n[[tracks]]\nname = \"all\"\n[[tracks.indicators]]\nkey = \"tax_per_mu\"\nnum = \"tax\"\nden = \"land\"\nweight = 100\nbenchmark = 100\n[tracks.classes]\nmethod = \"thresholds\"\nthresholds = [60, 40, 20]\n",
        )
        .unwrap();
        let out = tmp.path().join("o");
        let o = evaluate_case(&data, &m, &out);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let ent = by_key(&out.join("enterprises.csv"), "enterprise_id");
        assert_eq!(ent["91610902MA0009001J"]["total"], "68.63");
        assert_eq!(ent["91610902MA0009002M"]["total"], "2.68");
        // 0.04 ÷ 8 = 0.005 → 0.01; −0.005 → −0.01, never "-0.00".
        assert_eq!(ent["91610921MA0009101Q"]["total"], "0.01");
        assert!(
            ["-0.01", "0.00"].contains(&ent["91610921MA0009102U"]["total"].as_str()),
            "{}",
            ent["91610921MA0009102U"]["total"]
        );
        for r in read_rows(&out.join("enterprises.csv")) {
            assert!(
                !r.values().any(|v| v.starts_with("-0.0") && !v.bytes().any(|b| (b'1'..=b'9').contains(&b))),
                "{r:?}"
            );
        }
        // Money in the aggregates: Σ tax to 0.01 万元, half up.
        let county = by_key(&out.join("by_county.csv"), "county");
        assert_eq!(county["汉滨区"]["tax"], "570.40");
    }

    #[test]
    fn large_sums_stay_within_the_documented_error_bound() {
        // 1,000,000 firms × 1234.56 万元 summed in file order, as the aggregates do (binary64, sequential).
        let (n, x) = (1_000_000u64, 1234.56f64);
        let mut s = 0.0f64;
        for _ in 0..n {
            s += x;
        }
        let exact_cents: u64 = n * 123_456;
        let err = s - exact_cents as f64 / 100.0;
        // Higham's bound for recursive summation: |error| ≤ (n − 1) · u · Σ|x|, u = 2⁻⁵³ (plus the
        // representation error of 1234.56 itself, n · u · |x|).
        let u = f64::EPSILON / 2.0;
        let bound = (n - 1) as f64 * u * (n as f64 * x) + n as f64 * u * x;
        assert!(err.abs() <= bound, "error {err} above the bound {bound}");
        // Measured: −0.0314 万元 (314 元) on 1.23456e9 万元, a relative error of 2.5e-11; the bound is 0.137.
        assert!((err + 0.0314).abs() < 0.0001, "error {err}");
        assert_eq!(round_half_up_str(s, 2), "1234559999.97");
        // At the sample city's scale (3,000 firms) the same sum is exact to 1e-6 万元.
        let mut t = 0.0f64;
        for _ in 0..3000 {
            t += x;
        }
        assert_eq!(round_half_up_str(t, 4), "3703680.0000");
        // Compensated (Neumaier) summation in the same order would be exact to the cent at 1,000,000.
        let (mut sum, mut c) = (0.0f64, 0.0f64);
        for _ in 0..n {
            let t = sum + x;
            c += if sum.abs() >= x.abs() { (sum - t) + x } else { (x - t) + sum };
            sum = t;
        }
        assert_eq!(round_half_up_str(sum + c, 2), "1234560000.00");
    }

    #[test]
    fn non_finite_values_never_reach_a_table() {
        let mut t = Table::new(&[("a", "a"), ("b", "b"), ("c", "c"), ("d", "d")]);
        t.rows.push(vec![
            Cell::Num(f64::NAN, 2),
            Cell::Num(f64::INFINITY, 4),
            Cell::Dec("inf".into()),
            Cell::Dec("NaN".into()),
        ]);
        t.rows.push(vec![
            Cell::Num(f64::NEG_INFINITY, 0),
            Cell::Num(-0.0, 2),
            Cell::Dec("-inf".into()),
            Cell::Num(-0.004, 2),
        ]);
        let csv = String::from_utf8(to_csv(&t)).unwrap();
        assert_eq!(csv, "\u{feff}a,b,c,d\n,,,\n,0.00,,0.00\n");
        let tmp = tempfile::tempdir().unwrap();
        write_xlsx(&tmp.path().join("x.xlsx"), &[("s", &t)]).expect("an XLSX with non-finite values is still written");
    }

    #[test]
    fn division_guards() {
        // Zero land basis → not scored (no division); a zero denominator → the indicator's rule. The
        // corpus cases all_land_rented_out and zero_energy_denominator run these end to end; here the
        // reasons are checked.
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("d");
        dataset("zero_energy_denominator", &data);
        let land = std::fs::read_to_string(data.join("land.csv")).unwrap().replace("Q2,12,亩,自有", "Q2,12,亩,租出");
        std::fs::write(data.join("land.csv"), land).unwrap();
        let out = tmp.path().join("o");
        assert!(evaluate_case(&data, &method_path(), &out).status.success());
        let ent = by_key(&out.join("enterprises.csv"), "enterprise_id");
        let (e1, e4) = (&ent["91610902MA0009001J"], &ent["91610921MA0009102U"]);
        assert_eq!((e4["status"].as_str(), e4["total"].as_str(), e4["tax_per_mu"].as_str()), ("not_scored", "", ""));
        assert!(e4["reason"].contains("land basis"), "{}", e4["reason"]);
        assert_eq!(
            (e1["status"].as_str(), e1["va_per_tce"].as_str(), e1["pts_va_per_tce"].as_str()),
            ("graded", "", "0.0000")
        );
        let explain = std::fs::read_to_string(out.join("explain.csv")).unwrap();
        assert!(explain.contains("denominator zero → 0 points"), "explain.csv names the rule");
    }
}
