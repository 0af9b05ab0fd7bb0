//! The baocao web server: configuration, the router (Leptos pages, server
//! functions, probes, static files), the per-request session layer, and the
//! command-line entry points. `main.rs` only parses arguments.

pub mod api_v1;
pub mod assets;
pub mod cli;
pub mod config;
pub mod files;
pub mod health;
pub mod open_data;
pub mod print;
pub mod session_layer;
pub mod state;

use crate::config::Config;
use crate::state::AppState;
use app::ssr::ServerContext;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Db(#[from] service::db::DbOpenError),
    #[error("không nạp được dữ liệu tham chiếu: {0}")]
    Seed(service::ServiceError),
    #[error("{0}")]
    Demo(service::ServiceError),
    #[error("không khởi động được: {0}")]
    Lock(service::db::BackupError),
    #[error("không mở được cổng {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("máy chủ dừng do lỗi: {0}")]
    Serve(std::io::Error),
}

fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder().output_name("baocao").site_root(config.site_root.as_str()).site_pkg_dir("pkg").site_addr(config.listen).build()
}

/// mimalloc for Rust's allocations: rendering a 300-row form makes tens of
/// thousands of small short-lived ones, and with glibc's malloc they were a
/// third of the server's time (perf, `bench/run load`); with mimalloc a form
/// page costs about a sixth less CPU and a save a third less. In the library,
/// so the benchmarks that link it measure what is deployed. Without
/// transparent huge pages (`no_thp`): with them the load test's peak memory
/// was 220 MB, without 190 MB, at about the same speed.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// SQLite's own (C) allocations still come from glibc, which raises its
/// mmap threshold to the size of each large block freed, after which large
/// blocks come from per-thread arenas and are never given back (before
/// mimalloc, a flood of sign-ins left the server at 1.26 GB). A fixed
/// threshold keeps large blocks in mmap (returned on free) and fewer arenas
/// bound what small allocations can hold. Call it first thing in `main`,
/// before any thread exists, so every arena follows the settings (the
/// benchmarks do too, to measure what is deployed).
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; called before any
    // other thread allocates.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
        libc::mallopt(libc::M_ARENA_MAX, 4);
    }
}

/// Opens the database, applies migrations and loads reference (and, in demo
/// mode, demonstration) data.
pub async fn prepare_database(config: &Config) -> Result<service::Db, StartError> {
    let db = service::db::open(&config.database_url, config.database_max_connections).await?;
    service::org::seed_reference_units(&db).await.map_err(StartError::Seed)?;
    if config.demo {
        service::demo::refuse_over_real_accounts(&db).await.map_err(StartError::Demo)?;
        service::demo::seed_demo_accounts(&db).await.map_err(StartError::Seed)?;
        service::demo::seed_demo_catalogue(&db).await.map_err(StartError::Seed)?;
        if config.demo_history {
            service::demo::seed_demo_history(&db, chrono::Utc::now()).await.map_err(StartError::Seed)?;
        }
    }
    Ok(db)
}

/// The app's routes, walked once per process. Walking them sets a
/// process-wide flag that makes any resource first polled meanwhile wait
/// forever (leptos#4773), so a second server in the same process (the
/// integration tests start many) must not walk them while another renders.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

pub fn router(config: Arc<Config>, db: service::Db) -> Router {
    let bundle = assets::Bundle::load(&config.site_root);
    let ctx = ServerContext {
        db,
        auth: config.auth_settings(),
        demo: config.demo,
        email_on: !config.smtp_host.is_empty(),
        webhook_receivers: config.webhook_receivers(),
        assets: bundle.urls.clone(),
    };
    let leptos_options = leptos_options(&config);
    let static_files = Arc::new(site_files(&config.site_root));
    let api_limits = Arc::new(api_v1::Limits::new(config.api_burst, config.api_per_second));
    let open_data = Arc::new(open_data::OpenData::new(&config.open_data_licence, &config.open_data_licence_url));
    let state = AppState { leptos_options, ctx: ctx.clone(), config: config.clone(), static_files, api_limits, open_data };
    let routes = route_list();
    let provide = move || provide_context(ctx.clone());
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/tai-xuong/danh-muc.json", get(files::export_catalogue))
        .route("/tai-xuong/chi-tieu.xlsx", get(files::export_indicators))
        .route("/tai-xuong/tinh-hinh-bao-cao.xlsx", get(files::export_board))
        .route("/tai-xuong/tong-hop.xlsx", get(files::export_pivot_xlsx))
        .route("/tai-xuong/tong-hop.csv", get(files::export_pivot_csv))
        .route("/tai-xuong/dhis2.json", get(files::export_dhis2_json))
        .route("/tai-xuong/dhis2.csv", get(files::export_dhis2_csv))
        .route("/tai-len/danh-muc", axum::routing::post(files::import_catalogue))
        .route("/tai-len/chi-tieu", axum::routing::post(files::import_indicators))
        // Excel forms of reports: download, and upload for a preview (issue 11).
        .route("/tai-xuong/bao-cao.xlsx", get(files::download_reports))
        .route("/tai-xuong/bieu-mau.xlsx", get(files::download_form))
        .route("/tai-xuong/bieu-mau-don-vi.xlsx", get(files::download_units))
        .route("/tai-len/bao-cao", axum::routing::post(files::upload_reports))
        // A report to print or save as PDF, in the Decree 30 layout (issue 14).
        .route("/bao-cao/{id}/in", get(print::print_report))
        // The bundle under content-hashed names, compressed, kept for a year;
        // other files of the package straight from disk, revalidated
        // (Leptos's fallback file handler drops the request's headers).
        .nest_service("/pkg", assets::router(bundle))
        .leptos_routes_with_context(&state, routes, provide.clone(), {
            let options = state.leptos_options.clone();
            move || app::shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(provide, app::shell))
        .layer(axum::middleware::from_fn_with_state(state.clone(), session_layer::session_layer))
        .layer(compression())
        // Open data for anyone (issue 14): outside the session layer, so no
        // cookie is read or set and the answers can be cached.
        .route("/du-lieu-mo", get(open_data::page))
        .route("/du-lieu-mo/{file}", get(open_data::file))
        // Machine clients: bearer tokens, no cookies or CSRF (outside the session layer).
        .merge(api_v1::router(state.clone()))
        .layer(DefaultBodyLimit::max(config.upload_max_bytes()))
        // The last line of defence: a handler that panics answers 500 and the
        // server goes on (no request may take the province offline).
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panic_response))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Pages, server-function answers and files under their plain names travel
/// compressed (brotli or gzip, as the browser accepts): a 300-row form is
/// about a tenth of its size over a commune's mobile link. Compressing a
/// page beside text a user typed would let an eavesdropper guess a secret
/// on it byte by byte (BREACH); the one secret pages carry, the CSRF token,
/// is masked afresh on every page (`service::auth::mask_token`). The bundle
/// under its hashed names arrives already compressed (assets.rs).
fn compression() -> tower_http::compression::CompressionLayer<impl tower_http::compression::Predicate> {
    use tower_http::compression::predicate::{Predicate, SizeAbove};
    let texts = |_: axum::http::StatusCode, _: axum::http::Version, headers: &axum::http::HeaderMap, _: &axum::http::Extensions| {
        headers.get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| {
            ["application/wasm", "text/", "application/javascript", "application/json", "image/svg+xml"].iter().any(|a| t.starts_with(a))
        })
    };
    // Level 4: brotli's default (11) takes hundreds of milliseconds for a
    // large page; 4 compresses a page in about a millisecond, still smaller
    // than gzip.
    tower_http::compression::CompressionLayer::new()
        .br(true)
        .gzip(true)
        .quality(tower_http::CompressionLevel::Precise(4))
        .compress_when(SizeAbove::new(1024).and(texts))
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    tracing::error!("a request handler panicked");
    let body = "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Lỗi hệ thống</title></head>\
                <body><h1>500 — Hệ thống gặp sự cố</h1><p>Yêu cầu chưa được xử lý và dữ liệu chưa bị thay đổi. Vui lòng thử lại sau ít phút.</p>\
                <p><a href=\"/\">Về trang chủ</a></p></body></html>";
    axum::response::IntoResponse::into_response((
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    ))
}

/// `/name` for each file at the top of the site root.
fn site_files(root: &str) -> std::collections::HashSet<String> {
    std::fs::read_dir(root)
        .map(|dir| {
            dir.filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .filter_map(|e| e.file_name().to_str().map(|n| format!("/{n}")))
                .collect()
        })
        .unwrap_or_default()
}

/// How long requests in flight may take to finish after a shutdown signal.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(20);

/// Serves until `shutdown` resolves, then lets requests in flight finish
/// (for at most `SHUTDOWN_GRACE`: idle keep-alive connections must not hold
/// a restart up).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let signal = async move {
        shutdown.await;
        let _ = tx.send(());
    };
    let server = axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).with_graceful_shutdown(signal);
    let deadline = async move {
        if rx.await.is_ok() {
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        r = server => r.map_err(StartError::Serve),
        _ = deadline => {
            tracing::warn!("requests still open after the shutdown grace period; stopping anyway");
            Ok(())
        }
    }
}

/// Everything `server serve` does: prepare the database, bind, serve.
pub async fn run(config: Config) -> Result<(), StartError> {
    let config = Arc::new(config);
    // One server per SQLite file; held until the process ends.
    let _instance = service::db::lock_instance(&config.database_url).map_err(StartError::Lock)?;
    let db = prepare_database(&config).await?;
    spawn_housekeeping(db.clone(), config.auth_settings());
    spawn_daily_reminders(db.clone(), &config);
    spawn_webhooks(db.clone(), config.webhook_receivers());
    let listener = TcpListener::bind(config.listen).await.map_err(|source| StartError::Bind { addr: config.listen, source })?;
    tracing::info!(addr = %config.listen, backend = service::db::backend_name(&db), demo = config.demo, "baocao đang chạy");
    serve(listener, router(config, db), shutdown_signal()).await
}

/// Removes ended sessions, spent sign-in counters and old form stashes once an hour.
fn spawn_housekeeping(db: service::Db, auth: service::auth::AuthSettings) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            let now = chrono::Utc::now();
            match service::auth::purge_expired(&db, &auth, now).await {
                Ok(n) if n > 0 => tracing::info!(removed = n, "ended sessions and spent sign-in counters removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "session clean-up failed"),
            }
            if let Err(e) = service::reports::stash::purge(&db, now).await {
                tracing::warn!(error = %e, "form stash clean-up failed");
            }
            if let Err(e) = service::excel::import::purge(&db, now).await {
                tracing::warn!(error = %e, "Excel upload clean-up failed");
            }
            if let Err(e) = service::feeds::webhooks::purge(&db, now).await {
                tracing::warn!(error = %e, "webhook log clean-up failed");
            }
        }
    });
}

/// Checks every minute whether today's reminders are due; the lease in the
/// database lets only one server run them, once a day (see
/// `service::reminders::daily`).
pub fn spawn_daily_reminders(db: service::Db, config: &Config) {
    let mailer = config.mailer();
    let settings = config.daily_settings();
    if mailer.is_none() {
        tracing::info!("reminder e-mails are off (no smtp_host); in-app notifications still run daily");
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            if let Err(e) = service::reminders::daily::run_if_due(&db, mailer.as_ref(), &settings, chrono::Utc::now()).await {
                tracing::warn!(error = %e, "daily reminders failed; the next minute tries again");
            }
        }
    });
}

/// Sends the webhook deliveries that are due every few seconds, and at
/// once again while a run found a full batch. The claim on each row lets
/// any number of servers run this (see `service::feeds::webhooks`).
pub fn spawn_webhooks(db: service::Db, receivers: service::feeds::webhooks::Receivers) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(5));
        loop {
            tick.tick().await;
            loop {
                match service::feeds::webhooks::deliver_due(&db, receivers, chrono::Utc::now()).await {
                    Ok(run) if run.delivered + run.retried + run.failed + run.skipped >= service::feeds::webhooks::BATCH as usize => continue,
                    Ok(_) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "webhook deliveries failed; the next tick tries again");
                        break;
                    }
                }
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("đang dừng máy chủ");
}

pub fn init_tracing(format: config::LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = match format {
        config::LogFormat::Json => builder.json().try_init(),
        config::LogFormat::Text => builder.try_init(),
    };
}
