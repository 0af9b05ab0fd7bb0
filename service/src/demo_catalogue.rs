//! The demonstration catalogue: the indicators and report regimes a Sơn La
//! official would recognise, drawn from the province's decision
//! 1836/QĐ-UBND (the 2025 scheme on digital data and digital governance) and
//! the reports the People's Committee asks of its departments and of the 75
//! communes and wards. Loaded through the same checked import path as any
//! catalogue file, so every published version states every item Decree
//! 09/2019/NĐ-CP art. 7 requires.

use crate::catalogue::transfer::{BreakdownFile, CatalogueFile, FORMAT, FORMAT_VERSION, IndicatorFile, RegimeFile, VersionFile};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use domain::calendar::{DeadlineRule, Schedule};
use domain::catalogue::{HolidayRow, IndicatorFields};
use domain::column::Column;
use domain::indicator::{Aggregation, BreakdownPart, ValueType};
use domain::org::{GROUP_COMMUNES, GROUP_DEPARTMENTS, OFFICE_CODE};
use domain::period::{Frequency, WindowStyle, date};
use domain::regime::{FormRow, FormSection, OutlineSection, RegimeDoc};
use domain::rules::{MissingStrategy, RuleDef, Severity};

/// An indicator of the provincial statistical indicator system (Hệ thống
/// chỉ tiêu thống kê cấp tỉnh, Quyết định số 05/2023/QĐ-TTg ngày 24/02/2023).
pub struct Qd05Entry {
    /// baocao's own code.
    pub code: &'static str,
    /// The code in the decision's annex. Empty where it has not been checked
    /// against the annex: a wrong national code would send figures to the
    /// wrong line of the national system, an empty one only asks for a look-up.
    pub national_code: Option<&'static str>,
    /// The indicator's name in the provincial system.
    pub qd05_name: &'static str,
}

/// The demo indicators that belong to the provincial statistical indicator
/// system, and only those: the scheme's 50 % target counts statistical
/// indicators, so an administrative count (dossiers received, documents
/// signed) flagged as statistical would inflate it. Figures that look alike
/// but are measured otherwise stay out: the poverty-review rate of poor
/// households (GN01) is an administrative figure, not the survey-based
/// multidimensional poverty rate of the system; receipts from domestic
/// sources (NS02) and development spending (NS04) are breakdowns of NS01
/// and NS03, not indicators of their own.
pub const QD05_2023_PROVINCIAL: &[Qd05Entry] = &[
    Qd05Entry { code: "DS01", national_code: None, qd05_name: "Dân số, mật độ dân số" },
    Qd05Entry { code: "DS02", national_code: None, qd05_name: "Số hộ" },
    Qd05Entry { code: "DS04", national_code: None, qd05_name: "Tỷ lệ tăng dân số" },
    Qd05Entry { code: "NS01", national_code: None, qd05_name: "Thu ngân sách nhà nước trên địa bàn" },
    Qd05Entry { code: "NS03", national_code: None, qd05_name: "Chi ngân sách địa phương" },
    Qd05Entry { code: "GD01", national_code: None, qd05_name: "Số trẻ em mầm non" },
    Qd05Entry { code: "GD02", national_code: None, qd05_name: "Số học sinh phổ thông (cấp tiểu học)" },
    Qd05Entry { code: "GD03", national_code: None, qd05_name: "Số học sinh phổ thông (cấp trung học cơ sở)" },
    Qd05Entry { code: "YT01", national_code: None, qd05_name: "Số giường bệnh" },
    Qd05Entry { code: "YT03", national_code: None, qd05_name: "Số nhân lực y tế (bác sĩ)" },
    Qd05Entry {
        code: "YT04", national_code: None, qd05_name: "Tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ các loại vắc xin"
    },
    Qd05Entry { code: "LN01", national_code: None, qd05_name: "Tỷ lệ che phủ rừng" },
    Qd05Entry { code: "LN02", national_code: None, qd05_name: "Diện tích rừng trồng mới tập trung" },
];

/// The national code of an indicator of the demo catalogue, if known.
pub fn national_code(code: &str) -> Option<&'static str> {
    QD05_2023_PROVINCIAL.iter().find(|e| e.code == code).and_then(|e| e.national_code)
}

/// Regimes whose life ends on a known day. The regime model has no end
/// date yet, so the demo keeps it here (and the generator reads it) until it
/// has one: the scheme 1836/QĐ-UBND runs through 31/12/2025.
pub const REGIME_ENDS: &[(&str, (i32, u32, u32))] = &[("DA1836_6T", (2025, 12, 31)), ("DA1836_NAM", (2025, 12, 31))];

pub fn regime_ends_on(code: &str) -> Option<NaiveDate> {
    REGIME_ENDS.iter().find(|(c, _)| *c == code).map(|(_, (y, m, d))| date(*y, *m, *d))
}

const DS: &str = "Dân số - Lao động";
const NS: &str = "Ngân sách - Tài chính";
const GD: &str = "Giáo dục - Đào tạo";
const YT: &str = "Y tế";
const LN: &str = "Nông nghiệp - Lâm nghiệp";
const GN: &str = "Giảm nghèo - An sinh xã hội";
const HC: &str = "Cải cách hành chính";
const CD: &str = "Chuyển đổi số";
const KT: &str = "Kinh tế - Doanh nghiệp";
const VH: &str = "Văn hóa - Du lịch";
const TT: &str = "Phòng, chống thiên tai";

/// What the scheme asks, quoted where an indicator measures one of its targets.
const DA: &str = "Đề án ban hành kèm theo Quyết định số 1836/QĐ-UBND ngày 21/7/2025 của UBND tỉnh Sơn La";

struct Ind {
    code: &'static str,
    name: &'static str,
    unit: &'static str,
    vt: ValueType,
    scale: u8,
    min: Option<i64>,
    max: Option<i64>,
    agg: Aggregation,
    sector: &'static str,
    owner: &'static str,
    statistical: bool,
    breakdown: Option<&'static str>,
    description: String,
}

fn ind(
    code: &'static str,
    name: &'static str,
    unit: &'static str,
    vt: ValueType,
    agg: Aggregation,
    sector: &'static str,
    owner: &'static str,
) -> Ind {
    let (scale, min, max) = match vt {
        ValueType::Integer | ValueType::Decimal => (0, Some(0), None),
        _ => (0, None, None),
    };
    Ind { code, name, unit, vt, scale, min, max, agg, sector, owner, statistical: false, breakdown: None, description: String::new() }
}

impl Ind {
    /// A decimal with `places` decimals, never negative.
    fn places(mut self, places: u8) -> Self {
        self.scale = places;
        self
    }
    /// A percentage between 0 and 100 with `places` decimals.
    fn rate(mut self, places: u8) -> Self {
        self.scale = places;
        self.min = Some(0);
        self.max = Some(100 * 10_i64.pow(u32::from(places)));
        self
    }
    fn max(mut self, max: i64) -> Self {
        self.max = Some(max);
        self
    }
    fn stat(mut self) -> Self {
        self.statistical = true;
        self
    }
    fn by_sex(mut self) -> Self {
        self.breakdown = Some("gioi_tinh");
        self
    }
    fn note(mut self, text: impl Into<String>) -> Self {
        self.description = text.into();
        self
    }
}

fn indicators() -> Vec<IndicatorFile> {
    use Aggregation::{Average, Last, Sum};
    use ValueType::*;
    let list = vec![
        // Dân số: population and households are yearly figures of the statistics office; births are counted monthly by the communes' population workers (population work belongs to the health department).
        ind("DS01", "Dân số trung bình", "người", Integer, Last, DS, "TKT").stat().by_sex(),
        ind("DS02", "Số hộ dân cư", "hộ", Integer, Last, DS, "TKT").stat(),
        ind("DS03", "Số trẻ em sinh ra trong kỳ", "trẻ", Integer, Sum, DS, "SYT").by_sex(),
        Ind { scale: 2, min: Some(-1000), max: Some(1000), ..ind("DS04", "Tỷ lệ tăng dân số tự nhiên", "%", Percent, Average, DS, "TKT") }.stat(),
        ind("DS05", "Số lao động được tạo việc làm mới", "người", Integer, Sum, DS, "SNV"),
        // Ngân sách: the finance department (merged with planning and investment in 2025) also registers enterprises.
        ind("NS01", "Thu ngân sách nhà nước trên địa bàn", "triệu đồng", Decimal, Sum, NS, "STC").places(1).stat(),
        ind("NS02", "Thu nội địa", "triệu đồng", Decimal, Sum, NS, "STC").places(1),
        ind("NS03", "Chi ngân sách địa phương", "triệu đồng", Decimal, Sum, NS, "STC").places(1).stat(),
        ind("NS04", "Chi đầu tư phát triển", "triệu đồng", Decimal, Sum, NS, "STC").places(1),
        ind("NS05", "Tỷ lệ giải ngân vốn đầu tư công so với kế hoạch vốn được giao", "%", Percent, Last, NS, "STC")
            .rate(1)
            .note("Giá trị giải ngân lũy kế từ đầu năm chia cho kế hoạch vốn đầu tư công được giao, nhân 100."),
        ind("NS06", "Kế hoạch vốn đầu tư công được giao trong năm", "tỷ đồng", Decimal, Last, NS, "STC").places(2),
        ind("NS07", "Giá trị giải ngân vốn đầu tư công lũy kế từ đầu năm", "tỷ đồng", Decimal, Last, NS, "STC").places(2),
        ind("KT01", "Số doanh nghiệp thành lập mới", "doanh nghiệp", Integer, Sum, KT, "STC"),
        // Giáo dục.
        ind("GD01", "Số trẻ em mầm non", "trẻ", Integer, Last, GD, "SGDDT").stat().by_sex(),
        ind("GD02", "Số học sinh tiểu học", "học sinh", Integer, Last, GD, "SGDDT").stat().by_sex(),
        ind("GD03", "Số học sinh trung học cơ sở", "học sinh", Integer, Last, GD, "SGDDT").stat().by_sex(),
        ind("GD04", "Tỷ lệ huy động trẻ 6 tuổi vào lớp 1", "%", Percent, Last, GD, "SGDDT").rate(1),
        ind("GD05", "Số trường đạt chuẩn quốc gia", "trường", Integer, Last, GD, "SGDDT"),
        ind("GD06", "Tỷ lệ học sinh bỏ học", "%", Percent, Last, GD, "SGDDT").rate(2),
        // Y tế.
        ind("YT01", "Số giường bệnh", "giường", Integer, Last, YT, "SYT").stat(),
        ind("YT02", "Số lượt khám bệnh", "lượt", Integer, Sum, YT, "SYT"),
        ind("YT03", "Số bác sĩ", "người", Integer, Last, YT, "SYT").stat(),
        ind("YT04", "Tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ", "%", Percent, Last, YT, "SYT").rate(1).stat(),
        ind("YT05", "Tỷ lệ dân số tham gia bảo hiểm y tế", "%", Percent, Last, YT, "SYT").rate(1),
        ind("YT06", "Số ca mắc sốt xuất huyết", "ca", Integer, Sum, YT, "SYT"),
        // Nông nghiệp, lâm nghiệp: forests belong to the agriculture and environment department.
        ind("LN01", "Tỷ lệ che phủ rừng", "%", Percent, Last, LN, "SNNMT").rate(1).stat(),
        ind("LN02", "Diện tích rừng trồng mới tập trung", "ha", Decimal, Sum, LN, "SNNMT").places(1).stat(),
        ind("LN03", "Số vụ cháy rừng", "vụ", Integer, Sum, LN, "SNNMT"),
        ind("LN04", "Sản lượng lương thực có hạt", "tấn", Decimal, Sum, LN, "SNNMT").places(1),
        ind("LN05", "Diện tích rừng bị cháy", "ha", Decimal, Sum, LN, "SNNMT").places(2),
        // Giảm nghèo: since the 2025 restructuring poverty reduction belongs to the agriculture and environment department.
        ind("GN01", "Tỷ lệ hộ nghèo đa chiều", "%", Percent, Last, GN, "SNNMT")
            .rate(2)
            .note("Số hộ nghèo chia cho tổng số hộ dân cư, nhân 100, theo kết quả rà soát hộ nghèo, hộ cận nghèo hằng năm."),
        ind("GN02", "Số hộ nghèo", "hộ", Integer, Last, GN, "SNNMT"),
        ind("GN03", "Số hộ thoát nghèo trong năm", "hộ", Integer, Sum, GN, "SNNMT"),
        ind("GN04", "Số hộ cận nghèo", "hộ", Integer, Last, GN, "SNNMT"),
        // Thủ tục hành chính.
        ind("HC01", "Số hồ sơ thủ tục hành chính tiếp nhận", "hồ sơ", Integer, Sum, HC, OFFICE_CODE),
        ind("HC02", "Số hồ sơ tiếp nhận trực tuyến toàn trình", "hồ sơ", Integer, Sum, HC, OFFICE_CODE),
        ind("HC03", "Tỷ lệ hồ sơ giải quyết đúng hạn", "%", Percent, Last, HC, OFFICE_CODE).rate(1),
        // Chuyển đổi số.
        ind("CDS01", "Có hệ thống quản lý văn bản và điều hành", "", YesNo, Last, CD, "SKHCN"),
        ind("CDS02", "Tỷ lệ văn bản đi được ký số", "%", Percent, Last, CD, "SKHCN").rate(1),
        ind("CDS03", "Số cơ sở dữ liệu chuyên ngành đã kết nối Kho dữ liệu dùng chung của tỉnh", "cơ sở dữ liệu", Integer, Last, CD, "SKHCN"),
        ind("CDS04", "Số cán bộ được bồi dưỡng kỹ năng số", "người", Integer, Sum, CD, "SKHCN"),
        ind("CDS05", "Ngày cập nhật dữ liệu gần nhất lên Kho dữ liệu dùng chung của tỉnh", "", Date, Last, CD, "SKHCN"),
        ind("CDS06", "Khó khăn, vướng mắc trong chuyển đổi số", "", Text, Aggregation::None, CD, "SKHCN"),
        ind("CDS07", "Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng", "%", Percent, Last, CD, "SKHCN").rate(1),
        // The scheme's own targets (Phần thứ hai, mục II và III of the scheme).
        ind("DA01", "Số chỉ tiêu thống kê, số liệu báo cáo đơn vị cung cấp phục vụ chỉ đạo, điều hành của UBND, Chủ tịch UBND tỉnh", "chỉ tiêu", Integer, Last, CD, "SKHCN"),
        ind("DA02", "Số chỉ tiêu thống kê, số liệu báo cáo được cung cấp dưới dạng dữ liệu số", "chỉ tiêu", Integer, Last, CD, "SKHCN"),
        ind("DA03", "Tỷ lệ chỉ tiêu thống kê, số liệu báo cáo được cung cấp dưới dạng dữ liệu số", "%", Percent, Last, CD, "SKHCN")
            .rate(1)
            .note(format!("Mục tiêu năm 2025: 50% (mục II.2 {DA}).")),
        ind("DA04", "Số chế độ báo cáo định kỳ đơn vị thực hiện", "chế độ", Integer, Last, CD, OFFICE_CODE),
        ind("DA05", "Số chế độ báo cáo định kỳ thực hiện trên Hệ thống thông tin báo cáo của tỉnh", "chế độ", Integer, Last, CD, OFFICE_CODE),
        ind("DA06", "Tỷ lệ chế độ báo cáo định kỳ thực hiện trên Hệ thống thông tin báo cáo của tỉnh", "%", Percent, Last, CD, OFFICE_CODE)
            .rate(1)
            .note(format!("Mục tiêu: 100% chế độ báo cáo định kỳ của UBND tỉnh, báo cáo thực hiện Nghị quyết của Tỉnh ủy, hoàn thành trước 31/7/2025 (mục III.2.b {DA}).")),
        ind("DA07", "Số bộ dữ liệu mở thuộc danh mục dữ liệu mở được Chủ tịch UBND tỉnh công bố", "bộ dữ liệu", Integer, Last, CD, "SKHCN"),
        ind("DA08", "Số bộ dữ liệu mở đã cung cấp trên Cổng dữ liệu mở của tỉnh", "bộ dữ liệu", Integer, Last, CD, "SKHCN")
            .note(format!("Mục tiêu: 100% dữ liệu mở theo danh mục được cung cấp trên Cổng dữ liệu mở của tỉnh (mục II.3 {DA}).")),
        ind("DA09", "Số cán bộ, công chức làm công tác tham mưu", "người", Integer, Last, CD, "SNV"),
        ind("DA10", "Số cán bộ, công chức làm công tác tham mưu được tập huấn, bồi dưỡng về quản lý dữ liệu, kỹ năng phân tích, khai thác dữ liệu và công nghệ số", "người", Integer, Last, CD, "SNV")
            .note(format!("Mục tiêu: 100%, hoàn thành trước 30/9/2025 (mục II.4 và III.4.a {DA}).")),
        ind("DA11", "Số lãnh đạo cơ quan, đơn vị", "người", Integer, Last, CD, "SNV"),
        ind("DA12", "Số lãnh đạo được đào tạo kỹ năng quản lý và ra quyết định trong môi trường số", "người", Integer, Last, CD, "SNV")
            .note(format!("Mục tiêu: 50% lãnh đạo các cơ quan, đơn vị cấp tỉnh, cấp xã (mục II.4 {DA}).")),
        ind("DA13", "Số hệ thống thông tin chuyên ngành quan trọng của đơn vị", "hệ thống", Integer, Last, CD, "SKHCN"),
        ind("DA14", "Số hệ thống thông tin chuyên ngành quan trọng được giám sát và kết nối với hệ thống giám sát Quốc gia", "hệ thống", Integer, Last, CD, "SKHCN")
            .note(format!("Mục tiêu: 60% các hệ thống thông tin chuyên ngành quan trọng (mục II.5 {DA}).")),
        ind("DA15", "Tỷ lệ hệ thống thông tin, dữ liệu dùng chung của tỉnh được giám sát và kết nối với hệ thống giám sát Quốc gia", "%", Percent, Last, CD, "SKHCN")
            .rate(1)
            .note(format!("Mục tiêu: 100% (mục II.5 {DA}).")),
        ind("DA16", "Số Tổ công nghệ số cộng đồng", "tổ", Integer, Last, CD, "SKHCN"),
        ind("DA17", "Số thành viên Tổ công nghệ số cộng đồng", "người", Integer, Last, CD, "SKHCN"),
        ind("DA18", "Số lượt người dân được Tổ công nghệ số cộng đồng hỗ trợ thực hiện dịch vụ công trực tuyến", "lượt", Integer, Sum, CD, "SKHCN")
            .note(format!("Nâng cao hiệu quả hoạt động của Tổ công nghệ số cộng đồng, ưu tiên hỗ trợ người dân thực hiện dịch vụ công trực tuyến (mục III.4.b {DA}).")),
        ind("DA19", "Số cơ sở dữ liệu dùng chung của tỉnh đã tích hợp vào Kho dữ liệu dùng chung", "cơ sở dữ liệu", Integer, Last, CD, "SKHCN")
            .max(25)
            .note("Danh mục 25 cơ sở dữ liệu dùng chung ban hành kèm theo Quyết định số 1429/QĐ-UBND ngày 17/6/2025 của Chủ tịch UBND tỉnh."),
        // Progress of the data infrastructure the scheme lists (mục III.2), with its lead agency and due date.
        ind("CSDL01", "Tiến độ xây dựng Kho dữ liệu dùng chung của tỉnh (Sở Khoa học và Công nghệ, hạn 31/12/2025)", "%", Percent, Last, CD, "SKHCN").rate(0),
        ind("CSDL02", "Tiến độ xây dựng cơ sở dữ liệu chuyên ngành y tế (Sở Y tế, hạn 30/8/2025)", "%", Percent, Last, CD, "SYT").rate(0),
        ind("CSDL03", "Tiến độ xây dựng cơ sở dữ liệu chuyên ngành giáo dục và đào tạo (Sở Giáo dục và Đào tạo, hạn 30/8/2025)", "%", Percent, Last, CD, "SGDDT").rate(0),
        ind("CSDL04", "Tiến độ phát triển hạ tầng Trung tâm dữ liệu (Sở Khoa học và Công nghệ, hạn 31/12/2025)", "%", Percent, Last, CD, "SKHCN").rate(0),
        ind("CSDL05", "Tiến độ xây dựng cơ sở dữ liệu chuyên ngành Nông nghiệp và Môi trường (Sở Nông nghiệp và Môi trường, hạn 31/12/2025)", "%", Percent, Last, CD, "SNNMT").rate(0),
        ind("CSDL06", "Tiến độ xây dựng cơ sở dữ liệu chuyên ngành Khoa học và Công nghệ, Chuyển đổi số (Sở Khoa học và Công nghệ, hạn 31/12/2025)", "%", Percent, Last, CD, "SKHCN").rate(0),
        ind("CSDL07", "Tiến độ xây dựng cơ sở dữ liệu chuyên ngành Xây dựng (Sở Xây dựng, hạn 31/12/2025)", "%", Percent, Last, CD, "SXD").rate(0),
        ind("CSDL08", "Tiến độ xây dựng cơ sở dữ liệu chuyên ngành Nội vụ (Sở Nội vụ, hạn 31/12/2025)", "%", Percent, Last, CD, "SNV").rate(0),
        ind("CSDL09", "Tiến độ xây dựng cơ sở dữ liệu chuyên ngành Văn hóa, Thể thao và Du lịch (Sở Văn hóa, Thể thao và Du lịch, hạn 31/12/2025)", "%", Percent, Last, CD, "SVHTTDL").rate(0),
        ind("CSDL10", "Tiến độ xây dựng cơ sở dữ liệu chuyên ngành Công thương (Sở Công Thương, hạn 31/12/2025)", "%", Percent, Last, CD, "SCT").rate(0),
        // Du lịch.
        ind("KT02", "Số lượt khách du lịch", "lượt", Integer, Sum, VH, "SVHTTDL"),
        ind("KT03", "Tổng thu từ khách du lịch", "tỷ đồng", Decimal, Sum, VH, "SVHTTDL").places(2),
        // Thiên tai, for the ad-hoc report after a flood.
        ind("PCTT01", "Số người chết, mất tích", "người", Integer, Sum, TT, "SNNMT"),
        ind("PCTT02", "Số người bị thương", "người", Integer, Sum, TT, "SNNMT"),
        ind("PCTT03", "Số nhà bị sập đổ, cuốn trôi", "nhà", Integer, Sum, TT, "SNNMT"),
        ind("PCTT04", "Số nhà bị hư hỏng, tốc mái", "nhà", Integer, Sum, TT, "SNNMT"),
        ind("PCTT05", "Diện tích lúa, hoa màu bị thiệt hại", "ha", Decimal, Sum, TT, "SNNMT").places(2),
        ind("PCTT06", "Ước giá trị thiệt hại", "tỷ đồng", Decimal, Sum, TT, "SNNMT").places(2),
    ];
    list.into_iter()
        .map(|i| {
            let method = QD05_2023_PROVINCIAL
                .iter()
                .find(|e| e.code == i.code)
                .map(|e| format!("Thuộc Hệ thống chỉ tiêu thống kê cấp tỉnh (Quyết định số 05/2023/QĐ-TTg): «{}».", e.qd05_name))
                .unwrap_or_default();
            IndicatorFile {
                fields: IndicatorFields {
                    code: i.code.into(),
                    name: i.name.into(),
                    unit: i.unit.into(),
                    value_type: i.vt,
                    scale: if matches!(i.vt, ValueType::Decimal | ValueType::Percent) { i.scale } else { 0 },
                    min: i.min,
                    max: i.max,
                    aggregation: i.agg,
                    sector: i.sector.into(),
                    owner_unit: Some(i.owner.into()),
                    statistical: i.statistical,
                    breakdown: i.breakdown.map(Into::into),
                    method,
                    description: i.description,
                    national_code: national_code(i.code).unwrap_or_default().into(),
                    rate_of: None,
                    public: DEMO_OPEN_DATA.contains(&i.code),
                },
                active: true,
            }
        })
        .collect()
}

/// Indicators the demonstration publishes on `/du-lieu-mo`.
const DEMO_OPEN_DATA: &[&str] = &["DS01", "DS03", "YT02", "LN02", "GN01"];

fn section(title: &str, codes: &[(&str, bool)]) -> FormSection {
    FormSection { title: title.into(), rows: codes.iter().map(|(c, req)| FormRow { indicator: (*c).into(), required: *req }).collect() }
}

fn error(expr: &str, msg: &str) -> RuleDef {
    RuleDef { expression: expr.into(), message: msg.into(), severity: Severity::Error, missing: MissingStrategy::SkipIfAnyMissing }
}

fn warning(expr: &str, msg: &str) -> RuleDef {
    RuleDef { expression: expr.into(), message: msg.into(), severity: Severity::Warning, missing: MissingStrategy::SkipIfAnyMissing }
}

fn outline(items: &[(&str, &str)]) -> Vec<OutlineSection> {
    items.iter().map(|(t, g)| OutlineSection { title: (*t).into(), guidance: (*g).into() }).collect()
}

fn schedule(frequency: Frequency, window: WindowStyle, deadline: DeadlineRule, grace_days: u32) -> Schedule {
    Schedule { frequency, window, deadline, working_days: true, grace_days }
}

const DECREE_09: &str = "Nghị định số 09/2019/NĐ-CP ngày 24/01/2019 của Chính phủ quy định về chế độ báo cáo của cơ quan hành chính nhà nước";
const LAW_LOCAL_2015: &str = "Luật Tổ chức chính quyền địa phương ngày 19/6/2015 (sửa đổi, bổ sung năm 2019)";
const LAW_LOCAL_2025: &str = "Luật Tổ chức chính quyền địa phương ngày 16/6/2025";
const DECISION_1836: &str = "Quyết định số 1836/QĐ-UBND ngày 21/7/2025 của UBND tỉnh Sơn La ban hành Đề án phát triển dữ liệu số, nâng cao năng lực quản trị số để thúc đẩy chuyển đổi số tỉnh Sơn La năm 2025";
const RESOLUTION_17: &str =
    "Nghị quyết số 17-NQ/TU ngày 31/8/2021 của Ban Thường vụ Tỉnh ủy về chuyển đổi số tỉnh Sơn La giai đoạn 2021 - 2025, định hướng đến năm 2030";
const PLAN_251: &str = "Kế hoạch số 251/KH-UBND ngày 01/11/2021 của UBND tỉnh triển khai thực hiện Quyết định số 942/QĐ-TTg ngày 15/6/2021 của Thủ tướng Chính phủ và Nghị quyết số 17-NQ/TU ngày 31/8/2021 của Ban Thường vụ Tỉnh ủy";

fn basis(items: &[&str]) -> String {
    items.join("; ") + "."
}

/// How every regime is filled and sent, with what is particular to this one.
fn guidance(particular: &str, approval: bool) -> String {
    let path = if approval {
        "Chuyên viên được giao nhập số liệu trên biểu mẫu (hoặc tải lên tệp Excel theo mẫu), viết nội dung theo đề cương, trình lãnh đạo đơn vị duyệt; lãnh đạo đơn vị duyệt và gửi trên Hệ thống."
    } else {
        "Chuyên viên được giao nhập số liệu trên biểu mẫu (hoặc tải lên tệp Excel theo mẫu), viết nội dung theo đề cương và gửi trên Hệ thống."
    };
    format!(
        "{path} Số liệu nhập theo đơn vị tính của từng chỉ tiêu; dấu chấm ngăn cách hàng nghìn, dấu phẩy trước phần thập phân (ví dụ 1.234,5). Chỉ tiêu có dấu * là bắt buộc. Cảnh báo của Hệ thống phải được giải trình trước khi gửi. Văn phòng UBND tỉnh tiếp nhận hoặc trả lại báo cáo kèm lý do trên Hệ thống. {particular}"
    )
    .trim_end()
    .to_string()
}

const SENDING: &str = "Gửi, nhận trên Hệ thống thông tin báo cáo tỉnh Sơn La; trường hợp Hệ thống gặp sự cố, gửi bản điện tử có chữ ký số qua Hệ thống quản lý văn bản và điều hành.";

struct Regime {
    code: &'static str,
    name: &'static str,
    form_number: &'static str,
    legal_basis: String,
    content: &'static str,
    units: &'static [&'static str],
    schedule: Schedule,
    approval: bool,
    columns: Vec<Column>,
    sections: Vec<FormSection>,
    outline: Vec<OutlineSection>,
    rules: Vec<RuleDef>,
    guidance: &'static str,
}

impl Regime {
    fn doc(self) -> RegimeDoc {
        let mut d = RegimeDoc::new(self.code, self.name);
        d.legal_basis = self.legal_basis;
        d.content = self.content.into();
        d.reporting_units = self.units.iter().map(|u| (*u).into()).collect();
        // The provincial office receives and reviews every report on the
        // system; a department that compiles the figures further is named in the guidance.
        d.receiving_unit = OFFICE_CODE.into();
        d.sending_method = SENDING.into();
        d.schedule = self.schedule;
        d.approval_required = self.approval;
        d.form_number = self.form_number.into();
        d.columns = self.columns;
        d.sections = self.sections;
        d.outline = self.outline;
        d.rules = self.rules;
        d.guidance = guidance(self.guidance, self.approval);
        d
    }
}

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    // 9 a.m. in Sơn La.
    Utc.with_ymd_and_hms(y, m, d, 2, 0, 0).single().unwrap_or_else(Utc::now)
}

/// Regimes in force before the demo's history starts.
fn standing() -> DateTime<Utc> {
    at(2024, 1, 2)
}

fn file(active: bool, versions: Vec<(DateTime<Utc>, RegimeDoc)>) -> RegimeFile {
    let draft = versions.last().map(|(_, d)| d.clone()).unwrap_or_else(|| RegimeDoc::new("", ""));
    RegimeFile {
        code: draft.code.clone(),
        active,
        versions: versions
            .into_iter()
            .enumerate()
            .map(|(i, (published_at, definition))| VersionFile { version: i as i32 + 1, published_at, effective_from: None, definition })
            .collect(),
        draft,
    }
}

fn commune_monthly(after_merger: bool) -> RegimeDoc {
    use Column::*;
    let mut sections = vec![
        section("Dân số", &[("DS03", true)]),
        section("Thu ngân sách nhà nước trên địa bàn", &[("NS01", true), ("NS02", true)]),
        section("Giải quyết thủ tục hành chính", &[("HC01", true), ("HC02", true), ("HC03", true)]),
    ];
    let mut rules = vec![
        error("NS02 <= NS01", "Thu nội địa không được lớn hơn tổng thu ngân sách trên địa bàn."),
        error("HC02 <= HC01", "Số hồ sơ tiếp nhận trực tuyến toàn trình không được lớn hơn tổng số hồ sơ tiếp nhận."),
        warning(
            "if(DS03.cung_ky >= 20; abs(DS03 - DS03.cung_ky) <= DS03.cung_ky / 2; true)",
            "Số trẻ em sinh ra thay đổi trên 50% so với cùng kỳ năm trước: cần giải trình.",
        ),
        warning("NS01 >= NS01.cung_ky * 0,5", "Thu ngân sách giảm trên 50% so với cùng kỳ năm trước: cần giải trình nguyên nhân."),
        warning("HC01 <= HC01.cung_ky * 1,5", "Số hồ sơ thủ tục hành chính tiếp nhận tăng trên 50% so với cùng kỳ năm trước: cần giải trình."),
    ];
    let mut legal = vec![LAW_LOCAL_2015, DECREE_09];
    if after_merger {
        // Communes took over the districts' forest-protection duties on 1/7/2025.
        sections.push(section("Phòng cháy, chữa cháy rừng", &[("LN03", true), ("LN05", false)]));
        rules.push(error("if(LN03 == 0; LN05 == 0; true)", "Không có vụ cháy rừng thì diện tích rừng bị cháy phải bằng 0."));
        legal = vec![LAW_LOCAL_2025, DECREE_09, "Luật Lâm nghiệp ngày 15/11/2017"];
    }
    Regime {
        code: "KTXH_XA",
        name: "Báo cáo tình hình kinh tế - xã hội hằng tháng của UBND xã, phường",
        form_number: "Biểu số 01/XP",
        legal_basis: basis(&legal),
        content: if after_merger {
            "Số trẻ em sinh ra, thu ngân sách nhà nước trên địa bàn, kết quả giải quyết thủ tục hành chính và tình hình cháy rừng trên địa bàn xã, phường trong tháng (từ ngày 01/7/2025, sau sắp xếp đơn vị hành chính cấp xã)."
        } else {
            "Số trẻ em sinh ra, thu ngân sách nhà nước trên địa bàn và kết quả giải quyết thủ tục hành chính trên địa bàn xã, phường trong tháng."
        },
        units: &[GROUP_COMMUNES],
        schedule: schedule(Frequency::Monthly, WindowStyle::Decree09, DeadlineRule::DayOfLastMonth(20), 10),
        approval: true,
        columns: vec![Current, SamePeriodLastYear, PreviousPeriod, YearToDate, Comparison],
        sections,
        outline: outline(&[
            ("Kết quả đạt được", "Nêu các kết quả nổi bật về kinh tế - xã hội, quốc phòng - an ninh trên địa bàn trong tháng."),
            ("Tồn tại, hạn chế và nguyên nhân", ""),
            ("Nhiệm vụ trọng tâm tháng tới", ""),
            ("Đề xuất, kiến nghị", "Kiến nghị với UBND tỉnh, các sở, ngành (nếu có)."),
        ]),
        rules,
        guidance: "Số liệu chốt theo Điều 12 Nghị định số 09/2019/NĐ-CP: từ ngày 15 tháng trước đến ngày 14 tháng báo cáo.",
    }
    .doc()
}

fn regimes() -> Vec<RegimeFile> {
    use Column::*;
    use DeadlineRule::{DayOfLastMonth, DaysAfterCutoff};
    use Frequency::*;
    use WindowStyle::{Calendar, Decree09};
    let scheme_published = at(2025, 8, 1);
    vec![
        // Revised after the merger of communes on 1/7/2025: reports of earlier months keep version 1.
        file(true, vec![(standing(), commune_monthly(false)), (at(2025, 7, 1), commune_monthly(true))]),
        file(
            true,
            vec![(
                standing(),
                Regime {
                    code: "KTXH_XA_NAM",
                    name: "Báo cáo dân số và kết quả rà soát hộ nghèo, hộ cận nghèo hằng năm của UBND xã, phường",
                    form_number: "Biểu số 02/XP",
                    legal_basis: basis(&[LAW_LOCAL_2015, DECREE_09, "Nghị định số 07/2021/NĐ-CP ngày 27/01/2021 của Chính phủ quy định chuẩn nghèo đa chiều giai đoạn 2021 - 2025"]),
                    content: "Dân số trung bình, số hộ dân cư và kết quả rà soát hộ nghèo, hộ cận nghèo cuối năm trên địa bàn xã, phường.",
                    units: &[GROUP_COMMUNES],
                    schedule: schedule(Annual, Calendar, DaysAfterCutoff(15), 15),
                    approval: true,
                    columns: vec![Current, SamePeriodLastYear, Comparison],
                    sections: vec![
                        section("Dân số", &[("DS01", true), ("DS02", true)]),
                        section("Hộ nghèo, hộ cận nghèo", &[("GN02", true), ("GN01", true), ("GN03", true), ("GN04", true)]),
                    ],
                    outline: outline(&[
                        ("Kết quả rà soát hộ nghèo, hộ cận nghèo", "Nêu phương pháp, thời gian rà soát và kết quả được UBND xã, phường công nhận."),
                        ("Đánh giá công tác giảm nghèo", ""),
                        ("Đề xuất, kiến nghị", ""),
                    ]),
                    rules: vec![
                        error("GN02 <= DS02", "Số hộ nghèo không được lớn hơn số hộ dân cư."),
                        error(
                            "if(DS02 > 0; abs(GN01 - GN02 / DS02 * 100) <= 0,01; true)",
                            "Tỷ lệ hộ nghèo phải bằng số hộ nghèo chia cho số hộ dân cư, nhân 100 (sai lệch tối đa 0,01 điểm %).",
                        ),
                        error("GN03 <= GN02.cung_ky", "Số hộ thoát nghèo trong năm không được lớn hơn số hộ nghèo cuối năm trước."),
                        warning(
                            "if(DS01.cung_ky > 0; abs(DS01 - DS01.cung_ky) <= DS01.cung_ky * 0,05; true)",
                            "Dân số thay đổi trên 5% so với năm trước: cần giải trình.",
                        ),
                        warning("GN01 <= GN01.cung_ky", "Tỷ lệ hộ nghèo tăng so với năm trước: cần giải trình nguyên nhân."),
                    ],
                    guidance: "Số liệu tính đến ngày 31/12 của năm báo cáo; số hộ nghèo, hộ cận nghèo theo kết quả rà soát được Chủ tịch UBND xã, phường công nhận.",
                }
                .doc(),
            )],
        ),
        file(
            true,
            vec![(
                standing(),
                Regime {
                    code: "YTE_THANG",
                    name: "Báo cáo hoạt động khám bệnh, chữa bệnh và y tế dự phòng hằng tháng",
                    form_number: "Biểu số 03/YT",
                    legal_basis: basis(&[DECREE_09, "Luật Khám bệnh, chữa bệnh ngày 09/01/2023", "Luật Phòng, chống bệnh truyền nhiễm ngày 21/11/2007"]),
                    content: "Giường bệnh, nhân lực, hoạt động khám bệnh, tiêm chủng, bảo hiểm y tế và tình hình dịch bệnh trên địa bàn tỉnh trong tháng.",
                    units: &["SYT"],
                    schedule: schedule(Monthly, Decree09, DayOfLastMonth(18), 10),
                    approval: true,
                    columns: vec![Current, SamePeriodLastYear, PreviousPeriod, YearToDate, Comparison],
                    sections: vec![
                        section("Cơ sở và nhân lực", &[("YT01", true), ("YT03", true)]),
                        section("Khám bệnh, chữa bệnh", &[("YT02", true)]),
                        section("Y tế dự phòng", &[("YT04", true), ("YT05", true), ("YT06", true)]),
                    ],
                    outline: outline(&[("Tình hình dịch bệnh", "Nêu diễn biến dịch bệnh và biện pháp phòng, chống đã triển khai."), ("Công tác khám bệnh, chữa bệnh", ""), ("Kiến nghị", "")]),
                    rules: vec![
                        warning("YT03 <= YT01", "Số bác sĩ lớn hơn số giường bệnh: cần kiểm tra lại số liệu."),
                        warning("YT01 >= YT01.ky_truoc * 0,95", "Số giường bệnh giảm trên 5% so với tháng trước: cần giải trình."),
                        warning("YT02 >= YT02.cung_ky * 0,5", "Số lượt khám bệnh giảm hơn một nửa so với cùng kỳ: cần giải trình."),
                        warning(
                            "if(YT06.cung_ky >= 20; YT06 <= YT06.cung_ky * 2; true)",
                            "Số ca mắc sốt xuất huyết tăng trên 2 lần so với cùng kỳ năm trước: cần giải trình và nêu biện pháp phòng, chống dịch.",
                        ),
                    ],
                    guidance: "",
                }
                .doc(),
            )],
        ),
        file(
            true,
            vec![(
                standing(),
                Regime {
                    code: "DL_THANG",
                    name: "Báo cáo kết quả hoạt động du lịch hằng tháng",
                    form_number: "Biểu số 04/DL",
                    legal_basis: basis(&[DECREE_09, "Luật Du lịch ngày 19/6/2017"]),
                    content: "Lượt khách du lịch và tổng thu từ khách du lịch trên địa bàn tỉnh trong tháng.",
                    units: &["SVHTTDL"],
                    schedule: schedule(Monthly, Decree09, DayOfLastMonth(20), 10),
                    approval: false,
                    columns: vec![Current, SamePeriodLastYear, YearToDate, Comparison],
                    sections: vec![section("Du lịch", &[("KT02", true), ("KT03", true)])],
                    outline: outline(&[("Tình hình hoạt động du lịch", "Các sự kiện, lễ hội, chương trình kích cầu du lịch trong tháng."), ("Nhiệm vụ tháng tới", "")]),
                    rules: vec![
                        warning("KT02 <= KT02.cung_ky * 1,5", "Lượt khách du lịch tăng trên 50% so với cùng kỳ năm trước: cần giải trình."),
                        warning(
                            "if(KT02 > 0; KT03 * 1.000 / KT02 <= 10; true)",
                            "Chi tiêu bình quân trên 10 triệu đồng một lượt khách: kiểm tra lại đơn vị tính của tổng thu (tỷ đồng).",
                        ),
                    ],
                    guidance: "",
                }
                .doc(),
            )],
        ),
        file(
            true,
            vec![(
                standing(),
                Regime {
                    code: "CDS_QUY",
                    name: "Báo cáo kết quả chuyển đổi số hằng quý của sở, ban, ngành",
                    form_number: "Biểu số 05/CĐS",
                    legal_basis: basis(&[DECREE_09, RESOLUTION_17, PLAN_251]),
                    content: "Hạ tầng và nền tảng số, ký số văn bản, kết nối cơ sở dữ liệu chuyên ngành với Kho dữ liệu dùng chung, bồi dưỡng kỹ năng số tại sở, ban, ngành.",
                    units: &[GROUP_DEPARTMENTS],
                    schedule: schedule(Quarterly, Decree09, DayOfLastMonth(20), 10),
                    approval: false,
                    columns: vec![Current, PreviousPeriod, SamePeriodLastYear],
                    sections: vec![
                        section("Hạ tầng và nền tảng số", &[("CDS01", true), ("CDS02", true), ("CDS03", true)]),
                        section("Nhân lực số", &[("CDS04", true)]),
                        section("Dữ liệu số", &[("CDS05", false), ("CDS06", false)]),
                    ],
                    outline: outline(&[("Kết quả thực hiện nhiệm vụ chuyển đổi số trong quý", ""), ("Khó khăn, vướng mắc", ""), ("Kiến nghị, đề xuất", "")]),
                    rules: vec![
                        warning("if(CDS01; CDS02 > 0; true)", "Đã có hệ thống quản lý văn bản nhưng tỷ lệ văn bản ký số bằng 0: cần giải trình."),
                        warning("CDS03 >= CDS03.ky_truoc", "Số cơ sở dữ liệu đã kết nối giảm so với quý trước: cần giải trình."),
                    ],
                    guidance: "Sở Khoa học và Công nghệ tổng hợp, báo cáo UBND tỉnh.",
                }
                .doc(),
            )],
        ),
        file(
            true,
            vec![(
                standing(),
                Regime {
                    code: "NS_QUY",
                    name: "Báo cáo thu, chi ngân sách và giải ngân vốn đầu tư công hằng quý",
                    form_number: "Biểu số 06/NS",
                    legal_basis: basis(&[DECREE_09, "Luật Ngân sách nhà nước ngày 25/6/2015", "Luật Đầu tư công ngày 29/11/2024"]),
                    content: "Thu, chi ngân sách nhà nước, tiến độ giải ngân vốn đầu tư công và số doanh nghiệp thành lập mới trên địa bàn tỉnh.",
                    units: &["STC"],
                    schedule: schedule(Quarterly, Calendar, DaysAfterCutoff(10), 10),
                    approval: false,
                    // The year's estimate (dự toán) is the plan the quarters are measured against.
                    columns: vec![Current, YearToDate, SamePeriodLastYear, Comparison, Plan, PlanPercent],
                    sections: vec![
                        section("Thu ngân sách", &[("NS01", true), ("NS02", true)]),
                        section("Chi ngân sách", &[("NS03", true), ("NS04", true)]),
                        section("Giải ngân vốn đầu tư công", &[("NS06", true), ("NS07", true), ("NS05", true)]),
                        section("Doanh nghiệp", &[("KT01", true)]),
                    ],
                    outline: outline(&[("Tình hình thu, chi ngân sách", ""), ("Tiến độ giải ngân vốn đầu tư công", "Nêu các dự án chậm giải ngân và nguyên nhân."), ("Giải pháp", "")]),
                    rules: vec![
                        error("NS02 <= NS01", "Thu nội địa không được lớn hơn tổng thu ngân sách nhà nước trên địa bàn."),
                        error("NS04 <= NS03", "Chi đầu tư phát triển không được lớn hơn tổng chi ngân sách địa phương."),
                        error("NS07 <= NS06", "Giá trị giải ngân không được lớn hơn kế hoạch vốn được giao."),
                        error(
                            "if(NS06 > 0; abs(NS05 - NS07 / NS06 * 100) <= 0,1; true)",
                            "Tỷ lệ giải ngân phải bằng giá trị giải ngân chia cho kế hoạch vốn, nhân 100 (sai lệch tối đa 0,1 điểm %).",
                        ),
                        warning("NS01 >= NS01.cung_ky * 0,8", "Thu ngân sách giảm trên 20% so với cùng kỳ năm trước: cần giải trình nguyên nhân."),
                    ],
                    guidance: "Số liệu theo quý dương lịch, chốt đến ngày cuối cùng của quý.",
                }
                .doc(),
            )],
        ),
        file(
            true,
            vec![(
                standing(),
                Regime {
                    code: "GDDT_6T",
                    name: "Báo cáo tình hình giáo dục và đào tạo 6 tháng",
                    form_number: "Biểu số 07/GD",
                    legal_basis: basis(&[DECREE_09, "Luật Giáo dục ngày 14/6/2019"]),
                    content: "Quy mô học sinh, huy động trẻ đến trường, trường đạt chuẩn quốc gia và tình trạng học sinh bỏ học.",
                    units: &["SGDDT"],
                    schedule: schedule(HalfYear, Decree09, DayOfLastMonth(20), 15),
                    approval: true,
                    columns: vec![Current, SamePeriodLastYear, Comparison],
                    sections: vec![
                        section("Quy mô học sinh", &[("GD01", true), ("GD02", true), ("GD03", true)]),
                        section("Chất lượng giáo dục", &[("GD04", true), ("GD05", true), ("GD06", true)]),
                    ],
                    outline: outline(&[("Kết quả thực hiện nhiệm vụ năm học", ""), ("Giải pháp trọng tâm", "")]),
                    rules: vec![
                        error("GD02[nam] + GD02[nu] == GD02", "Học sinh tiểu học nam và nữ phải bằng tổng số học sinh tiểu học."),
                        warning("GD06 <= 5", "Tỷ lệ học sinh bỏ học trên 5%: cần giải trình nguyên nhân."),
                        warning("GD05 >= GD05.cung_ky", "Số trường đạt chuẩn quốc gia giảm so với cùng kỳ năm trước: cần giải trình."),
                    ],
                    guidance: "",
                }
                .doc(),
            )],
        ),
        file(
            true,
            vec![(
                standing(),
                Regime {
                    code: "NQ17_TU",
                    name: "Báo cáo kết quả thực hiện Nghị quyết số 17-NQ/TU ngày 31/8/2021 của Ban Thường vụ Tỉnh ủy về chuyển đổi số",
                    form_number: "Biểu số 08/NQ",
                    legal_basis: basis(&[RESOLUTION_17, PLAN_251, DECREE_09]),
                    content: "Kết quả lãnh đạo, chỉ đạo và thực hiện các mục tiêu, nhiệm vụ của Nghị quyết số 17-NQ/TU về chuyển đổi số tại sở, ban, ngành và UBND xã, phường; một số chỉ tiêu chính quyền số.",
                    units: &[GROUP_DEPARTMENTS, GROUP_COMMUNES],
                    schedule: schedule(HalfYear, Decree09, DayOfLastMonth(15), 10),
                    approval: true,
                    columns: vec![Current, PreviousPeriod, SamePeriodLastYear],
                    sections: vec![section("Chính quyền số", &[("CDS02", true), ("CDS07", true), ("CDS04", false)])],
                    outline: outline(&[
                        ("Công tác lãnh đạo, chỉ đạo, quán triệt, tuyên truyền Nghị quyết", "Các văn bản lãnh đạo, chỉ đạo đã ban hành; hình thức quán triệt, tuyên truyền."),
                        (
                            "Kết quả thực hiện các mục tiêu, nhiệm vụ của Nghị quyết",
                            "Theo từng trụ cột: nhận thức số, thể chế số, hạ tầng số, dữ liệu số, chính quyền số, kinh tế số, xã hội số.",
                        ),
                        ("Tồn tại, hạn chế và nguyên nhân", ""),
                        ("Bài học kinh nghiệm", ""),
                        ("Nhiệm vụ, giải pháp trọng tâm thời gian tới", ""),
                        ("Đề xuất, kiến nghị", ""),
                    ]),
                    rules: vec![warning("CDS02 >= CDS02.ky_truoc - 5", "Tỷ lệ văn bản đi được ký số giảm trên 5 điểm % so với kỳ trước: cần giải trình.")],
                    guidance: "Báo cáo chủ yếu bằng văn bản theo đề cương; Văn phòng UBND tỉnh tổng hợp báo cáo Ban Thường vụ Tỉnh ủy.",
                }
                .doc(),
            )],
        ),
        file(
            true,
            vec![(
                standing(),
                Regime {
                    code: "KTXH_9T",
                    name: "Báo cáo kết quả thực hiện nhiệm vụ phát triển kinh tế - xã hội 9 tháng, ước thực hiện cả năm của sở, ban, ngành",
                    form_number: "Biểu số 09/KTXH",
                    legal_basis: basis(&[LAW_LOCAL_2015, DECREE_09, "Luật Đầu tư công ngày 29/11/2024"]),
                    content: "Kết quả thực hiện nhiệm vụ 9 tháng, ước thực hiện cả năm và tiến độ giải ngân vốn đầu tư công do đơn vị làm chủ đầu tư.",
                    units: &[GROUP_DEPARTMENTS],
                    schedule: schedule(NineMonths, Decree09, DayOfLastMonth(20), 10),
                    approval: true,
                    columns: vec![Current, SamePeriodLastYear, Comparison],
                    sections: vec![section("Giải ngân vốn đầu tư công do đơn vị làm chủ đầu tư", &[("NS06", false), ("NS07", false), ("NS05", false)])],
                    outline: outline(&[
                        ("Kết quả thực hiện nhiệm vụ 9 tháng", ""),
                        ("Ước thực hiện cả năm", "So sánh với chỉ tiêu, nhiệm vụ được giao."),
                        ("Khó khăn, vướng mắc", ""),
                        ("Nhiệm vụ, giải pháp 3 tháng cuối năm", ""),
                    ]),
                    rules: vec![
                        error("NS07 <= NS06", "Giá trị giải ngân không được lớn hơn kế hoạch vốn được giao."),
                        error(
                            "if(NS06 > 0; abs(NS05 - NS07 / NS06 * 100) <= 0,1; true)",
                            "Tỷ lệ giải ngân phải bằng giá trị giải ngân chia cho kế hoạch vốn, nhân 100 (sai lệch tối đa 0,1 điểm %).",
                        ),
                        warning("NS05 >= 60", "Tỷ lệ giải ngân 9 tháng dưới 60% kế hoạch vốn: cần giải trình nguyên nhân và giải pháp."),
                    ],
                    guidance: "Đơn vị không được giao kế hoạch vốn đầu tư công để trống phần số liệu.",
                }
                .doc(),
            )],
        ),
        file(
            true,
            vec![(
                standing(),
                Regime {
                    code: "LN_NAM",
                    name: "Báo cáo chỉ tiêu lâm nghiệp và sản lượng lương thực hằng năm",
                    form_number: "Biểu số 10/NN",
                    legal_basis: basis(&[DECREE_09, "Luật Lâm nghiệp ngày 15/11/2017"]),
                    content: "Tỷ lệ che phủ rừng, diện tích rừng trồng mới và sản lượng lương thực có hạt trên địa bàn tỉnh.",
                    units: &["SNNMT"],
                    schedule: schedule(Annual, Calendar, DaysAfterCutoff(15), 15),
                    approval: false,
                    columns: vec![Current, SamePeriodLastYear, Comparison],
                    sections: vec![section("Lâm nghiệp", &[("LN01", true), ("LN02", true)]), section("Nông nghiệp", &[("LN04", true)])],
                    outline: outline(&[("Kết quả phát triển lâm nghiệp", "Kết quả theo dõi diễn biến rừng năm báo cáo."), ("Sản xuất nông nghiệp", "")]),
                    rules: vec![
                        warning("LN01 >= LN01.cung_ky - 2", "Tỷ lệ che phủ rừng giảm hơn 2 điểm % so với năm trước: cần giải trình."),
                        warning("LN02 >= LN02.cung_ky * 0,5", "Diện tích rừng trồng mới giảm trên 50% so với năm trước: cần giải trình."),
                    ],
                    guidance: "Tỷ lệ che phủ rừng theo kết quả theo dõi diễn biến rừng được công bố.",
                }
                .doc(),
            )],
        ),
        // The scheme's own regimes: published after the decision of 21/7/2025,
        // stopped once the scheme ended on 31/12/2025 (their reports stay).
        file(
            false,
            vec![(
                scheme_published,
                Regime {
                    code: "DA1836_6T",
                    name: "Báo cáo kết quả thực hiện Đề án phát triển dữ liệu số, nâng cao năng lực quản trị số năm 2025 (định kỳ 6 tháng)",
                    form_number: "Biểu số 11/ĐA",
                    legal_basis: basis(&[DECISION_1836, DECREE_09]),
                    content: "Kết quả thực hiện các mục tiêu của Đề án tại đơn vị: chỉ tiêu thống kê, số liệu báo cáo cung cấp dưới dạng dữ liệu số (mục tiêu 50% năm 2025); chế độ báo cáo định kỳ thực hiện trên Hệ thống (mục tiêu 100%); dữ liệu mở; tập huấn, bồi dưỡng cán bộ, lãnh đạo; giám sát hệ thống thông tin; Tổ công nghệ số cộng đồng. Áp dụng đến hết ngày 31/12/2025.",
                    units: &[GROUP_DEPARTMENTS, GROUP_COMMUNES],
                    schedule: schedule(HalfYear, Decree09, DayOfLastMonth(15), 10),
                    approval: false,
                    columns: vec![Current, PreviousPeriod],
                    sections: vec![
                        section("Dữ liệu số phục vụ chỉ đạo, điều hành", &[("DA01", true), ("DA02", true), ("DA03", true)]),
                        section("Chế độ báo cáo trên Hệ thống thông tin báo cáo", &[("DA04", true), ("DA05", true), ("DA06", true)]),
                        section("Dữ liệu mở", &[("DA07", true), ("DA08", true)]),
                        section("Nhân lực số", &[("DA09", true), ("DA10", true), ("DA11", true), ("DA12", true)]),
                        section("Giám sát hệ thống thông tin", &[("DA13", true), ("DA14", true)]),
                        section("Tổ công nghệ số cộng đồng (UBND xã, phường)", &[("DA16", false), ("DA17", false), ("DA18", false)]),
                    ],
                    outline: outline(&[
                        ("Tình hình triển khai Đề án tại đơn vị", ""),
                        ("Kết quả thực hiện các nhiệm vụ được giao tại mục III, Phần thứ hai của Đề án", "Nêu rõ nhiệm vụ hoàn thành, chưa hoàn thành so với thời hạn."),
                        ("Khó khăn, vướng mắc và đề xuất", ""),
                    ]),
                    rules: vec![
                        error("DA02 <= DA01", "Số chỉ tiêu cung cấp dưới dạng dữ liệu số không được lớn hơn tổng số chỉ tiêu."),
                        error(
                            "if(DA01 > 0; abs(DA03 - DA02 / DA01 * 100) <= 0,1; true)",
                            "Tỷ lệ chỉ tiêu cung cấp dưới dạng dữ liệu số phải bằng số chỉ tiêu dữ liệu số chia cho tổng số chỉ tiêu, nhân 100.",
                        ),
                        warning("DA03 >= 50", "Tỷ lệ chỉ tiêu thống kê, số liệu báo cáo cung cấp dưới dạng dữ liệu số dưới mục tiêu 50% năm 2025 của Đề án: cần giải trình."),
                        error("DA05 <= DA04", "Số chế độ báo cáo thực hiện trên Hệ thống không được lớn hơn tổng số chế độ báo cáo."),
                        error(
                            "if(DA04 > 0; abs(DA06 - DA05 / DA04 * 100) <= 0,1; true)",
                            "Tỷ lệ chế độ báo cáo thực hiện trên Hệ thống phải bằng số chế độ trên Hệ thống chia cho tổng số chế độ, nhân 100.",
                        ),
                        warning("DA06 >= 100", "Chưa đạt mục tiêu 100% chế độ báo cáo định kỳ thực hiện trên Hệ thống (hạn 31/7/2025): cần giải trình."),
                        error("DA08 <= DA07", "Số bộ dữ liệu mở đã cung cấp không được lớn hơn số bộ dữ liệu thuộc danh mục."),
                        warning("DA08 >= DA07", "Chưa cung cấp đủ 100% dữ liệu mở theo danh mục trên Cổng dữ liệu mở của tỉnh: cần giải trình."),
                        error("DA10 <= DA09", "Số cán bộ được tập huấn không được lớn hơn số cán bộ làm công tác tham mưu."),
                        warning("DA10 >= DA09", "Chưa đạt mục tiêu 100% cán bộ, công chức làm công tác tham mưu được tập huấn, bồi dưỡng (hạn 30/9/2025): cần giải trình."),
                        error("DA12 <= DA11", "Số lãnh đạo được đào tạo không được lớn hơn số lãnh đạo của đơn vị."),
                        warning("DA12 * 2 >= DA11", "Dưới 50% lãnh đạo được đào tạo kỹ năng quản lý và ra quyết định trong môi trường số: cần giải trình."),
                        error("DA14 <= DA13", "Số hệ thống được giám sát không được lớn hơn số hệ thống thông tin chuyên ngành quan trọng."),
                        warning("DA14 * 10 >= DA13 * 6", "Dưới 60% hệ thống thông tin chuyên ngành quan trọng được giám sát, kết nối với hệ thống giám sát Quốc gia: cần giải trình."),
                    ],
                    guidance: "Sở Khoa học và Công nghệ tổng hợp, báo cáo UBND tỉnh. Sở, ban, ngành để trống phần Tổ công nghệ số cộng đồng.",
                }
                .doc(),
            )],
        ),
        file(
            false,
            vec![(
                scheme_published,
                Regime {
                    code: "DA1836_NAM",
                    name: "Báo cáo tổng hợp kết quả thực hiện Đề án phát triển dữ liệu số, nâng cao năng lực quản trị số năm 2025",
                    form_number: "Biểu số 12/ĐA",
                    legal_basis: basis(&[DECISION_1836, DECREE_09, "Quyết định số 1429/QĐ-UBND ngày 17/6/2025 của Chủ tịch UBND tỉnh Sơn La ban hành Danh mục cơ sở dữ liệu dùng chung tỉnh Sơn La"]),
                    content: "Tiến độ xây dựng Kho dữ liệu dùng chung, hạ tầng Trung tâm dữ liệu và các cơ sở dữ liệu chuyên ngành theo thời hạn của Đề án; tích hợp cơ sở dữ liệu dùng chung; giám sát hệ thống thông tin dùng chung. Áp dụng đến hết ngày 31/12/2025.",
                    units: &["SKHCN"],
                    schedule: schedule(Annual, Decree09, DayOfLastMonth(20), 15),
                    approval: true,
                    columns: vec![Current],
                    sections: vec![
                        section(
                            "Tiến độ xây dựng hạ tầng dữ liệu (mục III.2 của Đề án)",
                            &[
                                ("CSDL01", true),
                                ("CSDL04", true),
                                ("CSDL02", true),
                                ("CSDL03", true),
                                ("CSDL05", true),
                                ("CSDL06", true),
                                ("CSDL07", true),
                                ("CSDL08", true),
                                ("CSDL09", true),
                                ("CSDL10", true),
                            ],
                        ),
                        section("Tích hợp dữ liệu và giám sát", &[("DA19", true), ("DA15", true)]),
                    ],
                    outline: outline(&[
                        ("Đánh giá chung kết quả thực hiện Đề án năm 2025", "Theo 5 mục tiêu tại mục II, Phần thứ hai của Đề án."),
                        ("Nhiệm vụ chưa hoàn thành và nguyên nhân", ""),
                        ("Đề xuất nhiệm vụ giai đoạn tiếp theo", ""),
                    ]),
                    rules: vec![
                        warning("CSDL01 >= 100", "Kho dữ liệu dùng chung của tỉnh chưa hoàn thành (hạn 31/12/2025): cần giải trình."),
                        warning("CSDL04 >= 100", "Hạ tầng Trung tâm dữ liệu chưa hoàn thành (hạn 31/12/2025): cần giải trình."),
                        warning("CSDL02 >= 100", "Cơ sở dữ liệu chuyên ngành y tế chưa hoàn thành (hạn 30/8/2025): cần giải trình."),
                        warning("CSDL03 >= 100", "Cơ sở dữ liệu chuyên ngành giáo dục và đào tạo chưa hoàn thành (hạn 30/8/2025): cần giải trình."),
                        warning("CSDL05 >= 100", "Cơ sở dữ liệu chuyên ngành Nông nghiệp và Môi trường chưa hoàn thành (hạn 31/12/2025): cần giải trình."),
                        warning("CSDL06 >= 100", "Cơ sở dữ liệu chuyên ngành Khoa học và Công nghệ, Chuyển đổi số chưa hoàn thành (hạn 31/12/2025): cần giải trình."),
                        warning("CSDL07 >= 100", "Cơ sở dữ liệu chuyên ngành Xây dựng chưa hoàn thành (hạn 31/12/2025): cần giải trình."),
                        warning("CSDL08 >= 100", "Cơ sở dữ liệu chuyên ngành Nội vụ chưa hoàn thành (hạn 31/12/2025): cần giải trình."),
                        warning("CSDL09 >= 100", "Cơ sở dữ liệu chuyên ngành Văn hóa, Thể thao và Du lịch chưa hoàn thành (hạn 31/12/2025): cần giải trình."),
                        warning("CSDL10 >= 100", "Cơ sở dữ liệu chuyên ngành Công thương chưa hoàn thành (hạn 31/12/2025): cần giải trình."),
                        warning("DA15 >= 100", "Chưa đạt mục tiêu 100% hệ thống thông tin, dữ liệu dùng chung được giám sát: cần giải trình."),
                    ],
                    guidance: "Sở Khoa học và Công nghệ tổng hợp số liệu do các cơ quan chủ trì từng nhiệm vụ cung cấp.",
                }
                .doc(),
            )],
        ),
        file(
            true,
            vec![(
                standing(),
                Regime {
                    code: "THIENTAI_DX",
                    name: "Báo cáo đột xuất tình hình thiệt hại do thiên tai",
                    form_number: "Biểu số 13/PCTT",
                    legal_basis: basis(&["Luật Phòng, chống thiên tai ngày 19/6/2013 (sửa đổi, bổ sung năm 2020)", DECREE_09]),
                    content: "Thiệt hại về người, nhà ở, sản xuất nông nghiệp và ước giá trị thiệt hại do mưa lũ, lũ quét, sạt lở đất trên địa bàn xã, phường trong đợt thiên tai.",
                    units: &[GROUP_COMMUNES],
                    schedule: schedule(OneOff, Calendar, DaysAfterCutoff(1), 3),
                    approval: false,
                    columns: vec![Current],
                    sections: vec![
                        section("Thiệt hại về người", &[("PCTT01", true), ("PCTT02", true)]),
                        section("Thiệt hại về nhà ở", &[("PCTT03", true), ("PCTT04", true)]),
                        section("Thiệt hại về sản xuất", &[("PCTT05", true), ("PCTT06", true)]),
                    ],
                    outline: outline(&[("Diễn biến thiên tai", "Thời gian, khu vực xảy ra mưa lũ, sạt lở."), ("Công tác ứng phó, khắc phục hậu quả", ""), ("Đề xuất hỗ trợ", "")]),
                    rules: vec![warning(
                        "if(PCTT03 + PCTT04 + PCTT05 > 0; PCTT06 > 0; true)",
                        "Có thiệt hại về nhà ở hoặc sản xuất nhưng chưa ước giá trị thiệt hại: cần giải trình.",
                    )],
                    guidance: "Báo cáo ngay sau mỗi đợt thiên tai, chậm nhất 01 ngày làm việc sau khi kết thúc đợt; kỳ báo cáo là thời gian diễn ra đợt thiên tai. Sở Nông nghiệp và Môi trường (Cơ quan thường trực Ban Chỉ huy phòng thủ dân sự tỉnh) tổng hợp.",
                }
                .doc(),
            )],
        ),
    ]
}

fn holidays() -> Vec<HolidayRow> {
    let h = |y, m, d, name: &str| HolidayRow { day: date(y, m, d), name: name.into(), make_up: false };
    let mut v = vec![h(2024, 1, 1, "Tết Dương lịch")];
    for d in 8..=14 {
        v.push(h(2024, 2, d, "Tết Nguyên đán Giáp Thìn"));
    }
    v.extend([
        h(2024, 4, 18, "Giỗ Tổ Hùng Vương"),
        h(2024, 4, 29, "Nghỉ bù"),
        HolidayRow { day: date(2024, 5, 4), name: "Làm bù cho ngày 29/4/2024".into(), make_up: true },
        h(2024, 4, 30, "Ngày Giải phóng miền Nam"),
        h(2024, 5, 1, "Ngày Quốc tế Lao động"),
        h(2024, 9, 2, "Quốc khánh"),
        h(2024, 9, 3, "Quốc khánh"),
        h(2025, 1, 1, "Tết Dương lịch"),
    ]);
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
        HolidayRow { day: date(2025, 4, 26), name: "Làm bù cho ngày 02/5/2025".into(), make_up: true },
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
    use std::collections::{HashMap, HashSet};

    #[test]
    fn demo_catalogue_is_big_enough_and_consistent() {
        let c = demo_catalogue();
        assert!(c.indicators.len() >= 60);
        assert!(c.regimes.len() >= 10);
        assert!(c.regimes.iter().all(|r| !r.draft.rules.is_empty()));
        let sectors: HashSet<_> = c.indicators.iter().map(|i| i.fields.sector.clone()).collect();
        assert!(sectors.len() >= 8);
        for i in &c.indicators {
            assert_eq!(i.fields.to_form().check().as_ref(), Ok(&i.fields), "{}", i.fields.code);
        }
    }

    #[test]
    fn the_frequencies_the_province_uses_are_all_there() {
        let c = demo_catalogue();
        let freqs: HashSet<Frequency> = c.regimes.iter().map(|r| r.draft.schedule.frequency).collect();
        for f in Frequency::ALL {
            assert!(freqs.contains(&f), "no regime with frequency {}", f.label());
        }
        let party =
            c.regimes.iter().find(|r| r.draft.name.contains("Nghị quyết") && r.draft.name.contains("Tỉnh ủy")).expect("a Party resolution regime");
        assert!(party.draft.outline.len() > party.draft.row_count(), "mostly narrative");
    }

    #[test]
    fn units_report_what_they_own() {
        let c = demo_catalogue();
        let owner: HashMap<&str, &str> =
            c.indicators.iter().map(|i| (i.fields.code.as_str(), i.fields.owner_unit.as_deref().unwrap_or(""))).collect();
        assert_eq!(owner["LN01"], "SNNMT", "forest cover");
        for code in ["GN01", "GN02", "GN03", "GN04"] {
            assert_eq!(owner[code], "SNNMT", "poverty reduction moved to agriculture and environment in 2025: {code}");
        }
        for r in &c.regimes {
            let codes = r.draft.indicator_codes();
            let monthly = r.draft.schedule.frequency == Frequency::Monthly;
            if monthly && r.draft.reporting_units.iter().any(|u| u == GROUP_COMMUNES) {
                for yearly in ["DS01", "DS02", "GN01", "GN02"] {
                    assert!(!codes.iter().any(|c| c == yearly), "{yearly} is a yearly figure, not monthly from communes ({})", r.code);
                }
            }
            if codes.iter().any(|c| c == "LN01") {
                assert_eq!(r.draft.reporting_units, vec!["SNNMT".to_string()], "{}", r.code);
            }
        }
        // Units of measure as Vietnamese writes them: lower case, except acronyms.
        for i in &c.indicators {
            let first = i.fields.unit.chars().next();
            assert!(first.is_none_or(|ch| !ch.is_uppercase()), "{}: «{}»", i.fields.code, i.fields.unit);
        }
    }

    #[test]
    fn statistical_flag_follows_the_provincial_system() {
        let c = demo_catalogue();
        let documented: HashSet<&str> = QD05_2023_PROVINCIAL.iter().map(|e| e.code).collect();
        for i in &c.indicators {
            assert_eq!(i.fields.statistical, documented.contains(i.fields.code.as_str()), "{}", i.fields.code);
        }
        for e in QD05_2023_PROVINCIAL {
            assert!(c.indicators.iter().any(|i| i.fields.code == e.code), "{} is not in the catalogue", e.code);
            assert!(!e.qd05_name.trim().is_empty());
        }
        let flagged = c.indicators.iter().filter(|i| i.fields.statistical).count();
        assert!(flagged * 2 < c.indicators.len(), "{flagged} of {} flagged statistical", c.indicators.len());
    }

    #[test]
    fn every_published_version_states_every_decree_09_item() {
        for r in demo_catalogue().regimes {
            for v in &r.versions {
                let missing = domain::regime::decree09_missing_items(&v.definition);
                assert!(missing.is_empty(), "{} v{}: {missing}", r.code, v.version);
                assert!(!v.definition.legal_basis.trim().is_empty(), "{}", r.code);
            }
        }
    }
}
