//! Settings: defaults, then an optional TOML file, then `BAOCAO_*` variables
//! (and `DATABASE_URL`). This is the only place that reads the environment.
//! A bad setting stops start-up with one line naming it.

use serde::Deserialize;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CookieSecure {
    /// Secure when the request came over TLS (directly or via a trusted proxy).
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub listen: SocketAddr,
    pub database_url: String,
    pub database_max_connections: u32,
    /// Load demonstration accounts and data at start.
    pub demo: bool,
    /// With `demo`: also generate a history of accepted reports (last year and
    /// this year's closed periods).
    pub demo_history: bool,
    pub cookie_secure: CookieSecure,
    /// Take the client address and scheme from X-Forwarded-* headers.
    pub trust_proxy: bool,
    pub session_ttl_hours: i64,
    /// Absolute lifetime of a session from sign-in, however active.
    pub session_max_hours: i64,
    pub login_max_failures: i32,
    pub login_lockout_minutes: i64,
    pub address_max_failures: i32,
    pub upload_max_mb: u64,
    pub log_format: LogFormat,
    /// Where the compiled site (wasm, css, assets) is served from.
    pub site_root: String,
    /// The site's public address, for links in e-mails (default: from `listen`).
    pub public_url: String,
    /// The hour (0–23, Asia/Ho_Chi_Minh) from which the daily reminders run.
    pub reminder_hour: u32,
    /// SMTP server for reminder e-mails; empty: e-mail is off.
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_username: String,
    /// Only from `BAOCAO_SMTP_PASSWORD` (never in the file, never logged).
    #[serde(skip)]
    pub smtp_password: Secret,
    /// The sender, e.g. `Báo cáo Sơn La <baocao@sonla.gov.vn>`.
    pub smtp_from: String,
    /// `starttls` (port 587), `tls` (465) or `none` (a relay on the local network).
    pub smtp_tls: String,
    /// API rate limit per token: a burst of this many requests…
    pub api_burst: u32,
    /// …refilled at this many requests per second.
    pub api_per_second: u32,
    /// The licence stated on `/du-lieu-mo` and in its files.
    pub open_data_licence: String,
    /// A link to the licence's text (empty: none).
    pub open_data_licence_url: String,
    /// Webhook receivers may be on private networks (the province's own
    /// operations centre); off, only public addresses are reached.
    pub webhook_private: bool,
}

/// A secret setting: prints as `***`, so no log or error shows it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(pub Option<String>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "***" } else { "None" })
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 3000)),
            database_url: "sqlite://data/baocao.db?mode=rwc".into(),
            database_max_connections: 8,
            demo: false,
            demo_history: true,
            cookie_secure: CookieSecure::Auto,
            trust_proxy: false,
            webhook_private: false,
            session_ttl_hours: 12,
            session_max_hours: 24,
            login_max_failures: 5,
            login_lockout_minutes: 15,
            address_max_failures: 30,
            upload_max_mb: 10,
            log_format: LogFormat::Text,
            site_root: "target/site".into(),
            public_url: String::new(),
            reminder_hour: 7,
            smtp_host: String::new(),
            smtp_port: 587,
            smtp_username: String::new(),
            smtp_password: Secret(None),
            smtp_from: String::new(),
            smtp_tls: "starttls".into(),
            api_burst: 120,
            api_per_second: 20,
            open_data_licence: "Giấy phép Dữ liệu mở CC BY 4.0".into(),
            open_data_licence_url: "https://creativecommons.org/licenses/by/4.0/deed.vi".into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("cấu hình không hợp lệ: {0}")]
pub struct ConfigError(pub String);

fn parse_env<T: std::str::FromStr>(name: &str, raw: &str, expected: &str) -> Result<T, ConfigError> {
    raw.trim().parse().map_err(|_| ConfigError(format!("{name} = {raw:?} ({expected})")))
}

fn parse_bool(name: &str, raw: &str) -> Result<bool, ConfigError> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(ConfigError(format!("{name} = {raw:?} (cần true hoặc false)"))),
    }
}

impl Config {
    /// Loads from the process environment (and the file it names).
    pub fn load() -> Result<Config, ConfigError> {
        let env: HashMap<String, String> = std::env::vars().collect();
        Self::from_sources(&env)
    }

    /// Loads from the given variables: the file named by `BAOCAO_CONFIG`
    /// (or `baocao.toml` when present), then the variables themselves.
    pub fn from_sources(env: &HashMap<String, String>) -> Result<Config, ConfigError> {
        let mut cfg = match env.get("BAOCAO_CONFIG") {
            Some(path) => Self::from_file(Path::new(path))?,
            None if Path::new("baocao.toml").exists() => Self::from_file(Path::new("baocao.toml"))?,
            None => Config::default(),
        };
        cfg.apply_env(env)?;
        cfg.validate()?;
        Ok(cfg)
    }

    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError(format!("không đọc được tệp cấu hình {}: {e}", path.display())))?;
        toml::from_str(&text).map_err(|e| ConfigError(format!("tệp {}: {}", path.display(), e.message())))
    }

    fn apply_env(&mut self, env: &HashMap<String, String>) -> Result<(), ConfigError> {
        if let Some(v) = env.get("DATABASE_URL") {
            self.database_url = v.clone();
        }
        for (key, raw) in env.iter().filter(|(k, _)| k.starts_with("BAOCAO_")) {
            let name = key.as_str();
            match name {
                "BAOCAO_CONFIG" => {}
                "BAOCAO_LISTEN" => self.listen = parse_env(name, raw, "cần dạng địa chỉ:cổng, ví dụ 127.0.0.1:3000")?,
                "BAOCAO_DATABASE_URL" => self.database_url = raw.clone(),
                "BAOCAO_DATABASE_MAX_CONNECTIONS" => self.database_max_connections = parse_env(name, raw, "cần số nguyên dương")?,
                "BAOCAO_DEMO" => self.demo = parse_bool(name, raw)?,
                "BAOCAO_DEMO_HISTORY" => self.demo_history = parse_bool(name, raw)?,
                "BAOCAO_COOKIE_SECURE" => {
                    self.cookie_secure = match raw.trim().to_ascii_lowercase().as_str() {
                        "auto" => CookieSecure::Auto,
                        "always" | "true" => CookieSecure::Always,
                        "never" | "false" => CookieSecure::Never,
                        _ => return Err(ConfigError(format!("{name} = {raw:?} (cần auto, always hoặc never)"))),
                    }
                }
                "BAOCAO_TRUST_PROXY" => self.trust_proxy = parse_bool(name, raw)?,
                "BAOCAO_WEBHOOK_PRIVATE" => self.webhook_private = parse_bool(name, raw)?,
                "BAOCAO_SESSION_TTL_HOURS" => self.session_ttl_hours = parse_env(name, raw, "cần số giờ")?,
                "BAOCAO_SESSION_MAX_HOURS" => self.session_max_hours = parse_env(name, raw, "cần số giờ")?,
                "BAOCAO_LOGIN_MAX_FAILURES" => self.login_max_failures = parse_env(name, raw, "cần số nguyên dương")?,
                "BAOCAO_LOGIN_LOCKOUT_MINUTES" => self.login_lockout_minutes = parse_env(name, raw, "cần số phút")?,
                "BAOCAO_ADDRESS_MAX_FAILURES" => self.address_max_failures = parse_env(name, raw, "cần số nguyên dương")?,
                "BAOCAO_UPLOAD_MAX_MB" => self.upload_max_mb = parse_env(name, raw, "cần số MB")?,
                "BAOCAO_LOG_FORMAT" => {
                    self.log_format = match raw.trim() {
                        "text" => LogFormat::Text,
                        "json" => LogFormat::Json,
                        _ => return Err(ConfigError(format!("{name} = {raw:?} (cần text hoặc json)"))),
                    }
                }
                "BAOCAO_SITE_ROOT" => self.site_root = raw.clone(),
                "BAOCAO_PUBLIC_URL" => self.public_url = raw.trim().trim_end_matches('/').to_string(),
                "BAOCAO_REMINDER_HOUR" => self.reminder_hour = parse_env(name, raw, "cần giờ từ 0 đến 23")?,
                "BAOCAO_SMTP_HOST" => self.smtp_host = raw.trim().to_string(),
                "BAOCAO_SMTP_PORT" => self.smtp_port = parse_env(name, raw, "cần số cổng")?,
                "BAOCAO_SMTP_USERNAME" => self.smtp_username = raw.clone(),
                "BAOCAO_SMTP_PASSWORD" => self.smtp_password = Secret(Some(raw.clone())),
                "BAOCAO_SMTP_FROM" => self.smtp_from = raw.clone(),
                "BAOCAO_SMTP_TLS" => self.smtp_tls = raw.trim().to_ascii_lowercase(),
                "BAOCAO_API_BURST" => self.api_burst = parse_env(name, raw, "cần số nguyên dương")?,
                "BAOCAO_API_PER_SECOND" => self.api_per_second = parse_env(name, raw, "cần số nguyên dương")?,
                "BAOCAO_OPEN_DATA_LICENCE" => self.open_data_licence = raw.trim().to_string(),
                "BAOCAO_OPEN_DATA_LICENCE_URL" => self.open_data_licence_url = raw.trim().to_string(),
                _ => return Err(ConfigError(format!("{name}: không có thiết lập này"))),
            }
        }
        Ok(())
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let url = &self.database_url;
        if !(url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(ConfigError(format!("database_url = {:?} (cần sqlite://… hoặc postgres://…)", url.split('@').next_back().unwrap_or(""))));
        }
        let positive = [
            ("database_max_connections", self.database_max_connections as i64),
            ("session_ttl_hours", self.session_ttl_hours),
            ("session_max_hours", self.session_max_hours),
            ("login_max_failures", self.login_max_failures as i64),
            ("login_lockout_minutes", self.login_lockout_minutes),
            ("address_max_failures", self.address_max_failures as i64),
            ("upload_max_mb", self.upload_max_mb as i64),
            ("api_burst", self.api_burst as i64),
            ("api_per_second", self.api_per_second as i64),
        ];
        for (name, v) in positive {
            if v <= 0 {
                return Err(ConfigError(format!("{name} = {v} (phải lớn hơn 0)")));
            }
        }
        if self.open_data_licence.is_empty() || self.open_data_licence.chars().count() > 200 || self.open_data_licence.chars().any(char::is_control) {
            return Err(ConfigError("open_data_licence: cần tên giấy phép (tối đa 200 ký tự)".into()));
        }
        let url = &self.open_data_licence_url;
        if !url.is_empty()
            && (!(url.starts_with("https://") || url.starts_with("http://")) || url.chars().any(|c| c.is_control() || c.is_whitespace() || c == '"'))
        {
            return Err(ConfigError(format!("open_data_licence_url = {url:?} (cần địa chỉ http:// hoặc https://)")));
        }
        if self.reminder_hour > 23 {
            return Err(ConfigError(format!("reminder_hour = {} (cần giờ từ 0 đến 23)", self.reminder_hour)));
        }
        if !self.smtp_host.is_empty() {
            if service::reminders::mail::TlsMode::from_code(&self.smtp_tls).is_none() {
                return Err(ConfigError(format!("smtp_tls = {:?} (cần starttls, tls hoặc none)", self.smtp_tls)));
            }
            if self.smtp_from.trim().is_empty() {
                return Err(ConfigError("smtp_from: cần địa chỉ gửi thư khi đã đặt smtp_host".into()));
            }
            if let Err(e) = service::reminders::mail::Mailer::new(&self.smtp()) {
                return Err(ConfigError(format!("smtp: {e}")));
            }
        }
        Ok(())
    }

    /// The SMTP settings (meaningful when `smtp_host` is set).
    pub fn smtp(&self) -> service::reminders::mail::SmtpSettings {
        use service::reminders::mail::{SmtpSettings, TlsMode};
        SmtpSettings {
            host: self.smtp_host.clone(),
            port: self.smtp_port,
            username: (!self.smtp_username.is_empty()).then(|| self.smtp_username.clone()),
            password: self.smtp_password.0.clone(),
            from: self.smtp_from.clone(),
            tls: TlsMode::from_code(&self.smtp_tls).unwrap_or(TlsMode::StartTls),
        }
    }

    /// The SMTP client, or `None` when e-mail is off.
    pub fn mailer(&self) -> Option<service::reminders::mail::Mailer> {
        if self.smtp_host.is_empty() {
            return None;
        }
        service::reminders::mail::Mailer::new(&self.smtp()).ok()
    }

    /// The daily reminder run's settings for this server.
    pub fn daily_settings(&self) -> service::reminders::daily::DailySettings {
        let site_url = if self.public_url.is_empty() { format!("http://{}", self.listen) } else { self.public_url.clone() };
        let host = std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_string()).unwrap_or_default();
        service::reminders::daily::DailySettings {
            hour: self.reminder_hour,
            site_url,
            owner: format!("{host}:{}:{}", std::process::id(), self.listen),
        }
    }

    pub fn webhook_receivers(&self) -> service::feeds::webhooks::Receivers {
        use service::feeds::webhooks::Receivers;
        if self.webhook_private { Receivers::AnyAddress } else { Receivers::PublicOnly }
    }

    pub fn auth_settings(&self) -> service::auth::AuthSettings {
        use chrono::Duration;
        use domain::throttle::ThrottlePolicy;
        let lockout = Duration::minutes(self.login_lockout_minutes);
        service::auth::AuthSettings {
            session_ttl: Duration::hours(self.session_ttl_hours),
            session_max_age: Duration::hours(self.session_max_hours),
            account_policy: ThrottlePolicy { max_failures: self.login_max_failures, window: lockout, lockout },
            address_policy: ThrottlePolicy { max_failures: self.address_max_failures, window: lockout, lockout },
        }
    }

    pub fn upload_max_bytes(&self) -> usize {
        (self.upload_max_mb as usize).saturating_mul(1024 * 1024)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_then_environment() {
        let c = Config::from_sources(&env(&[])).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:3000");
        assert!(!c.demo);
        let c =
            Config::from_sources(&env(&[("BAOCAO_DEMO", "true"), ("DATABASE_URL", "postgres://u@h/db"), ("BAOCAO_LISTEN", "0.0.0.0:8080")])).unwrap();
        assert!(c.demo);
        assert_eq!(c.database_url, "postgres://u@h/db");
        assert_eq!(c.listen.port(), 8080);
        let c = Config::from_sources(&env(&[("DATABASE_URL", "postgres://a"), ("BAOCAO_DATABASE_URL", "sqlite://x.db")])).unwrap();
        assert_eq!(c.database_url, "sqlite://x.db", "BAOCAO_DATABASE_URL wins");
    }

    #[test]
    fn bad_settings_name_themselves() {
        let err = |pairs: &[(&str, &str)]| Config::from_sources(&env(pairs)).unwrap_err().to_string();
        assert!(err(&[("BAOCAO_DEMO", "maybe")]).contains("BAOCAO_DEMO"));
        assert!(err(&[("BAOCAO_LISTEN", "localhost")]).contains("BAOCAO_LISTEN"));
        assert!(err(&[("BAOCAO_DATABASE_URL", "mysql://x")]).contains("database_url"));
        assert!(err(&[("BAOCAO_SESSION_TTL_HOURS", "0")]).contains("session_ttl_hours"));
        assert!(err(&[("BAOCAO_LISTN", "x")]).contains("BAOCAO_LISTN"));
        assert!(err(&[("BAOCAO_CONFIG", "/khong/co.toml")]).contains("/khong/co.toml"));
    }

    #[test]
    fn smtp_password_comes_from_the_environment_only_and_never_prints() {
        let c = Config::from_sources(&env(&[
            ("BAOCAO_SMTP_HOST", "127.0.0.1"),
            ("BAOCAO_SMTP_PORT", "2525"),
            ("BAOCAO_SMTP_TLS", "none"),
            ("BAOCAO_SMTP_FROM", "Báo cáo Sơn La <baocao@sonla.example>"),
            ("BAOCAO_SMTP_USERNAME", "baocao"),
            ("BAOCAO_SMTP_PASSWORD", "mat-khau-bi-mat"),
            ("BAOCAO_REMINDER_HOUR", "6"),
        ]))
        .unwrap();
        assert_eq!(c.smtp_port, 2525);
        assert_eq!(c.reminder_hour, 6);
        assert!(c.mailer().is_some());
        let shown = format!("{c:?} {:?}", c.smtp());
        assert!(!shown.contains("mat-khau-bi-mat"), "{shown}");
        assert!(Config::from_sources(&env(&[])).unwrap().mailer().is_none(), "no host: e-mail is off");
        let err = |pairs: &[(&str, &str)]| Config::from_sources(&env(pairs)).unwrap_err().to_string();
        assert!(err(&[("BAOCAO_REMINDER_HOUR", "24")]).contains("reminder_hour"));
        assert!(err(&[("BAOCAO_SMTP_HOST", "h"), ("BAOCAO_SMTP_FROM", "a@b.vn"), ("BAOCAO_SMTP_TLS", "ssl")]).contains("smtp_tls"));
        assert!(err(&[("BAOCAO_SMTP_HOST", "h")]).contains("smtp_from"));
        let dir = std::env::temp_dir().join(format!("baocao-cfg-smtp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("pw.toml");
        std::fs::write(&f, "smtp_password = \"x\"\n").unwrap();
        assert!(err(&[("BAOCAO_CONFIG", f.to_str().unwrap())]).contains("smtp_password"), "a password in the file is refused");
    }

    #[test]
    fn file_is_read_and_checked() {
        let dir = std::env::temp_dir().join(format!("baocao-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("good.toml");
        std::fs::write(&good, "demo = true\nupload_max_mb = 20\n").unwrap();
        let c = Config::from_sources(&env(&[("BAOCAO_CONFIG", good.to_str().unwrap())])).unwrap();
        assert!(c.demo);
        assert_eq!(c.upload_max_mb, 20);
        let bad = dir.join("bad.toml");
        std::fs::write(&bad, "demo = \"có\"\n").unwrap();
        let e = Config::from_sources(&env(&[("BAOCAO_CONFIG", bad.to_str().unwrap())])).unwrap_err().to_string();
        assert!(e.contains("bad.toml"), "{e}");
        let unknown = dir.join("unknown.toml");
        std::fs::write(&unknown, "demoo = true\n").unwrap();
        let e = Config::from_sources(&env(&[("BAOCAO_CONFIG", unknown.to_str().unwrap())])).unwrap_err().to_string();
        assert!(e.contains("demoo"), "{e}");
    }
}
