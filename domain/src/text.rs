//! Text helpers for Vietnamese search: "dan so" finds "Dân số".

/// Lower-cases and strips Vietnamese diacritics (đ → d).
pub fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'ạ' | 'ả' | 'ã' | 'â' | 'ầ' | 'ấ' | 'ậ' | 'ẩ' | 'ẫ' | 'ă' | 'ằ' | 'ắ' | 'ặ' | 'ẳ' | 'ẵ' => 'a',
            'è' | 'é' | 'ẹ' | 'ẻ' | 'ẽ' | 'ê' | 'ề' | 'ế' | 'ệ' | 'ể' | 'ễ' => 'e',
            'ì' | 'í' | 'ị' | 'ỉ' | 'ĩ' => 'i',
            'ò' | 'ó' | 'ọ' | 'ỏ' | 'õ' | 'ô' | 'ồ' | 'ố' | 'ộ' | 'ổ' | 'ỗ' | 'ơ' | 'ờ' | 'ớ' | 'ợ' | 'ở' | 'ỡ' => 'o',
            'ù' | 'ú' | 'ụ' | 'ủ' | 'ũ' | 'ư' | 'ừ' | 'ứ' | 'ự' | 'ử' | 'ữ' => 'u',
            'ỳ' | 'ý' | 'ỵ' | 'ỷ' | 'ỹ' => 'y',
            'đ' => 'd',
            other => other,
        })
        .collect()
}

/// Whether every word of `query` occurs in one of `fields`, diacritics and case ignored.
pub fn matches(query: &str, fields: &[&str]) -> bool {
    let hay: Vec<String> = fields.iter().map(|f| fold(f)).collect();
    fold(query).split_whitespace().all(|w| hay.iter().any(|h| h.contains(w)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese() {
        assert_eq!(fold("Dân số trung bình"), "dan so trung binh");
        assert_eq!(fold("ĐƯỜNG Phố"), "duong pho");
        assert_eq!(fold("Tỷ lệ hộ nghèo đa chiều"), "ty le ho ngheo da chieu");
        assert!(matches("dan so", &["DS01", "Dân số trung bình"]));
        assert!(matches("ds01 trung", &["DS01", "Dân số trung bình"]));
        assert!(!matches("giường", &["DS01", "Dân số"]));
        assert!(matches("", &["x"]));
    }
}

/// Text made safe inside HTML or SVG, in element content and in quoted
/// attributes alike (the server's hand-written pages and charts).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod escape_tests {
    #[test]
    fn every_markup_character_is_escaped() {
        assert_eq!(super::escape_html("<a href=\"x\">Tô & 'Hiệu'</a>"), "&lt;a href=&quot;x&quot;&gt;Tô &amp; &#39;Hiệu&#39;&lt;/a&gt;");
    }
}
