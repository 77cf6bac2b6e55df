//! Debian's Chromium, driven through chromedriver by fantoccini.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use tokio::process::{Child, Command};

/// Debian's packages put them here; `.ci/browser-tests` installs them.
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The window a reader on a laptop has: wide enough that mdBook shows the
/// sidebar and gives the content its full 750 px column.
pub const WINDOW: (u32, u32) = (1280, 900);

/// Chromium and its driver, alive until `quit`.
pub struct Browser {
    pub client: Client,
    driver: Child,
    profile: PathBuf,
}

impl Browser {
    /// Starts chromedriver on a free loopback port and opens a session in a
    /// fresh profile under `scratch`.
    pub async fn start(scratch: &Path) -> Result<Self, String> {
        for program in [CHROMIUM, CHROMEDRIVER] {
            if !Path::new(program).exists() {
                return Err(format!(
                    "{program} is missing: the browser suite needs Debian's chromium and \
                     chromium-driver (`bash .ci/browser-tests` installs them)"
                ));
            }
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port for chromedriver: {e}"))?
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start {CHROMEDRIVER}: {e}"))?;

        let profile = scratch.join(format!("profile-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile).map_err(|e| e.to_string())?;

        let args = [
            // The flags without which Chromium stalls on a machine with no
            // network: it would wait on updates, sync and QUIC probes.
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            format!("--user-data-dir={}", profile.display()),
            // A request to any other host fails at once instead of waiting on
            // DNS; the suite lists such requests rather than judging them.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1".into(),
            format!("--window-size={},{}", WINDOW.0, WINDOW.1),
            "--force-device-scale-factor=1".into(),
            "--lang=en-US".into(),
        ];
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": CHROMIUM, "args": args }),
        );
        // Console messages, read back with `take_console`.
        caps.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));

        let url = format!("http://127.0.0.1:{port}");
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(caps);
        // chromedriver takes a moment to listen; retry for up to 10 s.
        let mut last_error = String::new();
        for _ in 0..100 {
            match builder.connect(&url).await {
                Ok(client) => {
                    client
                        .set_window_size(WINDOW.0, WINDOW.1)
                        .await
                        .map_err(|e| e.to_string())?;
                    return Ok(Self {
                        client,
                        driver,
                        profile,
                    });
                }
                Err(e) => last_error = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(format!("chromedriver did not open a session: {last_error}"))
    }

    /// The console messages logged since the last call, as (level, text).
    pub async fn take_console(&self) -> Result<Vec<(String, String)>, String> {
        let entries = self
            .client
            .issue_cmd(GetLog("browser"))
            .await
            .map_err(|e| format!("reading the console: {e}"))?;
        Ok(entries
            .as_array()
            .into_iter()
            .flatten()
            .map(|entry| {
                let field = |k: &str| entry[k].as_str().unwrap_or("").to_string();
                (field("level"), field("message"))
            })
            .collect())
    }

    /// Runs `script` (a function body) in the page and returns its value.
    pub async fn js(&self, script: &str) -> Result<Value, String> {
        self.client
            .execute(script, vec![])
            .await
            .map_err(|e| format!("script failed: {e}\n{script}"))
    }

    /// Ends the session (which closes Chromium), the driver and the profile.
    pub async fn quit(mut self) {
        let _ = self.client.close().await;
        let _ = self.driver.kill().await;
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// chromedriver's log endpoint, which WebDriver itself does not define and
/// fantoccini therefore has no method for.
#[derive(Debug)]
struct GetLog(&'static str);

impl WebDriverCompatibleCommand for GetLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({ "type": self.0 }).to_string()),
        )
    }
}
