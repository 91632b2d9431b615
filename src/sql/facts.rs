//! The script's first stages: the exported tables read (the period's rows only) and each enterprise's
//! facts — land basis and its parts, period sums in file order (`seq`), quarters reported — as
//! `crate::indicators::compute` makes them.

use super::dialect::{Input, Sql};
use crate::dataset::columns::OUTPUT_COLUMNS;
use crate::method::{LandBasis, Methodology};
use crate::period::Period;
use crate::schema::FileKind;

/// Where the exported tables are and how they were written.
pub struct Source<'a> {
    pub input: Input,
    pub location: &'a str,
}

/// The view named for the exported table of `kind` (`src_enterprises` …).
fn typed(kind: FileKind) -> String {
    format!("src_{}", kind.stem())
}

/// The statements naming the exported tables read with their columns' types.
fn sources(d: Sql<'_>, src: &Source, events: bool) -> String {
    let mut kinds = vec![FileKind::Enterprises, FileKind::Land, FileKind::Output, FileKind::Tax];
    if events {
        kinds.push(FileKind::Events);
    }
    kinds.into_iter().map(|k| d.source(&typed(k), src.input, src.location, k, &columns(k))).collect()
}

/// The columns of each exported kind with their SQL types (`crate::dataset::columns`), but `county`,
/// which the folder names when the tables are partitioned.
fn columns(kind: FileKind) -> Vec<(&'static str, &'static str)> {
    let head = [("seq", "BIGINT"), ("line", "BIGINT"), ("file", "STRING"), ("enterprise_id", "STRING")];
    let own: Vec<(&str, &str)> = match kind {
        FileKind::Enterprises => vec![
            ("name", "STRING"),
            ("park", "STRING"),
            ("industry", "STRING"),
            ("scale", "STRING"),
            ("established_day", "BIGINT"),
            ("production_start_day", "BIGINT"),
            ("tags", "STRING"),
            ("rented_floor_m2", "DOUBLE"),
        ],
        FileKind::Land => {
            vec![("parcel_id", "STRING"), ("area_mu", "DOUBLE"), ("tenure", "STRING"), ("counterparty", "STRING")]
        }
        FileKind::Output => {
            let mut v = vec![("period", "STRING")];
            v.extend(OUTPUT_COLUMNS.iter().map(|c| (*c, "DOUBLE")));
            v
        }
        FileKind::Tax => vec![("period", "STRING"), ("tax_paid", "DOUBLE")],
        _ => vec![("date_day", "BIGINT"), ("kind", "STRING"), ("note", "STRING")],
    };
    head.into_iter().chain(own).collect()
}

/// The input stages: `ent`, `land`, `output` and `tax` of the period, `ev` (events dated in the period;
/// empty without an events table when `events` is false).
pub fn inputs(d: Sql<'_>, src: &Source, period: &Period, events: bool) -> String {
    let quarters: Vec<String> = period.quarters.iter().map(|q| d.text(&q.to_string())).collect();
    let q = quarters.join(", ");
    let mut s = sources(d, src, events);
    let ent = format!(
        "SELECT seq, enterprise_id, COALESCE(name, '') AS name, county, COALESCE(park, '') AS park, industry, scale,\n  \
         CAST(established_day AS DOUBLE) AS established, CAST(production_start_day AS DOUBLE) AS production_start,\n  \
         COALESCE(tags, '') AS tags, rented_floor_m2\nFROM {}",
        typed(FileKind::Enterprises)
    );
    s += &d.table("ent", &ent);
    let land = format!("SELECT enterprise_id, seq, area_mu, tenure FROM {}", typed(FileKind::Land));
    s += &d.table("land", &land);
    let out_cols = OUTPUT_COLUMNS.join(", ");
    let output =
        format!("SELECT enterprise_id, seq, {out_cols} FROM {} WHERE period IN ({q})", typed(FileKind::Output));
    s += &d.table("output", &output);
    let tax = format!("SELECT enterprise_id, seq, tax_paid FROM {} WHERE period IN ({q})", typed(FileKind::Tax));
    s += &d.table("tax", &tax);
    let ev = if events {
        format!(
            "SELECT enterprise_id, seq, kind FROM {} WHERE date_day BETWEEN {} AND {}",
            typed(FileKind::Events),
            period.first_day(),
            period.last_day()
        )
    } else {
        "SELECT CAST(NULL AS STRING) AS enterprise_id, CAST(NULL AS BIGINT) AS seq, CAST(NULL AS STRING) AS kind \
         WHERE FALSE"
            .to_string()
    };
    s += &d.table("ev", &ev);
    s
}

/// `facts`: every enterprise with its land (亩), period sums (NULL when no row of the period has a
/// value; employees the mean of the quarters reported) and the quarters with an output and a tax row.
pub fn facts(d: Sql<'_>, m: &Methodology) -> String {
    let part = |tenure: &str| {
        format!("COALESCE({}, 0.0)", d.fold_sum("l.area_mu", "l.seq", &format!("l.tenure = {}", d.text(tenure))))
    };
    let land = match m.land.basis {
        LandBasis::OwnedPlusRentedInMinusRentedOut => "((land_owned + land_rented_in) - land_rented_out)",
        LandBasis::OwnedPlusRentedIn => "(land_owned + land_rented_in)",
        LandBasis::OwnedOnly => "land_owned",
    };
    let sums: Vec<String> = OUTPUT_COLUMNS
        .iter()
        .map(|c| {
            let sum = d.fold_sum(&format!("o.{c}"), "o.seq", "TRUE");
            if *c == "employees" {
                format!("{sum} / NULLIF(count(o.{c}), 0) AS {c}")
            } else {
                format!("{sum} AS {c}")
            }
        })
        .collect();
    let parts = [
        (
            "facts_l",
            format!(
                "SELECT l.enterprise_id, {} AS land_owned, {} AS land_rented_in, {} AS land_rented_out\n  \
                 FROM land l GROUP BY l.enterprise_id",
                part("自有"),
                part("租入"),
                part("租出")
            ),
        ),
        (
            "facts_o",
            format!(
                "SELECT o.enterprise_id, {}, count(*) AS quarters_output\n  FROM output o GROUP BY o.enterprise_id",
                sums.join(",\n    ")
            ),
        ),
        (
            "facts_t",
            format!(
                "SELECT t.enterprise_id, {} AS tax, count(*) AS quarters_tax FROM tax t GROUP BY t.enterprise_id",
                d.fold_sum("t.tax_paid", "t.seq", "TRUE")
            ),
        ),
        (
            "facts_f",
            format!(
                "SELECT e.*, COALESCE(l.land_owned, 0.0) AS land_owned, COALESCE(l.land_rented_in, 0.0) AS land_rented_in,\n    \
                 COALESCE(l.land_rented_out, 0.0) AS land_rented_out, {}, \
                 CAST(COALESCE(o.quarters_output, 0) AS DOUBLE) AS quarters_output,\n    t.tax, \
                 CAST(COALESCE(t.quarters_tax, 0) AS DOUBLE) AS quarters_tax\n  FROM ent e LEFT JOIN facts_l l USING (enterprise_id) \
                 LEFT JOIN facts_o o USING (enterprise_id) LEFT JOIN facts_t t USING (enterprise_id)",
                OUTPUT_COLUMNS.iter().map(|c| format!("o.{c}")).collect::<Vec<_>>().join(", ")
            ),
        ),
    ];
    d.staged("facts", &parts, &format!("SELECT f.*, {land} AS land FROM facts_f f"))
}
