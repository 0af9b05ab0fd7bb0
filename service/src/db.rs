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
    if let Some(path) = sqlite_path(url) {
        if let Some(dir) = Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| DbOpenError::CreateDir { path: dir.display().to_string(), source })?;
        }
    }
    let mut opts = ConnectOptions::new(url.to_string());
    opts.max_connections(max_connections)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30))
        .sqlx_logging(false);
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
            o.create_if_missing(true)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
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
