//! The bundle (script, WebAssembly, style sheet) under names that carry a
//! hash of their content, so a browser keeps them for a year without asking
//! again (`Cache-Control: immutable`) and a new release is fetched at once
//! because its names differ. Each travels brotli- or gzip-compressed as the
//! browser accepts, compressed here once, in the background at start-up
//! (about a second for a release bundle).
//!
//! The hash is computed here at start-up rather than by cargo-leptos's
//! `hash-files`, whose hash file must sit beside the executable: one rule for
//! debug and release builds, for tests and for every server of a
//! multi-server deployment (same files, same names).

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use tower::ServiceExt;

/// Larger files (a debug build's 21 MB WebAssembly) are served as they are:
/// compressing them on the request path would cost seconds of CPU for a
/// build nobody serves over a mobile link.
const COMPRESS_AT_MOST: usize = 8 << 20;

/// One file of the bundle.
struct Asset {
    content_type: &'static str,
    hash: String,
    identity: Bytes,
    br: tokio::sync::OnceCell<Option<Bytes>>,
    gzip: tokio::sync::OnceCell<Option<Bytes>>,
}

/// The bundle of one site root, with the hashed name of each file.
pub struct Bundle {
    by_name: HashMap<String, Arc<Asset>>,
    pub urls: app::ssr::AssetUrls,
    dir: PathBuf,
}

/// `(stem, extension, content type)` of the files the pages load.
const FILES: [(&str, &str, &str); 3] =
    [("baocao", "js", "text/javascript; charset=utf-8"), ("baocao", "wasm", "application/wasm"), ("baocao", "css", "text/css; charset=utf-8")];

impl Bundle {
    /// The bundle under `site_root/pkg`, read and hashed once per process
    /// and per set of files (tests start many servers on the same site).
    pub fn load(site_root: &str) -> Arc<Bundle> {
        static LOADED: OnceLock<Mutex<HashMap<(PathBuf, Vec<Stamp>), Arc<Bundle>>>> = OnceLock::new();
        let dir = Path::new(site_root).join("pkg");
        let stamps: Vec<Stamp> = FILES.iter().map(|(stem, ext, _)| stamp(&dir.join(format!("{stem}.{ext}")))).collect();
        let key = (dir.clone(), stamps);
        let mut loaded = LOADED.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
        loaded
            .entry(key)
            .or_insert_with(|| {
                let bundle = Arc::new(Bundle::read(dir));
                bundle.compress_in_background();
                bundle
            })
            .clone()
    }

    /// Makes the compressed copies off the request path, so the first clerk
    /// after a release already gets them (a request that comes first makes
    /// its own and this one's is dropped).
    fn compress_in_background(&self) {
        let assets: Vec<Arc<Asset>> = self.by_name.values().cloned().collect();
        if assets.is_empty() {
            return;
        }
        let spawned = std::thread::Builder::new().name("bundle-compression".into()).spawn(move || {
            for a in assets {
                for (cell, e) in [(&a.br, Encoding::Brotli), (&a.gzip, Encoding::Gzip)] {
                    if !cell.initialized() {
                        let _ = cell.set(compress(&a.identity, e).filter(|c| c.len() < a.identity.len()));
                    }
                }
            }
        });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "bundle compression left to the first requests");
        }
    }

    fn read(dir: PathBuf) -> Bundle {
        let mut by_name = HashMap::new();
        let mut urls = app::ssr::AssetUrls::default();
        for (stem, ext, content_type) in FILES {
            let path = dir.join(format!("{stem}.{ext}"));
            let Ok(bytes) = std::fs::read(&path) else { continue };
            let hash = content_hash(&bytes);
            let name = format!("{stem}.{hash}.{ext}");
            let asset = Asset { content_type, hash, identity: Bytes::from(bytes), br: Default::default(), gzip: Default::default() };
            let url = format!("/pkg/{name}");
            match ext {
                "js" => urls.js = url,
                "wasm" => urls.wasm = url,
                _ => urls.css = url,
            }
            by_name.insert(name, Arc::new(asset));
        }
        Bundle { by_name, urls, dir }
    }
}

/// A file's size and modification time: a rebuilt bundle is read again.
type Stamp = Option<(u64, std::time::SystemTime)>;

fn stamp(path: &Path) -> Stamp {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()?))
}

/// The first 16 hexadecimal digits of the content's BLAKE2b digest.
fn content_hash(bytes: &[u8]) -> String {
    use blake2::Digest;
    let digest = blake2::Blake2b512::digest(bytes);
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    fn header(self) -> Option<&'static str> {
        match self {
            Encoding::Brotli => Some("br"),
            Encoding::Gzip => Some("gzip"),
            Encoding::Identity => None,
        }
    }
}

/// The codings an `Accept-Encoding` header allows, best first (brotli is
/// smaller than gzip for WebAssembly); `q=0` refuses one.
pub fn accepted(headers: &HeaderMap) -> Vec<Encoding> {
    let mut out = vec![];
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let refused = parts.any(|p| {
                let p = p.trim();
                p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")).and_then(|q| q.trim().parse::<f32>().ok()).is_some_and(|q| q <= 0.0)
            });
            if refused {
                continue;
            }
            match name.as_str() {
                "br" => out.push(Encoding::Brotli),
                "gzip" | "x-gzip" => out.push(Encoding::Gzip),
                "*" => out.extend([Encoding::Brotli, Encoding::Gzip]),
                _ => {}
            }
        }
    }
    out.sort_by_key(|e| *e as u8);
    out.dedup();
    out
}

fn compress(bytes: &[u8], encoding: Encoding) -> Option<Bytes> {
    use std::io::Write;
    if bytes.len() > COMPRESS_AT_MOST {
        return None;
    }
    let out = match encoding {
        Encoding::Brotli => {
            let mut out = Vec::with_capacity(bytes.len() / 3);
            // Quality 9: within a few per cent of 11 for a bundle, in a
            // fraction of the time (a release bundle takes well under 1 s).
            let params = brotli::enc::BrotliEncoderParams { quality: 9, lgwin: 22, ..Default::default() };
            brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).ok()?;
            out
        }
        Encoding::Gzip => {
            let mut w = flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 3), flate2::Compression::best());
            w.write_all(bytes).ok()?;
            w.finish().ok()?
        }
        Encoding::Identity => return None,
    };
    Some(Bytes::from(out))
}

impl Asset {
    /// The body in the best coding the browser accepts that exists (a
    /// compression that fails or does not pay is never retried).
    async fn body(self: &Arc<Self>, wanted: &[Encoding]) -> (Encoding, Bytes) {
        for &e in wanted {
            let cell = match e {
                Encoding::Brotli => &self.br,
                Encoding::Gzip => &self.gzip,
                Encoding::Identity => continue,
            };
            let me = self.clone();
            let made = cell
                .get_or_init(|| async move {
                    tokio::task::spawn_blocking(move || compress(&me.identity, e).filter(|c| c.len() < me.identity.len())).await.ok().flatten()
                })
                .await;
            if let Some(b) = made {
                return (e, b.clone());
            }
        }
        (Encoding::Identity, self.identity.clone())
    }
}

/// What `/pkg` answers (nested: paths arrive without the prefix).
pub fn router(bundle: Arc<Bundle>) -> axum::Router {
    axum::Router::new().fallback(serve).with_state(bundle)
}

/// `GET /pkg/{file}`: a hashed name from memory, for a year; any other file
/// of the package directory from disk, revalidated on each use.
async fn serve(axum::extract::State(bundle): axum::extract::State<Arc<Bundle>>, req: Request<Body>) -> Response {
    let name = req.uri().path().trim_start_matches('/');
    let Some(asset) = bundle.by_name.get(name).cloned() else {
        return match tower_http::services::ServeDir::new(&bundle.dir).oneshot(req).await {
            Ok(r) => r.map(Body::new),
            Err(never) => match never {},
        };
    };
    let (encoding, body) = asset.body(&accepted(req.headers())).await;
    let etag = format!("\"{}{}\"", asset.hash, encoding.header().map(|h| format!("-{h}")).unwrap_or_default());
    let mut headers = HeaderMap::new();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, v);
    }
    let unchanged = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    if unchanged {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    if let Some(h) = encoding.header() {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(h));
    }
    (StatusCode::OK, headers, body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ae(v: &str) -> Vec<Encoding> {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
        accepted(&h)
    }

    #[test]
    fn accept_encoding_is_read_as_browsers_send_it() {
        assert_eq!(ae("gzip, deflate, br, zstd"), vec![Encoding::Brotli, Encoding::Gzip]);
        assert_eq!(ae("gzip"), vec![Encoding::Gzip]);
        assert_eq!(ae("br;q=0, gzip;q=0.5"), vec![Encoding::Gzip]);
        assert_eq!(ae("identity"), vec![]);
        assert_eq!(ae("*"), vec![Encoding::Brotli, Encoding::Gzip]);
        assert_eq!(accepted(&HeaderMap::new()), vec![]);
    }

    #[test]
    fn compressed_copies_decompress_to_the_file() {
        use std::io::Read;
        let file = "fn main() { println!(\"xin chào\"); }\n".repeat(500).into_bytes();
        let br = compress(&file, Encoding::Brotli).unwrap();
        let mut back = vec![];
        brotli::Decompressor::new(&br[..], 4096).read_to_end(&mut back).unwrap();
        assert_eq!(back, file);
        let gz = compress(&file, Encoding::Gzip).unwrap();
        let mut back = vec![];
        flate2::read::GzDecoder::new(&gz[..]).read_to_end(&mut back).unwrap();
        assert_eq!(back, file);
        assert!(br.len() < file.len() / 10 && gz.len() < file.len() / 10);
        assert!(compress(&vec![0u8; COMPRESS_AT_MOST + 1], Encoding::Gzip).is_none(), "a debug build's bundle goes as it is");
    }

    #[test]
    fn names_change_with_the_content_only() {
        assert_eq!(content_hash(b"a"), content_hash(b"a"));
        assert_ne!(content_hash(b"a"), content_hash(b"b"));
        assert_eq!(content_hash(b"a").len(), 16);
    }
}
