//! The validated dataset every later stage works on, and the record of what was not used (exceptions).

use crate::period::Quarter;
use serde::Serialize;
pub use compact_str::CompactString;

/// 规上 / 规下, kept as the Chinese word so methodology rules read naturally (`scale == '规上'`).
pub const ABOVE: &str = "规上";
pub const BELOW: &str = "规下";

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
    /// `规上` or `规下`.
    pub scale: CompactString,
    pub established: Option<i64>,
    pub production_start: Option<i64>,
    pub tags: Vec<String>,
    pub rented_floor_m2: Option<f64>,
    /// Values of the extra columns (names in [`Dataset::extra_columns`]), carried to the outputs.
    pub extra: Vec<String>,
    pub line: usize,
}

/// One land row (宗地), area already in 亩.
#[derive(Debug, Clone)]
pub struct LandRow {
    pub enterprise: usize,
    pub parcel_id: String,
    pub area_mu: f64,
    pub tenure: Tenure,
    pub line: usize,
}

/// Quarterly output fields, in this order in [`OutputRow::values`].
pub const OUTPUT_FIELDS: [&str; 8] =
    ["revenue", "value_added", "energy_tce", "emissions", "rd_expense", "employees", "electricity_10k_kwh", "tech_invest"];
/// Index of `employees` in [`OUTPUT_FIELDS`]: averaged over quarters, not summed.
pub const EMPLOYEES: usize = 5;

/// One enterprise-quarter of output, energy and emissions.
#[derive(Debug, Clone)]
pub struct OutputRow {
    pub enterprise: usize,
    pub quarter: Quarter,
    /// In [`OUTPUT_FIELDS`] order; NaN is a blank cell (read numbers are always finite). Half the size of
    /// `Option<f64>`, which matters at millions of rows; read them with [`OutputRow::value`].
    values: [f64; 8],
    pub line: usize,
}

impl OutputRow {
    pub fn new(enterprise: usize, quarter: Quarter, values: [Option<f64>; 8], line: usize) -> OutputRow {
        OutputRow { enterprise, quarter, values: values.map(|v| v.unwrap_or(f64::NAN)), line }
    }
    /// The value of field `k` of [`OUTPUT_FIELDS`], `None` for a blank cell.
    pub fn value(&self, k: usize) -> Option<f64> {
        Some(self.values[k]).filter(|v| !v.is_nan())
    }
    /// All values, `None` for blank cells.
    pub fn values(&self) -> [Option<f64>; 8] {
        std::array::from_fn(|k| self.value(k))
    }
}

/// One enterprise-quarter of tax paid (万元; refunds negative).
#[derive(Debug, Clone)]
pub struct TaxRow {
    pub enterprise: usize,
    pub quarter: Quarter,
    pub tax_paid: f64,
    pub line: usize,
}

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
    pub reason: String,
    /// `row excluded`, or what was kept (`row kept; value treated as missing`).
    pub action: String,
}

impl Exception {
    pub fn excludes_row(&self) -> bool {
        self.action == ROW_EXCLUDED
    }
}

pub const ROW_EXCLUDED: &str = "row excluded";

/// Row accounting for one input file: read = used + excepted.
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct FileAccount {
    pub file: String,
    pub kind: String,
    pub encoding: String,
    pub sha256: String,
    pub read: usize,
    pub used: usize,
    pub excepted: usize,
    /// Of the used rows of output and tax: those inside the run's period (the rest belong to other periods).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_period: Option<usize>,
}

/// Everything read from a dataset folder.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub enterprises: Vec<Enterprise>,
    pub extra_columns: Vec<String>,
    pub land: Vec<LandRow>,
    pub output: Vec<OutputRow>,
    pub tax: Vec<TaxRow>,
    pub events: Vec<Event>,
    pub exceptions: Vec<Exception>,
    pub accounts: Vec<FileAccount>,
}
