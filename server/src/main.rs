use server::cli::{self, Command};
use server::config::Config;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Before any thread exists, so every arena follows the settings.
    server::tune_allocator();
    match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt.block_on(run()),
        Err(e) => {
            eprintln!("lỗi: không khởi động được bộ thực thi: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> ExitCode {
    let command = match cli::parse(std::env::args().skip(1)) {
        Ok(c) => c,
        Err((text, 0)) => {
            println!("{text}");
            return ExitCode::SUCCESS;
        }
        Err((text, code)) => {
            eprintln!("{text}");
            return ExitCode::from(code);
        }
    };
    let config = match Config::load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    // `excel-check` prints JSON on standard output: no log lines in it.
    if !matches!(command, Command::ExcelCheck { .. }) {
        server::init_tracing(config.log_format);
    }
    let result = match command {
        Command::Serve => server::run(config).await.map_err(|e| e.to_string()),
        Command::Migrate => server::prepare_database(&config).await.map(|_| ()).map_err(|e| e.to_string()),
        Command::CreateAdmin { username, full_name, unit } => cli::create_admin(&config, &username, &full_name, &unit).await,
        Command::Generate { year, large_regime_rows, seed } => cli::generate(&config, year, large_regime_rows, seed).await,
        Command::PrepareLoad { users, rows, force } => cli::prepare_load(&config, users, rows, force).await,
        Command::Backup { path } => cli::backup(&config, &path).await,
        Command::Restore { path } => cli::restore(&config, &path).await,
        Command::ExcelCheck { file } => {
            return match cli::excel_check(&config, &file).await {
                Ok(report) => {
                    match serde_json::to_string_pretty(&report) {
                        Ok(json) => println!("{json}"),
                        Err(e) => eprintln!("lỗi: {e}"),
                    }
                    ExitCode::from(report.exit_code())
                }
                Err(e) => {
                    eprintln!("lỗi: {e}");
                    ExitCode::from(2)
                }
            };
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lỗi: {e}");
            ExitCode::FAILURE
        }
    }
}
