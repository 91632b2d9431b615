//! 自定义分组: groups defined in the methodology (`[[groups]]`) by lists of industry code prefixes, parks,
//! counties or tags, usable wherever a group is (benchmarks, class groups, ranks, aggregates) as
//! `group = "groups"`, and in rules as the field `group`. A firm belongs to the first group it matches;
//! a firm matching none is in 其他.

use crate::dataset::Enterprise;
use serde::Deserialize;

/// The group of firms matching none of the groups.
pub const OTHER: &str = "其他";

/// One named group. A firm matches when every list given holds (a list holds when any entry matches);
/// a group with no list takes every firm that reaches it (a catch-all).
#[derive(Debug, Clone, Deserialize, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GroupDef {
    pub name: String,
    /// GB/T 4754 code prefixes (`"17"` takes 1711, 1712 …).
    #[serde(default)]
    pub industries: Vec<String>,
    #[serde(default)]
    pub parks: Vec<String>,
    #[serde(default)]
    pub counties: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

impl GroupDef {
    fn matches(&self, e: &Enterprise) -> bool {
        let any = |list: &[String], hit: &dyn Fn(&str) -> bool| list.is_empty() || list.iter().any(|x| hit(x));
        any(&self.industries, &|p| e.industry.starts_with(p))
            && any(&self.parks, &|p| e.park == p)
            && any(&self.counties, &|c| e.county == c)
            && any(&self.tags, &|t| e.tags.iter().any(|x| x == t))
    }

    /// The group in words, for `check` and the reports.
    pub fn words(&self) -> String {
        let mut parts = Vec::new();
        if !self.industries.is_empty() {
            parts.push(format!("行业代码以 {} 开头", self.industries.join("/")));
        }
        if !self.parks.is_empty() {
            parts.push(format!("园区为 {}", self.parks.join("、")));
        }
        if !self.counties.is_empty() {
            parts.push(format!("县区为 {}", self.counties.join("、")));
        }
        if !self.tags.is_empty() {
            parts.push(format!("带有 {} 标签", self.tags.join("、")));
        }
        if parts.is_empty() {
            format!("{}: 其余企业", self.name)
        } else {
            format!("{}: {}", self.name, parts.join(" 且 "))
        }
    }
}

/// Sets each enterprise's group (`Enterprise::group`) by the first group it matches; 其他 for none.
/// Without groups every firm's group stays empty.
pub fn assign(groups: &[GroupDef], enterprises: &mut [Enterprise]) {
    if groups.is_empty() {
        return;
    }
    for e in enterprises {
        e.group = groups.iter().find(|g| g.matches(e)).map_or(OTHER, |g| g.name.as_str()).into();
    }
}

/// A methodology key that asks for the named groups, with the group asked for.
fn uses(method: &super::Methodology) -> Vec<(String, super::Group)> {
    let mut out = Vec::new();
    for (t, track) in method.tracks.iter().enumerate() {
        out.push((format!("tracks[{t}].classes.group"), track.classes.group));
        out.push((format!("tracks[{t}].points.minmax_group"), track.points.minmax_group));
        for (i, ind) in track.indicators.iter().enumerate() {
            if let Some(super::Benchmark::Derived(d)) = &ind.benchmark {
                out.push((format!("tracks[{t}].indicators[{i}].benchmark.group"), d.group));
            }
        }
    }
    out
}

/// Refuses `group = "groups"` without `[[groups]]`, a group without a name, and a name used twice:
/// (key, problem, fix).
pub fn check(method: &super::Methodology) -> Result<(), (String, String, String)> {
    if method.groups.is_empty() {
        if let Some((key, _)) = uses(method).into_iter().find(|(_, g)| *g == super::Group::Named) {
            return Err((
                key,
                "group = \"groups\" but no [[groups]] is defined".into(),
                "add [[groups]] tables (name = \"纺织鞋帽\", industries = [\"17\", \"18\"]) or use county/park/industry"
                    .into(),
            ));
        }
    }
    let mut seen = std::collections::HashSet::new();
    for (i, g) in method.groups.iter().enumerate() {
        if g.name.trim().is_empty() || !seen.insert(g.name.as_str()) {
            let problem = if g.name.trim().is_empty() {
                "a group needs a name".into()
            } else {
                format!("group name '{}' is used twice", g.name)
            };
            return Err((format!("groups[{i}].name"), problem, "give each group its own name".into()));
        }
    }
    Ok(())
}
