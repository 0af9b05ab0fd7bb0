//! Sub-commands of the server binary, parsed by clap; help and errors in
//! Vietnamese.

use crate::config::Config;
use clap::{Parser, Subcommand};
use std::io::BufRead;
use std::path::PathBuf;

/// baocao — Hệ thống thông tin báo cáo tỉnh Sơn La
#[derive(Debug, Parser)]
#[command(
    name = "server",
    about = "baocao — Hệ thống thông tin báo cáo tỉnh Sơn La",
    after_help = "Cấu hình: biến môi trường BAOCAO_* (xem README.md) hoặc tệp BAOCAO_CONFIG.",
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, PartialEq, Eq, Subcommand)]
pub enum Command {
    /// Chạy máy chủ web (mặc định)
    Serve,
    /// Chỉ áp dụng migration cơ sở dữ liệu
    Migrate,
    /// Tạo tài khoản quản trị đầu tiên; mật khẩu đọc từ đầu vào chuẩn
    CreateAdmin {
        /// Tên đăng nhập
        #[arg(long)]
        username: String,
        /// Họ và tên
        #[arg(long = "full-name")]
        full_name: String,
        /// Mã đơn vị (mặc định Văn phòng UBND tỉnh)
        #[arg(long, default_value = domain::org::OFFICE_CODE)]
        unit: String,
    },
    /// Sinh dữ liệu tổng hợp cả tỉnh cho một năm (mọi đơn vị, mọi chế độ đã ban hành, mọi kỳ), dùng cho đo hiệu năng và kiểm thử tải
    Generate {
        /// Năm cần sinh dữ liệu
        #[arg(long)]
        year: i32,
        /// Thêm một chế độ báo cáo tháng có SỐ_DÒNG dòng cho mọi đơn vị
        #[arg(long = "large-regime", value_name = "SỐ_DÒNG", default_value_t = 0)]
        large_regime_rows: usize,
        /// Hạt giống ngẫu nhiên
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Chuẩn bị kiểm thử tải: mỗi người dùng thử tải một đơn vị riêng (nhóm "Đơn vị thử tải") và một báo cáo riêng của chế độ thử tải; mật khẩu chung biết trước nên không chạy trên cơ sở dữ liệu có tài khoản thật
    PrepareLoad {
        /// Số người dùng (chuyên viên) thử tải
        #[arg(long, default_value_t = 200)]
        users: usize,
        /// Số dòng của biểu thử tải (khi tạo mới chế độ thử tải)
        #[arg(long, default_value_t = 300)]
        rows: usize,
        /// Vẫn chạy dù cơ sở dữ liệu đã có tài khoản thật
        #[arg(long)]
        force: bool,
    },
    /// Sao lưu cơ sở dữ liệu SQLite trong khi máy chủ vẫn chạy (bản sao nhất quán)
    Backup {
        /// Tệp sao lưu sẽ tạo (chưa được tồn tại)
        path: PathBuf,
    },
    /// Khôi phục cơ sở dữ liệu SQLite từ một bản sao lưu (máy chủ phải đang dừng)
    Restore {
        /// Tệp sao lưu đã tạo bằng lệnh backup
        path: PathBuf,
    },
    /// Kiểm tra một tệp Excel biểu mẫu mà không lưu gì: in bản xem trước dạng JSON; mã thoát 0 = nhập được không lỗi, 1 = có lỗi, 2 = không đọc được tệp
    ExcelCheck {
        /// Tệp .xlsx, .xls hoặc .ods cần kiểm tra
        file: PathBuf,
    },
}

/// Reads the command line; `Err` holds the text to print and the exit code.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, (String, u8)> {
    let args = std::iter::once("server".to_string()).chain(args);
    match Cli::try_parse_from(args) {
        Ok(cli) => Ok(cli.command.unwrap_or(Command::Serve)),
        Err(e) => Err(vietnamese_error(&e)),
    }
}

fn vietnamese_error(e: &clap::Error) -> (String, u8) {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let ctx = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        _ => String::new(),
    };
    let usage = Cli::command_help();
    let msg = match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => return (e.to_string(), 0),
        ErrorKind::InvalidSubcommand => format!("không có lệnh {}", ctx(ContextKind::InvalidSubcommand)),
        ErrorKind::UnknownArgument => format!("không hiểu tham số {}", ctx(ContextKind::InvalidArg)),
        ErrorKind::MissingRequiredArgument => format!("thiếu {}", ctx(ContextKind::InvalidArg)),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            format!("giá trị {:?} của {} không hợp lệ", ctx(ContextKind::InvalidValue), ctx(ContextKind::InvalidArg))
        }
        _ => "câu lệnh không hợp lệ".to_string(),
    };
    (format!("lỗi: {msg}\n\n{usage}"), 2)
}

impl Cli {
    fn command_help() -> String {
        use clap::CommandFactory;
        Cli::command().render_help().to_string()
    }
}

/// Reads the new administrator's password from standard input, so it never
/// appears in the process list or the shell history.
fn read_password() -> Result<String, String> {
    eprintln!("Nhập mật khẩu cho tài khoản quản trị rồi nhấn Enter:");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| format!("không đọc được mật khẩu: {e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

pub async fn create_admin(config: &Config, username: &str, full_name: &str, unit: &str) -> Result<(), String> {
    let db = crate::prepare_database(config).await.map_err(|e| e.to_string())?;
    let password = read_password()?;
    match service::users::create_first_admin(&db, username, full_name, &password, unit).await {
        Ok(id) => {
            println!("Đã tạo tài khoản quản trị \"{username}\" (id {id}).");
            Ok(())
        }
        Err(service::ServiceError::Validation(errors)) => Err(errors.to_string()),
        Err(e) => Err(e.to_string()),
    }
}

/// Fills the database with a synthetic province-year (see `server generate`).
pub async fn generate(config: &Config, year: i32, large_regime_rows: usize, seed: u64) -> Result<(), String> {
    let db = crate::prepare_database(config).await.map_err(|e| e.to_string())?;
    let started = std::time::Instant::now();
    let opts = service::reports::generator::GenerateOptions { year, until: None, large_regime_rows, seed };
    let s = service::reports::generator::generate(&db, &opts).await.map_err(|e| e.to_string())?;
    println!("Đã sinh {} báo cáo, {} giá trị trong {:.1} giây.", s.reports, s.values, started.elapsed().as_secs_f64());
    Ok(())
}

/// Load-test clerks, units and the regime they report on (see `service::loadtest`).
pub async fn prepare_load(config: &Config, users: usize, rows: usize, force: bool) -> Result<(), String> {
    // Not `prepare_database`: with demo mode on it refuses a database that
    // holds accounts beyond the demonstration's, and this command adds some.
    let db = service::db::open(&config.database_url, config.database_max_connections).await.map_err(|e| e.to_string())?;
    service::org::seed_reference_units(&db).await.map_err(|e| e.to_string())?;
    let opts = service::loadtest::LoadOptions { users, rows, force };
    let s = service::loadtest::prepare(&db, &opts, chrono::Utc::now()).await.map_err(|e| e.to_string())?;
    println!(
        "Đã chuẩn bị {} người dùng thử tải (tạo mới {} người dùng, {} đơn vị), chế độ {} (id {}, {} dòng), kỳ {}; mật khẩu {}.",
        s.users,
        s.users_created,
        s.units_created,
        service::reports::generator::LARGE_REGIME_CODE,
        s.regime_id,
        s.rows,
        s.period_key,
        service::loadtest::LOAD_PASSWORD
    );
    Ok(())
}

/// A consistent copy of the live database, taken while the server runs.
pub async fn backup(config: &Config, path: &std::path::Path) -> Result<(), String> {
    let db = service::db::connect(&config.database_url, 1).await.map_err(|e| e.to_string())?;
    let started = std::time::Instant::now();
    service::db::backup(&db, path).await.map_err(|e| e.to_string())?;
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    println!(
        "Đã sao lưu vào {} ({} KB) trong {:.1} giây.",
        path.display(),
        domain::numfmt::format_int((size / 1024) as i64),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Puts a backup in place of the database file; the server must be stopped.
pub async fn restore(config: &Config, path: &std::path::Path) -> Result<(), String> {
    let kept = service::db::restore(&config.database_url, path).await.map_err(|e| e.to_string())?;
    println!("Đã khôi phục từ {}. Cơ sở dữ liệu trước đó được giữ lại tại {}.", path.display(), kept.display());
    Ok(())
}

/// What `server excel-check` prints: the preview of a file, as the upload
/// page shows it, or why it cannot be read.
#[derive(Debug, serde::Serialize)]
pub struct ExcelCheckReport {
    pub file: String,
    /// `xlsx`, `xls`, `ods`; absent when the file could not be read.
    pub format: Option<String>,
    pub readable: bool,
    /// Whether the file would import with no problem.
    pub clean: bool,
    /// One line for a person: what would go in, or why the file cannot be read.
    pub summary: String,
    pub sheets: Vec<domain::excel::SheetPreview>,
}

impl ExcelCheckReport {
    /// 0: would import cleanly; 1: has problems; 2: cannot be read.
    pub fn exit_code(&self) -> u8 {
        match (self.readable, self.clean) {
            (false, _) => 2,
            (true, true) => 0,
            (true, false) => 1,
        }
    }
}

/// Reads and checks a workbook against the database without storing
/// anything (the database is opened, not migrated).
pub async fn excel_check(config: &Config, file: &std::path::Path) -> Result<ExcelCheckReport, String> {
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let unreadable = |summary: String| ExcelCheckReport { file: name.clone(), format: None, readable: false, clean: false, summary, sheets: vec![] };
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(unreadable(format!("Không có tệp {}.", file.display()))),
        Err(e) => return Ok(unreadable(format!("Không đọc được tệp {}: {e}.", file.display()))),
    };
    let db = service::db::connect(&config.database_url, 2).await.map_err(|e| e.to_string())?;
    let limits = service::excel::Limits { max_file_bytes: config.upload_max_bytes(), ..service::excel::Limits::default() };
    let now = chrono::Utc::now();
    let checked = service::excel::import::check_file(&db, bytes, limits, now).await.map_err(|e| e.to_string())?;
    Ok(match checked {
        Err(e) => unreadable(e.to_string()),
        Ok((format, c)) => {
            let clean = c.is_clean();
            let view = domain::excel::ImportView {
                id: 0,
                file_name: name.clone(),
                created_at: now,
                state: domain::excel::ImportState::Ready,
                target_report: None,
                sheets: c.sheets,
            };
            ExcelCheckReport {
                file: name,
                format: format.map(|f| format!("{f:?}").to_lowercase()),
                readable: true,
                clean,
                summary: view.summary(),
                sheets: view.sheets,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn parses_commands() {
        assert_eq!(parse(args(&[])), Ok(Command::Serve));
        assert_eq!(parse(args(&["migrate"])), Ok(Command::Migrate));
        assert_eq!(
            parse(args(&["create-admin", "--username", "admin", "--full-name", "Lò Văn A"])),
            Ok(Command::CreateAdmin { username: "admin".into(), full_name: "Lò Văn A".into(), unit: "VPUBND".into() })
        );
        assert!(parse(args(&["create-admin", "--username"])).unwrap_err().0.contains("--username"));
        assert!(parse(args(&["create-admin", "--full-name", "X"])).unwrap_err().0.contains("thiếu --username"));
        let (msg, code) = parse(args(&["frobnicate"])).unwrap_err();
        assert!(msg.contains("không có lệnh frobnicate") && code == 2, "{msg}");
        assert_eq!(
            parse(args(&["generate", "--year", "2025", "--large-regime", "300"])),
            Ok(Command::Generate { year: 2025, large_regime_rows: 300, seed: 1 })
        );
        assert!(parse(args(&["generate"])).unwrap_err().0.contains("--year"));
        assert!(parse(args(&["generate", "--year", "x"])).unwrap_err().0.contains("không hợp lệ"));
        assert_eq!(parse(args(&["prepare-load", "--users", "50"])), Ok(Command::PrepareLoad { users: 50, rows: 300, force: false }));
        assert!(parse(args(&["prepare-load", "--users", "nhiều"])).unwrap_err().0.contains("--users"));
        assert_eq!(parse(args(&["backup", "/tmp/b.db"])), Ok(Command::Backup { path: "/tmp/b.db".into() }));
        assert_eq!(parse(args(&["excel-check", "bieu-mau.xlsx"])), Ok(Command::ExcelCheck { file: "bieu-mau.xlsx".into() }));
        assert!(parse(args(&["excel-check"])).unwrap_err().0.contains("thiếu"));
        let (help, code) = parse(args(&["--help"])).unwrap_err();
        assert!(help.contains("Sao lưu") && code == 0, "{help}");
    }
}
