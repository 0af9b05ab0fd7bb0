//! What the service's own tests share: a fresh real database of either kind
//! (SQLite in a temporary file, or a new PostgreSQL database when
//! `PG_TEST_URL` names a server, as `scripts/test` does), the demo's units,
//! accounts and catalogue, and a macro that runs a test on both. The HTTP
//! suite keeps its own twin of the macro and the database set-up
//! (`server/tests/api/helpers.rs`): separate test crates cannot share a
//! module, and a crate of its own for a dozen lines would cost more.
#![allow(dead_code)] // each test file uses its own part

use domain::Actor;
use entity::app_user;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// `async fn name(b: Backend)` run as `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::common::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::common::Backend::Postgres).await
            }
        }
    )*};
}

fn suffix() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!("{}_{}_{}", std::process::id(), chrono::Utc::now().timestamp_micros(), N.fetch_add(1, Ordering::SeqCst))
}

/// A new, empty database (migrated by `open`) with a pool of `pool`.
pub async fn fresh(backend: Backend, name: &str, pool: u32) -> service::Db {
    let url = match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("baocao-service-{name}-{}", suffix()));
            std::fs::create_dir_all(&dir).expect("temp dir");
            format!("sqlite://{}/{name}.db?mode=rwc", dir.display())
        }
        Backend::Postgres => {
            let admin_url = std::env::var("PG_TEST_URL").expect("PG_TEST_URL is not set: run the suite with scripts/test, which starts PostgreSQL");
            // The prefix the test command drops at its start (scripts/tools.sh).
            let db_name = format!("baocao_test_svc_{}", suffix());
            let admin = sea_orm::Database::connect(&admin_url).await.expect("connect to PostgreSQL");
            admin.execute_unprepared(&format!("CREATE DATABASE {db_name}")).await.expect("create test database");
            let _ = admin.close().await;
            let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin_url);
            format!("{base}/{db_name}")
        }
    };
    service::db::open(&url, pool).await.expect("database")
}

/// The reference units, the demo accounts and the demo catalogue.
pub async fn demo_db(backend: Backend, name: &str) -> service::Db {
    let db = fresh(backend, name, 4).await;
    service::org::seed_reference_units(&db).await.expect("units");
    service::demo::seed_demo_accounts(&db).await.expect("accounts");
    service::demo::seed_demo_catalogue(&db).await.expect("catalogue");
    db
}

pub async fn actor(db: &service::Db, username: &str) -> Actor {
    let u = app_user::Entity::find().filter(app_user::Column::Username.eq(username)).one(db).await.unwrap().unwrap();
    Actor { user_id: u.id, role: domain::Role::from_code(&u.role).unwrap(), unit_id: u.unit_id }
}
