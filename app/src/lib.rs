//! The Leptos application: pages, components and the server functions they
//! call. Server functions authenticate, call one `service` function and map
//! its error; `service` is linked only with the `ssr` feature, so the wasm
//! bundle never carries database code.

#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod error;
pub mod pages;
pub mod session;
pub mod util;

#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos_meta::MetaTags;
use leptos_meta::{Link, Meta, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

/// The HTML document around the app (server side only).
#[cfg(feature = "ssr")]
pub fn shell(_options: LeptosOptions) -> impl IntoView {
    ssr::content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="vi">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <Bundle/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The style sheet, and hydration started from one module script, as
/// Leptos 0.8's `HydrationScripts` does but without its `<link
/// rel="preload">` of the bundle: a browser without JavaScript still follows
/// a preload and would download 2 MB it can never run over a commune's
/// mobile link. With JavaScript the bundle is fetched as soon as the script
/// runs. Both under the content-hashed names the server gives them, so they
/// are cached for good; rendered in the shell, on the server only, so
/// hydration never touches them.
#[cfg(feature = "ssr")]
#[component]
fn Bundle() -> impl IntoView {
    let urls = use_context::<ssr::ServerContext>().map(|c| c.assets).unwrap_or_default();
    let script = format!("import(\"{}\").then(m => m.default({{ module_or_path: \"{}\" }}).then(() => m.hydrate()));", urls.js, urls.wasm);
    view! {
        <link rel="stylesheet" id="leptos" href=urls.css/>
        <script type="module" nonce=leptos::nonce::use_nonce()>{script}</script>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    session::provide_session();
    // Every route renders completely on the server before the first byte goes
    // out, so status codes (403, 404) and redirects to sign-in are real HTTP ones.
    view! {
        <Link rel="icon" href="/favicon.svg"/>
        <Meta name="description" content="Hệ thống thông tin báo cáo tỉnh Sơn La"/>
        <Title formatter=|t: String| if t.is_empty() { "Hệ thống thông tin báo cáo tỉnh Sơn La".to_string() } else { format!("{t} · Báo cáo Sơn La") }/>
        <Router>
            <components::layout::Layout>
                <Routes fallback=|| view! { <components::status::NotFound/> }>
                    <Route path=path!("/") view=pages::home::HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/dang-nhap") view=pages::login::LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/doi-mat-khau") view=pages::password::PasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/don-vi") view=pages::units::UnitsPage ssr=SsrMode::Async/>
                    <Route path=path!("/tinh-hinh-bao-cao") view=pages::board::BoardPage ssr=SsrMode::Async/>
                    <Route path=path!("/tong-hop") view=pages::aggregate::DashboardPage ssr=SsrMode::Async/>
                    <Route path=path!("/tong-hop/so-hoa") view=pages::aggregate::DigitalSharePage ssr=SsrMode::Async/>
                    <Route path=path!("/tong-hop/bang") view=pages::aggregate::PivotPage ssr=SsrMode::Async/>
                    <Route path=path!("/tinh-hinh-bao-cao/qua-han") view=pages::overdue::OverduePage ssr=SsrMode::Async/>
                    <Route path=path!("/thong-bao") view=pages::notifications::NotificationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/don-vi/:id") view=pages::units::UnitPage ssr=SsrMode::Async/>
                    <Route path=path!("/quan-tri/nguoi-dung") view=pages::admin_users::UsersPage ssr=SsrMode::Async/>
                    <Route path=path!("/quan-tri/api") view=pages::api_tokens::ApiTokensPage ssr=SsrMode::Async/>
                    <Route path=path!("/quan-tri/webhook") view=pages::webhooks::WebhooksPage ssr=SsrMode::Async/>
                    <Route path=path!("/quan-tri/nguoi-dung/moi") view=pages::admin_users::NewUserPage ssr=SsrMode::Async/>
                    <Route path=path!("/quan-tri/nguoi-dung/:id") view=pages::admin_users::EditUserPage ssr=SsrMode::Async/>
                    <Route path=path!("/bao-cao") view=pages::archive::ArchivePage ssr=SsrMode::Async/>
                    <Route path=path!("/bao-cao/:id") view=pages::report::ReportPage ssr=SsrMode::Async/>
                    <Route path=path!("/nhap-excel") view=pages::excel::ExcelUploadPage ssr=SsrMode::Async/>
                    <Route path=path!("/nhap-excel/:id") view=pages::excel::ExcelPreviewPage ssr=SsrMode::Async/>
                    <Route path=path!("/danh-muc/chi-tieu") view=pages::catalogue::indicators::IndicatorsPage ssr=SsrMode::Async/>
                    <Route path=path!("/danh-muc/chi-tieu/moi") view=pages::catalogue::indicators::NewIndicatorPage ssr=SsrMode::Async/>
                    <Route path=path!("/danh-muc/chi-tieu/:id") view=pages::catalogue::indicators::IndicatorPage ssr=SsrMode::Async/>
                    <Route path=path!("/danh-muc/phan-to") view=pages::catalogue::breakdowns::BreakdownsPage ssr=SsrMode::Async/>
                    <Route path=path!("/danh-muc/che-do") view=pages::catalogue::regimes::RegimesPage ssr=SsrMode::Async/>
                    <Route path=path!("/danh-muc/che-do/:id") view=pages::catalogue::regimes::RegimePage ssr=SsrMode::Async/>
                    <Route path=path!("/danh-muc/che-do/:id/bieu-mau") view=pages::catalogue::designer::DesignerPage ssr=SsrMode::Async/>
                    <Route path=path!("/danh-muc/che-do/:id/quy-tac") view=pages::catalogue::rules::RulesPage ssr=SsrMode::Async/>
                    <Route path=path!("/danh-muc/che-do/:id/ke-hoach") view=pages::catalogue::plans::PlansPage ssr=SsrMode::Async/>
                    <Route path=path!("/danh-muc/che-do/:id/xem-truoc") view=pages::catalogue::preview::PreviewPage ssr=SsrMode::Async/>
                    <Route path=path!("/danh-muc/ngay-nghi") view=pages::catalogue::holidays::HolidaysPage ssr=SsrMode::Async/>
                    <Route path=path!("/danh-muc/nhap-xuat") view=pages::catalogue::transfer::TransferPage ssr=SsrMode::Async/>
                    <Route path=path!("/danh-muc/nhap-xuat/:id") view=pages::catalogue::transfer::ImportResultPage ssr=SsrMode::Async/>
                </Routes>
            </components::layout::Layout>
        </Router>
    }
}
