//! Enterprise cards (企业画像, issue 24 item 5): "what it would take to move up one class", computed by
//! hand for hand-built firms under a score-line rule and under quotas, and the card of a demo firm as a PDF.

use crate::common::*;
use std::collections::HashMap;
use std::path::Path;

/// One 规上 firm per (name, 亩, tax, value added, energy tce) for 2024, every figure spread evenly over the
/// four quarters (quarters of 37.5, 62.5 … are exact in binary, so are their sums). The ids are numbered
/// in the order given.
fn write_firms(dir: &Path, firms: &[(&str, f64, f64, f64, f64)]) -> Vec<String> {
    std::fs::create_dir_all(dir).unwrap();
    let mut ent = String::from("enterprise_id,name,county,park,industry,scale\n");
    let mut land = String::from("enterprise_id,parcel_id,area,unit,tenure\n");
    let mut out = String::from("enterprise_id,period,revenue,value_added,energy_tce\n");
    let mut tax = String::from("enterprise_id,period,tax_paid\n");
    let mut ids = Vec::new();
    for (k, (name, mu, t, va, e)) in firms.iter().enumerate() {
        let id = mujun::ids::with_check(&format!("91610902MA{:07}", k + 1)).unwrap();
        ent.push_str(&format!("{id},{name},汉滨区,园一,3442,规上\n"));
        land.push_str(&format!("{id},P{k},{mu},亩,自有\n"));
        for q in 1..=4 {
            out.push_str(&format!("{id},2024Q{q},1000,{},{}\n", va / 4.0, e / 4.0));
            tax.push_str(&format!("{id},2024Q{q},{}\n", t / 4.0));
        }
        ids.push(id);
    }
    // Earlier classes of the first firm, for the methodologies that name the file.
    let history = format!("enterprise_id,year,class\n{0},2022,C\n{0},2023,B\n", ids[0]);
    let files =
        [("enterprises.csv", ent), ("land.csv", land), ("output.csv", out), ("tax.csv", tax), ("history.csv", history)];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    ids
}

/// Fixed benchmarks, points = value ÷ benchmark × weight capped at 1.2 × weight, classes by score lines
/// A ≥ 80, B ≥ 60, C ≥ 40, else D.
const LINES: &str = r#"
[scheme]
name = "card_lines"
title = "画像测试"
[policies]
history_file = "history.csv"
[[tracks]]
name = "规上"
[tracks.points]
method = "ratio"
cap_times_weight = 1.2
[[tracks.indicators]]
key = "tax_per_mu"
zh = "亩均税收"
num = "tax"
den = "land"
unit = "万元/亩"
weight = 40
benchmark = 20
[[tracks.indicators]]
key = "va_per_mu"
zh = "亩均增加值"
num = "value_added"
den = "land"
unit = "万元/亩"
weight = 20
benchmark = 50
[[tracks.indicators]]
key = "va_per_tce"
zh = "单位能耗增加值"
num = "value_added"
den = "energy_tce"
unit = "万元/吨标煤"
weight = 40
benchmark = 2
[tracks.classes]
method = "thresholds"
thresholds = [80, 60, 40]
"#;

/// Runs `mujun card` for one firm into `out` and returns the rows of the .csv beside the PDF by indicator.
fn card_rows(run: &Path, id: &str, out: &Path) -> HashMap<String, HashMap<String, String>> {
    let o = mujun().args(["--quiet", "card", "--run"]).arg(run).arg(id).arg("--out").arg(out).output().unwrap();
    assert!(o.status.success(), "mujun card failed: {}", String::from_utf8_lossy(&o.stderr));
    by_key(&out.with_extension("csv"), "indicator")
}

fn evaluated(tmp: &Path, firms: &[(&str, f64, f64, f64, f64)], method: &str) -> (std::path::PathBuf, Vec<String>) {
    let data = tmp.join("data");
    let ids = write_firms(&data, firms);
    let m = tmp.join("m.toml");
    std::fs::write(&m, method).unwrap();
    let run = tmp.join("run");
    evaluate(&data, &m, "2024", &run);
    (run, ids)
}

#[test]
fn what_it_takes_under_score_lines_by_hand() {
    let tmp = tempfile::tempdir().unwrap();
    // X: 10 亩, tax 150, value added 400, energy 250 tce.
    //   亩均税收 15 → 15 ÷ 20 × 40 = 30; 亩均增加值 40 → 40 ÷ 50 × 20 = 16; 单位能耗增加值 1.6 → 1.6 ÷ 2 × 40 = 32;
    //   total 78 → B. A needs 80 (+2).
    // Y: 10 亩, tax 250, value added 250, energy 250.
    //   亩均税收 25 → 50, capped at 1.2 × 40 = 48; 亩均增加值 25 → 10; 单位能耗增加值 1 → 20; total 78 → B.
    let firms = [("X", 10.0, 150.0, 400.0, 250.0), ("Y", 10.0, 250.0, 250.0, 250.0)];
    let (run, ids) = evaluated(tmp.path(), &firms, LINES);
    let cols = ["lever_key", "current", "change", "new_total", "new_class", "target_class", "target_total"];

    let x = card_rows(&run, &ids[0], &tmp.path().join("x.pdf"));
    // Tax: 30 + 2 = 32 points → tax per mu 32 ÷ 40 × 20 = 16 → tax 160: +10.0 万元 (at +9.9: 31.98 → 79.98, B).
    assert_eq!(cells(&x["tax_per_mu"], &cols), ["tax", "150", "10", "80.00", "A", "A", "80.00"]);
    // Value added moves both of its indicators: va ÷ 10 ÷ 50 × 20 + va ÷ 250 ÷ 2 × 40 = 0.12 va (48 now);
    //   50 needs va ≥ 416.67: 416.7 gives 50.004 → 80.00 (416.6: 49.992 → 79.99): +16.7 万元.
    assert_eq!(cells(&x["va_per_mu"], &cols), ["value_added", "400", "16.7", "80.00", "A", "A", "80.00"]);
    // 单位能耗增加值 moves by energy (value added is read by two indicators, energy by this one only):
    //   400 ÷ E ÷ 2 × 40 = 8000 ÷ E ≥ 34 → E ≤ 235.29: 235 tce gives 34.04 → 80.04 (236: 33.90 → 79.90): −15 tce.
    assert_eq!(cells(&x["va_per_tce"], &cols), ["energy_tce", "250", "-15", "80.04", "A", "A", "80.00"]);
    assert!(x["va_per_mu"]["words"].contains("工业增加值 +16.7 万元 (400 → 416.7)"), "{:?}", x["va_per_mu"]);

    let y = card_rows(&run, &ids[1], &tmp.path().join("y.pdf"));
    // Tax is at its cap (48): no tax lifts Y; the best it reaches alone is its own 78.
    assert_eq!(cells(&y["tax_per_mu"], &["change", "best_total"]), ["", "78.00"]);
    assert!(y["tax_per_mu"]["words"].contains("已达上限 48 分"), "{:?}", y["tax_per_mu"]);
    // Value added: 0.12 va = 30 now, 32 needs va ≥ 266.67 → 266.7 (32.004 → 80.00; 266.6: 79.99): +16.7.
    assert_eq!(cells(&y["va_per_mu"], &["change", "new_total"]), ["16.7", "80.00"]);
    // Energy: 250 ÷ E ÷ 2 × 40 = 5000 ÷ E ≥ 22 → E ≤ 227.27: 227 gives 22.03 → 80.03 (228: 79.93): −23 tce.
    assert_eq!(cells(&y["va_per_tce"], &["change", "new_total"]), ["-23", "80.03"]);

    // The JSON beside the PDF holds the whole card: benchmarks held, ranks, the rule in words.
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(tmp.path().join("x.json")).unwrap()).unwrap();
    let card = &json[0];
    assert_eq!((card["total"].as_str(), card["class"].as_str()), (Some("78.00"), Some("B")));
    assert_eq!(card["indicators"][0]["benchmark"].as_f64(), Some(20.0));
    assert!(card["takes"]["rule"].as_str().unwrap().contains("分数线"), "{}", card["takes"]["rule"]);
    assert!(card["takes"]["assumptions"].to_string().contains("固定值"), "{}", card["takes"]["assumptions"]);
    let history: Vec<String> = card["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| format!("{} {}", h["label"], h["text"]).replace('"', ""))
        .collect();
    assert_eq!(history, ["2022年 C", "2023年 B", "2024 (本期) B"]);
}

/// One indicator, points = tax per mu ÷ 10 × 100 (no cap); A 20 %, B to 60 %, C to 95 % of the county's
/// places (position shares): of 5 firms, place 1 A, 2–3 B, 4 C, 5 D.
const QUOTAS: &str = r#"
[scheme]
name = "card_quotas"
[[tracks]]
name = "规上"
[[tracks.indicators]]
key = "tax_per_mu"
zh = "亩均税收"
num = "tax"
den = "land"
unit = "万元/亩"
weight = 100
benchmark = 10
[tracks.classes]
method = "position_share"
cum_pcts = [20, 60, 95]
group = "county"
"#;

/// A firm name that would be markup if it were pasted into the template.
const Q4: &str = "#pagebreak() *Q4* [w] @ref <lab> _z_";

#[test]
fn what_it_takes_under_quotas_by_hand() {
    let tmp = tempfile::tempdir().unwrap();
    // 10 亩 each, tax 90, 80, 70, 60, 50 → totals 90, 80, 70, 60, 50 → A B B C D; ids ascending in that order.
    let firms: Vec<(&str, f64, f64, f64, f64)> = [("Q1", 90.0), ("Q2", 80.0), ("Q3", 70.0), (Q4, 60.0), ("Q5", 50.0)]
        .iter()
        .map(|&(n, t)| (n, 10.0, t, 100.0, 10.0))
        .collect();
    let (run, ids) = evaluated(tmp.path(), &firms, QUOTAS);
    let cols = ["class", "target_class", "target_total", "change", "new_total", "new_class"];
    // Q4 (C) must pass Q3, the last B (70.00): at 70.00 the tie goes to the smaller id, Q3's, so Q4 needs
    // 70.01 at least; in steps of 0.1 万元, tax 70.1 → 7.01 ÷ 10 × 100 = 70.10: +10.1 万元, and Q3 drops to C.
    let q4 = card_rows(&run, &ids[3], &tmp.path().join("q4.pdf"));
    assert_eq!(cells(&q4["tax_per_mu"], &cols), ["C", "B", "70.01", "10.1", "70.10", "B"]);
    // Q5 (D) must pass Q4, the only C (60.00): the same +10.1 万元 to 60.1.
    // Q4's name is typst markup; it prints as written, on the card's one page.
    let text = pdftotext(&tmp.path().join("q4.pdf"));
    assert!(text.contains(Q4) && text.matches('\u{c}').count() == 1, "{text}");
    let q5 = card_rows(&run, &ids[4], &tmp.path().join("q5.pdf"));
    assert_eq!(cells(&q5["tax_per_mu"], &cols), ["D", "C", "60.01", "10.1", "60.10", "C"]);
    // Q1 is A already: one row saying so.
    let q1 = card_rows(&run, &ids[0], &tmp.path().join("q1.pdf"));
    assert!(q1[""]["words"].contains("已是最高等级"), "{:?}", q1);
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(tmp.path().join("q4.json")).unwrap()).unwrap();
    let rule = json[0]["takes"]["rule"].as_str().unwrap();
    assert!(rule.contains("名额") && rule.contains("70.00") && rule.contains("70.01"), "{rule}");
    let assumptions = json[0]["takes"]["assumptions"].to_string();
    assert!(assumptions.contains("末位企业随之降级"), "{assumptions}");
}

#[test]
fn a_run_whose_inputs_changed_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (run, ids) = evaluated(tmp.path(), &[("X", 10.0, 150.0, 400.0, 250.0)], LINES);
    let tax = tmp.path().join("data/tax.csv");
    let text = std::fs::read_to_string(&tax).unwrap();
    std::fs::write(&tax, text.replace("37.5", "38.5")).unwrap();
    let o = mujun().args(["card", "--run"]).arg(&run).arg(&ids[0]).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("tax.csv changed since the run"), "{err}");
}

fn pdftotext(pdf: &Path) -> String {
    let o = std::process::Command::new("pdftotext").arg(pdf).arg("-").output().expect("pdftotext (poppler-utils)");
    assert!(o.status.success(), "pdftotext {}", pdf.display());
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_card_of_a_demo_firm_is_a_chinese_pdf() {
    let tmp = tempfile::tempdir().unwrap();
    let o = mujun().args(["--quiet", "demo"]).current_dir(tmp.path()).output().unwrap();
    assert!(o.status.success(), "demo failed: {}", String::from_utf8_lossy(&o.stderr));
    let run = tmp.path().join("reports/demo");
    // A graded firm below A in 汉滨区: its card, and the county's cards.
    let rows = read_rows(&run.join("enterprises.csv"));
    let firm = rows.iter().find(|r| r["county"] == "汉滨区" && r["class"] == "B").expect("a B firm in 汉滨区");
    let o = mujun()
        .args(["--quiet", "card", "--run", "reports/demo"])
        .arg(&firm["enterprise_id"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "card failed: {}", String::from_utf8_lossy(&o.stderr));
    let pdf = run.join("cards").join(format!("{}.pdf", firm["enterprise_id"]));
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let text = squeeze(&pdftotext(&pdf));
    for must in [firm["name"].as_str(), "亩均税收", "升级测算", "升至A类", &firm["total"], "测算假设"] {
        assert!(text.contains(&squeeze(must)), "card PDF lacks {must}");
    }
    let moves = by_key(&pdf.with_extension("csv"), "indicator");
    let tax = &moves["tax_per_mu"];
    assert_eq!((tax["lever_key"].as_str(), tax["target_class"].as_str()), ("tax", "A"));
    // Whatever the change found, it was verified: the new total is at least the target total.
    if !tax["change"].is_empty() {
        let (new, target): (f64, f64) = (tax["new_total"].parse().unwrap(), tax["target_total"].parse().unwrap());
        assert!(tax["change"].parse::<f64>().unwrap() > 0.0 && new >= target, "{tax:?}");
        assert_eq!(tax["new_class"], "A");
    }
    let o = mujun()
        .args(["--quiet", "card", "--run", "reports/demo", "--county", "汉滨区"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "county cards failed: {}", String::from_utf8_lossy(&o.stderr));
    let county = run.join("cards/county_汉滨区.pdf");
    let n = rows.iter().filter(|r| r["county"] == "汉滨区").count();
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(county.with_extension("json")).unwrap()).unwrap();
    assert_eq!(json.as_array().map(Vec::len), Some(n), "one card per firm of the county");
    assert!(squeeze(&pdftotext(&county)).contains(&squeeze(&firm["name"])));
}

/// The sample city evaluated in memory under a preset (the files it names read from data/sample).
fn sample_run(preset: &str) -> mujun::pipeline::Run {
    let path = repo(&format!("data/methods/{preset}.toml"));
    let loaded = mujun::method::load_str(&std::fs::read_to_string(&path).unwrap(), &path).unwrap();
    let mut side = mujun::method::SideFiles::default();
    for (_, name) in loaded.side_files() {
        side.insert(name.clone(), mujun::ingest::read(&repo("data/sample").join(&name)).unwrap());
    }
    let data = mujun::validate::load(&repo("data/sample")).unwrap();
    let inputs = mujun::pipeline::Inputs {
        data,
        method: loaded,
        side,
        data_dir: repo("data/sample"),
        corrections: Vec::new(),
        timings: Vec::new(),
    };
    let period = mujun::period::Period::parse("2025", mujun::period::Basis::Rolling4).unwrap();
    mujun::pipeline::evaluate(inputs, &mujun::pipeline::Options::for_period(period)).unwrap()
}

/// What the search rests on, for every graded firm of the sample under every preset (ratio and min-max
/// points, derived and file benchmarks, track-mean points for missing values, bonus and penalty, quotas by
/// county, position shares, cumulative cuts): the firm scored again with no change has its total in the
/// run, and placed again in its class group it has its class.
#[test]
fn a_firm_scored_and_placed_again_is_the_firm_of_the_run() {
    use mujun::score::single::{self, Basis, Held, Tweak};
    for preset in ["ankang_default", "zhejiang_six", "benchmark_formula", "rank_quota", "minmax"] {
        let run = sample_run(preset);
        let events = single::events_by_enterprise(&run.data);
        let basis = Basis::new(&run.data, &run.facts, &run.prior_facts, &run.method, &run.period);
        let mut checked = 0;
        for (i, s) in run.scored.iter().enumerate() {
            if s.status != mujun::score::Status::Graded {
                continue;
            }
            let held = Held::of(&run.data, &run.method, &run.scored, i).unwrap();
            let again = single::rescore(&basis, i, &events[i], &held, Tweak::None);
            assert_eq!(again.total_text, s.total_text, "{preset}: {}", run.data.enterprises[i].id);
            let standing = mujun::card::Standing::of(&run, i).unwrap();
            let class = standing.class_of(i, &again).map(|c| standing.label(c).to_string());
            assert_eq!(class.as_deref(), Some(s.class.as_str()), "{preset}: {}", run.data.enterprises[i].id);
            checked += 1;
        }
        assert!(checked > 1000, "{preset}: {checked} graded firms");
    }
}
