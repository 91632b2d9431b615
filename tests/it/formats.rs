//! The same dataset as CSV UTF-8, CSV GBK with Chinese headers and file names, XLSX and Parquet gives
//! byte-identical tables.

use crate::common::*;
use crate::fixture;
use polars::prelude::*;
use std::path::Path;

const ZH: &[(&str, &str)] = &[
    ("enterprise_id", "统一社会信用代码"),
    ("name", "企业名称"),
    ("county", "县区"),
    ("park", "园区"),
    ("industry", "行业代码"),
    ("scale", "规模"),
    ("established", "成立日期"),
    ("tags", "标签"),
    ("parcel_id", "宗地编号"),
    ("area", "用地面积"),
    ("unit", "单位"),
    ("tenure", "权属"),
    ("period", "期间"),
    ("revenue", "营业收入"),
    ("value_added", "工业增加值"),
    ("energy_tce", "综合能耗"),
    ("emissions", "排放当量"),
    ("rd_expense", "研发经费支出"),
    ("employees", "从业人员"),
    ("tax_paid", "实缴税金"),
];

const FILES: &[(&str, &str)] = &[("enterprises", "企业"), ("land", "土地"), ("output", "产值"), ("tax", "税收")];

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r.records().map(|x| x.unwrap().iter().map(String::from).collect()).collect();
    (h, rows)
}

fn is_numeric(col: &str, rows: &[Vec<String>], i: usize) -> bool {
    !matches!(col, "enterprise_id" | "industry" | "parcel_id")
        && rows.iter().all(|r| r[i].is_empty() || r[i].parse::<f64>().is_ok())
        && rows.iter().any(|r| !r[i].is_empty())
}

fn to_gbk(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for (stem, zh) in FILES {
        let text = std::fs::read_to_string(src.join(format!("{stem}.csv"))).unwrap();
        let (first, rest) = text.split_once('\n').unwrap();
        let header: Vec<&str> =
            first.split(',').map(|h| ZH.iter().find(|(e, _)| *e == h).map(|(_, z)| *z).unwrap_or(h)).collect();
        let text = format!("{}\n{rest}", header.join(","));
        let (bytes, _, bad) = encoding_rs::GBK.encode(&text);
        assert!(!bad);
        std::fs::write(dst.join(format!("{zh}.csv")), bytes).unwrap();
    }
}

fn to_xlsx(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for (stem, _) in FILES {
        let (h, rows) = read_csv(&src.join(format!("{stem}.csv")));
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (c, name) in h.iter().enumerate() {
            ws.write_string(0, c as u16, name).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if v.is_empty() {
                    continue;
                }
                if is_numeric(&h[c], &rows, c) {
                    ws.write_number(r as u32 + 1, c as u16, v.parse::<f64>().unwrap()).unwrap();
                } else {
                    ws.write_string(r as u32 + 1, c as u16, v).unwrap();
                }
            }
        }
        wb.save(dst.join(format!("{stem}.xlsx"))).unwrap();
    }
}

fn to_parquet(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for (stem, _) in FILES {
        let (h, rows) = read_csv(&src.join(format!("{stem}.csv")));
        let cols: Vec<Column> = h
            .iter()
            .enumerate()
            .map(|(i, name)| {
                if is_numeric(name, &rows, i) {
                    let v: Vec<Option<f64>> = rows.iter().map(|r| r[i].parse().ok()).collect();
                    Column::new(name.as_str().into(), v)
                } else {
                    let v: Vec<&str> = rows.iter().map(|r| r[i].as_str()).collect();
                    Column::new(name.as_str().into(), v)
                }
            })
            .collect();
        let mut df = DataFrame::new_infer_height(cols).unwrap();
        let f = std::fs::File::create(dst.join(format!("{stem}.parquet"))).unwrap();
        ParquetWriter::new(f).finish(&mut df).unwrap();
    }
}

#[test]
fn every_input_format_gives_identical_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("csv");
    fixture::write(&base);
    to_gbk(&base, &tmp.path().join("gbk"));
    to_xlsx(&base, &tmp.path().join("xlsx"));
    to_parquet(&base, &tmp.path().join("parquet"));
    let method = tmp.path().join("m.toml");
    std::fs::write(&method, fixture::METHOD_QUOTA).unwrap();
    let mut outputs = Vec::new();
    for fmt in ["csv", "gbk", "xlsx", "parquet"] {
        let out = tmp.path().join(format!("out_{fmt}"));
        evaluate(&tmp.path().join(fmt), &method, "2024", &out);
        let ent = std::fs::read(out.join("enterprises.csv")).unwrap();
        let county = std::fs::read(out.join("by_county.csv")).unwrap();
        let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
        outputs.push((fmt, ent, county, manifest));
    }
    let (_, ent0, county0, _) = &outputs[0];
    assert!(String::from_utf8_lossy(ent0).contains("汉滨一号厂"));
    for (fmt, ent, county, manifest) in &outputs[1..] {
        assert!(ent == ent0, "{fmt}: enterprises.csv differs from the CSV run");
        assert!(county == county0, "{fmt}: by_county.csv differs");
        assert!(manifest.contains("\"excepted\": 0"), "{fmt}: {manifest}");
    }
    assert!(outputs[1].3.contains("GBK/GB18030"), "the GBK file is detected as such");
}

#[test]
fn repeated_runs_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("d");
    fixture::write(&data);
    let method = tmp.path().join("m.toml");
    std::fs::write(&method, fixture::METHOD_QUOTA).unwrap();
    let mut seen = Vec::new();
    for (i, threads) in ["1", "2", "2"].iter().enumerate() {
        let out = tmp.path().join(format!("o{i}"));
        let o = mujun()
            .args(["--quiet", "--threads", threads, "evaluate", "--period", "2024", "--data"])
            .arg(&data)
            .arg("--method")
            .arg(&method)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success());
        // Every file but the manifest (which holds timings): the published lists and the workbook too.
        let mut names: Vec<_> =
            std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.retain(|n| n != "manifest.json");
        names.sort();
        assert!(
            names.len() >= 9
                && names.iter().any(|n| n.starts_with("list_"))
                && names.contains(&"results.xlsx".to_string()),
            "{names:?}"
        );
        let files: Vec<(String, Vec<u8>)> =
            names.into_iter().map(|f| (f.clone(), std::fs::read(out.join(f)).unwrap())).collect();
        seen.push(files);
    }
    assert!(seen.windows(2).all(|w| w[0] == w[1]));
}
