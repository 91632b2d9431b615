//! Where a firm's indicator value stands in its track (同序列分布): the graded firms' values of each
//! indicator, sorted once per track, their quartiles (linear interpolation, as the percentile benchmark)
//! and a firm's share of the track it does better than.

use crate::method::{PointsMethod, Track};
use crate::pipeline::Run;
use crate::score::{Fig, Status};
use serde::Serialize;

/// The track's values of one indicator, sorted ascending, and whether lower is better.
pub struct Values {
    sorted: Vec<f64>,
    lower_better: bool,
}

/// The distribution of one indicator in the track and the firm's place in it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Spread {
    /// Graded firms of the track with a value.
    pub n: usize,
    pub min: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub max: f64,
    /// Percent of those firms whose value is at most the firm's (百分位).
    pub percentile: f64,
    /// Percent of those firms the firm does better than (higher values, or lower for lower-is-better).
    pub better_than: f64,
    pub lower_better: bool,
}

/// The sorted values of every indicator of every track, over the graded firms.
pub fn of_run(run: &Run) -> Vec<Vec<Values>> {
    let m = &run.method.method;
    m.tracks
        .iter()
        .enumerate()
        .map(|(t, track)| (0..track.indicators.len()).map(|k| values(run, t, track, k)).collect())
        .collect()
}

fn values(run: &Run, t: usize, track: &Track, k: usize) -> Values {
    let mut sorted: Vec<f64> = run
        .scored
        .iter()
        .filter(|s| s.track == Some(t) && s.status == Status::Graded)
        .filter_map(|s| s.figures.get(Fig::Value, k))
        .filter(|v| v.is_finite())
        .collect();
    sorted.sort_by(f64::total_cmp);
    let lower_better = track.indicators[k].method.unwrap_or(track.points.method) == PointsMethod::InverseRatio;
    Values { sorted, lower_better }
}

/// The p-th percentile of sorted values, interpolated linearly.
fn quantile(v: &[f64], p: f64) -> f64 {
    let pos = p * (v.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
}

impl Values {
    /// The distribution, and the place of `value` in it; `None` without values.
    pub fn spread(&self, value: f64) -> Option<Spread> {
        let v = &self.sorted;
        if v.is_empty() || !value.is_finite() {
            return None;
        }
        let n = v.len();
        let at_most = v.partition_point(|x| *x <= value);
        let below = v.partition_point(|x| *x < value);
        let pct = |k: usize| k as f64 * 100.0 / n as f64;
        let better = if self.lower_better { n - at_most } else { below };
        Some(Spread {
            n,
            min: v[0],
            q1: quantile(v, 0.25),
            median: quantile(v, 0.5),
            q3: quantile(v, 0.75),
            max: v[n - 1],
            percentile: pct(at_most),
            better_than: pct(better),
            lower_better: self.lower_better,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_and_places() {
        let v = Values { sorted: vec![1.0, 2.0, 3.0, 4.0, 5.0], lower_better: false };
        let s = v.spread(4.0).unwrap();
        assert_eq!((s.min, s.q1, s.median, s.q3, s.max), (1.0, 2.0, 3.0, 4.0, 5.0));
        // 4 of 5 are at most 4 (80 %); it does better than 3 of 5 (60 %).
        assert_eq!((s.percentile, s.better_than), (80.0, 60.0));
        let lower = Values { sorted: v.sorted.clone(), lower_better: true };
        assert_eq!(lower.spread(2.0).unwrap().better_than, 60.0);
        assert!(Values { sorted: vec![], lower_better: false }.spread(1.0).is_none());
    }
}
