// One subscriber, two layers: human-readable lines and JSON, each behind the
// same `EnvFilter`. The filter is built from a string here; a service reads it
// from `RUST_LOG` with `EnvFilter::from_default_env()`.
use std::io;
use std::sync::{Arc, Mutex};
use tracing::{debug, info, info_span, warn};
use tracing_subscriber::{EnvFilter, fmt, layer::SubscriberExt};

/// Lines written by one layer, kept in memory so they can be printed.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn lines(&self) -> Vec<String> {
        let bytes = self.0.lock().unwrap().clone();
        String::from_utf8(bytes)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

// ANCHOR: events
/// What a request handler logs, at the level each event deserves.
fn handle_request() {
    let span = info_span!("request", id = 7);
    let _entered = span.enter(); // no `.await` while it is held
    debug!(target: "app::db", rows = 3, "query done");
    debug!(target: "app::cache", "cache miss");
    warn!(target: "app::http", attempt = 2, "retrying");
    info!(target: "app::http", status = 200, "request done");
}
// ANCHOR_END: events

// ANCHOR: subscriber
/// Returns the lines of the text layer and of the JSON layer.
fn run_with(filter: &str) -> (Vec<String>, Vec<String>) {
    let (text, json) = (Captured::default(), Captured::default());
    let (text_writer, json_writer) = (text.clone(), json.clone());
    let subscriber = tracing_subscriber::registry()
        // Everything at `info` and above, plus `debug` from the database.
        .with(EnvFilter::new(filter))
        .with(
            fmt::layer()
                .with_writer(move || text_writer.clone())
                .without_time()
                .with_ansi(false),
        )
        .with(
            fmt::layer()
                .json()
                .flatten_event(true) // fields beside "level", not nested
                .with_span_list(false) // the current span is enough here
                .with_target(false)
                .with_writer(move || json_writer.clone())
                .without_time(),
        );
    tracing::subscriber::with_default(subscriber, handle_request);
    (text.lines(), json.lines())
}

pub fn main() {
    let (text, json) = run_with("info,app::db=debug");
    for line in text.iter().chain(&json) {
        println!("{line}");
    }
}
// ANCHOR_END: subscriber

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_lets_through_info_and_the_database_debug_lines() {
        let (text, json) = run_with("info,app::db=debug");
        assert_eq!(text.len(), 3);
        assert!(text[0].starts_with("DEBUG request{id=7}: app::db: "));
        assert!(text[0].ends_with("query done rows=3"));
        assert!(text[1].contains(" WARN "));
        assert!(text[2].ends_with("request done status=200"));
        assert!(!text.iter().any(|line| line.contains("cache miss")));
        assert_eq!(json.len(), 3);
        assert_eq!(
            json[2],
            r#"{"level":"INFO","message":"request done","status":200,"#.to_owned()
                + r#""span":{"id":7,"name":"request"}}"#
        );
    }

    #[test]
    fn warn_alone_keeps_only_the_retry() {
        let (text, _) = run_with("warn");
        assert_eq!(text.len(), 1);
        assert!(text[0].ends_with("app::http: retrying attempt=2"));
    }
}
