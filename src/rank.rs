//! Rank stage: order each track's graded firms — rounded total descending, then the tie-break indicators
//! descending (full precision, missing last), then enterprise_id ascending — assign classes within each
//! class group, and number ranks in the class group, the county and the industry. Vetoed firms follow the
//! graded firms of their group in the same order; undetermined firms get no rank.

use crate::classify;
use crate::dataset::Dataset;
use crate::method::{Group, Loaded, Ties};
use crate::score::Groups;
use crate::score::{Fig, Scored, Status};
use std::cmp::Ordering;

/// The positions in `track` of the methodology's tie-break indicators (`[ranking] tie_break`), in the
/// order they break ties; a key the track does not have is skipped.
pub fn tie_positions(ranking: &crate::method::Ranking, track: &crate::method::Track) -> Vec<usize> {
    ranking.tie_break.iter().filter_map(|key| track.indicators.iter().position(|i| &i.key == key)).collect()
}

/// The documented order of firms within a track; `tie` from [`tie_positions`].
pub fn compare(a: usize, b: usize, s: &[Scored], data: &Dataset, tie: &[usize]) -> Ordering {
    order(&s[a], &data.enterprises[a].id, &s[b], &data.enterprises[b].id, tie)
}

/// The documented order of two firms of a track (`Less`: `a` comes first): rounded total descending, the
/// tie-break indicators (`tie`, from [`tie_positions`]) descending at full precision with missing last,
/// then the id ascending. A firm's result need not be the run's: the enterprise card places a firm
/// scored again among the others with it.
pub fn order(a: &Scored, a_id: &str, b: &Scored, b_id: &str, tie: &[usize]) -> Ordering {
    let ta = a.total_rounded().unwrap_or(f64::NEG_INFINITY);
    let tb = b.total_rounded().unwrap_or(f64::NEG_INFINITY);
    tb.total_cmp(&ta)
        .then_with(|| {
            for &k in tie {
                let va = a.figures.get(Fig::Value, k).unwrap_or(f64::NEG_INFINITY);
                let vb = b.figures.get(Fig::Value, k).unwrap_or(f64::NEG_INFINITY);
                match vb.total_cmp(&va) {
                    Ordering::Equal => continue,
                    o => return o,
                }
            }
            Ordering::Equal
        })
        .then_with(|| a_id.cmp(b_id))
}

/// Sorts firms in the documented order ([`compare`]). The rounded total and the first tie-break value
/// are taken once per firm and compared first; the full comparison, a total order ending on the id,
/// settles what they leave equal, so the order is the same at any thread count.
fn sort_ranked(firms: &mut Vec<usize>, s: &[Scored], data: &Dataset, tie: &[usize]) {
    use rayon::prelude::*;
    let mut keys: Vec<(f64, f64, usize)> = firms
        .par_iter()
        .map(|&i| {
            let first = tie.first().map_or(0.0, |&k| s[i].figures.get(Fig::Value, k).unwrap_or(f64::NEG_INFINITY));
            (s[i].total_rounded().unwrap_or(f64::NEG_INFINITY), first, i)
        })
        .collect();
    keys.par_sort_unstable_by(|a, b| {
        b.0.total_cmp(&a.0).then(b.1.total_cmp(&a.1)).then_with(|| compare(a.2, b.2, s, data, tie))
    });
    firms.clear();
    firms.extend(keys.iter().map(|k| k.2));
}

/// Assigns classes and ranks to every scored enterprise.
pub fn classify_and_rank(data: &Dataset, loaded: &Loaded, s: &mut [Scored]) {
    let m = &loaded.method;
    let digits = m.ranking.industry_digits;
    // Every firm's group under each grouping used (the class groups, county, industry), numbered once
    // for all the tracks.
    let all: Vec<usize> = (0..s.len()).collect();
    let mut used: Vec<Group> = m
        .tracks
        .iter()
        .map(|t| t.classes.group)
        .chain([Group::City, Group::County, Group::Park, Group::Industry, Group::Named])
        .collect();
    used.sort_by_key(|g| *g as u8);
    used.dedup();
    let groupings: Vec<(Group, Groups)> = used.into_iter().map(|g| (g, Groups::new(data, &all, g, digits))).collect();
    let numbered = |g: Group| &groupings.iter().find(|(x, _)| *x == g).expect("every grouping used is numbered").1;
    // Each track's graded and vetoed firms, in enterprise order, from one pass over the firms.
    let mut members: Vec<(Vec<usize>, Vec<usize>)> = vec![(Vec::new(), Vec::new()); m.tracks.len()];
    for (i, x) in s.iter().enumerate() {
        match (x.track, x.status) {
            (Some(t), Status::Graded) => members[t].0.push(i),
            (Some(t), Status::Vetoed) => members[t].1.push(i),
            _ => {}
        }
    }
    for (t, track) in m.tracks.iter().enumerate() {
        let tie = tie_positions(&m.ranking, track);
        let (mut graded, mut vetoed) = std::mem::take(&mut members[t]);
        sort_ranked(&mut graded, s, data, &tie);
        sort_ranked(&mut vetoed, s, data, &tie);
        let rule = &track.classes;
        // Classes and the class-group rank. Firms are numbered by group once (in enterprise order), so the
        // passes in rank order below index a small array instead of reading each firm's text.
        let class_groups = numbered(rule.group);
        let mut groups: Vec<(Vec<usize>, usize)> = vec![(Vec::new(), 0); class_groups.names.len()];
        for &i in &graded {
            groups[class_groups.of[i] as usize].0.push(i);
        }
        for &i in &vetoed {
            groups[class_groups.of[i] as usize].1 += 1;
        }
        for (members, n_vetoed) in groups.iter().filter(|(members, _)| !members.is_empty()) {
            let n = members.len() + if m.adjust.vetoed_in_quota { *n_vetoed } else { 0 };
            let classifier = classify::Classifier::new(rule, n);
            // (class, firm) of the previous firm in the group.
            let mut prev: Option<(usize, usize)> = None;
            for (p, &i) in members.iter().enumerate() {
                let mut c = classifier.class(p + 1, s[i].total_rounded().unwrap_or(0.0));
                if let (Ties::ShareBetter, Some((pc, pi))) = (rule.ties, prev) {
                    if s[pi].total_text == s[i].total_text && pc < c {
                        c = pc;
                    }
                }
                prev = Some((c, i));
                s[i].class = rule.labels[c].as_str().into();
            }
        }
        let ordered: Vec<usize> = graded.iter().chain(vetoed.iter()).copied().collect();
        let shared = m.ranking.shared_ranks;
        let levels = [
            numbered(Group::City),
            numbered(rule.group),
            numbered(Group::County),
            numbered(Group::Park),
            numbered(Group::Industry),
            numbered(Group::Named),
        ];
        number(&ordered, levels, s, shared);
    }
}

/// Numbers firms 1, 2, … within each group of each grouping (the whole track, the class group, county,
/// park, industry, named group: `track_rank`, `rank`, `county_rank`, `park_rank`, `industry_rank`,
/// `group_rank`), in the given order. With `shared`, firms tied on the rounded total (and
/// of the same status) share the rank of the first of them (1, 2, 2, 4). The three ranks are numbered in
/// one pass, so each firm's result is written once: in rank order the writes land all over memory
/// (docs/performance.md, seventh round).
fn number(ordered: &[usize], groupings: [&Groups; 6], s: &mut [Scored], shared: bool) {
    // Per grouping and group: (position, rank given, the previous firm).
    let mut next: [Vec<(usize, usize, usize)>; 6] = groupings.map(|g| vec![(0, 0, 0); g.names.len()]);
    for &i in ordered {
        let mut ranks = [0; 6];
        for (k, groups) in groupings.iter().enumerate() {
            let (pos, rank, prev) = &mut next[k][groups.of[i] as usize];
            *pos += 1;
            let tied = shared && *pos > 1 && s[*prev].total_text == s[i].total_text && s[*prev].status == s[i].status;
            if !tied {
                *rank = *pos;
            }
            *prev = i;
            ranks[k] = *rank;
        }
        let x = &mut s[i];
        let [track, class_group, county, park, industry, named] =
            ranks.map(|r| Some(u32::try_from(r).expect("fewer than 2^32 firms")));
        (x.track_rank, x.rank, x.county_rank) = (track, class_group, county);
        (x.park_rank, x.industry_rank, x.group_rank) = (park, industry, named);
    }
}
