//! `st`: each enterprise's track and status (excluded, no track, not scored, out of scope, undetermined,
//! vetoed, graded) with the reason code, in the order of `crate::score`'s status checks, and its bonus
//! and penalty (tags in key order, then events in file order, each total capped).

use super::dialect::Sql;
use super::expr::Compiler;
use super::Refusal;
use crate::method::expr::Expr;
use crate::method::Loaded;

/// The stage; `rule` compiles one parsed rule (errors name its key).
pub fn status(c: &Compiler, l: &Loaded) -> Result<String, Refusal> {
    let m = &l.method;
    let rule = |key: String, e: &Expr| c.rule(e).map_err(|reason| Refusal { key, reason });
    // A list of rules (keys `{list}[i].rule`) joined by `op`; `empty` when the list is.
    let joined = |list: &str, exprs: &[Expr], op: &str, empty: &str| -> Result<String, Refusal> {
        let parts: Vec<String> =
            exprs.iter().enumerate().map(|(i, e)| rule(format!("{list}[{i}].rule"), e)).collect::<Result<_, _>>()?;
        Ok(if parts.is_empty() { empty.to_string() } else { parts.join(op) })
    };
    let excluded = joined("exclude", &l.exclude, " OR ", "FALSE")?;
    let mut track = String::from("CASE");
    let (mut out, mut und) = (String::from("CASE"), String::from("CASE"));
    for (t, tc) in l.tracks.iter().enumerate() {
        track += &format!(" WHEN {} THEN {t}", rule(format!("tracks[{t}].select"), &tc.select)?);
        let scope = joined(&format!("tracks[{t}].scope"), &tc.scope, " AND ", "TRUE")?;
        out += &format!(" WHEN track = {t} THEN NOT ({scope})");
        let u = joined(&format!("tracks[{t}].undetermined"), &tc.undetermined, " OR ", "FALSE")?;
        und += &format!(" WHEN track = {t} THEN ({u})");
    }
    track += " END";
    out += " END";
    und += " END";
    let d = c.dialect;
    let veto = in_list(d, &m.adjust.veto_events);
    let veto = if veto.is_empty() { "NULL".into() } else { veto };
    let parts = [
        (
            "st_k",
            format!("SELECT f.*, {excluded} AS excluded, CASE WHEN {excluded} THEN NULL ELSE {track} END AS track FROM facts f"),
        ),
        ("st_v", format!("SELECT enterprise_id, bool_or(kind IN ({veto})) AS veto FROM ev GROUP BY enterprise_id")),
        (
            "st_s",
            format!(
                "SELECT k.*, CASE WHEN excluded THEN 'excluded' WHEN track IS NULL THEN 'no_track' \
                 WHEN NOT (land > 0.0) THEN 'not_scored'\n    WHEN {out} THEN 'out_of_scope' WHEN {und} THEN 'undetermined' \
                 WHEN COALESCE(v.veto, FALSE) THEN 'vetoed' ELSE 'graded' END AS status_st\n  \
                 FROM st_k k LEFT JOIN st_v v USING (enterprise_id)"
            ),
        ),
    ];
    let select = format!(
        "SELECT s.*, status_st IN ('graded', 'vetoed') OR (status_st = 'undetermined' AND {}) AS scored_st,\n  \
         CASE status_st WHEN 'excluded' THEN 'excluded' WHEN 'no_track' THEN 'no_track' WHEN 'not_scored' THEN 'land_not_positive'\n    \
         WHEN 'out_of_scope' THEN 'out_of_scope' WHEN 'undetermined' THEN 'undetermined_rule' WHEN 'vetoed' THEN 'veto' END AS code_st\n\
         FROM st_s s",
        scores_undetermined(l)
    );
    Ok(d.staged("st", &parts, &select) + &adjust(d, l))
}

/// Whether the firm's track scores its undetermined (T) firms (`score_undetermined`), by track.
pub fn scores_undetermined(l: &Loaded) -> String {
    let arms: String = l
        .method
        .tracks
        .iter()
        .enumerate()
        .map(|(t, tr)| format!(" WHEN {t} THEN {}", tr.score_undetermined.to_string().to_uppercase()))
        .collect();
    format!("(CASE track{arms} END)")
}

fn in_list(d: Sql<'_>, kinds: &[String]) -> String {
    kinds.iter().map(|k| d.text(k)).collect::<Vec<_>>().join(", ")
}

/// `adj`: bonus and penalty of every enterprise: tag points in the order of their names, then event
/// points in file order, as `crate::score::adjust` adds them; each total capped.
fn adjust(d: Sql<'_>, l: &Loaded) -> String {
    let a = &l.method.adjust;
    let mut tags = d.double(0.0);
    for (tag, pts) in &a.bonus_tags {
        tags = format!("({tags} + CASE WHEN {} THEN {} ELSE 0.0 END)", d.has_tag(tag), d.double(*pts));
    }
    let points = |map: &std::collections::BTreeMap<String, f64>| -> String {
        if map.is_empty() {
            return "CAST(NULL AS DOUBLE)".into();
        }
        let arms: Vec<String> = map.iter().map(|(k, p)| format!("WHEN {} THEN {}", d.text(k), d.double(*p))).collect();
        format!("CASE kind {} END", arms.join(" "))
    };
    let (bonus_ev, penalty_ev) = (points(&a.bonus_events), points(&a.penalty_events));
    let cap = |x: String, cap: Option<f64>, above: bool| match (cap, above) {
        (Some(c), true) => format!("CASE WHEN {x} > {c} THEN {c} ELSE {x} END", c = d.double(c)),
        (Some(c), false) => format!("CASE WHEN {x} < -{c} THEN -{c} ELSE {x} END", c = d.double(c)),
        (None, _) => x,
    };
    // The tag part starts the bonus; the events are added to it one by one (a fold from it).
    let parts = [
        (
            "adj_e",
            format!(
                "SELECT enterprise_id, {} AS bl,\n    {} AS penalty FROM ev GROUP BY enterprise_id",
                d.ordered_list(&bonus_ev, "seq", "TRUE"),
                format_args!("0.0 + COALESCE({}, 0.0)", d.fold_sum(&penalty_ev, "seq", "TRUE")),
            ),
        ),
        (
            "adj_b",
            format!(
                "SELECT st.enterprise_id, {tags} AS tag_bonus, e.bl, COALESCE(e.penalty, 0.0) AS penalty \
                 FROM st LEFT JOIN adj_e e USING (enterprise_id)"
            ),
        ),
    ];
    let select = format!(
        "SELECT enterprise_id, {} AS bonus, {} AS penalty FROM (\n  SELECT enterprise_id, \
         {} AS bonus_raw, penalty AS penalty_raw FROM adj_b\n) x",
        cap("bonus_raw".into(), a.bonus_cap, true),
        cap("penalty_raw".into(), a.penalty_cap, false),
        d.fold_from("tag_bonus", "bl"),
    );
    d.staged("adj", &parts, &select)
}
