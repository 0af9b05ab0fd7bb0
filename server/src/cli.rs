//! Sub-commands of the server binary.

use crate::config::Config;
use std::io::BufRead;

pub const USAGE: &str = "\
baocao — Hệ thống thông tin báo cáo tỉnh Sơn La

Cách dùng:
  server [serve]                     chạy máy chủ web (mặc định)
  server migrate                     chỉ áp dụng migration cơ sở dữ liệu
  server create-admin --username TÊN --full-name \"HỌ TÊN\" [--unit MÃ_ĐƠN_VỊ]
                                     tạo tài khoản quản trị đầu tiên; mật khẩu đọc từ đầu vào chuẩn
  server generate --year NĂM [--large-regime SỐ_DÒNG] [--seed N]
                                     sinh dữ liệu tổng hợp cả tỉnh cho một năm (mọi đơn vị, mọi chế độ
                                     đã ban hành, mọi kỳ), dùng cho đo hiệu năng và kiểm thử tải
  server help                        in hướng dẫn này

Cấu hình: biến môi trường BAOCAO_* (xem README.md) hoặc tệp BAOCAO_CONFIG.";

#[derive(Debug)]
pub enum Command {
    Serve,
    Migrate,
    CreateAdmin { username: String, full_name: String, unit: String },
    Generate { year: i32, large_regime_rows: usize, seed: u64 },
    Help,
}

pub fn parse(args: &[String]) -> Result<Command, String> {
    let mut it = args.iter();
    let cmd = it.next().map(String::as_str).unwrap_or("serve");
    match cmd {
        "serve" => Ok(Command::Serve),
        "migrate" => Ok(Command::Migrate),
        "help" | "--help" | "-h" => Ok(Command::Help),
        "create-admin" => {
            let (mut username, mut full_name, mut unit) = (None, None, domain::org::OFFICE_CODE.to_string());
            while let Some(flag) = it.next() {
                let value = it.next().ok_or_else(|| format!("thiếu giá trị sau {flag}"))?.clone();
                match flag.as_str() {
                    "--username" => username = Some(value),
                    "--full-name" => full_name = Some(value),
                    "--unit" => unit = value,
                    other => return Err(format!("không hiểu tham số {other}")),
                }
            }
            Ok(Command::CreateAdmin {
                username: username.ok_or("thiếu --username")?,
                full_name: full_name.ok_or("thiếu --full-name")?,
                unit,
            })
        }
        "generate" => {
            let (mut year, mut rows, mut seed) = (None, 0usize, 1u64);
            while let Some(flag) = it.next() {
                let value = it.next().ok_or_else(|| format!("thiếu giá trị sau {flag}"))?;
                let bad = || format!("giá trị {value:?} của {flag} không hợp lệ");
                match flag.as_str() {
                    "--year" => year = Some(value.parse::<i32>().map_err(|_| bad())?),
                    "--large-regime" => rows = value.parse().map_err(|_| bad())?,
                    "--seed" => seed = value.parse().map_err(|_| bad())?,
                    other => return Err(format!("không hiểu tham số {other}")),
                }
            }
            Ok(Command::Generate { year: year.ok_or("thiếu --year")?, large_regime_rows: rows, seed })
        }
        other => Err(format!("không có lệnh {other}")),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn parses_commands() {
        assert!(matches!(parse(&args(&[])), Ok(Command::Serve)));
        assert!(matches!(parse(&args(&["migrate"])), Ok(Command::Migrate)));
        match parse(&args(&["create-admin", "--username", "admin", "--full-name", "Lò Văn A"])) {
            Ok(Command::CreateAdmin { username, full_name, unit }) => {
                assert_eq!((username.as_str(), full_name.as_str(), unit.as_str()), ("admin", "Lò Văn A", "VPUBND"));
            }
            _ => panic!("create-admin not parsed"),
        }
        assert!(parse(&args(&["create-admin", "--username"])).unwrap_err().contains("--username"));
        assert!(parse(&args(&["create-admin", "--full-name", "X"])).unwrap_err().contains("--username"));
        assert!(parse(&args(&["frobnicate"])).is_err());
        assert!(matches!(
            parse(&args(&["generate", "--year", "2025", "--large-regime", "300"])),
            Ok(Command::Generate { year: 2025, large_regime_rows: 300, seed: 1 })
        ));
        assert!(parse(&args(&["generate"])).unwrap_err().contains("--year"));
        assert!(parse(&args(&["generate", "--year", "x"])).is_err());
    }
}
