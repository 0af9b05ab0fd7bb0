//! Opening the database: a SQLite file by default (WAL, foreign keys on),
//! PostgreSQL when the URL says so. Migrations run at start.

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::SqliteSynchronous;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, Statement};
use std::path::Path;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum DbOpenError {
    #[error("không tạo được thư mục cơ sở dữ liệu {path}: {source}")]
    CreateDir { path: String, source: std::io::Error },
    #[error("không kết nối được cơ sở dữ liệu: {0}")]
    Connect(DbErr),
    #[error("không áp dụng được migration: {0}")]
    Migrate(DbErr),
    #[error("địa chỉ cơ sở dữ liệu không hỗ trợ: {0} (dùng sqlite://… hoặc postgres://…)")]
    Unsupported(String),
}

/// The file path inside a `sqlite:` URL, if it names a file.
pub fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then_some(path)
}

pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbOpenError> {
    let is_sqlite = url.starts_with("sqlite:");
    let is_pg = url.starts_with("postgres://") || url.starts_with("postgresql://");
    if !is_sqlite && !is_pg {
        return Err(DbOpenError::Unsupported(url.split(':').next().unwrap_or("").to_string()));
    }
    if let Some(path) = sqlite_path(url)
        && let Some(dir) = Path::new(path).parent().filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).map_err(|source| DbOpenError::CreateDir { path: dir.display().to_string(), source })?;
    }
    let mut opts = ConnectOptions::new(url.to_string());
    opts.max_connections(max_connections).connect_timeout(Duration::from_secs(10)).acquire_timeout(Duration::from_secs(30)).sqlx_logging(false);
    if is_sqlite {
        // No journal_mode here: set on every new pooled connection, changing
        // it needs an exclusive lock that busy_timeout does not wait for, so
        // a connection opened while another writes could stall. WAL is a
        // property of the file; it is set once below.
        // FULL: in WAL mode a commit is synced to disk before it is
        // acknowledged, so a sent report survives a power cut (NORMAL would
        // only survive a crash of the process). The cost is one fsync per
        // commit, a millisecond or so on an SSD.
        opts.map_sqlx_sqlite_opts(|o| {
            o.create_if_missing(true).synchronous(SqliteSynchronous::Full).foreign_keys(true).busy_timeout(Duration::from_secs(10))
        });
    }
    let db = Database::connect(opts).await.map_err(DbOpenError::Connect)?;
    if is_sqlite {
        db.execute_unprepared("PRAGMA journal_mode=WAL").await.map_err(DbOpenError::Connect)?;
    }
    Ok(db)
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbOpenError> {
    Migrator::up(db, None).await.map_err(DbOpenError::Migrate)
}

/// Opens and migrates: what the server does at start.
pub async fn open(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbOpenError> {
    let db = connect(url, max_connections).await?;
    migrate(&db).await?;
    Ok(db)
}

/// For `/readyz`: a round trip to the database.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_string(backend, "SELECT 1")).await.map(|_| ())
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "sao lưu bằng lệnh này chỉ dùng cho SQLite; với PostgreSQL hãy dùng: pg_dump --format=custom --file=baocao.dump \"$DATABASE_URL\" (xem README)"
    )]
    NotSqlite,
    #[error("tệp {0} đã tồn tại; hãy chọn tên khác để không ghi đè bản sao lưu cũ")]
    Exists(String),
    #[error("không sao lưu được: {0}")]
    Db(#[from] DbErr),
    #[error("tệp {0} không phải bản sao lưu hợp lệ của baocao: {1}")]
    NotABackup(String, String),
    #[error("máy chủ đang chạy trên cơ sở dữ liệu này; hãy dừng máy chủ rồi khôi phục")]
    InUse,
    #[error("lỗi tệp: {0}")]
    Io(#[from] std::io::Error),
}

/// A consistent copy of a live SQLite database (`VACUUM INTO` reads one
/// snapshot, so saves landing meanwhile are either wholly in it or not).
pub async fn backup(db: &DatabaseConnection, path: &Path) -> Result<(), BackupError> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Err(BackupError::NotSqlite);
    }
    if path.exists() {
        return Err(BackupError::Exists(path.display().to_string()));
    }
    let target = path.to_string_lossy().replace('\'', "''");
    db.execute_unprepared(&format!("VACUUM INTO '{target}'")).await?;
    Ok(())
}

/// Holds a SQLite database for one server process: a second server, or a
/// restore, on the same file is refused while it is held.
pub struct InstanceLock {
    _file: std::fs::File,
}

/// Takes the lock beside a SQLite file (`baocao.db.lock`); `Ok(None)` for
/// PostgreSQL, where many servers share one database by design.
pub fn lock_instance(url: &str) -> Result<Option<InstanceLock>, BackupError> {
    let Some(db_path) = sqlite_path(url) else { return Ok(None) };
    let lock_path = format!("{db_path}.lock");
    if let Some(dir) = Path::new(&lock_path).parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path)?;
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd;
        // SAFETY: flock on a descriptor this function owns; no memory is shared.
        let r = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if r != 0 {
            return Err(BackupError::InUse);
        }
    }
    Ok(Some(InstanceLock { _file: file }))
}

/// Puts a backup in place of the SQLite file named by `url`. The backup is
/// checked first (integrity, a baocao schema); the current files are kept
/// beside it under a dated name, which this returns.
pub async fn restore(url: &str, backup: &Path) -> Result<std::path::PathBuf, BackupError> {
    let Some(db_path) = sqlite_path(url) else { return Err(BackupError::NotSqlite) };
    let _lock = lock_instance(url)?;
    check_backup(backup).await?;
    let stamp = chrono::Utc::now().format("%Y%m%d%H%M%S");
    let kept = std::path::PathBuf::from(format!("{db_path}.truoc-khoi-phuc-{stamp}"));
    if Path::new(db_path).exists() {
        std::fs::rename(db_path, &kept)?;
        for suffix in ["-wal", "-shm"] {
            let side = format!("{db_path}{suffix}");
            if Path::new(&side).exists() {
                std::fs::rename(&side, format!("{}{suffix}", kept.display()))?;
            }
        }
    }
    std::fs::copy(backup, db_path)?;
    Ok(kept)
}

/// A backup must be a sound SQLite file holding baocao's migrations.
async fn check_backup(path: &Path) -> Result<(), BackupError> {
    let bad = |why: &str| BackupError::NotABackup(path.display().to_string(), why.to_string());
    let mut head = [0u8; 16];
    use std::io::Read;
    std::fs::File::open(path)?.read_exact(&mut head).map_err(|_| bad("tệp quá ngắn"))?;
    if &head != b"SQLite format 3\0" {
        return Err(bad("không phải tệp SQLite"));
    }
    let url = format!("sqlite://{}?mode=ro", path.display());
    {
        let db = Database::connect(&url).await?;
        let backend = db.get_database_backend();
        let ok = db.query_one_raw(Statement::from_string(backend, "PRAGMA integrity_check")).await?;
        let verdict: String = ok.map(|r| r.try_get_by_index::<String>(0)).transpose()?.unwrap_or_default();
        if verdict != "ok" {
            return Err(bad(&format!("kiểm tra toàn vẹn báo: {verdict}")));
        }
        let has = db
            .query_one_raw(Statement::from_string(backend, "SELECT count(*) FROM sqlite_master WHERE name = 'seaql_migrations'"))
            .await?
            .map(|r| r.try_get_by_index::<i64>(0))
            .transpose()?
            .unwrap_or(0);
        db.close().await.ok();
        if has == 0 {
            return Err(bad("không có lược đồ của baocao"));
        }
        Ok(())
    }
}

pub fn backend_name(db: &DatabaseConnection) -> &'static str {
    match db.get_database_backend() {
        DbBackend::Sqlite => "sqlite",
        DbBackend::Postgres => "postgres",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_sqlite_paths() {
        assert_eq!(sqlite_path("sqlite://data/baocao.db?mode=rwc"), Some("data/baocao.db"));
        assert_eq!(sqlite_path("sqlite:./x.db"), Some("./x.db"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://localhost/x"), None);
    }
}
