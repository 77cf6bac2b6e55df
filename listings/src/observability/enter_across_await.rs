// Two requests share one thread. Each enters its span with `span.enter()` and
// keeps the guard across an `.await`, then each is run again with its span
// attached by `.instrument()`. The fmt subscriber's output shows which span
// every event landed in.
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing::{Instrument, info, info_span};

// ANCHOR: wrong
/// Wrong: the guard keeps the span entered *on this thread* while the task
/// is suspended, so whatever the thread runs next runs inside it.
async fn handle_entered(id: u64) {
    let span = info_span!("request", id);
    let _guard = span.enter();
    info!("start");
    tokio::time::sleep(Duration::from_millis(10 * id)).await;
    info!("done");
}
// ANCHOR_END: wrong

// ANCHOR: right
/// Right: the handler knows nothing of spans; the caller attaches one, and
/// `Instrumented` enters it at the start of each poll and exits it at the end.
async fn handle(id: u64) {
    info!("start");
    tokio::time::sleep(Duration::from_millis(10 * id)).await;
    info!("done");
}

async fn serve_two() {
    let mut tasks = Vec::new();
    for id in [1, 2] {
        let span = info_span!("request", id);
        tasks.push(tokio::spawn(handle(id).instrument(span)));
    }
    for task in tasks {
        task.await.unwrap();
    }
}
// ANCHOR_END: right

async fn serve_two_entered() {
    let mut tasks = Vec::new();
    for id in [1, 2] {
        tasks.push(tokio::spawn(handle_entered(id)));
    }
    for task in tasks {
        task.await.unwrap();
    }
}

// ANCHOR: capture
/// Everything the fmt layer writes, kept in memory so it can be printed or
/// checked. The layer asks for a writer per event: each is a clone.
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

/// Runs `body` on a current-thread runtime with a subscriber that holds for
/// this thread only (`with_default`), and returns the lines it logged. No
/// time stamps, no colours, no target: the output is the same on every run.
fn capture<F: Future<Output = ()>>(body: impl FnOnce() -> F) -> Vec<String> {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .without_time()
        .with_ansi(false)
        .with_target(false)
        .finish();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    tracing::subscriber::with_default(subscriber, || runtime.block_on(body()));
    let bytes = captured.0.lock().unwrap().clone();
    String::from_utf8(bytes)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}
// ANCHOR_END: capture

pub fn main() {
    println!("span.enter() held across .await:");
    for line in capture(serve_two_entered) {
        println!("{line}");
    }
    println!("span attached with .instrument():");
    for line in capture(serve_two) {
        println!("{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The span path of each event: the part of a line before the last ": ".
    fn paths(lines: &[String]) -> Vec<(&str, &str)> {
        lines
            .iter()
            .map(|line| line.trim_start_matches(" INFO ").rsplit_once(": ").unwrap())
            .collect()
    }

    #[test]
    fn a_guard_across_await_nests_the_second_request_in_the_first() {
        let lines = capture(serve_two_entered);
        assert_eq!(
            paths(&lines),
            [
                ("request{id=1}", "start"),
                // created while request 1 was still entered: it became its child
                ("request{id=1}:request{id=2}", "start"),
                // request 1's own event, logged inside request 2
                ("request{id=1}:request{id=2}", "done"),
                ("request{id=1}:request{id=2}", "done"),
            ]
        );
    }

    #[test]
    fn instrument_keeps_each_event_in_its_own_request() {
        let lines = capture(serve_two);
        assert_eq!(
            paths(&lines),
            [
                ("request{id=1}", "start"),
                ("request{id=2}", "start"),
                ("request{id=1}", "done"),
                ("request{id=2}", "done"),
            ]
        );
    }
}
