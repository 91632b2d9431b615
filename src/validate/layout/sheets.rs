//! Several sheets in one workbook: the sheets of a kind chosen by name (用地/土地 → land, 产值/能耗 →
//! output, 税收 → tax …) or by content (their header reads as the kind's), sheets of one kind (one per
//! county) stacked into one table, and workbooks not named after a kind searched for a kind's sheets.

use super::header;
use super::origin::Origin;
use super::settings::{FileSettings, FILE_NAME};
use crate::ingest::{FileKind, RawRow, Workbook};
use crate::validate::columns::{defs, find_def};
use crate::validate::numbers;
use std::path::{Path, PathBuf};

/// Words in sheet names that say the kind.
const KEYWORDS: [(FileKind, &[&str]); 5] = [
    (FileKind::Enterprises, &["企业名单", "企业信息", "企业名录", "名单", "名录", "基本信息"]),
    (FileKind::Land, &["用地", "土地", "宗地", "地块"]),
    (FileKind::Output, &["产值", "能耗", "产出", "经济指标", "营业收入", "营收"]),
    (FileKind::Tax, &["税收", "税金", "纳税", "税务"]),
    (FileKind::Events, &["事件", "加减分", "奖惩"]),
];

/// Words in the names of sheets that sum up the others (read only when no other sheet of the kind is).
const SUMMARY: [&str; 3] = ["汇总", "合计", "总表"];

/// The kinds a sheet's name says.
pub fn kinds_by_name(name: &str) -> Vec<FileKind> {
    KEYWORDS.iter().filter(|(_, words)| words.iter().any(|w| name.contains(w))).map(|(k, _)| *k).collect()
}

/// The sheets of a kind, their rows, and how they were chosen.
pub struct Chosen {
    pub sheets: Vec<(String, Vec<RawRow>)>,
    pub notes: Vec<String>,
}

/// The sheets of `kind` in a workbook: those `files.toml` names, else those whose name or header says the
/// kind; `named` when the file is named after the kind (its first sheet then, if none says it). `None`
/// when no sheet is of the kind.
pub fn choose(kind: FileKind, wb: &mut Workbook, s: &FileSettings, named: bool) -> Result<Option<Chosen>, String> {
    let mut notes = Vec::new();
    if !s.sheets.is_empty() {
        let mut sheets = Vec::new();
        for name in &s.sheets {
            if !wb.names.contains(name) {
                return Err(format!(
                    "sheet '{name}' ({FILE_NAME}) is not a visible sheet of the workbook; its sheets: {}",
                    wb.names.join(", ")
                ));
            }
            sheets.push((name.clone(), wb.rows(name)?));
        }
        notes.push(format!("sheets {} read, as {FILE_NAME} says", s.sheets.join(", ")));
        return Ok(Some(Chosen { sheets, notes }));
    }
    if named && wb.names.len() == 1 {
        let name = wb.names[0].clone();
        let rows = wb.rows(&name)?;
        return Ok(Some(Chosen { sheets: vec![(name, rows)], notes }));
    }
    let (mut sheets, mut how, mut headless) = (Vec::new(), Vec::new(), Vec::new());
    for name in wb.names.clone() {
        let by_name = kinds_by_name(&name).contains(&kind);
        let rows = wb.rows(&name)?;
        match (by_name, header_of(kind, &rows, s)) {
            (true, Some(_)) | (false, Some(true)) => {
                how.push(format!("{name} (by its {})", if by_name { "name" } else { "header" }));
                sheets.push((name, rows));
            }
            (true, None) => headless.push((name, rows)),
            (false, _) => {}
        }
    }
    // A sheet named for the kind without a header of it (用地说明) is read only when no other sheet is:
    // then its problems are reported.
    if sheets.is_empty() && !headless.is_empty() {
        how = headless.iter().map(|(n, _)| format!("{n} (by its name)")).collect();
        sheets = headless;
    } else if !headless.is_empty() {
        let names: Vec<&str> = headless.iter().map(|(n, _)| n.as_str()).collect();
        notes.push(format!("sheet {} not read: no {kind} header in it", names.join(", ")));
    }
    let summary = |n: &str| SUMMARY.iter().any(|w| n.contains(w));
    if sheets.iter().any(|(n, _)| !summary(n)) && sheets.iter().any(|(n, _)| summary(n)) {
        let dropped: Vec<String> = sheets.iter().filter(|(n, _)| summary(n)).map(|(n, _)| n.clone()).collect();
        sheets.retain(|(n, _)| !summary(n));
        how.retain(|h| !dropped.iter().any(|d| h.starts_with(&format!("{d} ("))));
        notes.push(format!("sheet {} not read: it sums up the other sheets", dropped.join(", ")));
    }
    if sheets.is_empty() {
        if !named {
            return Ok(None);
        }
        // No sheet says the kind: the first, as a workbook of one sheet is read.
        let name = wb.names[0].clone();
        let rows = wb.rows(&name)?;
        return Ok(Some(Chosen { sheets: vec![(name, rows)], notes }));
    }
    if wb.names.len() > 1 {
        let stacked = if sheets.len() > 1 { ", stacked in workbook order" } else { "" };
        notes.insert(0, format!("sheet {} read{stacked}", how.join(", ")));
    }
    Ok(Some(Chosen { sheets, notes }))
}

/// Whether a sheet has a header of the kind (`None` if not), and whether it has every required column.
fn header_of(kind: FileKind, rows: &[RawRow], s: &FileSettings) -> Option<bool> {
    let settings = FileSettings { header_row: s.header_row, header_rows: s.header_rows, ..FileSettings::default() };
    let found = header::find(kind, rows, &settings).ok().flatten()?;
    Some(header::score(kind, &found.headers).complete)
}

/// Workbooks in `dir` that hold sheets of `kind` though not named after it: by sheet name or header in
/// a workbook not named after any kind, by sheet name in one named after another kind.
pub fn workbooks_holding(dir: &Path, kind: FileKind) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let ext = p.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
            p.is_file() && matches!(ext.as_str(), "xlsx" | "xlsm" | "xls")
        })
        .collect();
    paths.sort();
    paths.retain(|p| {
        let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let kind_named =
            FileKind::DATASET.iter().any(|k| k.stem() == stem || k.stem_aliases().contains(&stem.as_str()));
        let Ok(mut wb) = Workbook::open(p) else { return false };
        if kind_named {
            return wb.names.iter().any(|n| kinds_by_name(n).contains(&kind));
        }
        choose(kind, &mut wb, &FileSettings::default(), false).is_ok_and(|c| c.is_some())
    });
    paths
}

/// A column of stacked sheets: what it names (a column definition, or a header), its header in the first
/// sheet that has it, and its unit (in brackets in the header) in each sheet.
struct Stacked {
    key: Result<usize, String>,
    header: String,
    units: Vec<Option<String>>,
}

/// The long tables of several sheets as one: columns matched by what they name (the first sheet's
/// order, then columns new in later sheets), rows in sheet order with lines that keep their sheet
/// ([`Origin`]). A column whose unit in the header differs between sheets (用地面积（亩） here,
/// 用地面积（平方米） there) loses it from the header and each sheet's unit goes into its plain number cells.
pub fn stack(kind: FileKind, tables: Vec<(Vec<String>, Vec<RawRow>)>) -> (Vec<String>, Vec<RawRow>) {
    let mut cols: Vec<Stacked> = Vec::new();
    let mut places: Vec<Vec<usize>> = Vec::new();
    for (k, (headers, _)) in tables.iter().enumerate() {
        let mut place = Vec::new();
        for h in headers {
            let (key, unit) = match find_def(kind, h) {
                Some((i, u)) => (Ok(i), u),
                None => (Err(h.trim().to_string()), None),
            };
            let at = match cols.iter().position(|c| c.key == key && (key.is_ok() || !h.trim().is_empty())) {
                Some(at) => at,
                None => {
                    cols.push(Stacked { key, header: h.clone(), units: vec![None; tables.len()] });
                    cols.len() - 1
                }
            };
            cols[at].units[k] = unit;
            place.push(at);
        }
        places.push(place);
    }
    let mixed: Vec<bool> = cols.iter().map(|c| c.units.iter().any(|u| *u != c.units[0])).collect();
    let headers = (cols.iter().zip(&mixed))
        .map(|(c, m)| match (&c.key, m) {
            (Ok(i), true) => defs(kind)[*i].name.to_string(),
            _ => c.header.clone(),
        })
        .collect();
    let mut rows = Vec::new();
    for (k, (_, table)) in tables.into_iter().enumerate() {
        for row in table {
            let mut cells = vec![String::new(); cols.len()];
            for (j, cell) in row.cells.into_iter().enumerate() {
                let Some(&at) = places[k].get(j) else { continue };
                cells[at] = match (&cols[at].units[k], mixed[at]) {
                    (Some(u), true) if numbers::parse_with_unit(&cell, &[]).is_ok_and(|v| v.is_some()) => {
                        format!("{cell}{u}")
                    }
                    _ => cell,
                };
            }
            rows.push(RawRow { line: Origin::line(k, row.line), cells });
        }
    }
    (headers, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_say_their_kind() {
        assert_eq!(kinds_by_name("2025年用地情况"), vec![FileKind::Land]);
        assert_eq!(kinds_by_name("产值能耗"), vec![FileKind::Output]);
        assert_eq!(kinds_by_name("税收（汉滨区）"), vec![FileKind::Tax]);
        assert!(kinds_by_name("汉阴县").is_empty());
    }

    #[test]
    fn sheets_stack_by_column_and_units_move_into_cells() {
        let row = |line: usize, c: &[&str]| RawRow { line, cells: c.iter().map(|s| s.to_string()).collect() };
        let a = (
            ["统一社会信用代码", "宗地编号", "用地面积（亩）", "权属"].map(String::from).to_vec(),
            vec![row(3, &["A", "P1", "10", "自有"])],
        );
        let b = (
            ["宗地号", "统一社会信用代码", "权属", "用地面积（平方米）", "备注"].map(String::from).to_vec(),
            vec![row(4, &["Q1", "B", "自有", "6000", "x"])],
        );
        let (h, rows) = stack(FileKind::Land, vec![a, b]);
        assert_eq!(h, ["统一社会信用代码", "宗地编号", "area", "权属", "备注"]);
        assert_eq!(rows[0].cells, ["A", "P1", "10亩", "自有", ""]);
        assert_eq!(rows[1].cells, ["B", "Q1", "6000平方米", "自有", "x"]);
        assert_eq!((rows[0].line, Origin::sheets(vec!["a".into(), "b".into()]).real(rows[1].line)), (3, 4));
    }
}
