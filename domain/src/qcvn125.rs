//! QCVN 125:2021/BTTTT: the national technical regulation on the structure
//! and format of the data exchanged between the reporting information
//! systems of the National Reporting Information System (issued with
//! Circular 02/2021/TT-BTTTT). It lists thirteen packets (gói tin); baocao
//! offers its catalogue, figures and statuses as messages of those types,
//! each in a versioned envelope.
//!
//! This is the ONE place that names the fields on the wire: every payload
//! type below carries its wire name in a `#[serde(rename = …)]`. The
//! standard's packet names ([`MessageType::standard_name`]) are taken from
//! its text (clause 1.1); its field-level names were not at hand when this
//! was written, so the wire names here are provisional (Vietnamese without
//! diacritics, lowerCamelCase) and `docs/QCVN125.md` says so field by field.
//! Aligning them later means editing the renames in this file only.
//!
//! Pure: the service reads the database and hands the rows in; numbers
//! arrive as exact decimal strings and are never passed through a float.

use crate::calendar::{EntryWindow, Schedule};
use crate::regime::RegimeDoc;
use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, Utc};
use serde::{Serialize, Serializer};

/// The standard's identifier, as the envelope states it.
pub const STANDARD: &str = "QCVN 125:2021/BTTTT";
/// The version of baocao's envelope (raised when a wire name changes).
pub const ENVELOPE_VERSION: &str = "1.0";
/// The sending system (provisional identifier).
pub const SENDING_SYSTEM: &str = "HTTTBC-SONLA";
/// The receiving system: the Government's reporting information system
/// (provisional identifier).
pub const RECEIVING_SYSTEM: &str = "HTTTBC-CHINHPHU";

/// The thirteen packets of QCVN 125:2021/BTTTT, in the standard's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MessageType {
    /// Gói tin chế độ báo cáo.
    Regime,
    /// Gói tin biểu mẫu báo cáo.
    Form,
    /// Gói tin biểu mẫu báo cáo đề cương.
    Outline,
    /// Gói tin số liệu báo cáo.
    Figures,
    /// Gói tin số liệu báo cáo danh sách.
    ListFigures,
    /// Gói tin gửi đề cương báo cáo.
    SentOutline,
    /// Gói tin trạng thái báo cáo.
    ReportStatus,
    /// Gói tin danh mục kỳ báo cáo.
    PeriodCatalogue,
    /// Gói tin danh mục chỉ tiêu báo cáo.
    IndicatorCatalogue,
    /// Gói tin bộ chỉ số (KPI).
    KpiSet,
    /// Gói tin danh mục nhóm chỉ số.
    KpiGroup,
    /// Gói tin danh mục phân tổ chỉ số.
    KpiBreakdown,
    /// Gói tin dữ liệu chỉ số (KPI).
    KpiData,
}

impl MessageType {
    pub const ALL: [MessageType; 13] = [
        MessageType::Regime,
        MessageType::Form,
        MessageType::Outline,
        MessageType::Figures,
        MessageType::ListFigures,
        MessageType::SentOutline,
        MessageType::ReportStatus,
        MessageType::PeriodCatalogue,
        MessageType::IndicatorCatalogue,
        MessageType::KpiSet,
        MessageType::KpiGroup,
        MessageType::KpiBreakdown,
        MessageType::KpiData,
    ];

    /// The stable code: the address (`/api/v1/qcvn125/{code}`) and the
    /// envelope's message type. Never changes once published.
    pub fn code(self) -> &'static str {
        match self {
            MessageType::Regime => "che-do-bao-cao",
            MessageType::Form => "bieu-mau",
            MessageType::Outline => "de-cuong",
            MessageType::Figures => "so-lieu",
            MessageType::ListFigures => "so-lieu-danh-sach",
            MessageType::SentOutline => "gui-de-cuong",
            MessageType::ReportStatus => "trang-thai",
            MessageType::PeriodCatalogue => "ky-bao-cao",
            MessageType::IndicatorCatalogue => "chi-tieu",
            MessageType::KpiSet => "bo-chi-tieu",
            MessageType::KpiGroup => "nhom-chi-tieu",
            MessageType::KpiBreakdown => "phan-to",
            MessageType::KpiData => "so-lieu-chi-tieu",
        }
    }

    pub fn from_code(c: &str) -> Option<MessageType> {
        MessageType::ALL.into_iter().find(|m| m.code() == c)
    }

    /// The packet's name as the standard's text lists it (clause 1.1).
    pub fn standard_name(self) -> &'static str {
        match self {
            MessageType::Regime => "Gói tin chế độ báo cáo",
            MessageType::Form => "Gói tin biểu mẫu báo cáo",
            MessageType::Outline => "Gói tin biểu mẫu báo cáo đề cương",
            MessageType::Figures => "Gói tin số liệu báo cáo",
            MessageType::ListFigures => "Gói tin số liệu báo cáo danh sách",
            MessageType::SentOutline => "Gói tin gửi đề cương báo cáo",
            MessageType::ReportStatus => "Gói tin trạng thái báo cáo",
            MessageType::PeriodCatalogue => "Gói tin danh mục kỳ báo cáo",
            MessageType::IndicatorCatalogue => "Gói tin danh mục chỉ tiêu báo cáo",
            MessageType::KpiSet => "Gói tin bộ chỉ số (KPI)",
            MessageType::KpiGroup => "Gói tin danh mục nhóm chỉ số",
            MessageType::KpiBreakdown => "Gói tin danh mục phân tổ chỉ số",
            MessageType::KpiData => "Gói tin dữ liệu chỉ số (KPI)",
        }
    }

    /// Whether the message is paged (`after`/`limit`, `next` in the envelope).
    pub fn is_paged(self) -> bool {
        matches!(self, MessageType::ListFigures | MessageType::ReportStatus | MessageType::KpiData)
    }
}

impl Serialize for MessageType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// The answer to an unknown message code, listing the valid ones.
pub fn unknown_message(code: &str) -> String {
    let shown: String = code.chars().take(40).map(|c| if c.is_control() { '?' } else { c }).collect();
    let valid: Vec<String> = MessageType::ALL.iter().map(|m| format!("{} ({})", m.code(), m.standard_name())).collect();
    format!("Không có loại gói tin QCVN 125:2021/BTTTT «{shown}». Các loại gói tin: {}.", valid.join("; "))
}

/// An instant as ISO-8601 in Vietnam time: `2025-07-20T09:30:00+07:00`.
pub fn vn_iso(at: DateTime<Utc>) -> String {
    match FixedOffset::east_opt((crate::datefmt::VN_OFFSET_HOURS * 3600) as i32) {
        Some(offset) => at.with_timezone(&offset).to_rfc3339_opts(SecondsFormat::Secs, false),
        None => at.to_rfc3339_opts(SecondsFormat::Secs, true),
    }
}

fn ser_time<S: Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&vn_iso(*at))
}

fn ser_time_opt<S: Serializer>(at: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(t) => s.serialize_str(&vn_iso(*t)),
        None => s.serialize_none(),
    }
}

/// The versioned envelope every message travels in.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Envelope {
    #[serde(rename = "tieuChuan")]
    pub standard: &'static str,
    #[serde(rename = "phienBanGoiTin")]
    pub envelope_version: &'static str,
    #[serde(rename = "loaiGoiTin")]
    pub message_type: MessageType,
    #[serde(rename = "tenGoiTin")]
    pub message_name: &'static str,
    #[serde(rename = "maGoiTin")]
    pub message_id: String,
    #[serde(rename = "heThongGui")]
    pub sending_system: &'static str,
    #[serde(rename = "maDonViGui")]
    pub sending_unit: String,
    #[serde(rename = "heThongNhan")]
    pub receiving_system: &'static str,
    #[serde(rename = "thoiGianTao", serialize_with = "ser_time")]
    pub created_at: DateTime<Utc>,
    #[serde(rename = "soLuong")]
    pub item_count: usize,
    /// Paged messages only: pass as `after` for the next page; null on
    /// the last page (absent from messages that are not paged).
    #[serde(rename = "trangTiep", skip_serializing_if = "Option::is_none")]
    pub next: Option<Option<String>>,
    #[serde(rename = "duLieu")]
    pub payload: Payload,
}

impl Envelope {
    /// Wraps a payload: the message type and the count come from it, so they
    /// cannot disagree with what is carried.
    pub fn new(payload: Payload, message_id: String, sending_unit: String, created_at: DateTime<Utc>, next: Option<String>) -> Envelope {
        let message_type = payload.message_type();
        Envelope {
            standard: STANDARD,
            envelope_version: ENVELOPE_VERSION,
            message_type,
            message_name: message_type.standard_name(),
            message_id,
            sending_system: SENDING_SYSTEM,
            sending_unit,
            receiving_system: RECEIVING_SYSTEM,
            created_at,
            item_count: payload.len(),
            next: message_type.is_paged().then_some(next),
            payload,
        }
    }
}

/// A message id: the sending unit, the creation instant (Vietnam time, to
/// the millisecond) and a digest of the payload the caller computed.
pub fn message_id(sending_unit: &str, created_at: DateTime<Utc>, digest: &str) -> String {
    let local = crate::datefmt::to_vn_local(created_at);
    let d: String = digest.chars().filter(|c| c.is_ascii_alphanumeric()).take(12).collect();
    format!("{sending_unit}-{}-{d}", local.format("%Y%m%d%H%M%S%3f"))
}

/// What a message carries: one list per message type.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Payload {
    Regimes(Vec<RegimeMsg>),
    Forms(Vec<FormMsg>),
    Outlines(Vec<OutlineMsg>),
    Figures(Vec<FiguresMsg>),
    ListFigures(Vec<FiguresMsg>),
    SentOutlines(Vec<SentOutlineMsg>),
    Statuses(Vec<StatusMsg>),
    Periods(Vec<PeriodMsg>),
    Indicators(Vec<IndicatorMsg>),
    KpiSets(Vec<KpiSetMsg>),
    KpiGroups(Vec<KpiGroupMsg>),
    Breakdowns(Vec<BreakdownMsg>),
    KpiData(Vec<KpiDataMsg>),
}

impl Payload {
    pub fn message_type(&self) -> MessageType {
        match self {
            Payload::Regimes(_) => MessageType::Regime,
            Payload::Forms(_) => MessageType::Form,
            Payload::Outlines(_) => MessageType::Outline,
            Payload::Figures(_) => MessageType::Figures,
            Payload::ListFigures(_) => MessageType::ListFigures,
            Payload::SentOutlines(_) => MessageType::SentOutline,
            Payload::Statuses(_) => MessageType::ReportStatus,
            Payload::Periods(_) => MessageType::PeriodCatalogue,
            Payload::Indicators(_) => MessageType::IndicatorCatalogue,
            Payload::KpiSets(_) => MessageType::KpiSet,
            Payload::KpiGroups(_) => MessageType::KpiGroup,
            Payload::Breakdowns(_) => MessageType::KpiBreakdown,
            Payload::KpiData(_) => MessageType::KpiData,
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Payload::Regimes(v) => v.len(),
            Payload::Forms(v) => v.len(),
            Payload::Outlines(v) => v.len(),
            Payload::Figures(v) | Payload::ListFigures(v) => v.len(),
            Payload::SentOutlines(v) => v.len(),
            Payload::Statuses(v) => v.len(),
            Payload::Periods(v) => v.len(),
            Payload::Indicators(v) => v.len(),
            Payload::KpiSets(v) => v.len(),
            Payload::KpiGroups(v) => v.len(),
            Payload::Breakdowns(v) => v.len(),
            Payload::KpiData(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

// ---------------------------------------------------------------------------
// Gói tin chế độ báo cáo: one item per published version of a regime.

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegimeMsg {
    #[serde(rename = "maCheDo")]
    pub code: String,
    #[serde(rename = "tenCheDo")]
    pub name: String,
    #[serde(rename = "phienBan")]
    pub version: i32,
    /// The regime is still in use (not stopped by the administrator).
    #[serde(rename = "dangApDung")]
    pub active: bool,
    #[serde(rename = "ngayBanHanh", serialize_with = "ser_time")]
    pub published_at: DateTime<Utc>,
    #[serde(rename = "ngayHieuLuc")]
    pub effective_from: Option<NaiveDate>,
    #[serde(rename = "canCuPhapLy")]
    pub legal_basis: String,
    #[serde(rename = "noiDungBaoCao")]
    pub content: String,
    /// Unit or group codes (a group means all its units).
    #[serde(rename = "doiTuongThucHien")]
    pub reporting_units: Vec<String>,
    #[serde(rename = "coQuanNhan")]
    pub receiving_unit: String,
    #[serde(rename = "phuongThucGuiNhan")]
    pub sending_method: String,
    #[serde(rename = "tanSuat")]
    pub frequency: String,
    #[serde(rename = "tenTanSuat")]
    pub frequency_label: String,
    #[serde(rename = "kieuChotSoLieu")]
    pub window_style: String,
    #[serde(rename = "thoiGianChotSoLieu")]
    pub window_label: String,
    #[serde(rename = "thoiHanGui")]
    pub deadline_rule: String,
    #[serde(rename = "canPheDuyet")]
    pub approval_required: bool,
    #[serde(rename = "huongDan")]
    pub guidance: String,
    #[serde(rename = "soBieu")]
    pub form_number: String,
    #[serde(rename = "soChiTieu")]
    pub row_count: usize,
    #[serde(rename = "soMucDeCuong")]
    pub outline_count: usize,
}

/// A published version of a regime, as stored.
pub struct VersionIn<'a> {
    pub regime_code: &'a str,
    pub active: bool,
    pub version: i32,
    pub published_at: DateTime<Utc>,
    pub effective_from: Option<NaiveDate>,
    pub doc: &'a RegimeDoc,
}

pub fn regime_msg(v: &VersionIn) -> RegimeMsg {
    let s: &Schedule = &v.doc.schedule;
    RegimeMsg {
        code: v.regime_code.to_string(),
        name: v.doc.name.clone(),
        version: v.version,
        active: v.active,
        published_at: v.published_at,
        effective_from: v.effective_from,
        legal_basis: v.doc.legal_basis.clone(),
        content: v.doc.content.clone(),
        reporting_units: v.doc.reporting_units.clone(),
        receiving_unit: v.doc.receiving_unit.clone(),
        sending_method: v.doc.sending_method.clone(),
        frequency: s.frequency.code().to_string(),
        frequency_label: s.frequency.label().to_string(),
        window_style: s.window.code().to_string(),
        window_label: s.window.label().to_string(),
        deadline_rule: s.deadline.describe(s.working_days),
        approval_required: v.doc.approval_required,
        guidance: v.doc.guidance.clone(),
        form_number: v.doc.form_number.clone(),
        row_count: v.doc.row_count(),
        outline_count: v.doc.outline.len(),
    }
}

// ---------------------------------------------------------------------------
// Gói tin biểu mẫu báo cáo: a version's data form.

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FormMsg {
    #[serde(rename = "maCheDo")]
    pub regime_code: String,
    #[serde(rename = "phienBan")]
    pub version: i32,
    #[serde(rename = "soBieu")]
    pub form_number: String,
    #[serde(rename = "tenBieu")]
    pub title: String,
    #[serde(rename = "cot")]
    pub columns: Vec<FormColumnMsg>,
    #[serde(rename = "phan")]
    pub sections: Vec<FormSectionMsg>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FormColumnMsg {
    #[serde(rename = "maCot")]
    pub code: String,
    #[serde(rename = "tenCot")]
    pub label: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FormSectionMsg {
    /// Roman numeral, as printed.
    #[serde(rename = "stt")]
    pub number: String,
    #[serde(rename = "tieuDe")]
    pub title: String,
    #[serde(rename = "dong")]
    pub rows: Vec<FormRowMsg>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FormRowMsg {
    #[serde(rename = "stt")]
    pub number: usize,
    #[serde(rename = "maChiTieu")]
    pub indicator: String,
    #[serde(rename = "tenChiTieu")]
    pub name: String,
    #[serde(rename = "donViTinh")]
    pub unit: String,
    #[serde(rename = "batBuoc")]
    pub required: bool,
}

/// The form of a version; `names` gives an indicator's (name, unit of measure).
pub fn form_msg(v: &VersionIn, names: &dyn Fn(&str) -> Option<(String, String)>) -> FormMsg {
    let mut n = 0;
    FormMsg {
        regime_code: v.regime_code.to_string(),
        version: v.version,
        form_number: v.doc.form_number.clone(),
        title: v.doc.name.clone(),
        columns: v.doc.columns.iter().map(|c| FormColumnMsg { code: c.code().to_string(), label: c.label().to_string() }).collect(),
        sections: v
            .doc
            .sections
            .iter()
            .enumerate()
            .map(|(i, s)| FormSectionMsg {
                number: crate::regime::roman(i + 1),
                title: s.title.clone(),
                rows: s
                    .rows
                    .iter()
                    .map(|r| {
                        n += 1;
                        let (name, unit) = names(&r.indicator).unwrap_or_default();
                        FormRowMsg { number: n, indicator: r.indicator.clone(), name, unit, required: r.required }
                    })
                    .collect(),
            })
            .collect(),
    }
}

// ---------------------------------------------------------------------------
// Gói tin biểu mẫu báo cáo đề cương: a version's outline.

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OutlineMsg {
    #[serde(rename = "maCheDo")]
    pub regime_code: String,
    #[serde(rename = "phienBan")]
    pub version: i32,
    #[serde(rename = "muc")]
    pub sections: Vec<OutlineSectionMsg>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OutlineSectionMsg {
    #[serde(rename = "stt")]
    pub number: usize,
    #[serde(rename = "tieuDe")]
    pub title: String,
    #[serde(rename = "huongDan")]
    pub guidance: String,
}

pub fn outline_msg(v: &VersionIn) -> OutlineMsg {
    OutlineMsg {
        regime_code: v.regime_code.to_string(),
        version: v.version,
        sections: v
            .doc
            .outline
            .iter()
            .enumerate()
            .map(|(i, s)| OutlineSectionMsg { number: i + 1, title: s.title.clone(), guidance: s.guidance.clone() })
            .collect(),
    }
}

// ---------------------------------------------------------------------------
// A report as the figure, outline and status messages name it.

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReportRef {
    #[serde(rename = "idBaoCao")]
    pub id: i32,
    #[serde(rename = "maCheDo")]
    pub regime_code: String,
    #[serde(rename = "phienBan")]
    pub version: i32,
    #[serde(rename = "maDonVi")]
    pub unit_code: String,
    #[serde(rename = "maKy")]
    pub period_key: String,
    #[serde(rename = "maTrangThai")]
    pub status: String,
    #[serde(rename = "thoiGianGui", serialize_with = "ser_time_opt")]
    pub sent_at: Option<DateTime<Utc>>,
}

// ---------------------------------------------------------------------------
// Gói tin số liệu báo cáo (and, a list of them, số liệu báo cáo danh sách).

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FiguresMsg {
    #[serde(rename = "baoCao")]
    pub report: ReportRef,
    #[serde(rename = "soLieu")]
    pub figures: Vec<FigureMsg>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FigureMsg {
    #[serde(rename = "maChiTieu")]
    pub indicator: String,
    /// A breakdown part's code; "" for the indicator's total.
    #[serde(rename = "maPhanTo")]
    pub part: String,
    /// Numbers as exact decimal strings ("1234.5"), yes/no as booleans,
    /// dates as "YYYY-MM-DD", text as text; null when none is stored.
    #[serde(rename = "giaTri")]
    pub value: serde_json::Value,
    #[serde(rename = "ghiChu")]
    pub comment: String,
    #[serde(rename = "thoiGianCapNhat", serialize_with = "ser_time")]
    pub updated_at: DateTime<Utc>,
}

// ---------------------------------------------------------------------------
// Gói tin gửi đề cương báo cáo: the text a unit wrote under each outline section.

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SentOutlineMsg {
    #[serde(rename = "baoCao")]
    pub report: ReportRef,
    #[serde(rename = "noiDung")]
    pub sections: Vec<SentSectionMsg>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SentSectionMsg {
    #[serde(rename = "stt")]
    pub number: usize,
    #[serde(rename = "tieuDe")]
    pub title: String,
    #[serde(rename = "noiDung")]
    pub text: String,
}

/// Pairs the outline's sections with the texts written (missing texts are empty).
pub fn sent_outline_msg(report: ReportRef, doc: &RegimeDoc, texts: &[String]) -> SentOutlineMsg {
    SentOutlineMsg {
        report,
        sections: doc
            .outline
            .iter()
            .enumerate()
            .map(|(i, s)| SentSectionMsg { number: i + 1, title: s.title.clone(), text: texts.get(i).cloned().unwrap_or_default() })
            .collect(),
    }
}

// ---------------------------------------------------------------------------
// Gói tin trạng thái báo cáo.

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StatusMsg {
    /// The report's identity, code, status and time sent, as the other
    /// messages name a report.
    #[serde(flatten)]
    pub report: ReportRef,
    #[serde(rename = "tenTrangThai")]
    pub status_label: String,
    /// Sent or accepted: its figures are delivered ones.
    #[serde(rename = "daGui")]
    pub delivered: bool,
    #[serde(rename = "dungHan")]
    pub on_time: Option<bool>,
    #[serde(rename = "phienBanDuLieu")]
    pub row_version: i32,
    #[serde(rename = "thoiGianTao", serialize_with = "ser_time")]
    pub created_at: DateTime<Utc>,
    #[serde(rename = "thoiGianCapNhat", serialize_with = "ser_time")]
    pub updated_at: DateTime<Utc>,
    #[serde(rename = "thoiGianPheDuyet", serialize_with = "ser_time_opt")]
    pub approved_at: Option<DateTime<Utc>>,
    /// When the office accepted or returned it.
    #[serde(rename = "thoiGianXuLy", serialize_with = "ser_time_opt")]
    pub reviewed_at: Option<DateTime<Utc>>,
}

/// The Vietnamese label of a status code (the code itself when unknown).
pub fn status_label(code: &str) -> String {
    crate::report::ReportStatus::from_code(code).map(|s| s.label().to_string()).unwrap_or_else(|| code.to_string())
}

// ---------------------------------------------------------------------------
// Gói tin danh mục kỳ báo cáo: a regime's periods of a year with their windows.

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PeriodMsg {
    #[serde(rename = "maCheDo")]
    pub regime_code: String,
    /// The version in force for the period.
    #[serde(rename = "phienBan")]
    pub version: i32,
    #[serde(rename = "maKy")]
    pub key: String,
    #[serde(rename = "tenKy")]
    pub label: String,
    #[serde(rename = "tanSuat")]
    pub frequency: String,
    #[serde(rename = "nam")]
    pub year: i32,
    /// The calendar months the period covers.
    #[serde(rename = "tuNgay")]
    pub from: NaiveDate,
    #[serde(rename = "denNgay")]
    pub to: NaiveDate,
    /// Decree 09 art. 12 data cut-off window (or the calendar one).
    #[serde(rename = "chotSoLieuTuNgay")]
    pub cutoff_start: NaiveDate,
    #[serde(rename = "chotSoLieuDenNgay")]
    pub cutoff_end: NaiveDate,
    #[serde(rename = "ngayBatDauNhap")]
    pub opens: NaiveDate,
    #[serde(rename = "hanGui")]
    pub deadline: NaiveDate,
    /// The last day a late report is still taken.
    #[serde(rename = "hanNhanMuon")]
    pub locks: NaiveDate,
}

pub fn period_msg(regime_code: &str, version: i32, p: &crate::period::Period, w: &EntryWindow) -> PeriodMsg {
    let ((y1, m1), (y2, m2)) = p.months();
    PeriodMsg {
        regime_code: regime_code.to_string(),
        version,
        key: p.key(),
        label: p.label(),
        frequency: p.frequency().code().to_string(),
        year: p.year(),
        from: crate::period::date(y1, m1, 1),
        to: crate::period::last_day_of_month(y2, m2),
        cutoff_start: w.cutoff_start,
        cutoff_end: w.cutoff_end,
        opens: w.opens,
        deadline: w.deadline,
        locks: w.locks,
    }
}

// ---------------------------------------------------------------------------
// Gói tin danh mục chỉ tiêu báo cáo.

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IndicatorMsg {
    #[serde(rename = "maChiTieu")]
    pub code: String,
    #[serde(rename = "tenChiTieu")]
    pub name: String,
    #[serde(rename = "donViTinh")]
    pub unit: String,
    #[serde(rename = "kieuDuLieu")]
    pub value_type: String,
    #[serde(rename = "soChuSoThapPhan")]
    pub scale: i16,
    #[serde(rename = "phuongPhapTongHop")]
    pub aggregation: String,
    #[serde(rename = "linhVuc")]
    pub sector: String,
    /// Part of the provincial statistical indicator system.
    #[serde(rename = "thuocHeThongChiTieuThongKe")]
    pub statistical: bool,
    #[serde(rename = "maChiTieuQuocGia")]
    pub national_code: String,
    /// The breakdown (phân tổ) whose parts add up to the total.
    #[serde(rename = "maPhanTo")]
    pub breakdown: Option<String>,
    #[serde(rename = "cacPhan")]
    pub parts: Vec<PartMsg>,
    #[serde(rename = "congKhai")]
    pub public: bool,
    #[serde(rename = "dangSuDung")]
    pub active: bool,
    #[serde(rename = "thoiGianCapNhat", serialize_with = "ser_time")]
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PartMsg {
    #[serde(rename = "ma")]
    pub code: String,
    #[serde(rename = "ten")]
    pub name: String,
}

// ---------------------------------------------------------------------------
// Gói tin bộ chỉ số (KPI): named sets of indicators.

/// The provincial statistical indicator system (what the 50 % target counts).
pub const SET_STATISTICAL: &str = "HE-THONG-CHI-TIEU-THONG-KE-TINH";
/// The leaders' key indicators (the dashboard's, in its order).
pub const SET_KEY: &str = "CHI-TIEU-CHU-YEU";

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KpiSetMsg {
    #[serde(rename = "maBoChiSo")]
    pub code: String,
    #[serde(rename = "tenBoChiSo")]
    pub name: String,
    #[serde(rename = "moTa")]
    pub description: String,
    #[serde(rename = "chiSo")]
    pub members: Vec<KpiMemberMsg>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KpiMemberMsg {
    #[serde(rename = "stt")]
    pub number: usize,
    #[serde(rename = "maChiTieu")]
    pub indicator: String,
}

pub fn kpi_set(code: &str, name: &str, description: &str, indicators: &[String]) -> KpiSetMsg {
    KpiSetMsg {
        code: code.to_string(),
        name: name.to_string(),
        description: description.to_string(),
        members: indicators.iter().enumerate().map(|(i, c)| KpiMemberMsg { number: i + 1, indicator: c.clone() }).collect(),
    }
}

// ---------------------------------------------------------------------------
// Gói tin danh mục nhóm chỉ số: baocao groups indicators by sector (lĩnh vực).

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KpiGroupMsg {
    #[serde(rename = "maNhom")]
    pub code: String,
    #[serde(rename = "tenNhom")]
    pub name: String,
    #[serde(rename = "chiSo")]
    pub indicators: Vec<String>,
}

/// A group's code from its sector's name: ASCII, upper-case, words joined
/// by `-` ("Y tế" → `Y-TE`; "" → `KHAC`).
pub fn group_code(sector: &str) -> String {
    let folded = crate::text::fold(sector);
    let words: Vec<String> = folded.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).map(|w| w.to_ascii_uppercase()).collect();
    if words.is_empty() { "KHAC".to_string() } else { words.join("-") }
}

/// Groups (indicator code, sector) pairs by sector, in sector order; an
/// indicator without a sector goes to "Khác".
pub fn kpi_groups(indicators: &[(String, String)]) -> Vec<KpiGroupMsg> {
    let mut by: std::collections::BTreeMap<String, Vec<String>> = std::collections::BTreeMap::new();
    for (code, sector) in indicators {
        let name = if sector.trim().is_empty() { "Khác".to_string() } else { sector.trim().to_string() };
        by.entry(name).or_default().push(code.clone());
    }
    by.into_iter().map(|(name, indicators)| KpiGroupMsg { code: group_code(&name), name, indicators }).collect()
}

// ---------------------------------------------------------------------------
// Gói tin danh mục phân tổ chỉ số.

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BreakdownMsg {
    #[serde(rename = "maPhanTo")]
    pub code: String,
    #[serde(rename = "tenPhanTo")]
    pub name: String,
    #[serde(rename = "cacPhan")]
    pub parts: Vec<PartMsg>,
    /// Indicators broken down by it.
    #[serde(rename = "chiSo")]
    pub indicators: Vec<String>,
}

// ---------------------------------------------------------------------------
// Gói tin dữ liệu chỉ số (KPI): an indicator (or a part) for a unit, a group
// or the province in a period, from delivered figures.

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KpiDataMsg {
    #[serde(rename = "maChiTieu")]
    pub indicator: String,
    #[serde(rename = "maPhanTo")]
    pub part: String,
    #[serde(rename = "maDonVi")]
    pub unit: String,
    #[serde(rename = "loaiDonVi")]
    pub unit_kind: String,
    #[serde(rename = "maKy")]
    pub period: String,
    /// Exact decimal with a dot; null when there is no figure (never zero).
    #[serde(rename = "giaTri")]
    pub value: Option<String>,
    #[serde(rename = "soDonViDaBaoCao")]
    pub reported: usize,
    #[serde(rename = "soDonViPhaiBaoCao")]
    pub expected: usize,
    #[serde(rename = "soDonViDaTiepNhan")]
    pub accepted: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::column::Column;
    use crate::dec::Dec;
    use crate::regime::{FormRow, FormSection, OutlineSection};
    use chrono::TimeZone;
    use serde_json::{Value, json};

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 7, 20, 2, 30, 0).unwrap()
    }

    fn doc() -> RegimeDoc {
        let mut d = RegimeDoc::new("KTXH_XA", "Báo cáo tình hình kinh tế - xã hội cấp xã");
        d.legal_basis = "Nghị định 09/2019/NĐ-CP".into();
        d.form_number = "01/KTXH".into();
        d.columns = vec![Column::Current, Column::SamePeriodLastYear];
        d.sections = vec![
            FormSection { title: "Dân số".into(), rows: vec![FormRow { indicator: "DS03".into(), required: true }] },
            FormSection { title: "Kinh tế".into(), rows: vec![FormRow { indicator: "NS01".into(), required: false }] },
        ];
        d.outline = vec![OutlineSection { title: "Kết quả đạt được".into(), guidance: "Nêu kết quả".into() }];
        d
    }

    fn version(d: &RegimeDoc) -> VersionIn<'_> {
        VersionIn { regime_code: "KTXH_XA", active: true, version: 2, published_at: at(), effective_from: None, doc: d }
    }

    fn report() -> ReportRef {
        ReportRef {
            id: 7,
            regime_code: "KTXH_XA".into(),
            version: 2,
            unit_code: "03646".into(),
            period_key: "2025-07".into(),
            status: "da_gui".into(),
            sent_at: Some(at()),
        }
    }

    fn figures(value: Value) -> FiguresMsg {
        FiguresMsg {
            report: report(),
            figures: vec![FigureMsg { indicator: "NS01".into(), part: String::new(), value, comment: String::new(), updated_at: at() }],
        }
    }

    /// One payload of every message type.
    fn every_payload() -> Vec<Payload> {
        let d = doc();
        let v = version(&d);
        let p = crate::period::Period::Month { year: 2025, month: 7 };
        let w = d.schedule.entry_window(&p, &crate::calendar::Holidays::default());
        vec![
            Payload::Regimes(vec![regime_msg(&v)]),
            Payload::Forms(vec![form_msg(&v, &|c| Some((format!("Tên {c}"), "người".into())))]),
            Payload::Outlines(vec![outline_msg(&v)]),
            Payload::Figures(vec![figures(json!("1234.5"))]),
            Payload::ListFigures(vec![figures(json!("1")), figures(json!("2"))]),
            Payload::SentOutlines(vec![sent_outline_msg(report(), &d, &["Đã làm".into()])]),
            Payload::Statuses(vec![StatusMsg {
                report: report(),
                status_label: status_label("da_gui"),
                delivered: true,
                on_time: Some(true),
                row_version: 3,
                created_at: at(),
                updated_at: at(),
                approved_at: None,
                reviewed_at: None,
            }]),
            Payload::Periods(vec![period_msg("KTXH_XA", 2, &p, &w)]),
            Payload::Indicators(vec![IndicatorMsg {
                code: "DS03".into(),
                name: "Dân số trung bình".into(),
                unit: "người".into(),
                value_type: "integer".into(),
                scale: 0,
                aggregation: "sum".into(),
                sector: "Dân số".into(),
                statistical: true,
                national_code: "0101".into(),
                breakdown: Some("GT".into()),
                parts: vec![PartMsg { code: "nam".into(), name: "Nam".into() }, PartMsg { code: "nu".into(), name: "Nữ".into() }],
                public: false,
                active: true,
                updated_at: at(),
            }]),
            Payload::KpiSets(vec![kpi_set(SET_KEY, "Chỉ tiêu chủ yếu", "", &["DS03".into()])]),
            Payload::KpiGroups(kpi_groups(&[("DS03".into(), "Dân số".into())])),
            Payload::Breakdowns(vec![BreakdownMsg {
                code: "GT".into(),
                name: "Giới tính".into(),
                parts: vec![PartMsg { code: "nam".into(), name: "Nam".into() }],
                indicators: vec!["DS03".into()],
            }]),
            Payload::KpiData(vec![KpiDataMsg {
                indicator: "DS03".into(),
                part: String::new(),
                unit: "SL".into(),
                unit_kind: "tinh".into(),
                period: "2025-07".into(),
                value: Some("1234567.5".into()),
                reported: 2,
                expected: 3,
                accepted: 1,
            }]),
        ]
    }

    #[test]
    fn every_message_type_serializes_in_the_envelope() {
        let payloads = every_payload();
        let kinds: Vec<MessageType> = payloads.iter().map(Payload::message_type).collect();
        assert_eq!(kinds, MessageType::ALL.to_vec(), "one payload per type, in the standard's order");
        for p in payloads {
            let t = p.message_type();
            let n = p.len();
            let e = Envelope::new(p, message_id("SL", at(), "abcdef0123456789"), "SL".into(), at(), Some("9".into()));
            let v = serde_json::to_value(&e).unwrap();
            assert_eq!(v["tieuChuan"], "QCVN 125:2021/BTTTT");
            assert_eq!(v["phienBanGoiTin"], ENVELOPE_VERSION);
            assert_eq!(v["loaiGoiTin"], t.code());
            assert_eq!(v["tenGoiTin"], t.standard_name());
            assert_eq!(v["maGoiTin"], "SL-20250720093000000-abcdef012345");
            assert_eq!(
                (v["heThongGui"].as_str(), v["maDonViGui"].as_str(), v["heThongNhan"].as_str()),
                (Some(SENDING_SYSTEM), Some("SL"), Some(RECEIVING_SYSTEM))
            );
            assert_eq!(v["thoiGianTao"], "2025-07-20T09:30:00+07:00", "Vietnam time with its offset");
            assert_eq!(v["soLuong"], n);
            assert!(n > 0);
            let items = v["duLieu"].as_array().expect("the payload is a list");
            assert_eq!(items.len(), n);
            assert!(items.iter().all(|i| i.is_object() && !i.as_object().unwrap().is_empty()));
            // Only paged messages say where the next page starts.
            assert_eq!(v.get("trangTiep").is_some(), t.is_paged(), "{}", t.code());
        }
    }

    #[test]
    fn codes_are_stable_ascii_and_round_trip() {
        let codes: Vec<&str> = MessageType::ALL.iter().map(|m| m.code()).collect();
        assert_eq!(
            codes,
            [
                "che-do-bao-cao",
                "bieu-mau",
                "de-cuong",
                "so-lieu",
                "so-lieu-danh-sach",
                "gui-de-cuong",
                "trang-thai",
                "ky-bao-cao",
                "chi-tieu",
                "bo-chi-tieu",
                "nhom-chi-tieu",
                "phan-to",
                "so-lieu-chi-tieu"
            ]
        );
        for m in MessageType::ALL {
            assert!(m.code().chars().all(|c| c.is_ascii_lowercase() || c == '-'));
            assert_eq!(MessageType::from_code(m.code()), Some(m));
            assert_eq!(serde_json::to_value(m).unwrap(), m.code());
            assert!(m.standard_name().starts_with("Gói tin "));
        }
        assert_eq!(MessageType::from_code("SO-LIEU"), None);
        let msg = unknown_message("khong-co\u{7}");
        assert!(msg.contains("«khong-co?»") && msg.contains("Các loại gói tin"));
        for m in MessageType::ALL {
            assert!(msg.contains(m.code()) && msg.contains(m.standard_name()));
        }
    }

    #[test]
    fn decimal_figures_travel_exact() {
        // Beyond what an f64 holds: the string is carried as it is.
        let big = Dec::from_scaled(1_234_567_890_123_456_789, 2).to_string();
        assert_eq!(big, "12345678901234567.89");
        for s in [big.as_str(), "0.1", "-0.05", "1234.5"] {
            let v = serde_json::to_value(figures(json!(s))).unwrap();
            assert_eq!(v["soLieu"][0]["giaTri"], json!(s));
        }
        let text = serde_json::to_string(&Envelope::new(Payload::Figures(vec![figures(json!(big))]), "x".into(), "SL".into(), at(), None)).unwrap();
        assert!(text.contains("\"giaTri\":\"12345678901234567.89\""), "{text}");
    }

    #[test]
    fn form_outline_and_regime_follow_the_version() {
        let d = doc();
        let v = version(&d);
        let f = form_msg(&v, &|c| (c == "DS03").then(|| ("Dân số".into(), "người".into())));
        assert_eq!((f.sections[0].number.as_str(), f.sections[1].number.as_str()), ("I", "II"));
        assert_eq!((f.sections[0].rows[0].number, f.sections[1].rows[0].number), (1, 2), "rows numbered through the form");
        assert_eq!(f.sections[0].rows[0].unit, "người");
        assert_eq!(f.sections[1].rows[0].name, "", "an unknown indicator keeps its code only");
        assert_eq!(f.columns.iter().map(|c| c.code.as_str()).collect::<Vec<_>>(), ["ky_nay", "cung_ky"]);
        let r = regime_msg(&v);
        assert_eq!((r.row_count, r.outline_count, r.frequency.as_str()), (2, 1, "thang"));
        assert!(r.deadline_rule.starts_with("Ngày 20"));
        let s = sent_outline_msg(report(), &d, &[]);
        assert_eq!(s.sections[0].text, "", "a section left empty");
    }

    #[test]
    fn periods_carry_the_decree09_window() {
        let d = doc();
        let p = crate::period::Period::Month { year: 2025, month: 7 };
        let w = d.schedule.entry_window(&p, &crate::calendar::Holidays::default());
        let m = period_msg("KTXH_XA", 2, &p, &w);
        let v = serde_json::to_value(&m).unwrap();
        assert_eq!((v["tuNgay"].as_str(), v["denNgay"].as_str()), (Some("2025-07-01"), Some("2025-07-31")));
        assert_eq!((v["chotSoLieuTuNgay"].as_str(), v["chotSoLieuDenNgay"].as_str()), (Some("2025-06-15"), Some("2025-07-14")));
        assert_eq!(v["hanGui"], w.deadline.format("%Y-%m-%d").to_string());
    }

    #[test]
    fn groups_have_ascii_codes() {
        assert_eq!(group_code("Y tế"), "Y-TE");
        assert_eq!(group_code("Giáo dục và Đào tạo"), "GIAO-DUC-VA-DAO-TAO");
        assert_eq!(group_code("  "), "KHAC");
        let g = kpi_groups(&[("A1".into(), "Y tế".into()), ("B1".into(), "".into()), ("A2".into(), "Y tế".into())]);
        assert_eq!(g.len(), 2);
        assert_eq!((g[0].name.as_str(), g[0].indicators.len()), ("Khác", 1));
        assert_eq!((g[1].code.as_str(), g[1].indicators.clone()), ("Y-TE", vec!["A1".to_string(), "A2".to_string()]));
    }

    #[test]
    fn the_last_page_has_no_next() {
        let e = Envelope::new(Payload::Statuses(vec![]), "x".into(), "SL".into(), at(), None);
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!((v.get("trangTiep"), v["soLuong"].as_u64()), (Some(&Value::Null), Some(0)), "present, null");
        let e = Envelope::new(Payload::Regimes(vec![]), "x".into(), "SL".into(), at(), Some("5".into()));
        assert!(serde_json::to_value(&e).unwrap().get("trangTiep").is_none());
    }
}
