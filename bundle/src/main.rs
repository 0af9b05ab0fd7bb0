//! `bundle INPUT.wasm OUT_DIR`: writes `OUT_DIR/baocao.js` and
//! `OUT_DIR/baocao.wasm`, the hydration bundle the server serves.
//!
//! Why a crate and not the `wasm-bindgen` command: installing that command
//! compiled its test runner's HTTP client and server too, about eight of the
//! minutes a fresh machine needed before its first page. The library is
//! compiled with the server, in the same build, and can never drift from the
//! version in Cargo.lock.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use wasm_bindgen_cli_support::Bindgen;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, out_dir] = args.as_slice() else {
        eprintln!("usage: bundle INPUT.wasm OUT_DIR");
        return ExitCode::from(2);
    };
    match bundle(Path::new(input), Path::new(out_dir)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bundle: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn bundle(input: &Path, out_dir: &Path) -> anyhow::Result<()> {
    Bindgen::new().input_path(input).out_name("baocao").web(true)?.typescript(false).generate(out_dir)?;
    // The name the server looks for (and cargo-leptos used).
    std::fs::rename(out_dir.join("baocao_bg.wasm"), out_dir.join("baocao.wasm")).context("renaming baocao_bg.wasm")?;
    Ok(())
}
