//! What a file really is, from its first bytes, whatever its name says.

/// The container a file's bytes start with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Container {
    /// A zip archive (.xlsx, .ods, but also .docx, .xlsb…).
    Zip,
    /// An OLE compound file (.xls, a password-protected .xlsx, .doc…).
    Compound,
    /// Something else; the hint names it for the message.
    Other(&'static str),
}

const ZIP: &[u8] = b"PK\x03\x04";
const EMPTY_ZIP: &[u8] = b"PK\x05\x06";
const CFB: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

pub fn container(bytes: &[u8]) -> Container {
    if bytes.starts_with(ZIP) || bytes.starts_with(EMPTY_ZIP) {
        return Container::Zip;
    }
    if bytes.starts_with(CFB) {
        return Container::Compound;
    }
    Container::Other(describe_other(bytes))
}

/// A word for what the file seems to be, for the message that refuses it.
fn describe_other(bytes: &[u8]) -> &'static str {
    let head = &bytes[..bytes.len().min(512)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let starts = |p: &[u8]| head.starts_with(p);
    let contains = |p: &[u8]| lower.windows(p.len()).any(|w| w == p);
    if starts(b"%PDF") {
        "tệp PDF"
    } else if starts(b"\x89PNG") || starts(b"\xFF\xD8\xFF") || starts(b"GIF8") {
        "tệp ảnh"
    } else if contains(b"<html") || contains(b"<!doctype html") {
        "trang web (HTML)"
    } else if contains(b"<?xml") {
        "tệp XML"
    } else if starts(b"Rar!") || starts(b"7z\xBC\xAF") || starts(b"\x1F\x8B") {
        "tệp nén"
    } else if std::str::from_utf8(head).is_ok() || head.iter().all(|b| b.is_ascii()) {
        "tệp văn bản (có thể là CSV)"
    } else {
        "tệp không rõ định dạng"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_containers_apart() {
        assert_eq!(container(b"PK\x03\x04rest"), Container::Zip);
        assert_eq!(container(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]), Container::Compound);
        assert_eq!(container(b"%PDF-1.7"), Container::Other("tệp PDF"));
        assert_eq!(container(b"<!DOCTYPE html><html>"), Container::Other("trang web (HTML)"));
        assert_eq!(container("Mã;Tên\nT01;Dân số".as_bytes()), Container::Other("tệp văn bản (có thể là CSV)"));
        assert_eq!(container(&[0x00, 0xFF, 0xFE, 0x80, 0x81]), Container::Other("tệp không rõ định dạng"));
    }
}
