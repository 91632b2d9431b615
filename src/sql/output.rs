//! The enterprises table as `mujun evaluate` writes it (`crate::report::enterprises`): the same columns
//! in the same order and row order, numbers rounded half up at the methodology's decimals, but no extra
//! columns of the enterprises file and no reason in words (the reason code is there).

use super::dialect::Sql;
use crate::method::Loaded;
use crate::schema::Status;

/// Indicator keys over all tracks in first-appearance order, each with (track, position) per track.
fn keys(l: &Loaded) -> Vec<(String, Vec<(usize, usize)>)> {
    let mut out: Vec<(String, Vec<(usize, usize)>)> = Vec::new();
    for (t, tr) in l.method.tracks.iter().enumerate() {
        for (k, i) in tr.indicators.iter().enumerate() {
            match out.iter_mut().find(|(key, _)| *key == i.key) {
                Some((_, at)) => at.push((t, k)),
                None => out.push((i.key.clone(), vec![(t, k)])),
            }
        }
    }
    out
}

/// The SELECT of the enterprises table, from `ranked`.
pub fn enterprises(d: Sql<'_>, l: &Loaded) -> String {
    let m = &l.method;
    let dec = m.output.decimals;
    let num = |x: &str, places: usize| format!("CAST({} AS STRING)", d.round_half_up(x, places));
    let track_names: String =
        m.tracks.iter().enumerate().map(|(t, tr)| format!(" WHEN {t} THEN {}", d.text(&tr.name))).collect();
    // (name, expression): a column of `ranked` read as it is when the expression is empty.
    let mut cols: Vec<(String, String)> =
        ["enterprise_id", "name", "county", "park", "industry", "scale"].map(|c| (c.into(), String::new())).into();
    cols.push(("track".into(), format!("CASE track{track_names} ELSE '' END")));
    cols.push(("status".into(), String::new()));
    for (c, x) in [
        ("land_mu", "land"),
        ("land_owned_mu", "land_owned"),
        ("land_rented_in_mu", "land_rented_in"),
        ("land_rented_out_mu", "land_rented_out"),
    ] {
        cols.push((c.into(), num(x, dec)));
    }
    let keys = keys(l);
    for (prefix, v) in [("", "v"), ("pts_", "p")] {
        for (key, at) in &keys {
            let arms: String = at.iter().map(|(t, k)| format!(" WHEN {t} THEN {v}_{t}_{k}")).collect();
            cols.push((format!("{prefix}{key}"), num(&format!("(CASE track{arms} END)"), dec)));
        }
    }
    cols.push(("bonus".into(), format!("CASE WHEN scored THEN {} END", num("bonus", 4))));
    cols.push(("penalty".into(), format!("CASE WHEN scored THEN {} END", num("penalty", 4))));
    cols.push(("total".into(), "CAST(total_dec AS STRING)".into()));
    for c in ["class", "rank", "county_rank", "industry_rank", "track_rank", "park_rank"] {
        cols.push((c.into(), String::new()));
    }
    cols.push(("reason_code".into(), "code".into()));
    cols.push(("reason".into(), "CAST(NULL AS STRING)".into()));
    // Row order: track, graded and vetoed firms by rank, then the other statuses in their order; the id.
    // The keys are named apart: an output column such as `track` (the name) would be sorted as text.
    let status_order: String =
        Status::ALL.iter().enumerate().map(|(i, s)| format!(" WHEN '{}' THEN {i}", s.code())).collect();
    let keys = [
        "track AS o_track".to_string(),
        format!("greatest(CASE status{status_order} END, 1) AS o_group"),
        "track_rank AS o_rank".into(),
        format!("CASE status{status_order} END AS o_status"),
        "enterprise_id AS o_id".into(),
    ];
    let names: Vec<String> = cols.iter().map(|(n, _)| d.ident(n)).collect();
    let exprs: Vec<String> =
        cols.iter().map(|(n, x)| if x.is_empty() { d.ident(n) } else { format!("{x} AS {}", d.ident(n)) }).collect();
    format!(
        "SELECT {}\nFROM (\n  SELECT {},\n  {}\n  FROM ranked\n) e\nORDER BY o_track NULLS LAST, o_group, o_rank NULLS LAST, o_status, o_id",
        names.join(", "),
        exprs.join(",\n  "),
        keys.join(", ")
    )
}
