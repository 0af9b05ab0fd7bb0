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
