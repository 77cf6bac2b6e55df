// Tell, wait, give up: workers are told to stop with a token, waited for in a
// `JoinSet`, and given a deadline. Whatever has not finished by then is named
// in the report, then aborted.

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use tokio::task::{Id, JoinSet};
use tokio::time::{Instant, sleep, timeout_at};
use tokio_util::sync::CancellationToken;

/// A worker that works until it is told to stop, then needs `cleanup` to
/// finish (flushing a buffer, closing a connection).
async fn worker(cleanup: Duration, token: CancellationToken) {
    token.cancelled().await;
    sleep(cleanup).await;
}

// ANCHOR: shutdown
/// What a shutdown found.
#[derive(Debug, Default, PartialEq)]
pub struct Report {
    /// Workers that returned, with how long after the request to stop.
    pub finished: Vec<(&'static str, Duration)>,
    /// Workers that panicked.
    pub panicked: Vec<&'static str>,
    /// Workers still running at the deadline, which were then aborted.
    pub left: Vec<&'static str>,
}

/// The workers of a program: each has a name, and all share one token.
pub struct Workers {
    tasks: JoinSet<()>,
    /// A `JoinSet` reports tasks by id; this says which worker an id is.
    names: HashMap<Id, &'static str>,
    token: CancellationToken,
}

impl Workers {
    pub fn new() -> Workers {
        Workers {
            tasks: JoinSet::new(),
            names: HashMap::new(),
            token: CancellationToken::new(),
        }
    }

    /// Spawns `work`, giving it a clone of the shared token.
    pub fn spawn<W, F>(&mut self, name: &'static str, work: W)
    where
        W: FnOnce(CancellationToken) -> F,
        F: Future<Output = ()> + Send + 'static,
    {
        let task = self.tasks.spawn(work(self.token.clone()));
        self.names.insert(task.id(), name);
    }

    /// Tells every worker to stop, waits for them until `grace` has passed,
    /// and says what happened to each.
    pub async fn shut_down(mut self, grace: Duration) -> Report {
        let mut report = Report::default();
        let asked = Instant::now();
        let deadline = asked + grace;
        // Tell.
        self.token.cancel();
        // Wait, but not past the deadline. The same deadline bounds every
        // wait: a fresh `timeout(grace, ..)` in the loop would restart it.
        while let Ok(Some(joined)) =
            timeout_at(deadline, self.tasks.join_next_with_id()).await
        {
            match joined {
                Ok((id, ())) => {
                    let name = self.names.remove(&id).expect("spawned by us");
                    report.finished.push((name, asked.elapsed()));
                }
                Err(error) => {
                    let name = self.names.remove(&error.id()).expect("spawned by us");
                    report.panicked.push(name);
                }
            }
        }
        // Every name still in the map belongs to a task that missed the
        // deadline. Name them, then abort them and wait until they are gone.
        report.left = self.names.into_values().collect();
        report.left.sort();
        self.tasks.shutdown().await;
        report
    }
}
// ANCHOR_END: shutdown

impl Default for Workers {
    fn default() -> Self {
        Workers::new()
    }
}

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    let mut workers = Workers::new();
    workers.spawn("cache", |token| worker(Duration::ZERO, token));
    workers.spawn("metrics", |token| worker(Duration::from_millis(300), token));
    workers.spawn("uploader", |token| worker(Duration::from_secs(30), token));

    // In a server this would be the signal; here it comes after a second.
    sleep(Duration::from_secs(1)).await;
    let grace = Duration::from_secs(2);
    let report = workers.shut_down(grace).await;

    for (name, after) in &report.finished {
        println!(
            "{name} finished {} ms after the request to stop",
            after.as_millis()
        );
    }
    println!("gave up after {grace:?}; still running: {:?}", report.left);
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[tokio::test(start_paused = true)]
    async fn prompt_workers_give_a_report_at_once() {
        let mut workers = Workers::new();
        workers.spawn("a", |token| worker(Duration::ZERO, token));
        workers.spawn("b", |token| worker(Duration::ZERO, token));
        let start = Instant::now();
        let mut report = workers.shut_down(Duration::from_secs(5)).await;
        report.finished.sort();
        assert_eq!(
            report.finished,
            [("a", Duration::ZERO), ("b", Duration::ZERO)]
        );
        assert!(report.left.is_empty() && report.panicked.is_empty());
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn slow_workers_are_waited_for_and_late_ones_named_at_the_deadline() {
        let dropped = Arc::new(AtomicBool::new(false));
        struct SetOnDrop(Arc<AtomicBool>);
        impl Drop for SetOnDrop {
            fn drop(&mut self) {
                self.0.store(true, Ordering::SeqCst);
            }
        }

        let mut workers = Workers::new();
        workers.spawn("slow", |token| worker(Duration::from_millis(1500), token));
        workers.spawn("late", |token| worker(Duration::from_secs(3), token));
        let guard = SetOnDrop(dropped.clone());
        workers.spawn("deaf", |_token| async move {
            // Ignores its token entirely.
            let _guard = guard;
            std::future::pending::<()>().await;
        });

        let start = Instant::now();
        let grace = Duration::from_secs(2);
        let report = workers.shut_down(grace).await;
        assert_eq!(report.finished, [("slow", Duration::from_millis(1500))]);
        assert_eq!(report.left, ["deaf", "late"]);
        // It gave up at exactly the deadline: a wait restarted after `slow`
        // finished would have let `late` finish too.
        assert_eq!(start.elapsed(), Duration::from_secs(2));
        // The ones left were aborted, and dropped by the time it returned.
        assert!(dropped.load(Ordering::SeqCst));
    }

    #[tokio::test(start_paused = true)]
    async fn a_panicking_worker_is_reported_as_such() {
        let mut workers = Workers::new();
        workers.spawn("fine", |token| worker(Duration::ZERO, token));
        workers.spawn("broken", |token| async move {
            token.cancelled().await;
            panic!("cleanup failed");
        });
        let report = workers.shut_down(Duration::from_secs(1)).await;
        assert_eq!(report.finished, [("fine", Duration::ZERO)]);
        assert_eq!(report.panicked, ["broken"]);
        assert!(report.left.is_empty());
    }
}
