// Spawning a task per request, without a limit, turns a slow dependency into
// an ever-growing crowd of waiting tasks. Three ways to put a bound on it:
// a semaphore, a JoinSet with a limit, and buffer_unordered.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use tokio::runtime::Handle;
use tokio::sync::Semaphore;
use tokio::sync::mpsc::{self, Receiver};
use tokio::task::JoinSet;
use tokio::time::{Instant, interval_at, sleep};
use tokio_stream::wrappers::ReceiverStream;

// ANCHOR: handle
/// How many queries the database serves at once, and so how many requests
/// it makes sense to have in progress.
pub const LIMIT: usize = 10;

/// Handles one request: a query that needs one of the database's `LIMIT`
/// connections for a second.
pub async fn handle(database: Arc<Semaphore>) {
    let _connection = database.acquire().await.expect("never closed");
    sleep(Duration::from_secs(1)).await;
}
// ANCHOR_END: handle

// ANCHOR: spawn_each
/// The anti-pattern: a task for every request, however many are already
/// waiting for the database.
pub async fn spawn_each(mut requests: Receiver<u32>, database: Arc<Semaphore>) {
    while let Some(_request) = requests.recv().await {
        tokio::spawn(handle(database.clone()));
    }
}
// ANCHOR_END: spawn_each

// ANCHOR: semaphore
/// At most `LIMIT` tasks: the loop waits for a permit before it spawns, so
/// it stops taking requests while `LIMIT` are in progress.
pub async fn spawn_with_semaphore(
    mut requests: Receiver<u32>,
    database: Arc<Semaphore>,
) {
    let in_progress = Arc::new(Semaphore::new(LIMIT));
    while let Some(_request) = requests.recv().await {
        let permit = in_progress
            .clone()
            .acquire_owned()
            .await
            .expect("never closed");
        let database = database.clone();
        tokio::spawn(async move {
            handle(database).await;
            drop(permit); // lets the loop take the next request
        });
    }
    // The last requests are done when every permit is back.
    let _all = in_progress.acquire_many(LIMIT as u32).await;
}
// ANCHOR_END: semaphore

// ANCHOR: join_set
/// At most `LIMIT` tasks, owned by a `JoinSet`: when it is full, the loop
/// waits for one to finish, and sees whether it panicked.
pub async fn spawn_into_join_set(
    mut requests: Receiver<u32>,
    database: Arc<Semaphore>,
) {
    let mut tasks = JoinSet::new();
    while let Some(_request) = requests.recv().await {
        if tasks.len() == LIMIT {
            let finished = tasks.join_next().await.expect("the set is not empty");
            finished.expect("a handler panicked");
        }
        tasks.spawn(handle(database.clone()));
    }
    while let Some(finished) = tasks.join_next().await {
        finished.expect("a handler panicked");
    }
}
// ANCHOR_END: join_set

// ANCHOR: buffer_unordered
/// At most `LIMIT` handlers in progress, and no tasks at all: the handlers
/// are futures that this one future polls.
pub async fn with_buffer_unordered(
    requests: Receiver<u32>,
    database: Arc<Semaphore>,
) {
    ReceiverStream::new(requests)
        .map(|_request| handle(database.clone()))
        .buffer_unordered(LIMIT)
        .for_each(|()| async {})
        .await;
}
// ANCHOR_END: buffer_unordered

/// What a run of one server looked like.
#[derive(Debug)]
pub struct Report {
    /// The runtime's live tasks at 1 s, 2 s, ..., until every request was
    /// handled.
    pub live_tasks: Vec<usize>,
    /// When the client had sent its last request.
    pub sent_all: Duration,
}

// ANCHOR: measure
/// A client sends `count` requests, 20 a second, into a queue of 10 in front
/// of `serve`; the database takes `LIMIT` at a time, a second each. Counts the
/// runtime's live tasks each second.
pub async fn measure<S, F>(count: u32, serve: S) -> Report
where
    S: FnOnce(Receiver<u32>, Arc<Semaphore>) -> F,
    F: Future<Output = ()>,
{
    let start = Instant::now();
    let database = Arc::new(Semaphore::new(LIMIT));
    let (tx, rx) = mpsc::channel(10);
    let client = async move {
        let mut last_sent = Duration::ZERO;
        sleep(Duration::from_millis(25)).await; // off the whole seconds
        for request in 0..count {
            tx.send(request).await.expect("the server is running");
            last_sent = start.elapsed();
            sleep(Duration::from_millis(50)).await;
        }
        last_sent
    };
    let server = serve(rx, database);
    tokio::pin!(client, server);

    let metrics = Handle::current().metrics();
    let mut seconds =
        interval_at(start + Duration::from_secs(1), Duration::from_secs(1));
    let (mut live_tasks, mut sent_all, mut served) = (Vec::new(), None, false);
    loop {
        tokio::select! {
            at = &mut client, if sent_all.is_none() => sent_all = Some(at),
            () = &mut server, if !served => served = true,
            _ = seconds.tick() => {
                let live = metrics.num_alive_tasks();
                live_tasks.push(live);
                if served && live == 0 {
                    break;
                }
            }
        }
    }
    Report {
        live_tasks,
        sent_all: sent_all.expect("the server took every request"),
    }
}
// ANCHOR_END: measure

#[tokio::main(flavor = "current_thread", start_paused = true)]
// ANCHOR: main
pub async fn main() {
    let reports = [
        ("spawn_each", measure(100, spawn_each).await),
        (
            "spawn_with_semaphore",
            measure(100, spawn_with_semaphore).await,
        ),
        (
            "spawn_into_join_set",
            measure(100, spawn_into_join_set).await,
        ),
        (
            "with_buffer_unordered",
            measure(100, with_buffer_unordered).await,
        ),
    ];
    for (name, report) in reports {
        println!("{name}:");
        println!("  live tasks each second: {:?}", report.live_tasks);
        println!(
            "  last request sent at {:.3}s",
            report.sent_all.as_secs_f64()
        );
    }
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn spawning_each_request_piles_up_tasks_while_requests_keep_coming() {
        let report = measure(100, spawn_each).await;
        // 20 tasks a second arrive and 10 a second finish: ten more every
        // second, for as long as the client keeps sending.
        assert_eq!(report.live_tasks[..5], [20, 30, 40, 50, 60]);
        // The client was never held back: its last request left at 4.975 s.
        assert_eq!(report.sent_all, Duration::from_millis(4975));
        // And the work was not done any sooner for it (see the bounded ones).
        assert_eq!(report.live_tasks.len(), 11);
    }

    #[tokio::test(start_paused = true)]
    async fn twice_the_requests_twice_the_pile() {
        let report = measure(200, spawn_each).await;
        assert_eq!(report.live_tasks.iter().max(), Some(&110));
    }

    fn check_bounded(report: Report) {
        // Never more than LIMIT tasks, and the same 11 s to handle them all:
        // the database was the bottleneck, not the number of tasks.
        assert!(report.live_tasks.iter().all(|&live| live <= LIMIT));
        assert_eq!(report.live_tasks.len(), 11);
        // The wait moved to the client, which the full queue held back.
        assert!(report.sent_all > Duration::from_secs(8));
    }

    #[tokio::test(start_paused = true)]
    async fn a_semaphore_bounds_the_tasks() {
        let report = measure(100, spawn_with_semaphore).await;
        assert_eq!(report.live_tasks[..5], [10, 10, 10, 10, 10]);
        check_bounded(report);
    }

    #[tokio::test(start_paused = true)]
    async fn a_join_set_with_a_limit_bounds_the_tasks() {
        let report = measure(100, spawn_into_join_set).await;
        assert_eq!(report.live_tasks[..5], [10, 10, 10, 10, 10]);
        check_bounded(report);
    }

    #[tokio::test(start_paused = true)]
    async fn buffer_unordered_spawns_nothing_and_bounds_the_work() {
        let report = measure(100, with_buffer_unordered).await;
        // No task at all; the bound shows in the client, held back as the
        // queue filled behind LIMIT handlers in progress.
        assert!(report.live_tasks.iter().all(|&live| live == 0));
        assert_eq!(report.live_tasks.len(), 11);
        assert!(report.sent_all > Duration::from_secs(8));
    }
}
