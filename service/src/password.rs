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
    max_waiting: usize,
    max_wait: std::time::Duration,
}

/// One place in the queue, given back however the wait ends: a client that
/// hangs up while queued drops its request's future, and a count decremented
/// only on the normal path would leak until every sign-in was refused.
struct InQueue<'a>(&'a std::sync::atomic::AtomicUsize);

impl Drop for InQueue<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Gate {
    fn new(permits: usize, max_waiting: usize, max_wait: std::time::Duration) -> Self {
        Gate { permits: tokio::sync::Semaphore::new(permits.max(1)), waiting: std::sync::atomic::AtomicUsize::new(0), max_waiting, max_wait }
    }

    async fn run<T: Send + 'static>(&self, job: impl FnOnce() -> T + Send + 'static) -> Result<T, ServiceError> {
        use std::sync::atomic::Ordering;
        let place = InQueue(&self.waiting);
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.max_waiting {
            return Err(busy());
        }
        let permit = tokio::time::timeout(self.max_wait, self.permits.acquire()).await;
        drop(place);
        let _permit = match permit {
            Ok(Ok(p)) => p,
            _ => return Err(busy()),
        };
        Ok(tokio::task::spawn_blocking(job).await?)
    }
}

fn gate() -> &'static Gate {
    static GATE: std::sync::OnceLock<Gate> = std::sync::OnceLock::new();
    GATE.get_or_init(|| {
        let cores = std::thread::available_parallelism().map(usize::from).unwrap_or(2);
        Gate::new(cores, 64, std::time::Duration::from_secs(5))
    })
}

fn busy() -> ServiceError {
    ServiceError::TooManyRequests("Hệ thống đang xử lý nhiều lượt đăng nhập cùng lúc. Vui lòng thử lại sau ít giây.".into())
}

async fn gated<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> Result<T, ServiceError> {
    gate().run(job).await
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

    fn is_busy(r: &Result<(), ServiceError>) -> bool {
        matches!(r, Err(ServiceError::TooManyRequests(m)) if m.contains("nhiều lượt đăng nhập"))
    }

    /// Two computations at once, two in the queue: the fifth is told to come
    /// back at once, and the queue is whole again once the work is done.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_gate_refuses_at_once_and_recovers() {
        let gate = std::sync::Arc::new(Gate::new(2, 2, std::time::Duration::from_secs(30)));
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let hold = std::sync::Arc::new(std::sync::Mutex::new(hold));
        let mut running = Vec::new();
        let mut start = |gate: &std::sync::Arc<Gate>| {
            let (gate, hold) = (gate.clone(), hold.clone());
            running.push(tokio::spawn(async move {
                gate.run(move || {
                    let _ = hold.lock().unwrap().recv();
                })
                .await
            }));
        };
        // Two at work first, then two in the queue (started apart, so none
        // of the four is refused for arriving alongside the others).
        start(&gate);
        start(&gate);
        while gate.permits.available_permits() > 0 || gate.waiting.load(std::sync::atomic::Ordering::SeqCst) > 0 {
            tokio::task::yield_now().await;
        }
        start(&gate);
        start(&gate);
        while gate.waiting.load(std::sync::atomic::Ordering::SeqCst) < 2 {
            tokio::task::yield_now().await;
        }
        let started = std::time::Instant::now();
        assert!(is_busy(&gate.run(|| ()).await), "the queue is full");
        assert!(started.elapsed() < std::time::Duration::from_secs(1), "refused without waiting");
        for _ in 0..4 {
            release.send(()).unwrap();
        }
        for r in running {
            assert!(r.await.unwrap().is_ok());
        }
        assert_eq!(gate.waiting.load(std::sync::atomic::Ordering::SeqCst), 0);
        assert!(gate.run(|| ()).await.is_ok(), "free again");
    }

    /// A queued sign-in whose client hung up gives its place back.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_abandoned_wait_gives_its_place_back() {
        let gate = std::sync::Arc::new(Gate::new(1, 1, std::time::Duration::from_secs(30)));
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let busy_one = {
            let gate = gate.clone();
            tokio::spawn(async move {
                gate.run(move || {
                    let _ = hold.recv();
                })
                .await
            })
        };
        while gate.permits.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        let waiter = {
            let gate = gate.clone();
            tokio::spawn(async move { gate.run(|| ()).await })
        };
        while gate.waiting.load(std::sync::atomic::Ordering::SeqCst) < 1 {
            tokio::task::yield_now().await;
        }
        waiter.abort();
        let _ = waiter.await;
        assert_eq!(gate.waiting.load(std::sync::atomic::Ordering::SeqCst), 0, "the dropped wait left the queue");
        release.send(()).unwrap();
        busy_one.await.unwrap().unwrap();
        assert!(gate.run(|| ()).await.is_ok());
    }
}
