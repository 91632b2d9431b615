//! The validated dataset every later stage works on, and the record of what was not used (exceptions).

use crate::period::Quarter;
#[cfg(doc)]
use crate::schema::Field;
use crate::schema::{Action, FileKind, ReasonCode, Scale};
pub use compact_str::CompactString;
use serde::Serialize;

pub mod columns;
pub mod fold;
pub use fold::{Fold, Keep, OutputSums, TaxSums};

/// Tenure of a land row: 自有 owned, 租入 rented in, 租出 rented out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tenure {
    Owned,
    RentedIn,
    RentedOut,
}

impl Tenure {
    pub fn zh(self) -> &'static str {
        match self {
            Tenure::Owned => "自有",
            Tenure::RentedIn => "租入",
            Tenure::RentedOut => "租出",
        }
    }
}

/// One enterprise (企业), as listed in the enterprises file.
#[derive(Debug, Clone)]
pub struct Enterprise {
    /// Short text (id, county, park, industry, scale) is a `CompactString`: up to 24 bytes are kept inline,
    /// so a million firms do not make five million small allocations.
    pub id: CompactString,
    pub name: String,
    pub county: CompactString,
    pub park: CompactString,
    /// GB/T 4754 code, digits only (a leading 门类 letter is dropped).
    pub industry: CompactString,
    pub scale: Scale,
    pub established: Option<i64>,
    pub production_start: Option<i64>,
    pub tags: Vec<String>,
    pub rented_floor_m2: Option<f64>,
    /// Values of the extra columns (names in [`Dataset::extra_columns`]), carried to the outputs.
    pub extra: Vec<String>,
    /// The methodology's named group (`[[groups]]`), set when an evaluation starts; empty without groups.
    pub group: CompactString,
    pub line: usize,
}

/// The enterprise and line of a row, kept as `u32` (read as `usize` through the rows' methods): a row then
/// takes 80 instead of 88 bytes (output), 24 instead of 32 (tax), 48 instead of 56 (land). 2^32 rows of
/// one file would be a file of over 100 GB, far beyond the memory that would hold them.
fn narrow(x: usize) -> u32 {
    u32::try_from(x).expect("fewer than 2^32 enterprises and rows per file")
}

/// The enterprise (index into [`Dataset::enterprises`]) and input line of a row.
macro_rules! linked_row {
    ($t:ty) => {
        impl $t {
            /// Index of the row's enterprise in [`Dataset::enterprises`].
            pub fn enterprise(&self) -> usize {
                self.enterprise as usize
            }
            /// The row's line in its file (0 for a row added by a correction).
            pub fn line(&self) -> usize {
                self.line as usize
            }
        }
    };
}

/// One land row (宗地), area already in 亩.
#[derive(Debug, Clone)]
pub struct LandRow {
    enterprise: u32,
    line: u32,
    /// The other side of a lease (承租方 of a 租出 row, 出租方 of a 租入 row) when the file names it;
    /// `u32::MAX` when it does not.
    counterparty: u32,
    pub parcel_id: String,
    pub area_mu: f64,
    pub tenure: Tenure,
}

impl LandRow {
    pub fn new(enterprise: usize, parcel_id: String, area_mu: f64, tenure: Tenure, line: usize) -> LandRow {
        LandRow {
            enterprise: narrow(enterprise),
            line: narrow(line),
            counterparty: u32::MAX,
            parcel_id,
            area_mu,
            tenure,
        }
    }

    /// The row with the other side of its lease (an index into [`Dataset::enterprises`]).
    pub fn with_counterparty(mut self, counterparty: Option<usize>) -> LandRow {
        self.counterparty = counterparty.map_or(u32::MAX, narrow);
        self
    }

    /// The other side of the lease, when the file names it.
    pub fn counterparty(&self) -> Option<usize> {
        (self.counterparty != u32::MAX).then_some(self.counterparty as usize)
    }
}
linked_row!(LandRow);

/// One enterprise-quarter of output, energy and emissions.
#[derive(Debug, Clone)]
pub struct OutputRow {
    enterprise: u32,
    line: u32,
    pub quarter: Quarter,
    /// In [`Field::OUTPUT`] order; NaN is a blank cell (read numbers are always finite). Half the size of
    /// `Option<f64>`, which matters at millions of rows; read them with [`OutputRow::value`].
    values: [f64; 8],
}

impl OutputRow {
    pub fn new(enterprise: usize, quarter: Quarter, values: [Option<f64>; 8], line: usize) -> OutputRow {
        OutputRow {
            enterprise: narrow(enterprise),
            line: narrow(line),
            quarter,
            values: values.map(|v| v.unwrap_or(f64::NAN)),
        }
    }
    /// The value of output column `k` (see [`Field::OUTPUT`]), `None` for a blank cell.
    pub fn value(&self, k: usize) -> Option<f64> {
        Some(self.values[k]).filter(|v| !v.is_nan())
    }
    /// All values, `None` for blank cells.
    pub fn values(&self) -> [Option<f64>; 8] {
        std::array::from_fn(|k| self.value(k))
    }
}
linked_row!(OutputRow);

/// One enterprise-quarter of tax paid (万元; refunds negative).
#[derive(Debug, Clone)]
pub struct TaxRow {
    enterprise: u32,
    line: u32,
    pub quarter: Quarter,
    pub tax_paid: f64,
}

impl TaxRow {
    pub fn new(enterprise: usize, quarter: Quarter, tax_paid: f64, line: usize) -> TaxRow {
        TaxRow { enterprise: narrow(enterprise), line: narrow(line), quarter, tax_paid }
    }
}
linked_row!(TaxRow);

/// A bonus, penalty or veto event (加分 / 减分 / 一票否决).
#[derive(Debug, Clone)]
pub struct Event {
    pub enterprise: usize,
    pub date: i64,
    pub kind: String,
    pub note: String,
    pub line: usize,
}

/// A row (or cell) that was not used as given, and what was done about it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Exception {
    pub file: String,
    pub line: usize,
    pub column: String,
    pub enterprise_id: String,
    pub code: ReasonCode,
    /// The reason in words, with the values that decided it.
    pub reason: String,
    pub action: Action,
}

impl Exception {
    pub fn excludes_row(&self) -> bool {
        self.action == Action::Excluded
    }
}

/// Row accounting for one input file: read = used + excepted.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FileAccount {
    pub file: String,
    pub kind: FileKind,
    pub encoding: String,
    pub sha256: String,
    pub read: usize,
    pub used: usize,
    pub excepted: usize,
    /// Of the used rows of output and tax: those inside the run's period (the rest belong to other periods).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_period: Option<usize>,
    /// Rows that are not data and were skipped (titles and notes above the header, footer rows such as
    /// 合计): listed in the exceptions, not counted in `read`.
    #[serde(skip_serializing_if = "is_zero")]
    pub skipped: usize,
    /// What the layout stage found or was told (a header under a title, a wide layout, sheets stacked),
    /// in words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub layout: Vec<String>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Everything read from a dataset folder.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub enterprises: Vec<Enterprise>,
    pub extra_columns: Vec<String>,
    pub land: Vec<LandRow>,
    /// Output and tax rows, when read with [`Keep::Rows`] (empty with [`Keep::Sums`]).
    pub output: Vec<OutputRow>,
    pub tax: Vec<TaxRow>,
    /// The output and tax rows folded into sums per period, when read with [`Keep::Sums`].
    pub output_sums: Option<Fold<OutputSums>>,
    pub tax_sums: Option<Fold<TaxSums>>,
    pub events: Vec<Event>,
    pub exceptions: Vec<Exception>,
    pub accounts: Vec<FileAccount>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_stay_small() {
        // Millions of rows are held at once: output 4 + 4 (enterprise, line) + 8 (quarter) + 8 × 8 values;
        // tax 4 + 4 + 8 + 8; land 4 + 4 + 24 (parcel id) + 8 (area) + 1 (tenure) padded to 8.
        assert_eq!(std::mem::size_of::<OutputRow>(), 80);
        assert_eq!(std::mem::size_of::<TaxRow>(), 24);
        assert_eq!(std::mem::size_of::<LandRow>(), 48);
        let r = OutputRow::new(
            7,
            crate::period::Quarter { year: 2025, q: 2 },
            [Some(1.5), None, None, None, None, None, None, None],
            12,
        );
        assert_eq!((r.enterprise(), r.line(), r.value(0), r.value(1)), (7, 12, Some(1.5), None));
    }
}
