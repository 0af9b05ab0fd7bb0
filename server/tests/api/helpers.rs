use reqwest::{Client, Response, StatusCode};
use server::config::Config;
use std::sync::Arc;
use tokio::sync::oneshot;

pub const DEMO_PASSWORD: &str = "BaoCao@2025";

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Declares one test per backend from an `async fn(Backend)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::helpers::bounded(super::$name($crate::helpers::Backend::Sqlite)).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::helpers::bounded(super::$name($crate::helpers::Backend::Postgres)).await
            }
        }
    )*};
}

/// Closes a pool without waiting forever for connections a stopped server
/// task may still hold.
pub async fn close(db: service::Db) {
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), db.close()).await;
}

/// A test that hangs fails after a while instead of stalling the whole suite.
pub async fn bounded(test: impl std::future::Future<Output = ()>) {
    tokio::time::timeout(std::time::Duration::from_secs(180), test).await.expect("the test did not finish within 3 minutes");
}

fn random_suffix() -> String {
    use rand::RngCore;
    let mut b = [0u8; 6];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// A fresh, empty database of the given kind.
pub async fn fresh_database(backend: Backend) -> String {
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("baocao-test-{}", random_suffix()));
            std::fs::create_dir_all(&dir).unwrap();
            format!("sqlite://{}/baocao.db?mode=rwc", dir.display())
        }
        Backend::Postgres => {
            let admin_url = std::env::var("PG_TEST_URL").expect("PG_TEST_URL is not set: run the suite with scripts/test, which starts PostgreSQL");
            let name = format!("baocao_test_{}", random_suffix());
            let admin = sea_orm::Database::connect(&admin_url).await.expect("connect to PostgreSQL");
            use sea_orm::ConnectionTrait;
            admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
            close(admin).await;
            let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin_url);
            format!("{base}/{name}")
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub client: Client,
    pub database_url: String,
    pub db: service::Db,
    stop: Option<oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<()>>,
}

pub fn test_config(database_url: &str) -> Config {
    Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        database_url: database_url.to_string(),
        database_max_connections: 5,
        demo: true,
        demo_history: false,
        ..Config::default()
    }
}

pub fn new_client() -> Client {
    Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// Logs of every test server go to a file (`TEST_LOG`), named by test thread,
/// so a failure can be read after the fact.
fn init_logs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if let Ok(path) = std::env::var("TEST_LOG")
            && let Ok(file) = std::fs::File::create(path)
        {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new("info,tower_http=debug,sqlx=warn"))
                .with_thread_names(true)
                .with_ansi(false)
                .with_writer(std::sync::Mutex::new(file))
                .try_init();
        }
    });
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    let url = fresh_database(backend).await;
    spawn_app_with(test_config(&url), new_client()).await
}

/// Starts a server on an existing database (and an existing client, whose cookies carry over).
pub async fn spawn_app_with(config: Config, client: Client) -> TestApp {
    init_logs();
    let config = Arc::new(config);
    let db = server::prepare_database(&config).await.expect("prepare database");
    let listener = tokio::net::TcpListener::bind(config.listen).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = server::router(config.clone(), db.clone());
    let (tx, rx) = oneshot::channel::<()>();
    let handle = tokio::spawn(async move {
        server::serve(listener, router, async {
            let _ = rx.await;
        })
        .await
        .expect("server runs");
    });
    TestApp { base: format!("http://{addr}"), client, database_url: config.database_url.clone(), db, stop: Some(tx), handle: Some(handle) }
}

/// The value of the hidden `csrf` field in a page.
pub fn csrf_in(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf\"")?;
    let rest = &html[at..];
    let v = rest.find("value=\"")? + 7;
    let end = rest[v..].find('"')?;
    Some(rest[v..v + end].to_string())
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).header("accept", "text/html").send().await.unwrap()
    }

    pub async fn get_html(&self, path: &str) -> (StatusCode, String) {
        let r = self.get(path).await;
        let s = r.status();
        (s, r.text().await.unwrap())
    }

    /// The CSRF token the app hands this client (read from a page, as a browser would).
    pub async fn csrf(&self) -> String {
        let (_, html) = self.get_html("/dang-nhap").await;
        if let Some(t) = csrf_in(&html)
            && !t.is_empty()
        {
            return t;
        }
        let (_, html) = self.get_html("/doi-mat-khau").await;
        csrf_in(&html).expect("a page with a CSRF field")
    }

    /// Calls a server function as the browser's script does.
    pub async fn call(&self, endpoint: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.csrf().await;
        let mut form: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
        form.extend_from_slice(fields);
        self.client.post(self.url(&format!("/api/{endpoint}"))).form(&form).send().await.unwrap()
    }

    /// Calls a read-only server function (GET, no CSRF token needed).
    pub async fn query(&self, endpoint: &str, fields: &[(&str, &str)]) -> Response {
        self.client.get(self.url(&format!("/api/{endpoint}"))).query(fields).send().await.unwrap()
    }

    /// Calls a server function without any CSRF proof.
    pub async fn call_without_csrf(&self, endpoint: &str, fields: &[(&str, &str)]) -> Response {
        self.client.post(self.url(&format!("/api/{endpoint}"))).form(fields).send().await.unwrap()
    }

    /// After something meant to bring the server down: it still answers.
    pub async fn still_up(&self) {
        let r = self.client.get(self.url("/healthz")).send().await.expect("the server still answers");
        assert_eq!(r.status(), StatusCode::OK);
    }

    pub async fn sign_in(&self, username: &str, password: &str) -> Response {
        self.call("dang-nhap", &[("username", username), ("password", password)]).await
    }

    pub async fn sign_in_ok(&self, username: &str) {
        self.sign_in_ok_with(username, DEMO_PASSWORD).await
    }

    pub async fn sign_in_ok_with(&self, username: &str, password: &str) {
        let r = self.sign_in(username, password).await;
        assert_eq!(r.status(), StatusCode::OK, "{username} signs in: {}", r.text().await.unwrap_or_default());
    }

    pub async fn unit_id(&self, code: &str) -> i32 {
        service::org::find_unit_by_code(&self.db, code).await.unwrap().id
    }

    /// The same server, seen from a second browser with its own cookies.
    pub fn another_browser(&self) -> TestApp {
        TestApp {
            base: self.base.clone(),
            client: new_client(),
            database_url: self.database_url.clone(),
            db: self.db.clone(),
            stop: None,
            handle: None,
        }
    }

    /// The same browser (shared cookies), for a second task to use.
    pub fn same_browser(&self) -> TestApp {
        TestApp {
            base: self.base.clone(),
            client: self.client.clone(),
            database_url: self.database_url.clone(),
            db: self.db.clone(),
            stop: None,
            handle: None,
        }
    }

    /// A browser for a server this test did not start in-process (the
    /// binary), with a connection of its own to the same database.
    pub async fn remote(base: &str, database_url: &str) -> TestApp {
        let db = service::db::connect(database_url, 2).await.expect("connect to the server's database");
        TestApp { base: base.to_string(), client: new_client(), database_url: database_url.to_string(), db, stop: None, handle: None }
    }

    /// Stops the server and hands back its client (with its cookies).
    pub async fn stop(mut self) -> Client {
        if let (Some(tx), Some(h)) = (self.stop.take(), self.handle.take()) {
            let _ = tx.send(());
            // The graceful shutdown waits for open connections; the test's
            // client may keep some idle, so give it a moment, then move on.
            let abort = h.abort_handle();
            if tokio::time::timeout(std::time::Duration::from_secs(5), h).await.is_err() {
                abort.abort();
            }
            close(self.db.clone()).await;
        }
        self.client.clone()
    }
}

/// A full, valid KTXH_XA form as a clerk types it (Vietnamese decimals).
pub fn commune_figures() -> domain::reporting::Submission {
    let mut figures = domain::reporting::Submission::default();
    for (k, v) in [
        ("DS03", "20"),
        ("DS03__nam", "11"),
        ("DS03__nu", "9"),
        ("NS01", "1.234,5"),
        ("NS02", "1000.5"),
        ("HC01", "1234"),
        ("HC02", "90"),
        ("HC03", "98,5"),
        ("LN03", "1"),
        ("LN05", "0,75"),
    ] {
        figures.values.insert(k.into(), v.into());
    }
    figures
}
