//! The one way baocao opens a spreadsheet someone uploaded: .xlsx, .xls or
//! .ods, checked before it is read, read sparsely (only cells that hold
//! something), within limits of size, cells and time, off the async runtime
//! and a few at a time. Every refusal is a Vietnamese sentence that says
//! what to do; the library's own words go to the log only.

use super::ods_scan;
use super::sniff::{Container, container};
use super::xls_scan;
use calamine::{Data, Reader, SheetVisible, Xls, Xlsx};
use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xls,
    Ods,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Format::Xlsx => "Excel (.xlsx)",
            Format::Xls => "Excel 97–2003 (.xls)",
            Format::Ods => "OpenDocument (.ods)",
        }
    }
}

/// How much an upload may ask of the server.
#[derive(Clone, Debug)]
pub struct Limits {
    /// The file itself.
    pub max_file_bytes: usize,
    /// Entries of a zip container (a real workbook has a few dozen).
    pub max_entries: usize,
    /// Sum of the declared sizes of a zip's entries once decompressed.
    pub max_unzipped_bytes: u64,
    /// Cells holding something, all sheets together.
    pub max_cells: u64,
    /// The dense grid calamine builds for one .xls or .ods sheet.
    pub max_grid: u64,
    /// Bytes of cell text calamine would hold for an .ods.
    pub max_text_bytes: u64,
    pub max_sheets: usize,
    /// Merged areas of one sheet (a form has a handful).
    pub max_merges: usize,
    /// Wall-clock time for reading one file.
    pub max_time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 10 * 1024 * 1024,
            max_entries: 2_000,
            max_unzipped_bytes: 100 * 1024 * 1024,
            max_cells: 1_000_000,
            max_grid: 2_000_000,
            max_text_bytes: 64 * 1024 * 1024,
            max_sheets: 300,
            max_merges: 10_000,
            max_time: Duration::from_secs(30),
        }
    }
}

/// One sheet, sparse: only cells that hold a value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub visible: bool,
    /// (row, column), 0-based, to the cell's value (a formula gives its cached
    /// value; an error value such as #DIV/0! is `Data::Error`).
    pub cells: BTreeMap<(u32, u32), Data>,
    /// Merged areas, first and last cell (.xlsx and .xls; calamine does not
    /// report them for .ods).
    pub merged: Vec<Merge>,
    /// Numeric cells shown as percentages (`45,5%` typed in Excel is stored
    /// as 0.455 with a percent format): their value is a hundredth of what the
    /// clerk sees. Known for .xlsx and .ods.
    pub percent: std::collections::BTreeSet<(u32, u32)>,
    /// The file does not say which cells are percentages (.xls): a figure
    /// between 0 and 1 for a percentage indicator could be either reading.
    pub percent_unknown: bool,
}

/// A merged area: its value sits in the first (top-left) cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Merge {
    pub first: (u32, u32),
    pub last: (u32, u32),
}

impl Merge {
    pub fn contains(&self, row: u32, col: u32) -> bool {
        (self.first.0..=self.last.0).contains(&row) && (self.first.1..=self.last.1).contains(&col)
    }
}

/// The merged areas over a few columns, each column's sorted by top row, so
/// finding the area of a cell is a binary search, not a scan of every area.
#[derive(Clone, Debug, Default)]
pub struct MergeIndex {
    /// Per column: its areas, and whether two of them overlap (a hand-made
    /// file; Excel never writes one), when only a scan finds the right one.
    by_col: std::collections::HashMap<u32, (Vec<Merge>, bool)>,
}

impl MergeIndex {
    /// Indexes the areas that cross `cols` (the columns a reader will ask about).
    pub fn new(merged: &[Merge], cols: &[u32]) -> Self {
        let mut by_col = std::collections::HashMap::new();
        for &c in cols {
            let mut v: Vec<Merge> = merged.iter().copied().filter(|m| (m.first.1..=m.last.1).contains(&c)).collect();
            v.sort_by_key(|m| (m.first.0, m.last.0));
            let overlap = v.windows(2).any(|w| w[0].last.0 >= w[1].first.0);
            by_col.insert(c, (v, overlap));
        }
        MergeIndex { by_col }
    }

    /// The merged area a cell of an indexed column lies in, if any (where
    /// areas overlap, the first in top-row order that holds the cell).
    pub fn merge_of(&self, row: u32, col: u32) -> Option<Merge> {
        let (v, overlap) = self.by_col.get(&col)?;
        if *overlap {
            return v.iter().copied().find(|m| m.contains(row, col));
        }
        let i = v.partition_point(|m| m.first.0 <= row);
        v[..i].last().copied().filter(|m| m.contains(row, col))
    }
}

impl Sheet {
    pub fn get(&self, row: u32, col: u32) -> Option<&Data> {
        self.cells.get(&(row, col))
    }

    /// What a cell of a column holds: its own value, or, when it lies in an
    /// area merged down that column, the area's value. A title merged across
    /// columns belongs to its first column only. The merged areas are
    /// looked up in an index of the column.
    pub fn shown_in(&self, index: &MergeIndex, row: u32, col: u32) -> Option<&Data> {
        match self.get(row, col) {
            Some(d) => Some(d),
            None => index.merge_of(row, col).filter(|m| m.first.1 == col).and_then(|m| self.get(m.first.0, m.first.1)),
        }
    }

    /// The cells of one row, in column order.
    pub fn row(&self, row: u32) -> impl Iterator<Item = (u32, &Data)> {
        self.cells.range((row, 0)..=(row, u32::MAX)).map(|((_, c), d)| (*c, d))
    }

    /// Rows that hold something, in order.
    pub fn rows(&self) -> Vec<u32> {
        let mut rows: Vec<u32> = self.cells.keys().map(|(r, _)| *r).collect();
        rows.dedup();
        rows
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Book {
    pub format: Option<Format>,
    pub sheets: Vec<Sheet>,
}

impl Book {
    pub fn sheet(&self, name: &str) -> Option<&Sheet> {
        self.sheets.iter().find(|s| s.name == name)
    }
}

/// Why a file was not read. `Display` is the message for the user.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BookError {
    #[error("Tệp tải lên đang trống.")]
    Empty,
    #[error("Tệp lớn {got_mb} MB, vượt giới hạn {limit_mb} MB. Hãy xóa các trang tính không dùng hoặc chia thành nhiều tệp.")]
    TooBig { got_mb: String, limit_mb: usize },
    #[error(
        "Tệp này là {0}, không phải bảng tính. Hãy mở biểu mẫu bằng Excel hoặc LibreOffice rồi lưu dạng .xlsx (Tệp → Lưu thành → Sổ làm việc Excel)."
    )]
    NotSpreadsheet(&'static str),
    #[error("Tệp này là văn bản Word, không phải bảng tính. Hãy tải biểu mẫu Excel về và nhập số liệu vào đó.")]
    WordDocument,
    #[error("Tệp .xlsb (sổ làm việc nhị phân) chưa được hỗ trợ. Hãy mở tệp trong Excel rồi lưu lại dạng .xlsx.")]
    Xlsb,
    #[error(
        "Tệp đang được đặt mật khẩu nên không đọc được. Hãy mở tệp, gỡ mật khẩu (Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng mật khẩu, xóa mật khẩu) rồi lưu và tải lên lại."
    )]
    Encrypted,
    #[error(
        "Tệp bị hỏng hoặc chưa tải hết nên không đọc được. Hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại dạng .xlsx rồi tải lên; nếu vẫn lỗi, hãy tải biểu mẫu về lại."
    )]
    Corrupt {
        /// The library's words, for the log only.
        detail: String,
    },
    #[error("Tệp quá lớn để xử lý ({what}). Hãy xóa các dòng, cột và trang tính không dùng rồi lưu lại.")]
    TooComplex { what: String },
    #[error("Đọc tệp mất quá nhiều thời gian nên đã dừng. Hãy xóa các dòng, cột và trang tính không dùng rồi lưu lại.")]
    Timeout,
    #[error("Máy chủ đang xử lý nhiều tệp cùng lúc. Vui lòng thử lại sau ít phút.")]
    Busy,
}

impl BookError {
    fn corrupt(detail: impl std::fmt::Display) -> Self {
        BookError::Corrupt { detail: detail.to_string() }
    }

    fn complex(what: impl Into<String>) -> Self {
        BookError::TooComplex { what: what.into() }
    }
}

impl From<BookError> for crate::ServiceError {
    fn from(e: BookError) -> Self {
        match e {
            BookError::Busy => crate::ServiceError::TooManyRequests(e.to_string()),
            BookError::Corrupt { ref detail } => {
                tracing::info!(%detail, "unreadable workbook refused");
                crate::ServiceError::field("file", e.to_string())
            }
            other => crate::ServiceError::field("file", other.to_string()),
        }
    }
}

/// Reads an uploaded workbook: a few at a time (bounded by the cores, since
/// each holds a parse in memory), off the async runtime.
pub async fn read_untrusted(bytes: Vec<u8>, limits: Limits) -> Result<Book, BookError> {
    let permit = permit().await?;
    // The parse checks the clock itself; this is the backstop for a library
    // call that does not return. The permit goes with the parse, so an
    // abandoned one still counts against the gate until it really ends.
    let backstop = limits.max_time + Duration::from_secs(5);
    let job = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        read(&bytes, &limits)
    });
    match tokio::time::timeout(backstop, job).await {
        Ok(done) => done.unwrap_or_else(|e| Err(BookError::corrupt(format!("reader stopped: {e}")))),
        Err(_) => Err(BookError::Timeout),
    }
}

fn gate() -> &'static tokio::sync::Semaphore {
    static GATE: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    GATE.get_or_init(|| {
        let cores = std::thread::available_parallelism().map(usize::from).unwrap_or(2);
        tokio::sync::Semaphore::new(cores.max(1))
    })
}

async fn permit() -> Result<tokio::sync::SemaphorePermit<'static>, BookError> {
    let permit = tokio::time::timeout(Duration::from_secs(10), gate().acquire()).await.map_err(|_| BookError::Busy)?;
    permit.map_err(|_| BookError::Busy)
}

/// Runs CPU-heavy work on an uploaded book (reading a sheet's rows) as the
/// parse runs: off the async runtime, within the same few-at-a-time gate.
pub async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, BookError> {
    let permit = permit().await?;
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work()
    })
    .await
    .map_err(|e| BookError::corrupt(format!("reader stopped: {e}")))
}

/// Reads a workbook on the calling thread (use [`read_untrusted`] from async code).
/// A panic inside the parser library becomes a `Corrupt` refusal.
pub fn read(bytes: &[u8], limits: &Limits) -> Result<Book, BookError> {
    if bytes.is_empty() {
        return Err(BookError::Empty);
    }
    if bytes.len() > limits.max_file_bytes {
        return Err(BookError::TooBig {
            got_mb: domain::numfmt::format_scaled((bytes.len() as i64 * 10) / (1024 * 1024), 1),
            limit_mb: limits.max_file_bytes / (1024 * 1024),
        });
    }
    let started = Instant::now();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match container(bytes) {
        Container::Zip => read_zip(bytes, limits, started),
        Container::Compound => read_compound(bytes, limits, started),
        Container::Other(what) => Err(BookError::NotSpreadsheet(what)),
    }))
    .unwrap_or_else(|_| Err(BookError::corrupt("parser panicked")))
}

fn read_zip(bytes: &[u8], limits: &Limits, started: Instant) -> Result<Book, BookError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(BookError::corrupt)?;
    if zip.len() > limits.max_entries {
        return Err(BookError::complex(format!("{} tệp con trong gói", zip.len())));
    }
    let mut total = 0u64;
    let mut names = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(BookError::corrupt)?;
        if f.encrypted() {
            return Err(BookError::Encrypted);
        }
        total = total.saturating_add(f.size());
        names.push(f.name().map_err(BookError::corrupt)?.to_string());
    }
    if total > limits.max_unzipped_bytes {
        return Err(BookError::complex(format!("giải nén ra {} MB", total / (1024 * 1024))));
    }
    let has = |n: &str| names.iter().any(|x| x == n);
    if has("xl/workbook.xml") {
        read_xlsx(bytes, limits, started)
    } else if has("xl/workbook.bin") {
        Err(BookError::Xlsb)
    } else if has("content.xml") && is_ods(&mut zip) {
        read_ods(&mut zip, bytes, limits, started)
    } else if has("word/document.xml") {
        Err(BookError::WordDocument)
    } else if has("content.xml") {
        Err(BookError::NotSpreadsheet("tài liệu OpenDocument không phải bảng tính"))
    } else {
        Err(BookError::NotSpreadsheet("tệp nén zip"))
    }
}

fn is_ods(zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> bool {
    let Ok(f) = zip.by_name("mimetype") else {
        // Some writers leave it out; content.xml alone decides then.
        return true;
    };
    let mut s = String::new();
    f.take(200).read_to_string(&mut s).is_ok() && s.trim() == "application/vnd.oasis.opendocument.spreadsheet"
}

fn visible(v: SheetVisible) -> bool {
    matches!(v, SheetVisible::Visible)
}

fn read_xlsx(bytes: &[u8], limits: &Limits, started: Instant) -> Result<Book, BookError> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(BookError::corrupt)?;
    let meta: Vec<(String, bool)> = wb.sheets_metadata().iter().map(|s| (s.name.clone(), visible(s.visible))).collect();
    if meta.len() > limits.max_sheets {
        return Err(BookError::complex(format!("{} trang tính", meta.len())));
    }
    let mut book = Book { format: Some(Format::Xlsx), sheets: Vec::with_capacity(meta.len()) };
    let mut cells_read = 0u64;
    for (name, visible) in meta {
        let mut sheet = Sheet { name: name.clone(), visible, ..Sheet::default() };
        let mut reader = match wb.worksheet_cells_reader(&name) {
            Ok(r) => r,
            // A chart sheet or a macro sheet holds no cells.
            Err(calamine::XlsxError::NotAWorksheet(_)) => continue,
            Err(e) => return Err(BookError::corrupt(e)),
        };
        // Which styles show numbers as percentages, worked out once per style.
        let mut percent_style: Vec<Option<bool>> = vec![None; reader.styles().len()];
        let mut n = 0u32;
        while let Some((cell, style)) = reader.next_cell_with_style_id().map_err(BookError::corrupt)? {
            n = n.wrapping_add(1);
            if n.is_multiple_of(4096) && started.elapsed() > limits.max_time {
                return Err(BookError::Timeout);
            }
            let value = data_of(cell.get_value());
            if matches!(value, Data::Empty) {
                continue;
            }
            cells_read += 1;
            if cells_read > limits.max_cells {
                return Err(BookError::complex(format!("hơn {} ô có dữ liệu", domain::numfmt::format_int(limits.max_cells as i64))));
            }
            if matches!(value, Data::Float(_) | Data::Int(_)) && style != 0 {
                let is_percent = match percent_style.get(style).copied().flatten() {
                    Some(p) => p,
                    None => {
                        let p = reader.styles().get(style).and_then(|s| s.number_format.as_ref()).is_some_and(|f| is_percent_format(&f.format_code));
                        if let Some(slot) = percent_style.get_mut(style) {
                            *slot = Some(p);
                        }
                        p
                    }
                };
                if is_percent {
                    sheet.percent.insert(cell.get_position());
                }
            }
            sheet.cells.insert(cell.get_position(), value);
        }
        drop(reader);
        if started.elapsed() > limits.max_time {
            return Err(BookError::Timeout);
        }
        sheet.merged = wb.merge_cells_by_sheet_name(&name).map_err(BookError::corrupt)?.into_iter().map(merge_of).collect();
        check_merges(&sheet, limits)?;
        book.sheets.push(sheet);
    }
    Ok(book)
}

fn check_merges(sheet: &Sheet, limits: &Limits) -> Result<(), BookError> {
    if sheet.merged.len() > limits.max_merges {
        return Err(BookError::complex(format!(
            "trang tính «{}» có {} vùng gộp ô",
            sheet.name,
            domain::numfmt::format_int(sheet.merged.len() as i64)
        )));
    }
    Ok(())
}

fn merge_of(d: calamine::Dimensions) -> Merge {
    Merge { first: d.start, last: d.end }
}

/// Whether an Excel number format shows a percentage: a `%` outside quoted
/// text and escapes (`0.0%`, but not `0.0" %"`… which Excel shows as text).
fn is_percent_format(code: &str) -> bool {
    let mut quoted = false;
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' if !quoted => {
                chars.next();
            }
            '%' if !quoted => return true,
            _ => {}
        }
    }
    false
}

/// An owned value from the streaming reader's borrowed one.
fn data_of(d: &calamine::DataRef<'_>) -> Data {
    use calamine::DataRef;
    match d {
        DataRef::Empty => Data::Empty,
        DataRef::String(s) => Data::String(s.clone()),
        DataRef::SharedString(s) => Data::String((*s).to_string()),
        DataRef::Float(f) => Data::Float(*f),
        DataRef::Int(i) => Data::Int(*i),
        DataRef::Bool(b) => Data::Bool(*b),
        DataRef::DateTime(dt) => Data::DateTime(*dt),
        DataRef::DateTimeIso(s) => Data::DateTimeIso(s.clone()),
        DataRef::DurationIso(s) => Data::DurationIso(s.clone()),
        DataRef::Error(e) => Data::Error(e.clone()),
    }
}

fn read_ods(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, bytes: &[u8], limits: &Limits, started: Instant) -> Result<Book, BookError> {
    let content = zip.by_name("content.xml").map_err(BookError::corrupt)?;
    let scan = ods_scan::scan(std::io::BufReader::new(content), 32_768).map_err(|e| match e {
        ods_scan::ScanError::Corrupt(d) => BookError::corrupt(d),
        ods_scan::ScanError::TooLarge(what) => BookError::complex(what),
    })?;
    check_grid(scan.largest_grid, limits)?;
    if scan.sheets > limits.max_sheets {
        return Err(BookError::complex(format!("{} trang tính", scan.sheets)));
    }
    if scan.bytes > limits.max_text_bytes {
        return Err(BookError::complex(format!("khoảng {} MB dữ liệu ô", scan.bytes / (1024 * 1024))));
    }
    let mut wb: calamine::Ods<_> = calamine::Ods::new(Cursor::new(bytes)).map_err(BookError::corrupt)?;
    let mut book = dense_to_book(&mut wb, Format::Ods, limits, started, |_, _| Vec::new())?;
    // The sheets come in the order of content.xml, as the scan saw them.
    if book.sheets.len() == scan.percent.len() {
        for (sheet, percent) in book.sheets.iter_mut().zip(scan.percent) {
            sheet.percent = percent;
        }
    } else {
        // The scan and calamine disagree on the sheets: which cells show a
        // percentage is unknown, so a rate between 0 and 1 is asked about,
        // never read one way silently.
        for sheet in &mut book.sheets {
            sheet.percent_unknown = true;
        }
    }
    Ok(book)
}

fn check_grid(grid: u64, limits: &Limits) -> Result<(), BookError> {
    if grid > limits.max_grid {
        return Err(BookError::complex(format!(
            "một trang tính trải trên {} ô",
            domain::numfmt::format_int(i64::try_from(grid).unwrap_or(i64::MAX))
        )));
    }
    Ok(())
}

fn read_compound(bytes: &[u8], limits: &Limits, started: Instant) -> Result<Book, BookError> {
    let mut cfb = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(BookError::corrupt)?;
    // A password-protected .xlsx is an OLE container holding the encrypted package.
    if cfb.exists("/EncryptionInfo") || cfb.exists("/EncryptedPackage") {
        return Err(BookError::Encrypted);
    }
    let stream_name = ["/Workbook", "/Book"].into_iter().find(|n| cfb.is_stream(n));
    let Some(stream_name) = stream_name else {
        if cfb.exists("/WordDocument") {
            return Err(BookError::WordDocument);
        }
        return Err(BookError::NotSpreadsheet("tệp Office không phải bảng tính"));
    };
    let len = cfb.entry(stream_name).map_err(BookError::corrupt)?.len();
    if len > limits.max_unzipped_bytes {
        return Err(BookError::complex(format!("{} MB dữ liệu bảng tính", len / (1024 * 1024))));
    }
    let mut stream = Vec::with_capacity(len as usize);
    cfb.open_stream(stream_name).map_err(BookError::corrupt)?.read_to_end(&mut stream).map_err(BookError::corrupt)?;
    let scan = xls_scan::scan(&stream).map_err(|_| BookError::corrupt("BIFF stream cut short"))?;
    if scan.encrypted {
        return Err(BookError::Encrypted);
    }
    check_grid(scan.largest_grid, limits)?;
    if scan.cells > limits.max_cells {
        return Err(BookError::complex(format!("{} ô có dữ liệu", scan.cells)));
    }
    // calamine gets a container holding exactly the stream that was measured,
    // so its own compound-file reader cannot find a different one.
    let rebuilt = rebuild_compound(stream_name, &stream)?;
    let mut wb: Xls<_> = Xls::new(Cursor::new(rebuilt)).map_err(|e| match e {
        calamine::XlsError::Password => BookError::Encrypted,
        other => BookError::corrupt(other),
    })?;
    let mut book = dense_to_book(&mut wb, Format::Xls, limits, started, |wb, name| {
        wb.merge_cells_by_sheet_name(name).unwrap_or_default().into_iter().map(merge_of).collect()
    })?;
    for sheet in &mut book.sheets {
        sheet.percent_unknown = true;
    }
    Ok(book)
}

fn rebuild_compound(name: &str, stream: &[u8]) -> Result<Vec<u8>, BookError> {
    // Version 3 (512-byte sectors), as Excel and LibreOffice write .xls:
    // calamine's own container reader finds no root directory in the
    // version 4 files the cfb crate makes by default, so every .xls was
    // refused as damaged.
    let mut out = cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new())).map_err(BookError::corrupt)?;
    {
        let mut s = out.create_stream(name).map_err(BookError::corrupt)?;
        std::io::Write::write_all(&mut s, stream).map_err(BookError::corrupt)?;
    }
    out.flush().map_err(BookError::corrupt)?;
    Ok(out.into_inner().into_inner())
}

/// Sheets of a reader that has already built them dense (after the checks
/// above bounded their size), kept sparse from here on.
fn dense_to_book<R: Reader<Cursor<B>>, B: AsRef<[u8]>>(
    wb: &mut R,
    format: Format,
    limits: &Limits,
    started: Instant,
    merges: impl Fn(&R, &str) -> Vec<Merge>,
) -> Result<Book, BookError>
where
    R::Error: std::fmt::Display,
{
    let meta: Vec<(String, bool)> = wb.sheets_metadata().iter().map(|s| (s.name.clone(), visible(s.visible))).collect();
    if meta.len() > limits.max_sheets {
        return Err(BookError::complex(format!("{} trang tính", meta.len())));
    }
    let mut book = Book { format: Some(format), sheets: Vec::with_capacity(meta.len()) };
    let mut count = 0u64;
    for (name, visible) in meta {
        if started.elapsed() > limits.max_time {
            return Err(BookError::Timeout);
        }
        let range = wb.worksheet_range(&name).map_err(BookError::corrupt)?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let merged = merges(wb, &name);
        let mut sheet = Sheet { name, visible, merged, ..Sheet::default() };
        check_merges(&sheet, limits)?;
        for (r, c, v) in range.used_cells() {
            count += 1;
            if count > limits.max_cells {
                return Err(BookError::complex(format!("hơn {} ô có dữ liệu", limits.max_cells)));
            }
            sheet.cells.insert((r0 + r as u32, c0 + c as u32), v.clone());
        }
        book.sheets.push(sheet);
    }
    Ok(book)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::Workbook;

    fn xlsx(build: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
        let mut wb = Workbook::new();
        build(wb.add_worksheet());
        wb.save_to_buffer().unwrap()
    }

    #[test]
    fn reads_an_xlsx_sparsely() {
        let bytes = xlsx(|ws| {
            ws.write_string(0, 0, "Mã").unwrap();
            ws.write_number(4, 3, 1234.5).unwrap();
            ws.write_string(1_048_575, 16_383, "xa").unwrap();
        });
        let book = read(&bytes, &Limits::default()).unwrap();
        let s = &book.sheets[0];
        assert_eq!(s.cells.len(), 3);
        assert_eq!(s.get(4, 3), Some(&Data::Float(1234.5)));
        assert_eq!(s.get(1_048_575, 16_383), Some(&Data::String("xa".into())));
        assert_eq!(s.rows(), vec![0, 4, 1_048_575]);
        assert_eq!(s.row(4).count(), 1);
    }

    #[test]
    fn refuses_what_is_not_a_workbook_in_vietnamese() {
        let l = Limits::default();
        assert_eq!(read(b"", &l), Err(BookError::Empty));
        assert_eq!(read(b"%PDF-1.4 ...", &l), Err(BookError::NotSpreadsheet("tệp PDF")));
        let cut = xlsx(|ws| {
            ws.write_string(0, 0, "x").unwrap();
        });
        let e = read(&cut[..cut.len() / 2], &l).unwrap_err();
        assert!(matches!(e, BookError::Corrupt { .. }), "{e:?}");
        assert!(e.to_string().contains("bị hỏng hoặc chưa tải hết"));
        let big = Limits { max_file_bytes: 10, ..Limits::default() };
        assert!(read(&cut, &big).unwrap_err().to_string().contains("vượt giới hạn"));
    }

    fn cell_value() -> impl proptest::strategy::Strategy<Value = Data> {
        use proptest::prelude::*;
        prop_oneof![
            (-1.0e12f64..1.0e12).prop_map(|f| Data::Float((f * 100.0).round() / 100.0)),
            "[a-zA-Zàáạảãâầấậẩẫăằắặẳẵđèéẹẻẽêềếệểễ0-9 .,%-]{1,40}".prop_map(Data::String),
            any::<bool>().prop_map(Data::Bool),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 48, ..Default::default() })]

        /// Whatever a spreadsheet program writes comes back cell for cell.
        #[test]
        fn what_is_written_is_read(cells in proptest::collection::btree_map((0u32..5000, 0u32..200), cell_value(), 1..60)) {
            let mut wb = Workbook::new();
            let ws = wb.add_worksheet();
            for ((r, c), v) in &cells {
                match v {
                    Data::Float(f) => ws.write_number(*r, *c as u16, *f).map(|_| ()),
                    Data::String(s) => ws.write_string(*r, *c as u16, s.as_str()).map(|_| ()),
                    Data::Bool(b) => ws.write_boolean(*r, *c as u16, *b).map(|_| ()),
                    _ => Ok(()),
                }
                .unwrap();
            }
            let book = read(&wb.save_to_buffer().unwrap(), &Limits::default()).unwrap();
            let got: Vec<_> = book.sheets[0].cells.iter().map(|(k, v)| (*k, v.clone())).collect();
            let want: Vec<_> = cells.into_iter().collect();
            proptest::prop_assert_eq!(got, want);
        }

        /// Damaged files (bytes flipped, cut short) are refused with one of
        /// the reader's own messages, promptly, never by a panic or an
        /// allocation the limits did not allow.
        #[test]
        fn damaged_files_are_refused_promptly(flips in proptest::collection::vec((0usize..4096, proptest::prelude::any::<u8>()), 1..12), cut in 64usize..4096) {
            let mut bytes = xlsx(|ws| {
                for r in 0..30 {
                    ws.write_string(r, 0, format!("T{r:04}")).unwrap();
                    ws.write_number(r, 1, f64::from(r) * 1.5).unwrap();
                }
            });
            for (at, b) in flips {
                let i = at % bytes.len();
                bytes[i] = b;
            }
            bytes.truncate(cut.max(bytes.len() / 2).min(bytes.len()));
            let started = std::time::Instant::now();
            let limits = Limits { max_cells: 10_000, max_grid: 100_000, ..Limits::default() };
            let outcome = std::panic::catch_unwind(|| read(&bytes, &limits));
            proptest::prop_assert!(outcome.is_ok(), "the reader itself never panics");
            proptest::prop_assert!(started.elapsed() < std::time::Duration::from_secs(5));
            if let Ok(Err(e)) = outcome {
                proptest::prop_assert!(!e.to_string().is_empty());
            }
        }
    }

    #[test]
    fn merged_areas_are_capped_and_found_by_index() {
        let bytes = xlsx(|ws| {
            for r in 0..30 {
                ws.merge_range(r * 2, 0, r * 2 + 1, 1, "gộp", &rust_xlsxwriter::Format::new()).unwrap();
            }
        });
        let l = Limits { max_merges: 20, ..Limits::default() };
        let e = read(&bytes, &l).unwrap_err();
        assert!(matches!(e, BookError::TooComplex { .. }) && e.to_string().contains("30 vùng gộp ô"), "{e}");
        let book = read(&bytes, &Limits::default()).unwrap();
        let s = &book.sheets[0];
        let index = MergeIndex::new(&s.merged, &[0, 1, 2]);
        // Against a scan of every area.
        let scan = |merged: &[Merge], r: u32, c: u32| merged.iter().copied().find(|m| m.contains(r, c));
        for r in 0..62 {
            for c in 0..3 {
                assert_eq!(index.merge_of(r, c), scan(&s.merged, r, c), "({r}, {c})");
                let shown = s.get(r, c).or_else(|| scan(&s.merged, r, c).filter(|m| m.first.1 == c).and_then(|m| s.get(m.first.0, m.first.1)));
                assert_eq!(s.shown_in(&index, r, c), shown, "({r}, {c})");
            }
        }
        assert_eq!(index.merge_of(5, 1), Some(Merge { first: (4, 0), last: (5, 1) }));
        // Overlapping areas (a hand-made file): a tall area is still found
        // under a short one that starts later.
        let overlapping = [Merge { first: (0, 0), last: (10, 0) }, Merge { first: (2, 0), last: (3, 0) }];
        let index = MergeIndex::new(&overlapping, &[0]);
        for r in 0..12 {
            assert_eq!(index.merge_of(r, 0), scan(&overlapping, r, 0), "row {r}");
        }
        assert_eq!(index.merge_of(5, 0), Some(overlapping[0]));
    }

    #[test]
    fn caps_cells() {
        let bytes = xlsx(|ws| {
            for r in 0..50 {
                ws.write_number(r, 0, 1.0).unwrap();
            }
        });
        let l = Limits { max_cells: 10, ..Limits::default() };
        assert!(matches!(read(&bytes, &l), Err(BookError::TooComplex { .. })));
    }
}
