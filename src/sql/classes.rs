//! `ranked`: classes and every rank level, as `crate::rank` and `crate::classify` give them. Firms of a
//! track are ordered by rounded total descending, the tie-break values descending (missing last), then the
//! id; graded firms take classes by their position in their class group, vetoed firms follow them in the
//! ranks and take the veto class.

use super::dialect::Sql;
use super::scoring::group_key;
use super::Refusal;
use crate::method::{ClassMethod, Classes, Group, Loaded, Rounding, Ties};

/// ⌊…⌋, ⌈…⌉ or half up of `n × pct ÷ 100` as `crate::classify` rounds it (binary64 arithmetic).
fn rounded_count(d: Sql<'_>, pct: f64, round: Rounding) -> String {
    let x = format!("(CAST(n AS DOUBLE) * {})", d.double(pct));
    match round {
        Rounding::Floor => format!("floor({x} / 100.0)"),
        Rounding::Ceil => format!("ceil({x} / 100.0)"),
        Rounding::HalfUp => format!("floor(({x} + 50.0) / 100.0)"),
    }
}

/// The class index (0 = the first label) of the firm at position `pos` of `n`, total `t`.
fn class_index(d: Sql<'_>, c: &Classes) -> String {
    let last = c.labels.len() - 1;
    let first_of = |conds: Vec<String>| {
        let arms: String = conds.iter().enumerate().map(|(j, w)| format!(" WHEN {w} THEN {j}")).collect();
        format!("(CASE{arms} ELSE {last} END)")
    };
    match c.method {
        ClassMethod::CumulativeRound => first_of(
            c.cum_pcts.iter().map(|p| format!("CAST(pos AS DOUBLE) <= {}", rounded_count(d, *p, c.round))).collect(),
        ),
        ClassMethod::PositionShare => first_of(
            c.cum_pcts
                .iter()
                .map(|p| format!("100.0 * CAST(pos AS DOUBLE) <= {} * CAST(n AS DOUBLE)", d.double(*p)))
                .collect(),
        ),
        ClassMethod::Thresholds => {
            first_of(c.thresholds.iter().map(|x| format!("CAST(total_dec AS DOUBLE) >= {}", d.double(*x))).collect())
        }
        ClassMethod::Counts => counts(d, c),
        ClassMethod::Rules => rules(d, c),
    }
}

/// `rules`: the class of the first rule whose conditions all hold for the firm's position (among the
/// first or the last places of the group, counted or a rounded share of N) and rounded total, as
/// `crate::classify::Classifier` reads them; the last label when none holds.
fn rules(d: Sql<'_>, c: &Classes) -> String {
    let last = c.labels.len() - 1;
    let places = |count: Option<usize>, pct: Option<f64>, round: Rounding| match (count, pct) {
        (Some(k), _) => Some(format!("{k}.0")),
        (None, Some(p)) => Some(rounded_count(d, p, round)),
        (None, None) => None,
    };
    let mut arms = String::new();
    for r in &c.rules {
        let mut all = Vec::new();
        if let Some(top) = places(r.top_count, r.top_pct, r.round) {
            all.push(format!("CAST(pos AS DOUBLE) <= {top}"));
        }
        if let Some(bottom) = places(r.bottom_count, r.bottom_pct, r.round) {
            all.push(format!("CAST(pos AS DOUBLE) + {bottom} > CAST(n AS DOUBLE)"));
        }
        if let Some(m) = r.min_total {
            all.push(format!("CAST(total_dec AS DOUBLE) >= {}", d.double(m)));
        }
        if let Some(b) = r.below_total {
            all.push(format!("CAST(total_dec AS DOUBLE) < {}", d.double(b)));
        }
        let class = c.labels.iter().position(|l| *l == r.class).unwrap_or(last);
        let when = if all.is_empty() { "TRUE".to_string() } else { all.join(" AND ") };
        arms += &format!(" WHEN {when} THEN {class}");
    }
    format!("(CASE{arms} ELSE {last} END)")
}

/// `counts`: each class's count (its own, or a share of N rounded its way), the classes below the rest
/// class filled first from the bottom, then those above from the top, the rest class taking what is left;
/// a position's class is the one whose cumulative count first reaches it.
fn counts(d: Sql<'_>, c: &Classes) -> String {
    let k = c.labels.len();
    let rest = c.labels.iter().position(|l| Some(l) == c.rest.as_ref()).unwrap_or(k - 1);
    let mut want = vec!["0.0".to_string(); k];
    for x in &c.counts {
        if let Some(i) = c.labels.iter().position(|l| *l == x.class) {
            want[i] = match x.count {
                Some(n) => format!("{n}.0"),
                None => format!("greatest({}, 0.0)", rounded_count(d, x.pct, x.round)),
            };
        }
    }
    let mut got = vec![String::new(); k];
    let mut left = "CAST(n AS DOUBLE)".to_string();
    for i in (rest + 1..k).chain(0..rest) {
        got[i] = format!("least({}, {left})", want[i]);
        left = format!("({left} - {})", got[i]);
    }
    got[rest] = left;
    let mut cum = "0.0".to_string();
    let mut arms = String::new();
    for (i, g) in got.iter().enumerate() {
        cum = format!("({cum} + {g})");
        arms += &format!(" WHEN CAST(pos AS DOUBLE) <= {cum} THEN {i}");
    }
    format!("(CASE{arms} ELSE {} END)", k - 1)
}

/// The `ranked` stage.
pub fn ranked(d: Sql<'_>, l: &Loaded) -> Result<String, Refusal> {
    let m = &l.method;
    let digits = m.ranking.industry_digits;
    let mut tie = String::new();
    for key in &m.ranking.tie_break {
        let arms: String = m
            .tracks
            .iter()
            .enumerate()
            .filter_map(|(t, tr)| {
                tr.indicators.iter().position(|i| &i.key == key).map(|k| format!(" WHEN {t} THEN v_{t}_{k}"))
            })
            .collect();
        if !arms.is_empty() {
            tie += &format!(", (CASE track{arms} END) DESC NULLS LAST");
        }
    }
    let order = format!("total_dec DESC{tie}, enterprise_id");
    let (mut cgroup, mut class, mut labels, mut undetermined) = (
        String::from("CASE track"),
        String::from("CASE track"),
        String::from("CASE track"),
        String::from("CASE track"),
    );
    for (t, tr) in m.tracks.iter().enumerate() {
        let key = format!("tracks[{t}].classes");
        cgroup += &format!(" WHEN {t} THEN {}", group_key(tr.classes.group, digits, &format!("{key}.group"))?);
        class += &format!(" WHEN {t} THEN {}", class_index(d, &tr.classes));
        let arms: String =
            tr.classes.labels.iter().enumerate().map(|(i, x)| format!(" WHEN {i} THEN {}", d.text(x))).collect();
        labels += &format!(" WHEN {t} THEN (CASE ci{arms} END)");
        undetermined += &format!(" WHEN {t} THEN {}", d.text(&tr.undetermined_class));
    }
    // The tracks whose tied firms share the better class (the others split ties by the tie-break).
    let shares: Vec<String> = m
        .tracks
        .iter()
        .enumerate()
        .filter(|(_, t)| t.classes.ties == Ties::ShareBetter)
        .map(|(t, _)| t.to_string())
        .collect();
    let vetoed_n = if m.adjust.vetoed_in_quota { " + COALESCE(v.nv, 0)" } else { "" };
    let parts = [
        ("classed_g", format!("SELECT *, {cgroup} END AS cg FROM scored")),
        (
            "classed_q",
            format!(
                "SELECT enterprise_id, row_number() OVER (PARTITION BY track, cg ORDER BY {order}) AS pos, \
                 count(*) OVER (PARTITION BY track, cg) AS ng FROM classed_g WHERE status = 'graded'"
            ),
        ),
        (
            "classed_v",
            "SELECT track, cg, count(*) AS nv FROM classed_g WHERE status = 'vetoed' GROUP BY track, cg".into(),
        ),
        (
            "classed_c",
            format!(
                "SELECT g.*, q.pos, q.ng{vetoed_n} AS n FROM classed_g g LEFT JOIN classed_q q USING (enterprise_id) \
                 LEFT JOIN classed_v v USING (track, cg)"
            ),
        ),
        ("classed_i", format!("SELECT c.*, CASE WHEN pos IS NOT NULL THEN {class} END END AS ci0 FROM classed_c c")),
    ];
    let share = "min(ci0) OVER (PARTITION BY track, cg, total_dec ORDER BY pos ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)";
    let ci = if shares.is_empty() {
        "ci0".to_string()
    } else {
        format!("CASE WHEN track IN ({}) THEN {share} ELSE ci0 END", shares.join(", "))
    };
    let select = format!("SELECT i.*, {ci} AS ci FROM classed_i i");
    let mut s = d.staged("classed", &parts, &select);
    let number = |part: &str| {
        let by = format!("track, {part}");
        if m.ranking.shared_ranks {
            format!("rank() OVER (PARTITION BY {by} ORDER BY status = 'vetoed', total_dec DESC)")
        } else {
            format!("row_number() OVER (PARTITION BY {by} ORDER BY status = 'vetoed', {order})")
        }
    };
    let r = format!(
        "SELECT enterprise_id, {} AS track_rank, {} AS rank, {} AS county_rank, {} AS park_rank, {} AS industry_rank\n  \
         FROM classed WHERE status IN ('graded', 'vetoed')",
        number("''"),
        number("cg"),
        number("county"),
        number("park"),
        number(&group_key(Group::Industry, digits, "ranking.industry_digits")?),
    );
    let ranks = format!(
        "SELECT classed.*, r.track_rank, r.rank, r.county_rank, r.park_rank, r.industry_rank,\n  \
         CASE WHEN status = 'vetoed' THEN {} WHEN status = 'undetermined' THEN {undetermined} END \
         WHEN status = 'graded' THEN {labels} END END AS class\n\
         FROM classed LEFT JOIN ranked_r r USING (enterprise_id)",
        d.text(&m.adjust.veto_class),
    );
    s += &d.staged("ranked", &[("ranked_r", r)], &ranks);
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::rules;
    use crate::method::Classes;
    use crate::sql::dialect::{Dialect, Sql};

    #[test]
    fn class_rules_are_tried_in_order_and_the_last_label_takes_the_rest() {
        let c: Classes = toml::from_str(
            "method = \"rules\"\n\
             [[rules]]\nclass = \"A\"\ntop_count = 2\n\
             [[rules]]\nclass = \"D\"\nbottom_pct = 10\nround = \"ceil\"\n\
             [[rules]]\nclass = \"B\"\nmin_total = 90\n\
             [[rules]]\nclass = \"C\"\n",
        )
        .unwrap();
        let d = Sql { dialect: Dialect::DuckDb, stages: "" };
        // For N = 20: places 1–2 A; the last ⌈20 × 10 ÷ 100⌉ = 2 places D (19 + 2 > 20); then B at 90 or
        // more, else C (index 2); a firm no rule takes would be D, the last label.
        assert_eq!(
            rules(d, &c),
            "(CASE WHEN CAST(pos AS DOUBLE) <= 2.0 THEN 0 \
             WHEN CAST(pos AS DOUBLE) + ceil((CAST(n AS DOUBLE) * CAST('10.0' AS DOUBLE)) / 100.0) > CAST(n AS DOUBLE) THEN 3 \
             WHEN CAST(total_dec AS DOUBLE) >= CAST('90.0' AS DOUBLE) THEN 1 WHEN TRUE THEN 2 ELSE 3 END)"
        );
    }
}
