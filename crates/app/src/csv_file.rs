//! CSV as spreadsheets write it, and as Excel reads it back: reading an uploaded table (UTF-8 with
//! or without a byte-order mark, headers matched case-insensitively) and writing an export (UTF-8
//! **with** a BOM so Excel shows Arabic, CRLF line ends, formula injection escaped).

/// The byte-order mark Excel needs to read a CSV file as UTF-8.
pub const BOM: &str = "\u{feff}";

/// Why an uploaded file is not a table we can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsvError {
    #[error("the file is not UTF-8 text")]
    NotUtf8,
    #[error("the file is empty or has no header row")]
    NoHeader,
    #[error("the file is not valid CSV: {0}")]
    Malformed(String),
    #[error("the column `{0}` is required")]
    MissingColumn(&'static str),
    #[error("the file has more than {0} rows")]
    TooManyRows(usize),
}

/// A header as matched: lower case, without spaces, `_`, `-` or `.`.
pub fn header_key(h: &str) -> String {
    h.trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.' | '\u{200f}' | '\u{200e}'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// An uploaded table: normalised headers, and each data row with its line number in the file
/// (the header is row 1, as a spreadsheet numbers them).
#[derive(Debug, Clone)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    /// Reads `bytes` (a leading BOM is dropped). Blank lines are skipped.
    pub fn read(bytes: &[u8], max_rows: usize) -> Result<Table, CsvError> {
        let text = std::str::from_utf8(bytes).map_err(|_| CsvError::NotUtf8)?;
        Self::read_str(text, max_rows)
    }

    pub fn read_str(text: &str, max_rows: usize) -> Result<Table, CsvError> {
        let text = text.strip_prefix(BOM).unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let mut records = reader.records();
        let headers = match records.next() {
            Some(Ok(h)) => h.iter().map(header_key).collect::<Vec<_>>(),
            Some(Err(e)) => return Err(CsvError::Malformed(e.to_string())),
            None => return Err(CsvError::NoHeader),
        };
        if headers.iter().all(String::is_empty) {
            return Err(CsvError::NoHeader);
        }
        let mut rows = Vec::new();
        let (mut counted_lines, mut counted_upto) = (0usize, 0usize);
        for record in records {
            let record = record.map_err(|e| CsvError::Malformed(e.to_string()))?;
            if record.iter().all(str::is_empty) {
                continue;
            }
            if rows.len() == max_rows {
                return Err(CsvError::TooManyRows(max_rows));
            }
            // The record's first line: the line ends before its first character (the reader's
            // offset is where it began parsing, before the previous CRLF's `\n` and blank lines).
            let bytes = text.as_bytes();
            let mut first = record.position().map_or(0, |p| usize::try_from(p.byte()).unwrap_or(0)).min(bytes.len());
            while first < bytes.len() && matches!(bytes[first], b'\r' | b'\n') {
                first += 1;
            }
            counted_lines += bytes[counted_upto.min(first)..first].iter().filter(|b| **b == b'\n').count();
            counted_upto = counted_upto.max(first);
            let line = counted_lines + 1;
            rows.push((line, record.iter().map(str::to_owned).collect()));
        }
        Ok(Table { headers, rows })
    }

    /// The index of the first column whose header is one of `names` (already in key form).
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        self.headers.iter().position(|h| names.contains(&h.as_str()))
    }
}

/// Neutralises a cell a spreadsheet would run as a formula: a leading `=`, `+`, `-`, `@`, tab or
/// carriage return gets a `'` in front (OWASP's advice for CSV injection).
pub fn escape_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => std::borrow::Cow::Owned(format!("'{cell}")),
        _ => std::borrow::Cow::Borrowed(cell),
    }
}

/// Undoes [`escape_cell`] on import, so an exported file imports unchanged.
pub fn unescape_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if matches!(rest.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r')) => rest,
        _ => cell,
    }
}

/// Writes an export: BOM, then CRLF-terminated records with every cell escaped.
pub struct CsvWriter {
    inner: csv::Writer<Vec<u8>>,
}

impl CsvWriter {
    pub fn new(headers: &[&str]) -> Result<CsvWriter, CsvError> {
        let mut out = Vec::with_capacity(64 * 1024);
        out.extend_from_slice(BOM.as_bytes());
        let mut inner = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
        inner.write_record(headers).map_err(|e| CsvError::Malformed(e.to_string()))?;
        Ok(CsvWriter { inner })
    }

    pub fn row(&mut self, cells: &[String]) -> Result<(), CsvError> {
        self.inner
            .write_record(cells.iter().map(|c| escape_cell(c).into_owned()))
            .map_err(|e| CsvError::Malformed(e.to_string()))
    }

    pub fn finish(self) -> Result<Vec<u8>, CsvError> {
        self.inner.into_inner().map_err(|e| CsvError::Malformed(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bom_arabic_and_case_insensitive_headers() {
        let t = Table::read("\u{feff}Name,PHONE,e-mail\r\nأحمد,050 123 4567,a@b.ae\r\n\r\nSara,,\r\n".as_bytes(), 10)
            .unwrap();
        let lf = Table::read_str("a\nb\n\"two\nlines\"\nc\n", 10).unwrap();
        assert_eq!(lf.rows.iter().map(|r| r.0).collect::<Vec<_>>(), vec![2, 3, 5]);
        let crlf = Table::read_str("a\r\nb\r\nc\r\n", 10).unwrap();
        assert_eq!(crlf.rows.iter().map(|r| r.0).collect::<Vec<_>>(), vec![2, 3]);
        assert_eq!(t.headers, vec!["name", "phone", "email"]);
        assert_eq!(
            t.rows,
            vec![
                (2, vec!["أحمد".into(), "050 123 4567".into(), "a@b.ae".into()]),
                (4, vec!["Sara".into(), String::new(), String::new()])
            ]
        );
        assert_eq!(t.column(&["email"]), Some(2));
        assert_eq!(Table::read(b"\xff\xfe", 10).unwrap_err(), CsvError::NotUtf8);
        assert_eq!(Table::read(b"name\na\nb\n", 1).unwrap_err(), CsvError::TooManyRows(1));
    }

    #[test]
    fn exports_have_bom_crlf_and_escaped_formulas() {
        let mut w = CsvWriter::new(&["a", "b"]).unwrap();
        w.row(&["=SUM(A1)".into(), "مرحبا, \"x\"".into()]).unwrap();
        w.row(&["+971501234567".into(), "@cmd".into()]).unwrap();
        let out = String::from_utf8(w.finish().unwrap()).unwrap();
        assert_eq!(out, "\u{feff}a,b\r\n'=SUM(A1),\"مرحبا, \"\"x\"\"\"\r\n'+971501234567,'@cmd\r\n");
        assert_eq!(unescape_cell("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unescape_cell("'quoted"), "'quoted");
    }
}
