use server::cli::{self, Command};
use server::config::Config;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match cli::parse(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("lỗi: {e}\n\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    if let Command::Help = command {
        println!("{}", cli::USAGE);
        return ExitCode::SUCCESS;
    }
    let config = match Config::load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    server::init_tracing(config.log_format);
    let result = match command {
        Command::Serve => server::run(config).await.map_err(|e| e.to_string()),
        Command::Migrate => server::prepare_database(&config).await.map(|_| ()).map_err(|e| e.to_string()),
        Command::CreateAdmin { username, full_name, unit } => cli::create_admin(&config, &username, &full_name, &unit).await,
        Command::Generate { year, large_regime_rows, seed } => cli::generate(&config, year, large_regime_rows, seed).await,
        Command::Help => Ok(()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lỗi: {e}");
            ExitCode::FAILURE
        }
    }
}
