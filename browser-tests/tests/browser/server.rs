//! A static file server for the built book, on a loopback port of its own.
//!
//! The suite serves `book/` itself instead of opening `file://` pages: mdBook's
//! search and theme scripts behave as they do on a real site only over HTTP, and
//! every request the browser makes passes through here, so a missing file is
//! caught even when the page hides the failure from its console.

use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request the browser made, and the status it was answered with.
#[derive(Clone, Debug)]
pub struct Request {
    pub path: String,
    pub status: u16,
}

/// The running server: its address, and the requests it has answered.
pub struct BookServer {
    pub base: String,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl BookServer {
    /// Binds `127.0.0.1:0` and serves `root` until the runtime shuts down.
    pub async fn start(root: PathBuf) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&requests);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let root = root.clone();
                let log = Arc::clone(&log);
                tokio::spawn(async move {
                    // A connection the browser drops half-way is its business.
                    let _ = serve(stream, &root, &log).await;
                });
            }
        });
        Ok(Self { base, requests })
    }

    /// The requests answered since the last call, emptied.
    pub fn take_requests(&self) -> Vec<Request> {
        std::mem::take(&mut *self.requests.lock().unwrap())
    }
}

/// Answers one request and closes the connection: the book is small and
/// local, so keep-alive would only add states to get wrong.
async fn serve(
    mut stream: TcpStream,
    root: &Path,
    log: &Mutex<Vec<Request>>,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await?;
        if n == 0 || head.len() > 64 * 1024 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&head);
    let mut words = head.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or("/"));
    let path = target.split(['?', '#']).next().unwrap_or("/").to_string();

    let file = resolve(root, &path);
    let (status, body, kind) = match (method, file) {
        ("GET" | "HEAD", Some(file)) => match tokio::fs::read(&file).await {
            Ok(body) => (200, body, content_type(&file)),
            Err(_) => (404, b"not found".to_vec(), "text/plain"),
        },
        ("GET" | "HEAD", None) => (404, b"not found".to_vec(), "text/plain"),
        _ => (405, Vec::new(), "text/plain"),
    };
    log.lock().unwrap().push(Request { path, status });

    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    let header = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {kind}\r\n\
         Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(header.as_bytes()).await?;
    if method == "GET" {
        stream.write_all(&body).await?;
    }
    stream.shutdown().await
}

/// Maps a URL path to a file under `root`, refusing anything that would climb
/// out of it. A folder means its `index.html`, as on any static host.
fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    let relative = Path::new(decoded.trim_start_matches('/'));
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let mut file = root.join(relative);
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The types mdBook's output uses. An SVG served as anything but
/// `image/svg+xml` does not render in an `<img>`, so this matters.
fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}
