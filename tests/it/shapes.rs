//! Spreadsheet shapes (docs/data-format.md, "Spreadsheet shapes"): the rows the layout stage makes of
//! the corpus cases' bureau sheets, checked row by row against values worked out by hand. The corpus
//! (tests/it/corpus.rs) runs the same cases end to end.

use crate::common::*;
use crate::corpus::prepare;
use mujun::dataset::Dataset;
use mujun::ingest::FileKind;

fn load(case: &str) -> Dataset {
    let tmp = tempfile::tempdir().unwrap();
    prepare(case, tmp.path());
    mujun::validate::load(tmp.path()).unwrap_or_else(|e| panic!("{case}: {e}"))
}

fn id_of(ds: &Dataset, e: usize) -> &str {
    ds.enterprises[e].id.as_str()
}

/// (quarter, revenue, value added, energy, line) of one firm's output rows, in file order.
fn output_of(ds: &Dataset, id: &str) -> Vec<(String, f64, f64, f64, usize)> {
    ds.output
        .iter()
        .filter(|r| id_of(ds, r.enterprise()) == id)
        .map(|r| {
            let v = |k| r.value(k).unwrap_or(f64::NAN);
            (r.quarter.to_string(), v(0), v(1), v(2), r.line())
        })
        .collect()
}

fn tax_of(ds: &Dataset, id: &str) -> Vec<(String, f64)> {
    ds.tax.iter().filter(|r| id_of(ds, r.enterprise()) == id).map(|r| (r.quarter.to_string(), r.tax_paid)).collect()
}

fn account(ds: &Dataset, kind: FileKind) -> &mujun::dataset::FileAccount {
    ds.accounts.iter().find(|a| a.kind == kind).unwrap()
}

#[test]
fn year_to_date_figures_become_quarters_worked_out_by_hand() {
    let ds = load("xlsx_cumulative");
    // 汉滨一号厂, sheet row 4: revenue 1-3月 1000, 1-6月 2100.5, 1-9月 3000, 1-12月 4000 →
    // Q1 1000; Q2 2100.5 − 1000 = 1100.5; Q3 3000 − 2100.5 = 899.5; Q4 4000 − 3000 = 1000.
    // Value added 200, 400, 600, 800 → 200 each; energy 50, 100, 150, 200 → 50 each.
    assert_eq!(
        output_of(&ds, "91610902MA0009001J"),
        vec![
            ("2025Q1".into(), 1000.0, 200.0, 50.0, 4),
            ("2025Q2".into(), 1100.5, 200.0, 50.0, 4),
            ("2025Q3".into(), 899.5, 200.0, 50.0, 4),
            ("2025Q4".into(), 1000.0, 200.0, 50.0, 4),
        ]
    );
    // 汉阴一号厂, row 6: 450, 900, 1350, 1800 → 450 each quarter.
    let q: Vec<f64> = output_of(&ds, "91610921MA0009101Q").iter().map(|r| r.1).collect();
    assert_eq!(q, [450.0; 4]);
    let a = account(&ds, FileKind::Output);
    assert_eq!((a.read, a.used, a.excepted, a.skipped), (16, 16, 0, 1));
    assert!(
        a.layout.iter().any(|n| n.starts_with("two-row header (rows 2–3) joined: 营业收入（万元） / 1-3月")),
        "{:?}",
        a.layout
    );
    assert!(
        a.layout.iter().any(|n| n.contains("year-to-date layout") && n.contains("4 quarters (2025Q1–2025Q4)")),
        "{:?}",
        a.layout
    );
}

#[test]
fn quarter_columns_become_rows_and_a_bad_cell_costs_its_quarter_only() {
    let ds = load("xlsx_wide_quarterly");
    let rows = output_of(&ds, "91610902MA0009001J");
    let revenue: Vec<(&str, f64, usize)> = rows.iter().map(|r| (r.0.as_str(), r.1, r.4)).collect();
    assert_eq!(revenue, [("2025Q1", 900.0, 3), ("2025Q2", 1000.0, 3), ("2025Q3", 1100.0, 3), ("2025Q4", 1000.0, 3)]);
    // 汉阴二号厂's third quarter held 约20 tce: that quarter's row is excluded, the others kept.
    let quarters: Vec<String> = output_of(&ds, "91610921MA0009102U").into_iter().map(|r| r.0).collect();
    assert_eq!(quarters, ["2025Q1", "2025Q2", "2025Q4"]);
    let a = account(&ds, FileKind::Output);
    // 4 firms × 4 quarters read, one excluded; the title and the 总计 row skipped, not read.
    assert_eq!((a.read, a.used, a.excepted, a.skipped), (16, 15, 1, 2));
    assert!(a.layout.iter().any(|n| n.starts_with("wide quarterly layout, 4 quarters (2025Q1–2025Q4) of 营业收入（万元）, 工业增加值, 综合能耗 → one row per quarter (16 rows from 4)")), "{:?}", a.layout);
}

#[test]
fn county_sheets_are_stacked_and_exceptions_name_the_sheet() {
    let ds = load("xlsx_county_sheets");
    assert_eq!(tax_of(&ds, "91610902MA0009001J"), (1..=4).map(|q| (format!("2025Q{q}"), 50.0)).collect::<Vec<_>>());
    assert_eq!(
        tax_of(&ds, "91610921MA0009102U"),
        [("2025Q1".into(), 15.0), ("2025Q2".into(), 15.0), ("2025Q4".into(), 15.0)]
    );
    // Nothing from the 汇总 sheet: 汉滨一号厂 has one 2025Q1 row, and no duplicate is reported.
    let a = account(&ds, FileKind::Tax);
    assert_eq!((a.read, a.used, a.excepted, a.skipped), (16, 15, 1, 1));
    assert_eq!(a.layout[0], "sheet 汉滨区 (by its header), 汉阴县 (by its header) read, stacked in workbook order");
    assert!(a.layout.contains(&"sheet 汇总 not read: it sums up the other sheets".to_string()), "{:?}", a.layout);
    let bad = ds.exceptions.iter().find(|e| e.code == mujun::schema::ReasonCode::NumberInvalid).unwrap();
    assert_eq!((bad.file.as_str(), bad.line, bad.column.as_str()), ("tax.xlsx[汉阴县]", 9, "tax_paid"));
}

#[test]
fn titles_notes_and_footers_are_skipped_and_counted() {
    let ds = load("xlsx_title_notes_total");
    let lines: Vec<usize> = ds.land.iter().map(|r| r.line()).collect();
    assert_eq!(lines, [4, 5, 6, 7]);
    let a = account(&ds, FileKind::Land);
    assert_eq!((a.read, a.used, a.excepted, a.skipped), (4, 4, 0, 4));
    assert_eq!(a.layout, ["header at row 3; 2 row(s) above it skipped (a title or notes; listed in the exceptions)"]);
    let ds = load("csv_title_and_footer");
    let a = account(&ds, FileKind::Output);
    assert_eq!((a.read, a.used, a.skipped, a.encoding.as_str()), (16, 16, 4, "UTF-8"));
    assert_eq!(ds.output.first().map(|r| r.line()), Some(5));
}

#[test]
fn a_two_row_header_reads_the_group_total() {
    let ds = load("xlsx_two_row_header");
    // 税收（万元） / 合计 is the tax paid: 30 + 20 for 汉滨一号厂, 15 + 7.5 for 汉阴一号厂.
    assert_eq!(tax_of(&ds, "91610902MA0009001J")[0], ("2025Q1".into(), 50.0));
    assert_eq!(tax_of(&ds, "91610921MA0009101Q")[3], ("2025Q4".into(), 22.5));
    assert_eq!(ds.tax.first().map(|r| r.line()), Some(3));
}

#[test]
fn one_workbook_serves_several_kinds_and_files_toml_is_obeyed() {
    let ds = load("xlsx_one_workbook");
    for kind in [FileKind::Land, FileKind::Output, FileKind::Tax] {
        assert_eq!(account(&ds, kind).file, "2025年亩均数据.xlsx");
        assert_eq!(account(&ds, kind).used, [4, 16, 16][kind as usize - 1]);
    }
    assert_eq!(account(&ds, FileKind::Output).layout, ["sheet 产值能耗 (by its name) read"]);
    let ds = load("files_toml_settings");
    // 一季度 … 四季度 read as year to date (layout = cumulative, year = 2025): 15, 30, 45, 60 → 15 each.
    assert_eq!(tax_of(&ds, "91610921MA0009102U"), (1..=4).map(|q| (format!("2025Q{q}"), 15.0)).collect::<Vec<_>>());
    let a = account(&ds, FileKind::Tax);
    assert_eq!(a.file, "税收台账.xlsx");
    assert_eq!(
        a.layout[0],
        "settings from files.toml: file = 税收台账.xlsx; header_row = 2; layout = cumulative; year = 2025"
    );
}

#[test]
fn shapes_that_cannot_be_read_stop_the_run_naming_the_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("d");
    prepare("clean_baseline", &data);
    // Quarter columns with no year anywhere.
    std::fs::write(data.join("tax.csv"), "统一社会信用代码,一季度税收\n91610902MA0009001J,50\n").unwrap();
    let o = mujun().args(["validate", "--data"]).arg(&data).arg("--out").arg(tmp.path().join("v")).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("tax.csv: the column '税收 一季度' does not say the year"), "{err}");
    // A wrong files.toml is named.
    std::fs::write(data.join("files.toml"), "[tax]\nlayot = \"long\"\n").unwrap();
    let o = mujun().args(["validate", "--data"]).arg(&data).arg("--out").arg(tmp.path().join("v2")).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("files.toml") && err.contains("layot"), "{err}");
    // With the year set, the same file reads; validate says what it did.
    std::fs::write(data.join("files.toml"), "[tax]\nyear = 2025\n").unwrap();
    let o = mujun().args(["validate", "--data"]).arg(&data).arg("--out").arg(tmp.path().join("v3")).output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("tax.csv: wide quarterly layout, 1 quarter (2025Q1) of 税收"), "{out}");
}
