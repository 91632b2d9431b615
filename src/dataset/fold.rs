//! Output and tax rows folded into each enterprise's sums over the run's periods as the file is read, in
//! file order and after the duplicate check, so that a province's quarters are never held row by row. The
//! sums are those the rows would give (the same additions in the same order): the indicators stage reads
//! them through [`Dataset::output_over`] and [`Dataset::tax_over`] whichever way the data were kept.

use super::{Dataset, OutputRow, TaxRow};
use crate::period::{Period, Quarter};
use crate::schema::{Field, FileKind};
use std::borrow::Cow;

/// What validation keeps of the output and tax rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Keep {
    /// Every row: monitoring reads single quarters, standard land whole years.
    #[default]
    Rows,
    /// Each enterprise's sums over these periods only (an evaluation: its period, and the same quarters a
    /// year earlier when a rule reads them).
    Sums(Vec<Period>),
}

/// Adds `v` to a NaN-coded sum (NaN: nothing yet).
pub fn add(acc: &mut f64, v: f64) {
    *acc = if acc.is_nan() { v } else { *acc + v };
}

/// Where employees sit among the output sums: averaged over the quarters reported, not summed.
pub const EMPLOYEES_AT: usize = Field::Employees as usize;

/// One enterprise's output rows over one period, added in file order.
#[derive(Debug, Clone, Copy)]
pub struct OutputSums {
    /// In [`Field::OUTPUT`] order; NaN while no row of the period has a value.
    pub sums: [f64; 8],
    /// Rows with an employees value (employees are averaged over them, not summed).
    pub employees_reported: u32,
    /// Rows in the period.
    pub rows: u32,
    /// The period's quarters with a row, one bit per position in the period.
    pub quarters: u64,
}

impl Default for OutputSums {
    fn default() -> OutputSums {
        OutputSums { sums: [f64::NAN; 8], employees_reported: 0, rows: 0, quarters: 0 }
    }
}

/// One enterprise's tax rows over one period, added in file order.
#[derive(Debug, Clone, Copy)]
pub struct TaxSums {
    /// 万元; NaN while no row of the period.
    pub tax: f64,
    pub rows: u32,
    /// The period's quarters with a row, one bit per position in the period.
    pub quarters: u64,
}

impl Default for TaxSums {
    fn default() -> TaxSums {
        TaxSums { tax: f64::NAN, rows: 0, quarters: 0 }
    }
}

/// A row of one enterprise and quarter: output or tax.
pub trait QuarterRow {
    fn firm(&self) -> usize;
    fn quarter(&self) -> Quarter;
}

macro_rules! quarter_row {
    ($($t:ty),*) => {$(
        impl QuarterRow for $t {
            fn firm(&self) -> usize {
                self.enterprise()
            }
            fn quarter(&self) -> Quarter {
                self.quarter
            }
        }
    )*};
}
quarter_row!(OutputRow, TaxRow);

/// What rows are added into: output or tax sums.
pub trait Sums: Default + Copy + Send + Sync {
    type Row: QuarterRow;
    /// Adds one row of the period; `bit` marks the row's quarter by its position in the period.
    fn add(&mut self, r: &Self::Row, bit: u64);
}

impl Sums for OutputSums {
    type Row = OutputRow;
    fn add(&mut self, r: &OutputRow, bit: u64) {
        for (i, v) in r.values().into_iter().enumerate() {
            if let Some(v) = v {
                add(&mut self.sums[i], v);
                if i == EMPLOYEES_AT {
                    self.employees_reported += 1;
                }
            }
        }
        self.rows += 1;
        self.quarters |= bit;
    }
}

impl Sums for TaxSums {
    type Row = TaxRow;
    fn add(&mut self, r: &TaxRow, bit: u64) {
        add(&mut self.tax, r.tax_paid);
        self.rows += 1;
        self.quarters |= bit;
    }
}

/// The bit of quarter `q` in `period` (its position), `None` outside the period.
fn bit(period: &Period, q: Quarter) -> Option<u64> {
    period.quarters.iter().position(|x| *x == q).map(|p| 1u64 << p)
}

/// The rows of one file, folded: what the evaluation and the row accounting need of them.
#[derive(Debug, Clone, Default)]
pub struct Fold<S> {
    pub periods: Vec<Period>,
    /// `sums[p][e]`: enterprise `e` over `periods[p]`.
    pub sums: Vec<Vec<S>>,
    /// Rows folded: the file's used rows.
    pub rows: usize,
    /// Of those, the rows inside each period.
    pub in_period: Vec<usize>,
    /// The quarters of the rows, in order (for the message when the run's period holds none).
    pub quarters: Vec<Quarter>,
    /// Enterprises with at least one row, in any quarter.
    pub has_rows: Vec<bool>,
}

impl<S: Sums> Fold<S> {
    /// Empty sums for `enterprises` firms over `periods` (at most 64 quarters each: a period is at most a
    /// year).
    pub fn new(periods: &[Period], enterprises: usize) -> Fold<S> {
        assert!(periods.iter().all(|p| p.quarters.len() <= 64), "a period of at most 64 quarters");
        Fold {
            periods: periods.to_vec(),
            sums: periods.iter().map(|_| vec![S::default(); enterprises]).collect(),
            rows: 0,
            in_period: vec![0; periods.len()],
            quarters: Vec::new(),
            has_rows: vec![false; enterprises],
        }
    }

    /// Adds the next used row in file order.
    pub fn push(&mut self, r: &S::Row) {
        let (e, q) = (r.firm(), r.quarter());
        for (p, period) in self.periods.iter().enumerate() {
            if let Some(b) = bit(period, q) {
                self.sums[p][e].add(r, b);
                self.in_period[p] += 1;
            }
        }
        self.rows += 1;
        self.has_rows[e] = true;
        if let Err(at) = self.quarters.binary_search(&q) {
            self.quarters.insert(at, q);
        }
    }

    /// Where `period` is among the periods folded.
    fn position(&self, period: &Period) -> Option<usize> {
        self.periods.iter().position(|p| p.quarters == period.quarters)
    }

    /// The sums over `period`, if it was folded.
    pub fn over(&self, period: &Period) -> Option<&[S]> {
        self.position(period).map(|p| self.sums[p].as_slice())
    }
}

/// The sums of `rows` (in their order) over `period`, for `enterprises` firms.
fn sum_rows<S: Sums>(rows: &[S::Row], period: &Period, enterprises: usize) -> Vec<S> {
    let mut sums = vec![S::default(); enterprises];
    for r in rows {
        if let Some(b) = bit(period, r.quarter()) {
            sums[r.firm()].add(r, b);
        }
    }
    sums
}

/// The sums over `period`: folded while reading, or added now from the rows.
fn over<'a, S: Sums>(fold: &'a Option<Fold<S>>, rows: &[S::Row], period: &Period, n: usize) -> Cow<'a, [S]> {
    match fold {
        Some(f) => Cow::Borrowed(
            f.over(period)
                .unwrap_or_else(|| panic!("the period {} was not among those folded while reading", period.label)),
        ),
        None => Cow::Owned(sum_rows(rows, period, n)),
    }
}

impl Dataset {
    /// Each enterprise's output over `period`, in file order.
    pub fn output_over(&self, period: &Period) -> Cow<'_, [OutputSums]> {
        over(&self.output_sums, &self.output, period, self.enterprises.len())
    }

    /// Each enterprise's tax over `period`, in file order.
    pub fn tax_over(&self, period: &Period) -> Cow<'_, [TaxSums]> {
        over(&self.tax_sums, &self.tax, period, self.enterprises.len())
    }

    /// The used rows of the output or tax file inside `period` (row accounting); `None` for other kinds.
    pub fn rows_in(&self, kind: FileKind, period: &Period) -> Option<usize> {
        fn count<S: Sums>(fold: &Option<Fold<S>>, rows: &[S::Row], period: &Period) -> usize {
            match fold.as_ref().and_then(|f| Some(f.in_period[f.position(period)?])) {
                Some(n) => n,
                None => rows.iter().filter(|r| period.contains(r.quarter())).count(),
            }
        }
        match kind {
            FileKind::Output => Some(count(&self.output_sums, &self.output, period)),
            FileKind::Tax => Some(count(&self.tax_sums, &self.tax, period)),
            _ => None,
        }
    }

    /// The quarters of the output and tax rows, in order.
    pub fn quarters_held(&self) -> Vec<Quarter> {
        let mut held: Vec<Quarter> =
            self.output.iter().map(|r| r.quarter).chain(self.tax.iter().map(|r| r.quarter)).collect();
        for f in [self.output_sums.as_ref().map(|f| &f.quarters), self.tax_sums.as_ref().map(|f| &f.quarters)] {
            held.extend(f.into_iter().flatten());
        }
        held.sort_unstable();
        held.dedup();
        held
    }

    /// The used rows of the output and tax files, folded or kept.
    pub fn rows_used(&self, kind: FileKind) -> usize {
        match kind {
            FileKind::Output => self.output.len() + self.output_sums.as_ref().map_or(0, |f| f.rows),
            FileKind::Tax => self.tax.len() + self.tax_sums.as_ref().map_or(0, |f| f.rows),
            _ => 0,
        }
    }

    /// Frees the output and tax rows and sums once the indicators hold what they gave.
    pub fn drop_quarterly(&mut self) {
        self.output = Vec::new();
        self.tax = Vec::new();
        self.output_sums = None;
        self.tax_sums = None;
    }
}
