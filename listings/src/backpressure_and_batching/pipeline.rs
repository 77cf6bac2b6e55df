// A pipeline of stages joined by bounded channels: the slow last stage sets
// the pace of every stage before it, back to the source, and the number of
// items in flight never exceeds the channels' capacities plus one per stage.

// ANCHOR: stages
use std::time::Duration;

use tokio::sync::mpsc::{Receiver, Sender};
use tokio::time::{Instant, sleep};

/// What a stage did with one item, in time since the pipeline started.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    pub item: u32,
    /// How many items were in the stage's input queue when it came back for
    /// the next one (the one it then took included).
    pub queued: usize,
    /// When it took the item.
    pub taken: Duration,
    /// When the next queue accepted the item; for the last stage, when its
    /// work on the item was done.
    pub passed_on: Duration,
}

/// Sends `count` items into the pipeline as fast as it accepts them, and
/// returns when each send completed.
pub async fn source(
    output: Sender<u32>,
    count: u32,
    start: Instant,
) -> Vec<Duration> {
    let mut sent = Vec::new();
    for item in 0..count {
        // Waits while the first queue is full: this is where the pace of the
        // last stage reaches the first.
        if output.send(item).await.is_err() {
            break; // the pipeline is gone; nobody would take the rest
        }
        sent.push(start.elapsed());
    }
    sent
    // `output` is dropped here, which closes the first queue: the next stage
    // drains it and then sees `None`, and so on down the pipeline.
}

/// Takes each item from `input`, spends `work` on it, and passes it on to
/// `output` (or keeps nothing, as the last stage, when `output` is `None`).
/// Returns when `input` is closed and drained.
pub async fn stage(
    mut input: Receiver<u32>,
    output: Option<Sender<u32>>,
    work: Duration,
    start: Instant,
) -> Vec<Step> {
    let mut steps = Vec::new();
    loop {
        let queued = input.len();
        let Some(item) = input.recv().await else {
            break;
        };
        let taken = start.elapsed();
        sleep(work).await; // the stage's (simulated) work on the item
        if let Some(output) = &output {
            // Waits while the next queue is full: backpressure.
            if output.send(item).await.is_err() {
                break;
            }
        }
        let passed_on = start.elapsed();
        steps.push(Step {
            item,
            queued,
            taken,
            passed_on,
        });
    }
    steps
}
// ANCHOR_END: stages

// ANCHOR: run
/// The result of one run: when the source's sends completed, and the steps
/// of the two stages.
pub struct Run {
    pub sent: Vec<Duration>,
    pub parse: Vec<Step>,
    pub store: Vec<Step>,
}

/// source -> queue (2) -> parse (100 ms an item) -> queue (2) -> store (`store_work`)
pub async fn run(count: u32, store_work: Duration) -> Run {
    use tokio::sync::mpsc::channel;

    let start = Instant::now();
    let (to_parse, parse_input) = channel(2);
    let (to_store, store_input) = channel(2);
    let parse = tokio::spawn(stage(
        parse_input,
        Some(to_store),
        Duration::from_millis(100),
        start,
    ));
    let store = tokio::spawn(stage(store_input, None, store_work, start));
    let sent = source(to_parse, count, start).await;
    Run {
        sent,
        parse: parse.await.expect("the parse stage panicked"),
        store: store.await.expect("the store stage panicked"),
    }
}
// ANCHOR_END: run

#[tokio::main(flavor = "current_thread", start_paused = true)]
// ANCHOR: main
pub async fn main() {
    let Run { sent, parse, store } = run(8, Duration::from_secs(1)).await;
    let s = |at: Duration| format!("{:.1}s", at.as_secs_f64());
    println!("item  sent   parse: taken  queued   store: taken  queued  stored");
    for item in 0..sent.len() {
        let (p, st) = (parse[item], store[item]);
        println!(
            "{item:>4}  {:>5}  {:>12}  {:>6}  {:>13}  {:>6}  {:>6}",
            s(sent[item]),
            s(p.taken),
            p.queued,
            s(st.taken),
            st.queued,
            s(st.passed_on),
        );
    }
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    fn tenths(times: impl IntoIterator<Item = Duration>) -> Vec<u128> {
        times.into_iter().map(|at| at.as_millis() / 100).collect()
    }

    #[tokio::test(start_paused = true)]
    async fn the_slow_last_stage_sets_the_pace_of_the_source() {
        let run = run(8, Duration::from_secs(1)).await;
        // Six items fill the pipeline in 0.3 s (two per queue, one in each
        // stage); after that the source sends one item a second, when the
        // store stage takes the next one: 1.1 s, 2.1 s, ...
        assert_eq!(tenths(run.sent.clone()), [0, 0, 0, 1, 2, 3, 11, 21]);
        // Parse could do ten items a second; it too is held to one a second.
        let parse_taken = tenths(run.parse.iter().map(|s| s.taken));
        assert_eq!(parse_taken, [0, 1, 2, 3, 11, 21, 31, 41]);
        let stored = tenths(run.store.iter().map(|s| s.passed_on));
        assert_eq!(stored, [11, 21, 31, 41, 51, 61, 71, 81]);
        // Every item arrives, in order.
        let items: Vec<u32> = run.store.iter().map(|s| s.item).collect();
        assert_eq!(items, (0..8).collect::<Vec<_>>());
    }

    #[tokio::test(start_paused = true)]
    async fn every_queue_before_the_slow_stage_stays_full_and_never_overflows() {
        let run = run(8, Duration::from_secs(1)).await;
        let parse: Vec<usize> = run.parse.iter().map(|s| s.queued).collect();
        let store: Vec<usize> = run.store.iter().map(|s| s.queued).collect();
        // Each stage finds its queue full (2) whenever it comes back for
        // more, from the moment the pipeline has filled until the source has
        // nothing left to send.
        assert_eq!(parse, [2, 2, 2, 2, 2, 2, 2, 1]);
        assert_eq!(store, [0, 2, 2, 2, 2, 2, 2, 1]);
        assert!(parse.iter().chain(&store).all(|&queued| queued <= 2));
    }

    #[tokio::test(start_paused = true)]
    async fn with_a_fast_last_stage_the_source_is_not_held_back() {
        let run = run(8, Duration::from_millis(100)).await;
        // Now parse is the slowest stage (100 ms, the same as store), and
        // the source runs at its pace instead: done in under a second.
        assert!(*run.sent.last().unwrap() < Duration::from_secs(1));
        assert_eq!(run.store.len(), 8);
    }
}
