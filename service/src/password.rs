//! argon2id hashing, always off the async runtime: a hash takes tens of
//! milliseconds of CPU and would stall every other request on the thread.

use crate::ServiceError;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};

/// A password hash. Not `Serialize`, and `Debug` hides it, so it cannot leak
/// into a page, a log line or an API response by accident.
#[derive(Clone)]
pub struct PasswordHashString(pub String);

impl std::fmt::Debug for PasswordHashString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHashString(…)")
    }
}

fn hasher() -> Argon2<'static> {
    // Argon2id v19, m=19 MiB, t=2, p=1: the OWASP baseline.
    Argon2::default()
}

pub fn hash_blocking(plain: &str) -> Result<PasswordHashString, ServiceError> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(plain.as_bytes(), &salt)
        .map(|h| PasswordHashString(h.to_string()))
        .map_err(|e| ServiceError::Internal(format!("argon2 hash: {e}")))
}

pub fn verify_blocking(hash: &str, plain: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| hasher().verify_password(plain.as_bytes(), &parsed).is_ok())
}

/// At most one argon2 computation per core at a time, and a short queue:
/// each takes 19 MiB and tens of milliseconds of CPU, so a flood of
/// sign-ins must wait its turn or be told to come back, not run hundreds at
/// once and hold the memory.
struct Gate {
    permits: tokio::sync::Semaphore,
    waiting: std::sync::atomic::AtomicUsize,
}

const MAX_WAITING: usize = 64;
const MAX_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

fn gate() -> &'static Gate {
    static GATE: std::sync::OnceLock<Gate> = std::sync::OnceLock::new();
    GATE.get_or_init(|| Gate {
        permits: tokio::sync::Semaphore::new(std::thread::available_parallelism().map(usize::from).unwrap_or(2).max(1)),
        waiting: std::sync::atomic::AtomicUsize::new(0),
    })
}

fn busy() -> ServiceError {
    ServiceError::TooManyRequests("Hệ thống đang xử lý nhiều lượt đăng nhập cùng lúc. Vui lòng thử lại sau ít giây.".into())
}

async fn gated<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> Result<T, ServiceError> {
    use std::sync::atomic::Ordering;
    let g = gate();
    if g.waiting.fetch_add(1, Ordering::SeqCst) >= MAX_WAITING {
        g.waiting.fetch_sub(1, Ordering::SeqCst);
        return Err(busy());
    }
    let permit = tokio::time::timeout(MAX_WAIT, g.permits.acquire()).await;
    g.waiting.fetch_sub(1, Ordering::SeqCst);
    let _permit = match permit {
        Ok(Ok(p)) => p,
        _ => return Err(busy()),
    };
    Ok(tokio::task::spawn_blocking(job).await?)
}

pub async fn hash(plain: String) -> Result<PasswordHashString, ServiceError> {
    gated(move || hash_blocking(&plain)).await?
}

pub async fn verify(hash: String, plain: String) -> Result<bool, ServiceError> {
    gated(move || verify_blocking(&hash, &plain)).await
}

/// Verified against when the user name is unknown, so a wrong name costs the
/// same time as a wrong password and names cannot be probed by timing.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking("không-có-tài-khoản-này-0").map(|h| h.0).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let a = hash_blocking("SonLa2025").unwrap();
        let b = hash_blocking("SonLa2025").unwrap();
        assert!(a.0.starts_with("$argon2id$"));
        assert_ne!(a.0, b.0, "each hash has its own salt");
        assert!(verify_blocking(&a.0, "SonLa2025"));
        assert!(!verify_blocking(&a.0, "sonla2025"));
        assert!(!verify_blocking("not a hash", "SonLa2025"));
        assert_eq!(format!("{a:?}"), "PasswordHashString(…)");
    }
}
