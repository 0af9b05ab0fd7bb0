//! The change cursor machine clients follow: a position in the change log,
//! ordered by (writing transaction, sequence). Opaque to clients: they pass
//! back the `next` they were given.

/// A position after which a pull continues.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct ChangeCursor {
    pub txid: i64,
    pub id: i64,
}

impl ChangeCursor {
    /// `"{txid}.{id}"`; the start of the log is `"0.0"`.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.txid, self.id)
    }

    /// Reads a cursor; empty means the start of the log.
    pub fn parse(s: &str) -> Result<ChangeCursor, String> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(ChangeCursor::default());
        }
        let bad =
            || format!("Con trỏ thay đổi «{}» không hợp lệ: hãy dùng giá trị \"next\" của lần lấy trước.", s.chars().take(40).collect::<String>());
        let (t, i) = s.split_once('.').ok_or_else(bad)?;
        let txid: i64 = t.parse().map_err(|_| bad())?;
        let id: i64 = i.parse().map_err(|_| bad())?;
        if txid < 0 || id < 0 {
            return Err(bad());
        }
        Ok(ChangeCursor { txid, id })
    }
}

/// A page cursor over ids (lists ordered by id): the last id seen.
pub fn parse_after_id(s: Option<&str>) -> Result<i64, String> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(0),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| format!("Con trỏ trang «{}» không hợp lệ.", v.chars().take(40).collect::<String>())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_order_by_transaction_then_id() {
        let c = ChangeCursor { txid: 812, id: 40 };
        assert_eq!(ChangeCursor::parse(&c.encode()), Ok(c));
        assert_eq!(ChangeCursor::parse(""), Ok(ChangeCursor::default()));
        assert!(ChangeCursor { txid: 1, id: 99 } < ChangeCursor { txid: 2, id: 1 });
        assert!(ChangeCursor { txid: 2, id: 1 } < ChangeCursor { txid: 2, id: 3 });
    }

    #[test]
    fn bad_cursors_are_refused_in_vietnamese() {
        for s in ["abc", "1", "1.x", "-1.2", "1.-2"] {
            assert!(ChangeCursor::parse(s).unwrap_err().contains("không hợp lệ"), "{s}");
        }
        assert_eq!(parse_after_id(Some("15")), Ok(15));
        assert_eq!(parse_after_id(None), Ok(0));
        assert!(parse_after_id(Some("x")).is_err());
    }
}

/// An API token as the administrator's list shows it (never the secret).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ApiTokenView {
    pub id: i32,
    pub name: String,
    /// The first characters of the token, to recognise it.
    pub prefix: String,
    pub username: String,
    pub can_write: bool,
    /// Codes of the units it may send figures for.
    pub write_units: Vec<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A token just created: the secret is shown this once.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NewApiToken {
    pub token: String,
    pub view: ApiTokenView,
}

/// A per-token rate limit: a bucket of `capacity` requests refilled at
/// `per_second`. Pure: the caller keeps the state and the clock.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bucket {
    pub tokens: f64,
    pub at_ms: i64,
}

impl Bucket {
    pub fn full(capacity: f64, now_ms: i64) -> Bucket {
        Bucket { tokens: capacity, at_ms: now_ms }
    }

    /// Takes one request; `Err(wait_seconds)` when the bucket is empty.
    pub fn take(&mut self, capacity: f64, per_second: f64, now_ms: i64) -> Result<(), u64> {
        let elapsed = (now_ms - self.at_ms).max(0) as f64 / 1000.0;
        self.tokens = (self.tokens + elapsed * per_second).min(capacity);
        self.at_ms = now_ms;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - self.tokens) / per_second).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod bucket_tests {
    use super::*;

    #[test]
    fn a_bucket_empties_then_refills_with_time() {
        let mut b = Bucket::full(3.0, 0);
        for _ in 0..3 {
            assert!(b.take(3.0, 1.0, 0).is_ok());
        }
        assert_eq!(b.take(3.0, 1.0, 0), Err(1));
        assert!(b.take(3.0, 1.0, 1000).is_ok());
        assert!(b.take(3.0, 1.0, 1000).is_err());
        // Never more than the capacity, however long it rested.
        let mut b = Bucket::full(2.0, 0);
        b.take(2.0, 1.0, 0).unwrap();
        for _ in 0..2 {
            assert!(b.take(2.0, 1.0, 60_000).is_ok());
        }
        assert!(b.take(2.0, 1.0, 60_000).is_err());
    }
}
