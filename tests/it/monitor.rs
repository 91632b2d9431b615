//! Quarterly monitoring by hand: 15 enterprises over 2023Q3..2025Q2, `mujun monitor --period 2025Q2
//! --against 2025Q1` (rolling four quarters), one firm per warning rule, one pool firm per case, and
//! county targets.
//!
//! Quarters by index: 0 = 2023Q3, 1 = 2023Q4, 2 = 2024Q1, 3 = 2024Q2, 4 = 2024Q3, 5 = 2024Q4, 6 = 2025Q1,
//! 7 = 2025Q2. Current period (2025Q2, rolling four) = 4..7; against (2025Q1) = 3..6; the same quarters
//! one year earlier (year-on-year base) = 0..3. Every firm has 10 亩 of its own land.
//!
//! Methodology: 规上 only, one indicator tax per mu against a fixed benchmark 10 with weight 100, so
//! total = 10 × tax per mu = Σ tax over the four quarters (land 10); classes by thresholds A ≥ 150,
//! B ≥ 100, C ≥ 60, else D. 规下 firms have no track (status no_track, class —).

use crate::common::*;
use std::path::Path;

struct Firm {
    name: &'static str,
    county: &'static str,
    scale: &'static str,
    revenue: [f64; 8],
    /// `None`: blank value added and energy.
    va: Option<f64>,
    energy: [f64; 8],
    tax: [f64; 8],
    /// Quarter indices with no output row and no tax row.
    gaps: &'static [usize],
}

const fn c(x: f64) -> [f64; 8] {
    [x; 8]
}

const HB: &str = "汉滨区";
const HY: &str = "汉阴县";

#[allow(clippy::too_many_arguments)]
fn f(
    name: &'static str,
    county: &'static str,
    scale: &'static str,
    revenue: [f64; 8],
    va: Option<f64>,
    energy: [f64; 8],
    tax: [f64; 8],
    gaps: &'static [usize],
) -> Firm {
    Firm { name, county, scale, revenue, va, energy, tax, gaps }
}

fn firms() -> Vec<Firm> {
    vec![
        // Steady: tax 200 in every period (A, 200.00), revenue, VA and energy flat: no warning.
        f("平稳厂", HB, "规上", c(1000.0), Some(300.0), c(60.0), c(50.0), &[]),
        // Year on year 200 → 140 (−30.00% exactly, not "more than 30%"); against 35 × 4 = 140: B both; no warning.
        f("临界厂", HB, "规上", c(1000.0), Some(300.0), c(60.0), [55.0, 55.0, 55.0, 35.0, 35.0, 35.0, 35.0, 35.0], &[]),
        // Year on year 20 → 13.6 per mu (−32%): tax_per_mu_drop. Against 35 + 3 × 34 = 137 → now 136: B both.
        f("税降厂", HB, "规上", c(1000.0), Some(300.0), c(60.0), [55.0, 55.0, 55.0, 35.0, 34.0, 34.0, 34.0, 34.0], &[]),
        // Revenue 1000 → 900 → 800 over 2024Q4, 2025Q1, 2025Q2: revenue_down.
        f(
            "营收连降厂",
            HB,
            "规上",
            [1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 900.0, 800.0],
            Some(300.0),
            c(60.0),
            c(50.0),
            &[],
        ),
        // Against 4 × 40 = 160 (A) → now 3 × 40 + 10 = 130 (B): down 30 > 10 points from A: predicted_cd.
        // Year on year 16 → 13 per mu is −18.75%: no tax warning.
        f("滑落厂", HB, "规上", c(1000.0), Some(300.0), c(60.0), [40.0, 40.0, 40.0, 40.0, 40.0, 40.0, 40.0, 10.0], &[]),
        // 4 × 12 = 48 (D) in both periods: no predicted_cd (a standing state), unless `standing = true`.
        f("D类厂", HB, "规上", c(1000.0), Some(300.0), c(60.0), c(12.0), &[]),
        // Energy 4 × 60 = 240 over VA 1200 = 0.2 tce/万元 → 4 × 75 = 300 over 1200 = 0.25 (+25% > 20%).
        f(
            "能耗升厂",
            HY,
            "规上",
            c(1000.0),
            Some(300.0),
            [60.0, 60.0, 60.0, 60.0, 75.0, 75.0, 75.0, 75.0],
            c(50.0),
            &[],
        ),
        // No output and no tax row for 2025Q2: no_report. 规下 with no track; R4 = 300 is below the pool.
        f("未报厂", HY, "规下", c(100.0), Some(30.0), c(6.0), c(5.0), &[7]),
        // Nothing for 2024Q4 (in both periods): skip sums three quarters, 150 (A) in both; no warning.
        f("缺季厂", HY, "规上", c(1000.0), Some(300.0), c(60.0), c(50.0), &[5]),
        // Pool firms (规下, revenue only).
        f("培育厂", HY, "规下", [300.0, 300.0, 300.0, 300.0, 375.0, 375.0, 375.0, 375.0], None, c(0.0), c(5.0), &[]),
        f("停滞厂", HY, "规下", c(300.0), None, c(0.0), c(5.0), &[]),
        f("预计厂", HY, "规下", [150.0, 150.0, 150.0, 150.0, 50.0, 50.0, 400.0, 400.0], None, c(0.0), c(5.0), &[]),
        f("达规厂", HY, "规下", [500.0, 500.0, 500.0, 500.0, 600.0, 600.0, 600.0, 600.0], None, c(0.0), c(5.0), &[]),
        // Below the pool; tax 0 until 2025Q2 (5): tax change +5 with an empty change % (base 0).
        f("小微厂", HY, "规下", c(100.0), None, c(0.0), [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 5.0], &[]),
        // 2024 revenue 4 × 600 = 2400 ≥ 2000, now 600 + 600 + 300 + 300 = 1800 < 2000: return support.
        f("规转下厂", HY, "规下", [600.0, 600.0, 600.0, 600.0, 600.0, 600.0, 300.0, 300.0], None, c(0.0), c(5.0), &[]),
    ]
}

const QUARTERS: [&str; 8] = ["2023Q3", "2023Q4", "2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2"];

const METHOD: &str = r#"
[scheme]
name = "monitor_fixture"
[[tracks]]
name = "规上"
select = "scale == '规上'"
[[tracks.indicators]]
key = "tax_per_mu"
zh = "亩均税收"
num = "tax"
den = "land"
weight = 100
benchmark = 10
[tracks.classes]
method = "thresholds"
thresholds = [150, 100, 60]
"#;

const TARGETS: &str = "county,year,revenue,tax\n汉滨区,2025,20000,1000\n汉阴县,2025,16000,\n汉滨区,2024,1,1\n";

fn id(n: usize, county: &str) -> String {
    let code = if county == HB { "91610902" } else { "91610921" };
    mujun::ids::with_check(&format!("{code}MA007{n:04}")).unwrap()
}

fn write(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let (mut ent, mut land) = (
        String::from("enterprise_id,name,county,park,industry,scale,established,tags\n"),
        String::from("enterprise_id,parcel_id,area,unit,tenure\n"),
    );
    let mut out = String::from("enterprise_id,period,revenue,value_added,energy_tce,emissions,rd_expense,employees\n");
    let mut tax = String::from("enterprise_id,period,tax_paid\n");
    for (n, f) in firms().iter().enumerate() {
        let id = id(n, f.county);
        let park = f.county.trim_end_matches(['区', '县']);
        ent.push_str(&format!("{id},{},{},{park}园,3442,{},2010-01-01,\n", f.name, f.county, f.scale));
        land.push_str(&format!("{id},P{n},10,亩,自有\n"));
        for (k, q) in QUARTERS.iter().enumerate().filter(|(k, _)| !f.gaps.contains(k)) {
            let (va, en) = match f.va {
                Some(v) => (v.to_string(), f.energy[k].to_string()),
                None => (String::new(), String::new()),
            };
            out.push_str(&format!("{id},{q},{},{va},{en},,,\n", f.revenue[k]));
            tax.push_str(&format!("{id},{q},{}\n", f.tax[k]));
        }
    }
    for (name, text) in [("enterprises.csv", ent), ("land.csv", land), ("output.csv", out), ("tax.csv", tax)] {
        std::fs::write(dir.join(name), text).unwrap();
    }
    std::fs::write(dir.join("targets.csv"), TARGETS).unwrap();
}

/// Runs `mujun monitor` on the fixture (written into `tmp` on first use) with extra arguments into
/// `tmp/<out>`; returns the output folder.
pub(crate) fn monitor(tmp: &Path, out: &str, extra: &[&str]) -> std::path::PathBuf {
    let data = tmp.join("data");
    if !data.is_dir() {
        write(&data);
    }
    std::fs::write(tmp.join("m.toml"), METHOD).unwrap();
    let out = tmp.join(out);
    let o = mujun()
        .args(["--quiet", "monitor", "--period", "2025Q2", "--against", "2025Q1", "--data"])
        .arg(&data)
        .arg("--method")
        .arg(tmp.join("m.toml"))
        .arg("--out")
        .arg(&out)
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "mujun monitor failed: {}", String::from_utf8_lossy(&o.stderr));
    out
}

#[test]
fn warnings_migration_pool_and_targets_by_hand() {
    let tmp = tempfile::tempdir().unwrap();
    let targets = tmp.path().join("data/targets.csv");
    write(&tmp.path().join("data"));
    let out = monitor(tmp.path(), "out", &["--targets", targets.to_str().unwrap()]);

    // Warnings: exactly one row per rule firm, none for the others (D类厂 was in D already), worst first:
    // the fall from A, then the tax drop, revenue, energy, the missing report.
    let w = read_rows(&out.join("warnings.csv"));
    let got: Vec<(&str, &str, &str)> =
        w.iter().map(|r| (r["rank"].as_str(), r["name"].as_str(), r["rule"].as_str())).collect();
    assert_eq!(
        got,
        [
            ("1", "滑落厂", "predicted_cd"),
            ("2", "税降厂", "tax_per_mu_drop"),
            ("3", "营收连降厂", "revenue_down"),
            ("4", "能耗升厂", "energy_intensity_rise"),
            ("5", "未报厂", "no_report"),
        ]
    );
    let cols = ["before", "after", "change_pct", "threshold"];
    // Totals 160.00 (A) → 130.00 (B): (130 − 160) ÷ 160 = −18.75%; threshold 10 points.
    assert_eq!(cells(&w[0], &cols), ["160.0000", "130.0000", "-18.75", "10.00"]);
    assert_eq!(w[0]["detail"], "2025Q1 A 160.00 → 2025Q2 B 130.00");
    // 200 ÷ 10 = 20 → 136 ÷ 10 = 13.6 per mu: (13.6 − 20) ÷ 20 = −32%.
    assert_eq!(cells(&w[1], &cols), ["20.0000", "13.6000", "-32.00", "30.00"]);
    // 1000 → 800 over two falls: −20%; threshold 2 quarters.
    assert_eq!(cells(&w[2], &cols), ["1000.0000", "800.0000", "-20.00", "2.00"]);
    assert_eq!(w[2]["detail"], "2024Q4 1000 → 2025Q1 900 → 2025Q2 800");
    // 240 ÷ 1200 = 0.2 → 300 ÷ 1200 = 0.25 tce/万元: +25%.
    assert_eq!(cells(&w[3], &cols), ["0.2000", "0.2500", "25.00", "20.00"]);
    assert_eq!(w[4]["detail"], "no output row, no tax row for 2025Q2");
    // Per county, most first: 汉滨区 滑落厂, 税降厂, 营收连降厂 (3); 汉阴县 能耗升厂, 未报厂 (2); the city 5.
    let bc = read_rows(&out.join("warnings_by_county.csv"));
    let rows: Vec<Vec<&str>> =
        bc.iter().map(|r| cells(r, &["county", "warnings", "predicted_cd", "tax_per_mu_drop", "no_report"])).collect();
    assert_eq!(
        rows,
        [vec!["汉滨区", "3", "1", "1", "0"], vec!["汉阴县", "2", "0", "0", "1"], vec!["全市 city", "5", "1", "1", "1"]]
    );

    // Enterprise comparison.
    let e = by_key(&out.join("monitor_enterprises.csv"), "name");
    let t = &e["税降厂"];
    // Against 35 + 34 × 3 = 137 → 13.7 per mu; now 13.6: −0.1, −0.1 ÷ 13.7 = −0.73%.
    assert_eq!(
        cells(t, &["tax_per_mu_cur", "tax_per_mu_base", "tax_per_mu_change", "tax_per_mu_change_pct"]),
        ["13.6000", "13.7000", "-0.1000", "-0.73"]
    );
    assert_eq!(
        cells(t, &["total_cur", "total_base", "total_change", "class_cur", "class_base", "class_move", "warnings"]),
        ["136.00", "137.00", "-1.00", "B", "B", "", "tax_per_mu_drop"]
    );
    assert_eq!(cells(&e["滑落厂"], &["class_move", "warnings"]), ["A→B", "predicted_cd"]);
    // Skip: three quarters summed, the missing one listed in both periods.
    let g = &e["缺季厂"];
    assert_eq!(
        cells(
            g,
            &["missing_quarters_cur", "missing_quarters_base", "tax_cur", "total_cur", "class_cur", "treated_cur"]
        ),
        ["2024Q4", "2024Q4", "150.0000", "150.00", "A", ""]
    );
    // Base 0: the change is there, the change % is empty.
    assert_eq!(
        cells(&e["小微厂"], &["tax_cur", "tax_base", "tax_change", "tax_change_pct", "status_cur"]),
        ["5.0000", "0.0000", "5.0000", "", "no_track"]
    );
    for quiet in ["平稳厂", "临界厂", "缺季厂", "培育厂", "停滞厂", "预计厂", "达规厂", "小微厂", "规转下厂"]
    {
        assert_eq!(e[quiet]["warnings"], "", "{quiet}");
    }

    // Counties: ratios of sums over the firms in the evaluation (规上 here), same firms in both periods.
    let k = by_key(&out.join("monitor_county.csv"), "county");
    // 汉滨区 now: 200 + 140 + 136 + 200 + 130 + 48 = 854 over 60 亩 = 14.2333; against: 200 + 140 + 137 + 200
    // + 160 + 48 = 885 → 14.75; change −31 ÷ 60 = −0.5167, (854 − 885) ÷ 885 = −3.50%.
    assert_eq!(
        cells(
            &k["汉滨区"],
            &["enterprises", "tax_per_mu_cur", "tax_per_mu_base", "tax_per_mu_change", "tax_per_mu_change_pct"]
        ),
        ["6", "14.2333", "14.7500", "-0.5167", "-3.50"]
    );
    assert_eq!(
        cells(&k["汉滨区"], &["class_A_cur", "class_A_base", "class_B_cur", "class_B_base", "class_D_cur"]),
        ["2", "3", "3", "2", "1"]
    );
    // 汉阴县 members: 能耗升厂 and 缺季厂. Energy per VA now (300 + 180) ÷ (1200 + 900) = 0.2286; against
    // (60 + 3 × 75 + 180) ÷ 2100 = 465 ÷ 2100 = 0.2214; (480 − 465) ÷ 465 = +3.23%.
    assert_eq!(
        cells(
            &k["汉阴县"],
            &["enterprises", "missing_quarters", "energy_per_va_cur", "energy_per_va_base", "energy_per_va_change_pct"]
        ),
        ["2", "1", "0.2286", "0.2214", "3.23"]
    );
    // City: (854 + 350) ÷ 80 = 15.05.
    assert_eq!(k["全市 city"]["tax_per_mu_cur"], "15.0500");

    // Migration (rows: 2025Q1 class, columns: 2025Q2 class): A→A 平稳, 营收连降, 能耗升, 缺季; A→B 滑落;
    // B→B 临界, 税降; D→D; — → — the seven 规下 firms.
    let m = by_key(&out.join("migration.csv"), "class_base");
    assert_eq!(cells(&m["A"], &["to_A", "to_B", "total"]), ["4", "1", "5"]);
    assert_eq!(cells(&m["B"], &["to_B", "total"]), ["2", "2"]);
    assert_eq!((m["D"]["to_D"].as_str(), m["—"]["to_—"].as_str()), ("1", "7"));

    // Pool, rolling-four revenue descending. Growth = R4 ÷ R4 a year earlier − 1; quarters to 2000 =
    // ⌈4 · ln(2000 ÷ R4) ÷ ln(1 + g)⌉; projection = (2025Q1 + 2025Q2) × 4 ÷ 2.
    let p = read_rows(&out.join("pool.csv"));
    let pc = ["name", "status", "revenue_r4", "revenue_r4_prior", "growth_pct", "projection", "quarters_to_threshold"];
    let rows: Vec<Vec<&str>> = p.iter().map(|r| cells(r, &pc)).collect();
    assert_eq!(
        rows,
        [
            // 2400 ≥ 2000: reached; 2400 ÷ 2000 − 1 = 20%.
            vec!["达规厂", "reached", "2400.00", "2000.00", "20.00", "2400.00", "0"],
            // 1800 in [1000, 2000); 1800 ÷ 2400 − 1 = −25%: not growing.
            vec!["规转下厂", "pool", "1800.00", "2400.00", "-25.00", "1200.00", "—"],
            // 1500 ÷ 1200 − 1 = 25%: 4 × ln(1.3333) ÷ ln(1.25) = 4 × 0.28768 ÷ 0.22314 = 5.16 → 6.
            vec!["培育厂", "pool", "1500.00", "1200.00", "25.00", "1500.00", "6"],
            vec!["停滞厂", "pool", "1200.00", "1200.00", "0.00", "1200.00", "—"],
            // R4 900 < 1000 but projection 800 × 2 = 1600 ≥ 1500; 900 ÷ 600 − 1 = 50%:
            // 4 × ln(2.2222) ÷ ln(1.5) = 4 × 0.79851 ÷ 0.40547 = 7.88 → 8.
            vec!["预计厂", "pool", "900.00", "600.00", "50.00", "1600.00", "8"],
        ]
    );
    assert!(p[1]["return_support"].contains("2400"), "{}", p[1]["return_support"]);
    assert!(p.iter().filter(|r| r["name"] != "规转下厂").all(|r| r["return_support"].is_empty()));

    // Targets for 2025 (the 2024 row is ignored; 汉阴县 has no tax target). Elapsed 2 ÷ 4 = 50%.
    // 汉滨区 revenue 2025Q1 + Q2: 5 × 2000 + 900 + 800 = 11700 ÷ 20000 = 58.5%; tax 100 + 70 + 68 + 100 + 50
    // + 24 = 412 ÷ 1000 = 41.2%; 汉阴县 revenue 2000 + 100 + 2000 + 750 + 600 + 800 + 1200 + 200 + 600 = 8250
    // ÷ 16000 = 51.5625%.
    let tg = read_rows(&out.join("targets.csv"));
    let tc = ["county", "measure", "ytd_actual", "completion_pct", "elapsed_pct", "gap_pts", "status"];
    let rows: Vec<Vec<&str>> = tg.iter().map(|r| cells(r, &tc)).collect();
    assert_eq!(
        rows,
        [
            vec!["汉滨区", "revenue", "11700.00", "58.50", "50.00", "8.50", "on_track"],
            vec!["汉滨区", "tax", "412.00", "41.20", "50.00", "-8.80", "behind"],
            vec!["汉阴县", "revenue", "8250.00", "51.56", "50.00", "1.56", "on_track"],
        ]
    );

    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["warnings"]["predicted_cd"], 1);
    assert_eq!(manifest["pool"]["pool"], 4);
    assert!(
        out.join("monitor.xlsx").is_file()
            && out.join("monitor_park.csv").is_file()
            && out.join("monitor_industry.csv").is_file()
    );
}

#[test]
fn missing_quarter_treatments_and_scale_history() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("prorate.toml"), "[missing_quarters]\ntreatment = \"prorate\"\n").unwrap();
    std::fs::write(tmp.path().join("unclassed.toml"), "[missing_quarters]\ntreatment = \"unclassed\"\n").unwrap();
    let rules = |name: &str| tmp.path().join(name).to_str().unwrap().to_string();

    // Prorate: 缺季厂 3 × 50 = 150 tax × 4 ÷ 3 = 200 (A, 200.00); revenue 3000 × 4 ÷ 3 = 4000.
    let out = monitor(tmp.path(), "prorate", &["--rules", &rules("prorate.toml")]);
    let e = by_key(&out.join("monitor_enterprises.csv"), "name");
    let g = &e["缺季厂"];
    assert_eq!(
        cells(g, &["tax_cur", "revenue_cur", "total_cur", "class_cur", "missing_quarters_cur"]),
        ["200.0000", "4000.0000", "200.00", "A", "2024Q4"]
    );
    assert_eq!(g["treated_cur"], "output × 4/3, tax × 4/3");
    // 未报厂 (规下, no track): tax 3 × 5 × 4 ÷ 3 = 20; it still has no 2025Q2 row, so no_report still fires.
    assert_eq!(e["未报厂"]["tax_cur"], "20.0000");
    assert_eq!(e["未报厂"]["warnings"], "no_report");

    // Unclassed: 缺季厂 goes to T in both periods; the migration matrix shows it on T → T.
    let out = monitor(tmp.path(), "unclassed", &["--rules", &rules("unclassed.toml")]);
    let e = by_key(&out.join("monitor_enterprises.csv"), "name");
    assert_eq!(
        cells(&e["缺季厂"], &["status_cur", "class_cur", "class_base", "total_cur"]),
        ["undetermined", "T", "T", ""]
    );
    let m = by_key(&out.join("migration.csv"), "class_base");
    assert_eq!((m["A"]["to_A"].as_str(), m["T"]["to_T"].as_str()), ("3", "1"));

    // A scale-history file decides return support instead of revenue: 小微厂 was 规上 in 2024 (listed with
    // status return_support although below the pool); 规转下厂 has no history row, so it is not flagged.
    let data = tmp.path().join("data");
    std::fs::write(
        data.join("scale_history.csv"),
        format!("enterprise_id,year,scale\n{},2024,规上\n{},2025,规下\n", id(13, HY), id(13, HY)),
    )
    .unwrap();
    let out = monitor(tmp.path(), "history", &["--basis", "rolling4"]);
    let p = by_key(&out.join("pool.csv"), "name");
    assert_eq!(cells(&p["小微厂"], &["status", "revenue_r4"]), ["return_support", "400.00"]);
    assert!(p["小微厂"]["return_support"].contains("2024"), "{}", p["小微厂"]["return_support"]);
    assert_eq!(p["规转下厂"]["return_support"], "");
}

#[test]
fn bad_rules_and_periods_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    write(&tmp.path().join("data"));
    std::fs::write(tmp.path().join("m.toml"), METHOD).unwrap();
    std::fs::write(tmp.path().join("bad.toml"), "[warnings.tax_per_mu_drop]\npercent = 30\n").unwrap();
    let run = |extra: &[&str]| {
        mujun()
            .args(["monitor", "--period", "2025Q2", "--data"])
            .arg(tmp.path().join("data"))
            .arg("--method")
            .arg(tmp.path().join("m.toml"))
            .arg("--out")
            .arg(tmp.path().join("out"))
            .args(extra)
            .output()
            .unwrap()
    };
    let o = run(&["--against", "2025Q1", "--rules", tmp.path().join("bad.toml").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("percent"), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run(&["--against", "2025Q2"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("the period itself"));
}

#[test]
fn library_call_as_the_demo_makes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    write(&data);
    let method = tmp.path().join("m.toml");
    std::fs::write(&method, METHOD).unwrap();
    let mut args = mujun::cli::MonitorArgs::new(&data, &method, "2025Q2", "2025Q1", tmp.path().join("out"));
    args.targets = Some(data.join("targets.csv"));
    let summary = mujun::cli::monitor(&args, &mujun::cli::Ctx::new(true, "mujun monitor")).unwrap();
    // 5 warnings (see above); pool 4 + reached 1; targets: 汉滨区 tax is behind.
    assert!(summary.contains("warnings: 5 ("), "{summary}");
    assert!(summary.contains("升规 pool: 5 listed (pool 4, reached 1); return support: 1"), "{summary}");
    assert!(summary.contains("targets: 3 rows, 1 behind"), "{summary}");
}

/// `standing = true` warns for every firm in C or D now, also when it was there already: D类厂, in D in
/// both periods (4 × 12 = 48), then warns too, after 滑落厂 (the fall of 30 points comes first).
#[test]
fn standing_predicted_cd_lists_firms_that_stay_in_d() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules.toml");
    std::fs::write(&rules, "[warnings.predicted_cd]\nstanding = true\n").unwrap();
    let out = monitor(tmp.path(), "out", &["--rules", rules.to_str().unwrap()]);
    let w = read_rows(&out.join("warnings.csv"));
    let cd: Vec<&str> = w.iter().filter(|r| r["rule"] == "predicted_cd").map(|r| r["name"].as_str()).collect();
    assert_eq!(cd, ["滑落厂", "D类厂"]);
    assert!(w[1]["words"].contains("class D in 2025Q2"), "{}", w[1]["words"]);
}
