//! Delimited text files: encoding detection (UTF-8, UTF-8 with BOM, GBK/GB18030) and CSV/TSV parsing.

#[cfg(test)]
use super::{Parsed, RawRow};

/// Decodes bytes: a UTF-8 BOM wins; valid UTF-8 is UTF-8; anything else is tried as GB18030 (a superset
/// of GBK, what Chinese Excel saves as "CSV"). Undecodable bytes are an error, never replacement characters.
pub fn decode(mut bytes: Vec<u8>) -> Result<(String, &'static str), String> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
        return match String::from_utf8(bytes) {
            Ok(s) => Ok((s, "UTF-8 with BOM")),
            Err(e) => Err(format!(
                "starts with a UTF-8 BOM but is not valid UTF-8 after byte {}",
                e.utf8_error().valid_up_to() + 3
            )),
        };
    }
    // Excel's "Unicode text" is UTF-16 with a BOM (encoding_rs would sniff it; name it for the manifest).
    for (bom, enc, label) in
        [(b"\xFF\xFE", encoding_rs::UTF_16LE, "UTF-16LE"), (b"\xFE\xFF", encoding_rs::UTF_16BE, "UTF-16BE")]
    {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return match enc.decode_without_bom_handling_and_without_replacement(rest) {
                Some(s) => Ok((s.into_owned(), label)),
                None => Err(format!("starts with a {label} mark but is not valid {label} text (truncated?)")),
            };
        }
    }
    // Valid UTF-8 is taken as it is, without a copy.
    let bytes = match String::from_utf8(bytes) {
        Ok(s) => return Ok((s, "UTF-8")),
        // Valid UTF-8 up to a character cut off at the very end: a truncated copy, not GBK.
        Err(e) if e.utf8_error().error_len().is_none() && e.utf8_error().valid_up_to() > 0 => {
            return Err(
                "ends in the middle of a character: the file seems truncated; copy or export it again".to_string()
            )
        }
        Err(e) => e.into_bytes(),
    };
    if let Some(msg) = mixed_encodings(&bytes) {
        return Err(msg);
    }
    let (text, _, had_errors) = encoding_rs::GB18030.decode(&bytes);
    if had_errors {
        return Err("is neither UTF-8 nor GBK/GB18030 text; save it as CSV UTF-8 or XLSX".to_string());
    }
    Ok((text.into_owned(), "GBK/GB18030"))
}

/// A file that is not UTF-8 as a whole but has lines that are clearly UTF-8 Chinese (two or more 3-byte
/// characters) mixes encodings (rows pasted from two exports): decoding it all as GBK would garble every
/// UTF-8 line without an error, so it is refused naming one line of each.
fn mixed_encodings(bytes: &[u8]) -> Option<String> {
    let (mut utf8_line, mut other_line) = (None, None);
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        match std::str::from_utf8(line) {
            Ok(s) if s.chars().filter(|c| c.len_utf8() == 3).count() >= 2 => utf8_line = utf8_line.or(Some(i + 1)),
            Ok(_) => {}
            Err(_) => other_line = other_line.or(Some(i + 1)),
        }
        if utf8_line.is_some() && other_line.is_some() {
            break;
        }
    }
    match (utf8_line, other_line) {
        (Some(u), Some(o)) => Some(format!(
            "mixes UTF-8 and GBK text (line {u} is UTF-8, line {o} is not): save the whole file again as CSV UTF-8 or XLSX"
        )),
        _ => None,
    }
}

/// The line where a quoted cell opens and is never closed (a truncated file or a stray `"`), which the
/// CSV reader would otherwise take as one cell running to the end of the file.
/// Also tells whether a quoted cell holds a line break (then the file cannot be cut at line breaks).
fn unclosed_quote(text: &[u8], delimiter: u8) -> (Option<usize>, bool) {
    let (mut in_quotes, mut at_field_start, mut line, mut opened, mut broken) = (false, true, 1, 0, false);
    let mut bytes = text.iter().copied().peekable();
    while let Some(b) = bytes.next() {
        if b == b'\n' {
            line += 1;
            broken |= in_quotes;
        }
        if in_quotes {
            if b == b'"' {
                if bytes.peek() == Some(&b'"') {
                    bytes.next();
                } else {
                    in_quotes = false;
                }
            }
            continue;
        }
        match b {
            b'"' if at_field_start => {
                in_quotes = true;
                opened = line;
            }
            b'\n' | b'\r' => at_field_start = true,
            _ if b == delimiter => at_field_start = true,
            _ => at_field_start = false,
        }
    }
    (in_quotes.then_some(opened), broken)
}

/// Decoded delimited text positioned after its header row, read record by record by [`Text::for_each`]:
/// the rows are never held as a table of strings.
pub struct Text {
    text: Content,
    delimiter: u8,
    /// Byte offset where the first record after the header starts.
    body_start: usize,
    /// Whether every line break ends a record (no quoted cell holds one), so the body can be cut there.
    cuttable: bool,
}

/// A run of whole records of a [`Text`]: bytes `start..end`, the first at physical line `line`.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    start: usize,
    end: usize,
    line: usize,
    /// Line breaks in the span.
    breaks: usize,
}

impl Span {
    /// At most this many records: one per line.
    pub fn rows_bound(&self) -> usize {
        self.breaks + 1
    }
}

/// Bytes per span when a text is cut for reading side by side.
const SPAN_BYTES: usize = 4 << 20;

/// The text of a file: the file's own pages, mapped, when it is UTF-8 (no copy, no fresh memory), else
/// the decoded copy.
pub enum Content {
    Owned(String),
    /// UTF-8 checked when mapped; `start` skips a byte-order mark.
    Mapped {
        map: memmap2::Mmap,
        start: usize,
    },
}

impl Content {
    /// The text as bytes (valid UTF-8).
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Content::Owned(s) => s.as_bytes(),
            Content::Mapped { map, start } => &map[*start..],
        }
    }

    /// Gives back the mapped pages of bytes `from..to` of the text once a pass over them is done.
    pub fn release(&self, from: usize, to: usize) {
        if let Content::Mapped { map, start } = self {
            give_back(map, start + from, start + to);
        }
    }
}

/// Gives back the pages of bytes `from..to` of a mapped file. The pages of a mapped file count in the
/// process's resident memory once read, and stay until unmapped: each pass over a large input gives back
/// what it has read, so a 4 GB file never makes 4 GB resident. Read again, the pages come back from the
/// system's file cache with the same bytes.
fn give_back(map: &memmap2::Mmap, from: usize, to: usize) {
    #[cfg(unix)]
    if to > from {
        // SAFETY: a read-only shared mapping of a file that is not changed during the run (see [`load`]):
        // MADV_DONTNEED drops the pages from this process only, and the next read maps the file's bytes
        // again, so every slice of the map still reads the same bytes.
        let _ = unsafe { map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, from, to - from) };
    }
}

/// Maps the file when it is UTF-8 (with or without a BOM), else reads and decodes it (see [`decode`]).
///
/// A mapped file must not be changed while it is read: bureaus' exports are not written to during a
/// run, and a file changed anyway shows as a different SHA-256 in the next run's manifest.
pub fn load(path: &std::path::Path) -> std::io::Result<Result<(Content, &'static str), String>> {
    let file = std::fs::File::open(path)?;
    if file.metadata()?.len() > 0 {
        // SAFETY: the map is read-only and only read as bytes; see above for a file changed meanwhile.
        let map = unsafe { memmap2::Mmap::map(&file)? };
        let start = if map.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
        if utf8_in_pieces(&map[start..], 4 << 20, &|a, b| give_back(&map, start + a, start + b)) {
            let encoding = if start == 3 { "UTF-8 with BOM" } else { "UTF-8" };
            return Ok(Ok((Content::Mapped { map, start }, encoding)));
        }
        return Ok(decode(map.to_vec()).map(|(s, e)| (Content::Owned(s), e)));
    }
    Ok(Ok((Content::Owned(String::new()), "UTF-8")))
}

/// Whether `bytes` are UTF-8, checked in pieces side by side (each piece starts on a character: a byte
/// that is not a continuation byte, `10xxxxxx`), so a large file's pages are read on every core;
/// `done(from, to)` is told of each piece checked.
fn utf8_in_pieces(bytes: &[u8], piece: usize, done: &(dyn Fn(usize, usize) + Sync)) -> bool {
    use rayon::prelude::*;
    let mut cuts = vec![0];
    while let Some(&last) = cuts.last() {
        let mut at = (last + piece).min(bytes.len());
        // At most 3 continuation bytes follow a character's first byte.
        while at < bytes.len() && bytes[at] & 0xC0 == 0x80 && at < last + piece + 3 {
            at += 1;
        }
        cuts.push(at);
        if at == bytes.len() {
            break;
        }
    }
    cuts.par_windows(2).all(|w| {
        let ok = simdutf8::basic::from_utf8(&bytes[w[0]..w[1]]).is_ok();
        done(w[0], w[1]);
        ok
    })
}

/// Decodes and opens delimited text: the first non-empty record is the header; tab-separated if the header
/// has tabs and no commas. Returns the header cells, the text and the encoding detected.
#[cfg(test)]
pub fn open(bytes: Vec<u8>) -> Result<(Vec<String>, Text, &'static str), String> {
    let (text, encoding) = decode(bytes)?;
    open_content(Content::Owned(text)).map(|(h, t)| (h, t, encoding))
}

/// [`open`] for text already decoded.
pub fn open_content(text: Content) -> Result<(Vec<String>, Text), String> {
    let raw = text.as_bytes();
    let first_line =
        raw.split(|&b| b == b'\n').find(|l| !std::str::from_utf8(l).is_ok_and(|l| l.trim().is_empty())).unwrap_or(b"");
    let delimiter = if first_line.contains(&b'\t') && !first_line.contains(&b',') { b'\t' } else { b',' };
    // The full quote scan only where the file has a quote at all.
    let mut cuttable = true;
    let quoted = raw.chunks(SPAN_BYTES).enumerate().any(|(k, piece)| {
        let found = memchr::memchr(b'"', piece).is_some();
        text.release(k * SPAN_BYTES, k * SPAN_BYTES + piece.len());
        found
    });
    if quoted {
        let (unclosed, broken) = unclosed_quote(raw, delimiter);
        text.release(0, raw.len());
        if let Some(line) = unclosed {
            return Err(format!(
                "line {line} opens a quoted cell (\") that is never closed: the file may be truncated, or a quote in a name needs doubling (\"\")"
            ));
        }
        cuttable = !broken;
    }
    let mut reader = reader(raw, delimiter);
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => return Err("is empty: no header row".to_string()),
            Ok(true) if record.iter().all(|c| c.trim().is_empty()) => continue,
            Ok(true) => break,
            Err(e) => return Err(format!("is not well-formed CSV: {e}")),
        }
    }
    let headers = record.iter().map(str::to_string).collect();
    let body_start = reader.position().byte() as usize;
    drop(reader);
    Ok((headers, Text { text, delimiter, body_start, cuttable }))
}

fn reader(bytes: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(bytes)
}

fn newlines(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

impl Text {
    /// SHA-256 of the file's bytes as they are on disk, when the text is the file mapped, giving back the
    /// pages hashed as it goes.
    pub fn file_digest(&self) -> Option<String> {
        let Content::Mapped { map, .. } = &self.text else { return None };
        let mut h = crate::digest::Sha256::default();
        for (k, piece) in map.chunks(SPAN_BYTES).enumerate() {
            h.update(piece);
            give_back(map, k * SPAN_BYTES, k * SPAN_BYTES + piece.len());
        }
        Some(h.finish_hex())
    }

    /// The physical line of the header row (the last line of a header that spans several).
    pub fn header_line(&self) -> usize {
        newlines(&self.text.as_bytes()[..self.body_start]).max(1)
    }

    /// The body cut into spans of whole records at line breaks (one span when a quoted cell holds a line
    /// break), each with the line it starts on.
    pub fn spans(&self) -> Vec<Span> {
        let raw = self.text.as_bytes();
        let mut cuts = vec![self.body_start];
        if self.cuttable {
            let mut at = self.body_start + SPAN_BYTES;
            while at < raw.len() {
                match memchr::memchr(b'\n', &raw[at..]) {
                    Some(p) if at + p + 1 < raw.len() => cuts.push(at + p + 1),
                    _ => break,
                }
                at = cuts[cuts.len() - 1] + SPAN_BYTES;
            }
        }
        cuts.push(raw.len());
        let mut line = newlines(&raw[..self.body_start]) + 1;
        let mut spans = Vec::with_capacity(cuts.len() - 1);
        for w in cuts.windows(2) {
            let breaks = newlines(&raw[w[0]..w[1]]);
            self.text.release(w[0], w[1]);
            spans.push(Span { start: w[0], end: w[1], line, breaks });
            line += breaks;
        }
        spans
    }

    /// Calls `f(line, cells)` for every record of one span, in file order. `line` is the physical line
    /// where the row starts (blank lines and quoted line breaks counted); completely empty rows are skipped.
    ///
    /// Lines without a quote or a carriage return inside are split at the delimiter directly, which is
    /// what the CSV reader makes of them; from the first line with one, the CSV reader takes the rest of
    /// the span (quoted cells may hold delimiters and line breaks; a lone `\r` ends a record).
    pub fn for_each_in(&self, span: Span, f: impl FnMut(usize, &[&str])) -> Result<(), String> {
        let done = self.for_each_in_span(span, f);
        self.text.release(span.start, span.end);
        done
    }

    fn for_each_in_span(&self, span: Span, mut f: impl FnMut(usize, &[&str])) -> Result<(), String> {
        let bytes = self.text.as_bytes();
        // A span starts and ends at line breaks, so it is whole characters.
        let text =
            simdutf8::compat::from_utf8(&bytes[span.start..span.end]).map_err(|e| format!("is not UTF-8 text: {e}"))?;
        let (mut at, mut line) = (0, span.line);
        let mut cells: Vec<&str> = Vec::new();
        while at < text.len() {
            let end = memchr::memchr(b'\n', &text.as_bytes()[at..]).map_or(text.len(), |p| at + p);
            let record = &text[at..end];
            let record = record.strip_suffix('\r').unwrap_or(record);
            // One pass finds the delimiters and any quote or carriage return (then the CSV reader takes over).
            cells.clear();
            let mut from = 0;
            for p in memchr::memchr3_iter(self.delimiter, b'"', b'\r', record.as_bytes()) {
                if record.as_bytes()[p] != self.delimiter {
                    return self.for_each_csv(span.start + at, line, span.end, f);
                }
                cells.push(&record[from..p]);
                from = p + 1;
            }
            cells.push(&record[from..]);
            if !cells.iter().all(|c| c.trim().is_empty()) {
                f(line, &cells);
            }
            line += 1;
            at = end + 1;
        }
        Ok(())
    }

    /// [`Text::for_each_in`] by the CSV reader, for the records in bytes `start..end`, the first starting
    /// on physical line `line`.
    fn for_each_csv(
        &self,
        start: usize,
        line: usize,
        end: usize,
        mut f: impl FnMut(usize, &[&str]),
    ) -> Result<(), String> {
        let raw = &self.text.as_bytes()[..end];
        let mut reader = reader(&raw[start..], self.delimiter);
        let mut record = csv::StringRecord::new();
        // Line numbers from byte offsets (the csv crate's own counter skips blank lines), counted as we go.
        let (mut counted_to, mut line) = (start, line);
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => return Ok(()),
                Ok(true) => {
                    // A record's position is where the reader started, before any blank lines it skipped.
                    let mut byte = start + record.position().map_or(0, |p| p.byte() as usize);
                    while byte < raw.len() && (raw[byte] == b'\n' || raw[byte] == b'\r') {
                        byte += 1;
                    }
                    let byte = byte.max(counted_to);
                    line += newlines(&raw[counted_to..byte]);
                    counted_to = byte;
                    let cells: Vec<&str> = record.iter().collect();
                    if cells.iter().all(|c| c.trim().is_empty()) {
                        continue;
                    }
                    f(line, &cells);
                }
                Err(e) => return Err(format!("is not well-formed CSV: {e}")),
            }
        }
    }
}

/// Parses decoded text into a table of text cells (see [`open`] and [`Text::for_each`]).
#[cfg(test)]
pub fn read_delimited(bytes: Vec<u8>) -> Result<Parsed, String> {
    let (headers, text, encoding) = open(bytes)?;
    let mut rows = Vec::new();
    for span in text.spans() {
        text.for_each_in(span, |line, cells| {
            rows.push(RawRow { line, cells: cells.iter().map(|c| c.to_string()).collect() })
        })?;
    }
    Ok((headers, rows, encoding.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of `bytes` (after the header) as (line, cells): split directly where it can, or only by
    /// the CSV reader.
    fn records(bytes: &[u8], direct: bool) -> Result<Vec<(usize, Vec<String>)>, String> {
        let (_, text, _) = open(bytes.to_vec())?;
        let mut out = Vec::new();
        for span in text.spans() {
            let mut push =
                |line: usize, cells: &[&str]| out.push((line, cells.iter().map(|c| c.to_string()).collect()));
            if direct {
                text.for_each_in(span, &mut push)?;
            } else {
                text.for_each_csv(span.start, span.line, span.end, &mut push)?;
            }
        }
        Ok(out)
    }

    #[test]
    fn direct_splitting_gives_what_the_csv_reader_gives() {
        // Files from a fixed pseudo-random stream of pieces: cells with and without quotes, delimiters,
        // blank and whitespace lines, CRLF and lone CR, Chinese text, tabs (tab-separated headers too).
        const PIECES: [&str; 14] =
            ["a", "汉滨", "12.5", ",", ",", "\n", "\n", "\r\n", "\r", " ", "\"q,\"", "\"x\"\"y\"", "\t", ""];
        let mut rng = crate::xorshift::XorShift::new(0x2545_F491_4F6C_DD1D);
        let mut next = || rng.next();
        for case in 0..3000 {
            let mut file = String::from(if case % 5 == 0 { "h1\th2\n" } else { "h1,h2,h3\n" });
            for _ in 0..(next() % 40) {
                file.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
            }
            let (direct, csv) = (records(file.as_bytes(), true), records(file.as_bytes(), false));
            assert_eq!(direct, csv, "{file:?}");
        }
    }

    #[test]
    fn utf8_checked_in_pieces_agrees_with_the_whole() {
        // Pieces of 1–8 bytes cut through 3- and 4-byte characters; broken sequences at the start, the
        // middle and the end; a run of continuation bytes longer than any character.
        let good = "企业,𠀋a\n汉滨,区\n".as_bytes().to_vec();
        let mut cases = vec![good.clone(), Vec::new()];
        for at in [0, 3, good.len()] {
            let mut bad = good.clone();
            bad.insert(at, 0x80);
            cases.push(bad);
        }
        cases.push(good[..good.len() - 2].iter().chain(&good[..4]).copied().collect()); // cut character
        cases.push([b"ab".as_slice(), &[0x80; 6], b"cd"].concat());
        cases.push([good.as_slice(), &[0xE6, 0xB1]].concat()); // truncated at the end
        for bytes in &cases {
            for piece in 1..=8 {
                assert_eq!(
                    utf8_in_pieces(bytes, piece, &|_, _| ()),
                    std::str::from_utf8(bytes).is_ok(),
                    "{bytes:?} in pieces of {piece}"
                );
            }
        }
    }

    #[test]
    fn gbk_bom_and_utf8_decode_to_the_same_text() {
        let text = "企业名称,县区\n汉滨精工,汉滨区\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(gbk.to_vec()).unwrap(), (text.to_string(), "GBK/GB18030"));
        assert_eq!(decode(bom).unwrap(), (text.to_string(), "UTF-8 with BOM"));
        assert_eq!(decode(text.as_bytes().to_vec()).unwrap().1, "UTF-8");
    }

    #[test]
    fn lines_survive_quoted_newlines_and_blank_rows() {
        let (h, rows, _) = read_delimited(b"a,b\n1,\"x\ny\"\n\n2,z\n".to_vec()).unwrap();
        assert_eq!(h, ["a", "b"]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].cells[1], "x\ny");
        assert_eq!(rows[1].line, 5);
    }

    /// UTF-8 files (with or without a BOM) are mapped as they are; GBK is decoded into a copy; an empty
    /// file is empty text. The bytes for hashing are the file's own, BOM included.
    #[test]
    fn files_are_mapped_when_utf8_and_decoded_otherwise() {
        let dir = tempfile::tempdir().unwrap();
        let text = "企业名称,县区\n汉滨精工,汉滨区\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let cases: [(&str, Vec<u8>, &str, bool); 4] = [
            ("plain.csv", text.as_bytes().to_vec(), "UTF-8", true),
            ("bom.csv", [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(), "UTF-8 with BOM", true),
            ("gbk.csv", gbk.to_vec(), "GBK/GB18030", false),
            ("empty.csv", Vec::new(), "UTF-8", false),
        ];
        for (name, bytes, encoding, mapped) in cases {
            let path = dir.path().join(name);
            std::fs::write(&path, &bytes).unwrap();
            let (content, enc) = load(&path).unwrap().unwrap();
            assert_eq!(enc, encoding, "{name}");
            assert_eq!(matches!(content, Content::Mapped { .. }), mapped, "{name}");
            let expected = if bytes.is_empty() { "" } else { text };
            assert_eq!(content.as_bytes(), expected.as_bytes(), "{name}: the text without its BOM");
            match open_content(content) {
                Ok((headers, t)) => {
                    assert_eq!(headers, ["企业名称", "县区"], "{name}");
                    assert_eq!(
                        t.file_digest(),
                        mapped.then(|| crate::digest::of_bytes(&bytes)),
                        "{name}: the file's bytes hashed"
                    );
                }
                Err(e) => assert!(bytes.is_empty() && e.contains("empty"), "{name}: {e}"),
            }
        }
    }

    #[test]
    fn empty_file_is_an_error() {
        assert!(read_delimited(Vec::new()).unwrap_err().contains("empty"));
    }
}
