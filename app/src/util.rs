//! Small helpers shared by pages.

/// Percent-encodes a query-string value (RFC 3986 unreserved characters pass).
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Only a path of this site may be a post-sign-in destination (no open
/// redirect): `/` then no second `/` or `\\`, no control or space characters
/// (browsers drop tabs and newlines, so `/\t/host` would become `//host`),
/// and not a server-function endpoint. Anything else goes home. Characters
/// beyond ASCII are percent-encoded so the result is always a valid
/// `Location` header.
pub fn safe_next(next: Option<&str>) -> String {
    let Some(p) = next else { return "/".to_string() };
    let ok = p.starts_with('/')
        && !p.starts_with("//")
        && !p.starts_with("/\\")
        && p.len() <= 2048
        && !p.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\')
        && !p.starts_with("/api/");
    if !ok {
        return "/".to_string();
    }
    let mut out = String::with_capacity(p.len());
    for c in p.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// Sends the browser to `path` with a full page load, so every piece of
/// client state is rebuilt (used after signing in or out).
pub fn hard_navigate(path: &str) {
    #[cfg(feature = "hydrate")]
    {
        if let Some(w) = leptos::web_sys::window() {
            let _ = w.location().set_href(path);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// Once an action answers with the path of the next page, load that page in
/// full. (Without JavaScript the server redirects there itself.)
pub fn follow_success<S>(value: S)
where
    S: leptos::prelude::Get<Value = Option<Result<String, crate::error::AppError>>> + Send + Sync + 'static,
{
    leptos::prelude::Effect::new(move |_| {
        if let Some(Ok(path)) = value.get() {
            hard_navigate(&path);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_query_values() {
        assert_eq!(url_encode("/don-vi/3?a=b c"), "/don-vi/3%3Fa%3Db%20c");
        assert_eq!(url_encode("Tô"), "T%C3%B4");
    }

    #[test]
    fn next_is_same_site_only() {
        assert_eq!(safe_next(Some("/don-vi/3")), "/don-vi/3");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(Some("/api/dang-xuat")), "/");
        assert_eq!(safe_next(None), "/");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\n/evil.example")), "/");
        assert_eq!(safe_next(Some("/a\u{0}b")), "/");
        assert_eq!(safe_next(Some("/ /evil")), "/");
        assert_eq!(safe_next(Some("/bao-cao/1?x=Tô")), "/bao-cao/1?x=T%C3%B4");
        assert_eq!(safe_next(Some(&format!("/{}", "a".repeat(3000)))), "/");
    }
}
