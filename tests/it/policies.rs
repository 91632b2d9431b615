//! Policies by class: surcharge rates rising with consecutive years in class D (from a class-history
//! file), only the highest surcharge applying, and the amount from electricity consumption.

use crate::common::*;
use crate::fixture;
use std::collections::HashMap;

/// The fixture with 25 万kWh a quarter for every firm, 汉阴五号厂 tagged 惩罚性电价, a class history, and
/// the D policy (plus `extra` keys), evaluated for 2024: policies.csv by name.
fn policies(tmp: &std::path::Path, extra: &str, events: Option<&str>) -> HashMap<String, HashMap<String, String>> {
    let data = tmp.join("d");
    fixture::write(&data);
    // 25 万kWh a quarter → 100 万kWh in 2024 for every firm.
    let out = std::fs::read_to_string(data.join("output.csv")).unwrap();
    let out: Vec<String> = out
        .lines()
        .enumerate()
        .map(|(i, l)| if i == 0 { format!("{l},electricity_10k_kwh") } else { format!("{l},25") })
        .collect();
    std::fs::write(data.join("output.csv"), out.join("\n") + "\n").unwrap();
    let ent = std::fs::read_to_string(data.join("enterprises.csv")).unwrap();
    std::fs::write(
        data.join("enterprises.csv"),
        ent.replace("汉阴五号厂,汉阴县,,2039,规上,2011-01-01,", "汉阴五号厂,汉阴县,,2039,规上,2011-01-01,惩罚性电价"),
    )
    .unwrap();
    std::fs::write(
        data.join("class_history.csv"),
        "enterprise_id,year,class\n91610902MA00090062,2023,D\n91610902MA00090062,2022,D\n91610921MA00091055,2022,D\n91610921MA00091055,2023,C\n",
    )
    .unwrap();
    if let Some(e) = events {
        std::fs::write(data.join("events.csv"), e).unwrap();
    }
    let policy = format!("[policies]\nhistory_file = \"class_history.csv\"\n[[policies.by_class]]\nclass = \"D\"\nmeasures = [\"不得参与工业用地竞买\"]\nelectricity_surcharge = [0.05, 0.10, 0.15]\nother_surcharges = {{ \"惩罚性电价\" = 0.08 }}\n{extra}\n\n[[tracks]]");
    let m = tmp.join("m.toml");
    std::fs::write(&m, fixture::METHOD_QUOTA.replacen("[[tracks]]", &policy, 1)).unwrap();
    evaluate(&data, &m, "2024", &tmp.join("o"));
    by_key(&tmp.join("o/policies.csv"), "name")
}

#[test]
fn surcharge_by_consecutive_years_highest_only_amount_from_consumption() {
    let tmp = tempfile::tempdir().unwrap();
    let p = policies(tmp.path(), "", None);
    assert_eq!(p.len(), 2, "only the two D firms: {:?}", p.keys());
    // 汉滨六号厂: D in 2022, 2023 and 2024 → third year → 0.15 元/kWh; 100 万kWh × 0.15 = 15.00 万元.
    let a = &p["汉滨六号厂"];
    assert_eq!(
        (a["years_in_class"].as_str(), a["surcharge_yuan_per_kwh"].as_str(), a["surcharge_10k_yuan"].as_str()),
        ("3", "0.1500", "15.00")
    );
    // 汉阴五号厂: C in 2023 breaks the run → first year, 0.05; tagged 惩罚性电价 0.08, the higher applies:
    // 100 × 0.08 = 8.00 万元.
    let b = &p["汉阴五号厂"];
    assert_eq!(
        (b["years_in_class"].as_str(), b["surcharge_yuan_per_kwh"].as_str(), b["surcharge_10k_yuan"].as_str()),
        ("1", "0.0800", "8.00")
    );
    assert_eq!(b["surcharge_basis"], "惩罚性电价");
    assert_eq!(b["measures"], "不得参与工业用地竞买");
}

/// A surcharge triggered by an event of its kind dated in the period: 汉滨六号厂's env_violation_serious
/// of 2024-05-10 gives 0.3 元/kWh, above its third-year 0.15: 100 × 0.3 = 30.00 万元. 汉阴五号厂's event of
/// 2023 is outside 2024: it keeps 惩罚性电价 0.08.
#[test]
fn an_event_in_the_period_triggers_its_surcharge() {
    let tmp = tempfile::tempdir().unwrap();
    let events = "enterprise_id,date,kind,note\n91610902MA00090062,2024-05-10,env_violation_serious,\n91610921MA00091055,2023-11-02,env_violation_serious,\n";
    let p = policies(tmp.path(), "event_surcharges = { env_violation_serious = 0.3 }", Some(events));
    let a = &p["汉滨六号厂"];
    assert_eq!(
        (a["surcharge_yuan_per_kwh"].as_str(), a["surcharge_10k_yuan"].as_str(), a["surcharge_basis"].as_str()),
        ("0.3000", "30.00", "env_violation_serious 2024-05-10")
    );
    assert_eq!(p["汉阴五号厂"]["surcharge_basis"], "惩罚性电价");
}
