//! Standard land (标准地) contracts in full: every liability clause of a land contract (late payment of the
//! land price, late start, idle land, late completion by the actual date, late interest on a tax shortfall),
//! what ends the contract and what that stops, the overall statuses as data, and the milestone files.
//! Every figure is computed by hand in the comments. As of 2025-06-30 unless said otherwise; the S1 rules
//! (县域园区 defaults 150 / 1.0 / 40 / ≤7 / 8 / 1.2; late completion 1‰ per day of the land price; cap
//! 30 %) plus the clauses of `contract_rules`.

use crate::common::*;
use std::collections::HashMap;
use std::path::Path;

const ID: &str = "91610921MA0005027T";
const HEADER: &str = "project_id,enterprise_id,name,county,park,park_tier,parcel_id,land_area,land_unit,land_price,contract_date,completion_due,production_due,start_due,start_date,completion_date,price_due,price_paid,deposit";
const CHECKS: &str = "project_id,stage,check_date,review_year,fixed_asset_investment,floor_area_m2,footprint_m2,office_land_m2,tax,value_added,energy_tce";

/// The S1 rules with every contract clause: late payment 1‰ per day of the late instalment, termination
/// after 60 days; late start 0.5‰ per day of the land price; idle fee 20 % after one year (outside the
/// cap), take-back after two; tax shortfall interest 1‰ per day from 30 days after the check; the
/// statuses take_back > terminate > idle > overdue > breach > liable > rectify > incomplete > pending > pass.
fn contract_rules() -> String {
    let s1 = std::fs::read_to_string(repo("tests/golden/s1_standard_land/rules.toml")).unwrap();
    let tax = "liability = { kind = \"shortfall_x_area_x_years\", years = 1 }";
    assert!(s1.contains(tax));
    let s1 = s1.replacen(tax, &format!("{tax}\ninterest = {{ rate = 0.001, grace_days = 30 }}"), 1);
    let s1 = s1.replacen("applies_to = [\"breach\"]", "applies_to = [\"breach\"]\ncap_excludes = [\"idle_fee\"]", 1);
    let statuses: String = [
        ("take_back", "无偿收回", "take_back"),
        ("terminate", "解除合同", "terminate"),
        ("idle", "闲置土地", "idle"),
        ("overdue", "逾期", "overdue > 0"),
        ("breach", "违约", "breach > 0"),
        ("liable", "应承担违约责任", "liability > 0"),
        ("rectify", "整改", "rectify > 0"),
        ("incomplete", "数据不全", "incomplete > 0"),
        ("pending", "未到期", "pending > 0"),
    ]
    .iter()
    .map(|(k, zh, w)| format!("[[statuses]]\nkey = \"{k}\"\nzh = \"{zh}\"\nwhen = \"{w}\"\n"))
    .collect();
    format!(
        "{s1}\n[late_payment]\nrate = 0.001\nterminate_after_days = 60\n\n[late_start]\nrate = 0.0005\n\n\
         [idle]\nfee_share = 0.2\ntake_back_after_years = 2\n\n{statuses}[[statuses]]\nkey = \"pass\"\nzh = \"达标\"\naction = false\n"
    )
}

/// A projects row: 15 亩 in 县域园区 with the tier defaults, the milestone columns as given.
#[allow(clippy::too_many_arguments)]
fn project(
    pid: &str,
    price: &str,
    due: (&str, &str),
    start: (&str, &str),
    done: &str,
    price_dates: (&str, &str),
    deposit: &str,
) -> String {
    format!(
        "{pid},{ID},n,汉阴县,p,县域园区,X,15,亩,{price},2022-01-01,{},{},{},{},{done},{},{},{deposit}",
        due.0, due.1, start.0, start.1, price_dates.0, price_dates.1
    )
}

/// Runs `mujun projects`; returns the output folder and the printed summary.
fn run(data: &Path, rules: &Path, as_of: &str) -> (tempfile::TempDir, String) {
    let out = tempfile::tempdir().unwrap();
    let o = mujun()
        .args(["projects", "--data"])
        .arg(data)
        .arg("--rules")
        .arg(rules)
        .args(["--as-of", as_of, "--out"])
        .arg(out.path())
        .arg("--force")
        .output()
        .expect("run mujun");
    assert!(o.status.success(), "mujun projects failed: {}", String::from_utf8_lossy(&o.stderr));
    (out, String::from_utf8_lossy(&o.stdout).into_owned())
}

fn folder(files: &[(&str, String)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(d.path().join(name), text).unwrap();
    }
    d
}

/// The projects of the main case, one per clause and per new status.
fn projects() -> String {
    let none = ("", "");
    [
        HEADER.to_string(),
        // T1 liable: price 1000 in two instalments (payments.csv), the second paid 30 days late.
        project("T1", "1000", ("2026-12-31", "2028-12-31"), none, "", none, ""),
        // T2 terminate: price 400 due 2025-03-31, unpaid; deposit 80.
        project("T2", "400", ("2025-04-30", "2026-12-31"), none, "", ("2025-03-31", ""), "80"),
        // T3 take_back: agreed start 2023-03-01, never started.
        project("T3", "500", ("2024-12-31", "2026-12-31"), ("2023-03-01", ""), "", none, ""),
        // T4 idle: agreed start on the leap day 2024-02-29, started 2025-03-01.
        project("T4", "300", ("2026-12-31", "2028-12-31"), ("2024-02-29", "2025-03-01"), "", none, ""),
        // T5 breach: tax shortfall unpaid; T6 the same shortfall paid in two parts.
        project("T5", "300", ("2023-12-31", "2025-03-31"), none, "", none, ""),
        project("T6", "300", ("2023-12-31", "2025-03-31"), none, "", none, ""),
        // T7 pending: completion in rectify, the rectification accepted.
        project("T7", "300", ("2024-12-31", "2026-12-31"), none, "", none, ""),
        // T8 overdue: completion due 2025-03-31, no check row.
        project("T8", "300", ("2025-03-31", "2027-12-31"), none, "", none, ""),
        // T9 liable: completed 2025-02-14, 45 days after the due date, checked later and passing.
        project("T9", "300", ("2024-12-31", "2026-12-31"), none, "2025-02-14", none, ""),
    ]
    .join("\n")
}

fn checks() -> String {
    [
        CHECKS,
        // 2400 ÷ 15 = 160 ≥ 150; 11000 ÷ 10000 = 1.1; 45 %; 6 % ≤ 7: pass.
        "T5,竣工验收,2023-12-01,,2400,11000,4500,600,,,",
        // tax 90 ÷ 15 = 6 < 8 → shortfall (8 − 6) × 15 亩 × 1 year = 30; VA 1500 ÷ 1000 = 1.5 pass.
        "T5,达产复核,2025-03-31,2024,,,,,90,1500,1000",
        "T6,竣工验收,2023-12-01,,2400,11000,4500,600,,,",
        "T6,达产复核,2025-03-31,2024,,,,,90,1500,1000",
        // 2070 ÷ 15 = 138 → 0.92 rectify, by 2024-06-01 + 180 = 2024-11-28.
        "T7,竣工验收,2024-06-01,,2070,11000,4500,600,,,",
        "T9,竣工验收,2025-03-01,,2400,11000,4500,600,,,",
    ]
    .join("\n")
}

fn data() -> tempfile::TempDir {
    folder(&[
        ("projects.csv", projects()),
        ("checks.csv", checks()),
        (
            "payments.csv",
            "project_id,instalment,due_date,amount,paid_date\n\
             T1,1,2024-01-31,500,2024-01-20\nT1,2,2024-04-30,500,2024-05-30\n"
                .into(),
        ),
        (
            "项目事件.csv",
            "项目编号,日期,事件类型,阶段,金额,备注\n\
             T6,2025-05-20,补缴差额,达产复核,20,\nT6,2025-06-10,shortfall_paid,,,the rest\n\
             T7,2024-10-01,整改验收通过,竣工验收,,\nT7,2025-08-01,rectified,,,after the as-of date\n"
                .into(),
        ),
        ("events.csv", "enterprise_id,date,kind\n".into()),
        ("说明.txt", "not data\n".into()),
        ("rules.toml", contract_rules()),
    ])
}

#[test]
fn every_clause_and_status_hand_computed() {
    let d = data();
    let (out, summary) = run(d.path(), &d.path().join("rules.toml"), "2025-06-30");
    let got = by_key(&out.path().join("projects.csv"), "project_id");
    let overall: Vec<(&str, &str, &str)> = ["T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9"]
        .iter()
        .map(|k| (*k, got[*k]["overall"].as_str(), got[*k]["overall_zh"].as_str()))
        .collect();
    assert_eq!(
        overall,
        [
            ("T1", "liable", "应承担违约责任"),
            ("T2", "terminate", "解除合同"),
            ("T3", "take_back", "无偿收回"),
            ("T4", "idle", "闲置土地"),
            ("T5", "breach", "违约"),
            ("T6", "breach", "违约"),
            ("T7", "pending", "未到期"),
            ("T8", "overdue", "逾期"),
            ("T9", "liable", "应承担违约责任"),
        ]
    );
    let items = |k: &str| got[k]["liability_items"].clone();
    let liability = |k: &str| got[k]["liability"].clone();

    // T1: 第2期 500 due 2024-04-30, paid 2024-05-30: 30 days × 500 × 0.001 = 15 (第1期 paid in time).
    assert_eq!(items("T1"), "缴款 第2期 逾期缴纳出让价款: 15.0000 = 500 × 0.001 × 30 days (2024-04-30 → 2024-05-30)");
    assert_eq!(liability("T1"), "15.00");

    // T2: unpaid on 2025-06-30, 91 days late (> 60) → the contract ends on 2025-03-31 + 61 = 2025-05-31.
    // Late payment counts to the end: 400 × 0.001 × 61 = 24.4. Completion due 2025-04-30, no check:
    // overdue, counted to the end: 400 × 0.001 × 31 = 12.4. Production due 2026-12-31 after the end:
    // ended. 24.4 + 12.4 = 36.8 (cap 120).
    assert_eq!(
        items("T2"),
        "缴款 逾期缴纳出让价款: 24.4000 = 400 × 0.001 × 61 days (2025-03-31 → 2025-05-31); \
         竣工验收 逾期竣工: 12.4000 = 400 × 0.001 × 31 days"
    );
    assert_eq!(liability("T2"), "36.80");
    assert_eq!((got["T2"]["contract_end"].as_str(), got["T2"]["contract_end_by"].as_str()), ("2025-05-31", "解除合同"));
    assert!(got["T2"]["flags"]
        .starts_with("缴款 unpaid 91 days late (> 60) → may terminate the contract (解除合同, 定金 80 万元不予退还)"));
    assert_eq!(got["T2"]["production_status"], "ended");

    // T3: years are calendar years: 2023-03-01 → 2024-03-01 is 366 days (2024-02-29), → 2025-03-01 365.
    // Not started by 2024-03-01: idle fee 500 × 0.2 = 100 (outside the cap). Not started by 2025-03-01:
    // take-back, the contract ends 2025-03-02. Late start 2023-03-01 → 2025-03-02 = 732 days × 500 ×
    // 0.0005 = 183 (not 852 days to the as-of date: it stops at the end). Completion due 2024-12-31:
    // 2025-03-02 − 2024-12-31 = 61 days × 500 × 0.001 = 30.5; production (due 2026-12-31) ended, no tax
    // item. Capped: 183 + 30.5 = 213.5 > 0.3 × 500 = 150 → 150, + 100 = 250.
    assert_eq!(
        items("T3"),
        "开工 逾期开工: 183.0000 = 500 × 0.0005 × 732 days (2023-03-01 → 2025-03-02); \
         闲置土地 土地闲置费: 100.0000 = 500 × 0.2 (not started by 2024-03-01, 1 year after the agreed start 2023-03-01); \
         竣工验收 逾期竣工: 30.5000 = 500 × 0.001 × 61 days"
    );
    assert_eq!((got["T3"]["liability_sum"].as_str(), got["T3"]["liability"].as_str()), ("313.5000", "250.00"));
    assert!(
        got["T3"]["flags"].contains("cap 30% of land price hit (213.5000 → 150); 100.0000 outside the cap (idle_fee)")
    );
    assert!(got["T3"]["flags_zh"].contains("合同于 2025-03-02 终止 (无偿收回), 其后事项不再计"));

    // T4: the first anniversary of 2024-02-29 is 2025-02-28 (no 29 February in 2025); started 2025-03-01,
    // after it: idle fee 300 × 0.2 = 60. Late start 2024-02-29 → 2025-03-01 = 366 days × 300 × 0.0005 =
    // 54.9 (cap 90 not hit). 54.9 + 60 = 114.9.
    assert_eq!(
        items("T4"),
        "开工 逾期开工: 54.9000 = 300 × 0.0005 × 366 days (2024-02-29 → 2025-03-01); \
         闲置土地 土地闲置费: 60.0000 = 300 × 0.2 (not started by 2025-02-28, 1 year after the agreed start 2024-02-29)"
    );
    assert_eq!(liability("T4"), "114.90");

    // T5: shortfall 30 due 2025-03-31 + 30 = 2025-04-30, unpaid: interest to the as-of date, 61 days ×
    // 30 × 0.001 = 1.83. 30 + 1.83 = 31.83.
    assert_eq!(
        items("T5"),
        "达产复核 亩均税收: 30.0000 = (8 − 6.0000) × 15 亩 × 1 year; \
         达产复核 亩均税收 差额逾期缴纳违约金: 1.8300 = 30.0000 × 0.001 × 61 days (2025-04-30 → 2025-06-30)"
    );
    assert_eq!(liability("T5"), "31.83");
    // T6: 20 paid 2025-05-20, the rest 2025-06-10: 30 × 0.001 × 20 = 0.6, then 10 × 0.001 × 21 = 0.21.
    assert!(items("T6").ends_with(
        "0.8100 = 30.0000 × 0.001 × 20 days (2025-04-30 → 2025-05-20) + 10.0000 × 0.001 × 21 days (2025-05-20 → 2025-06-10)"
    ));
    assert_eq!(liability("T6"), "30.81");

    // T8: 2025-03-31 → 2025-06-30 = 91 days × 300 × 0.001 = 27.3. T9: done 45 days late, 300 × 0.001 × 45.
    assert_eq!(liability("T8"), "27.30");
    assert_eq!(items("T9"), "竣工验收 逾期竣工: 13.5000 = 300 × 0.001 × 45 days");
    assert_eq!(got["T7"]["liability"], "0.00");

    let rows = read_rows(&out.path().join("project_checks.csv"));
    let row = |pid: &str, stage: &str| rows.iter().find(|r| r["project_id"] == pid && r["stage"] == stage).unwrap();
    assert_eq!(
        row("T3", "达产复核")["note"],
        "not assessed: the contract ended 2025-03-02 (无偿收回), before the due date 2026-12-31"
    );
    assert_eq!(row("T3", "竣工验收")["days_late"], "61");
    assert_eq!(
        (row("T7", "竣工验收")["stage_status"].as_str(), row("T7", "竣工验收")["note"].as_str()),
        ("pass", "rectify by 2024-11-28; rectification accepted 2024-10-01 (整改验收通过)")
    );
    assert_eq!(
        (row("T9", "竣工验收")["days_late"].as_str(), row("T9", "竣工验收")["note"].as_str()),
        ("45", "done 45 days after the due date")
    );

    milestones_and_tables(out.path());
    assert!(
        summary.contains("projects: 9 (take_back 1, terminate 1, idle 1, overdue 1, breach 2, liable 2, pending 1)"),
        "{summary}"
    );
    assert!(summary.contains("not used: events.csv (evaluation data (events): read only with [derive] from_evaluation"));
    assert!(summary.contains("not used: 说明.txt (not a file of mujun projects"));
    assert!(summary.contains("not used: rules.toml"));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("manifest.json")).unwrap()).unwrap();
    let not_used: Vec<&str> =
        manifest["not_used"].as_array().unwrap().iter().map(|n| n["file"].as_str().unwrap()).collect();
    assert_eq!(not_used, ["events.csv", "rules.toml", "说明.txt"]);
    assert_eq!(manifest["rows"]["balanced"], true);
    // 15 + 36.8 + 250 + 114.9 + 31.83 + 30.81 + 0 + 27.3 + 13.5 = 520.14
    assert_eq!(manifest["liability_total"], "520.14");
}

/// milestones.csv, overdue.csv, liabilities.csv, by_county.csv and the exceptions of the main case.
fn milestones_and_tables(out: &Path) {
    let m = read_rows(&out.join("milestones.csv"));
    let find = |pid: &str, milestone: &str| -> HashMap<String, String> {
        m.iter()
            .find(|r| r["project_id"] == pid && r["milestone"] == milestone)
            .unwrap_or_else(|| panic!("{pid} {milestone}"))
            .clone()
    };
    let t1 = find("T1", "缴款 第2期");
    assert_eq!(
        [&t1["due"], &t1["actual"], &t1["amount"], &t1["days_late"], &t1["item_amount"], &t1["note"]],
        ["2024-04-30", "2024-05-30", "500", "30", "15.0000", "30 days late: paid 2024-05-30"]
    );
    assert_eq!(find("T1", "缴款 第1期")["note"], "paid 2024-01-20 (in time)");
    assert_eq!(find("T3", "闲置满1年")["due"], "2024-03-01");
    assert_eq!(find("T3", "闲置满2年")["due"], "2025-03-01");
    assert_eq!(find("T3", "合同终止 (无偿收回)")["actual"], "2025-03-02");
    assert_eq!(find("T4", "闲置满1年")["due"], "2025-02-28");
    let paid = find("T6", "补缴差额 (达产复核)");
    assert_eq!(paid["note"], "pays 20.0000 of the 达产复核 亩均税收 shortfall 30.0000; 10.0000 outstanding");
    assert_eq!(find("T7", "整改验收通过 (竣工验收)")["note"], "竣工验收: rectification accepted; the stage passes");

    let overdue = read_rows(&out.join("overdue.csv"));
    let kinds: Vec<(&str, &str)> = overdue.iter().map(|r| (r["project_id"].as_str(), r["kind"].as_str())).collect();
    assert!(kinds.contains(&("T2", "land price unpaid (缴款逾期)")), "{kinds:?}");
    assert!(kinds.contains(&("T3", "construction not started (逾期未开工)")), "{kinds:?}");

    let items = read_rows(&out.join("liabilities.csv"));
    let late_start = items.iter().find(|r| r["clause"] == "late_start").unwrap();
    assert_eq!(
        [&late_start["days"], &late_start["from"], &late_start["to"], &late_start["capped"]],
        ["732", "2023-03-01", "2025-03-02", "yes"]
    );
    assert_eq!(items.iter().filter(|r| r["capped"] == "no").count(), 2, "the two idle fees");

    let county = read_rows(&out.join("by_county.csv"));
    let total = county.iter().find(|r| r["county"] == "合计 total").unwrap();
    // late payment 15 + 24.4; late start 183 + 54.9; idle 100 + 60; interest 1.83 + 0.81
    assert_eq!(
        [
            &total["late_payment_amount"],
            &total["late_start_amount"],
            &total["idle_fee_amount"],
            &total["shortfall_interest_amount"]
        ],
        ["39.4000", "237.9000", "160.0000", "2.6400"]
    );
    assert_eq!([&total["take_back"], &total["terminate"], &total["idle"], &total["liable"]], ["1", "1", "1", "2"]);

    let ex = read_rows(&out.join("exceptions.csv"));
    assert_eq!(ex.len(), 1, "{ex:?}");
    assert_eq!(
        (ex[0]["file"].as_str(), ex[0]["line"].as_str(), ex[0]["reason_code"].as_str()),
        ("项目事件.csv", "5", "project_event_not_used")
    );
}

/// The anniversary of 29 February is 28 February by default, 1 March with `leap_day = "mar1"`; and an
/// anniversary is in time on its own day.
#[test]
fn leap_day_anniversaries() {
    let d = data();
    let rules =
        contract_rules().replacen("take_back_after_years = 2", "take_back_after_years = 2\nleap_day = \"mar1\"", 1);
    std::fs::write(d.path().join("rules.toml"), rules).unwrap();
    let (out, _) = run(d.path(), &d.path().join("rules.toml"), "2025-06-30");
    let got = by_key(&out.path().join("projects.csv"), "project_id");
    // T4: anniversary 2025-03-01, started that day: in time, no idle fee; late start 54.9 remains → liable.
    assert_eq!((got["T4"]["overall"].as_str(), got["T4"]["liability"].as_str()), ("liable", "54.90"));

    // T3 (agreed start 2023-03-01): on 2024-03-01, the anniversary, not yet idle; the next day idle.
    let d = data();
    let (out, _) = run(d.path(), &d.path().join("rules.toml"), "2024-03-01");
    // 2023-03-01 → 2024-03-01 = 366 days × 500 × 0.0005 = 91.5 of late start: liable, no idle fee yet.
    let t3 = &by_key(&out.path().join("projects.csv"), "project_id")["T3"];
    assert_eq!((t3["overall"].as_str(), t3["liability"].as_str()), ("liable", "91.50"));
    let (out, _) = run(d.path(), &d.path().join("rules.toml"), "2024-03-02");
    let t3 = &by_key(&out.path().join("projects.csv"), "project_id")["T3"];
    // 2023-03-01 → 2024-03-02 = 367 days × 500 × 0.0005 = 91.75; idle fee 100.
    assert_eq!(t3["overall"], "idle");
    assert!(
        t3["liability_items"].starts_with("开工 逾期开工: 91.7500 = 500 × 0.0005 × 367 days"),
        "{}",
        t3["liability_items"]
    );
}

/// `[contract_end] stops` and `triggers` are configurable: late start not stopped counts to the as-of date;
/// without triggers the idle take-back is a flag and nothing stops.
#[test]
fn what_the_contract_end_stops_is_configurable() {
    let d = data();
    let with = |extra: &str| {
        std::fs::write(d.path().join("rules.toml"), format!("{}\n[contract_end]\n{extra}\n", contract_rules()))
            .unwrap();
        let (out, _) = run(d.path(), &d.path().join("rules.toml"), "2025-06-30");
        by_key(&out.path().join("projects.csv"), "project_id")["T3"].clone()
    };
    // Late start not stopped: 2023-03-01 → 2025-06-30 = 852 days × 500 × 0.0005 = 213; completion still
    // counted to the end (61 days).
    let t3 = with("stops = [\"late_completion\"]");
    assert!(t3["liability_items"]
        .starts_with("开工 逾期开工: 213.0000 = 500 × 0.0005 × 852 days (2023-03-01 → 2025-06-30)"));
    assert!(t3["liability_items"].ends_with("30.5000 = 500 × 0.001 × 61 days"));
    // Triggers off: nothing ends; idle (fee charged), completion overdue 181 days × 500 × 0.001 = 90.5.
    let t3 = with("triggers = false");
    assert_eq!((t3["overall"].as_str(), t3["contract_end"].as_str()), ("idle", ""));
    assert!(t3["liability_items"].ends_with("90.5000 = 500 × 0.001 × 181 days"));
    assert!(t3["flags"].contains("→ take-back without compensation (无偿收回)"));
}

/// A check with a date only, for a stage without indicators, still gives a stage row with its days late
/// and its item.
#[test]
fn a_date_only_check_has_a_stage_row_and_its_item() {
    let rules = r#"
[scheme]
name = "date_only"
[[stages]]
key = "completion"
name = "竣工验收"
due = "completion_due"
late = { rate = 0.001, label = "逾期竣工", count = "also_late_check" }
[[stages]]
key = "production"
name = "达产复核"
due = "production_due"
[[indicators]]
key = "tax_per_mu"
zh = "亩均税收"
direction = ">="
stage = "production"
actual = "tax / land_mu"
liability = { kind = "shortfall_x_area_x_years" }
[tiers."县域园区"]
tax_per_mu = 8
"#;
    let projects = "project_id,land_area,land_unit,land_price,park_tier,completion_due,production_due\n\
                    Q1,15,亩,300,县域园区,2024-12-31,2026-12-31\n";
    // Checked 2025-01-30, 30 days after the due date: 300 × 0.001 × 30 = 9.
    let checks = "project_id,stage,check_date\nQ1,竣工验收,2025-01-30\n";
    let d = folder(&[("projects.csv", projects.into()), ("checks.csv", checks.into()), ("rules.toml", rules.into())]);
    let (out, _) = run(d.path(), &d.path().join("rules.toml"), "2025-06-30");
    let rows = read_rows(&out.path().join("project_checks.csv"));
    let row = rows.iter().find(|r| r["stage"] == "竣工验收").expect("a row for the date-only check");
    assert_eq!(
        [&row["stage_status"], &row["check_date"], &row["days_late"], &row["note"]],
        ["pass", "2025-01-30", "30", "checked 30 days after the due date"]
    );
    let p = &by_key(&out.path().join("projects.csv"), "project_id")["Q1"];
    assert_eq!(p["liability_items"], "竣工验收 逾期竣工: 9.0000 = 300 × 0.001 × 30 days");
    // Default statuses: pending (production due 2026).
    assert_eq!(p["overall"], "pending");
}

/// Bad payments and events rows are listed, never dropped silently; the projects file's price_due gives way
/// to the payments file.
#[test]
fn bad_payment_and_event_rows_are_listed() {
    let none = ("", "");
    let projects = [
        HEADER.to_string(),
        project("P1", "300", ("2026-12-31", "2027-12-31"), none, "", ("2024-06-30", ""), ""),
        project("P2", "300", ("2026-12-31", "2027-12-31"), ("2024-13-01", ""), "", none, "x"),
    ]
    .join("\n");
    let payments = "project_id,instalment,due_date,amount,paid_date\n\
                    P1,,2024-03-31,100,2024-03-31\n\
                    P1,,2024-12-15,150,\n\
                    P2,,2024-03-31,,\n\
                    P2,,2024-06-30,,\n\
                    ZZ,,2024-03-31,100,\n\
                    P1,,someday,100,\n";
    let events = "project_id,event_date,kind,stage\nP1,2025-01-01,开工,\nP1,2025-01-01,rectified,开工\nP1,2025-01-01,take_back,\n";
    let d = folder(&[
        ("projects.csv", projects),
        ("checks.csv", format!("{CHECKS}\n")),
        ("缴款.csv", payments.into()),
        ("project_events.csv", events.into()),
        ("rules.toml", contract_rules()),
    ]);
    let (out, _) = run(d.path(), &d.path().join("rules.toml"), "2025-06-30");
    let ex = read_rows(&out.path().join("exceptions.csv"));
    let code = |file: &str, line: &str| {
        ex.iter()
            .find(|e| e["file"] == file && e["line"] == line)
            .map(|e| e["reason_code"].clone())
            .unwrap_or_else(|| panic!("{file}:{line} in {ex:?}"))
    };
    assert_eq!(code("projects.csv", "2"), "payment_schedule_twice");
    assert_eq!(code("projects.csv", "3"), "date_invalid");
    assert!(ex.iter().any(|e| e["line"] == "3" && e["column"] == "deposit"));
    assert_eq!(code("缴款.csv", "2"), "instalments_mismatch"); // 100 + 150 ≠ 300
    assert_eq!(code("缴款.csv", "4"), "value_empty"); // P2 has two rows without amounts
    assert_eq!(code("缴款.csv", "5"), "value_empty");
    assert_eq!(code("缴款.csv", "6"), "project_unknown");
    assert_eq!(code("缴款.csv", "7"), "date_invalid");
    assert_eq!(code("project_events.csv", "2"), "project_event_kind_invalid");
    assert_eq!(code("project_events.csv", "3"), "stage_invalid");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["rows"]["balanced"], true);
    // P1 uses the payments file: 第2期 150 unpaid since 2024-12-15 (termination day 2025-02-14); the
    // take_back event of 2025-01-01 ends the contract first: 17 days × 150 × 0.001 = 2.55, no termination.
    let p1 = &by_key(&out.path().join("projects.csv"), "project_id")["P1"];
    assert_eq!((p1["overall"].as_str(), p1["contract_end"].as_str()), ("take_back", "2025-01-01"));
    assert_eq!(
        p1["liability_items"],
        "缴款 第2期 逾期缴纳出让价款: 2.5500 = 150 × 0.001 × 17 days (2024-12-15 → 2025-01-01)"
    );
    assert!(!p1["flags"].contains("terminate"), "{}", p1["flags"]);
}

/// Status conditions read the project's facts: events (`has_tag`), days late, unpaid instalments.
#[test]
fn status_conditions_read_events_and_days() {
    let d = data();
    let s1 = contract_rules();
    let rules = s1[..s1.find("[[statuses]]").unwrap()].to_string()
        + "[[statuses]]\nkey = \"accepted\"\nzh = \"整改已验收\"\nwhen = \"has_tag('整改验收通过')\"\n\
           [[statuses]]\nkey = \"late\"\nzh = \"逾期\"\nwhen = \"late_payment_days > 20 or late_start_days > 0 or unpaid > 0\"\n\
           [[statuses]]\nkey = \"other\"\nzh = \"其他\"\n";
    std::fs::write(d.path().join("rules.toml"), rules).unwrap();
    let (out, _) = run(d.path(), &d.path().join("rules.toml"), "2025-06-30");
    let got = by_key(&out.path().join("projects.csv"), "project_id");
    let status: Vec<&str> = ["T1", "T2", "T3", "T4", "T5", "T7"].iter().map(|k| got[*k]["overall"].as_str()).collect();
    // T1 paid 30 days late; T2 unpaid; T3, T4 started late; T5 none of these; T7 has a rectified event.
    assert_eq!(status, ["late", "late", "late", "late", "other", "accepted"]);
    let county = read_rows(&out.path().join("by_county.csv"));
    assert_eq!(
        (county[0]["accepted"].as_str(), county[0]["late"].as_str(), county[0]["other"].as_str()),
        ("1", "4", "4")
    );
}
