//! Sign-in throttling policy, as pure state transitions so the rules are
//! tested without a clock or a database.

use chrono::{DateTime, Duration, Utc};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures allowed inside one window before the key is locked.
    pub max_failures: i32,
    pub window: Duration,
    pub lockout: Duration,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottleState {
    pub failures: i32,
    pub window_start: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
}

impl ThrottlePolicy {
    /// How long the key stays locked, if it is locked at `now`.
    pub fn locked_for(&self, state: Option<&ThrottleState>, now: DateTime<Utc>) -> Option<Duration> {
        let until = state?.locked_until?;
        (until > now).then(|| until - now)
    }

    /// The state after one more failure at `now`.
    pub fn after_failure(&self, state: Option<&ThrottleState>, now: DateTime<Utc>) -> ThrottleState {
        let fresh = ThrottleState { failures: 0, window_start: now, locked_until: None };
        let mut s = match state {
            // A lock that has run out, or a window that has passed, starts the count again.
            Some(s) if s.locked_until.is_some_and(|u| u <= now) => fresh,
            Some(s) if now - s.window_start > self.window => fresh,
            Some(s) => *s,
            None => fresh,
        };
        s.failures += 1;
        if s.failures >= self.max_failures {
            s.locked_until = Some(now + self.lockout);
        }
        s
    }
}

impl ThrottlePolicy {
    /// Attempts are counted before the password is checked (so parallel
    /// attempts cannot slip past the count); a right password takes its own
    /// count back, and with it a lock that count alone set.
    pub fn undo_attempt(&self, state: &ThrottleState) -> ThrottleState {
        let failures = (state.failures - 1).max(0);
        let locked_until = if failures < self.max_failures { None } else { state.locked_until };
        ThrottleState { failures, window_start: state.window_start, locked_until }
    }

    /// Whether an attempt that brought the count to `state` may still have
    /// its password checked: the one that reaches the limit may, later ones
    /// may not.
    pub fn may_check(&self, state: &ThrottleState) -> bool {
        state.failures <= self.max_failures
    }
}

/// "15 phút", rounding up so the user never comes back a minute too early.
pub fn minutes_label(d: Duration) -> String {
    let secs = d.num_seconds().max(1);
    let minutes = (secs + 59) / 60;
    format!("{minutes} phút")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn policy() -> ThrottlePolicy {
        ThrottlePolicy { max_failures: 3, window: Duration::minutes(15), lockout: Duration::minutes(10) }
    }

    fn t(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 1, 1, 8, 0, 0).unwrap() + Duration::minutes(min)
    }

    #[test]
    fn locks_after_max_failures_inside_window() {
        let p = policy();
        let s1 = p.after_failure(None, t(0));
        assert_eq!(p.locked_for(Some(&s1), t(0)), None);
        let s2 = p.after_failure(Some(&s1), t(1));
        assert_eq!(p.locked_for(Some(&s2), t(1)), None);
        let s3 = p.after_failure(Some(&s2), t(2));
        assert_eq!(p.locked_for(Some(&s3), t(2)), Some(Duration::minutes(10)));
        assert_eq!(p.locked_for(Some(&s3), t(11)), Some(Duration::minutes(1)));
        assert_eq!(p.locked_for(Some(&s3), t(12)), None);
    }

    #[test]
    fn window_and_expired_lock_restart_the_count() {
        let p = policy();
        let s1 = p.after_failure(None, t(0));
        let s2 = p.after_failure(Some(&s1), t(1));
        let late = p.after_failure(Some(&s2), t(20));
        assert_eq!(late.failures, 1);
        assert_eq!(late.window_start, t(20));

        let locked = p.after_failure(Some(&p.after_failure(Some(&s2), t(2))), t(3));
        assert!(locked.locked_until.is_some());
        let after = p.after_failure(Some(&locked), t(30));
        assert_eq!(after.failures, 1);
        assert_eq!(after.locked_until, None);
    }

    #[test]
    fn a_right_password_takes_its_counted_attempt_back() {
        let p = policy();
        let s2 = p.after_failure(Some(&p.after_failure(None, t(0))), t(1));
        let counted = p.after_failure(Some(&s2), t(2));
        assert!(counted.locked_until.is_some() && p.may_check(&counted));
        let back = p.undo_attempt(&counted);
        assert_eq!((back.failures, back.locked_until), (2, None));
        let over = p.after_failure(Some(&counted), t(2));
        assert!(!p.may_check(&over));
        assert!(p.undo_attempt(&over).locked_until.is_some(), "a lock earned by earlier failures stays");
    }

    #[test]
    fn minutes_round_up() {
        assert_eq!(minutes_label(Duration::seconds(61)), "2 phút");
        assert_eq!(minutes_label(Duration::minutes(15)), "15 phút");
        assert_eq!(minutes_label(Duration::seconds(0)), "1 phút");
    }
}
