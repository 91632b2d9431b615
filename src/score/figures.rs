//! The per-indicator figures of one scored enterprise (value, numerator, denominator, benchmark, points
//! before and after cap and floor), in its track's indicator order, held in one allocation with NaN for
//! "none": six vectors of `Option<f64>` per firm cost six allocations and twice the bytes, which at a
//! million firms is half a gigabyte.

/// Which figure of an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fig {
    /// The indicator's value (numerator ÷ denominator, or the formula's result).
    Value,
    /// The numerator as evaluated.
    Num,
    /// The denominator as evaluated.
    Den,
    /// The benchmark the value was scored against.
    Benchmark,
    /// Points before cap and floor.
    RawPoints,
    /// Points as counted in the total.
    Points,
}

const KINDS: usize = 6;

/// The figures of `n` indicators; every figure starts as none.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    /// `KINDS` figures per indicator, indicator after indicator; NaN is none (figures set are finite or
    /// infinite, never NaN: a NaN result is stored as none, which is what it means).
    v: Box<[f64]>,
}

impl Figures {
    pub fn new(n: usize) -> Figures {
        Figures { v: vec![f64::NAN; n * KINDS].into_boxed_slice() }
    }
    /// The number of indicators.
    pub fn len(&self) -> usize {
        self.v.len() / KINDS
    }
    pub fn is_empty(&self) -> bool {
        self.v.is_empty()
    }
    /// Where the figures are kept (for the tables to ask for them ahead of reading them).
    pub fn memory(&self) -> &[f64] {
        &self.v
    }
    /// Figure `f` of indicator `k`; none for an indicator past the track's.
    pub fn get(&self, f: Fig, k: usize) -> Option<f64> {
        self.v.get(k * KINDS + f as usize).copied().filter(|x| !x.is_nan())
    }
    pub fn set(&mut self, f: Fig, k: usize, x: Option<f64>) {
        self.v[k * KINDS + f as usize] = x.unwrap_or(f64::NAN);
    }
    /// Figure `f` of every indicator, in order.
    pub fn all(&self, f: Fig) -> impl Iterator<Item = Option<f64>> + '_ {
        (0..self.len()).map(move |k| self.get(f, k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_kept_apart_and_none_is_none() {
        let mut f = Figures::new(3);
        assert_eq!(f.len(), 3);
        f.set(Fig::Value, 1, Some(2.5));
        f.set(Fig::Points, 1, Some(-0.0));
        f.set(Fig::Benchmark, 2, Some(f64::INFINITY));
        f.set(Fig::Num, 0, Some(f64::NAN));
        assert_eq!(f.all(Fig::Value).collect::<Vec<_>>(), [None, Some(2.5), None]);
        assert_eq!(f.get(Fig::Points, 1), Some(-0.0));
        assert_eq!(f.get(Fig::RawPoints, 1), None);
        assert_eq!(f.get(Fig::Benchmark, 2), Some(f64::INFINITY));
        assert_eq!(f.get(Fig::Num, 0), None, "a NaN result is none");
        assert_eq!(f.get(Fig::Value, 3), None, "past the track's indicators");
        assert!(Figures::default().is_empty());
    }
}
