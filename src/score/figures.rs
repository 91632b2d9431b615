//! The per-indicator figures of one scored enterprise (value, benchmark, points as counted, and for the
//! explanation the numerator, denominator and points before cap and floor), in its track's indicator
//! order, held in one allocation with NaN for "none": six vectors of `Option<f64>` per firm cost six
//! allocations and twice the bytes, which at a million firms is half a gigabyte. The three explanation
//! figures are kept only when asked for (`Figures::new(n, true)`): a run whose explanation is not written
//! does not carry them.

/// Which figure of an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fig {
    /// The indicator's value (numerator ÷ denominator, or the formula's result).
    Value,
    /// The benchmark the value was scored against.
    Benchmark,
    /// Points as counted in the total.
    Points,
    /// The numerator as evaluated (explanation).
    Num,
    /// The denominator as evaluated (explanation).
    Den,
    /// Points before cap and floor (explanation).
    RawPoints,
}

/// Figures kept per indicator: the first three of [`Fig`] always, all six when explained.
const KEPT: usize = 3;
const EXPLAINED: usize = 6;

/// The figures of `n` indicators; every figure starts as none.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    /// `stride` figures per indicator, indicator after indicator; NaN is none (figures set are finite or
    /// infinite, never NaN: a NaN result is stored as none, which is what it means).
    v: Box<[f64]>,
    /// [`KEPT`] or [`EXPLAINED`] (0 for no indicators).
    stride: u8,
}

impl Figures {
    /// Room for `n` indicators; with `explained`, also their numerators, denominators and raw points.
    pub fn new(n: usize, explained: bool) -> Figures {
        let stride = if explained { EXPLAINED } else { KEPT };
        Figures { v: vec![f64::NAN; n * stride].into_boxed_slice(), stride: stride as u8 }
    }
    /// The number of indicators.
    pub fn len(&self) -> usize {
        self.v.len().checked_div(self.stride as usize).unwrap_or(0)
    }
    pub fn is_empty(&self) -> bool {
        self.v.is_empty()
    }
    /// Where the figures are kept (for the tables to ask for them ahead of reading them).
    pub fn memory(&self) -> &[f64] {
        &self.v
    }
    fn slot(&self, f: Fig, k: usize) -> Option<usize> {
        let stride = self.stride as usize;
        (stride > f as usize).then_some(k * stride + f as usize)
    }
    /// Figure `f` of indicator `k`; none for an indicator past the track's, or an explanation figure of
    /// figures kept without them.
    pub fn get(&self, f: Fig, k: usize) -> Option<f64> {
        self.slot(f, k).and_then(|at| self.v.get(at)).copied().filter(|x| !x.is_nan())
    }
    /// Sets figure `f` of indicator `k` (an explanation figure is dropped when they are not kept).
    pub fn set(&mut self, f: Fig, k: usize, x: Option<f64>) {
        if let Some(at) = self.slot(f, k) {
            self.v[at] = x.unwrap_or(f64::NAN);
        }
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
        let mut f = Figures::new(3, true);
        assert_eq!(f.len(), 3);
        f.set(Fig::Value, 1, Some(2.5));
        f.set(Fig::Points, 1, Some(-0.0));
        f.set(Fig::Benchmark, 2, Some(f64::INFINITY));
        f.set(Fig::Num, 0, Some(f64::NAN));
        f.set(Fig::RawPoints, 2, Some(7.0));
        assert_eq!(f.all(Fig::Value).collect::<Vec<_>>(), [None, Some(2.5), None]);
        assert_eq!(f.get(Fig::Points, 1), Some(-0.0));
        assert_eq!(f.get(Fig::RawPoints, 1), None);
        assert_eq!(f.get(Fig::RawPoints, 2), Some(7.0));
        assert_eq!(f.get(Fig::Benchmark, 2), Some(f64::INFINITY));
        assert_eq!(f.get(Fig::Num, 0), None, "a NaN result is none");
        assert_eq!(f.get(Fig::Value, 3), None, "past the track's indicators");
        assert!(Figures::default().is_empty());
        assert_eq!(Figures::default().len(), 0);
    }

    /// Without the explanation, its figures are not kept (3 per indicator, not 6) and read as none; the
    /// others are kept as with it.
    #[test]
    fn explanation_figures_only_when_asked_for() {
        let mut f = Figures::new(2, false);
        assert_eq!((f.len(), f.memory().len()), (2, 6));
        f.set(Fig::Num, 1, Some(3.0));
        f.set(Fig::RawPoints, 1, Some(4.0));
        f.set(Fig::Points, 1, Some(5.0));
        f.set(Fig::Value, 0, Some(1.5));
        assert_eq!(f.get(Fig::Num, 1), None);
        assert_eq!(f.get(Fig::RawPoints, 1), None);
        assert_eq!(f.all(Fig::Points).collect::<Vec<_>>(), [None, Some(5.0)]);
        assert_eq!(f.get(Fig::Value, 0), Some(1.5));
        assert_eq!(Figures::new(2, true).memory().len(), 12);
    }
}
