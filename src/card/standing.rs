//! Where a firm would stand in its class group (定级分组) with another result, the other firms as the run
//! left them: its place in the documented order, and the class the methodology's class rule gives that
//! place and total, through the same [`Classifier`] the rank stage uses (score lines, quotas, cumulative
//! cuts, ordered rules, ties shared or split).

use crate::classify::Classifier;
use crate::method::{ClassMethod, Classes, Ties};
use crate::pipeline::Run;
use crate::rank;
use crate::score::{Scored, Status};
use std::cmp::Ordering;
use std::collections::HashMap;

/// One class group of one track: its graded firms in rank order and its classifier.
pub struct Standing<'a> {
    run: &'a Run,
    pub rule: &'a Classes,
    classifier: Classifier<'a>,
    tie: Vec<usize>,
    /// The graded firms of the group (enterprise indices), best first.
    members: Vec<usize>,
    /// Each member's place in `members`.
    place: HashMap<usize, usize>,
}

impl<'a> Standing<'a> {
    /// The class group of graded firm `i`; `None` for a firm that is not graded.
    pub fn of(run: &'a Run, i: usize) -> Option<Standing<'a>> {
        let s = &run.scored[i];
        let t = s.track.filter(|_| s.status == Status::Graded)?;
        let m = &run.method.method;
        let track = &m.tracks[t];
        let rule = &track.classes;
        let digits = m.ranking.industry_digits;
        let key = |j: usize| crate::score::benchmark_group(&run.data.enterprises[j], rule.group, digits);
        let same = |j: usize| run.scored[j].track == Some(t) && key(j) == key(i);
        let mut members: Vec<usize> =
            (0..run.scored.len()).filter(|&j| same(j) && run.scored[j].status == Status::Graded).collect();
        let vetoed = (0..run.scored.len()).filter(|&j| same(j) && run.scored[j].status == Status::Vetoed).count();
        let tie = rank::tie_positions(&m.ranking, track);
        let ids = &run.data.enterprises;
        members.sort_by(|&a, &b| rank::order(&run.scored[a], &ids[a].id, &run.scored[b], &ids[b].id, &tie));
        let n = members.len() + if m.adjust.vetoed_in_quota { vetoed } else { 0 };
        let place = members.iter().enumerate().map(|(p, &j)| (j, p)).collect();
        Some(Standing { run, rule, classifier: Classifier::new(rule, n), tie, members, place })
    }

    /// Whether firm `i` is ranked in this group.
    pub fn holds(&self, i: usize) -> bool {
        self.place.contains_key(&i)
    }

    /// The index of a class label among the rule's labels (best first).
    pub fn index(&self, label: &str) -> Option<usize> {
        self.rule.labels.iter().position(|l| l == label)
    }

    pub fn label(&self, c: usize) -> &str {
        &self.rule.labels[c]
    }

    /// Members of the group for which `pred` holds (those before a place, the group being in order), not
    /// counting firm `i` itself.
    fn before(&self, i: usize, pred: impl Fn(&Scored, &str) -> bool) -> usize {
        let p = self.members.partition_point(|&j| pred(&self.run.scored[j], &self.run.data.enterprises[j].id));
        let own_before = self.place.get(&i).is_some_and(|&q| q < p);
        p - usize::from(own_before)
    }

    /// The class (index into the labels) firm `i` would get with the result `s`, the other firms as
    /// they are; `None` when `s` is not graded.
    pub fn class_of(&self, i: usize, s: &Scored) -> Option<usize> {
        if s.status != Status::Graded {
            return None;
        }
        let total = s.total_rounded()?;
        let id = self.run.data.enterprises[i].id.as_str();
        let place = 1 + self.before(i, |o, oid| rank::order(o, oid, s, id, &self.tie) == Ordering::Less);
        let mut class = self.classifier.class(place, total);
        if self.rule.ties == Ties::ShareBetter {
            // Firms tied on the rounded total share the class of the first of them.
            let first = 1 + self.before(i, |o, _| o.total_rounded().unwrap_or(f64::NEG_INFINITY) > total);
            class = (first..place).map(|p| self.classifier.class(p, total)).fold(class, usize::min);
        }
        Some(class)
    }

    /// The smallest rounded total (to the cent) that gives firm `i` (result `s`, its tie-break values
    /// kept) a class at least as good as `better`, the other firms as they are; `None` when no total does.
    pub fn total_for(&self, i: usize, s: &Scored, better: usize) -> Option<f64> {
        let at = |cents: i64| {
            let mut x = s.clone();
            x.rounded = Some(cents as f64 / 100.0);
            self.class_of(i, &x).is_some_and(|c| c <= better)
        };
        let cents = |x: f64| (x * 100.0).round() as i64;
        let lines = self.rule.thresholds.iter().copied().chain(self.rule.rules.iter().filter_map(|r| r.min_total));
        let others = self.members.iter().filter_map(|&j| self.run.scored[j].total_rounded());
        let top = others.chain(lines).map(cents).max()? + 1;
        let mut lo = cents(s.total_rounded()?);
        if at(lo) {
            return Some(lo as f64 / 100.0);
        }
        if !at(top) {
            return None;
        }
        let mut hi = top;
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if at(mid) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        Some(hi as f64 / 100.0)
    }

    /// The rounded total of the last firm of class `c` in the group (not firm `i`): the firm a quota
    /// class's newcomer has to pass.
    pub fn last_of(&self, c: usize, i: usize) -> Option<&'a str> {
        let label = self.rule.labels.get(c)?;
        let last = self.members.iter().rev().find(|&&j| j != i && self.run.scored[j].class == *label)?;
        Some(self.run.scored[*last].total_text.as_str())
    }

    /// Whether class `c` is decided by places in the group (quotas) rather than by score lines alone.
    pub fn by_places(&self, c: usize) -> bool {
        match self.rule.method {
            ClassMethod::Thresholds => false,
            ClassMethod::Rules => self.rule.rules.iter().filter(|r| self.index(&r.class) == Some(c)).any(|r| {
                r.top_pct.is_some() || r.top_count.is_some() || r.bottom_pct.is_some() || r.bottom_count.is_some()
            }),
            _ => true,
        }
    }

    /// The group's size (its graded firms).
    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }
}
