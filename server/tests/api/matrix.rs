//! The access matrix: every server function (as registered, enumerated at
//! run time) and every plain route of `server::router` (read from its
//! source), called as every role, signed out, and, for every state-changing
//! one, without the CSRF proof. Each cell's expected answer is written in
//! `TABLE`; every cell is compared and all mismatches are reported at once.
//!
//! The callers are the demo accounts of every role, a signed-out browser,
//! and an account that still has to change its temporary password. Calls
//! that name an object name one of Sở Y tế and one of Phường Tô Hiệu: own
//! for one unit's people, foreign for the other's. A few rows post a form
//! as a browser without JavaScript does (redirects instead of statuses).
//! After the run, the database shows that no refused call changed anything.
//!
//! A function or route that exists but has no row fails the test, and so
//! does a row naming one that no longer exists.
//!
//! Expectations were read from the code (`app/src/api`, `service`,
//! `domain::access`): unit-bound roles (clerk, unit leader) only read their
//! own unit; only a clerk writes, only its own unit; only the unit leader
//! approves; only the provincial office reviews and grants exceptions; only
//! the administrator manages accounts and changes the catalogue; the
//! catalogue itself is readable by every signed-in user.

use crate::helpers::*;
use domain::{Actor, Role};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::time::Instant;

crate::on_both_backends!(every_endpoint_answers_every_caller_as_the_table_says);

/// Who calls, in the order of the table's columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Anon,
    Admin,
    ClerkSyt,
    LeaderSyt,
    ClerkTh,
    Reviewer,
    Leader,
    /// A clerk of Sở Y tế who has not yet changed the temporary password an
    /// administrator gave: may only change it (and sign out).
    Pending,
}

const CALLERS: [Who; 8] = [Who::Anon, Who::Admin, Who::ClerkSyt, Who::LeaderSyt, Who::ClerkTh, Who::Reviewer, Who::Leader, Who::Pending];
/// The temporary password of the accounts the fixture makes.
const TEMPORARY_PASSWORD: &str = "TamThoi2025";

impl Who {
    fn username(self) -> Option<&'static str> {
        match self {
            Who::Anon => None,
            Who::Admin => Some("quantri"),
            Who::ClerkSyt => Some("cv.syt"),
            Who::LeaderSyt => Some("ld.syt"),
            Who::ClerkTh => Some("cv.tohieu"),
            Who::Reviewer => Some("vp.tonghop"),
            Who::Leader => Some("ld.tinh"),
            Who::Pending => Some("mtx.cho"),
        }
    }

    fn label(self) -> &'static str {
        self.username().unwrap_or("anonymous")
    }
}

/// What the arguments of a call name. `Syt…` objects belong to Sở Y tế,
/// `Th…` ones to Phường Tô Hiệu (03646): own for one clerk, foreign for the
/// other.
#[derive(Clone, Copy, Debug)]
enum Arg {
    /// No arguments.
    Nothing,
    /// `quan-tri/api/tao`: a token for an account that is not a machine client (refused by validation).
    NewTokenForPerson,
    /// `quan-tri/api/thu-hoi`: a token that does not exist.
    TokenMissing,
    /// `quan-tri/webhook/tao`: a receiver URL that is not http(s) (refused by validation).
    NewWebhookBad,
    /// `quan-tri/webhook/tat`, `quan-tri/webhook/xoa`: a subscription that does not exist.
    WebhookMissing,
    /// `dang-nhap`: a user that does not exist (one per caller, so the
    /// account throttle never trips), wrong password.
    WrongSignIn,
    /// `doi-mat-khau` with a wrong current password (nothing changes).
    WrongCurrentPassword,
    UserSearch,
    /// An account of Sở Y tế / of Tô Hiệu made for this test, or none.
    UserSyt,
    UserTh,
    UserMissing,
    NewUser,
    EditUserSyt,
    EditUserTh,
    ResetUserSyt,
    ResetUserTh,
    UnitSyt,
    UnitTh,
    UnitMissing,
    /// `bao-cao/cua-don-vi` of Sở Y tế / of Tô Hiệu / without a unit (the caller's own).
    ReportsOfSyt,
    ReportsOfTh,
    OwnUnitReports,
    StartYte,
    StartXa,
    ReportSyt,
    ReportTh,
    ReportMissing,
    /// The report page with a stash token (a 64-character one that names nothing).
    ReportSytWithStash,
    SaveSyt,
    SaveTh,
    SaveAndSendSyt,
    SaveAndSendTh,
    /// The same save posted by a browser without JavaScript (it asks for
    /// HTML): answers are redirects, and a failed save is stashed for the
    /// form to show again.
    PlainSaveSyt,
    PlainSaveTh,
    /// "Chép số liệu kỳ trước" into a report (none of the fixture's has an
    /// accepted previous period, so its own clerk gets 409).
    CopySyt,
    CopyTh,
    ApproveSyt,
    ApproveTh,
    SendBackSyt,
    AcceptSyt,
    AcceptTh,
    ReturnSyt,
    ReopenTh,
    UnknownActionSyt,
    ExceptionSyt,
    ExceptionTh,
    ExceptionMissing,
    IndicatorSearch,
    Indicator,
    IndicatorMissing,
    NewIndicator,
    /// A new numeric indicator published as open data (`public=on`).
    PublishIndicator,
    IndicatorActive,
    NewBreakdown,
    RegimeSearch,
    Regime,
    RegimeMissing,
    NewRegime,
    RegimeFieldsEmpty,
    RegimeAddSection,
    RegimeAddRule,
    RegimeUnknownOp,
    RegimePublishEmpty,
    RegimeActive,
    RegimePreviewDraft,
    RegimePreviewVersion,
    TryRule,
    HolidayYear,
    NewHoliday,
    /// The Y tế regime's plans for a year; setting Sở Y tế's plan for YT01.
    PlanYear,
    SetPlan,
    SeededHoliday,
    ImportJob,
    ImportMissing,
    /// A multipart upload of a file that is not a catalogue.
    JunkUpload,
    /// The board of December 2031.
    BoardMonth,
    /// The leaders' pages (tổng hợp): a period, a year, a target.
    DashPeriod,
    DigitalPeriod,
    PivotYear,
    DigitalTarget,
    /// `tong-hop/chi-tieu-chinh`: the default choice (an empty list).
    KeyIndicators,
    /// Accepting Sở Y tế's report (a draft: skipped) from the inbox.
    BulkAcceptSyt,
    /// An exception for Tô Hiệu's open period of the communes' report.
    ExceptionUnitTh,
    /// One's own e-mail and telephone.
    Contacts,
    /// An Excel upload of Sở Y tế's clerk that could not be read.
    ExcelImportSyt,
    /// The Excel form of Sở Y tế's health report (`che_do`, `ky`).
    FormYte,
    /// The Excel form of Tô Hiệu's communes' report, for Tô Hiệu.
    FormXaTh,
    /// A report's Excel form by its id (`/tai-xuong/bao-cao.xlsx?id=`).
    ReportFileSyt,
    ReportFileTh,
}

/// Ids of the objects the calls name, made in `fixture`.
struct Fx {
    syt_unit: i32,
    th_unit: i32,
    syt_report: i32,
    th_report: i32,
    row_versions: HashMap<i32, i32>,
    yte: (i32, String),
    xa: (i32, String),
    user_syt: i32,
    user_th: i32,
    indicator: i32,
    regime: i32,
    yte_regime: i32,
    import_job: i32,
    excel_import: i32,
}

const MISSING: &str = "999999";
/// The holiday `NewHoliday` adds and the one `SeededHoliday` removes.
const NEW_HOLIDAY: &str = "15/07/2031";
const SEEDED_HOLIDAY: &str = "16/07/2031";

fn kv(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

impl Arg {
    /// Posted as a plain HTML form (no JavaScript).
    fn plain_form(self) -> bool {
        matches!(self, Arg::PlainSaveSyt | Arg::PlainSaveTh)
    }

    fn fields(self, fx: &Fx, who: Who) -> Vec<(String, String)> {
        let id = |v: i32| v.to_string();
        let save = |report: i32, intent: &str| {
            let rv = fx.row_versions.get(&report).copied().unwrap_or(0).to_string();
            kv(&[("id", &id(report)), ("row_version", &rv), ("intent", intent), ("narrative[0]", "Ghi chú của ma trận quyền.")])
        };
        let act = |report: i32, action: &str| kv(&[("id", &id(report)), ("action", action), ("reason", "Thử quyền.")]);
        let user_edit = |user: i32, unit: i32| {
            kv(&[("id", &id(user)), ("full_name", "Tài khoản ma trận"), ("role", "clerk"), ("unit_id", &id(unit)), ("active", "on")])
        };
        match self {
            Arg::Nothing => vec![],
            Arg::WrongSignIn => kv(&[("username", &format!("khong.co.{}", who.label())), ("password", "SaiMatKhau2025")]),
            Arg::WrongCurrentPassword => kv(&[("current", "KhongPhaiMatKhau1"), ("new", "MatKhauMoi@2026"), ("confirm", "MatKhauMoi@2026")]),
            Arg::UserSearch => kv(&[("search", ""), ("role", ""), ("page", "1")]),
            Arg::UserSyt => kv(&[("id", &id(fx.user_syt))]),
            Arg::UserTh => kv(&[("id", &id(fx.user_th))]),
            Arg::UserMissing => kv(&[("id", MISSING)]),
            Arg::NewTokenForPerson => kv(&[("username", "cv.syt"), ("name", "Khóa của ma trận"), ("write_units", "SYT")]),
            Arg::TokenMissing => kv(&[("id", MISSING)]),
            Arg::NewWebhookBad => kv(&[("name", "Webhook của ma trận"), ("url", "ftp://ioc.sonla.gov.vn/h"), ("ev_sent", "1")]),
            Arg::WebhookMissing => kv(&[("id", MISSING)]),
            Arg::NewUser => kv(&[
                ("username", "mtx.moi"),
                ("full_name", "Người dùng mới"),
                ("role", "clerk"),
                ("unit_id", &id(fx.syt_unit)),
                ("password", "TamThoi2025"),
            ]),
            Arg::EditUserSyt => user_edit(fx.user_syt, fx.syt_unit),
            Arg::EditUserTh => user_edit(fx.user_th, fx.th_unit),
            Arg::ResetUserSyt => kv(&[("id", &id(fx.user_syt)), ("password", "TamThoi2026")]),
            Arg::ResetUserTh => kv(&[("id", &id(fx.user_th)), ("password", "TamThoi2026")]),
            Arg::UnitSyt => kv(&[("id", &id(fx.syt_unit))]),
            Arg::UnitTh => kv(&[("id", &id(fx.th_unit))]),
            Arg::UnitMissing => kv(&[("id", MISSING)]),
            Arg::ReportsOfSyt => kv(&[("unit_id", &id(fx.syt_unit))]),
            Arg::ReportsOfTh => kv(&[("unit_id", &id(fx.th_unit))]),
            Arg::OwnUnitReports => vec![],
            Arg::StartYte => kv(&[("regime_id", &id(fx.yte.0)), ("period", &fx.yte.1)]),
            Arg::StartXa => kv(&[("regime_id", &id(fx.xa.0)), ("period", &fx.xa.1)]),
            Arg::ReportSyt => kv(&[("id", &id(fx.syt_report))]),
            Arg::ReportTh => kv(&[("id", &id(fx.th_report))]),
            Arg::ReportMissing => kv(&[("id", MISSING)]),
            Arg::ReportSytWithStash => kv(&[("id", &id(fx.syt_report)), ("stash", &"a".repeat(64))]),
            Arg::SaveSyt => save(fx.syt_report, "luu"),
            Arg::SaveTh => save(fx.th_report, "luu"),
            Arg::SaveAndSendSyt => save(fx.syt_report, "gui"),
            Arg::SaveAndSendTh => save(fx.th_report, "gui"),
            Arg::PlainSaveSyt => save(fx.syt_report, "luu"),
            Arg::PlainSaveTh => save(fx.th_report, "luu"),
            Arg::CopySyt | Arg::CopyTh => {
                let report = if matches!(self, Arg::CopySyt) { fx.syt_report } else { fx.th_report };
                let rv = fx.row_versions.get(&report).copied().unwrap_or(0).to_string();
                kv(&[("id", &id(report)), ("row_version", &rv)])
            }
            Arg::ApproveSyt => act(fx.syt_report, "duyet"),
            Arg::ApproveTh => act(fx.th_report, "duyet"),
            Arg::SendBackSyt => act(fx.syt_report, "tra_chuyen_vien"),
            Arg::AcceptSyt => act(fx.syt_report, "tiep_nhan"),
            Arg::AcceptTh => act(fx.th_report, "tiep_nhan"),
            Arg::ReturnSyt => act(fx.syt_report, "tra_lai"),
            Arg::ReopenTh => act(fx.th_report, "mo_lai"),
            Arg::UnknownActionSyt => act(fx.syt_report, "xoa"),
            Arg::ExceptionSyt => kv(&[("id", &id(fx.syt_report)), ("until", "31/12/2099")]),
            Arg::ExceptionTh => kv(&[("id", &id(fx.th_report)), ("until", "31/12/2099")]),
            Arg::ExceptionMissing => kv(&[("id", MISSING), ("until", "31/12/2099")]),
            Arg::IndicatorSearch => kv(&[("search", ""), ("sector", ""), ("statistical", "false"), ("inactive", "false"), ("page", "1")]),
            Arg::Indicator => kv(&[("id", &id(fx.indicator))]),
            Arg::IndicatorMissing => kv(&[("id", MISSING)]),
            Arg::NewIndicator => kv(&[
                ("code", "MTX01"),
                ("name", "Chỉ tiêu của ma trận quyền"),
                ("unit", "Thôn"),
                ("value_type", "so_nguyen"),
                ("scale", "0"),
                ("min", "0"),
                ("max", ""),
                ("aggregation", "tong"),
                ("sector", "Nông nghiệp - Lâm nghiệp"),
                ("owner_unit", "SXD"),
                ("breakdown", ""),
                ("method", ""),
                ("description", ""),
            ]),
            Arg::PublishIndicator => kv(&[
                ("code", "MTX02"),
                ("name", "Chỉ tiêu công bố dữ liệu mở của ma trận quyền"),
                ("unit", "Thôn"),
                ("value_type", "so_nguyen"),
                ("scale", "0"),
                ("min", "0"),
                ("max", ""),
                ("aggregation", "tong"),
                ("sector", "Nông nghiệp - Lâm nghiệp"),
                ("owner_unit", "SXD"),
                ("breakdown", ""),
                ("method", ""),
                ("description", ""),
                ("public", "on"),
            ]),
            Arg::IndicatorActive => kv(&[("id", &id(fx.indicator)), ("active", "true")]),
            Arg::NewBreakdown => kv(&[("code", "mtx"), ("name", "Ma trận"), ("parts", "mot: Một; hai: Hai")]),
            Arg::RegimeSearch => kv(&[("search", ""), ("page", "1")]),
            Arg::Regime => kv(&[("id", &id(fx.regime))]),
            Arg::RegimeMissing => kv(&[("id", MISSING)]),
            Arg::NewRegime => kv(&[("code", "MTX_MOI"), ("name", "Chế độ mới của ma trận")]),
            Arg::RegimeFieldsEmpty => {
                let mut f = kv(&[("id", &id(fx.regime))]);
                for k in [
                    "name",
                    "legal_basis",
                    "content",
                    "units",
                    "receiving_unit",
                    "sending_method",
                    "frequency",
                    "window",
                    "deadline_kind",
                    "deadline_value",
                    "grace_days",
                    "form_number",
                    "guidance",
                ] {
                    f.push((k.into(), String::new()));
                }
                f
            }
            Arg::RegimeAddSection => kv(&[("id", &id(fx.regime)), ("op", "them_phan"), ("back", "/"), ("title", "Phần mới")]),
            Arg::RegimeAddRule => kv(&[
                ("id", &id(fx.regime)),
                ("op", "them_quy_tac"),
                ("back", "/"),
                ("expression", "1 < 2"),
                ("message", "Luôn đúng"),
                ("severity", "loi"),
                ("missing", "luon_kiem_tra"),
            ]),
            Arg::RegimeUnknownOp => kv(&[("id", &id(fx.regime)), ("op", "xoa_het"), ("back", "/")]),
            Arg::RegimePublishEmpty => kv(&[("id", &id(fx.regime))]),
            Arg::RegimeActive => kv(&[("id", &id(fx.regime)), ("active", "true")]),
            Arg::RegimePreviewDraft => kv(&[("id", &id(fx.regime))]),
            Arg::RegimePreviewVersion => kv(&[("id", &id(fx.yte_regime)), ("version", "1")]),
            Arg::TryRule => kv(&[("expression", "1 < 2"), ("samples", "")]),
            Arg::HolidayYear => kv(&[("year", "2031")]),
            Arg::PlanYear => kv(&[("id", &id(fx.yte_regime)), ("year", "2031")]),
            Arg::SetPlan => kv(&[("id", &id(fx.yte_regime)), ("year", "2031"), ("unit", "SYT"), ("indicator", "YT01"), ("value", "4.500")]),
            Arg::NewHoliday => kv(&[("day", NEW_HOLIDAY), ("name", "Ngày nghỉ của ma trận")]),
            Arg::SeededHoliday => kv(&[("day", SEEDED_HOLIDAY)]),
            Arg::ImportJob => kv(&[("id", &id(fx.import_job))]),
            Arg::ImportMissing => kv(&[("id", MISSING)]),
            Arg::JunkUpload => vec![],
            Arg::BoardMonth => kv(&[("q[thang]", "2031-12")]),
            Arg::DashPeriod => kv(&[("q[ky]", "2031-Q4")]),
            Arg::DigitalPeriod => kv(&[("ky", "2031-Q4")]),
            Arg::PivotYear => kv(&[("q[nam]", "2031"), ("q[tan_suat]", "quy")]),
            Arg::DigitalTarget => kv(&[("nam", "2031"), ("muc_tieu", "55")]),
            Arg::KeyIndicators => kv(&[("chi_tieu", "")]),
            Arg::BulkAcceptSyt => kv(&[(&format!("chon[{}]", fx.syt_report), "1"), ("back", "/")]),
            Arg::ExceptionUnitTh => kv(&[("regime_id", &id(fx.xa.0)), ("unit_id", &id(fx.th_unit)), ("period", &fx.xa.1), ("until", "31/12/2099")]),
            Arg::Contacts => kv(&[("email", "ma.tran@sonla.example"), ("phone", "0212 385 999")]),
            Arg::ExcelImportSyt => kv(&[("id", &id(fx.excel_import))]),
            Arg::FormYte => kv(&[("che_do", &id(fx.yte.0)), ("ky", &fx.yte.1)]),
            Arg::FormXaTh => kv(&[("che_do", &id(fx.xa.0)), ("ky", &fx.xa.1), ("don_vi", &id(fx.th_unit))]),
            Arg::ReportFileSyt => kv(&[("id", &id(fx.syt_report))]),
            Arg::ReportFileTh => kv(&[("id", &id(fx.th_report))]),
        }
    }
}

/// One expected answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Want {
    /// Any 2xx.
    Ok,
    /// A 3xx whose `Location` matches this (`…` stands for any text).
    Redirect(&'static str),
    /// Exactly this status.
    Status(u16),
    /// A plain form post refused: sent back (3xx) to the page it came from,
    /// with the error (`__err`, base64 JSON) of this status in the URL.
    Back(u16),
}

/// How `__err` starts for an error of a status: base64 of `{"Forbidden"` …
fn error_in_url(status: u16) -> &'static str {
    match status {
        403 => "__err=eyJGb3JiaWRkZW4i",
        other => panic!("teach error_in_url the error of status {other}"),
    }
}

impl std::fmt::Display for Want {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Want::Ok => write!(f, "2xx"),
            Want::Redirect(to) => write!(f, "3xx → {to}"),
            Want::Status(s) => write!(f, "{s}"),
            Want::Back(s) => write!(f, "3xx back to the form with a {s} error"),
        }
    }
}

/// Reads a table cell: `ok` (2xx), `→/path` (a redirect there; `…` stands
/// for any text), `↩403` (a plain form sent back with that error), or a status.
fn want(cell: &'static str) -> Want {
    if cell == "ok" {
        Want::Ok
    } else if let Some(to) = cell.strip_prefix('→') {
        Want::Redirect(to)
    } else if let Some(status) = cell.strip_prefix('↩') {
        Want::Back(status.parse().unwrap_or_else(|_| panic!("bad cell {cell:?} in the access matrix")))
    } else {
        Want::Status(cell.parse().unwrap_or_else(|_| panic!("bad cell {cell:?} in the access matrix")))
    }
}

struct Row {
    /// `/api/…` for a server function, the path for a plain route.
    path: &'static str,
    arg: Arg,
    /// One cell per caller, in the order of `CALLERS`.
    cells: &'static str,
    /// Call from a browser signed in just for this call (the call ends the
    /// session it is made from).
    fresh_session: bool,
}

const fn r(path: &'static str, arg: Arg, cells: &'static str) -> Row {
    Row { path, arg, cells, fresh_session: false }
}

/// Every POST is also called without the CSRF proof, as every caller, and
/// must be refused by the middleware (403, its message) before anything else.
const TABLE: &[Row] = &[
    // path                                     arguments                     anon        quantri                cv.syt ld.syt cv.tohieu vp.tonghop ld.tinh mtx.cho (temporary password)
    // --- Session ---------------------------------------------------------------------------------------------------------------------------
    // The session and the CSRF token of a page: everyone, signed in or not (in demo mode the anonymous answer lists the demo accounts, by design).
    r("/api/phien", Arg::Nothing, "ok          ok                     ok     ok     ok        ok         ok      ok"),
    r("/api/dang-nhap", Arg::WrongSignIn, "422         422                    422    422    422       422        422     422"),
    Row {
        fresh_session: true,
        ..r("/api/dang-xuat", Arg::Nothing, "ok          ok                     ok     ok     ok        ok         ok      ok")
    },
    r("/api/doi-mat-khau", Arg::WrongCurrentPassword, "401         422                    422    422    422       422        422     422"),
    // --- Accounts: the administrator only --------------------------------------------------------------------------------------------------
    r("/api/quan-tri/nguoi-dung", Arg::UserSearch, "401         ok                     403    403    403       403        403     403"),
    r("/api/quan-tri/nguoi-dung/xem", Arg::UserSyt, "401         ok                     403    403    403       403        403     403"),
    r("/api/quan-tri/nguoi-dung/xem", Arg::UserTh, "401         ok                     403    403    403       403        403     403"),
    r("/api/quan-tri/nguoi-dung/xem", Arg::UserMissing, "401         404                    403    403    403       403        403     403"),
    r("/api/quan-tri/api", Arg::Nothing, "401         ok                     403    403    403       403        403     403"),
    r("/api/quan-tri/api/tao", Arg::NewTokenForPerson, "401         422                    403    403    403       403        403     403"),
    r("/api/quan-tri/api/thu-hoi", Arg::TokenMissing, "401         404                    403    403    403       403        403     403"),
    r("/api/quan-tri/webhook", Arg::Nothing, "401         ok                     403    403    403       403        403     403"),
    r("/api/quan-tri/webhook/tao", Arg::NewWebhookBad, "401         422                    403    403    403       403        403     403"),
    r("/api/quan-tri/webhook/tat", Arg::WebhookMissing, "401         404                    403    403    403       403        403     403"),
    r("/api/quan-tri/webhook/xoa", Arg::WebhookMissing, "401         404                    403    403    403       403        403     403"),
    r("/api/quan-tri/don-vi-chon", Arg::Nothing, "401         ok                     403    403    403       403        403     403"),
    r("/api/quan-tri/nguoi-dung/tao", Arg::NewUser, "401         ok                     403    403    403       403        403     403"),
    r("/api/quan-tri/nguoi-dung/sua", Arg::EditUserSyt, "401         ok                     403    403    403       403        403     403"),
    r("/api/quan-tri/nguoi-dung/sua", Arg::EditUserTh, "401         ok                     403    403    403       403        403     403"),
    r(
        "/api/quan-tri/nguoi-dung/dat-lai-mat-khau",
        Arg::ResetUserSyt,
        "401         ok                     403    403    403       403        403     403",
    ),
    r(
        "/api/quan-tri/nguoi-dung/dat-lai-mat-khau",
        Arg::ResetUserTh,
        "401         ok                     403    403    403       403        403     403",
    ),
    // --- Units: province-wide lists for province-wide roles; a unit's page for its own people and province-wide roles ----------------------
    r("/api/don-vi", Arg::Nothing, "401         ok                     403    403    403       ok         ok      403"),
    r("/api/don-vi/xem", Arg::UnitSyt, "401         ok                     ok     ok     403       ok         ok      403"),
    r("/api/don-vi/xem", Arg::UnitTh, "401         ok                     403    403    ok        ok         ok      403"),
    r("/api/don-vi/xem", Arg::UnitMissing, "401         404                    404    404    404       404        404     403"),
    r("/api/tong-quan", Arg::Nothing, "401         ok                     403    403    403       ok         ok      403"),
    // --- Reports ---------------------------------------------------------------------------------------------------------------------------
    r("/api/bao-cao/cua-don-vi", Arg::ReportsOfSyt, "401         ok                     ok     ok     403       ok         ok      403"),
    r("/api/bao-cao/cua-don-vi", Arg::ReportsOfTh, "401         ok                     403    403    ok        ok         ok      403"),
    r("/api/bao-cao/cua-don-vi", Arg::OwnUnitReports, "401         ok                     ok     ok     ok        ok         ok      403"),
    // Only a clerk starts a report, for its own unit, of a regime its unit reports under (starting again finds the same report).
    r("/api/bao-cao/luu-tru", Arg::OwnUnitReports, "401         ok                     ok     ok     ok        ok         ok      403"),
    r("/api/bao-cao/luu-tru", Arg::ReportsOfTh, "401         ok                     403    403    ok        ok         ok      403"),
    r("/api/bao-cao/lap", Arg::StartYte, "401         403                    ok     403    403       403        403     403"),
    r("/api/bao-cao/lap", Arg::StartXa, "401         403                    403    403    ok        403        403     403"),
    r("/api/bao-cao/xem", Arg::ReportSyt, "401         ok                     ok     ok     403       ok         ok      403"),
    r("/api/bao-cao/xem", Arg::ReportTh, "401         ok                     403    403    ok        ok         ok      403"),
    r("/api/bao-cao/xem", Arg::ReportSytWithStash, "401         ok                     ok     ok     403       ok         ok      403"),
    r("/api/bao-cao/xem", Arg::ReportMissing, "401         404                    404    404    404       404        404     403"),
    // Only the unit's clerk saves. Saving and sending an empty report saves the draft and answers why it was not sent (2xx).
    r("/api/bao-cao/luu", Arg::SaveSyt, "401         403                    ok     403    403       403        403     403"),
    r("/api/bao-cao/luu", Arg::SaveTh, "401         403                    403    403    ok        403        403     403"),
    r("/api/bao-cao/luu", Arg::SaveAndSendSyt, "401         403                    ok     403    403       403        403     403"),
    // Without JavaScript: signed out, to the sign-in page and back; refused, back to the form with the error (nothing is stashed for
    // someone who may not save); saved, to the report.
    r("/api/bao-cao/luu", Arg::PlainSaveSyt, "→/dang-nhap?tiep=/bao-cao/… ↩403 →/bao-cao/…?da-luu=1 ↩403 ↩403 ↩403 ↩403 ↩403"),
    r("/api/bao-cao/luu", Arg::PlainSaveTh, "→/dang-nhap?tiep=/bao-cao/… ↩403 ↩403 ↩403 →/bao-cao/…?da-luu=1 ↩403 ↩403 ↩403"),
    r("/api/bao-cao/luu", Arg::SaveAndSendTh, "401         403                    403    403    ok        403        403     403"),
    // Copying the previous period: only the unit's clerk, checked as for saving before anything else is read; the fixture's
    // reports have no accepted previous period (or already have figures), so the clerk is refused with 409.
    r("/api/bao-cao/chep-ky-truoc", Arg::CopySyt, "401         403                    409    403    403       403        403     403"),
    r("/api/bao-cao/chep-ky-truoc", Arg::CopyTh, "401         403                    403    403    409       403        403     403"),
    // Both reports are drafts: the one caller allowed each step gets 409 (not from a draft), everyone else 403.
    r("/api/bao-cao/xu-ly", Arg::ApproveSyt, "401         403                    403    409    403       403        403     403"),
    r("/api/bao-cao/xu-ly", Arg::ApproveTh, "401         403                    403    403    403       403        403     403"),
    r("/api/bao-cao/xu-ly", Arg::SendBackSyt, "401         403                    403    409    403       403        403     403"),
    r("/api/bao-cao/xu-ly", Arg::AcceptSyt, "401         403                    403    403    403       409        403     403"),
    r("/api/bao-cao/xu-ly", Arg::AcceptTh, "401         403                    403    403    403       409        403     403"),
    r("/api/bao-cao/xu-ly", Arg::ReturnSyt, "401         403                    403    403    403       409        403     403"),
    r("/api/bao-cao/xu-ly", Arg::ReopenTh, "401         403                    403    403    403       409        403     403"),
    // An action that does not exist is refused as a bad form before the report is looked at (nothing is read or written).
    r("/api/bao-cao/xu-ly", Arg::UnknownActionSyt, "401         422                    422    422    422       422        422     403"),
    r("/api/bao-cao/gia-han", Arg::ExceptionSyt, "401         403                    403    403    403       ok         403     403"),
    r("/api/bao-cao/gia-han", Arg::ExceptionTh, "401         403                    403    403    403       ok         403     403"),
    r("/api/bao-cao/gia-han", Arg::ExceptionMissing, "401         403                    403    403    403       404        403     403"),
    // --- The office's board: province-wide roles read it; a unit's record is read by its own people too; only the office acts ------------
    r("/api/tinh-hinh/bang", Arg::BoardMonth, "401         ok                     403    403    403       ok         ok      403"),
    r("/api/tinh-hinh/xu-huong", Arg::BoardMonth, "401         ok                     403    403    403       ok         ok      403"),
    r("/api/tinh-hinh/qua-han", Arg::BoardMonth, "401         ok                     403    403    403       ok         ok      403"),
    // Tổng hợp: every signed-in user sees figures (a unit's people their own unit only); the digital-data share is the province's; only the administrator sets its target.
    r("/api/tong-hop/bang-dieu-khien", Arg::DashPeriod, "401         ok                     ok     ok     ok        ok         ok      403"),
    r("/api/tong-hop/bang", Arg::PivotYear, "401         ok                     ok     ok     ok        ok         ok      403"),
    r("/api/tong-hop/so-hoa", Arg::DigitalPeriod, "401         ok                     403    403    403       ok         ok      403"),
    r("/api/tong-hop/muc-tieu", Arg::DigitalTarget, "401         ok                     403    403    403       403        403     403"),
    r("/api/tong-hop/chi-tieu-chinh", Arg::KeyIndicators, "401         ok                     403    403    403       403        403     403"),
    r("/api/tinh-hinh/don-vi", Arg::ReportsOfSyt, "401         ok                     ok     ok     403       ok         ok      403"),
    r("/api/tinh-hinh/don-vi", Arg::ReportsOfTh, "401         ok                     403    403    ok        ok         ok      403"),
    r("/api/hop-thu", Arg::Nothing, "401         403                    403    403    403       ok         403     403"),
    // The office's acceptance skips a draft (it is not waiting), changing nothing.
    r("/api/hop-thu/tiep-nhan", Arg::BulkAcceptSyt, "401         403                    403    403    403       ok         403     403"),
    r("/api/tinh-hinh/gia-han", Arg::ExceptionUnitTh, "401         403                    403    403    403       ok         403     403"),
    // --- Notifications: one's own; the bell's count answers 0 to anyone without a usable session ------------------------------------------
    r("/api/thong-bao/dem", Arg::Nothing, "ok          ok                     ok     ok     ok        ok         ok      ok"),
    r("/api/thong-bao", Arg::Nothing, "401         ok                     ok     ok     ok        ok         ok      403"),
    r("/api/thong-bao/da-doc", Arg::Nothing, "401         ok                     ok     ok     ok        ok         ok      403"),
    r("/api/thong-bao/lien-he", Arg::Contacts, "401         ok                     ok     ok     ok        ok         ok      403"),
    // --- Catalogue: read by every signed-in user, changed by the administrator only -----------------------------------------------------------
    r("/api/danh-muc/chi-tieu", Arg::IndicatorSearch, "401         ok                     ok     ok     ok        ok         ok      403"),
    r("/api/danh-muc/chi-tieu/xem", Arg::Indicator, "401         ok                     ok     ok     ok        ok         ok      403"),
    r("/api/danh-muc/chi-tieu/xem", Arg::IndicatorMissing, "401         404                    404    404    404       404        404     403"),
    r("/api/danh-muc/lua-chon", Arg::Nothing, "401         ok                     ok     ok     ok        ok         ok      403"),
    r("/api/danh-muc/chi-tieu/luu", Arg::NewIndicator, "401         ok                     403    403    403       403        403     403"),
    // Publishing an indicator as open data is the same form: administrators only.
    r("/api/danh-muc/chi-tieu/luu", Arg::PublishIndicator, "401         ok                     403    403    403       403        403     403"),
    r("/api/danh-muc/chi-tieu/trang-thai", Arg::IndicatorActive, "401         ok                     403    403    403       403        403     403"),
    r("/api/danh-muc/phan-to", Arg::Nothing, "401         ok                     ok     ok     ok        ok         ok      403"),
    r("/api/danh-muc/phan-to/luu", Arg::NewBreakdown, "401         ok                     403    403    403       403        403     403"),
    r("/api/danh-muc/che-do", Arg::RegimeSearch, "401         ok                     ok     ok     ok        ok         ok      403"),
    r("/api/danh-muc/che-do/xem", Arg::Regime, "401         ok                     ok     ok     ok        ok         ok      403"),
    r("/api/danh-muc/che-do/xem", Arg::RegimeMissing, "401         404                    404    404    404       404        404     403"),
    r("/api/danh-muc/che-do/tao", Arg::NewRegime, "401         ok                     403    403    403       403        403     403"),
    // Every field empty: the administrator gets the form's errors.
    r("/api/danh-muc/che-do/luu", Arg::RegimeFieldsEmpty, "401         422                    403    403    403       403        403     403"),
    r("/api/danh-muc/che-do/sua", Arg::RegimeAddSection, "401         ok                     403    403    403       403        403     403"),
    r("/api/danh-muc/che-do/sua", Arg::RegimeAddRule, "401         ok                     403    403    403       403        403     403"),
    // An operation that does not exist is refused as a bad form before anything is looked at.
    r("/api/danh-muc/che-do/sua", Arg::RegimeUnknownOp, "401         422                    422    422    422       422        422     403"),
    // A draft with no rows, units or schedule cannot be published: the administrator gets the reasons.
    r("/api/danh-muc/che-do/ban-hanh", Arg::RegimePublishEmpty, "401         422                    403    403    403       403        403     403"),
    r("/api/danh-muc/che-do/trang-thai", Arg::RegimeActive, "401         ok                     403    403    403       403        403     403"),
    r("/api/danh-muc/che-do/xem-truoc", Arg::RegimePreviewDraft, "401         ok                     ok     ok     ok        ok         ok      403"),
    r(
        "/api/danh-muc/che-do/xem-truoc",
        Arg::RegimePreviewVersion,
        "401         ok                     ok     ok     ok        ok         ok      403",
    ),
    r("/api/danh-muc/quy-tac/thu", Arg::TryRule, "401         ok                     403    403    403       403        403     403"),
    r("/api/danh-muc/ke-hoach", Arg::PlanYear, "401         ok                     ok     ok     ok        ok         ok      403"),
    r("/api/danh-muc/ke-hoach/dat", Arg::SetPlan, "401         ok                     403    403    403       403        403     403"),
    r("/api/danh-muc/ngay-nghi", Arg::HolidayYear, "401         ok                     ok     ok     ok        ok         ok      403"),
    r("/api/danh-muc/ngay-nghi/them", Arg::NewHoliday, "401         ok                     403    403    403       403        403     403"),
    r("/api/danh-muc/ngay-nghi/xoa", Arg::SeededHoliday, "401         ok                     403    403    403       403        403     403"),
    r("/api/danh-muc/nhap/ket-qua", Arg::ImportJob, "401         ok                     403    403    403       403        403     403"),
    r("/api/danh-muc/nhap/ket-qua", Arg::ImportMissing, "401         404                    403    403    403       403        403     403"),
    r("/api/danh-muc/nhap/gan-day", Arg::Nothing, "401         ok                     403    403    403       403        403     403"),
    // --- Excel uploads: only the clerk who uploaded sees and confirms one (an unreadable one cannot be confirmed) -------------------------
    r("/api/nhap-excel/xem", Arg::ExcelImportSyt, "401         403                    ok     403    403       403        403     403"),
    r("/api/nhap-excel/xem", Arg::ImportMissing, "401         404                    404    404    404       404        404     403"),
    r("/api/nhap-excel/gan-day", Arg::Nothing, "401         ok                     ok     ok     ok        ok         ok      403"),
    r("/api/nhap-excel/xac-nhan", Arg::ExcelImportSyt, "401         403                    409    403    403       403        403     403"),
    // --- The machine API: bearer tokens only; no browser session opens it (server/tests/api/feeds.rs tests the tokens) ----------------------
    r("/api", Arg::Nothing, "ok          ok                     ok     ok     ok        ok         ok      ok"),
    r("/api/v1/openapi.json", Arg::Nothing, "ok          ok                     ok     ok     ok        ok         ok      ok"),
    r("/api/v1/units", Arg::Nothing, "401         401                    401    401    401       401        401     401"),
    r("/api/v1/indicators", Arg::Nothing, "401         401                    401    401    401       401        401     401"),
    r("/api/v1/regimes", Arg::Nothing, "401         401                    401    401    401       401        401     401"),
    r("/api/v1/periods", Arg::Nothing, "401         401                    401    401    401       401        401     401"),
    r("/api/v1/reports", Arg::Nothing, "401         401                    401    401    401       401        401     401"),
    r("/api/v1/reports/{id}/values", Arg::Nothing, "401         401                    401    401    401       401        401     401"),
    r("/api/v1/changes", Arg::Nothing, "401         401                    401    401    401       401        401     401"),
    r("/api/v1/dhis2/dataValueSets.json", Arg::Nothing, "401         401                    401    401    401       401        401     401"),
    r("/api/v1/dhis2/dataValueSets.csv", Arg::Nothing, "401         401                    401    401    401       401        401     401"),
    r("/api/v1/dhis2/dataValueSets", Arg::Nothing, "401         401                    401    401    401       401        401     401"),
    r("/api/v1/aggregates", Arg::Nothing, "401         401                    401    401    401       401        401     401"),
    r("/api/v1/completeness", Arg::Nothing, "401         401                    401    401    401       401        401     401"),
    r("/api/v1/digital-share", Arg::Nothing, "401         401                    401    401    401       401        401     401"),
    r("/api/v1/qcvn125/{message}", Arg::Nothing, "401         401                    401    401    401       401        401     401"),
    r("/api/v1/{*rest}", Arg::Nothing, "401         401                    401    401    401       401        401     401"),
    // --- Plain routes: a signed-out browser is sent to the sign-in page; an upload ends on its result page -----------------------------------
    // Open data: anyone, signed in or not, reads the page; an unknown file is 404 for all alike (server/tests/api/open_data.rs).
    r("/du-lieu-mo", Arg::Nothing, "ok          ok                     ok     ok     ok        ok         ok      ok"),
    r("/du-lieu-mo/{file}", Arg::Nothing, "404         404                    404    404    404       404        404     404"),
    r("/healthz", Arg::Nothing, "ok          ok                     ok     ok     ok        ok         ok      ok"),
    r("/readyz", Arg::Nothing, "ok          ok                     ok     ok     ok        ok         ok      ok"),
    r("/tai-xuong/danh-muc.json", Arg::Nothing, "→/dang-nhap ok                     403    403    403       403        403     →/doi-mat-khau"),
    r("/tai-xuong/chi-tieu.xlsx", Arg::Nothing, "→/dang-nhap ok                     403    403    403       403        403     →/doi-mat-khau"),
    r(
        "/tai-xuong/tinh-hinh-bao-cao.xlsx",
        Arg::Nothing,
        "→/dang-nhap ok                     403    403    403       ok         ok      →/doi-mat-khau",
    ),
    r("/tai-xuong/tong-hop.xlsx", Arg::Nothing, "→/dang-nhap ok                     ok     ok     ok        ok         ok      →/doi-mat-khau"),
    r("/tai-xuong/tong-hop.csv", Arg::Nothing, "→/dang-nhap ok                     ok     ok     ok        ok         ok      →/doi-mat-khau"),
    // Without a period the allowed roles get 422 (the period is required); the unit-bound roles are refused first.
    r("/tai-xuong/dhis2.json", Arg::Nothing, "→/dang-nhap 422                    403    403    403       422        422     →/doi-mat-khau"),
    r("/tai-xuong/dhis2.csv", Arg::Nothing, "→/dang-nhap 422                    403    403    403       422        422     →/doi-mat-khau"),
    r("/tai-len/danh-muc", Arg::JunkUpload, "→/dang-nhap →/danh-muc/nhap-xuat/… 403    403    403       403        403     →/doi-mat-khau"),
    r("/tai-len/chi-tieu", Arg::JunkUpload, "→/dang-nhap →/danh-muc/nhap-xuat/… 403    403    403       403        403     →/doi-mat-khau"),
    // Excel forms: a report's form to whoever reads the report; an upload from a unit's clerk only, which lands on its preview.
    r("/tai-xuong/bao-cao.xlsx", Arg::ReportFileSyt, "→/dang-nhap ok                     ok     ok     403       ok         ok      →/doi-mat-khau"),
    r("/tai-xuong/bao-cao.xlsx", Arg::ReportFileTh, "→/dang-nhap ok                     403    403    ok        ok         ok      →/doi-mat-khau"),
    // A report to print (the Decree 30 layout): to whoever reads the report; the id is in the path.
    r("/bao-cao/{id}/in", Arg::ReportFileSyt, "→/dang-nhap ok                     ok     ok     403       ok         ok      →/doi-mat-khau"),
    r("/bao-cao/{id}/in", Arg::ReportFileTh, "→/dang-nhap ok                     403    403    ok        ok         ok      →/doi-mat-khau"),
    r("/bao-cao/{id}/in", Arg::ReportMissing, "→/dang-nhap 404                    404    404    404       404        404     →/doi-mat-khau"),
    // Without a unit: the caller's own, which has no such report unless it reports under the regime.
    r("/tai-xuong/bieu-mau.xlsx", Arg::FormYte, "→/dang-nhap 404                    ok     ok     404       404        404     →/doi-mat-khau"),
    r("/tai-xuong/bieu-mau.xlsx", Arg::FormXaTh, "→/dang-nhap ok                     403    403    ok        ok         ok      →/doi-mat-khau"),
    r(
        "/tai-xuong/bieu-mau-don-vi.xlsx",
        Arg::FormYte,
        "→/dang-nhap ok                     ok     ok     403       ok         ok      →/doi-mat-khau",
    ),
    r("/tai-len/bao-cao", Arg::JunkUpload, "→/dang-nhap 403                    →/nhap-excel/… 403 →/nhap-excel/… 403   403     →/doi-mat-khau"),
];

/// The plain routes of `server::router`, read from its source: every
/// `.route("path", get(…) / post(…))`.
fn plain_routes() -> BTreeSet<(String, String)> {
    let src = include_str!("../../src/lib.rs");
    let router = &src[src.find("pub fn router(").expect("server::router in server/src/lib.rs")..];
    let router = &router[..router.find("\n}\n").expect("end of router()")];
    // The one merge is the machine API's router, read from its own source below.
    let router = router.replace(".merge(api_v1::router(state.clone()))", "");
    // The compiled bundle is public by design (no session, no data); its
    // caching and compression are tested in shell.rs.
    let router = router.replace(r#".nest_service("/pkg", assets::router(bundle))"#, "");
    for other in [".nest(", ".merge(", ".route_service(", ".nest_service("] {
        assert!(!router.contains(other), "router() now uses {other}…): teach the access matrix to read those routes");
    }
    let api = include_str!("../../src/api_v1/mod.rs");
    let api = &api[api.find("pub fn router(").expect("api_v1::router")..];
    let router = format!("{router}\n{}", &api[..api.find("\n}\n").expect("end of api_v1::router()")].replace(".merge(authed)", ""));
    let mut out = BTreeSet::new();
    for (i, _) in router.match_indices(".route(\"") {
        let rest = &router[i + 8..];
        let path = &rest[..rest.find('"').unwrap()];
        let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
        let mut found = false;
        for (word, method) in [("get(", "GET"), ("post(", "POST"), ("put(", "PUT"), ("patch(", "PATCH"), ("delete(", "DELETE")] {
            if line.contains(word) {
                out.insert((path.to_string(), method.to_string()));
                found = true;
            }
        }
        assert!(found, "cannot tell the method of route {path}: {line}");
    }
    assert!(out.len() >= 6, "read only {} routes from router(): {out:?}", out.len());
    out
}

/// Every endpoint that exists: server functions as registered, plain routes.
fn endpoints() -> BTreeSet<(String, String)> {
    let mut all: BTreeSet<(String, String)> = server_fn::axum::server_fn_paths().map(|(p, m)| (p.to_string(), m.as_str().to_string())).collect();
    assert!(all.len() >= 40, "only {} server functions registered: {all:?}", all.len());
    all.extend(plain_routes());
    all
}

/// One browser of one caller, with its CSRF token read once.
struct Browser {
    app: TestApp,
    token: String,
}

async fn browser(app: &TestApp, who: Who) -> Browser {
    let b = app.another_browser();
    match who.username() {
        Some(name) if who == Who::Pending => b.sign_in_ok_with(name, TEMPORARY_PASSWORD).await,
        Some(name) => b.sign_in_ok(name).await,
        None => {}
    }
    let token = b.csrf().await;
    Browser { app: b, token }
}

struct Answer {
    status: u16,
    location: String,
    body: String,
}

async fn send(b: &Browser, method: &str, path: &str, arg: Arg, fields: &[(String, String)], with_csrf: bool) -> Answer {
    // A route naming its object in the path (`/bao-cao/{id}/in`) takes the `id` field there.
    let id_in_path = path.contains("{id}") && !path.starts_with("/api/");
    let (path, fields): (String, Vec<(String, String)>) = match fields.iter().find(|(k, _)| k == "id") {
        Some((_, id)) if id_in_path => (path.replace("{id}", id), fields.iter().filter(|(k, _)| k != "id").cloned().collect()),
        _ => (path.to_string(), fields.to_vec()),
    };
    let (path, fields) = (path.as_str(), fields.as_slice());
    let url = b.app.url(path);
    let c = &b.app.client;
    // What a browser without JavaScript asks for; scripts send no preference.
    let accept = if arg.plain_form() { "text/html,application/xhtml+xml" } else { "*/*" };
    let req = match method {
        "GET" if path.starts_with("/api/") => c.get(url).query(fields),
        "GET" => c.get(url).query(fields),
        "POST" if path.starts_with("/tai-len/") => {
            let mut form = reqwest::multipart::Form::new();
            if with_csrf {
                form = form.text("csrf", b.token.clone());
            }
            form = form.part("file", reqwest::multipart::Part::bytes(b"khong phai danh muc".to_vec()).file_name("rac.json"));
            c.post(url).multipart(form)
        }
        "POST" => {
            let mut form: Vec<(String, String)> = Vec::new();
            if with_csrf {
                form.push(("csrf".into(), b.token.clone()));
            }
            form.extend_from_slice(fields);
            c.post(url).form(&form)
        }
        other => panic!("the access matrix does not call {other} yet"),
    };
    let req = req.header("accept", accept);
    // A browser posting a form names the page it came from.
    let req = match fields.iter().find(|(k, _)| k == "id") {
        Some((_, id)) if arg.plain_form() => req.header("referer", b.app.url(&format!("/bao-cao/{id}"))),
        _ => req,
    };
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let location = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let body = r.text().await.unwrap_or_default();
    Answer { status, location, body }
}

/// `…` stands for any text; the rest must match exactly.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('…').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if parts.len() == 1 {
        return text == pattern;
    }
    if !text.starts_with(first) || !text[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(i) => rest = &rest[i + middle.len()..],
            None => return false,
        }
    }
    true
}

fn matches(w: Want, a: &Answer) -> bool {
    match w {
        Want::Ok => (200..300).contains(&a.status),
        Want::Redirect(to) => (300..400).contains(&a.status) && glob(to, &a.location),
        Want::Status(s) => a.status == s,
        Want::Back(s) => (300..400).contains(&a.status) && a.location.contains(error_in_url(s)),
    }
}

fn describe(a: &Answer) -> String {
    let body: String = a.body.chars().filter(|c| !c.is_control()).take(160).collect();
    if a.location.is_empty() { format!("{} {body}", a.status) } else { format!("{} → {}", a.status, a.location) }
}

async fn user_id(app: &TestApp, username: &str) -> i32 {
    entity::app_user::Entity::find()
        .filter(entity::app_user::Column::Username.eq(username))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("user {username}"))
        .id
}

async fn actor(app: &TestApp, username: &str, role: Role, unit: i32) -> Actor {
    Actor { user_id: user_id(app, username).await, role, unit_id: unit }
}

/// The first period of a regime a unit may enter today.
async fn open_period(app: &TestApp, unit: i32, regime_code: &str) -> (i32, String) {
    let reviewer = Actor { user_id: 0, role: Role::Reviewer, unit_id: 0 };
    let due = service::reports::due_for_unit(&app.db, &reviewer, unit, chrono::Utc::now()).await.unwrap();
    let d = due.iter().find(|d| d.regime_code == regime_code && d.state.accepts_entry()).unwrap_or_else(|| panic!("an open period of {regime_code}"));
    (d.regime_id, d.period_key.clone())
}

async fn regime_id(app: &TestApp, code: &str) -> i32 {
    service::catalogue::regimes::list(&app.db, code, 1).await.unwrap().items.iter().find(|r| r.code == code).expect("regime").id
}

/// The objects the calls name: a report of each unit (started by its clerk
/// through the service), an account of each unit, a draft regime, a
/// holiday and an import job of the matrix's own.
async fn fixture(app: &TestApp) -> Fx {
    use service::catalogue;
    let syt_unit = app.unit_id("SYT").await;
    let th_unit = app.unit_id("03646").await;
    let office = service::org::find_unit_by_code(&app.db, domain::org::OFFICE_CODE).await.unwrap().id;
    let admin = actor(app, "quantri", Role::Admin, office).await;
    let now = chrono::Utc::now();

    let yte = open_period(app, syt_unit, "YTE_THANG").await;
    let xa = open_period(app, th_unit, "KTXH_XA").await;
    let clerk_syt = actor(app, "cv.syt", Role::Clerk, syt_unit).await;
    let clerk_th = actor(app, "cv.tohieu", Role::Clerk, th_unit).await;
    let syt_report = service::reports::start(&app.db, &clerk_syt, yte.0, &yte.1, now).await.unwrap();
    let th_report = service::reports::start(&app.db, &clerk_th, xa.0, &xa.1, now).await.unwrap();

    let new_user = |username: &str, unit: i32| service::users::NewUser {
        username: username.into(),
        full_name: "Tài khoản ma trận".into(),
        role: "clerk".into(),
        unit_id: unit,
        password: TEMPORARY_PASSWORD.into(),
    };
    let user_syt = service::users::create_user(&app.db, &admin, new_user("mtx.syt", syt_unit)).await.unwrap();
    let user_th = service::users::create_user(&app.db, &admin, new_user("mtx.tohieu", th_unit)).await.unwrap();
    // The `Pending` caller: made by an administrator, so it must change its password first.
    service::users::create_user(&app.db, &admin, new_user("mtx.cho", syt_unit)).await.unwrap();

    let indicator = catalogue::indicators::list(
        &app.db,
        catalogue::indicators::IndicatorQuery { search: "CDS05".into(), include_inactive: true, ..Default::default() },
    )
    .await
    .unwrap()
    .items
    .iter()
    .find(|r| r.fields.code == "CDS05")
    .expect("indicator CDS05")
    .id;
    let regime = catalogue::regimes::create(&app.db, &admin, "MTX", "Chế độ của ma trận quyền").await.unwrap();
    catalogue::holidays::add(&app.db, &admin, SEEDED_HOLIDAY, "Ngày nghỉ sẽ xóa", false).await.unwrap();
    let import_job = catalogue::imports::import_catalogue(&app.db, &admin, "rac.json", b"khong phai json").await.unwrap();
    let yte_regime = regime_id(app, "YTE_THANG").await;
    // An Excel upload of Sở Y tế's clerk that is not a workbook: read (and refused) in the background.
    let clerk_syt = actor(app, "cv.syt", Role::Clerk, syt_unit).await;
    let (excel_import, done) = service::excel::import::upload(
        &app.db,
        &clerk_syt,
        "rac.xlsx",
        b"khong phai excel".to_vec(),
        None,
        service::excel::Limits::default(),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let _ = done.await;

    let mut fx = Fx {
        syt_unit,
        th_unit,
        syt_report,
        th_report,
        row_versions: HashMap::new(),
        yte,
        xa,
        user_syt,
        user_th,
        indicator,
        regime,
        yte_regime,
        import_job,
        excel_import,
    };
    refresh(app, &mut fx).await;
    fx
}

/// The reports' current row versions, so a permitted save is never stale.
async fn refresh(app: &TestApp, fx: &mut Fx) {
    for id in [fx.syt_report, fx.th_report] {
        let rep = entity::report::Entity::find_by_id(id).one(&app.db).await.unwrap().expect("report");
        fx.row_versions.insert(id, rep.row_version);
    }
}

async fn every_endpoint_answers_every_caller_as_the_table_says(b: Backend) {
    let app = spawn_app(b).await;
    let started = Instant::now();
    let mut fx = fixture(&app).await;
    let mut browsers = Vec::new();
    for who in CALLERS {
        browsers.push(browser(&app, who).await);
    }

    // The table covers exactly what exists.
    let existing = endpoints();
    let mut methods: HashMap<&str, Vec<String>> = HashMap::new();
    for (path, method) in &existing {
        methods.entry(path.as_str()).or_default().push(method.clone());
    }
    let in_table: BTreeSet<&str> = TABLE.iter().map(|r| r.path).collect();
    let mut problems = Vec::new();
    for (path, method) in &existing {
        if !in_table.contains(path.as_str()) {
            let kind = if path.starts_with("/api/") { "server function" } else { "route" };
            problems.push(format!("new {kind} {method} {path} is not in the access matrix: add its expected answers"));
        }
    }
    for path in &in_table {
        if !methods.contains_key(path) {
            problems.push(format!("the access matrix has rows for {path}, which no longer exists: remove them"));
        }
    }
    for row in TABLE {
        let n = row.cells.split_whitespace().count();
        if n != CALLERS.len() {
            problems.push(format!("row {} [{:?}] has {n} cells, not {}", row.path, row.arg, CALLERS.len()));
        }
    }
    assert!(problems.is_empty(), "the access matrix is out of date:\n  {}", problems.join("\n  "));

    let mut mismatches = Vec::new();
    let mut cells = 0usize;
    let mut post_rows = 0usize;
    for row in TABLE {
        let wants: Vec<Want> = row.cells.split_whitespace().map(want).collect();
        for method in &methods[row.path] {
            if method == "POST" {
                post_rows += 1;
                // Without the CSRF proof: refused by the middleware, whoever asks.
                for (who, b) in CALLERS.iter().zip(&browsers) {
                    refresh(&app, &mut fx).await;
                    let a = send(b, method, row.path, row.arg, &row.arg.fields(&fx, *who), false).await;
                    cells += 1;
                    // The machine API takes bearer tokens only: a browser's cookies carry no authority there, so no CSRF proof is asked.
                    let refused = if row.path.starts_with("/api/v1/") {
                        a.status == 401 && a.body.contains("\"unauthenticated\"")
                    } else {
                        a.status == 403 && a.body.contains("CSRF")
                    };
                    if !refused {
                        mismatches.push(format!(
                            "{method} {} [{:?}] as {} WITHOUT CSRF: expected 403 (CSRF refusal), got {}",
                            row.path,
                            row.arg,
                            who.label(),
                            describe(&a)
                        ));
                    }
                }
            }
            for ((who, b), w) in CALLERS.iter().zip(&browsers).zip(&wants) {
                refresh(&app, &mut fx).await;
                let fresh;
                let b = if row.fresh_session {
                    fresh = browser(&app, *who).await;
                    &fresh
                } else {
                    b
                };
                let a = send(b, method, row.path, row.arg, &row.arg.fields(&fx, *who), true).await;
                cells += 1;
                if !matches(*w, &a) {
                    mismatches.push(format!("{method} {} [{:?}] as {}: expected {w}, got {}", row.path, row.arg, who.label(), describe(&a)));
                }
            }
        }
    }

    // The callers' sessions survived the whole run (nothing above signed
    // them out or changed their accounts behind the table's back).
    for (who, b) in CALLERS.iter().zip(&browsers) {
        let r = b.app.query("phien", &[]).await;
        let v: serde_json::Value = r.json().await.unwrap();
        let name = v["user"]["username"].as_str().map(str::to_string);
        if name.as_deref() != who.username() {
            mismatches.push(format!("after the run, {} is signed in as {name:?}", who.label()));
        }
    }

    // What the refused calls asked for did not happen: the reports are
    // still drafts that never changed status since they were started, nothing was stashed (only the
    // clerks' own saves, which succeeded, could stash), and only the
    // administrator's account and upload were stored.
    for id in [fx.syt_report, fx.th_report] {
        let rep = entity::report::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
        if rep.status != "nhap" {
            mismatches.push(format!("report {id} is {:?} after the run, not a draft", rep.status));
        }
    }
    let moved = entity::report_event::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| !e.from_status.is_empty() && e.from_status != e.to_status)
        .count();
    let stashes = entity::form_stash::Entity::find().count(&app.db).await.unwrap();
    let jobs = entity::import_job::Entity::find().count(&app.db).await.unwrap();
    let users = entity::app_user::Entity::find().count(&app.db).await.unwrap();
    let hooks = entity::webhook_subscription::Entity::find().count(&app.db).await.unwrap();
    let expected_users = service::demo::DEMO_ACCOUNTS.len() as u64 + 4; // the fixture's three, the administrator's one
    for (what, got, want) in [
        ("status changes", moved as u64, 0),
        ("stashed forms", stashes, 0),
        ("import jobs", jobs, 3),
        ("accounts", users, expected_users),
        ("webhook subscriptions", hooks, 0),
    ] {
        if got != want {
            mismatches.push(format!("after the run there are {got} {what}, not {want}"));
        }
    }

    let mut summary = String::new();
    let _ = write!(
        summary,
        "access matrix on {b:?}: {} rows ({} endpoints, {post_rows} POST rows) × {} callers = {cells} cells in {:.1?}",
        TABLE.len(),
        existing.len(),
        CALLERS.len(),
        started.elapsed()
    );
    println!("{summary}");
    assert!(mismatches.is_empty(), "{summary}\n{} cells answered otherwise than the table says:\n  {}", mismatches.len(), mismatches.join("\n  "));
    app.stop().await;
}
