//! A pass over an .xls (BIFF) workbook stream that finds, before calamine
//! reads it, how big a grid each sheet would make. calamine builds every
//! sheet of an .xls as a dense grid when the file is opened, sized from the
//! cells' extreme positions and from each sheet's declared DIMENSIONS, so a
//! few bytes can ask for gigabytes. This walks the records the way calamine
//! does (each sheet from the offset its BoundSheet8 record gives, nested
//! substreams skipped) and measures what calamine would allocate.

/// What the pass learned.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Scan {
    /// The workbook is encrypted (FILEPASS record).
    pub encrypted: bool,
    /// The largest grid (rows × columns) any sheet would be given.
    pub largest_grid: u64,
    /// Every cell record of every sheet.
    pub cells: u64,
}

#[derive(Debug, PartialEq, Eq)]
pub enum ScanError {
    /// The stream ends inside a record, or a sheet starts outside it.
    Truncated,
}

struct Record<'a> {
    typ: u16,
    data: &'a [u8],
}

fn u16_at(d: &[u8], at: usize) -> Option<u16> {
    d.get(at..at + 2).map(|b| u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    d.get(at..at + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Records from `stream`, as calamine's RecordIter splits them (CONTINUE
/// records folded into the one before, so they are skipped here).
fn records(mut stream: &[u8]) -> impl Iterator<Item = Result<Record<'_>, ScanError>> {
    std::iter::from_fn(move || {
        loop {
            if stream.is_empty() {
                return None;
            }
            let (Some(typ), Some(len)) = (u16_at(stream, 0), u16_at(stream, 2)) else {
                stream = &[];
                return Some(Err(ScanError::Truncated));
            };
            let len = len as usize;
            let Some(data) = stream.get(4..4 + len) else {
                stream = &[];
                return Some(Err(ScanError::Truncated));
            };
            stream = &stream[4 + len..];
            if typ == 0x003C {
                continue;
            }
            return Some(Ok(Record { typ, data }));
        }
    })
}

/// Extreme positions of a set of cells.
#[derive(Default)]
struct Extent {
    any: bool,
    rows: (u32, u32),
    cols: (u32, u32),
}

impl Extent {
    fn add(&mut self, row: u32, col: u32) {
        if self.any {
            self.rows = (self.rows.0.min(row), self.rows.1.max(row));
            self.cols = (self.cols.0.min(col), self.cols.1.max(col));
        } else {
            *self = Extent { any: true, rows: (row, row), cols: (col, col) };
        }
    }

    fn grid(&self) -> u64 {
        if !self.any {
            return 0;
        }
        (u64::from(self.rows.1 - self.rows.0) + 1) * (u64::from(self.cols.1 - self.cols.0) + 1)
    }
}

/// What calamine reserves for a DIMENSIONS record (it reads the same fields).
fn declared_grid(d: &[u8]) -> u64 {
    let (rf, rl, mut cf, cl) = match d.len() {
        10 => (
            u32::from(u16_at(d, 0).unwrap_or(0)),
            u32::from(u16_at(d, 2).unwrap_or(0)),
            u32::from(u16_at(d, 4).unwrap_or(0)),
            u32::from(u16_at(d, 6).unwrap_or(0)),
        ),
        14 | 16 => {
            (u32_at(d, 0).unwrap_or(0), u32_at(d, 4).unwrap_or(0), u32::from(u16_at(d, 8).unwrap_or(0)), u32::from(u16_at(d, 10).unwrap_or(0)))
        }
        _ => return 0,
    };
    if cf > 0xFF || cl < cf {
        cf = 0;
    }
    if rl >= 1 && cl >= 1 {
        let rows = u64::from((rl - 1).saturating_sub(rf)) + 1;
        let cols = u64::from((cl - 1).saturating_sub(cf)) + 1;
        rows.saturating_mul(cols)
    } else {
        1
    }
}

/// Walks the workbook stream. Errors only when the stream is cut short;
/// records calamine would refuse are left for calamine to refuse.
pub fn scan(stream: &[u8]) -> Result<Scan, ScanError> {
    let mut out = Scan::default();
    let mut sheet_offsets = Vec::new();
    for r in records(stream) {
        let r = r?;
        match r.typ {
            0x002F if u16_at(r.data, 0).unwrap_or(0) != 0 => out.encrypted = true,
            0x0085 => sheet_offsets.push(u32_at(r.data, 0).unwrap_or(u32::MAX) as usize),
            0x000A => break,
            _ => {}
        }
    }
    if out.encrypted {
        return Ok(out);
    }
    for pos in sheet_offsets {
        let sheet = stream.get(pos..).ok_or(ScanError::Truncated)?;
        let (mut cells, mut formulas) = (Extent::default(), Extent::default());
        let mut formula_at = (0u32, 0u32);
        let mut seen_bof = false;
        let mut depth = 0usize;
        for r in records(sheet) {
            let r = r?;
            if depth > 0 {
                match r.typ {
                    0x0809 => depth += 1,
                    0x000A => depth -= 1,
                    _ => {}
                }
                continue;
            }
            let at = |d: &[u8]| (u32::from(u16_at(d, 0).unwrap_or(0)), u32::from(u16_at(d, 2).unwrap_or(0)));
            match r.typ {
                0x0809 if seen_bof => depth += 1,
                0x0809 => seen_bof = true,
                0x0200 => out.largest_grid = out.largest_grid.max(declared_grid(r.data)),
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD => {
                    let (row, col) = at(r.data);
                    cells.add(row, col);
                    out.cells += 1;
                }
                0x0207 => {
                    cells.add(formula_at.0, formula_at.1);
                    out.cells += 1;
                }
                0x00BD if r.data.len() >= 6 => {
                    let (row, first) = at(r.data);
                    let last = u32::from(u16_at(r.data, r.data.len() - 2).unwrap_or(0));
                    cells.add(row, first);
                    cells.add(row, last.max(first));
                    out.cells += u64::from(last.saturating_sub(first)) + 1;
                }
                0x0006 => {
                    formula_at = at(r.data);
                    cells.add(formula_at.0, formula_at.1);
                    formulas.add(formula_at.0, formula_at.1);
                    out.cells += 1;
                }
                0x000A => break,
                _ => {}
            }
        }
        out.largest_grid = out.largest_grid.max(cells.grid()).max(formulas.grid());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut v = typ.to_le_bytes().to_vec();
        v.extend((data.len() as u16).to_le_bytes());
        v.extend(data);
        v
    }

    fn number(row: u16, col: u16) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend([0u8; 10]);
        rec(0x0203, &d)
    }

    /// A globals substream naming one sheet, then that sheet.
    fn workbook(sheet_records: &[Vec<u8>]) -> Vec<u8> {
        let bof = rec(0x0809, &[0u8; 16]);
        let eof = rec(0x000A, &[]);
        let bound_len = rec(0x0085, &[0u8; 8]).len();
        let offset = (bof.len() + bound_len + eof.len()) as u32;
        let mut bound = offset.to_le_bytes().to_vec();
        bound.extend([0u8; 4]);
        let mut out = [bof.clone(), rec(0x0085, &bound), eof.clone(), bof].concat();
        for r in sheet_records {
            out.extend(r);
        }
        out.extend(eof);
        out
    }

    #[test]
    fn measures_the_grid_calamine_would_build() {
        let s = scan(&workbook(&[number(0, 0), number(9, 3)])).unwrap();
        assert_eq!((s.largest_grid, s.cells, s.encrypted), (40, 2, false));
        let far = scan(&workbook(&[number(0, 0), number(65_535, 255)])).unwrap();
        assert_eq!(far.largest_grid, 65_536 * 256);
    }

    #[test]
    fn counts_declared_dimensions_and_encryption() {
        let mut dims = 0u32.to_le_bytes().to_vec();
        dims.extend(1_000_000u32.to_le_bytes());
        dims.extend(0u16.to_le_bytes());
        dims.extend(200u16.to_le_bytes());
        dims.extend([0u8; 2]);
        assert_eq!(scan(&workbook(&[rec(0x0200, &dims)])).unwrap().largest_grid, 1_000_000 * 200);
        let locked = [rec(0x0809, &[0u8; 16]), rec(0x002F, &[1, 0, 0, 0]), rec(0x000A, &[])].concat();
        assert!(scan(&locked).unwrap().encrypted);
    }

    #[test]
    fn refuses_a_cut_stream_and_a_sheet_outside_it() {
        let mut w = workbook(&[number(1, 1)]);
        w.truncate(w.len() - 3);
        assert_eq!(scan(&w), Err(ScanError::Truncated));
        let bad = [rec(0x0809, &[0u8; 16]), rec(0x0085, &[0xFF, 0xFF, 0xFF, 0x0F, 0, 0, 0, 0]), rec(0x000A, &[])].concat();
        assert_eq!(scan(&bad), Err(ScanError::Truncated));
    }
}
