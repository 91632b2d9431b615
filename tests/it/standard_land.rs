//! Standard land (标准地) project checks: the S1 worked example (methodology.md 18.5) to the last printed
//! digit, and hand-computed cases for every status, every liability rule, the cap, overdue stages found
//! from dates alone, and agreements that reference unknown enterprises.

use crate::common::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

const S1: &str = "tests/golden/s1_standard_land";
const HEADER: &str = "project_id,enterprise_id,name,county,park,park_tier,parcel_id,land_area,land_unit,land_price,contract_date,completion_due,production_due,agreed_invest_intensity,agreed_plot_ratio,agreed_building_coverage,agreed_office_share,agreed_tax_per_mu,agreed_va_per_tce";
const CHECKS: &str = "project_id,stage,check_date,review_year,fixed_asset_investment,floor_area_m2,footprint_m2,office_land_m2,tax,value_added,energy_tce";

/// Runs `mujun projects` and returns the output folder (kept alive by the TempDir).
fn run(data: &Path, rules: &Path, as_of: &str) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let o = mujun()
        .args(["--quiet", "projects", "--data"])
        .arg(data)
        .arg("--rules")
        .arg(rules)
        .args(["--as-of", as_of, "--out"])
        .arg(out.path())
        .arg("--force")
        .output()
        .expect("run mujun");
    assert!(o.status.success(), "mujun projects failed: {}", String::from_utf8_lossy(&o.stderr));
    out
}

/// A data folder with the given files (name, content).
fn folder(files: &[(&str, String)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(d.path().join(name), text).unwrap();
    }
    d
}

fn s1_rules() -> PathBuf {
    repo(&format!("{S1}/rules.toml"))
}

/// Maps a column of the S1 reference tables to our CSV column (docs/standard-land.md lists the same).
fn s1_column(h: &str) -> &str {
    match h {
        "project" => "project_id",
        "stage status" => "stage_status",
        "land 亩" => "land_mu",
        "land price 万元" => "land_price",
        "liability items (万元)" => "liability_items",
        "sum" => "liability_sum",
        "cap" => "liability_cap",
        "liability 万元" => "liability",
        h => h,
    }
}

fn compare(expected: &Path, got: &[HashMap<String, String>]) -> usize {
    let want = read_rows(expected);
    assert_eq!(want.len(), got.len(), "{}: row count", expected.display());
    let mut cells = 0;
    for (i, (w, g)) in want.iter().zip(got).enumerate() {
        for (h, v) in w {
            let v = if v == "—" { "" } else { v.as_str() };
            let c = s1_column(h);
            let actual = g.get(c).unwrap_or_else(|| panic!("no column {c}"));
            assert_eq!(actual, v, "{} row {} ({}) column {h}", expected.display(), i + 1, w["project"]);
            cells += 1;
        }
    }
    cells
}

#[test]
fn s1_standard_land_checks_and_liabilities() {
    let out = run(&repo(S1), &s1_rules(), "2025-06-30");
    let checks = read_rows(&out.path().join("project_checks.csv"));
    let n = compare(&repo(&format!("{S1}/expected_checks_result.csv")), &checks);
    let projects = read_rows(&out.path().join("projects.csv"));
    let m = compare(&repo(&format!("{S1}/expected_summary.csv")), &projects);
    // 32 rows × 9 columns and 7 rows × 9 columns.
    assert_eq!((n, m), (288, 63));
    assert!(read_rows(&out.path().join("exceptions.csv")).is_empty());
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["rows"]["read"], 15);
    assert_eq!(manifest["rows"]["balanced"], true);
    // 0 + 0 + 180 + 100 + 54.30 + 0 + 60 = 394.30
    assert_eq!(manifest["liability_total"], "394.30");
    assert!(out.path().join("projects.xlsx").is_file());
}

/// The same S1 projects with Chinese headers and units in the header are read the same way.
#[test]
fn s1_with_chinese_headers_gives_the_same_results() {
    let text = std::fs::read_to_string(repo(&format!("{S1}/projects.csv"))).unwrap();
    let zh = "项目编号,统一社会信用代码,项目名称,县区,园区,园区等级,宗地编号,用地面积,面积单位,土地出让价款(万元),合同签订日期,约定竣工日期,约定达产日期,约定固定资产投资强度(万元/亩),约定容积率,约定建筑系数,约定行政办公及生活服务设施用地比例,约定亩均税收,约定单位能耗增加值";
    let projects = text.replacen(HEADER, zh, 1);
    let checks = std::fs::read_to_string(repo(&format!("{S1}/checks.csv"))).unwrap();
    let checks = checks.replacen(CHECKS, "项目编号,阶段,验收日期,复核年度,固定资产投资(万元),总建筑面积(平方米),建筑基底面积,行政办公及生活服务设施用地面积,税收,工业增加值,综合能耗", 1);
    let d = folder(&[("项目.csv", projects), ("验收.csv", checks)]);
    let out = run(d.path(), &s1_rules(), "2025-06-30");
    compare(&repo(&format!("{S1}/expected_summary.csv")), &read_rows(&out.path().join("projects.csv")));
    compare(&repo(&format!("{S1}/expected_checks_result.csv")), &read_rows(&out.path().join("project_checks.csv")));
}

/// One project per status under the S1 rules, 县域园区 (150 / 1.0 / 40 / ≤7 / 8 / 1.2), 15 亩 = 10000 m²,
/// land price 300 万元, as of 2025-06-30.
#[test]
fn each_status_from_hand_computed_checks() {
    let id = "91610921MA0005027T";
    let p = |pid: &str, due1: &str, due2: &str| {
        format!("{pid},{id},n,汉阴县,汉阴县工业园,县域园区,X,15,亩,300,2022-01-01,{due1},{due2},,,,,,")
    };
    let projects = [
        HEADER.to_string(),
        p("A", "2024-12-31", "2025-03-31"),
        p("B", "2025-03-31", "2027-12-31"),
        p("C", "2025-03-31", "2027-12-31"),
        p("D", "2025-12-31", "2027-12-31"),
        p("E", "2024-12-31", "2026-12-31"),
        p("F", "2025-03-31", "2027-12-31"),
    ]
    .join("\n");
    let checks = [
        CHECKS,
        // A: 2400 ÷ 15 = 160 → 160 ÷ 150 = 1.0667 pass; 11000 ÷ 10000 = 1.1; 4500 ÷ 10000 × 100 = 45; 600 → 6% (7 ÷ 6 = 1.1667)
        "A,竣工验收,2024-12-01,,2400,11000,4500,600,,,",
        // A: tax 150 ÷ 15 = 10 → 10 ÷ 8 = 1.25; VA 1500 ÷ 1000 tce = 1.5 → 1.5 ÷ 1.2 = 1.25: pass
        "A,达产复核,2025-03-15,2024,,,,,150,1500,1000",
        // B: 2070 ÷ 15 = 138 → 138 ÷ 150 = 0.92 (≥ 0.85) rectify, by 2025-03-01 + 180 days = 2025-08-28
        "B,竣工验收,2025-03-01,,2070,11000,4500,600,,,",
        // C: 1800 ÷ 15 = 120 → 0.8 breach; liability 300 × (150 − 120) ÷ 150 = 60
        "C,竣工验收,2025-03-01,,1800,11000,4500,600,,,",
        // F: floor area blank → plot ratio has no data → incomplete
        "F,竣工验收,2025-03-01,,2400,,4500,600,,,",
    ]
    .join("\n");
    let d = folder(&[("projects.csv", projects), ("checks.csv", checks)]);
    let out = run(d.path(), &s1_rules(), "2025-06-30");
    let got = by_key(&out.path().join("projects.csv"), "project_id");
    let status: Vec<(&str, &str)> =
        ["A", "B", "C", "D", "E", "F"].iter().map(|k| (*k, got[*k]["overall"].as_str())).collect();
    assert_eq!(
        status,
        [("A", "pass"), ("B", "rectify"), ("C", "breach"), ("D", "pending"), ("E", "overdue"), ("F", "incomplete")]
    );
    assert_eq!(got["C"]["liability_items"], "竣工验收 固定资产投资强度: 60.0000 = 300 × (150 − 120.0000) / 150");
    assert_eq!(got["C"]["liability"], "60.00");
    // E: no completion check, due 2024-12-31 → 181 days late → 300 × 0.001 × 181 = 54.3
    assert_eq!(got["E"]["liability"], "54.30");
    let rows = read_rows(&out.path().join("project_checks.csv"));
    let row = |pid: &str, key: &str| {
        rows.iter().find(|r| r["project_id"] == pid && r["indicator_key"] == key).unwrap().clone()
    };
    assert_eq!(
        (row("A", "invest_intensity")["actual"].as_str(), row("A", "invest_intensity")["attainment"].as_str()),
        ("160.0000", "1.0667")
    );
    assert_eq!(row("A", "invest_intensity")["agreed"], "150 (tier default)");
    assert_eq!(row("A", "office_share")["attainment"], "1.1667");
    assert_eq!(row("A", "va_per_tce")["attainment"], "1.2500");
    assert_eq!(row("B", "invest_intensity")["band"], "rectify");
    assert_eq!(row("B", "plot_ratio")["note"], "rectify by 2025-08-28");
    assert_eq!(row("B", "plot_ratio")["rectify_by"], "2025-08-28");
    assert_eq!(row("F", "plot_ratio")["band"], "no data");
    assert_eq!(row("F", "plot_ratio")["note"], "no data for plot_ratio");
    let county = read_rows(&out.path().join("by_county.csv"));
    let total = county.iter().find(|r| r["county"] == "合计 total").unwrap();
    // 60.00 + 54.30 = 114.30; one of each status
    assert_eq!(total["liability"], "114.30");
    assert_eq!((total["pass"].as_str(), total["overdue"].as_str(), total["incomplete"].as_str()), ("1", "1", "1"));
}

/// Every liability rule on one project, and the cap; a second project for half-up rounding.
#[test]
fn each_liability_rule_and_the_cap() {
    let rules = std::fs::read_to_string(s1_rules()).unwrap();
    let edits = [
        (
            "late = { rate = 0.001, label = \"逾期竣工\", count = \"overdue_only\" }",
            "late = { rate = 0.002, label = \"逾期竣工\", count = \"also_late_check\" }",
        ),
        (
            "liability = { kind = \"action\", action = \"remove the excess facilities (拆除)\" }",
            "liability = { kind = \"land_price_x_shortfall_share\" }",
        ),
        (
            "liability = { kind = \"shortfall_x_area_x_years\", years = 1 }",
            "liability = { kind = \"shortfall_x_area_x_years\", years = 2 }",
        ),
    ];
    let mut text = rules.clone();
    for (a, b) in edits {
        assert!(text.contains(a), "S1 rules changed: {a}");
        text = text.replacen(a, b, 1);
    }
    let id = "91610921MA0005027T";
    let projects = [
        HEADER.to_string(),
        // L1: 20 亩 = 13333.33 m², price 500; agreed 150 / 1.0 / 40 / ≤10 / 8 / 1.2
        format!("L1,{id},n,汉阴县,p,县域园区,X,20,亩,500,2022-01-01,2024-12-31,2025-03-31,150,1.0,40,10,8,1.2"),
        // L2: price 61.725, completion due 2025-03-22, no check: 100 days late on 2025-06-30
        format!("L2,{id},n,汉阴县,p,县域园区,X,10,亩,61.725,2022-01-01,2025-03-22,2027-12-31,,,,,,"),
    ]
    .join("\n");
    let checks = [
        CHECKS,
        // checked 2025-01-30, 30 days after the due date → 500 × 0.002 × 30 = 30 (count = also_late_check)
        // invest 2700 ÷ 20 = 135 → 0.9 rectify (no money: liability applies to breach only)
        // office 1600 ÷ 13333.33 × 100 = 12% > 10 → 10 ÷ 12 = 0.8333 breach → 500 × (12 − 10) ÷ 10 = 100
        "L1,竣工验收,2025-01-30,,2700,16000,6000,1600,,,",
        // tax 100 ÷ 20 = 5 < 8 → (8 − 5) × 20 亩 × 2 years = 120; VA 1000 ÷ 1000 = 1 < 1.2 → 0.8333 breach → action
        "L1,达产复核,2025-04-30,2024,,,,,100,1000,1000",
    ]
    .join("\n");
    let d = folder(&[("projects.csv", projects), ("checks.csv", checks), ("rules.toml", text)]);
    let out = run(d.path(), &d.path().join("rules.toml"), "2025-06-30");
    let got = by_key(&out.path().join("projects.csv"), "project_id");
    let l1 = &got["L1"];
    assert_eq!(
        l1["liability_items"],
        "竣工验收 逾期竣工: 30.0000 = 500 × 0.002 × 30 days; \
         竣工验收 行政办公及生活服务设施用地比例: 100.0000 = 500 × (12.0000 − 10) / 10; \
         达产复核 亩均税收: 120.0000 = (8 − 5.0000) × 20 亩 × 2 years; \
         达产复核 单位能耗增加值: 0.0000 = no money rule: energy audit and rectification (节能诊断整改)"
    );
    // 30 + 100 + 120 + 0 = 250 > cap 0.3 × 500 = 150 → 150.00
    assert_eq!(
        (l1["liability_sum"].as_str(), l1["liability_cap"].as_str(), l1["liability"].as_str()),
        ("250.0000", "150", "150.00")
    );
    assert_eq!(
        l1["flags"],
        "cap 30% of land price hit (250.0000 → 150); breach at both stages → recommend land take-back review (收回评估)"
    );
    assert_eq!(l1["take_back_review"], "yes");
    // L2: 61.725 × 0.002 × 100 = 12.345 (shortest spelling) → half up 12.35; cap 0.3 × 61.725 = 18.5175 not hit
    let l2 = &got["L2"];
    assert_eq!(l2["liability_items"], "竣工验收 逾期竣工: 12.3450 = 61.725 × 0.002 × 100 days");
    assert_eq!(
        (l2["liability_cap"].as_str(), l2["liability"].as_str(), l2["flags"].as_str()),
        ("18.5175", "12.35", "")
    );
    let items = read_rows(&out.path().join("liabilities.csv"));
    let rules_used: Vec<&str> = items.iter().map(|r| r["rule"].as_str()).collect();
    assert_eq!(
        rules_used,
        ["late_per_day", "land_price_x_shortfall_share", "shortfall_x_area_x_years", "action", "late_per_day"]
    );
}

/// A range indicator (`between`): the bound missed decides the attainment and the shortfall.
#[test]
fn between_indicator_uses_the_bound_missed() {
    let rules = r#"
[scheme]
name = "range"
[liability]
cap_share = 0.5
[[stages]]
key = "completion"
name = "竣工验收"
due = "completion_due"
[[indicators]]
key = "plot_ratio"
zh = "容积率"
direction = "between"
stage = "completion"
actual = "floor_area_m2 / land_m2"
liability = { kind = "land_price_x_shortfall_share" }
[tiers."县域园区"]
plot_ratio = { min = 0.7, max = 1.8 }
"#;
    let projects = "project_id,land_area,land_unit,land_price,park_tier,completion_due,agreed_plot_ratio\n\
                    R1,10000,平方米,100,县域园区,2025-01-31,1.0-1.5\n\
                    R2,10000,平方米,100,县域园区,2025-01-31,\n";
    // R1: 20000 ÷ 10000 = 2.0 > 1.5 → 1.5 ÷ 2 = 0.75 breach → 100 × (2 − 1.5) ÷ 1.5 = 33.3333
    // R2: tier range 0.7–1.8, 18000 ÷ 10000 = 1.8 → pass
    let checks =
        "project_id,stage,check_date,floor_area_m2\nR1,竣工验收,2025-01-10,20000\nR2,竣工验收,2025-01-10,18000\n";
    let d = folder(&[("projects.csv", projects.into()), ("checks.csv", checks.into()), ("rules.toml", rules.into())]);
    let out = run(d.path(), &d.path().join("rules.toml"), "2025-06-30");
    let rows = by_key(&out.path().join("project_checks.csv"), "project_id");
    assert_eq!(
        (rows["R1"]["agreed"].as_str(), rows["R1"]["attainment"].as_str(), rows["R1"]["band"].as_str()),
        ("1–1.5 (contract)", "0.7500", "breach")
    );
    assert_eq!((rows["R2"]["agreed"].as_str(), rows["R2"]["band"].as_str()), ("0.7–1.8 (tier default)", "pass"));
    let got = by_key(&out.path().join("projects.csv"), "project_id");
    assert_eq!(got["R1"]["liability_items"], "竣工验收 容积率: 33.3333 = 100 × (2.0000 − 1.5) / 1.5");
    assert_eq!(got["R1"]["liability"], "33.33");
}

/// No check row at all: the status comes from the due dates and the as-of date alone.
#[test]
fn overdue_is_found_from_dates_alone() {
    let projects = format!(
        "{HEADER}\nO1,91610921MA0005027T,n,汉阴县,p,县域园区,X,15,亩,300,2022-01-01,2025-06-29,2027-12-31,,,,,,\n"
    );
    let d = folder(&[("projects.csv", projects), ("checks.csv", format!("{CHECKS}\n"))]);
    // as of 2025-06-30: due 2025-06-29 is 1 day past → overdue, 300 × 0.001 × 1 = 0.3
    let out = run(d.path(), &s1_rules(), "2025-06-30");
    let p = by_key(&out.path().join("projects.csv"), "project_id");
    assert_eq!(
        (p["O1"]["overall"].as_str(), p["O1"]["completion_status"].as_str(), p["O1"]["liability"].as_str()),
        ("overdue", "overdue", "0.30")
    );
    let overdue = read_rows(&out.path().join("overdue.csv"));
    assert_eq!(overdue.len(), 1);
    assert_eq!(
        (overdue[0]["days_late"].as_str(), overdue[0]["due"].as_str(), overdue[0]["late_liability"].as_str()),
        ("1", "2025-06-29", "0.3000")
    );
    // as of the due date itself: not yet late → pending
    let out = run(d.path(), &s1_rules(), "2025-06-29");
    let p = by_key(&out.path().join("projects.csv"), "project_id");
    assert_eq!((p["O1"]["overall"].as_str(), p["O1"]["liability"].as_str()), ("pending", "0.00"));
    let rows = read_rows(&out.path().join("project_checks.csv"));
    assert_eq!(rows[0]["note"], "due 2025-06-29");
    assert!(read_rows(&out.path().join("overdue.csv")).is_empty());
}

/// An agreement whose enterprise is not in the folder's enterprises file is listed in the exceptions
/// (the project is still checked); a bad credit code too; without an enterprises file only the bad code is.
#[test]
fn unknown_enterprise_goes_to_exceptions() {
    let known = mujun::ids::with_check("91610921MA0007001").unwrap();
    let unknown = mujun::ids::with_check("91610921MA0007002").unwrap();
    let p = |pid: &str, id: &str| {
        format!("{pid},{id},n,汉阴县,p,县域园区,X,15,亩,300,2022-01-01,2026-12-31,2027-12-31,,,,,,")
    };
    let projects = [HEADER.to_string(), p("K", &known), p("U", &unknown), p("B", "91610921MA0007001X")].join("\n");
    let enterprises = format!(
        "enterprise_id,name,county,park,industry,scale,established\n{known},甲,汉阴县,p,3099,规上,2020-01-01\n"
    );
    let d = folder(&[
        ("projects.csv", projects.clone()),
        ("checks.csv", format!("{CHECKS}\n")),
        ("enterprises.csv", enterprises),
    ]);
    let out = run(d.path(), &s1_rules(), "2025-06-30");
    let ex = read_rows(&out.path().join("exceptions.csv"));
    assert_eq!(ex.len(), 2, "{ex:?}");
    assert_eq!(
        (ex[0]["file"].as_str(), ex[0]["line"].as_str(), ex[0]["column"].as_str()),
        ("projects.csv", "3", "enterprise_id")
    );
    assert_eq!(ex[0]["enterprise_id"], unknown);
    assert_eq!(
        ex[0]["reason"],
        format!("project U: the agreement references enterprise {unknown}, which is not in enterprises.csv")
    );
    assert_eq!((ex[0]["reason_code"].as_str(), ex[1]["reason_code"].as_str()), ("enterprise_unknown", "id_invalid"));
    assert!(ex[1]["reason"].contains("fails the GB 32100 check digit"), "{:?}", ex[1]);
    assert_eq!(by_key(&out.path().join("projects.csv"), "project_id")["U"]["overall"], "pending");
    let manifest = std::fs::read_to_string(out.path().join("manifest.json")).unwrap();
    assert!(manifest.contains(r#""kind": "enterprises""#), "the enterprises file is accounted for:\n{manifest}");
    // Without an enterprises file there is nothing to check the id against.
    let d = folder(&[("projects.csv", projects), ("checks.csv", format!("{CHECKS}\n"))]);
    let ex = read_rows(&run(d.path(), &s1_rules(), "2025-06-30").path().join("exceptions.csv"));
    assert_eq!(ex.len(), 1);
    assert_eq!(ex[0]["line"], "4");
}

/// Bad rows never stop the run and are never dropped silently.
#[test]
fn bad_rows_become_exceptions_with_reasons() {
    let id = "91610921MA0005027T";
    let projects = [
        HEADER.to_string(),
        format!("G,{id},n,汉阴县,p,县域园区,X,15,亩,300,2022-01-01,2024-12-31,2027-12-31,abc,,,,,"),
        format!("H,{id},n,汉阴县,p,县域园区,X,-3,亩,300,2022-01-01,2024-12-31,2027-12-31,,,,,,"),
        format!("G,{id},n,汉阴县,p,县域园区,X,15,亩,300,2022-01-01,2024-12-31,2027-12-31,,,,,,"),
    ]
    .join("\n");
    let checks = [
        CHECKS,
        "G,竣工验收,2024-06-01,,1800,11000,4500,600,,,",
        "G,竣工验收,2024-12-01,,约300,11000,4500,600,,,",
        "H,竣工验收,2024-12-01,,2400,11000,4500,600,,,",
        "Z,竣工验收,2024-12-01,,2400,11000,4500,600,,,",
        "G,开工,2024-12-01,,2400,11000,4500,600,,,",
        "G,达产复核,2025-08-01,2024,,,,,150,1500,1000",
    ]
    .join("\n");
    let d = folder(&[("projects.csv", projects), ("checks.csv", checks)]);
    let out = run(d.path(), &s1_rules(), "2025-06-30");
    let ex = read_rows(&out.path().join("exceptions.csv"));
    let find = |file: &str, line: &str| {
        ex.iter()
            .find(|e| e["file"] == file && e["line"] == line)
            .unwrap_or_else(|| panic!("{file}:{line} in {ex:?}"))
            .clone()
    };
    let e = find("projects.csv", "2");
    assert_eq!(
        (e["column"].as_str(), e["action"].as_str()),
        ("agreed_invest_intensity", "row kept; tier default used if there is one")
    );
    assert_eq!(find("projects.csv", "3")["reason"], "project H: land_area -3 is not positive");
    assert_eq!(find("projects.csv", "4")["reason"], "project G: duplicate: project G is already at line 2");
    assert_eq!(find("checks.csv", "2")["reason"], "project G: superseded by the later check of 2024-12-01 at line 3");
    assert_eq!(find("checks.csv", "3")["action"], "row kept; value treated as missing");
    assert_eq!(find("checks.csv", "4")["reason"], "project H: the project's row in projects.csv (line 3) was excluded");
    assert_eq!(find("checks.csv", "5")["reason"], "project Z: project_id 'Z' is not in projects.csv");
    assert_eq!(find("checks.csv", "6")["reason"], "project G: stage '开工' is not one of 竣工验收, 达产复核");
    assert!(find("checks.csv", "7")["reason"].contains("after --as-of 2025-06-30"));
    // G is checked with the later row: investment blank ("约300") → no data → incomplete; the agreed value
    // "abc" fell back to the tier default 150.
    let rows = read_rows(&out.path().join("project_checks.csv"));
    let inv = rows.iter().find(|r| r["project_id"] == "G" && r["indicator_key"] == "invest_intensity").unwrap();
    assert_eq!(
        (inv["agreed"].as_str(), inv["band"].as_str(), inv["stage_status"].as_str()),
        ("150 (tier default)", "no data", "incomplete")
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("manifest.json")).unwrap()).unwrap();
    // projects: 3 read, 2 excluded; checks: 6 read, 5 excluded (line 3 kept with a warning)
    assert_eq!(manifest["inputs"][0]["excepted"], 2);
    assert_eq!(manifest["inputs"][1]["excepted"], 5);
    assert_eq!(manifest["rows"]["balanced"], true);
}

#[test]
fn rules_errors_name_the_key() {
    let bad = std::fs::read_to_string(s1_rules()).unwrap().replacen("direction = \"<=\"", "direction = \"=<\"", 1);
    let d = folder(&[("rules.toml", bad)]);
    let e = mujun::cli::read_rules(&d.path().join("rules.toml")).unwrap_err().to_string();
    assert!(e.contains("indicators[3] (office_share).direction") && e.contains("'=<'"), "{e}");
    let unknown = std::fs::read_to_string(s1_rules()).unwrap().replacen("tax / land_mu", "tax_paid / land_mu", 1);
    let d = folder(&[("rules.toml", unknown)]);
    let o = mujun()
        .args(["projects", "--data", &repo(S1).display().to_string(), "--rules"])
        .arg(d.path().join("rules.toml"))
        .args(["--as-of", "2025-06-30", "--out"])
        .arg(d.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("reads 'tax_paid'"));
}

/// The committed sample: valid ids, every status present, the library entry point the demo calls.
#[test]
fn sample_projects_run_through_the_library() {
    let data = repo("data/sample_projects");
    let out = tempfile::tempdir().unwrap();
    let args = mujun::cli::ProjectsArgs {
        data: data.clone(),
        rules: repo("data/methods/standard_land_default.toml"),
        as_of: "2025-06-30".into(),
        out: out.path().to_path_buf(),
        force: true,
    };
    let text = mujun::cli::projects(&args, &mujun::cli::Ctx::new(true, "mujun projects")).unwrap();
    assert!(
        text.contains("projects: 25 (take_back 1, terminate 1, idle 1, overdue 3, breach 5, liable 2, rectify 2, incomplete 1, pending 7, pass 2)"),
        "{text}"
    );
    assert!(!text.contains("not used"), "every file of the sample is read: {text}");
    for r in read_rows(&data.join("projects.csv")) {
        assert_eq!(mujun::ids::id_problem(&r["enterprise_id"]), None);
    }
    let got = by_key(&out.path().join("projects.csv"), "project_id");
    // AK-XY-12: 750 × (200 − 150) ÷ 200 = 187.5; (10 − 4) × 30 亩 × 1 = 180; sum 367.5 > cap 0.3 × 750 = 225
    assert_eq!(
        (got["AK-XY-12"]["liability"].as_str(), got["AK-XY-12"]["take_back_review"].as_str()),
        ("225.00", "yes")
    );
    // AK-SQ-06: 360 × 0.001 × 273 days (2024-09-30 → 2025-06-30) = 98.28
    assert_eq!(got["AK-SQ-06"]["liability"], "98.28");
    // The contract clauses of the default rules (1‰ per day; idle fee 20 % outside the 30 % cap):
    // AK-HY-21 not started by 2025-03-01 (2 years after 2023-03-01) → take-back, ended 2025-03-02; late
    // start 732 days × 400 × 0.001 = 292.8 → cap 120, + idle fee 80 = 200; its stages are ended.
    let status = |k: &str| (got[k]["overall"].as_str(), got[k]["liability"].as_str());
    assert_eq!(status("AK-HY-21"), ("take_back", "200.00"));
    // AK-SQ-22 第2期 150 unpaid since 2025-03-31: 91 days (> 60) → ends 2025-05-31: 150 × 0.001 × 61 = 9.15.
    assert_eq!(status("AK-SQ-22"), ("terminate", "9.15"));
    // AK-LG-23 agreed start 2024-02-29, started 2025-03-10: idle fee 240 × 0.2 = 48 (anniversary
    // 2025-02-28); late start 375 days × 240 × 0.001 = 90 → cap 72; 72 + 48 = 120.
    assert_eq!(status("AK-LG-23"), ("idle", "120.00"));
    // AK-ZP-24 paid 2024-10-10, due 2024-08-31: 40 days × 200 × 0.001 = 8; AK-ZY-25 completed 45 days
    // late: 300 × 0.001 × 45 = 13.5.
    assert_eq!(status("AK-ZP-24"), ("liable", "8.00"));
    assert_eq!(status("AK-ZY-25"), ("liable", "13.50"));
    // AK-ZY-08: tax shortfall (8 − 5) × 15 × 1 = 45, due 2025-04-25 + 30 = 2025-05-25, paid 2025-06-10:
    // 16 days × 45 × 0.001 = 0.72 → 45.72. AK-GX-15's rectification accepted 2025-04-15: pending.
    assert_eq!(status("AK-ZY-08"), ("breach", "45.72"));
    assert_eq!(status("AK-GX-15"), ("pending", "0.00"));
    let ex = read_rows(&out.path().join("exceptions.csv"));
    assert!(ex.iter().any(|e| e["reason"].contains("AK-SQ-17: the agreement references enterprise")));
    for f in [
        "project_checks.csv",
        "milestones.csv",
        "overdue.csv",
        "liabilities.csv",
        "by_park.csv",
        "by_county.csv",
        "projects.xlsx",
        "manifest.json",
    ] {
        assert!(out.path().join(f).is_file(), "{f}");
    }
}

/// `[derive] from_evaluation = true`: a 达产复核 past due without a check row is reviewed from the tax and
/// output files of the same folder (off by default: then the stage is overdue).
#[test]
fn review_derived_from_evaluation_data_when_switched_on() {
    let id = "91610921MA0005027T";
    let projects =
        format!("{HEADER}\nD1,{id},n,汉阴县,p,县域园区,X,15,亩,300,2022-01-01,2023-12-31,2024-12-31,,,,,,\n");
    let checks = format!("{CHECKS}\nD1,竣工验收,2023-12-01,,2400,11000,4500,600,,,\n");
    let q = |k: usize| format!("2024Q{k}");
    let tax: String = (1..=4).map(|k| format!("{id},{},{}\n", q(k), k * 10)).collect();
    let output: String = (1..=4).map(|k| format!("{id},{},1000,300,200,0,0,10\n", q(k))).collect();
    let files = [
        ("projects.csv", projects),
        ("checks.csv", checks),
        (
            "enterprises.csv",
            format!(
                "enterprise_id,name,county,park,industry,scale,established\n{id},甲,汉阴县,p,3099,规上,2020-01-01\n"
            ),
        ),
        ("land.csv", format!("enterprise_id,parcel_id,area,unit,tenure\n{id},X,15,亩,自有\n")),
        ("tax.csv", format!("enterprise_id,period,tax_paid\n{tax}")),
        (
            "output.csv",
            format!("enterprise_id,period,revenue,value_added,energy_tce,emissions,rd_expense,employees\n{output}"),
        ),
        ("rules.toml", std::fs::read_to_string(s1_rules()).unwrap() + "\n[derive]\nfrom_evaluation = true\n"),
    ];
    let d = folder(&files);
    let out = run(d.path(), &d.path().join("rules.toml"), "2025-06-30");
    let rows = read_rows(&out.path().join("project_checks.csv"));
    let tax_row = rows.iter().find(|r| r["indicator_key"] == "tax_per_mu").unwrap();
    // tax 10 + 20 + 30 + 40 = 100 → 100 ÷ 15 = 6.6667 → ÷ 8 = 0.8333 breach; VA 1200 ÷ 800 tce = 1.5 pass
    assert_eq!(
        (tax_row["actual"].as_str(), tax_row["attainment"].as_str(), tax_row["band"].as_str()),
        ("6.6667", "0.8333", "breach")
    );
    assert_eq!(tax_row["review_year"], "2024");
    assert!(tax_row["note"].starts_with("derived from tax.csv and output.csv for 2024"), "{}", tax_row["note"]);
    let p = by_key(&out.path().join("projects.csv"), "project_id");
    // (8 − 6.6667) × 15 亩 × 1 year = 20
    assert_eq!((p["D1"]["overall"].as_str(), p["D1"]["liability"].as_str()), ("breach", "20.00"));
    // Default rules: no derivation, the review is overdue (2024-12-31 → 2025-06-30 = 181 days).
    let out = run(d.path(), &s1_rules(), "2025-06-30");
    let p = by_key(&out.path().join("projects.csv"), "project_id");
    assert_eq!((p["D1"]["overall"].as_str(), p["D1"]["production_status"].as_str()), ("overdue", "overdue"));
}

/// docs/standard-land.md lists every header and file name the code accepts.
#[test]
fn doc_lists_every_alias() {
    use mujun::standard_land::columns;
    let doc = std::fs::read_to_string(repo("docs/standard-land.md")).unwrap();
    let format = std::fs::read_to_string(repo("docs/data-format.md")).unwrap();
    let cols = [columns::project_cols(&[]), columns::check_cols(), columns::payment_cols(), columns::event_cols()];
    for c in cols.iter().flatten() {
        assert!(doc.contains(&format!("`{}`", c.name)), "{}", c.name);
        for a in &c.aliases {
            assert!(doc.contains(a.as_str()), "docs/standard-land.md lacks the header {a} of {}", c.name);
        }
    }
    // data-format.md lists the milestone columns and the payments and events files too.
    for c in columns::project_cols(&[]).iter().skip(14).chain(&cols[2]).chain(&cols[3]) {
        assert!(format.contains(&format!("`{}`", c.name)), "data-format.md lacks {}", c.name);
        for a in &c.aliases {
            assert!(format.contains(a.as_str()), "docs/data-format.md lacks the header {a} of {}", c.name);
        }
    }
    use mujun::schema::FileKind;
    let stems = |k: FileKind| std::iter::once(k.stem()).chain(k.stem_aliases().iter().copied());
    for k in [FileKind::Projects, FileKind::Checks, FileKind::Payments, FileKind::ProjectEvents] {
        for s in stems(k) {
            assert!(doc.contains(&format!("`{s}`")) && format.contains(&format!("`{s}`")), "{s}");
        }
    }
    use mujun::standard_land::contract::EventKind;
    for k in EventKind::ALL {
        assert!(doc.contains(&format!("`{}`", k.key())) && doc.contains(k.zh()), "{}", k.key());
        for a in k.aliases() {
            assert!(doc.contains(a), "docs/standard-land.md lacks the event kind {a}");
        }
    }
    // Every rules key of a contract clause has its snippet.
    for key in
        ["[late_payment]", "[late_start]", "[idle]", "[contract_end]", "[[statuses]]", "interest = {", "cap_excludes"]
    {
        assert!(doc.contains(key), "docs/standard-land.md lacks {key}");
    }
}

/// S1 as XLSX (numbers as numbers, dates as Excel dates) and as GBK CSV gives byte-identical tables.
#[test]
fn s1_as_xlsx_and_gbk_gives_identical_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let (x, g) = (tmp.path().join("xlsx"), tmp.path().join("gbk"));
    for (dir, stem) in [(&x, "projects"), (&x, "checks"), (&g, "projects"), (&g, "checks")] {
        std::fs::create_dir_all(dir).unwrap();
        let src = repo(&format!("{S1}/{stem}.csv"));
        if dir == &g {
            let text = std::fs::read_to_string(&src).unwrap();
            let (bytes, _, bad) = encoding_rs::GBK.encode(&text);
            assert!(!bad);
            std::fs::write(dir.join(format!("{stem}.csv")), bytes).unwrap();
            continue;
        }
        let rows: Vec<Vec<String>> =
            std::fs::read_to_string(&src).unwrap().lines().map(|l| l.split(',').map(String::from).collect()).collect();
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        let date_fmt = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let numeric_column = !rows[0][c].ends_with("_id");
                let (r, c) = (r as u32, c as u16);
                if v.is_empty() {
                } else if r > 0 && v.len() == 10 && v.as_bytes()[4] == b'-' {
                    let d = rust_xlsxwriter::ExcelDateTime::parse_from_str(v).unwrap();
                    ws.write_datetime_with_format(r, c, &d, &date_fmt).unwrap();
                } else if let (true, Ok(n)) = (r > 0 && numeric_column, v.parse::<f64>()) {
                    ws.write_number(r, c, n).unwrap();
                } else {
                    ws.write_string(r, c, v).unwrap();
                }
            }
        }
        wb.save(dir.join(format!("{stem}.xlsx"))).unwrap();
    }
    let base = run(&repo(S1), &s1_rules(), "2025-06-30");
    for dir in [&x, &g] {
        let out = run(dir, &s1_rules(), "2025-06-30");
        for f in ["projects.csv", "project_checks.csv", "liabilities.csv", "by_county.csv", "exceptions.csv"] {
            let (a, b) = (std::fs::read(base.path().join(f)).unwrap(), std::fs::read(out.path().join(f)).unwrap());
            assert!(
                a == b,
                "{} {f} differs:\n{}\n---\n{}",
                dir.display(),
                String::from_utf8_lossy(&a),
                String::from_utf8_lossy(&b)
            );
        }
    }
}
