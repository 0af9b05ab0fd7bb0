//! Spreadsheets: the one reader every upload goes through ([`book`]), and
//! small helpers shared by every Excel reader and writer ([`cells`]).
//!
//! Untrusted workbooks are never handed straight to calamine's dense
//! readers: a one-cell sheet whose cell sits at XFD1048576 would ask for a
//! grid of hundreds of gigabytes and abort the process. [`book::read`]
//! checks the container first (size, entries, declared extents) and reads
//! cells sparsely.

pub mod book;
pub mod cells;
pub mod download;
pub mod import;
pub mod layout;
mod ods_scan;
pub mod read;
mod sniff;
pub mod target;
pub mod write;
mod xls_scan;

pub use book::{Book, BookError, Format, Limits, Merge, MergeIndex, Sheet, read, read_untrusted};
pub use cells::{cell_name, cell_scaled, cell_text, col_letter, is_number};
