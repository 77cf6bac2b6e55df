//! The built book in a real headless Chromium: what a reader sees.
//!
//! `cargo test` proves every code block; it cannot see a broken script, a
//! missing image, a label that vanishes in a dark theme or a search that does
//! not find `select!`. This suite serves `book/` (built by `mdbook build`) on a
//! loopback port, opens it in Debian's Chromium through chromedriver, and checks
//! the pages as a reader meets them.
//!
//! It is its own package, outside the workspace's default members, so a bare
//! `cargo test` never needs a browser. Run it with `bash .ci/browser-tests`
//! (which installs Chromium if needed and builds the book first) or
//! `cargo test -p browser-tests`, optionally naming checks:
//! `cargo test -p browser-tests -- search`. A missing browser is a failure,
//! never a skip. Screenshots and the list of outside links are written under
//! `target/browser-tests/`.
//!
//! Loading a page is the slow part (mdBook highlights every block on load), so
//! the checks that look at each chapter share one visit per page, and themes
//! are switched in place through the theme menu's entries, as a reader does,
//! instead of reloading the page.

mod book;
mod colour;
mod driver;
mod pages;
mod pixels;
mod server;
mod site;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use fantoccini::Locator;
use fantoccini::wd::TimeoutConfiguration;
use serde_json::Value;

use book::Chapter;
use driver::Browser;
use server::BookServer;

/// mdBook's built-in themes: the class each puts on `<html>`.
const THEMES: [&str; 5] = ["light", "rust", "coal", "navy", "ayu"];

/// What a reader types into the search box, and a page that must come up.
/// Add a term here when a chapter introduces a name readers will look for.
const KEY_TERMS: &[(&str, &str)] = &[
    ("select!", "join-and-select.html"),
    ("JoinSet", "tasks.html"),
    ("cancellation safe", "join-and-select.html"),
    ("Lagged", "channels.html"),
    ("poll_ready", "middleware-and-builders.html"),
    ("ServiceBuilder", "middleware-and-builders.html"),
    ("token bucket", "rate-limiting.html"),
    ("full jitter", "errors-and-retries.html"),
    ("load shedding", "backpressure-and-batching.html"),
    ("into_split", "io.html"),
    ("trait_variant", "async-traits.html"),
    ("async drop", "language-status.html"),
    ("return type notation", "language-status.html"),
    ("deadpool", "pools.html"),
    ("graceful shutdown", "graceful-shutdown.html"),
    ("mockall", "testing.html"),
    ("loom", "testing.html"),
    ("turmoil", "testing.html"),
    ("EnvFilter", "observability.html"),
    ("TaskMonitor", "observability.html"),
    ("E0733", "error-messages.html"),
    ("no reactor running", "error-messages.html"),
    ("durable before acknowledged", "capstone.html"),
];

/// Fence words whose blocks are wrong on purpose and carry a label
/// (theme/fences.css). Add a class here when fences.css gains one.
const TRAP_CLASSES: [&str; 3] = ["compile_fail", "should_panic", "misbehaves"];

/// The checks, in the order they are reported. Naming part of one on the
/// command line runs only the checks that match.
const CHECKS: [&str; 9] = [
    "pages_load_cleanly",
    "sidebar_lists_chapters_and_drafts",
    "previous_and_next_lead_through_the_book",
    "search_finds_key_terms",
    "hidden_lines_toggle",
    "trap_labels_readable_in_every_theme",
    "code_fits_its_block",
    "diagrams_legible_in_every_theme",
    "print_view_holds_every_chapter",
];

/// Neither the browser nor the book may hang the suite.
const SUITE_TIMEOUT: Duration = Duration::from_secs(180);

fn main() -> ExitCode {
    // Arguments that are not flags select checks by name, as libtest does.
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wanted: Vec<&'static str> = CHECKS
        .into_iter()
        .filter(|c| {
            filters.is_empty() || filters.iter().any(|f| c.contains(f.as_str()))
        })
        .collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let started = Instant::now();
    let outcome = runtime.block_on(async {
        tokio::time::timeout(SUITE_TIMEOUT, run(&wanted))
            .await
            .unwrap_or_else(|_| {
                Err(format!("the suite did not finish in {SUITE_TIMEOUT:?}"))
            })
    });
    match outcome {
        Ok(findings) => report(&wanted, findings, started),
        Err(e) => {
            eprintln!("browser suite failed: {e}");
            println!(
                "\ntest result: FAILED. 0 passed; 1 failed; finished in {:.1}s",
                secs(started)
            );
            ExitCode::FAILURE
        }
    }
}

/// Everything a check needs: the browser, the server and the book's outline.
pub struct Suite {
    browser: Browser,
    server: BookServer,
    chapters: Vec<Chapter>,
    out: PathBuf,
    /// Outside URLs seen on the pages, and the pages they were seen on.
    outside: Mutex<BTreeMap<String, BTreeSet<String>>>,
}

/// What each check found wrong, one line a problem; an empty list is a pass.
pub type Problems = Vec<String>;
pub type Findings = BTreeMap<&'static str, Problems>;

async fn run(wanted: &[&'static str]) -> Result<Findings, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or(root.join("target"), PathBuf::from);
    let suite = setup(&root, target.join("browser-tests")).await?;
    let mut findings: Findings =
        wanted.iter().map(|&c| (c, Problems::new())).collect();

    let outcome = async {
        pages::survey(&suite, &mut findings).await?;
        site::check(&suite, &mut findings).await
    }
    .await;
    let written = write_outside_links(&suite);
    suite.browser.quit().await;
    outcome?;
    written?;
    Ok(findings)
}

async fn setup(root: &Path, out: PathBuf) -> Result<Suite, String> {
    let book = root.join("book");
    let index = book.join("index.html");
    let built = std::fs::metadata(&index)
        .and_then(|m| m.modified())
        .map_err(|_| {
            format!("{} is missing: run `mdbook build` first", index.display())
        })?;
    if newest_mtime(&root.join("src")) > built {
        return Err("book/ is older than src/: run `mdbook build` first".into());
    }
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let chapters = book::chapters(&root.join("src"))?;
    let server = BookServer::start(book)
        .await
        .map_err(|e| format!("book server: {e}"))?;
    let browser = Browser::start(&out).await?;
    let timeouts = TimeoutConfiguration::new(
        Some(Duration::from_secs(10)),
        Some(Duration::from_secs(30)),
        Some(Duration::ZERO),
    );
    if let Err(e) = browser.client.update_timeouts(timeouts).await {
        browser.quit().await;
        return Err(format!("setting timeouts: {e}"));
    }
    Ok(Suite {
        browser,
        server,
        chapters,
        out,
        outside: Mutex::new(BTreeMap::new()),
    })
}

fn newest_mtime(dir: &Path) -> SystemTime {
    let mut newest = SystemTime::UNIX_EPOCH;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let time = if path.is_dir() {
            newest_mtime(&path)
        } else {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .unwrap_or(SystemTime::UNIX_EPOCH)
        };
        newest = newest.max(time);
    }
    newest
}

fn secs(since: Instant) -> f64 {
    since.elapsed().as_secs_f64()
}

/// Prints the checks the way libtest does, so the closing line reads like
/// any other `cargo test` target's.
fn report(wanted: &[&'static str], findings: Findings, started: Instant) -> ExitCode {
    let failed: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|c| !findings[c].is_empty())
        .collect();
    println!("\nrunning {} checks", wanted.len());
    for check in wanted {
        let verdict = if findings[check].is_empty() {
            "ok"
        } else {
            "FAILED"
        };
        println!("test {check} ... {verdict}");
    }
    for check in &failed {
        println!("\n---- {check} ----");
        for problem in &findings[check] {
            println!("  {problem}");
        }
    }
    let verdict = if failed.is_empty() { "ok" } else { "FAILED" };
    println!(
        "\ntest result: {verdict}. {} passed; {} failed; 0 ignored; 0 measured; {} filtered out; \
         finished in {:.1}s",
        wanted.len() - failed.len(),
        failed.len(),
        CHECKS.len() - wanted.len(),
        secs(started)
    );
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

impl Suite {
    fn url(&self, page: &str) -> String {
        format!("{}/{page}", self.server.base)
    }

    /// The written chapters with their pages, in the order of SUMMARY.md.
    fn written(&self) -> impl Iterator<Item = (&Chapter, &str)> {
        self.chapters
            .iter()
            .filter_map(|c| Some((c, c.page.as_deref()?)))
    }

    /// Opens `page` and waits for it to finish loading.
    async fn open(&self, page: &str) -> Result<(), String> {
        let url = self.url(page);
        self.browser
            .client
            .goto(&url)
            .await
            .map_err(|e| format!("{page}: {e}"))?;
        self.wait_until("document.readyState === 'complete'", page)
            .await
    }

    /// Waits up to 5 s for a script expression to become true.
    async fn wait_until(
        &self,
        expression: &str,
        context: &str,
    ) -> Result<(), String> {
        let script = format!("return !!({expression});");
        for _ in 0..100 {
            if self.browser.js(&script).await? == Value::Bool(true) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(format!("{context}: waited 5 s for `{expression}`"))
    }

    /// Picks `theme` from the theme menu, as a reader does: opens the menu,
    /// clicks the theme, closes the menu. mdBook remembers the choice for the
    /// next pages.
    async fn choose_theme_from_menu(&self, theme: &str) -> Result<(), String> {
        self.browser.js("window.scrollTo(0, 0);").await?;
        let client = &self.browser.client;
        let menu = client
            .find(Locator::Id("mdbook-theme-toggle"))
            .await
            .map_err(|e| e.to_string())?;
        let list = client
            .find(Locator::Id("mdbook-theme-list"))
            .await
            .map_err(|e| e.to_string())?;
        // The button opens the list and closes it; a choice leaves it open.
        for open in [true, false] {
            if list.is_displayed().await.map_err(|e| e.to_string())? != open {
                menu.click().await.map_err(|e| format!("theme menu: {e}"))?;
            }
            if open {
                let item = client
                    .find(Locator::Id(&format!("mdbook-theme-{theme}")))
                    .await;
                let item = item.map_err(|e| e.to_string())?;
                item.click()
                    .await
                    .map_err(|e| format!("theme {theme}: {e}"))?;
            }
        }
        self.settle_theme(theme).await
    }

    /// Switches to `theme` through the same menu entry in one round trip,
    /// without opening the menu: the quick way for the checks that go
    /// through every theme on every page.
    async fn switch_theme(&self, theme: &str) -> Result<(), String> {
        let click =
            format!("document.getElementById('mdbook-theme-{theme}').click();");
        self.browser.js(&click).await?;
        self.settle_theme(theme).await
    }

    /// Ends the colour transitions at once (a reader sees their end half a
    /// second later) and confirms the page wears the theme.
    async fn settle_theme(&self, theme: &str) -> Result<(), String> {
        let script = format!(
            "document.getAnimations().forEach(a => a.finish());
             return document.documentElement.classList.contains('{theme}');"
        );
        match self.browser.js(&script).await? {
            Value::Bool(true) => Ok(()),
            _ => Err(format!("choosing the {theme} theme did not apply it")),
        }
    }

    /// Console errors since the last call that are the page's own fault.
    /// Requests to other hosts fail here (there is no network), and mdBook's
    /// playground script reports its failed request: those are listed in
    /// outside-links.txt, not judged.
    async fn console_errors(&self, page: &str) -> Result<Problems, String> {
        let messages = self.browser.take_console().await?;
        let mut outside_failed = Vec::new();
        for (_, message) in &messages {
            let first = message.split_whitespace().next().unwrap_or("");
            if is_outside(first) && message.contains("Failed to load resource") {
                outside_failed.push(first.to_string());
            }
        }
        let errors = messages
            .iter()
            .filter(|(level, _)| level == "SEVERE")
            .filter(|(_, m)| !is_outside(m.split_whitespace().next().unwrap_or("")))
            .filter(|(_, m)| {
                outside_failed.is_empty()
                    || !m.ends_with("TypeError: Failed to fetch")
            })
            .map(|(_, m)| format!("{page}: console error: {m}"))
            .collect();
        self.note_outside(page, outside_failed);
        Ok(errors)
    }

    /// Requests since the last call that the server could not answer.
    fn failed_requests(&self, page: &str) -> Problems {
        let requests = self.server.take_requests();
        let failed = requests.into_iter().filter(|r| r.status != 200);
        failed
            .map(|r| format!("{page}: {} answered {}", r.path, r.status))
            .collect()
    }

    /// Records outside URLs `page` links to or requested.
    fn note_outside(&self, page: &str, urls: impl IntoIterator<Item = String>) {
        let mut outside = self.outside.lock().unwrap();
        for url in urls {
            outside.entry(url).or_default().insert(page.to_string());
        }
    }
}

/// True for a URL on another host than the book's server.
fn is_outside(url: &str) -> bool {
    (url.starts_with("http://") || url.starts_with("https://"))
        && !url.starts_with("http://127.0.0.1")
}

fn write_outside_links(suite: &Suite) -> Result<(), String> {
    let outside = suite.outside.lock().unwrap();
    let mut text = String::from(
        "# Outside URLs the book links to or requests, and the pages that do.\n\
         # Not fetched (the suite has no network): a person checks them.\n",
    );
    for (url, pages) in outside.iter() {
        let pages: Vec<&str> = pages.iter().map(String::as_str).collect();
        text.push_str(&format!("{url}\t{}\n", pages.join(" ")));
    }
    let file = suite.out.join("outside-links.txt");
    std::fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))
}
