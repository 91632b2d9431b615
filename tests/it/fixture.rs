//! A hand-computed fixture: 12 enterprises in two counties, scored on tax per mu against a fixed
//! benchmark and revenue per mu against each county's ratio of sums, classed first by county quotas
//! (position share 20/60/95) and then by score thresholds (150/100/50) over the city.

use crate::common::*;
use std::path::Path;

pub const ENTERPRISES: &str = "\
enterprise_id,name,county,park,industry,scale,established,tags
91610902MA0009001J,汉滨一号厂,汉滨区,汉滨园,3442,规上,2010-01-01,
91610902MA0009002M,汉滨二号厂,汉滨区,汉滨园,3442,规上,2010-01-01,
91610902MA0009003Q,汉滨三号厂,汉滨区,,1492,规上,2010-01-01,
91610902MA0009004U,汉滨四号厂,汉滨区,汉滨园,1492,规上,2010-01-01,
91610902MA0009000F,汉滨五号厂,汉滨区,汉滨园,3062,规上,2010-01-01,
91610902MA00090062,汉滨六号厂,汉滨区,,3062,规上,2010-01-01,
91610921MA0009101Q,汉阴一号厂,汉阴县,汉阴园,3985,规上,2011-01-01,
91610921MA0009102U,汉阴二号厂,汉阴县,汉阴园,3985,规上,2011-01-01,
91610921MA0009103Y,汉阴三号厂,汉阴县,汉阴园,1530,规上,2011-01-01,
91610921MA00091042,汉阴四号厂,汉阴县,,1530,规上,2011-01-01,
91610921MA00091055,汉阴五号厂,汉阴县,,2039,规上,2011-01-01,
91610921MA00091068,汉阴六号厂,汉阴县,,2039,规上,2011-01-01,
";

pub const LAND: &str = "\
enterprise_id,parcel_id,area,unit,tenure
91610902MA0009001J,P1,10,亩,自有
91610902MA0009002M,P2,20,亩,自有
91610902MA0009003Q,P3,6000,平方米,自有
91610902MA0009004U,P4,30,亩,自有
91610902MA0009004U,P4,10,亩,租出
91610902MA0009000F,P4,10,亩,租入
91610902MA00090062,P6,10,亩,自有
91610921MA0009101Q,Q1,8,亩,自有
91610921MA0009102U,Q2,12,亩,自有
91610921MA0009103Y,Q3,10,亩,自有
91610921MA00091042,Q4,5,亩,自有
91610921MA00091055,Q5,15,亩,自有
91610921MA00091068,Q6,5,亩,自有
91610921MA00091068,Q6,5,亩,租出
";

/// (id, annual tax, annual revenue): written as four equal quarters.
const ANNUAL: &[(&str, f64, f64)] = &[
    ("91610902MA0009001J", 200.0, 4000.0),
    ("91610902MA0009002M", 200.0, 6000.0),
    ("91610902MA0009003Q", 90.0, 1800.0),
    ("91610902MA0009004U", 100.0, 2000.0),
    ("91610902MA0009000F", 50.0, 1000.0),
    ("91610902MA00090062", 0.0, 1000.0),
    ("91610921MA0009101Q", 120.0, 2400.0),
    ("91610921MA0009102U", 120.0, 1800.0),
    ("91610921MA0009103Y", 100.0, 3000.0),
    ("91610921MA00091042", 10.0, 500.0),
    ("91610921MA00091055", 30.0, 300.0),
    ("91610921MA00091068", 40.0, 800.0),
];

pub const METHOD_QUOTA: &str = r#"
[scheme]
name = "fixture_quota"
[ranking]
tie_break = ["tax_per_mu"]
[[tracks]]
name = "规上"
[[tracks.indicators]]
key = "tax_per_mu"
zh = "亩均税收"
num = "tax"
den = "land"
weight = 60
benchmark = 10
[[tracks.indicators]]
key = "revenue_per_mu"
zh = "亩均营业收入"
num = "revenue"
den = "land"
weight = 40
benchmark = { kind = "ratio_of_sums", group = "county" }
[tracks.classes]
method = "position_share"
cum_pcts = [20, 60, 95]
group = "county"
"#;

/// Writes the fixture dataset (canonical CSV) into `dir`.
pub fn write(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("enterprises.csv"), ENTERPRISES).unwrap();
    std::fs::write(dir.join("land.csv"), LAND).unwrap();
    let mut out = String::from("enterprise_id,period,revenue,value_added,energy_tce,emissions,rd_expense,employees\n");
    let mut tax = String::from("enterprise_id,period,tax_paid\n");
    for (id, t, r) in ANNUAL {
        for q in 1..=4 {
            out.push_str(&format!("{id},2024Q{q},{},,,,,\n", r / 4.0));
            tax.push_str(&format!("{id},2024Q{q},{}\n", t / 4.0));
        }
    }
    std::fs::write(dir.join("output.csv"), out).unwrap();
    std::fs::write(dir.join("tax.csv"), tax).unwrap();
}

fn run(method: &str) -> std::collections::HashMap<String, std::collections::HashMap<String, String>> {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    write(&data);
    let m = tmp.path().join("m.toml");
    std::fs::write(&m, method).unwrap();
    let out = tmp.path().join("out");
    evaluate(&data, &m, "2024", &out);
    by_key(&out.join("enterprises.csv"), "name")
}

/// (name, land, tax_per_mu, revenue_per_mu, total, class, county rank)
///
/// 汉滨区: Σ revenue = 4000 + 6000 + 1800 + 2000 + 1000 + 1000 = 15800, Σ land = 10 + 20 + 9 + 20 + 10 + 10
/// = 79 亩 (三号厂: 6000 m² × 15 / 10000 = 9 亩; 四号厂: 30 − 10 rented out = 20; 五号厂: 10 rented in)
/// → revenue benchmark 15800 ÷ 79 = 200. Points: tax 60 × t ÷ 10 = 6t; revenue 40 × r ÷ 200 = r ÷ 5.
/// 汉阴县: Σ revenue = 2400 + 1800 + 3000 + 500 + 300 = 8000, Σ land = 8 + 12 + 10 + 5 + 15 = 50
/// → 160 (六号厂 rents out all its land: basis 0, not scored, not in the sums). Revenue points r ÷ 4.
const QUOTA: &[(&str, &str, &str, &str, &str, &str, &str)] = &[
    // 200 ÷ 10 = 20 → 120; 4000 ÷ 10 = 400 → 80; 200.00; p = 1 of 6: 100 ≤ 20 × 6 = 120 → A
    ("汉滨一号厂", "10.0000", "20.0000", "400.0000", "200.00", "A", "1"),
    // 10 → 60; 300 → 60; 120.00; p = 2: 200 > 120, 200 ≤ 360 → B
    ("汉滨二号厂", "20.0000", "10.0000", "300.0000", "120.00", "B", "2"),
    // 90 ÷ 9 = 10 → 60; 1800 ÷ 9 = 200 → 40; 100.00; p = 3: 300 ≤ 360 → B
    ("汉滨三号厂", "9.0000", "10.0000", "200.0000", "100.00", "B", "3"),
    // 50 ÷ 10 = 5 → 30; 100 → 20; 50.00, tied with 四号厂 on total and tax per mu: id 91610902MA0009000F
    // sorts first → p = 4: 400 > 360, ≤ 570 → C
    ("汉滨五号厂", "10.0000", "5.0000", "100.0000", "50.00", "C", "4"),
    // 100 ÷ 20 = 5 → 30; 2000 ÷ 20 = 100 → 20; 50.00; p = 5: 500 ≤ 570 → C
    ("汉滨四号厂", "20.0000", "5.0000", "100.0000", "50.00", "C", "5"),
    // 0 → 0; 100 → 20; 20.00; p = 6: 600 > 570 → D
    ("汉滨六号厂", "10.0000", "0.0000", "100.0000", "20.00", "D", "6"),
    // 15 → 90; 300 ÷ 4 = 75; 165.00; p = 1 of 5: 100 ≤ 100 → A
    ("汉阴一号厂", "8.0000", "15.0000", "300.0000", "165.00", "A", "1"),
    // 10 → 60; 300 → 75; 135.00; p = 2: 200 ≤ 300 → B
    ("汉阴三号厂", "10.0000", "10.0000", "300.0000", "135.00", "B", "2"),
    // 10 → 60; 150 → 37.5; 97.50; p = 3: 300 ≤ 300 → B
    ("汉阴二号厂", "12.0000", "10.0000", "150.0000", "97.50", "B", "3"),
    // 2 → 12; 100 → 25; 37.00; p = 4: 400 ≤ 475 → C
    ("汉阴四号厂", "5.0000", "2.0000", "100.0000", "37.00", "C", "4"),
    // 2 → 12; 20 → 5; 17.00; p = 5: 500 > 475 → D
    ("汉阴五号厂", "15.0000", "2.0000", "20.0000", "17.00", "D", "5"),
];

#[test]
fn county_quotas_by_hand() {
    let got = run(METHOD_QUOTA);
    for (name, land, tpm, rpm, total, class, crank) in QUOTA {
        let r = &got[*name];
        assert_eq!(
            [&r["land_mu"], &r["tax_per_mu"], &r["revenue_per_mu"], &r["total"], &r["class"], &r["county_rank"]],
            [land, tpm, rpm, total, class, crank],
            "{name}"
        );
        // The class group is the county, so the rank is the county rank.
        assert_eq!(r["rank"], r["county_rank"], "{name}");
    }
    let z = &got["汉阴六号厂"];
    assert_eq!(z["status"], "not_scored");
    assert!(z["reason"].contains("land basis 0 亩"), "{}", z["reason"]);
    assert_eq!(z["class"], "");
}

#[test]
fn city_thresholds_by_hand() {
    let method = METHOD_QUOTA.replace(
        "method = \"position_share\"\ncum_pcts = [20, 60, 95]\ngroup = \"county\"",
        "method = \"thresholds\"\nthresholds = [150, 100, 50]",
    );
    let got = run(&method);
    // A ≥ 150, B ≥ 100, C ≥ 50, else D; city ranks in the documented order (total, tax per mu, id).
    let want = [
        ("汉滨一号厂", "A", "1"),  // 200.00
        ("汉阴一号厂", "A", "2"),  // 165.00
        ("汉阴三号厂", "B", "3"),  // 135.00
        ("汉滨二号厂", "B", "4"),  // 120.00
        ("汉滨三号厂", "B", "5"),  // 100.00 is at the B line
        ("汉阴二号厂", "C", "6"),  // 97.50
        ("汉滨五号厂", "C", "7"),  // 50.00, id …000F before …004U
        ("汉滨四号厂", "C", "8"),  // 50.00
        ("汉阴四号厂", "D", "9"),  // 37.00
        ("汉滨六号厂", "D", "10"), // 20.00
        ("汉阴五号厂", "D", "11"), // 17.00
    ];
    for (name, class, rank) in want {
        assert_eq!((got[name]["class"].as_str(), got[name]["rank"].as_str()), (class, rank), "{name}");
    }
    // County ranks do not depend on the class group: 汉阴二号厂 is third in 汉阴县.
    assert_eq!(got["汉阴二号厂"]["county_rank"], "3");
}

#[test]
fn county_aggregates_are_ratios_of_sums() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    write(&data);
    let m = tmp.path().join("m.toml");
    std::fs::write(&m, METHOD_QUOTA).unwrap();
    evaluate(&data, &m, "2024", &tmp.path().join("out"));
    let c = by_key(&tmp.path().join("out/by_county.csv"), "county");
    // 汉滨区: Σ tax 200 + 200 + 90 + 100 + 50 + 0 = 640 over 79 亩 = 8.1013 (not the mean of ratios, 8.3333).
    assert_eq!(c["汉滨区"]["tax_per_mu"], "8.1013");
    assert_eq!(c["汉滨区"]["class_A"], "1");
    assert_eq!(c["汉滨区"]["class_D"], "1");
    // 汉阴县: 380 ÷ 50 = 7.6 (六号厂, land 0, is not evaluated and not summed).
    assert_eq!(c["汉阴县"]["tax_per_mu"], "7.6000");
    assert_eq!(c["汉阴县"]["enterprises"], "6");
    assert_eq!(c["汉阴县"]["evaluated"], "5");
    // City: (640 + 380) ÷ 129 = 7.9070
    assert_eq!(c["全市 city"]["tax_per_mu"], "7.9070");
}

/// A firm with a missing value and a capped one gets its notes indicator by indicator, and the missing
/// value the track's mean points (firms are scored side by side; the mean is known only at the end).
#[test]
fn missing_then_capped_notes_in_indicator_order() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    write(&data);
    // Value added = revenue ÷ 2 for every firm but 汉滨一号厂 (…9001J), whose cell stays blank.
    let mut out = String::from("enterprise_id,period,revenue,value_added,energy_tce,emissions,rd_expense,employees\n");
    for (id, _, r) in ANNUAL {
        for q in 1..=4 {
            let va = if id.ends_with("9001J") { String::new() } else { (r / 8.0).to_string() };
            out.push_str(&format!("{id},2024Q{q},{},{va},,,,\n", r / 4.0));
        }
    }
    std::fs::write(data.join("output.csv"), out).unwrap();
    let method = r#"
[scheme]
name = "notes_order"
[[tracks]]
name = "规上"
[tracks.points]
cap_times_weight = 1.2
[[tracks.indicators]]
key = "va_per_mu"
zh = "亩均增加值"
num = "value_added"
den = "land"
weight = 50
benchmark = 100
on_missing = "track_mean_points"
[[tracks.indicators]]
key = "revenue_per_mu"
zh = "亩均营业收入"
num = "revenue"
den = "land"
weight = 50
benchmark = 100
[tracks.classes]
method = "position_share"
cum_pcts = [20, 60, 95]
"#;
    let m = tmp.path().join("m.toml");
    std::fs::write(&m, method).unwrap();
    let o = tmp.path().join("out");
    evaluate(&data, &m, "2024", &o);
    let rows = by_key(&o.join("enterprises.csv"), "enterprise_id");
    let one = &rows["91610902MA0009001J"];
    // Revenue 4000 on 10 亩 = 400 per 亩 → 400 ÷ 100 × 50 = 200 points, capped at 1.2 × 50 = 60.
    assert_eq!(one["reason"], "亩均增加值 missing → track mean points; 亩均营业收入 capped (200.0000 → 60)");
    assert_eq!(one["pts_revenue_per_mu"], "60.0000");
    // Its value-added points: the mean of the other scored firms' (capped) points, as printed.
    let others: Vec<f64> = rows
        .iter()
        .filter(|(id, r)| !id.ends_with("9001J") && r["status"] == "graded")
        .map(|(_, r)| r["pts_va_per_mu"].parse::<f64>().unwrap())
        .collect();
    assert!(others.len() >= 5, "{others:?}");
    let mean = others.iter().sum::<f64>() / others.len() as f64;
    let got: f64 = one["pts_va_per_mu"].parse().unwrap();
    assert!((got - mean).abs() < 1e-4, "{got} against the mean {mean} of {others:?}");
}

/// The console's top five follow the track's documented order — rounded total, then the tie-break
/// (tax per mu), then enterprise_id — with each firm's rank in it, even where the ids alone would order
/// the tied firms the other way.
mod top_five {
    use super::*;

    /// Fixed benchmarks (tax 10, revenue 200), so each firm's points are its own: 60 × t ÷ 10 = 6t and
    /// 40 × r ÷ 200 = r ÷ 5 for tax per mu t and revenue per mu r. Classes by thresholds within each county.
    const METHOD: &str = r#"
[scheme]
name = "fixture_top_five"
[ranking]
tie_break = ["tax_per_mu"]
[[tracks]]
name = "规上"
[[tracks.indicators]]
key = "tax_per_mu"
zh = "亩均税收"
num = "tax"
den = "land"
weight = 60
benchmark = 10
[[tracks.indicators]]
key = "revenue_per_mu"
zh = "亩均营业收入"
num = "revenue"
den = "land"
weight = 40
benchmark = 200
[tracks.classes]
method = "thresholds"
thresholds = [150, 100, 50]
group = "county"
"#;

    /// (id, annual tax, annual revenue) over the fixture's land, with the total each gives.
    const ANNUAL: &[(&str, f64, f64)] = &[
        ("91610902MA0009001J", 200.0, 4000.0), // 10 亩: t 20 → 120, r 400 → 80: 200.00
        ("91610902MA0009002M", 200.0, 9000.0), // 20 亩: t 10 → 60, r 450 → 90: 150.00
        ("91610902MA0009003Q", 45.0, 4050.0),  // 9 亩: t 5 → 30, r 450 → 90: 120.00
        ("91610902MA0009004U", 100.0, 9000.0), // 20 亩: t 5 → 30, r 450 → 90: 120.00
        ("91610902MA0009000F", 50.0, 1000.0),  // 10 亩: t 5 → 30, r 100 → 20: 50.00
        ("91610902MA00090062", 0.0, 1000.0),   // 10 亩: 0 + 20 = 20.00
        ("91610921MA0009101Q", 120.0, 2400.0), // 8 亩: t 15 → 90, r 300 → 60: 150.00
        ("91610921MA0009102U", 120.0, 1800.0), // 12 亩: t 10 → 60, r 150 → 30: 90.00
        ("91610921MA0009103Y", 100.0, 3000.0), // 10 亩: t 10 → 60, r 300 → 60: 120.00
        ("91610921MA00091042", 10.0, 500.0),   // 5 亩: 12 + 20 = 32.00
        ("91610921MA00091055", 30.0, 300.0),   // 15 亩: 12 + 4 = 16.00
        ("91610921MA00091068", 40.0, 800.0),   // no land left: not scored
    ];

    /// Runs `mujun evaluate` with `method` and returns the printed summary and enterprises.csv by name.
    fn summary(method: &str) -> (String, std::collections::HashMap<String, std::collections::HashMap<String, String>>) {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        write(&data);
        let mut out =
            String::from("enterprise_id,period,revenue,value_added,energy_tce,emissions,rd_expense,employees\n");
        let mut tax = String::from("enterprise_id,period,tax_paid\n");
        for (id, t, r) in ANNUAL {
            for q in 1..=4 {
                out.push_str(&format!("{id},2024Q{q},{},,,,,\n", r / 4.0));
                tax.push_str(&format!("{id},2024Q{q},{}\n", t / 4.0));
            }
        }
        std::fs::write(data.join("output.csv"), out).unwrap();
        std::fs::write(data.join("tax.csv"), tax).unwrap();
        let m = tmp.path().join("m.toml");
        std::fs::write(&m, method).unwrap();
        let dir = tmp.path().join("out");
        let o = mujun()
            .args(["evaluate", "--data"])
            .arg(&data)
            .arg("--method")
            .arg(&m)
            .args(["--period", "2024", "--out"])
            .arg(&dir)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        (String::from_utf8_lossy(&o.stdout).into_owned(), by_key(&dir.join("enterprises.csv"), "name"))
    }

    fn top_lines(text: &str) -> Vec<&str> {
        text.lines().filter(|l| l.starts_with("  ")).collect()
    }

    #[test]
    fn the_tie_break_decides_between_tied_totals() {
        let (text, ent) = summary(METHOD);
        // 150.00: 汉阴一号厂 (t 15) before 汉滨二号厂 (t 10) although its id sorts after. 120.00: 汉阴三号厂
        // (t 10), then 汉滨三号厂 and 汉滨四号厂 (both t 5: id …9003Q first), so 汉滨四号厂 is sixth and
        // left out. County ranks in the same order: 汉滨区 200, 150, 120 (…9003Q), 120; 汉阴县 150, 120.
        assert_eq!(
            top_lines(&text),
            [
                "  1. 200.00 A 汉滨区 汉滨一号厂 91610902MA0009001J (track rank 1, county rank 1)",
                "  2. 150.00 A 汉阴县 汉阴一号厂 91610921MA0009101Q (track rank 2, county rank 1)",
                "  3. 150.00 A 汉滨区 汉滨二号厂 91610902MA0009002M (track rank 3, county rank 2)",
                "  4. 120.00 B 汉阴县 汉阴三号厂 91610921MA0009103Y (track rank 4, county rank 2)",
                "  5. 120.00 B 汉滨区 汉滨三号厂 91610902MA0009003Q (track rank 5, county rank 3)",
            ],
            "{text}"
        );
        // The printed ranks are the table's.
        for (name, rank) in [("汉阴一号厂", "1"), ("汉滨二号厂", "2"), ("汉滨三号厂", "3"), ("汉滨四号厂", "4")]
        {
            assert_eq!(ent[name]["county_rank"], rank, "{name}");
        }
        // Counts per class for the track (A ≥ 150, B ≥ 100, C ≥ 50): A 200, 150, 150; B 120 × 3; C 90, 50;
        // D 32, 20, 16 (汉阴六号厂 is not scored).
        assert!(text.contains("track 规上: classes A 3, B 3, C 2, D 3"), "{text}");
        assert!(text.contains("PDF reports: ") && text.contains("(made by mujun report --run "), "{text}");
    }

    #[test]
    fn shared_ranks_are_printed_shared() {
        let method =
            METHOD.replace("tie_break = [\"tax_per_mu\"]", "tie_break = [\"tax_per_mu\"]\nshared_ranks = true");
        let (text, _) = summary(&method);
        // Tied totals share the first one's rank (1, 2, 2, 4, 4), in the same order; in 汉滨区 the two
        // firms at 120.00 share county rank 3.
        let ranks: Vec<&str> =
            top_lines(&text).iter().map(|l| l.split_once('(').map_or("", |(_, r)| r.trim_end_matches(')'))).collect();
        assert_eq!(
            ranks,
            [
                "track rank 1, county rank 1",
                "track rank 2, county rank 1",
                "track rank 2, county rank 2",
                "track rank 4, county rank 2",
                "track rank 4, county rank 3",
            ],
            "{text}"
        );
    }
}
