use crate::error::AppError;
use domain::views::SessionView;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoAccountView {
    pub username: String,
    pub full_name: String,
    pub role_label: String,
    pub unit_name: String,
}

/// Only in demo mode: the accounts anyone may try.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoInfo {
    pub password: String,
    pub accounts: Vec<DemoAccountView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub user: Option<SessionView>,
    /// The token every state-changing form of this page carries.
    pub csrf: String,
    pub demo: Option<DemoInfo>,
}

#[server(prefix = "/api", endpoint = "phien", input = server_fn::codec::GetUrl)]
pub async fn get_session_info() -> Result<SessionInfo, AppError> {
    use crate::ssr::*;
    let auth = request_auth()?;
    let ctx = server_context()?;
    let user = auth.session.as_ref().map(|s| s.view.clone());
    let demo = if ctx.demo && user.is_none() {
        // One query for the whole list: this runs on every anonymous page.
        let units = service::org::list_units(&ctx.db).await.map_err(service_err)?;
        let accounts = service::demo::DEMO_ACCOUNTS
            .iter()
            .map(|a| DemoAccountView {
                username: a.username.into(),
                full_name: a.full_name.into(),
                role_label: a.role.label().into(),
                unit_name: units.iter().find(|u| u.code == a.unit_code).map(|u| u.name.clone()).unwrap_or_default(),
            })
            .collect();
        Some(DemoInfo { password: service::demo::DEMO_PASSWORD.into(), accounts })
    } else {
        None
    };
    Ok(SessionInfo { user, csrf: auth.csrf_token, demo })
}

/// Signs in. Answers with the page to go to; a plain form post is redirected there.
#[server(prefix = "/api", endpoint = "dang-nhap")]
pub async fn login(csrf: Option<String>, username: String, password: String, next: Option<String>) -> Result<String, AppError> {
    use crate::ssr::*;
    // `csrf` travels in the form so the script path carries it too; the
    // CSRF middleware has checked it before this runs.
    let _ = csrf;
    let auth = request_auth()?;
    let ctx = server_context()?;
    let req = service::auth::SignInRequest { username, password, client_addr: auth.client_addr.clone(), user_agent: auth.user_agent.clone() };
    let new = service::auth::sign_in(&ctx.db, &ctx.auth, req, chrono::Utc::now()).await.map_err(service_err)?;
    let max_age = ctx.auth.session_ttl.num_seconds();
    set_cookie(cookie(SESSION_COOKIE, &new.token, max_age, auth.secure));
    set_cookie(cookie(CSRF_COOKIE, &new.csrf_token, max_age, auth.secure));
    let target = if new.view.must_change_password { "/doi-mat-khau".to_string() } else { crate::util::safe_next(next.as_deref()) };
    redirect_form_post(&target);
    Ok(target)
}

#[server(prefix = "/api", endpoint = "dang-xuat")]
pub async fn logout(csrf: Option<String>) -> Result<String, AppError> {
    use crate::ssr::*;
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let auth = request_auth()?;
    let ctx = server_context()?;
    if let Some(token) = &auth.session_token {
        service::auth::sign_out(&ctx.db, token).await.map_err(service_err)?;
    }
    set_cookie(cookie(SESSION_COOKIE, "", 0, auth.secure));
    redirect_form_post("/dang-nhap");
    Ok("/dang-nhap".into())
}

#[server(prefix = "/api", endpoint = "doi-mat-khau")]
pub async fn change_password(csrf: Option<String>, current: String, new: String, confirm: String) -> Result<String, AppError> {
    use crate::ssr::*;
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, auth) = require_actor_even_pending()?;
    let ctx = server_context()?;
    let token = auth.session_token.clone().unwrap_or_default();
    service::auth::change_own_password(&ctx.db, &actor, &token, service::auth::PasswordChange { current, new, confirm })
        .await
        .map_err(service_err)?;
    redirect_form_post("/?doi-mat-khau=1");
    Ok("/?doi-mat-khau=1".into())
}
