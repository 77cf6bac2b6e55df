// Exercise: batch a stream of events by size or by time, and summarize
// each batch.

// ANCHOR: types
use std::collections::BTreeMap;

/// Something a user did, worth `amount`.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub user: String,
    pub amount: u64,
}

/// What one batch adds up to.
#[derive(Debug, Default, PartialEq)]
pub struct Summary {
    /// How many events the batch held.
    pub events: usize,
    /// The sum of their amounts.
    pub total: u64,
    /// The sum of the amounts of each user, sorted by user.
    pub per_user: BTreeMap<String, u64>,
}
// ANCHOR_END: types

// ANCHOR: attempt
/// The starter: replace each `todo!()`.
#[allow(unused_variables)]
pub mod attempt {
    pub use super::{Event, Summary};
    use std::time::Duration;

    use futures::stream::BoxStream;
    use tokio_stream::Stream;

    /// Groups `events` into batches. A batch is emitted:
    /// - as soon as it holds `max` events;
    /// - when `window` has passed since its first event arrived;
    /// - when `events` ends (if it is not empty).
    ///
    /// Never emits an empty batch, and ends when `events` ends.
    pub fn batch_events<S>(
        events: S,
        max: usize,
        window: Duration,
    ) -> BoxStream<'static, Vec<Event>>
    where
        S: Stream<Item = Event> + Send + 'static,
    {
        todo!()
    }

    /// Adds up one batch.
    pub fn summarize(batch: &[Event]) -> Summary {
        todo!()
    }
}
// ANCHOR_END: attempt

// ANCHOR: solution
/// One good answer.
pub mod solution {
    pub use super::{Event, Summary};
    use std::time::Duration;

    use futures::stream::BoxStream;
    use tokio::time::Instant;
    use tokio_stream::{Stream, StreamExt};

    pub fn batch_events<S>(
        events: S,
        max: usize,
        window: Duration,
    ) -> BoxStream<'static, Vec<Event>>
    where
        S: Stream<Item = Event> + Send + 'static,
    {
        assert!(
            max > 0,
            "a batch must be allowed to hold at least one event"
        );
        let batches = async_stream::stream! {
            let mut events = std::pin::pin!(events);
            let mut batch = Vec::with_capacity(max);
            // One timer for the whole loop, created (and pinned) once. A
            // `sleep` written inside `select!` would start again on every
            // turn of the loop, and a steady trickle of events would keep
            // pushing the flush back forever.
            let deadline = tokio::time::sleep(window);
            let mut deadline = std::pin::pin!(deadline);
            loop {
                // Decide first, yield after: what to emit on this turn, and
                // whether the input has ended.
                let (flush, ended) = tokio::select! {
                    // On a tie, take the event first: it may complete the batch.
                    biased;
                    next = events.next() => match next {
                        Some(event) => {
                            if batch.is_empty() {
                                // The first event opens the window.
                                deadline.as_mut().reset(Instant::now() + window);
                            }
                            batch.push(event);
                            (batch.len() == max, false)
                        }
                        None => (!batch.is_empty(), true),
                    },
                    // Only armed while a batch is open, so an idle stream
                    // never produces empty batches.
                    () = &mut deadline, if !batch.is_empty() => (true, false),
                };
                if flush {
                    yield std::mem::replace(&mut batch, Vec::with_capacity(max));
                }
                if ended {
                    break;
                }
            }
        };
        Box::pin(batches)
    }

    pub fn summarize(batch: &[Event]) -> Summary {
        let mut summary = Summary::default();
        for event in batch {
            summary.events += 1;
            summary.total += event.amount;
            *summary.per_user.entry(event.user.clone()).or_default() += event.amount;
        }
        summary
    }
}
// ANCHOR_END: solution

// Lets this file compile on its own as a `main.rs`, with the modules above
// at the crate root. The tests below are the real entry point.
#[allow(dead_code)]
fn main() {}

#[cfg(test)]
mod tests {
    #[cfg(feature = "attempt")]
    use super::attempt::*;
    #[cfg(not(feature = "attempt"))]
    use super::solution::*;

    use std::time::Duration;

    use tokio::time::Instant;
    use tokio_stream::{Stream, StreamExt};

    fn event(user: &str, amount: u64) -> Event {
        Event {
            user: user.to_string(),
            amount,
        }
    }

    /// Events that arrive at the given second (counted from now), then the
    /// end of the stream at `end_at`.
    fn arriving(
        at: Vec<(u64, Event)>,
        end_at: u64,
    ) -> impl Stream<Item = Event> + Send + 'static {
        let start = Instant::now();
        async_stream::stream! {
            for (second, event) in at {
                tokio::time::sleep_until(start + Duration::from_secs(second)).await;
                yield event;
            }
            tokio::time::sleep_until(start + Duration::from_secs(end_at)).await;
        }
    }

    /// The amounts of each batch, with the second it was emitted.
    async fn run(
        at: Vec<(u64, Event)>,
        end_at: u64,
        max: usize,
        window: u64,
    ) -> Vec<(Vec<u64>, u64)> {
        let start = Instant::now();
        let batches =
            batch_events(arriving(at, end_at), max, Duration::from_secs(window));
        let collected = batches
            .map(|batch| {
                let amounts = batch.iter().map(|e| e.amount).collect();
                (amounts, start.elapsed().as_secs())
            })
            .collect::<Vec<_>>();
        tokio::time::timeout(Duration::from_secs(3600), collected)
            .await
            .expect("the batch stream ends when the events end")
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_batch_leaves_at_once() {
        let at = (1..=5).map(|n| (0, event("ann", n))).collect();
        let batches = run(at, 0, 2, 10).await;
        assert_eq!(batches, [(vec![1, 2], 0), (vec![3, 4], 0), (vec![5], 0)]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_partial_batch_leaves_when_its_window_ends() {
        let at = vec![
            (0, event("ann", 1)),
            (1, event("bob", 2)),
            (10, event("ann", 3)),
        ];
        let batches = run(at, 10, 100, 3).await;
        assert_eq!(batches, [(vec![1, 2], 3), (vec![3], 10)]);
    }

    #[tokio::test(start_paused = true)]
    async fn the_window_opens_with_the_first_event_of_each_batch() {
        // Windows of 3 s: [1 s, 4 s) and [5 s, 8 s). A window counted from
        // the previous flush would close at 7 s instead.
        let at = vec![
            (1, event("ann", 1)),
            (2, event("ann", 2)),
            (5, event("bob", 3)),
            (6, event("bob", 4)),
        ];
        let batches = run(at, 20, 100, 3).await;
        assert_eq!(batches, [(vec![1, 2], 4), (vec![3, 4], 8)]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_steady_trickle_cannot_postpone_the_flush() {
        // An event every 2 s for 20 s, window 5 s: a timer restarted on
        // every event would never fire before the end.
        let at = (0..10).map(|n| (2 * n, event("ann", 2 * n))).collect();
        let batches = run(at, 20, 100, 5).await;
        assert_eq!(
            batches,
            [
                (vec![0, 2, 4], 5),
                (vec![6, 8, 10], 11),
                (vec![12, 14, 16], 17),
                (vec![18], 20),
            ]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn silence_produces_no_empty_batches_and_the_end_flushes() {
        let at = vec![(0, event("ann", 1)), (30, event("bob", 2))];
        let batches = run(at, 31, 100, 3).await;
        assert_eq!(batches, [(vec![1], 3), (vec![2], 31)]);
    }

    #[tokio::test(start_paused = true)]
    async fn an_empty_input_gives_an_empty_output() {
        assert_eq!(run(vec![], 5, 10, 3).await, []);
    }

    #[test]
    fn summarize_adds_up_per_batch_and_per_user() {
        let batch = [event("bob", 5), event("ann", 1), event("bob", 2)];
        let summary = summarize(&batch);
        assert_eq!(summary.events, 3);
        assert_eq!(summary.total, 8);
        let per_user: Vec<(&str, u64)> = summary
            .per_user
            .iter()
            .map(|(user, total)| (user.as_str(), *total))
            .collect();
        assert_eq!(per_user, [("ann", 1), ("bob", 7)]);
        assert_eq!(summarize(&[]), Summary::default());
    }
}
