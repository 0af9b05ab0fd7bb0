//! Signing in and out, database-backed sessions, and sign-in throttling.
//! Sessions live in the database so that several servers can share them and
//! they survive a restart.

use crate::{Result, ServiceError, audit, password};
use chrono::{DateTime, Duration, Utc};
use domain::account::{check_new_password, normalize_username};
use domain::throttle::{ThrottlePolicy, ThrottleState, minutes_label};
use domain::views::SessionView;
use domain::{Actor, FieldErrors, Role};
use entity::{app_user, login_throttle, org_unit, session};
use rand::RngCore;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set, TransactionTrait};
use sha2::{Digest, Sha256};

#[derive(Clone, Debug)]
pub struct AuthSettings {
    /// Idle lifetime: a session unused this long ends.
    pub session_ttl: Duration,
    /// Absolute lifetime: a session ends this long after sign-in, however busy.
    pub session_max_age: Duration,
    pub account_policy: ThrottlePolicy,
    pub address_policy: ThrottlePolicy,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            session_ttl: Duration::hours(12),
            session_max_age: Duration::hours(24),
            account_policy: ThrottlePolicy { max_failures: 5, window: Duration::minutes(15), lockout: Duration::minutes(15) },
            address_policy: ThrottlePolicy { max_failures: 30, window: Duration::minutes(15), lockout: Duration::minutes(15) },
        }
    }
}

pub struct SignInRequest {
    pub username: String,
    pub password: String,
    pub client_addr: String,
    pub user_agent: String,
}

/// What the web layer needs after a sign-in: the cookie secret (shown once,
/// stored only as a hash) and the session's CSRF token.
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    pub view: SessionView,
}

#[derive(Clone, Debug)]
pub struct ActiveSession {
    pub view: SessionView,
    pub csrf_token: String,
}

impl ActiveSession {
    pub fn actor(&self) -> Actor {
        self.view.actor()
    }
}

/// 32 random bytes, hex-encoded.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The CSRF token as a page carries it: a fresh random mask and the token
/// XOR the mask, hex. Every page then shows different bytes for the same
/// token, so compressing a page beside text an attacker chose cannot leak
/// the token a byte at a time (BREACH), and pages may be compressed.
pub fn mask_token(token: &str) -> String {
    let Ok(raw) = hex::decode(token) else { return token.to_string() };
    let mut mask = vec![0u8; raw.len()];
    rand::rngs::OsRng.fill_bytes(&mut mask);
    let masked: Vec<u8> = raw.iter().zip(&mask).map(|(t, m)| t ^ m).collect();
    format!("{}{}", hex::encode(&mask), hex::encode(masked))
}

/// The token a masked one carries; `None` for anything else.
pub fn unmask_token(masked: &str) -> Option<String> {
    if !masked.len().is_multiple_of(2) || !masked.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let bytes = hex::decode(masked).ok()?;
    let (mask, token) = bytes.split_at(bytes.len() / 2);
    Some(hex::encode(mask.iter().zip(token).map(|(m, t)| m ^ t).collect::<Vec<u8>>()))
}

/// How a bearer secret (session cookie, API token) is stored: its SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    token_hash_bytes(token.as_bytes())
}

/// SHA-256 of bytes, hex.
pub fn token_hash_bytes(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

const WRONG_CREDENTIALS: &str = "Tên đăng nhập hoặc mật khẩu không đúng.";

/// Throttle keys are bounded: a user name or address typed by anyone must
/// not become an arbitrarily long primary key.
const MAX_KEY_CHARS: usize = 100;

fn account_key(username: &str) -> String {
    format!("user:{}", username.chars().take(MAX_KEY_CHARS).collect::<String>())
}

fn address_key(addr: &str) -> String {
    format!("addr:{}", addr.chars().take(MAX_KEY_CHARS).collect::<String>())
}

async fn load_throttle<C: ConnectionTrait>(db: &C, key: &str) -> Result<Option<ThrottleState>> {
    Ok(login_throttle::Entity::find_by_id(key.to_string()).one(db).await?.map(|m| ThrottleState {
        failures: m.failures,
        window_start: m.window_start,
        locked_until: m.locked_until,
    }))
}

async fn save_throttle<C: ConnectionTrait>(db: &C, key: &str, s: &ThrottleState) -> Result<()> {
    login_throttle::ActiveModel {
        key: Set(key.to_string()),
        failures: Set(s.failures),
        window_start: Set(s.window_start),
        locked_until: Set(s.locked_until),
    }
    .update(db)
    .await?;
    Ok(())
}

/// Changes one throttle row under a lock: the row is created if missing,
/// then the transaction's first statement writes it (the write lock on
/// SQLite, the row lock on PostgreSQL), so attempts in parallel are counted
/// one after the other and none is lost.
async fn change_throttle(
    db: &crate::Db,
    key: &str,
    now: DateTime<Utc>,
    change: impl FnOnce(Option<&ThrottleState>) -> ThrottleState,
) -> Result<ThrottleState> {
    let fresh = login_throttle::ActiveModel { key: Set(key.to_string()), failures: Set(0), window_start: Set(now), locked_until: Set(None) };
    login_throttle::Entity::insert(fresh)
        .on_conflict(OnConflict::column(login_throttle::Column::Key).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    let txn = db.begin().await?;
    login_throttle::Entity::update_many()
        .col_expr(login_throttle::Column::Failures, Expr::col(login_throttle::Column::Failures))
        .filter(login_throttle::Column::Key.eq(key))
        .exec(&txn)
        .await?;
    let before = load_throttle(&txn, key).await?;
    let after = change(before.as_ref().filter(|s| s.failures > 0 || s.locked_until.is_some()));
    save_throttle(&txn, key, &after).await?;
    txn.commit().await?;
    Ok(after)
}

fn locked_message(for_account: bool, d: Duration) -> ServiceError {
    ServiceError::TooManyRequests(if for_account {
        format!("Tài khoản tạm thời bị khóa đăng nhập do nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau {}.", minutes_label(d))
    } else {
        format!("Có quá nhiều lần đăng nhập sai từ địa chỉ máy của bạn. Vui lòng thử lại sau {}.", minutes_label(d))
    })
}

pub async fn sign_in(db: &crate::Db, settings: &AuthSettings, req: SignInRequest, now: DateTime<Utc>) -> Result<NewSession> {
    let username = normalize_username(&req.username);
    let mut errors = FieldErrors::new();
    if username.is_empty() {
        errors.add("username", "Vui lòng nhập tên đăng nhập.");
    }
    if req.password.is_empty() {
        errors.add("password", "Vui lòng nhập mật khẩu.");
    }
    errors.into_result()?;

    let akey = account_key(&username);
    let ipkey = address_key(&req.client_addr);
    let (ap, ip) = (settings.account_policy, settings.address_policy);
    if let Some(d) = ap.locked_for(load_throttle(db, &akey).await?.as_ref(), now) {
        return Err(locked_message(true, d));
    }
    if let Some(d) = ip.locked_for(load_throttle(db, &ipkey).await?.as_ref(), now) {
        return Err(locked_message(false, d));
    }
    // Every attempt is counted before its password is checked; if it cannot
    // be counted (the database is busy) it is refused, never checked uncounted.
    let counted = async {
        let a = change_throttle(db, &akey, now, |s| ap.after_failure(s, now)).await?;
        let i = change_throttle(db, &ipkey, now, |s| ip.after_failure(s, now)).await?;
        Ok::<_, ServiceError>((a, i))
    };
    let (astate, istate) = match counted.await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "a sign-in attempt could not be counted; refused");
            return Err(ServiceError::TooManyRequests("Hệ thống đang bận, chưa kiểm tra được đăng nhập. Vui lòng thử lại sau ít giây.".into()));
        }
    };
    if !ap.may_check(&astate) {
        return Err(locked_message(true, ap.locked_for(Some(&astate), now).unwrap_or(ap.lockout)));
    }
    if !ip.may_check(&istate) {
        return Err(locked_message(false, ip.locked_for(Some(&istate), now).unwrap_or(ip.lockout)));
    }

    let user = app_user::Entity::find().filter(app_user::Column::Username.eq(&username)).one(db).await?;
    let hash = user.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(|| password::dummy_hash().to_string());
    let ok = password::verify(hash, req.password).await? && user.is_some();
    let Some(user) = user.filter(|_| ok) else {
        audit::record(db, None, "dang_nhap_sai", &username, &format!("từ {}", req.client_addr)).await?;
        if let Some(d) = ap.locked_for(Some(&astate), now) {
            return Err(locked_message(true, d));
        }
        if let Some(d) = ip.locked_for(Some(&istate), now) {
            return Err(locked_message(false, d));
        }
        // Which of the two was wrong is not said (names cannot be probed),
        // so the message is the form's, not a field's.
        return Err(ServiceError::field("form", WRONG_CREDENTIALS));
    };
    change_throttle(db, &ipkey, now, |s| {
        s.map(|s| ip.undo_attempt(s)).unwrap_or(ThrottleState { failures: 0, window_start: now, locked_until: None })
    })
    .await?;
    if !user.active {
        return Err(ServiceError::Forbidden("Tài khoản đã bị vô hiệu hóa. Vui lòng liên hệ quản trị hệ thống.".into()));
    }
    let role = Role::from_code(&user.role).ok_or_else(|| ServiceError::Internal(format!("role {}", user.role)))?;
    if !role.can_sign_in_interactively() {
        return Err(ServiceError::Forbidden("Tài khoản máy khách chỉ dùng qua API, không đăng nhập trên trang.".into()));
    }

    let token = random_token();
    let csrf_token = random_token();
    let expires_at = now + settings.session_ttl;
    let txn = db.begin().await?;
    login_throttle::Entity::delete_by_id(akey.clone()).exec(&txn).await?;
    session::ActiveModel {
        id: Set(token_hash(&token)),
        user_id: Set(user.id),
        csrf_token: Set(csrf_token.clone()),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(expires_at),
        client_addr: Set(req.client_addr.chars().take(64).collect()),
        user_agent: Set(req.user_agent.chars().take(300).collect()),
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, Some(user.id), "dang_nhap", &user.username, &format!("từ {}", req.client_addr)).await?;
    txn.commit().await?;
    let view = session_view(db, user).await?;
    Ok(NewSession { token, csrf_token, expires_at, view })
}

async fn session_view<C: ConnectionTrait>(db: &C, user: app_user::Model) -> Result<SessionView> {
    let unit = org_unit::Entity::find_by_id(user.unit_id).one(db).await?;
    Ok(SessionView {
        user_id: user.id,
        role: Role::from_code(&user.role).ok_or_else(|| ServiceError::Internal(format!("role {}", user.role)))?,
        username: user.username,
        full_name: user.full_name,
        unit_id: user.unit_id,
        unit_name: unit.map(|u| u.name).unwrap_or_default(),
        must_change_password: user.must_change_password,
    })
}

/// How often a live session's expiry is pushed forward (not at every request,
/// which would make every page view a database write).
const TOUCH_EVERY: Duration = Duration::minutes(5);

/// The session behind a cookie, if it is live and its account still active.
pub async fn resolve_session(db: &crate::Db, settings: &AuthSettings, token: &str, now: DateTime<Utc>) -> Result<Option<ActiveSession>> {
    if token.len() != 64 {
        return Ok(None);
    }
    let Some((sess, Some(user))) = session::Entity::find_by_id(token_hash(token)).find_also_related(app_user::Entity).one(db).await? else {
        return Ok(None);
    };
    if sess.expires_at <= now || sess.created_at + settings.session_max_age <= now || !user.active {
        return Ok(None);
    }
    if now - sess.last_seen_at > TOUCH_EVERY {
        let csrf = sess.csrf_token.clone();
        let mut am = sess.into_active_model();
        am.last_seen_at = Set(now);
        am.expires_at = Set(now + settings.session_ttl);
        am.update(db).await?;
        return Ok(Some(ActiveSession { view: session_view(db, user).await?, csrf_token: csrf }));
    }
    Ok(Some(ActiveSession { view: session_view(db, user).await?, csrf_token: sess.csrf_token }))
}

pub async fn sign_out(db: &crate::Db, token: &str) -> Result<()> {
    session::Entity::delete_by_id(token_hash(token)).exec(db).await?;
    Ok(())
}

/// Ends every session of a user but, optionally, the one making the request.
pub(crate) async fn end_sessions<C: ConnectionTrait>(db: &C, user_id: i32, keep_token: Option<&str>) -> Result<()> {
    let mut q = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(t) = keep_token {
        q = q.filter(session::Column::Id.ne(token_hash(t)));
    }
    q.exec(db).await?;
    Ok(())
}

/// Removes ended sessions (idle or past their absolute lifetime) and
/// throttle rows whose window and lock have both run out.
pub async fn purge_expired(db: &crate::Db, settings: &AuthSettings, now: DateTime<Utc>) -> Result<u64> {
    let r = session::Entity::delete_many()
        .filter(Condition::any().add(session::Column::ExpiresAt.lte(now)).add(session::Column::CreatedAt.lte(now - settings.session_max_age)))
        .exec(db)
        .await?;
    let window = settings.account_policy.window.max(settings.address_policy.window);
    let t = login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::WindowStart.lt(now - window))
        .filter(Condition::any().add(login_throttle::Column::LockedUntil.is_null()).add(login_throttle::Column::LockedUntil.lt(now)))
        .exec(db)
        .await?;
    Ok(r.rows_affected + t.rows_affected)
}

pub struct PasswordChange {
    pub current: String,
    pub new: String,
    pub confirm: String,
}

/// A user changes their own password; their other sessions end.
pub async fn change_own_password(db: &crate::Db, actor: &Actor, current_token: &str, req: PasswordChange) -> Result<()> {
    let user = app_user::Entity::find_by_id(actor.user_id).one(db).await?.ok_or(ServiceError::Unauthenticated)?;
    let mut errors = FieldErrors::new();
    if req.current.is_empty() {
        errors.add("current", "Vui lòng nhập mật khẩu hiện tại.");
    }
    check_new_password("new", &req.new, &user.username, &mut errors);
    if req.new != req.confirm {
        errors.add("confirm", "Mật khẩu nhập lại không khớp.");
    }
    if errors.is_empty() && req.new == req.current {
        errors.add("new", "Mật khẩu mới phải khác mật khẩu hiện tại.");
    }
    errors.into_result()?;
    if !password::verify(user.password_hash.clone(), req.current).await? {
        return Err(ServiceError::field("current", "Mật khẩu hiện tại không đúng."));
    }
    let hash = password::hash(req.new).await?;
    let txn = db.begin().await?;
    let username = user.username.clone();
    let mut am = user.into_active_model();
    am.password_hash = Set(hash.0);
    am.must_change_password = Set(false);
    am.updated_at = Set(Utc::now());
    am.update(&txn).await?;
    end_sessions(&txn, actor.user_id, Some(current_token)).await?;
    audit::record(&txn, Some(actor.user_id), "doi_mat_khau", &username, "").await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let a = random_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_token());
        assert_ne!(token_hash(&a), a);
        assert_eq!(token_hash(&a), token_hash(&a));
    }

    #[test]
    fn a_masked_token_differs_every_time_and_unmasks_to_the_token() {
        let t = random_token();
        let (m1, m2) = (mask_token(&t), mask_token(&t));
        assert_ne!(m1, m2);
        assert_eq!(m1.len(), 128);
        assert!(!m1.contains(&t));
        assert_eq!(unmask_token(&m1).as_deref(), Some(t.as_str()));
        assert_eq!(unmask_token(&m2).as_deref(), Some(t.as_str()));
        assert_ne!(unmask_token(&t).as_deref(), Some(t.as_str()), "the bare token is not a masked one");
        for junk in ["", "abc", "zz", &"g".repeat(128)] {
            assert!(unmask_token(junk).is_none_or(|u| u != t), "{junk}");
        }
    }
}
