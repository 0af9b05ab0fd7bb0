//! Webhooks (issue 14, "Push"): what an administrator subscribes a receiver
//! to, which events a report's status change raises, how a delivery is
//! signed and when a failed one is tried again. Pure: the service keeps
//! the rows, the clock and the network.

use crate::report::ReportStatus;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The longest receiver URL accepted.
pub const MAX_URL_CHARS: usize = 500;
/// The longest subscription name.
pub const MAX_NAME_CHARS: usize = 120;
/// The longest error text kept for a delivery.
pub const MAX_ERROR_CHARS: usize = 200;
/// Every secret starts so, which makes a leaked one easy to recognise.
pub const SECRET_PREFIX: &str = "whsec_";

/// Seconds to wait before trying again after the n-th failed attempt
/// (1 min, 5 min, 30 min, 2 h, 12 h); after the last, the delivery fails.
pub const RETRY_AFTER_SECS: [i64; 5] = [60, 300, 1800, 7200, 43200];

/// Every attempt a delivery gets: the first and one per retry.
pub const MAX_ATTEMPTS: i32 = RETRY_AFTER_SECS.len() as i32 + 1;

/// An event a receiver can subscribe to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum WebhookEvent {
    ReportSent,
    ReportAccepted,
    ReportReturned,
    /// A report's figures start or stop counting in the aggregates.
    AggregateChanged,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 4] =
        [WebhookEvent::ReportSent, WebhookEvent::ReportAccepted, WebhookEvent::ReportReturned, WebhookEvent::AggregateChanged];

    /// The name in the `X-Baocao-Event` header and the payload.
    pub fn code(self) -> &'static str {
        match self {
            WebhookEvent::ReportSent => "report.sent",
            WebhookEvent::ReportAccepted => "report.accepted",
            WebhookEvent::ReportReturned => "report.returned",
            WebhookEvent::AggregateChanged => "aggregate.changed",
        }
    }

    pub fn from_code(code: &str) -> Option<WebhookEvent> {
        WebhookEvent::ALL.into_iter().find(|e| e.code() == code)
    }

    /// In words, for the administrator.
    pub fn label(self) -> &'static str {
        match self {
            WebhookEvent::ReportSent => "Báo cáo được gửi",
            WebhookEvent::ReportAccepted => "Báo cáo được tiếp nhận",
            WebhookEvent::ReportReturned => "Báo cáo bị trả lại",
            WebhookEvent::AggregateChanged => "Số liệu tổng hợp thay đổi",
        }
    }
}

/// The events a report's move from `from` to `to` raises: its new status
/// when that is sent, accepted or returned, and `aggregate.changed` when its
/// figures start or stop counting (how far it has gone changes: sent,
/// accepted, or taken back).
pub fn events_for(from: ReportStatus, to: ReportStatus) -> Vec<WebhookEvent> {
    let mut out = Vec::new();
    if from == to {
        return out;
    }
    match to {
        ReportStatus::Sent => out.push(WebhookEvent::ReportSent),
        ReportStatus::Accepted => out.push(WebhookEvent::ReportAccepted),
        ReportStatus::Returned => out.push(WebhookEvent::ReportReturned),
        ReportStatus::Draft | ReportStatus::AwaitingApproval => {}
    }
    if from.delivery() != to.delivery() {
        out.push(WebhookEvent::AggregateChanged);
    }
    out
}

/// Events as stored: their codes separated by commas, in `ALL`'s order.
pub fn encode_events(events: &[WebhookEvent]) -> String {
    WebhookEvent::ALL.into_iter().filter(|e| events.contains(e)).map(WebhookEvent::code).collect::<Vec<_>>().join(",")
}

/// Stored events read back; unknown codes are ignored.
pub fn decode_events(s: &str) -> Vec<WebhookEvent> {
    let mut v: Vec<WebhookEvent> = s.split(',').filter_map(|c| WebhookEvent::from_code(c.trim())).collect();
    v.sort();
    v.dedup();
    v
}

/// A receiver URL: http or https, a host, no user name or password in it,
/// no spaces or control characters, at most [`MAX_URL_CHARS`]. Answers the
/// trimmed URL or a Vietnamese message.
pub fn validate_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    if url.is_empty() {
        return Err("Nhập địa chỉ nhận (URL), ví dụ https://ioc.sonla.gov.vn/baocao/webhook.".into());
    }
    if url.chars().count() > MAX_URL_CHARS {
        return Err(format!("Địa chỉ nhận dài quá {MAX_URL_CHARS} ký tự."));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control() || !c.is_ascii()) {
        return Err("Địa chỉ nhận không được chứa khoảng trắng hay ký tự đặc biệt (hãy mã hóa theo chuẩn URL).".into());
    }
    let lower = url.to_ascii_lowercase();
    let rest = if let Some(r) = lower.strip_prefix("https://") {
        r
    } else if let Some(r) = lower.strip_prefix("http://") {
        r
    } else {
        return Err("Địa chỉ nhận phải bắt đầu bằng http:// hoặc https://.".into());
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err("Địa chỉ nhận không được chứa tên đăng nhập hay mật khẩu.".into());
    }
    let host = match authority.strip_prefix('[') {
        // An IPv6 literal: [::1]:8080
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    };
    if host.is_empty() {
        return Err("Địa chỉ nhận thiếu tên máy chủ.".into());
    }
    if !authority.starts_with('[') {
        if let Some(port) = authority.split(':').nth(1)
            && (port.is_empty() || port.parse::<u16>().is_err() || authority.split(':').count() > 2)
        {
            return Err("Cổng trong địa chỉ nhận không hợp lệ.".into());
        }
        if !host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-') {
            return Err("Tên máy chủ trong địa chỉ nhận không hợp lệ.".into());
        }
    }
    Ok(url.to_string())
}

/// A subscription's name: trimmed, required, at most [`MAX_NAME_CHARS`].
pub fn validate_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(format!("Tên bắt buộc, tối đa {MAX_NAME_CHARS} ký tự (ví dụ: \"IOC Sơn La\")."));
    }
    Ok(name.to_string())
}

/// What is signed: the timestamp (Unix seconds, as sent in
/// `X-Baocao-Timestamp`), a dot, and the exact body.
pub fn signing_input(timestamp: i64, body: &str) -> String {
    format!("{timestamp}.{body}")
}

/// The `X-Baocao-Signature` header for a HMAC-SHA256 in hex.
pub fn signature_header(hex_mac: &str) -> String {
    format!("sha256={hex_mac}")
}

/// When to try again after `attempts` attempts all failed; `None`: give up.
pub fn retry_after(attempts: i32) -> Option<i64> {
    if attempts < 1 {
        return Some(0);
    }
    RETRY_AFTER_SECS.get((attempts - 1) as usize).copied()
}

/// A receiver's answer counts as delivered when its status is 2xx.
pub fn is_delivered(http_status: u16) -> bool {
    (200..300).contains(&http_status)
}

/// An error cut to [`MAX_ERROR_CHARS`] on a character boundary.
pub fn short_error(e: &str) -> String {
    let e = e.trim();
    if e.chars().count() <= MAX_ERROR_CHARS {
        return e.to_string();
    }
    let mut s: String = e.chars().take(MAX_ERROR_CHARS - 1).collect();
    s.push('…');
    s
}

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    Failed,
}

impl DeliveryStatus {
    pub fn code(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn from_code(c: &str) -> Option<DeliveryStatus> {
        [DeliveryStatus::Pending, DeliveryStatus::Delivered, DeliveryStatus::Failed].into_iter().find(|s| s.code() == c)
    }

    pub fn label(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "Đang chờ gửi",
            DeliveryStatus::Delivered => "Đã gửi thành công",
            DeliveryStatus::Failed => "Thất bại",
        }
    }
}

/// A subscription as the administrator sees it (never its secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookView {
    pub id: i32,
    pub name: String,
    pub url: String,
    pub events: Vec<WebhookEvent>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

/// A subscription just created: the secret is shown this once.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NewWebhook {
    pub secret: String,
    pub view: WebhookView,
}

/// One delivery in the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryView {
    pub id: i64,
    pub subscription: String,
    pub event: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub http_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub next_attempt_at: Option<DateTime<Utc>>,
}

/// The administrator's page: subscriptions and the latest deliveries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookPage {
    pub subscriptions: Vec<WebhookView>,
    pub deliveries: Vec<DeliveryView>,
}

/// Why a receiver's address is refused unless the administrator has allowed
/// receivers inside the province's network (`BAOCAO_WEBHOOK_PRIVATE`): a
/// subscription must not turn the server into a way to reach the machines
/// around it (the cloud's metadata service, the database, the admin panels
/// of routers). `None`: a public address.
pub fn private_address(ip: std::net::IpAddr) -> Option<&'static str> {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            if v4.is_loopback() {
                Some("chính máy chủ (loopback)")
            } else if v4.is_unspecified() || a == 0 {
                Some("địa chỉ không xác định (0.0.0.0)")
            } else if v4.is_private() {
                Some("mạng nội bộ (10/8, 172.16/12, 192.168/16)")
            } else if v4.is_link_local() {
                Some("mạng liên kết cục bộ (169.254/16, dịch vụ metadata của máy ảo)")
            } else if a == 100 && (64..128).contains(&b) {
                Some("mạng dùng chung của nhà mạng (100.64/10)")
            } else if a == 198 && (b == 18 || b == 19) {
                Some("mạng dành cho thử nghiệm (198.18/15)")
            } else if v4.is_multicast() || v4.is_broadcast() || a >= 240 {
                Some("địa chỉ phát nhóm hoặc dành riêng")
            } else if v4.is_documentation() {
                Some("địa chỉ dành cho tài liệu")
            } else {
                None
            }
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return private_address(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            if v6.is_loopback() {
                Some("chính máy chủ (loopback)")
            } else if v6.is_unspecified() {
                Some("địa chỉ không xác định (::)")
            } else if first & 0xfe00 == 0xfc00 {
                Some("mạng nội bộ IPv6 (fc00::/7)")
            } else if first & 0xffc0 == 0xfe80 {
                Some("mạng liên kết cục bộ IPv6 (fe80::/10)")
            } else if v6.is_multicast() {
                Some("địa chỉ phát nhóm")
            } else if first == 0x2001 && v6.segments()[1] == 0x0db8 {
                Some("địa chỉ dành cho tài liệu")
            } else if first == 0x0064 && v6.segments()[1] == 0xff9b {
                // NAT64: the embedded IPv4 address is the real destination.
                let [.., c, d] = v6.segments();
                private_address(IpAddr::V4(std::net::Ipv4Addr::new((c >> 8) as u8, c as u8, (d >> 8) as u8, d as u8)))
            } else {
                None
            }
        }
    }
}

/// The refusal naming the address and why, for the form and the log.
pub fn private_address_message(ip: std::net::IpAddr, why: &str) -> String {
    format!("Địa chỉ nhận thuộc {why} ({ip}): chỉ gửi tới địa chỉ công khai, trừ khi máy chủ đặt BAOCAO_WEBHOOK_PRIVATE=true.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReportStatus::*;
    use WebhookEvent::*;

    #[test]
    fn status_changes_raise_their_events() {
        assert_eq!(events_for(Draft, Sent), vec![ReportSent, AggregateChanged]);
        assert_eq!(events_for(AwaitingApproval, Sent), vec![ReportSent, AggregateChanged]);
        assert_eq!(events_for(Draft, AwaitingApproval), vec![]);
        assert_eq!(events_for(Sent, Accepted), vec![ReportAccepted, AggregateChanged], "accepted-only counts change");
        assert_eq!(events_for(Sent, Returned), vec![ReportReturned, AggregateChanged]);
        assert_eq!(events_for(Accepted, Returned), vec![ReportReturned, AggregateChanged]);
        assert_eq!(events_for(AwaitingApproval, Returned), vec![ReportReturned], "never counted: figures unchanged");
        assert_eq!(events_for(Returned, Draft), vec![]);
        assert_eq!(events_for(Sent, Sent), vec![]);
    }

    #[test]
    fn event_codes_round_trip() {
        for e in WebhookEvent::ALL {
            assert_eq!(WebhookEvent::from_code(e.code()), Some(e));
        }
        assert_eq!(WebhookEvent::from_code("report.deleted"), None);
        let s = encode_events(&[AggregateChanged, ReportSent, ReportSent]);
        assert_eq!(s, "report.sent,aggregate.changed");
        assert_eq!(decode_events(&s), vec![ReportSent, AggregateChanged]);
        assert_eq!(decode_events("x, report.returned ,"), vec![ReportReturned]);
    }

    #[test]
    fn urls_are_http_and_bounded() {
        for ok in
            ["https://ioc.sonla.gov.vn/hook", "http://127.0.0.1:8080/x?y=1", "  HTTPS://Example.org  ", "http://[::1]:9000/a", "https://a-b.example"]
        {
            assert!(validate_url(ok).is_ok(), "{ok}");
        }
        assert_eq!(validate_url(" https://a.vn/x ").unwrap(), "https://a.vn/x");
        for bad in [
            "",
            "ftp://a.vn",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "https://",
            "https://u:p@a.vn/",
            "https://a.vn:99999/",
            "https://a.vn:/",
            "https://a b.vn/",
            "https://bộ.vn/",
            "https://a.vn/\nx",
            "https://a_b!.vn/",
            "a.vn/hook",
        ] {
            let e = validate_url(bad).unwrap_err();
            assert!(!e.is_empty(), "{bad}");
        }
        let long = format!("https://a.vn/{}", "x".repeat(MAX_URL_CHARS));
        assert!(validate_url(&long).unwrap_err().contains("500"));
        assert!(validate_name("   ").is_err());
        assert!(validate_name(&"ă".repeat(121)).is_err());
        assert_eq!(validate_name(" IOC ").unwrap(), "IOC");
    }

    #[test]
    fn backoff_grows_then_gives_up() {
        assert_eq!(MAX_ATTEMPTS, 6);
        let waits: Vec<Option<i64>> = (1..=MAX_ATTEMPTS).map(retry_after).collect();
        assert_eq!(waits, vec![Some(60), Some(300), Some(1800), Some(7200), Some(43200), None]);
        assert_eq!(retry_after(0), Some(0));
        assert_eq!(retry_after(100), None);
    }

    #[test]
    fn signing_and_results() {
        assert_eq!(signing_input(1700000000, "{\"a\":1}"), "1700000000.{\"a\":1}");
        assert_eq!(signature_header("ab12"), "sha256=ab12");
        assert!(is_delivered(200) && is_delivered(204) && is_delivered(299));
        assert!(!is_delivered(199) && !is_delivered(301) && !is_delivered(500));
        let long = "lỗi ".repeat(100);
        let s = short_error(&long);
        assert_eq!(s.chars().count(), MAX_ERROR_CHARS);
        assert!(s.ends_with('…'));
        assert_eq!(short_error(" ngắn "), "ngắn");
        for s in [DeliveryStatus::Pending, DeliveryStatus::Delivered, DeliveryStatus::Failed] {
            assert_eq!(DeliveryStatus::from_code(s.code()), Some(s));
        }
    }

    #[test]
    fn private_and_reserved_receivers_are_named() {
        use std::net::IpAddr;
        let refused = [
            "127.0.0.1",
            "127.8.9.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "0.1.2.3",
            "198.18.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "240.0.0.1",
            "192.0.2.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2001:db8::1",
        ];
        for a in refused {
            let ip: IpAddr = a.parse().unwrap();
            let why = private_address(ip).unwrap_or_else(|| panic!("{a} must be refused"));
            let message = private_address_message(ip, why);
            assert!(message.contains(&ip.to_string()) && message.contains(why), "{message}");
            assert!(message.chars().count() <= MAX_ERROR_CHARS, "fits the delivery log whole: {message}");
        }
        for a in ["203.113.131.1", "8.8.8.8", "172.32.0.1", "100.128.0.1", "192.169.0.1", "2402:800::1", "64:ff9b::808:808"] {
            assert_eq!(private_address(a.parse().unwrap()), None, "{a} is public");
        }
    }
}
