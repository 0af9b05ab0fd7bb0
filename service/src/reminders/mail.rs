//! E-mail through an SMTP server (lettre, rustls). Without a host nothing
//! is sent and nothing fails: the pages say e-mail is off.

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// How the connection to the SMTP server is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain SMTP (a relay on the same machine or network).
    None,
    /// STARTTLS on the submission port (587).
    StartTls,
    /// TLS from the first byte (465).
    Tls,
}

impl TlsMode {
    pub fn from_code(c: &str) -> Option<TlsMode> {
        match c.trim().to_ascii_lowercase().as_str() {
            "none" | "khong" => Some(TlsMode::None),
            "starttls" => Some(TlsMode::StartTls),
            "tls" => Some(TlsMode::Tls),
            _ => None,
        }
    }
}

#[derive(Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    /// Never logged, never printed (see `Debug`).
    pub password: Option<String>,
    pub from: String,
    pub tls: TlsMode,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("from", &self.from)
            .field("tls", &self.tls)
            .finish()
    }
}

/// A ready SMTP client.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from.to_string()).finish()
    }
}

impl Mailer {
    pub fn new(s: &SmtpSettings) -> Result<Mailer, String> {
        let from: Mailbox = s.from.parse().map_err(|e| format!("địa chỉ gửi thư «{}» không hợp lệ: {e}", s.from))?;
        let builder = match s.tls {
            TlsMode::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host),
            TlsMode::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host).map_err(|e| format!("máy chủ thư {}: {e}", s.host))?,
            TlsMode::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host).map_err(|e| format!("máy chủ thư {}: {e}", s.host))?,
        };
        let mut builder = builder.port(s.port).timeout(Some(std::time::Duration::from_secs(30)));
        if let (Some(u), Some(p)) = (&s.username, &s.password) {
            builder = builder.credentials(Credentials::new(u.clone(), p.clone()));
        }
        Ok(Mailer { transport: builder.build(), from })
    }

    /// Sends one plain-text message; the error says why, without secrets.
    pub async fn send(&self, to_address: &str, to_name: &str, subject: &str, body: &str) -> Result<(), String> {
        let to = Mailbox::new(Some(to_name.to_string()), to_address.parse().map_err(|e| format!("địa chỉ «{to_address}» không hợp lệ: {e}"))?);
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| format!("không soạn được thư: {e}"))?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| format!("máy chủ thư từ chối: {e}"))
    }
}
