//! Server functions of report regimes (`service::catalogue::regimes`): the
//! draft's fields, the form designer and rule editor, publication, preview,
//! and "try this rule".

use crate::error::AppError;
use domain::catalogue::{PreviewData, RegimeDetail, RegimeRow, TryResult};
use domain::indicator::IndicatorSpec;
use domain::views::{Page, UnitRow};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::ssr::*;

#[server(prefix = "/api", endpoint = "danh-muc/che-do", input = server_fn::codec::GetUrl)]
pub async fn list_regimes(search: String, page: u64) -> Result<Page<RegimeRow>, AppError> {
    require_actor()?;
    let ctx = server_context()?;
    service::catalogue::regimes::list(&ctx.db, &search, page).await.map_err(service_err)
}

/// A regime's page: its draft, versions, and what the forms need to show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegimePage {
    pub detail: RegimeDetail,
    pub specs: Vec<IndicatorSpec>,
    pub units: Vec<UnitRow>,
}

#[server(prefix = "/api", endpoint = "danh-muc/che-do/xem", input = server_fn::codec::GetUrl)]
pub async fn get_regime(id: i32) -> Result<RegimePage, AppError> {
    require_actor()?;
    let ctx = server_context()?;
    let d = service::catalogue::regimes::detail(&ctx.db, id).await.map_err(service_err)?;
    let specs = service::catalogue::regimes::form_specs(&ctx.db, &d.draft).await.map_err(service_err)?;
    let units = service::org::list_units(&ctx.db).await.map_err(service_err)?;
    Ok(RegimePage { detail: d, specs, units })
}

#[server(prefix = "/api", endpoint = "danh-muc/che-do/tao")]
pub async fn create_regime(csrf: Option<String>, code: String, name: String) -> Result<String, AppError> {
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let id = service::catalogue::regimes::create(&ctx.db, &actor, &code, &name).await.map_err(service_err)?;
    let target = format!("/danh-muc/che-do/{id}?da-tao=1");
    redirect_form_post(&target);
    Ok(target)
}

#[server(prefix = "/api", endpoint = "danh-muc/che-do/luu")]
#[allow(clippy::too_many_arguments)]
pub async fn save_regime_fields(
    csrf: Option<String>,
    id: i32,
    name: String,
    legal_basis: String,
    content: String,
    group_sbn: Option<String>,
    group_xp: Option<String>,
    group_nganhdoc: Option<String>,
    units: String,
    receiving_unit: String,
    sending_method: String,
    frequency: String,
    window: String,
    deadline_kind: String,
    deadline_value: String,
    working_days: Option<String>,
    grace_days: String,
    approval_required: Option<String>,
    form_number: String,
    col_cung_ky: Option<String>,
    col_ky_truoc: Option<String>,
    col_luy_ke: Option<String>,
    col_so_sanh: Option<String>,
    col_ke_hoach: Option<String>,
    col_so_ke_hoach: Option<String>,
    guidance: String,
) -> Result<String, AppError> {
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    use domain::org::{GROUP_BRANCHES, GROUP_COMMUNES, GROUP_DEPARTMENTS};
    let groups = [(group_sbn, GROUP_DEPARTMENTS), (group_xp, GROUP_COMMUNES), (group_nganhdoc, GROUP_BRANCHES)]
        .into_iter()
        .filter_map(|(on, code)| on.map(|_| code.to_string()))
        .collect();
    let columns = [
        (col_cung_ky, "cung_ky"),
        (col_ky_truoc, "ky_truoc"),
        (col_luy_ke, "luy_ke"),
        (col_so_sanh, "so_sanh"),
        (col_ke_hoach, "ke_hoach"),
        (col_so_ke_hoach, "so_ke_hoach"),
    ]
    .into_iter()
    .filter_map(|(on, code)| on.map(|_| code.to_string()))
    .collect();
    let form = domain::catalogue::RegimeFieldsForm {
        name,
        legal_basis,
        content,
        groups,
        units,
        receiving_unit,
        sending_method,
        frequency,
        window,
        deadline_kind,
        deadline_value,
        working_days: working_days.is_some(),
        grace_days,
        approval_required: approval_required.is_some(),
        form_number,
        columns,
        guidance,
    };
    service::catalogue::regimes::update_fields(&ctx.db, &actor, id, form).await.map_err(service_err)?;
    let target = format!("/danh-muc/che-do/{id}?da-luu=1");
    redirect_form_post(&target);
    Ok(target)
}

/// One designer or rule-editor change, described by the form that sent it.
#[server(prefix = "/api", endpoint = "danh-muc/che-do/sua")]
#[allow(clippy::too_many_arguments)]
pub async fn edit_regime(
    csrf: Option<String>,
    id: i32,
    op: String,
    back: String,
    section: Option<usize>,
    row: Option<usize>,
    index: Option<usize>,
    title: Option<String>,
    guidance: Option<String>,
    indicator: Option<String>,
    required: Option<String>,
    expression: Option<String>,
    message: Option<String>,
    severity: Option<String>,
    missing: Option<String>,
) -> Result<String, AppError> {
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    use domain::regime::DraftEdit;
    let need = |v: Option<usize>| {
        v.ok_or_else(|| fail(AppError::Validation(domain::FieldErrors::single("form", "Biểu mẫu thiếu vị trí; hãy tải lại trang."))))
    };
    let rule_form = || service::catalogue::regimes::RuleForm {
        expression: expression.clone().unwrap_or_default(),
        message: message.clone().unwrap_or_default(),
        severity: severity.clone().unwrap_or_default(),
        missing: missing.clone().unwrap_or_default(),
    };
    let rule_index = match op.as_str() {
        "them_quy_tac" => Some(None),
        "sua_quy_tac" => Some(Some(need(index)?)),
        _ => None,
    };
    if let Some(index) = rule_index {
        service::catalogue::regimes::edit_rule(&ctx.db, &actor, id, index, rule_form()).await.map_err(service_err)?;
        let target = crate::util::safe_next(Some(&back));
        redirect_form_post(&target);
        return Ok(target);
    }
    let change = match op.as_str() {
        "them_phan" => DraftEdit::AddSection { title: title.clone().unwrap_or_default() },
        "doi_ten_phan" => DraftEdit::RenameSection { section: need(section)?, title: title.clone().unwrap_or_default() },
        "phan_len" | "phan_xuong" => DraftEdit::MoveSection { section: need(section)?, up: op == "phan_len" },
        "xoa_phan" => DraftEdit::RemoveSection { section: need(section)? },
        "them_dong" => DraftEdit::AddRow { section: need(section)?, indicator: indicator.clone().unwrap_or_default(), required: required.is_some() },
        "dong_len" | "dong_xuong" => DraftEdit::MoveRow { section: need(section)?, row: need(row)?, up: op == "dong_len" },
        "xoa_dong" => DraftEdit::RemoveRow { section: need(section)?, row: need(row)? },
        "bat_buoc" | "khong_bat_buoc" => DraftEdit::SetRequired { section: need(section)?, row: need(row)?, required: op == "bat_buoc" },
        "them_muc" => DraftEdit::AddOutline { title: title.clone().unwrap_or_default(), guidance: guidance.clone().unwrap_or_default() },
        "muc_len" | "muc_xuong" => DraftEdit::MoveOutline { index: need(index)?, up: op == "muc_len" },
        "xoa_muc" => DraftEdit::RemoveOutline { index: need(index)? },
        "xoa_quy_tac" => DraftEdit::RemoveRule { index: need(index)? },
        _ => return Err(fail(AppError::Validation(domain::FieldErrors::single("form", "Thao tác không hợp lệ.")))),
    };
    service::catalogue::regimes::edit(&ctx.db, &actor, id, change).await.map_err(service_err)?;
    let target = crate::util::safe_next(Some(&back));
    redirect_form_post(&target);
    Ok(target)
}

#[server(prefix = "/api", endpoint = "danh-muc/che-do/ban-hanh")]
pub async fn publish_regime(csrf: Option<String>, id: i32, effective_from: Option<String>) -> Result<String, AppError> {
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let effective_from = match effective_from.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(t) => Some(domain::datefmt::parse_date(t).ok_or_else(|| {
            fail(AppError::Validation(domain::FieldErrors::single(
                "effective_from",
                "Ngày có hiệu lực phải theo dạng ngày/tháng/năm, ví dụ 01/01/2026.",
            )))
        })?),
    };
    let v = service::catalogue::regimes::publish(&ctx.db, &actor, id, effective_from, chrono::Utc::now()).await.map_err(service_err)?;
    let target = format!("/danh-muc/che-do/{id}?ban-hanh={v}");
    redirect_form_post(&target);
    Ok(target)
}

#[server(prefix = "/api", endpoint = "danh-muc/che-do/trang-thai")]
pub async fn set_regime_active(csrf: Option<String>, id: i32, active: bool) -> Result<String, AppError> {
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    service::catalogue::regimes::set_active(&ctx.db, &actor, id, active).await.map_err(service_err)?;
    let target = format!("/danh-muc/che-do/{id}?trang-thai={}", if active { "ap-dung" } else { "ngung" });
    redirect_form_post(&target);
    Ok(target)
}

#[server(prefix = "/api", endpoint = "danh-muc/che-do/xem-truoc", input = server_fn::codec::GetUrl)]
pub async fn regime_preview(id: i32, version: Option<i32>) -> Result<PreviewData, AppError> {
    require_actor()?;
    let ctx = server_context()?;
    service::catalogue::regimes::preview(&ctx.db, id, version, chrono::Utc::now()).await.map_err(service_err)
}

#[server(prefix = "/api", endpoint = "danh-muc/quy-tac/thu", input = server_fn::codec::GetUrl)]
pub async fn try_rule(expression: String, samples: String) -> Result<TryResult, AppError> {
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    service::catalogue::regimes::try_rule(&ctx.db, &actor, &expression, &samples).await.map_err(service_err)
}
