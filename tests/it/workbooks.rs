//! The workbooks an analyst opens (results.xlsx, monitor.xlsx, projects.xlsx), read back with calamine:
//! an autofilter on every sheet, number formats by column, statuses, classes and reasons in Chinese with
//! the code in its own column, and numbers that are still numbers.

use crate::common::*;
use calamine::{open_workbook, Data, Range, Reader, StyleRange, Xlsx};
use std::path::Path;

type Book = Xlsx<std::io::BufReader<std::fs::File>>;

/// One sheet: its header, values and styles.
struct Sheet {
    header: Vec<String>,
    values: Range<Data>,
    styles: StyleRange,
}

impl Sheet {
    fn open(wb: &mut Book, name: &str) -> Sheet {
        let values = wb.worksheet_range(name).unwrap_or_else(|e| panic!("sheet {name}: {e}"));
        let styles = wb.worksheet_style(name).unwrap();
        let header = values.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
        Sheet { header, values, styles }
    }
    /// The column whose header is exactly `label`.
    fn col(&self, label: &str) -> u32 {
        let c = self.header.iter().position(|h| h == label);
        c.unwrap_or_else(|| panic!("no column '{label}' in {:?}", self.header)) as u32
    }
    /// The row (absolute, header = 0) whose cell under `label` is `text`.
    fn row(&self, label: &str, text: &str) -> u32 {
        let c = self.col(label) as usize;
        let r = self.values.rows().position(|r| r[c] == Data::String(text.into()));
        r.unwrap_or_else(|| panic!("no row with {label} = {text}")) as u32
    }
    fn value(&self, row: u32, label: &str) -> Data {
        self.values.get_value((row, self.col(label))).cloned().unwrap_or(Data::Empty)
    }
    /// The number format of a cell ("General" without one).
    fn format(&self, row: u32, label: &str) -> String {
        let style = self.styles.get((row, self.col(label)));
        style.and_then(|s| s.number_format.as_ref()).map_or("General".into(), |f| f.format_code.clone())
    }
    /// (value, number format) of the cell under `label` in row `row`.
    fn cell(&self, row: u32, label: &str) -> (Data, String) {
        (self.value(row, label), self.format(row, label))
    }
}

/// Every sheet of the workbook has an autofilter over its header (Excel keeps it as the hidden name
/// _xlnm._FilterDatabase, one per sheet, over the sheet's range from A1).
fn assert_filters(wb: &Book, path: &Path) {
    let names = wb.defined_names().to_vec();
    for sheet in wb.sheet_names() {
        let quoted = format!("'{sheet}'!$A$1:");
        let found = names.iter().any(|(n, v)| n == "_xlnm._FilterDatabase" && (v.starts_with(&quoted)));
        assert!(found, "{}: no filter on sheet {sheet}: {names:?}", path.display());
    }
}

fn f(x: f64) -> Data {
    Data::Float(x)
}
fn s(x: &str) -> Data {
    Data::String(x.into())
}

#[test]
fn results_workbook_has_filters_formats_and_chinese_words() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    crate::fixture::write(&data);
    // A land row of a firm not in the enterprises file: one exception, enterprise_unknown, row excluded.
    let mut land = std::fs::read_to_string(data.join("land.csv")).unwrap();
    land.push_str("91610902MA00090075,P9,5,亩,自有\n");
    std::fs::write(data.join("land.csv"), land).unwrap();
    let m = tmp.path().join("m.toml");
    std::fs::write(&m, crate::fixture::METHOD_QUOTA).unwrap();
    let out = tmp.path().join("out");
    evaluate(&data, &m, "2024", &out);
    let path = out.join("results.xlsx");
    let mut wb: Book = open_workbook(&path).unwrap();
    assert_filters(&wb, &path);

    let e = Sheet::open(&mut wb, "企业 enterprises");
    // Codes sit right after their words.
    assert_eq!(e.col("代码 status"), e.col("状态 status") + 1);
    assert_eq!(e.col("代码 reason_code"), e.col("原因代码 reason_code") + 1);
    let one = e.row("企业名称 name", "汉滨一号厂");
    // 汉滨一号厂: 200.00, A in 汉滨区 (see fixture.rs): numbers with their formats, words and codes.
    assert_eq!(e.cell(one, "总分 total"), (f(200.0), "0.00".into()));
    assert_eq!(e.cell(one, "用地面积(亩) land_mu"), (f(10.0), "0.0000".into()));
    // Indicator values with the methodology's [output] decimals (4 by default): 200 ÷ 10 = 20.
    assert_eq!(e.cell(one, "亩均税收 tax_per_mu"), (f(20.0), "0.0000".into()));
    assert_eq!(e.cell(one, "县区排名 county_rank"), (f(1.0), "0".into()));
    assert_eq!((e.value(one, "状态 status"), e.value(one, "代码 status")), (s("参评"), s("graded")));
    assert_eq!((e.value(one, "等级 class"), e.value(one, "代码 class")), (s("A类"), s("A")));
    assert_eq!(e.value(one, "原因代码 reason_code"), Data::Empty);
    // 汉阴六号厂 rents out all its land: not scored, with the reason in words and its code.
    let six = e.row("企业名称 name", "汉阴六号厂");
    assert_eq!((e.value(six, "状态 status"), e.value(six, "代码 status")), (s("不计分"), s("not_scored")));
    assert_eq!(
        (e.value(six, "原因代码 reason_code"), e.value(six, "代码 reason_code")),
        (s("用地面积非正"), s("land_not_positive"))
    );

    let c = Sheet::open(&mut wb, "县区 county");
    let hb = c.row("县区 county", "汉滨区");
    // Counts #,##0; money #,##0.00; land 0.0000. 汉滨区: 6 firms; tax 200 + 200 + 90 + 100 + 50 + 0 = 640
    // 万元; land 10 + 20 + 9 + 20 + 10 + 10 = 79 亩.
    assert_eq!(c.cell(hb, "企业数 enterprises"), (f(6.0), "#,##0".into()));
    assert_eq!(c.cell(hb, "税收(万元) tax"), (f(640.0), "#,##0.00".into()));
    assert_eq!(c.cell(hb, "用地面积(亩) land_mu"), (f(79.0), "0.0000".into()));

    let b = Sheet::open(&mut wb, "基准值 benchmarks");
    // The fixed tax benchmark 10, written at full precision, shown like the indicators.
    let tax = b.row("指标 indicator", "tax_per_mu");
    assert_eq!(b.cell(tax, "基准值 benchmark"), (f(10.0), "0.0000".into()));

    let x = Sheet::open(&mut wb, "例外 exceptions");
    let r = x.row("统一社会信用代码 enterprise_id", "91610902MA00090075");
    assert_eq!(
        (x.value(r, "原因代码 reason_code"), x.value(r, "代码 reason_code")),
        (s("企业名录中无此企业"), s("enterprise_unknown"))
    );
    assert_eq!((x.value(r, "处理 action"), x.value(r, "代码 action")), (s("整行排除"), s("row excluded")));
    // A line number is a label: no thousands separator. The row is line 16 of land.csv (header, 14 rows).
    assert_eq!(x.cell(r, "行 line"), (f(16.0), "0".into()));

    // The CSV keeps the codes alone.
    let ent = by_key(&out.join("enterprises.csv"), "name");
    assert_eq!((ent["汉阴六号厂"]["status"].as_str(), ent["汉滨一号厂"]["class"].as_str()), ("not_scored", "A"));
    assert!(!read_rows(&out.join("enterprises.csv"))[0].contains_key("代码 status"));
}

#[test]
fn monitor_workbook_has_filters_formats_and_chinese_words() {
    let tmp = tempfile::tempdir().unwrap();
    let out = crate::monitor::monitor(tmp.path(), "out", &[]);
    let path = out.join("monitor.xlsx");
    let mut wb: Book = open_workbook(&path).unwrap();
    assert_filters(&wb, &path);
    let e = Sheet::open(&mut wb, "企业 enterprises");
    let ent = read_rows(&out.join("monitor_enterprises.csv"));
    let first = &ent[0];
    // Row 1 of the sheet is the first firm of the CSV: its status in words, the code beside it.
    let (label, code) = (e.header[e.col("代码 status_cur") as usize - 1].clone(), "代码 status_cur");
    let words = match first["status_cur"].as_str() {
        "graded" => "参评",
        "undetermined" => "不定等级",
        "not_scored" => "不计分",
        other => panic!("status {other}"),
    };
    assert_eq!((e.value(1, &label), e.value(1, code)), (s(words), s(&first["status_cur"])));
    // Sums in 万元 as money, ranks without separators.
    let tax = e.header.iter().find(|h| h.ends_with(" tax_cur")).unwrap().clone();
    assert_eq!(e.format(1, &tax), "#,##0.00");
    let rank = e.header.iter().find(|h| h.ends_with(" rank_cur")).unwrap().clone();
    assert_eq!(e.format(1, &rank), "0");
    assert!(matches!(e.value(1, &tax), Data::Float(_) | Data::Empty));
}

#[test]
fn projects_workbook_has_filters_formats_and_chinese_words() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = repo("tests/golden/s1_standard_land");
    let o = mujun()
        .args(["--quiet", "projects", "--data"])
        .arg(&dir)
        .arg("--rules")
        .arg(dir.join("rules.toml"))
        .args(["--as-of", "2025-06-30", "--out"])
        .arg(tmp.path())
        .arg("--force")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let path = tmp.path().join("projects.xlsx");
    let mut wb: Book = open_workbook(&path).unwrap();
    assert_filters(&wb, &path);
    let p = Sheet::open(&mut wb, "项目 projects");
    // P3 (expected_summary.csv): breach, land price 600 万元, liability 180.00 after the cap.
    let p3 = p.row("项目编号 project_id", "P3");
    assert_eq!((p.value(p3, "总体状态 overall"), p.value(p3, "代码 overall")), (s("违约"), s("breach")));
    assert_eq!(p.cell(p3, "土地出让价款(万元) land_price"), (f(600.0), "#,##0.00".into()));
    assert_eq!(p.cell(p3, "违约金(万元) liability"), (f(180.0), "#,##0.00".into()));
    assert_eq!(p.cell(p3, "用地面积(亩) land_mu"), (f(40.5), "0.0000".into()));
    let p1 = p.row("项目编号 project_id", "P1");
    assert_eq!((p.value(p1, "总体状态 overall"), p.value(p1, "代码 overall")), (s("达标"), s("pass")));
    assert_eq!(p.value(p1, "收回评估 take_back_review"), s("否"));
}
