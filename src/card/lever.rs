//! The input figure behind each indicator: what a firm would change to move it (实缴税金 for 亩均税收,
//! 综合能耗 for 单位能耗增加值), with the step its change is reported in (万元 to 0.1, tce to 1).
//!
//! An indicator's lever is a period figure its formula reads alone: the numerator's, or the
//! denominator's when that one is read by no other indicator of the track and the numerator's is (so
//! 单位能耗增加值 = 工业增加值 ÷ 综合能耗 moves by energy, not by the value added four indicators read).
//! Land (亩) and employees are never levers. An indicator without such a figure is moved by its value.

use crate::method::{expr::Expr, Loaded};
use crate::schema::{Field, Reading};

/// What is changed to move an indicator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A period figure of the firm (an output sum or tax paid).
    Figure(Field),
    /// The indicator's value itself.
    Value,
}

/// The lever of one indicator of a track.
#[derive(Debug, Clone)]
pub struct Lever {
    pub kind: Kind,
    /// The indicator (index into the track's indicators).
    pub k: usize,
    /// 中文名 of what changes: the figure (实缴税金) or the indicator (亩均增加值).
    pub zh: String,
    pub unit: String,
    /// Other indicators of the track that read the same figure (they move with it).
    pub also: Vec<String>,
}

/// The single period figure an expression reads, if it reads exactly one (a sum over quarters).
fn single_figure(e: &Expr) -> Option<Field> {
    let mut names = Vec::new();
    e.fields(&mut names);
    let mut fields: Vec<Field> = names.iter().filter_map(|n| Field::parse(n)).collect();
    fields.sort();
    fields.dedup();
    match (names.len(), fields.as_slice()) {
        (n, [f]) if n > 0 && f.reading() == Reading::QuarterSum && names.iter().all(|n| Field::parse(n).is_some()) => {
            Some(*f)
        }
        _ => None,
    }
}

/// Whether an expression reads `field` (under any of its names).
fn reads(e: &Expr, field: Field) -> bool {
    let mut names = Vec::new();
    e.fields(&mut names);
    names.iter().any(|n| Field::parse(n) == Some(field))
}

/// The lever of indicator `k` of track `t`.
pub fn choose(loaded: &Loaded, t: usize, k: usize) -> Lever {
    let (track, c) = (&loaded.method.tracks[t], &loaded.tracks[t]);
    let name = |j: usize| {
        let ind = &track.indicators[j];
        if ind.zh.is_empty() {
            ind.key.clone()
        } else {
            ind.zh.clone()
        }
    };
    let readers = |f: Field| -> Vec<usize> {
        (0..track.indicators.len()).filter(|&j| reads(&c.num[j], f) || reads(&c.den[j], f)).collect()
    };
    let (num, den) = (single_figure(&c.num[k]), single_figure(&c.den[k]));
    let alone = |f: Option<Field>| f.is_some_and(|f| readers(f).len() == 1);
    let figure = match (num, den) {
        (Some(_), Some(d)) if !alone(num) && alone(Some(d)) => Some(d),
        (Some(n), _) => Some(n),
        (None, d) => d,
    };
    match figure {
        Some(f) => Lever {
            kind: Kind::Figure(f),
            k,
            zh: f.zh().to_string(),
            unit: f.unit().to_string(),
            also: readers(f).into_iter().filter(|&j| j != k).map(name).collect(),
        },
        None => Lever { kind: Kind::Value, k, zh: name(k), unit: track.indicators[k].unit.clone(), also: Vec::new() },
    }
}

/// The step a change is reported in, and its decimals: 万元 and 万千瓦时 to 0.1, tce, 当量吨 and people
/// to 1, finer for a figure under ten steps (two significant digits: 0.83 当量吨 by 0.01); an indicator
/// value to about three significant digits of `scale` (its value or benchmark).
pub fn step(kind: Kind, unit: &str, scale: f64) -> (f64, usize) {
    let scale = scale.abs();
    let digits = |significant: i32| {
        if !scale.is_finite() || scale == 0.0 {
            return (0.01, 2);
        }
        let exp = scale.log10().floor() as i32 + 1 - significant;
        (10f64.powi(exp), (-exp).max(0) as usize)
    };
    let (base, decimals) = match (kind, unit) {
        (Kind::Value, _) => return digits(3),
        (Kind::Figure(_), "万元" | "万千瓦时") => (0.1, 1),
        (Kind::Figure(_), _) => (1.0, 0),
    };
    if scale > 0.0 && scale < 10.0 * base {
        digits(2)
    } else {
        (base, decimals)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_follow_the_unit_and_the_scale() {
        assert_eq!(step(Kind::Figure(Field::Tax), "万元", 0.0), (0.1, 1));
        assert_eq!(step(Kind::Figure(Field::EnergyTce), "tce", 0.0), (1.0, 0));
        let (s, d) = step(Kind::Value, "万元/亩", 35.2);
        assert!((s - 0.1).abs() < 1e-12 && d == 1);
        let (s, d) = step(Kind::Value, "ratio", 0.0123);
        assert!((s - 0.0001).abs() < 1e-12 && d == 4);
        let (s, d) = step(Kind::Figure(Field::Emissions), "当量吨", 0.83);
        assert!((s - 0.01).abs() < 1e-12 && d == 2);
        assert_eq!(step(Kind::Figure(Field::Emissions), "当量吨", 12.0), (1.0, 0));
    }
}
