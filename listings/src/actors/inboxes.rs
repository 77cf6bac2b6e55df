// An actor with two inboxes and a timer. Events arrive on one channel,
// queries on another, and every period the actor closes a window of events.
// One `select!` loop waits for all three, so the state still has exactly
// one owner.

use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, interval_at, sleep};

/// The events of one window, and when the window was closed.
#[derive(Debug, PartialEq)]
pub struct Window {
    pub closed_at: Duration,
    pub values: Vec<u64>,
}

// ANCHOR: aggregate
/// Sums events and closes a window of them every `period`. Answers each
/// query with the total so far. Returns the windows once both inboxes are
/// closed and drained.
pub async fn aggregate(
    mut events: mpsc::Receiver<u64>,
    mut queries: mpsc::Receiver<oneshot::Sender<u64>>,
    period: Duration,
) -> Vec<Window> {
    let start = Instant::now();
    // `interval` would tick at once; the first window closes after a period.
    let mut ticker = interval_at(start + period, period);
    let (mut total, mut current, mut windows) = (0, Vec::new(), Vec::new());
    let (mut events_open, mut queries_open) = (true, true);
    loop {
        tokio::select! {
            // Top to bottom: a due tick first, so that a flood of events
            // cannot hold a window open; then queries, then events.
            biased;
            // The ticker never runs dry. Its branch must be switched off
            // by hand once both inboxes are closed, or `else` never runs.
            _ = ticker.tick(), if events_open || queries_open => {
                close_window(&mut current, &mut windows, start);
            }
            query = queries.recv(), if queries_open => match query {
                Some(reply) => {
                    let _ = reply.send(total);
                }
                None => queries_open = false,
            },
            event = events.recv(), if events_open => match event {
                Some(value) => {
                    total += value;
                    current.push(value);
                }
                None => events_open = false,
            },
            // Every branch is disabled: both inboxes are closed and empty.
            else => break,
        }
    }
    // The last window is partial; it must not be lost.
    close_window(&mut current, &mut windows, start);
    windows
}

fn close_window(current: &mut Vec<u64>, windows: &mut Vec<Window>, start: Instant) {
    if !current.is_empty() {
        let values = std::mem::take(current);
        windows.push(Window {
            closed_at: start.elapsed(),
            values,
        });
    }
}
// ANCHOR_END: aggregate

// ANCHOR: forever
/// The usual shape of a loop over inboxes, `Some(..) = inbox.recv()` and
/// `else => break`, with a ticker added: `else` never runs, because the
/// ticker's branch is never disabled. The actor outlives its inbox.
pub async fn aggregate_forever(mut events: mpsc::Receiver<u64>) -> u64 {
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    let mut total = 0;
    loop {
        tokio::select! {
            _ = ticker.tick() => {} // close a window
            Some(value) = events.recv() => total += value,
            else => break,
        }
    }
    total
}
// ANCHOR_END: forever

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    let (events, events_inbox) = mpsc::channel(16);
    let (queries, queries_inbox) = mpsc::channel(16);
    let actor = tokio::spawn(aggregate(
        events_inbox,
        queries_inbox,
        Duration::from_secs(1),
    ));

    // Events at 0.3 s, 1.5 s and 2.2 s, a query at 1.6 s, and the senders
    // dropped at 2.5 s.
    sleep(Duration::from_millis(300)).await;
    events.send(1).await.unwrap();
    events.send(2).await.unwrap();
    sleep(Duration::from_millis(1200)).await;
    events.send(3).await.unwrap();
    sleep(Duration::from_millis(100)).await;
    let (reply, answer) = oneshot::channel();
    queries.send(reply).await.unwrap();
    println!("total at 1.6s: {}", answer.await.unwrap());
    sleep(Duration::from_millis(600)).await;
    events.send(4).await.unwrap();
    sleep(Duration::from_millis(300)).await;
    drop((events, queries));

    for window in actor.await.unwrap() {
        let at = window.closed_at.as_secs_f64();
        println!("window closed at {at:.1}s: {:?}", window.values);
    }

    let (events, events_inbox) = mpsc::channel(16);
    let forever = tokio::spawn(aggregate_forever(events_inbox));
    events.send(5).await.unwrap();
    drop(events);
    let minute = Duration::from_secs(60);
    match tokio::time::timeout(minute, forever).await {
        Ok(_) => println!("without the precondition: ended"),
        Err(_) => println!("without the precondition: still running at 60s"),
    }
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use tokio::time::timeout;

    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    fn start() -> (
        mpsc::Sender<u64>,
        mpsc::Sender<oneshot::Sender<u64>>,
        tokio::task::JoinHandle<Vec<Window>>,
    ) {
        let (events, events_inbox) = mpsc::channel(16);
        let (queries, queries_inbox) = mpsc::channel(16);
        let actor = tokio::spawn(aggregate(events_inbox, queries_inbox, SECOND));
        (events, queries, actor)
    }

    #[tokio::test(start_paused = true)]
    async fn windows_close_on_the_tick_and_the_last_on_close() {
        let (events, queries, actor) = start();
        sleep(Duration::from_millis(300)).await;
        events.send(1).await.unwrap();
        events.send(2).await.unwrap();
        sleep(Duration::from_millis(1200)).await;
        events.send(3).await.unwrap();
        sleep(Duration::from_millis(1000)).await;
        events.send(4).await.unwrap();
        drop((events, queries));
        let windows = timeout(SECOND, actor).await.unwrap().unwrap();
        let ms = Duration::from_millis;
        assert_eq!(
            windows,
            [
                Window {
                    closed_at: ms(1000),
                    values: vec![1, 2]
                },
                Window {
                    closed_at: ms(2000),
                    values: vec![3]
                },
                Window {
                    closed_at: ms(2500),
                    values: vec![4]
                },
            ]
        );
    }

    async fn ask(queries: &mpsc::Sender<oneshot::Sender<u64>>) -> u64 {
        let (reply, answer) = oneshot::channel();
        queries.send(reply).await.unwrap();
        answer.await.unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn a_query_can_overtake_events_sent_before_it() {
        let (events, queries, _actor) = start();
        for value in [5, 6, 7] {
            events.send(value).await.unwrap();
        }
        // The events and the query wait in different inboxes, and the
        // actor looks at queries first: the answer misses all three.
        assert_eq!(ask(&queries).await, 0);
        assert_eq!(ask(&queries).await, 18);
    }

    #[tokio::test(start_paused = true)]
    async fn the_actor_runs_while_either_inbox_is_open() {
        let (events, queries, mut actor) = start();
        drop(events);
        let a_minute = Duration::from_secs(60);
        assert!(timeout(a_minute, &mut actor).await.is_err());
        // Only queries are left, and they are still answered.
        assert_eq!(ask(&queries).await, 0);
        drop(queries);
        // It ends at once, not at the next tick.
        let windows = timeout(Duration::from_millis(1), actor)
            .await
            .unwrap()
            .unwrap();
        assert!(windows.is_empty());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_closed_inbox_is_not_polled_again() {
        // A closed inbox whose branch stayed enabled would return `None` at
        // once, every round: the actor would spin and never end. A paused
        // clock cannot show that (time never moves while a task is busy),
        // so this test runs on a real clock, with a second worker thread
        // for the timeout. When all is well it ends in microseconds.
        let (events, queries, actor) = start();
        drop(events);
        assert_eq!(ask(&queries).await, 0);
        drop(queries);
        let ended = timeout(Duration::from_secs(5), actor).await;
        assert!(ended.is_ok(), "the actor did not end");
    }

    #[tokio::test(start_paused = true)]
    async fn a_flood_of_events_does_not_hold_a_window_open() {
        let (events, queries, actor) = start();
        // A producer that sends an event every 100 ms for 3 s.
        tokio::spawn(async move {
            for value in 0..30 {
                events.send(value).await.unwrap();
                sleep(Duration::from_millis(100)).await;
            }
        });
        sleep(Duration::from_millis(3500)).await;
        drop(queries);
        let windows = timeout(SECOND, actor).await.unwrap().unwrap();
        let closed: Vec<_> = windows.iter().map(|w| w.closed_at).collect();
        assert_eq!(closed, [SECOND, 2 * SECOND, 3 * SECOND]);
        assert_eq!(windows[0].values, (0..10).collect::<Vec<_>>());
    }

    #[tokio::test(start_paused = true)]
    async fn without_the_precondition_the_actor_never_ends() {
        let (events, inbox) = mpsc::channel(1);
        let actor = tokio::spawn(aggregate_forever(inbox));
        events.send(5).await.unwrap();
        drop(events);
        let an_hour = Duration::from_secs(3600);
        assert!(timeout(an_hour, actor).await.is_err());
    }
}
