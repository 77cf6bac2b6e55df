// Three ways to make a stream: from an iterator, from an async block that
// yields, and from an async block that can fail. And how to pin one so that
// `.next()` can be called on it.

// ANCHOR: iter
use std::time::Duration;

use async_stream::{stream, try_stream};
use tokio_stream::{Stream, StreamExt};

/// The simplest stream: every item is ready at once.
pub async fn sum_of_iter() -> i32 {
    // `tokio_stream::iter` turns any iterator into a stream. Its items are
    // ready immediately, so it never waits; it is mostly useful in tests
    // and as the start of a chain of combinators.
    let mut numbers = tokio_stream::iter([1, 2, 3]);
    let mut sum = 0;
    // `next()` returns a future of `Option<Item>`; `None` ends the stream.
    // `iter` is `Unpin`, so it can be used without pinning.
    while let Some(n) = numbers.next().await {
        sum += n;
    }
    sum
}
// ANCHOR_END: iter

// ANCHOR: countdown
/// Yields `from`, `from - 1`, ..., `1`, one per second.
pub fn countdown(from: u32) -> impl Stream<Item = u32> {
    // `stream!` writes the state machine for you: the block runs until it
    // reaches `yield`, hands the value to whoever called `next()`, and
    // resumes from there on the next call. Between items it can `.await`.
    stream! {
        for n in (1..=from).rev() {
            tokio::time::sleep(Duration::from_secs(1)).await;
            yield n;
        }
    }
}
// ANCHOR_END: countdown

// ANCHOR: try_stream
/// Parses each line into a number. The first line that is not a number
/// ends the stream with that error.
pub fn parse_all(
    lines: Vec<&'static str>,
) -> impl Stream<Item = Result<u32, std::num::ParseIntError>> {
    // In `try_stream!`, `yield v` sends `Ok(v)`, and `?` sends `Err(e)`
    // and then ends the stream: nothing after the bad line is produced.
    try_stream! {
        for line in lines {
            let n: u32 = line.trim().parse()?;
            yield n;
        }
    }
}
// ANCHOR_END: try_stream

// ANCHOR: unfold
/// One page of results, as a paginated API returns it: the items, and the
/// cursor of the next page if there is one.
pub struct Page {
    pub items: Vec<u32>,
    pub next: Option<u32>,
}

/// Stands in for a request that takes a second: seven items in all, three
/// to a page, starting at `cursor`.
pub async fn fetch_page(cursor: u32) -> Page {
    tokio::time::sleep(Duration::from_secs(1)).await;
    let end = (cursor + 3).min(7);
    Page {
        items: (cursor..end).collect(),
        next: (end < 7).then_some(end),
    }
}

/// Every page, each fetched only when the consumer asks for it.
pub fn pages() -> impl Stream<Item = Vec<u32>> {
    // `unfold(state, f)`: `f` takes the state and returns a future of
    // `Some((item, next_state))`, or `None` to end the stream. The state
    // is the cursor of the page to fetch, or `None` after the last page.
    futures::stream::unfold(Some(0), |cursor| async move {
        let page = fetch_page(cursor?).await; // no cursor: the stream ends
        Some((page.items, page.next))
    })
}
// ANCHOR_END: unfold

// ANCHOR: pinned
/// Collects a `!Unpin` stream by hand, pinning it first.
pub async fn collect_countdown(from: u32) -> Vec<u32> {
    // `stream!` produces a type that is `!Unpin` (it may hold references
    // into itself across an `.await`), and `next()` needs `Self: Unpin`.
    // `std::pin::pin!` pins it on the stack of this async fn: the cheapest
    // way, good as long as the stream is used only here.
    let mut ticks = std::pin::pin!(countdown(from));
    let mut seen = Vec::new();
    while let Some(n) = ticks.next().await {
        seen.push(n);
    }
    seen
}

/// Returns a stream that callers can poll with `next()` directly.
pub fn boxed_countdown(
    from: u32,
) -> std::pin::Pin<Box<dyn Stream<Item = u32> + Send>> {
    // `Box::pin` pins it on the heap instead. The box can be moved, stored
    // in a struct or returned, and `Pin<Box<_>>` is itself `Unpin`.
    Box::pin(countdown(from))
}
// ANCHOR_END: pinned

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    #[tokio::test]
    async fn iter_yields_every_item() {
        assert_eq!(sum_of_iter().await, 6);
    }

    #[tokio::test(start_paused = true)]
    async fn countdown_yields_one_item_per_second() {
        let start = Instant::now();
        let mut ticks = std::pin::pin!(countdown(3));
        assert_eq!(ticks.next().await, Some(3));
        assert_eq!(start.elapsed(), Duration::from_secs(1));
        assert_eq!(ticks.next().await, Some(2));
        assert_eq!(ticks.next().await, Some(1));
        assert_eq!(start.elapsed(), Duration::from_secs(3));
        // The loop ended, so the stream ended.
        assert_eq!(ticks.next().await, None);
    }

    #[tokio::test]
    async fn question_mark_ends_the_stream_with_the_error() {
        let results: Vec<_> = parse_all(vec!["1", "2", "three", "4"]).collect().await;
        assert_eq!(results.len(), 3, "nothing after the error: {results:?}");
        assert_eq!(results[0], Ok(1));
        assert_eq!(results[1], Ok(2));
        let error = results[2].as_ref().unwrap_err();
        assert_eq!(error.to_string(), "invalid digit found in string");
    }

    #[tokio::test]
    async fn collect_into_result_stops_at_the_first_error() {
        // `collect` into `Result<Vec<_>, _>` gives the first error, or all
        // the values.
        let all: Result<Vec<u32>, _> = parse_all(vec!["1", "2"]).collect().await;
        assert_eq!(all, Ok(vec![1, 2]));
        let first_bad: Result<Vec<u32>, _> =
            parse_all(vec!["x", "2"]).collect().await;
        assert!(first_bad.is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn pinned_on_the_stack_or_on_the_heap() {
        assert_eq!(collect_countdown(3).await, vec![3, 2, 1]);
        let mut boxed = boxed_countdown(2);
        assert_eq!(boxed.next().await, Some(2));
        assert_eq!(boxed.next().await, Some(1));
        assert_eq!(boxed.next().await, None);
    }

    #[tokio::test(start_paused = true)]
    async fn unfold_fetches_each_page_when_asked() {
        let start = tokio::time::Instant::now();
        let mut pages = std::pin::pin!(pages());
        let mut seen = Vec::new();
        while let Some(page) = pages.next().await {
            seen.push((page, start.elapsed().as_secs()));
        }
        assert_eq!(seen, [(vec![0, 1, 2], 1), (vec![3, 4, 5], 2), (vec![6], 3)]);
    }

    #[tokio::test(start_paused = true)]
    async fn unfold_fetches_the_next_page_only_when_asked() {
        let mut pages = std::pin::pin!(pages());
        assert_eq!(pages.next().await, Some(vec![0, 1, 2]));
        // A consumer that takes its time: nothing is fetched meanwhile.
        tokio::time::sleep(Duration::from_secs(10)).await;
        let asked = tokio::time::Instant::now();
        assert_eq!(pages.next().await, Some(vec![3, 4, 5]));
        assert_eq!(asked.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn unfold_fetches_nothing_that_is_not_asked_for() {
        let start = tokio::time::Instant::now();
        let first: Vec<Vec<u32>> = pages().take(1).collect().await;
        assert_eq!(first, [vec![0, 1, 2]]);
        // One page, one second: the second page was never requested.
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }
}
