//! A typed output table written the same way to CSV and XLSX. Text cells that a spreadsheet would run as
//! a formula (starting with = + - @, tab or carriage return) are neutralized with a leading apostrophe,
//! as OWASP advises for CSV injection; numbers are never touched (a negative number stays a number).
//! Files are written to a temporary name and renamed ([`super::atomic`]), so an interrupted run never
//! leaves half a file.

// The workbook writer lives in `xlsx`, the atomic file writes in `atomic`; named here too, where the
// tables are written from.
pub use super::atomic::{write_atomic, write_atomic_parts, AtomicFile};
pub use super::xlsx::{write_xlsx, Show};
use crate::schema::Word;
use std::path::Path;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A number and the decimals it is shown with (half up on the shortest representation).
    Num(f64, usize),
    Int(i64),
    /// A number already formatted (e.g. a total rounded half up): never neutralized, a number in XLSX.
    Dec(String),
    /// A code and the words a reader sees (`graded`, 参评): CSV writes the code, a workbook the words with
    /// the code in a column beside them (in a column shown as [`Show::Coded`]).
    Coded(Box<Coded>),
    Empty,
}

/// A code of a closed vocabulary (a status, a reason, an action, a class) and its Chinese words.
#[derive(Debug, Clone, PartialEq)]
pub struct Coded {
    pub code: String,
    pub words: String,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }
    pub fn opt(x: Option<f64>, decimals: usize) -> Cell {
        x.map_or(Cell::Empty, |v| Cell::Num(v, decimals))
    }
    pub fn rank(x: Option<u32>) -> Cell {
        x.map_or(Cell::Empty, |v| Cell::Int(v as i64))
    }
    /// A code with its words; both empty make an empty cell.
    pub fn coded(code: impl Into<String>, words: impl Into<String>) -> Cell {
        let (code, words) = (code.into(), words.into());
        if code.is_empty() && words.is_empty() {
            Cell::Empty
        } else {
            Cell::Coded(Box::new(Coded { code, words }))
        }
    }
    /// A member of a vocabulary ([`Word`]): its code and its Chinese.
    pub fn word(w: impl Word) -> Cell {
        Cell::coded(w.code(), w.zh())
    }
    /// The cell as it appears in CSV.
    pub fn render(&self) -> String {
        let mut s = String::new();
        self.render_into(&mut s);
        s
    }
    /// [`Cell::render`] appended to `out`.
    pub fn render_into(&self, out: &mut String) {
        self.as_ref().render_into(out)
    }
    pub fn as_ref(&self) -> CellRef<'_> {
        match self {
            Cell::Text(s) => CellRef::Text(s),
            Cell::Num(v, d) => CellRef::Num(*v, *d),
            Cell::Int(i) => CellRef::Int(*i),
            Cell::Dec(s) => CellRef::Dec(s),
            Cell::Coded(k) => CellRef::Coded { code: &k.code, words: &k.words },
            Cell::Empty => CellRef::Empty,
        }
    }
}

/// A cell whose text is borrowed (from the run): what the tables streamed to disk are rendered from, so
/// a million rows' names and ids are never copied.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellRef<'a> {
    Text(&'a str),
    /// Text items joined by "; " (reasons).
    Joined(&'a [String]),
    Num(f64, usize),
    Int(i64),
    Dec(&'a str),
    /// See [`Cell::Coded`].
    Coded {
        code: &'a str,
        words: &'a str,
    },
    Empty,
}

impl<'a> CellRef<'a> {
    /// A member of a vocabulary ([`Word`]).
    pub fn word(w: impl Word) -> CellRef<'a> {
        CellRef::Coded { code: w.code(), words: w.zh() }
    }

    /// The owned cell.
    pub fn to_cell(self) -> Cell {
        match self {
            CellRef::Text(s) => Cell::Text(s.to_string()),
            CellRef::Joined(items) => Cell::Text(items.join("; ")),
            CellRef::Num(v, d) => Cell::Num(v, d),
            CellRef::Int(i) => Cell::Int(i),
            CellRef::Dec(s) => Cell::Dec(s.to_string()),
            CellRef::Coded { code, words } => Cell::coded(code, words),
            CellRef::Empty => Cell::Empty,
        }
    }
}

/// Cells that render as CSV text.
pub trait Render {
    fn render_into(&self, out: &mut String);
}

impl Render for Cell {
    fn render_into(&self, out: &mut String) {
        Cell::render_into(self, out)
    }
}

impl Render for CellRef<'_> {
    fn render_into(&self, out: &mut String) {
        match *self {
            // The code alone: the CSV files keep their codes.
            CellRef::Text(s) | CellRef::Coded { code: s, .. } => {
                if is_formula_like(s) {
                    out.push('\'');
                }
                out.push_str(s);
            }
            CellRef::Joined(items) => {
                // Neutralized as the joined text would be: its first byte is the first item's, or the
                // separator's when the first item is empty.
                let joined_first = match items {
                    [first, ..] if !first.is_empty() => first.as_str(),
                    [_, _, ..] => ";",
                    _ => "",
                };
                if is_formula_like(joined_first) {
                    out.push('\'');
                }
                for (k, item) in items.iter().enumerate() {
                    if k > 0 {
                        out.push_str("; ");
                    }
                    out.push_str(item);
                }
            }
            CellRef::Num(v, d) => crate::decimal::push_half_up(out, v, d),
            CellRef::Int(i) => out.push_str(itoa::Buffer::new().format(i)),
            // A non-finite value is never printed (Rust spells them NaN, inf, -inf): empty, like `Num`.
            CellRef::Dec("NaN" | "inf" | "-inf") => {}
            CellRef::Dec(s) => out.push_str(s),
            CellRef::Empty => {}
        }
    }
}

/// Whether a spreadsheet would run text starting so as a formula (`=`, `+`, `-`, `@`, tab, CR).
pub fn is_formula_like(s: &str) -> bool {
    matches!(s.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'))
}

/// Prefixes text that a spreadsheet would treat as a formula.
pub fn neutralize(s: &str) -> String {
    if is_formula_like(s) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Machine column names (English, snake_case): the CSV header.
    pub columns: Vec<String>,
    /// Reader column names (Chinese where one exists): the XLSX header.
    pub labels: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// How the workbook shows each column (number format, coded words); a column without one is
    /// [`Show::Auto`]. The CSV ignores it.
    pub shows: Vec<Show>,
}

impl Table {
    pub fn new(columns: &[(&str, &str)]) -> Table {
        Table {
            columns: columns.iter().map(|c| c.0.to_string()).collect(),
            labels: columns.iter().map(|c| c.1.to_string()).collect(),
            rows: Vec::new(),
            shows: vec![Show::Auto; columns.len()],
        }
    }
    pub fn push_column(&mut self, name: String, label: String) {
        self.push_shown(name, label, Show::Auto);
    }
    /// A column shown as `show` in the workbook.
    pub fn push_shown(&mut self, name: String, label: String, show: Show) {
        self.shows.resize(self.columns.len(), Show::Auto);
        self.columns.push(name);
        self.labels.push(label);
        self.shows.push(show);
    }
    /// Shows the columns named (the table's own names, as declared) as `show`. A name the table does not
    /// have is a mistake in the code that built it.
    pub fn set_show(&mut self, columns: &[&str], show: Show) {
        self.shows.resize(self.columns.len(), Show::Auto);
        for name in columns {
            let c = self.columns.iter().position(|x| x == name);
            let c = c.unwrap_or_else(|| panic!("set_show: no column {name} in {:?}", self.columns));
            self.shows[c] = show;
        }
    }
    /// How column `c` is shown.
    pub fn show(&self, c: usize) -> Show {
        self.shows.get(c).copied().unwrap_or_default()
    }
}

/// The UTF-8 BOM (so Excel shows the Chinese text) and the header row of machine names.
pub fn csv_head(columns: &[String]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(columns).expect("in-memory write");
    w.into_inner().expect("in-memory write")
}

/// CSV rows `0..n` of `row(k)`, rendered in parallel chunks and joined in order; also the byte offset where
/// each row starts (and the end), so that a run of rows can be written on its own.
pub fn csv_rows<R: std::borrow::Borrow<[Cell]>>(n: usize, row: impl Fn(usize) -> R + Sync) -> (Vec<u8>, Vec<usize>) {
    csv_groups(n, |k, emit| emit(row(k).borrow()))
}

/// Items rendered per parallel task.
const CHUNK: usize = 8192;
/// Chunks rendered side by side before they are written (about 130,000 rows per batch).
const BATCH: usize = 16;

/// Rendered chunk `c` of items `0..n`: its bytes and the offset where each item's rows start, then the end.
fn csv_chunk<C: Render>(
    c: usize,
    n: usize,
    group: &(impl Fn(usize, &mut dyn FnMut(&[C])) + Sync),
) -> (Vec<u8>, Vec<usize>) {
    let mut out = String::new();
    let mut starts = Vec::with_capacity(CHUNK + 1);
    for k in c * CHUNK..((c + 1) * CHUNK).min(n) {
        starts.push(out.len());
        group(k, &mut |r: &[C]| push_record(&mut out, r));
    }
    starts.push(out.len());
    (out.into_bytes(), starts)
}

/// Appends one CSV record, each cell rendered in place: what the `csv` crate writes with its defaults
/// (comma, `\n` after each record, a field quoted when it holds a comma, a quote, `\r` or `\n`, with its
/// quotes doubled, and `""` for a record of one empty field), without rendering each cell apart first.
fn push_record<C: Render>(out: &mut String, cells: &[C]) {
    let start = out.len();
    for (j, cell) in cells.iter().enumerate() {
        if j > 0 {
            out.push(',');
        }
        let at = out.len();
        cell.render_into(out);
        if out.as_bytes()[at..].iter().any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n')) {
            let field = out.split_off(at);
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        }
    }
    if out.len() == start {
        out.push_str("\"\"");
    }
    out.push('\n');
}

/// One chunk rendered: its CSV bytes and where each item's rows start in them.
type RenderedChunk = (Vec<u8>, Vec<usize>);

/// [`csv_rows`] where item `k` gives any number of rows (`group(k, emit)` calls `emit` for each): the
/// offsets are where each item's rows start. Only a chunk's rows are ever held as cells.
pub fn csv_groups<C: Render>(n: usize, group: impl Fn(usize, &mut dyn FnMut(&[C])) + Sync) -> (Vec<u8>, Vec<usize>) {
    use rayon::prelude::*;
    let chunks: Vec<RenderedChunk> = (0..n.div_ceil(CHUNK)).into_par_iter().map(|c| csv_chunk(c, n, &group)).collect();
    let mut bytes = Vec::with_capacity(chunks.iter().map(|c| c.0.len()).sum());
    let mut starts = Vec::with_capacity(n + 1);
    for (b, st) in chunks {
        starts.extend(st[..st.len() - 1].iter().map(|s| s + bytes.len()));
        bytes.extend_from_slice(&b);
    }
    starts.push(bytes.len());
    (bytes, starts)
}

/// Items `0..n` of `group` (as in [`csv_groups`]) streamed to files: each file gets `head`, then the rows
/// of the items in its range, in order. Rendered in parallel a batch of chunks at a time, each batch
/// written (hashed and copied to the files) while the next one is rendered, so a table of millions of
/// rows is never held whole (two batches at most) and writing does not leave a core idle. Returns each
/// file's SHA-256.
pub fn stream_csv_groups<C: Render>(
    n: usize,
    group: impl Fn(usize, &mut dyn FnMut(&[C])) + Sync,
    head: &[u8],
    files: &[(&Path, std::ops::Range<usize>)],
) -> std::io::Result<Vec<String>> {
    use rayon::prelude::*;
    let mut out = files.iter().map(|(p, _)| AtomicFile::create(p)).collect::<std::io::Result<Vec<_>>>()?;
    for f in out.iter_mut() {
        f.write(head)?;
    }
    let chunks = n.div_ceil(CHUNK);
    let render = |batch: usize| -> Vec<RenderedChunk> {
        (batch..(batch + BATCH).min(chunks)).into_par_iter().map(|c| csv_chunk(c, n, &group)).collect()
    };
    // Chunks from `batch` on, each to the files whose range it meets.
    let write = |out: &mut [AtomicFile], batch: usize, rendered: Vec<RenderedChunk>| -> std::io::Result<()> {
        for (c, (bytes, starts)) in (batch..).zip(&rendered) {
            let first = c * CHUNK;
            let end = first + starts.len() - 1;
            for (f, (_, range)) in out.iter_mut().zip(files) {
                let (lo, hi) = (range.start.max(first), range.end.min(end));
                if lo < hi {
                    f.write(&bytes[starts[lo - first]..starts[hi - first]])?;
                }
            }
        }
        Ok(())
    };
    let mut pending: Option<(usize, Vec<RenderedChunk>)> = None;
    for batch in (0..chunks).step_by(BATCH) {
        let previous = pending.take();
        let (written, rendered) =
            rayon::join(|| previous.map_or(Ok(()), |(b, r)| write(&mut out, b, r)), || render(batch));
        written?;
        pending = Some((batch, rendered));
    }
    if let Some((b, r)) = pending {
        write(&mut out, b, r)?;
    }
    out.into_iter().map(AtomicFile::finish).collect()
}

/// CSV in UTF-8 with a BOM (so Excel shows the Chinese text), header row of machine names.
pub fn to_csv(t: &Table) -> Vec<u8> {
    let mut out = csv_head(&t.columns);
    out.extend_from_slice(&csv_rows(t.rows.len(), |k| t.rows[k].as_slice()).0);
    out
}

pub fn write_csv(path: &Path, t: &Table) -> std::io::Result<()> {
    write_atomic(path, &to_csv(t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// Streamed files hold the header and exactly their range's rows, across chunk and batch boundaries
    /// (a range of 0 items gives the header alone), and the same bytes as rendering the table whole.
    #[test]
    fn streamed_runs_match_the_whole_table() {
        let dir = tempfile::tempdir().unwrap();
        // Item k gives k % 3 rows (some none), so item and row offsets differ.
        let n = CHUNK * BATCH + CHUNK + 5;
        let group = |k: usize, emit: &mut dyn FnMut(&[Cell])| {
            (0..k % 3).for_each(|j| emit(&[Cell::Int(k as i64), Cell::Int(j as i64)]))
        };
        let (whole, starts) = csv_groups(n, group);
        let ranges = [0..n, 5..CHUNK + 1, CHUNK * BATCH - 1..n, 7..7];
        let paths: Vec<PathBuf> = (0..ranges.len()).map(|i| dir.path().join(format!("{i}.csv"))).collect();
        let files: Vec<(&Path, std::ops::Range<usize>)> =
            paths.iter().map(|p| p.as_path()).zip(ranges.iter().cloned()).collect();
        let hashes = stream_csv_groups(n, group, b"h\n", &files).unwrap();
        for ((p, r), hash) in files.iter().zip(&hashes) {
            let expected = [b"h\n".as_slice(), &whole[starts[r.start]..starts[r.end]]].concat();
            let got = std::fs::read(p).unwrap();
            assert!(got == expected, "{}: {} bytes, expected {}", p.display(), got.len(), expected.len());
            assert_eq!(*hash, crate::digest::of_bytes(&expected));
        }
        // 0..n holds every item's rows: n items of k % 3 rows each.
        let rows = std::str::from_utf8(&whole).unwrap().lines().count();
        assert_eq!(rows, (0..n).map(|k| k % 3).sum::<usize>());
        assert_eq!(std::fs::read(&paths[3]).unwrap(), b"h\n");
    }

    proptest::proptest! {
        /// Records written in place are byte for byte what the `csv` crate writes.
        #[test]
        fn records_match_the_csv_crate(cells in proptest::collection::vec("[a-c,\"\r\n =+\\-@亩 ]{0,6}", 1..5)) {
            let mut ours = String::new();
            let refs: Vec<CellRef> = cells.iter().map(|c| CellRef::Dec(c)).collect();
            push_record(&mut ours, &refs);
            let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
            w.write_record(&cells).unwrap();
            proptest::prop_assert_eq!(ours.into_bytes(), w.into_inner().unwrap());
        }
    }

    #[test]
    fn quoted_fields_and_an_empty_record() {
        // A comma, a quote (doubled), a line break, a carriage return; a lone empty field is written "".
        let mut out = String::new();
        push_record(
            &mut out,
            &[Cell::text("a,b"), Cell::text("say \"hi\""), Cell::text("x\ny"), Cell::text("r\r"), Cell::Int(3)],
        );
        push_record(&mut out, &[Cell::Empty]);
        push_record(&mut out, &[Cell::Empty, Cell::Empty]);
        assert_eq!(out, "\"a,b\",\"say \"\"hi\"\"\",\"x\ny\",\"r\r\",3\n\"\"\n,\n");
    }

    #[test]
    fn formulas_in_text_are_neutralized_numbers_are_not() {
        let mut t = Table::new(&[("name", "企业名称"), ("tax", "税收")]);
        t.rows.push(vec![Cell::text("=HYPERLINK(\"x\")"), Cell::Num(-24.0, 2)]);
        t.rows.push(vec![Cell::text("@SUM(A1)"), Cell::Num(1.005, 2)]);
        t.rows.push(vec![Cell::text("-x"), Cell::Dec("-3.00".into())]);
        let csv = String::from_utf8(to_csv(&t)).unwrap();
        assert!(csv.starts_with('\u{feff}'));
        assert!(csv.contains("\"'=HYPERLINK(\"\"x\"\")\",-24.00"), "{csv}");
        assert!(csv.contains("'@SUM(A1),1.01"), "{csv}");
        assert!(csv.contains("'-x,-3.00"), "{csv}");
    }

    #[test]
    fn joined_cells_render_as_the_joined_text() {
        // Each list renders as its items joined by "; " would, neutralized the same way.
        let lists: [&[&str]; 6] = [&[], &[""], &["a"], &["=1", "b"], &["", "=2"], &["x", "", "-y"]];
        for items in lists {
            let owned: Vec<String> = items.iter().map(|s| s.to_string()).collect();
            let (mut got, mut want) = (String::new(), String::new());
            CellRef::Joined(&owned).render_into(&mut got);
            Cell::text(owned.join("; ")).render_into(&mut want);
            assert_eq!(got, want, "{items:?}");
            assert_eq!(CellRef::Joined(&owned).to_cell(), Cell::text(owned.join("; ")));
        }
        let mut out = String::new();
        CellRef::Joined(&["=1".to_string(), "b".to_string()]).render_into(&mut out);
        assert_eq!(out, "'=1; b");
    }
}
