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
            session_ttl_hours: 12,
            session_max_hours: 24,
            login_max_failures: 5,
            login_lockout_minutes: 15,
            address_max_failures: 30,
            upload_max_mb: 10,
            log_format: LogFormat::Text,
            site_root: "target/site".into(),
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
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError(format!("không đọc được tệp cấu hình {}: {e}", path.display())))?;
        toml::from_str(&text).map_err(|e| {
            ConfigError(format!("tệp {}: {}", path.display(), e.message()))
        })
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
                _ => return Err(ConfigError(format!("{name}: không có thiết lập này"))),
            }
        }
        Ok(())
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let url = &self.database_url;
        if !(url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(ConfigError(format!(
                "database_url = {:?} (cần sqlite://… hoặc postgres://…)",
                url.split('@').next_back().unwrap_or("")
            )));
        }
        let positive = [
            ("database_max_connections", self.database_max_connections as i64),
            ("session_ttl_hours", self.session_ttl_hours),
            ("session_max_hours", self.session_max_hours),
            ("login_max_failures", self.login_max_failures as i64),
            ("login_lockout_minutes", self.login_lockout_minutes),
            ("address_max_failures", self.address_max_failures as i64),
            ("upload_max_mb", self.upload_max_mb as i64),
        ];
        for (name, v) in positive {
            if v <= 0 {
                return Err(ConfigError(format!("{name} = {v} (phải lớn hơn 0)")));
            }
        }
        Ok(())
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
        let c = Config::from_sources(&env(&[
            ("BAOCAO_DEMO", "true"),
            ("DATABASE_URL", "postgres://u@h/db"),
            ("BAOCAO_LISTEN", "0.0.0.0:8080"),
        ]))
        .unwrap();
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
