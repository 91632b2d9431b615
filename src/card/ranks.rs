//! Every rank of a firm with the size of the group it is ranked in: 序列 (the whole track), the class
//! group (定级分组), 县区, 园区, 行业 and the methodology's named group — "第 3 名 / 共 120 家".

use crate::method::Group;
use crate::pipeline::Run;
use serde::Serialize;
use std::collections::HashMap;

/// One rank of the card.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RankLine {
    /// The column of enterprises.csv (`track_rank`, `rank`, `county_rank`, `park_rank`, `industry_rank`).
    pub level: String,
    /// In words: 序列排名, 县区排名 …
    pub label: String,
    /// The group ranked in ("规上", "汉滨区" …).
    pub group: String,
    pub rank: usize,
    /// Firms ranked in that group.
    pub of: usize,
}

/// The levels, in the order the card lists them.
const LEVELS: [(&str, &str, Option<Group>); 6] = [
    ("track_rank", "序列排名", Some(Group::City)),
    ("rank", "定级分组排名", None),
    ("county_rank", "县区排名", Some(Group::County)),
    ("park_rank", "园区排名", Some(Group::Park)),
    ("industry_rank", "行业排名", Some(Group::Industry)),
    ("group_rank", "分组排名", Some(Group::Named)),
];

/// Ranked firms per track, level and group.
pub struct Counts(HashMap<(usize, usize, String), usize>);

fn group_of(run: &Run, t: usize, level: usize, i: usize) -> String {
    let m = &run.method.method;
    let g = LEVELS[level].2.unwrap_or(m.tracks[t].classes.group);
    crate::score::benchmark_group(&run.data.enterprises[i], g, m.ranking.industry_digits).to_string()
}

fn rank_at(s: &crate::score::Scored, level: usize) -> Option<usize> {
    [s.track_rank, s.rank, s.county_rank, s.park_rank, s.industry_rank, s.group_rank][level].map(|r| r as usize)
}

impl Counts {
    pub fn of(run: &Run) -> Counts {
        let mut c = HashMap::new();
        for (i, s) in run.scored.iter().enumerate() {
            let Some(t) = s.track else { continue };
            for level in 0..LEVELS.len() {
                if rank_at(s, level).is_some() {
                    *c.entry((t, level, group_of(run, t, level, i))).or_default() += 1;
                }
            }
        }
        Counts(c)
    }

    /// The ranks firm `i` has (a park rank only when it is in a park, a group rank only in a named group).
    pub fn lines(&self, run: &Run, i: usize) -> Vec<RankLine> {
        let s = &run.scored[i];
        let Some(t) = s.track else { return Vec::new() };
        let m = &run.method.method;
        (0..LEVELS.len())
            .filter_map(|level| {
                let rank = rank_at(s, level)?;
                let group = group_of(run, t, level, i);
                if matches!(LEVELS[level].0, "park_rank" | "group_rank") && group.is_empty() {
                    return None;
                }
                let of = self.0.get(&(t, level, group.clone())).copied().unwrap_or(0);
                let shown = if group.is_empty() { m.tracks[t].name.clone() } else { group };
                Some(RankLine { level: LEVELS[level].0.into(), label: LEVELS[level].1.into(), group: shown, rank, of })
            })
            .collect()
    }
}
