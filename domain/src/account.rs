//! Rules for account fields, shared by the admin pages, the CLI and the
//! browser so that all three give the same message for the same mistake.

use crate::validation::FieldErrors;

pub const PASSWORD_MIN_LEN: usize = 8;
pub const PASSWORD_MAX_LEN: usize = 128;

/// Lower-cases and trims a user name as typed; sign-in is case-insensitive.
pub fn normalize_username(raw: &str) -> String {
    raw.trim().to_lowercase()
}

pub fn check_username(username: &str, errors: &mut FieldErrors) {
    let len = username.chars().count();
    if len == 0 {
        errors.add("username", "Tên đăng nhập không được để trống.");
    } else if !(3..=50).contains(&len) {
        errors.add("username", "Tên đăng nhập phải dài từ 3 đến 50 ký tự.");
    } else if !username.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')) {
        errors.add("username", "Tên đăng nhập chỉ gồm chữ thường không dấu, chữ số và các ký tự . _ -");
    }
}

pub fn check_full_name(full_name: &str, errors: &mut FieldErrors) {
    let len = full_name.trim().chars().count();
    if len == 0 {
        errors.add("full_name", "Họ và tên không được để trống.");
    } else if len > 100 {
        errors.add("full_name", "Họ và tên không được dài quá 100 ký tự.");
    }
}

/// A new password: long enough, letters and digits, not the user name.
pub fn check_new_password(field: &str, password: &str, username: &str, errors: &mut FieldErrors) {
    let len = password.chars().count();
    if len < PASSWORD_MIN_LEN {
        errors.add(field, format!("Mật khẩu phải có ít nhất {PASSWORD_MIN_LEN} ký tự."));
    } else if len > PASSWORD_MAX_LEN {
        errors.add(field, format!("Mật khẩu không được dài quá {PASSWORD_MAX_LEN} ký tự."));
    } else if !password.chars().any(char::is_alphabetic) || !password.chars().any(|c| c.is_ascii_digit()) {
        errors.add(field, "Mật khẩu phải có cả chữ cái và chữ số.");
    } else if !username.is_empty() && password.to_lowercase().contains(&username.to_lowercase()) {
        errors.add(field, "Mật khẩu không được chứa tên đăng nhập.");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msgs(f: impl FnOnce(&mut FieldErrors)) -> FieldErrors {
        let mut e = FieldErrors::new();
        f(&mut e);
        e
    }

    #[test]
    fn usernames() {
        assert_eq!(normalize_username("  VanPhong.01 "), "vanphong.01");
        assert!(msgs(|e| check_username("clerk_syt", e)).is_empty());
        assert!(msgs(|e| check_username("ab", e)).for_field("username").unwrap().contains("từ 3 đến 50"));
        assert!(msgs(|e| check_username("", e)).for_field("username").unwrap().contains("để trống"));
        assert!(msgs(|e| check_username("nguyễn", e)).for_field("username").unwrap().contains("không dấu"));
        assert!(!msgs(|e| check_username("a b c", e)).is_empty());
    }

    #[test]
    fn full_names() {
        assert!(msgs(|e| check_full_name("Lò Văn Minh", e)).is_empty());
        assert!(!msgs(|e| check_full_name("   ", e)).is_empty());
        assert!(!msgs(|e| check_full_name(&"a".repeat(101), e)).is_empty());
    }

    #[test]
    fn passwords() {
        let check = |p: &str| msgs(|e| check_new_password("password", p, "chuyenvien", e));
        assert!(check("SonLa2025!").is_empty());
        assert!(check("ngắn1").for_field("password").unwrap().contains("ít nhất 8"));
        assert!(check("chicochuthoi").for_field("password").unwrap().contains("chữ cái và chữ số"));
        assert!(check("12345678").for_field("password").unwrap().contains("chữ cái và chữ số"));
        assert!(check("ChuyenVien2025").for_field("password").unwrap().contains("tên đăng nhập"));
        assert!(!check(&"a1".repeat(65)).is_empty());
    }
}

/// Checks the contacts a person gives for reminders: an e-mail address
/// (empty: none) and a telephone number (digits, spaces, `+ . - ( )`).
pub fn check_contacts(email: &str, phone: &str) -> Result<(String, String), crate::FieldErrors> {
    let (email, phone) = (email.trim().to_string(), phone.trim().to_string());
    let mut e = crate::FieldErrors::new();
    let looks_like_address = |s: &str| match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !domain.contains('@')
        }
        None => false,
    };
    if !email.is_empty() && (email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) || !looks_like_address(&email)) {
        e.add("email", "Địa chỉ thư điện tử chưa đúng (ví dụ: ten@sonla.gov.vn).");
    }
    if phone.chars().count() > 40 || !phone.chars().all(|c| c.is_ascii_digit() || " +.-()".contains(c)) {
        e.add("phone", "Số điện thoại chỉ gồm chữ số, dấu cách và + . - ( ), ví dụ 0212 3852 123.");
    }
    e.into_result().map(|_| (email, phone))
}

#[cfg(test)]
mod contact_tests {
    use super::check_contacts;

    #[test]
    fn contacts_are_checked() {
        assert_eq!(check_contacts(" a@sonla.gov.vn ", "0212 3852 123").unwrap(), ("a@sonla.gov.vn".into(), "0212 3852 123".into()));
        assert!(check_contacts("", "").is_ok());
        assert!(check_contacts("khong-co-a-còng", "").is_err());
        assert!(check_contacts("a@b", "").is_err());
        assert!(check_contacts("a b@c.vn", "").is_err());
        assert!(check_contacts("", "gọi tôi").is_err());
    }
}
