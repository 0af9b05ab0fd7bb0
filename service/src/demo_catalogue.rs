//! The demonstration catalogue: indicators across the sectors the province's
//! decision 1836/QĐ-UBND names, and report regimes drawn from it, each with
//! rules. Loaded through the same checked import path as any catalogue file.

use crate::catalogue::transfer::{BreakdownFile, CatalogueFile, IndicatorFile, RegimeFile, VersionFile, FORMAT, FORMAT_VERSION};
use chrono::{TimeZone, Utc};
use domain::calendar::{DeadlineRule, Schedule};
use domain::catalogue::{HolidayRow, IndicatorFields};
use domain::column::Column;
use domain::indicator::{Aggregation, BreakdownPart, ValueType};
use domain::org::{GROUP_BRANCHES, GROUP_COMMUNES, GROUP_DEPARTMENTS};
use domain::period::{date, Frequency, WindowStyle};
use domain::regime::{FormRow, FormSection, OutlineSection, RegimeDoc};
use domain::rules::{MissingStrategy, RuleDef, Severity};

struct Ind(&'static str, &'static str, &'static str, ValueType, u8, Option<i64>, Option<i64>, Aggregation, &'static str, &'static str, bool, Option<&'static str>);

fn indicators() -> Vec<IndicatorFile> {
    use Aggregation::{Average, Last, Sum};
    use ValueType::*;
    const DS: &str = "Dân số - Lao động";
    const NS: &str = "Ngân sách - Tài chính";
    const GD: &str = "Giáo dục - Đào tạo";
    const YT: &str = "Y tế";
    const LN: &str = "Nông nghiệp - Lâm nghiệp";
    const GN: &str = "Giảm nghèo - An sinh xã hội";
    const HC: &str = "Cải cách hành chính";
    const CD: &str = "Chuyển đổi số";
    const KT: &str = "Kinh tế - Doanh nghiệp";
    let list = [
        Ind("DS01", "Dân số trung bình", "Người", Integer, 0, Some(0), None, Last, DS, "TKT", true, Some("gioi_tinh")),
        Ind("DS02", "Số hộ gia đình", "Hộ", Integer, 0, Some(0), None, Last, DS, "TKT", true, None),
        Ind("DS03", "Số trẻ em sinh ra trong kỳ", "Trẻ", Integer, 0, Some(0), None, Sum, DS, "SYT", true, Some("gioi_tinh")),
        Ind("DS04", "Tỷ lệ tăng dân số tự nhiên", "%", Percent, 2, Some(-1000), Some(1000), Average, DS, "TKT", true, None),
        Ind("DS05", "Số lao động được tạo việc làm mới", "Người", Integer, 0, Some(0), None, Sum, DS, "SNV", false, None),
        Ind("NS01", "Thu ngân sách nhà nước trên địa bàn", "Triệu đồng", Decimal, 1, Some(0), None, Sum, NS, "STC", true, None),
        Ind("NS02", "Thu nội địa", "Triệu đồng", Decimal, 1, Some(0), None, Sum, NS, "STC", true, None),
        Ind("NS03", "Chi ngân sách địa phương", "Triệu đồng", Decimal, 1, Some(0), None, Sum, NS, "STC", true, None),
        Ind("NS04", "Chi đầu tư phát triển", "Triệu đồng", Decimal, 1, Some(0), None, Sum, NS, "STC", true, None),
        Ind("NS05", "Tỷ lệ giải ngân vốn đầu tư công", "%", Percent, 1, Some(0), Some(1000), Last, NS, "STC", true, None),
        Ind("GD01", "Số học sinh mầm non", "Học sinh", Integer, 0, Some(0), None, Last, GD, "SGDDT", true, Some("gioi_tinh")),
        Ind("GD02", "Số học sinh tiểu học", "Học sinh", Integer, 0, Some(0), None, Last, GD, "SGDDT", true, Some("gioi_tinh")),
        Ind("GD03", "Số học sinh trung học cơ sở", "Học sinh", Integer, 0, Some(0), None, Last, GD, "SGDDT", true, Some("gioi_tinh")),
        Ind("GD04", "Tỷ lệ huy động trẻ 6 tuổi vào lớp 1", "%", Percent, 1, Some(0), Some(1000), Last, GD, "SGDDT", true, None),
        Ind("GD05", "Số trường đạt chuẩn quốc gia", "Trường", Integer, 0, Some(0), None, Last, GD, "SGDDT", true, None),
        Ind("GD06", "Tỷ lệ học sinh bỏ học", "%", Percent, 2, Some(0), Some(10000), Last, GD, "SGDDT", false, None),
        Ind("YT01", "Số giường bệnh", "Giường", Integer, 0, Some(0), None, Last, YT, "SYT", true, None),
        Ind("YT02", "Số lượt khám chữa bệnh", "Lượt", Integer, 0, Some(0), None, Sum, YT, "SYT", true, None),
        Ind("YT03", "Số bác sĩ", "Người", Integer, 0, Some(0), None, Last, YT, "SYT", true, None),
        Ind("YT04", "Tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ", "%", Percent, 1, Some(0), Some(1000), Last, YT, "SYT", true, None),
        Ind("YT05", "Tỷ lệ dân số tham gia bảo hiểm y tế", "%", Percent, 1, Some(0), Some(1000), Last, YT, "SYT", true, None),
        Ind("YT06", "Số ca mắc sốt xuất huyết", "Ca", Integer, 0, Some(0), None, Sum, YT, "SYT", false, None),
        Ind("LN01", "Tỷ lệ che phủ rừng", "%", Percent, 1, Some(0), Some(1000), Last, LN, "SNNMT", true, None),
        Ind("LN02", "Diện tích rừng trồng mới", "Ha", Decimal, 1, Some(0), None, Sum, LN, "SNNMT", true, None),
        Ind("LN03", "Số vụ cháy rừng", "Vụ", Integer, 0, Some(0), None, Sum, LN, "SNNMT", false, None),
        Ind("LN04", "Tổng sản lượng lương thực có hạt", "Tấn", Decimal, 1, Some(0), None, Sum, LN, "SNNMT", true, None),
        Ind("GN01", "Tỷ lệ hộ nghèo đa chiều", "%", Percent, 2, Some(0), Some(10000), Last, GN, "SNV", true, None),
        Ind("GN02", "Số hộ nghèo", "Hộ", Integer, 0, Some(0), None, Last, GN, "SNV", true, None),
        Ind("GN03", "Số hộ thoát nghèo trong kỳ", "Hộ", Integer, 0, Some(0), None, Sum, GN, "SNV", false, None),
        Ind("HC01", "Số hồ sơ thủ tục hành chính tiếp nhận", "Hồ sơ", Integer, 0, Some(0), None, Sum, HC, "VPUBND", true, None),
        Ind("HC02", "Số hồ sơ tiếp nhận trực tuyến toàn trình", "Hồ sơ", Integer, 0, Some(0), None, Sum, HC, "VPUBND", true, None),
        Ind("HC03", "Tỷ lệ hồ sơ giải quyết đúng hạn", "%", Percent, 1, Some(0), Some(1000), Last, HC, "VPUBND", true, None),
        Ind("CDS01", "Có hệ thống quản lý văn bản và điều hành", "Có/Không", YesNo, 0, None, None, Last, CD, "SKHCN", false, None),
        Ind("CDS02", "Tỷ lệ văn bản đi được ký số", "%", Percent, 1, Some(0), Some(1000), Last, CD, "SKHCN", true, None),
        Ind("CDS03", "Số cơ sở dữ liệu chuyên ngành đã kết nối kho dữ liệu dùng chung", "CSDL", Integer, 0, Some(0), None, Last, CD, "SKHCN", true, None),
        Ind("CDS04", "Số cán bộ được bồi dưỡng kỹ năng số", "Người", Integer, 0, Some(0), None, Sum, CD, "SKHCN", false, None),
        Ind("CDS05", "Ngày cập nhật dữ liệu gần nhất lên kho dữ liệu tỉnh", "Ngày", Date, 0, None, None, Last, CD, "SKHCN", false, None),
        Ind("CDS06", "Khó khăn, vướng mắc trong chuyển đổi số", "", Text, 0, None, None, Aggregation::None, CD, "SKHCN", false, None),
        Ind("KT01", "Số doanh nghiệp thành lập mới", "Doanh nghiệp", Integer, 0, Some(0), None, Sum, KT, "STC", true, None),
        Ind("KT02", "Số lượt khách du lịch", "Lượt", Integer, 0, Some(0), None, Sum, KT, "SVHTTDL", true, None),
    ];
    list.into_iter()
        .map(|Ind(code, name, unit, vt, scale, min, max, agg, sector, owner, stat, bd)| IndicatorFile {
            fields: IndicatorFields {
                code: code.into(),
                name: name.into(),
                unit: unit.into(),
                value_type: vt,
                scale,
                min,
                max,
                aggregation: agg,
                sector: sector.into(),
                owner_unit: Some(owner.into()),
                statistical: stat,
                breakdown: bd.map(Into::into),
                method: String::new(),
                description: String::new(),
                national_code: String::new(),
                rate_of: None,
            },
            active: true,
        })
        .collect()
}

fn rows(codes: &[(&str, bool)]) -> Vec<FormRow> {
    codes.iter().map(|(c, req)| FormRow { indicator: (*c).into(), required: *req }).collect()
}

fn section(title: &str, codes: &[(&str, bool)]) -> FormSection {
    FormSection { title: title.into(), rows: rows(codes) }
}

fn rule(expr: &str, msg: &str, severity: Severity, missing: MissingStrategy) -> RuleDef {
    RuleDef { expression: expr.into(), message: msg.into(), severity, missing }
}

fn outline(items: &[(&str, &str)]) -> Vec<OutlineSection> {
    items.iter().map(|(t, g)| OutlineSection { title: (*t).into(), guidance: (*g).into() }).collect()
}

#[allow(clippy::too_many_arguments)]
fn regime(
    code: &str,
    name: &str,
    form_number: &str,
    units: &[&str],
    schedule: Schedule,
    approval: bool,
    columns: Vec<Column>,
    content: &str,
    sections: Vec<FormSection>,
    outline_items: Vec<OutlineSection>,
    rules: Vec<RuleDef>,
) -> RegimeFile {
    let mut d = RegimeDoc::new(code, name);
    d.legal_basis = "Nghị định số 09/2019/NĐ-CP ngày 24/01/2019 của Chính phủ; Quyết định số 1836/QĐ-UBND ngày 21/7/2025 của UBND tỉnh Sơn La".into();
    d.content = content.into();
    d.reporting_units = units.iter().map(|u| (*u).into()).collect();
    d.schedule = schedule;
    d.approval_required = approval;
    d.form_number = form_number.into();
    d.columns = columns;
    d.sections = sections;
    d.outline = outline_items;
    d.rules = rules;
    d.guidance = "Số liệu nhập theo đơn vị tính của từng chỉ tiêu; số thập phân dùng dấu phẩy (ví dụ 1.234,5). Chỉ tiêu có dấu * là bắt buộc.".into();
    let published_at = Utc.with_ymd_and_hms(2025, 8, 1, 2, 0, 0).single().unwrap_or_else(Utc::now);
    // In force from the start of 2024, so the generated history of earlier
    // years has the expectations the board and aggregation count against.
    let effective_from = Some(date(2024, 1, 1));
    RegimeFile { code: code.into(), active: true, versions: vec![VersionFile { version: 1, published_at, effective_from, definition: d.clone() }], draft: d }
}

fn monthly(day: u32) -> Schedule {
    Schedule { frequency: Frequency::Monthly, window: WindowStyle::Decree09, deadline: DeadlineRule::DayOfLastMonth(day), working_days: true, grace_days: 10 }
}

fn regimes() -> Vec<RegimeFile> {
    use Column::*;
    use MissingStrategy::*;
    use Severity::*;
    let cmp = vec![Current, SamePeriodLastYear, PreviousPeriod, YearToDate, Comparison];
    vec![
        regime(
            "KTXH_XA",
            "Báo cáo tình hình kinh tế - xã hội hằng tháng của UBND xã, phường",
            "Biểu số 01/XP",
            &[GROUP_COMMUNES],
            monthly(20),
            true,
            cmp.clone(),
            "Tình hình kinh tế - xã hội, thu ngân sách, giảm nghèo, dịch vụ công trên địa bàn xã, phường trong tháng.",
            vec![
                section("Dân số", &[("DS01", true), ("DS02", true), ("DS03", false)]),
                section("Ngân sách", &[("NS01", true), ("NS02", false)]),
                section("Giảm nghèo", &[("GN01", true), ("GN02", true), ("GN03", false)]),
                section("Dịch vụ công", &[("HC01", true), ("HC02", true), ("HC03", false)]),
            ],
            outline(&[
                ("Kết quả đạt được", "Nêu các kết quả nổi bật về kinh tế - xã hội trong tháng."),
                ("Tồn tại, hạn chế và nguyên nhân", ""),
                ("Nhiệm vụ trọng tâm tháng tới", ""),
                ("Đề xuất, kiến nghị", ""),
            ]),
            vec![
                rule("NS02 <= NS01", "Thu nội địa không được lớn hơn tổng thu ngân sách trên địa bàn.", Error, SkipIfAnyMissing),
                rule("HC02 <= HC01", "Số hồ sơ trực tuyến toàn trình không được lớn hơn tổng số hồ sơ tiếp nhận.", Error, SkipIfAnyMissing),
                rule("GN02 <= DS02", "Số hộ nghèo không được lớn hơn số hộ gia đình.", Error, SkipIfAnyMissing),
                rule("if(DS01.cung_ky > 0; abs(DS01 - DS01.cung_ky) / DS01.cung_ky * 100 <= 10; true)", "Dân số thay đổi quá 10% so với cùng kỳ năm trước: cần giải trình.", Warning, SkipIfAnyMissing),
            ],
        ),
        regime(
            "CDS_QUY",
            "Báo cáo kết quả chuyển đổi số hằng quý của sở, ban, ngành",
            "Biểu số 02/CĐS",
            &[GROUP_DEPARTMENTS],
            Schedule { frequency: Frequency::Quarterly, window: WindowStyle::Decree09, deadline: DeadlineRule::DayOfLastMonth(20), working_days: true, grace_days: 10 },
            false,
            vec![Current, PreviousPeriod, SamePeriodLastYear],
            "Kết quả thực hiện Đề án phát triển dữ liệu số, nâng cao năng lực quản trị số (Quyết định 1836/QĐ-UBND).",
            vec![
                section("Hạ tầng và nền tảng số", &[("CDS01", true), ("CDS02", true), ("CDS03", true)]),
                section("Nhân lực số", &[("CDS04", false)]),
                section("Dữ liệu số", &[("CDS05", false), ("CDS06", false)]),
            ],
            outline(&[("Kết quả thực hiện các nhiệm vụ của Đề án", ""), ("Khó khăn, vướng mắc", ""), ("Kiến nghị, đề xuất", "")]),
            vec![
                rule("CDS02 <= 100", "Tỷ lệ văn bản ký số không được vượt quá 100%.", Error, SkipIfAnyMissing),
                rule("if(CDS01; CDS02 > 0; true)", "Đã có hệ thống quản lý văn bản nhưng tỷ lệ văn bản ký số bằng 0: cần giải trình.", Warning, SkipIfAnyMissing),
                rule("CDS03 >= CDS03.ky_truoc", "Số cơ sở dữ liệu đã kết nối giảm so với kỳ trước: cần giải trình.", Warning, SkipIfAnyMissing),
            ],
        ),
        regime(
            "YTE_THANG",
            "Báo cáo hoạt động khám, chữa bệnh và y tế dự phòng hằng tháng",
            "Biểu số 03/YT",
            &["SYT"],
            monthly(18),
            true,
            cmp.clone(),
            "Tình hình hoạt động khám, chữa bệnh, tiêm chủng, bảo hiểm y tế và dịch bệnh trên địa bàn tỉnh.",
            vec![
                section("Cơ sở và nhân lực", &[("YT01", true), ("YT03", true)]),
                section("Khám, chữa bệnh", &[("YT02", true)]),
                section("Y tế dự phòng", &[("YT04", true), ("YT05", true), ("YT06", false)]),
            ],
            outline(&[("Tình hình dịch bệnh", ""), ("Công tác khám, chữa bệnh", ""), ("Kiến nghị", "")]),
            vec![
                rule("YT03 <= YT01", "Số bác sĩ lớn hơn số giường bệnh: cần kiểm tra lại số liệu.", Warning, SkipIfAnyMissing),
                rule("YT04 <= 100 and YT05 <= 100", "Tỷ lệ không được vượt quá 100%.", Error, SkipIfAnyMissing),
                rule("YT02 >= YT02.cung_ky * 0,5", "Số lượt khám chữa bệnh giảm hơn một nửa so với cùng kỳ: cần giải trình.", Warning, SkipIfAnyMissing),
            ],
        ),
        regime(
            "GDDT_6T",
            "Báo cáo tình hình giáo dục và đào tạo 6 tháng",
            "Biểu số 04/GD",
            &["SGDDT"],
            Schedule { frequency: Frequency::HalfYear, window: WindowStyle::Decree09, deadline: DeadlineRule::DayOfLastMonth(20), working_days: true, grace_days: 15 },
            true,
            vec![Current, SamePeriodLastYear, Comparison],
            "Quy mô học sinh, phổ cập giáo dục, trường chuẩn quốc gia.",
            vec![
                section("Quy mô học sinh", &[("GD01", true), ("GD02", true), ("GD03", true)]),
                section("Chất lượng giáo dục", &[("GD04", true), ("GD05", true), ("GD06", false)]),
            ],
            outline(&[("Kết quả năm học", ""), ("Giải pháp trọng tâm", "")]),
            vec![
                rule("GD02[nam] + GD02[nu] == GD02", "Học sinh tiểu học nam và nữ phải bằng tổng số học sinh tiểu học.", Error, SkipIfAnyMissing),
                rule("GD06 <= 5", "Tỷ lệ học sinh bỏ học trên 5%: cần giải trình nguyên nhân.", Warning, SkipIfAnyMissing),
            ],
        ),
        regime(
            "NS_QUY",
            "Báo cáo thu, chi ngân sách và giải ngân vốn đầu tư công hằng quý",
            "Biểu số 05/NS",
            &["STC"],
            Schedule { frequency: Frequency::Quarterly, window: WindowStyle::Calendar, deadline: DeadlineRule::DaysAfterCutoff(10), working_days: true, grace_days: 10 },
            false,
            vec![Current, YearToDate, SamePeriodLastYear, Comparison],
            "Thu, chi ngân sách nhà nước và tiến độ giải ngân vốn đầu tư công.",
            vec![
                section("Thu ngân sách", &[("NS01", true), ("NS02", true)]),
                section("Chi ngân sách", &[("NS03", true), ("NS04", true), ("NS05", true)]),
                section("Doanh nghiệp", &[("KT01", false)]),
            ],
            outline(&[("Đánh giá tình hình thu, chi ngân sách trong quý", ""), ("Khó khăn, vướng mắc và kiến nghị", "")]),
            vec![
                rule("NS02 <= NS01", "Thu nội địa không được lớn hơn tổng thu ngân sách.", Error, SkipIfAnyMissing),
                rule("NS04 <= NS03", "Chi đầu tư phát triển không được lớn hơn tổng chi ngân sách địa phương.", Error, SkipIfAnyMissing),
                rule("NS05 <= 100", "Tỷ lệ giải ngân không được vượt quá 100%.", Error, SkipIfAnyMissing),
            ],
        ),
        regime(
            "DA1836_6T",
            "Báo cáo tiến độ thực hiện Đề án phát triển dữ liệu số (Quyết định 1836/QĐ-UBND) 6 tháng",
            "Biểu số 06/ĐA",
            &[GROUP_DEPARTMENTS, GROUP_COMMUNES],
            Schedule { frequency: Frequency::HalfYear, window: WindowStyle::Decree09, deadline: DeadlineRule::DayOfLastMonth(15), working_days: true, grace_days: 10 },
            false,
            vec![Current],
            "Tiến độ các nhiệm vụ của Đề án, mức độ cung cấp số liệu dưới dạng dữ liệu số.",
            vec![section("Dữ liệu số", &[("CDS02", true), ("CDS04", false), ("CDS06", false)])],
            outline(&[("Tình hình triển khai Đề án", ""), ("Kết quả cung cấp chỉ tiêu thống kê dưới dạng dữ liệu số", ""), ("Đề xuất", "")]),
            vec![rule("CDS02 <= 100", "Tỷ lệ văn bản ký số không được vượt quá 100%.", Error, SkipIfAnyMissing)],
        ),
        regime(
            "LN_NAM",
            "Báo cáo chỉ tiêu nông nghiệp, lâm nghiệp và du lịch hằng năm",
            "Biểu số 07/NN",
            &["SNNMT", "SVHTTDL", GROUP_BRANCHES],
            Schedule { frequency: Frequency::Annual, window: WindowStyle::Calendar, deadline: DeadlineRule::DaysAfterCutoff(15), working_days: true, grace_days: 15 },
            false,
            vec![Current, SamePeriodLastYear, Comparison],
            "Các chỉ tiêu thống kê năm về rừng, lương thực và du lịch.",
            vec![
                section("Lâm nghiệp", &[("LN01", true), ("LN02", true), ("LN03", false)]),
                section("Nông nghiệp", &[("LN04", true)]),
                section("Du lịch", &[("KT02", false)]),
            ],
            outline(&[("Đánh giá kết quả thực hiện các chỉ tiêu trong năm", ""), ("Phương hướng năm tới", "")]),
            vec![
                rule("LN01 <= 100", "Tỷ lệ che phủ rừng không được vượt quá 100%.", Error, SkipIfAnyMissing),
                rule("LN01 >= LN01.cung_ky - 2", "Tỷ lệ che phủ rừng giảm hơn 2 điểm phần trăm so với năm trước: cần giải trình.", Warning, SkipIfAnyMissing),
            ],
        ),
    ]
}

fn holidays() -> Vec<HolidayRow> {
    let h = |y, m, d, name: &str| HolidayRow { day: date(y, m, d), name: name.into(), make_up: false };
    let mut v = vec![h(2025, 1, 1, "Tết Dương lịch")];
    for d in 25..=31 {
        v.push(h(2025, 1, d, "Tết Nguyên đán Ất Tỵ"));
    }
    v.extend([
        h(2025, 2, 1, "Tết Nguyên đán Ất Tỵ"),
        h(2025, 2, 2, "Tết Nguyên đán Ất Tỵ"),
        h(2025, 4, 7, "Giỗ Tổ Hùng Vương"),
        h(2025, 4, 30, "Ngày Giải phóng miền Nam"),
        h(2025, 5, 1, "Ngày Quốc tế Lao động"),
        h(2025, 5, 2, "Nghỉ bù"),
        h(2025, 9, 1, "Quốc khánh"),
        h(2025, 9, 2, "Quốc khánh"),
        h(2026, 1, 1, "Tết Dương lịch"),
        h(2026, 4, 27, "Giỗ Tổ Hùng Vương (nghỉ bù)"),
        h(2026, 4, 30, "Ngày Giải phóng miền Nam"),
        h(2026, 5, 1, "Ngày Quốc tế Lao động"),
        h(2026, 9, 1, "Quốc khánh"),
        h(2026, 9, 2, "Quốc khánh"),
    ]);
    for d in 14..=22 {
        v.push(h(2026, 2, d, "Tết Nguyên đán Bính Ngọ"));
    }
    v.sort_by_key(|x| x.day);
    v
}

pub fn demo_catalogue() -> CatalogueFile {
    CatalogueFile {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        breakdowns: vec![BreakdownFile {
            code: "gioi_tinh".into(),
            name: "Giới tính".into(),
            parts: vec![BreakdownPart { code: "nam".into(), name: "Nam".into() }, BreakdownPart { code: "nu".into(), name: "Nữ".into() }],
        }],
        indicators: indicators(),
        regimes: regimes(),
        holidays: holidays(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_catalogue_is_big_enough_and_consistent() {
        let c = demo_catalogue();
        assert!(c.indicators.len() >= 30);
        assert!(c.regimes.len() >= 6);
        assert!(c.regimes.iter().all(|r| !r.draft.rules.is_empty()));
        let sectors: std::collections::HashSet<_> = c.indicators.iter().map(|i| i.fields.sector.clone()).collect();
        assert!(sectors.len() >= 8);
        for i in &c.indicators {
            assert_eq!(i.fields.to_form().check().as_ref(), Ok(&i.fields), "{}", i.fields.code);
        }
    }
}
