//! Loading and checking a methodology file. Every error names the key (`tracks[1].indicators[0].num`)
//! and says how to fix it; nothing is guessed.

use super::expr::{self, Expr};
use super::*;
use crate::schema::Field;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum MethodError {
    #[error("methodology file {path}: cannot read: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("methodology file {path}: {message}")]
    Toml { path: String, message: String },
    #[error("methodology file {path}: `{key}`: {problem}. Fix: {fix}")]
    Invalid { path: String, key: String, problem: String, fix: String },
}

/// A checked methodology with its rules parsed.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub method: Methodology,
    /// The `exclude` rules, parsed.
    pub exclude: Vec<Expr>,
    pub tracks: Vec<Compiled>,
    pub path: PathBuf,
    pub sha256: String,
}

impl Loaded {
    /// Whether any expression reads a prior-year figure (`prior_<field>`): only then does an evaluation
    /// compute every firm's facts for the year before.
    pub fn reads_prior_year(&self) -> bool {
        let mut used = Vec::new();
        for c in &self.tracks {
            let exprs = c.formulas.iter().flat_map(|(rule, points)| [rule, points]);
            let applies = c.applies.iter().flatten();
            for e in exprs
                .chain([&c.select])
                .chain(&c.scope)
                .chain(&c.undetermined)
                .chain(&c.num)
                .chain(&c.den)
                .chain(applies)
                .chain(c.weights.iter().flatten())
            {
                e.fields(&mut used);
            }
        }
        self.exclude.iter().for_each(|e| e.fields(&mut used));
        used.iter().any(|f| f.starts_with("prior_"))
    }

    /// Binds every expression of every track to the field numbering ([`Field::slot_of`]), so that an
    /// evaluation reads fields by number, not by name.
    fn bind_fields(&mut self) {
        self.exclude.iter_mut().for_each(|e| e.bind(&Field::slot_of));
        for c in &mut self.tracks {
            let formulas = c.formulas.iter_mut().flat_map(|(rule, points)| [rule, points]);
            let rest = c
                .scope
                .iter_mut()
                .chain(c.undetermined.iter_mut())
                .chain(c.num.iter_mut())
                .chain(c.den.iter_mut())
                .chain(c.applies.iter_mut().flatten())
                .chain(c.weights.iter_mut().flatten());
            formulas.chain([&mut c.select]).chain(rest).for_each(|e| e.bind(&Field::slot_of));
        }
    }
}

/// The parsed expressions of one track.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// `[adjust] formulas`: (rule, points), the same for every track (kept here for one lookup).
    pub formulas: Vec<(Expr, Expr)>,
    pub select: Expr,
    pub scope: Vec<Expr>,
    pub undetermined: Vec<Expr>,
    pub num: Vec<Expr>,
    pub den: Vec<Expr>,
    /// Each indicator's `applies` rule (`None`: every firm).
    pub applies: Vec<Option<Expr>>,
    /// Each indicator's `weights` rules, in order.
    pub weights: Vec<Vec<Expr>>,
}

impl Compiled {
    /// The weight of indicator `k` of `track` for the firm of `env`: the first `weights` rule that holds,
    /// else the indicator's `weight`.
    pub fn weight(&self, track: &super::Track, k: usize, env: &dyn expr::Env) -> f64 {
        let ind = &track.indicators[k];
        let hit = self.weights[k].iter().position(|r| r.eval(env).truthy());
        hit.map_or(ind.weight, |j| ind.weights[j].weight)
    }
}

/// Checks a methodology given as text (`path` names the file in errors and the manifest).
pub fn load_str(text: &str, path: &Path) -> Result<Loaded, MethodError> {
    let p = path.display().to_string();
    let method: Methodology =
        toml::from_str(text).map_err(|e| MethodError::Toml { path: p.clone(), message: e.to_string() })?;
    let invalid = |key: String, problem: String, fix: &str| MethodError::Invalid {
        path: p.clone(),
        key,
        problem,
        fix: fix.into(),
    };
    let compile = |key: String, src: &str| -> Result<Expr, MethodError> {
        let e =
            expr::parse(src).map_err(|m| invalid(key.clone(), m, "see docs/methodology.md, section Expressions"))?;
        let mut used = Vec::new();
        e.fields(&mut used);
        if let Some(u) = used.iter().find(|u| Field::slot_of(u).is_none()) {
            let names = Field::rule_names().join(", ");
            return Err(invalid(key, format!("unknown field '{u}'"), &format!("use one of: {names}")));
        }
        Ok(e)
    };
    super::groups::check(&method).map_err(|(key, problem, fix)| invalid(key, problem, &fix))?;
    if method.tracks.is_empty() {
        return Err(invalid("tracks".into(), "no track is defined".into(), "add at least one [[tracks]] table"));
    }
    let mut tracks = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (t, track) in method.tracks.iter().enumerate() {
        let k = format!("tracks[{t}]");
        if !seen.insert(track.name.clone()) {
            return Err(invalid(
                format!("{k}.name"),
                format!("track name '{}' is used twice", track.name),
                "give each track its own name",
            ));
        }
        if track.indicators.is_empty() {
            return Err(invalid(format!("{k}.indicators"), "no indicator".into(), "add [[tracks.indicators]] tables"));
        }
        let mut formulas = Vec::new();
        for (i, f) in method.adjust.formulas.iter().enumerate() {
            formulas.push((
                compile(format!("adjust.formulas[{i}].rule"), &f.rule)?,
                compile(format!("adjust.formulas[{i}].points"), &f.points)?,
            ));
        }
        let mut c = Compiled {
            formulas,
            select: compile(format!("{k}.select"), &track.select)?,
            scope: Vec::new(),
            undetermined: Vec::new(),
            num: Vec::new(),
            den: Vec::new(),
            applies: Vec::new(),
            weights: Vec::new(),
        };
        for (i, r) in track.scope.iter().enumerate() {
            c.scope.push(compile(format!("{k}.scope[{i}].rule"), &r.rule)?);
        }
        for (i, r) in track.undetermined.iter().enumerate() {
            c.undetermined.push(compile(format!("{k}.undetermined[{i}].rule"), &r.rule)?);
        }
        let mut keys = std::collections::HashSet::new();
        for (i, ind) in track.indicators.iter().enumerate() {
            let ik = format!("{k}.indicators[{i}]");
            if !keys.insert(ind.key.clone()) {
                return Err(invalid(
                    format!("{ik}.key"),
                    format!("indicator '{}' is listed twice", ind.key),
                    "remove one",
                ));
            }
            c.num.push(compile(format!("{ik}.num"), &ind.num)?);
            c.den.push(compile(format!("{ik}.den"), &ind.den)?);
            let applies = ind.applies.as_deref().map(|a| compile(format!("{ik}.applies"), a)).transpose()?;
            c.applies.push(applies);
            let mut weights = Vec::new();
            for (j, w) in ind.weights.iter().enumerate() {
                weights.push(compile(format!("{ik}.weights[{j}].rule"), &w.rule)?);
            }
            c.weights.push(weights);
            check_benchmark(track, ind, &ik).map_err(|(key, problem, fix)| invalid(key, problem, &fix))?;
        }
        check_classes(&track.classes, &format!("{k}.classes"))
            .map_err(|(key, problem, fix)| invalid(key, problem, &fix))?;
        tracks.push(c);
    }
    let all_keys: Vec<&str> = method.tracks.iter().flat_map(|t| t.indicators.iter().map(|i| i.key.as_str())).collect();
    for (i, key) in method.ranking.tie_break.iter().enumerate() {
        if !all_keys.contains(&key.as_str()) {
            return Err(invalid(
                format!("ranking.tie_break[{i}]"),
                format!("'{key}' is not an indicator key"),
                &format!("use one of: {}", all_keys.join(", ")),
            ));
        }
    }
    let sha256 = crate::digest::of_bytes(text.as_bytes());
    let mut exclude = Vec::new();
    for (i, r) in method.exclude.iter().enumerate() {
        exclude.push(compile(format!("exclude[{i}].rule"), &r.rule)?);
    }
    let mut loaded = Loaded { method, exclude, tracks, path: path.to_path_buf(), sha256 };
    loaded.bind_fields();
    Ok(loaded)
}

type Problem = (String, String, String);

fn check_benchmark(track: &Track, ind: &Indicator, k: &str) -> Result<(), Problem> {
    let needs = matches!(ind.method.unwrap_or(track.points.method), PointsMethod::Ratio | PointsMethod::InverseRatio);
    match (&ind.benchmark, needs) {
        (None, true) => Err((
            format!("{k}.benchmark"),
            format!("indicator '{}' is scored by value ÷ benchmark but has no benchmark", ind.key),
            "write `benchmark = 24.097` or `benchmark = { kind = \"ratio_of_sums\" }`".into(),
        )),
        (Some(Benchmark::Fixed(b)), _) if *b == 0.0 || !b.is_finite() => {
            Err((format!("{k}.benchmark"), "a benchmark of 0 divides by zero".into(), "use the published benchmark value".into()))
        }
        (Some(Benchmark::Derived(d)), _) if d.kind == DerivedKind::File && (d.file.is_none() || d.column.is_none()) => Err((
            format!("{k}.benchmark"),
            "kind = \"file\" needs `file` and `column`".into(),
            "e.g. { kind = \"file\", file = \"county_prior.csv\", match_column = \"county\", column = \"tax_per_mu\", group = \"county\" }".into(),
        )),
        (Some(Benchmark::Derived(d)), _) if d.kind == DerivedKind::Percentile && !d.p.is_some_and(|p| (0.0..=100.0).contains(&p)) => {
            Err((format!("{k}.benchmark.p"), "percentile needs p between 0 and 100".into(), "e.g. p = 50".into()))
        }
        _ => Ok(()),
    }
}

fn check_classes(c: &Classes, k: &str) -> Result<(), Problem> {
    let n = c.labels.len();
    if n < 2 {
        return Err((
            format!("{k}.labels"),
            "fewer than two classes".into(),
            "e.g. labels = [\"A\", \"B\", \"C\", \"D\"]".into(),
        ));
    }
    let increasing = |v: &[f64]| v.windows(2).all(|w| w[0] <= w[1]) && v.iter().all(|p| (0.0..=100.0).contains(p));
    match c.method {
        ClassMethod::CumulativeRound | ClassMethod::PositionShare
            if c.cum_pcts.len() != n - 1 || !increasing(&c.cum_pcts) =>
        {
            Err((
                format!("{k}.cum_pcts"),
                format!("needs {} increasing percentages for {} classes, got {:?}", n - 1, n, c.cum_pcts),
                "e.g. cum_pcts = [20, 60, 95] for A/B/C/D".into(),
            ))
        }
        ClassMethod::Counts => {
            let rest = c.rest.as_deref().unwrap_or("");
            let mut named: Vec<&str> = c.counts.iter().map(|x| x.class.as_str()).collect();
            named.push(rest);
            named.sort();
            let mut want: Vec<&str> = c.labels.iter().map(|s| s.as_str()).collect();
            want.sort();
            if named != want {
                return Err((
                    format!("{k}.counts"),
                    "every class needs exactly one count rule, except the `rest` class".into(),
                    "e.g. counts = [{ class = \"A\", pct = 20, round = \"floor\" }, …] and rest = \"C\"".into(),
                ));
            }
            Ok(())
        }
        ClassMethod::Rules => check_class_rules(c, k),
        ClassMethod::Thresholds if c.thresholds.len() != n - 1 || c.thresholds.windows(2).any(|w| w[0] < w[1]) => {
            Err((
                format!("{k}.thresholds"),
                format!("needs {} decreasing minimum totals for {} classes", n - 1, n),
                "e.g. thresholds = [90, 70, 50] for A/B/C/D".into(),
            ))
        }
        _ => Ok(()),
    }
}

/// `method = "rules"`: every rule names a class of `labels`, percentages lie in 0–100, and the last rule
/// has no condition (so every firm gets a class).
fn check_class_rules(c: &Classes, k: &str) -> Result<(), Problem> {
    let Some(last) = c.rules.last() else {
        return Err((
            format!("{k}.rules"),
            "method = \"rules\" needs [[tracks.classes.rules]]".into(),
            "e.g. { class = \"A\", top_pct = 20, round = \"floor\" }, …, { class = \"D\" }".into(),
        ));
    };
    for (i, r) in c.rules.iter().enumerate() {
        if !c.labels.contains(&r.class) {
            let problem = format!("'{}' is not one of the labels {:?}", r.class, c.labels);
            return Err((format!("{k}.rules[{i}].class"), problem, "add it to labels or correct it".into()));
        }
        if [r.top_pct, r.bottom_pct].iter().flatten().any(|p| !(0.0..=100.0).contains(p)) {
            return Err((format!("{k}.rules[{i}]"), "a percentage outside 0–100".into(), "e.g. top_pct = 20".into()));
        }
    }
    let conditional = last.top_pct.is_some()
        || last.top_count.is_some()
        || last.bottom_pct.is_some()
        || last.bottom_count.is_some()
        || last.min_total.is_some()
        || last.below_total.is_some();
    if conditional {
        let i = c.rules.len() - 1;
        let rest = c.labels.last().map_or("D", |l| l.as_str());
        return Err((
            format!("{k}.rules[{i}]"),
            "the last rule has a condition, so some firms could get no class".into(),
            format!("end with a rule without conditions, e.g. {{ class = \"{rest}\" }}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The presets read no prior-year figure (no second year of facts is computed for them); one
    /// `prior_` field anywhere (here in an indicator's denominator) is enough to ask for it.
    #[test]
    fn prior_year_is_read_only_when_an_expression_names_it() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/methods");
        let preset = include_str!("../../data/methods/ankang_default.toml");
        assert!(!load_str(preset, &dir.join("ankang_default.toml")).unwrap().reads_prior_year());
        let den = preset.find("den = \"").expect("an indicator denominator");
        let changed = format!("{}den = \"prior_revenue + {}", &preset[..den], &preset[den + "den = \"".len()..]);
        assert!(load_str(&changed, &dir.join("x.toml")).unwrap().reads_prior_year());
    }

    const BASE: &str = r#"
[scheme]
name = "t"
[[tracks]]
name = "规上"
[[tracks.indicators]]
key = "tax_per_mu"
num = "tax"
den = "land"
weight = 100
benchmark = 10
[tracks.classes]
method = "position_share"
cum_pcts = [20, 60, 95]
"#;

    fn err(text: &str) -> String {
        load_str(text, Path::new("m.toml")).unwrap_err().to_string()
    }

    #[test]
    fn a_good_file_loads() {
        let l = load_str(BASE, Path::new("m.toml")).unwrap();
        assert_eq!(l.tracks.len(), 1);
        assert_eq!(l.method.tracks[0].classes.labels, ["A", "B", "C", "D"]);
    }

    #[test]
    fn errors_name_key_and_fix() {
        let e = err(&BASE.replace("den = \"land\"", "den = \"lnad\""));
        assert!(e.contains("tracks[0].indicators[0].den") && e.contains("unknown field 'lnad'"), "{e}");
        let e = err(&BASE.replace("weight = 100", "wieght = 100"));
        assert!(e.contains("wieght"), "{e}");
        let e = err(&BASE.replace("[20, 60, 95]", "[20, 60]"));
        assert!(e.contains("cum_pcts") && e.contains("Fix:"), "{e}");
        let e = err(&BASE.replace("benchmark = 10", ""));
        assert!(e.contains("has no benchmark"), "{e}");
    }
}
