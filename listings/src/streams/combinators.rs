// The everyday combinators of `tokio_stream::StreamExt`: they look like the
// iterator methods, take plain closures, and return new streams that do
// nothing until someone polls them.

// ANCHOR: basics
use std::time::Duration;

use tokio_stream::StreamExt;

/// The squares of the first three even numbers.
pub async fn first_even_squares() -> Vec<u64> {
    // `1..` never ends, and neither does a stream made from it: `take`
    // is what makes `collect` finish.
    tokio_stream::iter(1u64..)
        .filter(|n| n % 2 == 0) // a plain closure taking `&Item`
        .map(|n| n * n)
        .take(3)
        .collect()
        .await
}

/// The total length of some words, with a plain `FnMut(Acc, Item) -> Acc`.
pub async fn total_length(words: &[&str]) -> usize {
    tokio_stream::iter(words)
        .fold(0, |total, word| total + word.len())
        .await
}
// ANCHOR_END: basics

// ANCHOR: then
/// Looks up every id, one after the other.
pub async fn look_up_each(ids: Vec<u32>) -> Vec<String> {
    // `then` is `map` with an async closure: it awaits each future before
    // it asks the source for the next item. One at a time, in order.
    tokio_stream::iter(ids)
        .then(|id| async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            format!("user-{id}")
        })
        .collect()
        .await
}
// ANCHOR_END: then

// ANCHOR: chain_merge
/// A stream that yields `label` every `period`, `count` times.
fn ticks(
    label: &'static str,
    period: Duration,
    count: usize,
) -> impl tokio_stream::Stream<Item = &'static str> {
    let interval =
        tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    tokio_stream::wrappers::IntervalStream::new(interval)
        .map(move |_| label)
        .take(count)
}

/// `chain` drains the first stream, then the second.
pub async fn chained() -> Vec<&'static str> {
    let fast = ticks("fast", Duration::from_secs(1), 3);
    let slow = ticks("slow", Duration::from_millis(2500), 2);
    fast.chain(slow).collect().await
}

/// `merge` polls both and yields whichever item is ready first.
pub async fn merged() -> Vec<&'static str> {
    let fast = ticks("fast", Duration::from_secs(1), 3);
    let slow = ticks("slow", Duration::from_millis(2500), 2);
    fast.merge(slow).collect().await
}
// ANCHOR_END: chain_merge

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    #[tokio::test]
    async fn filter_map_take_collect() {
        assert_eq!(first_even_squares().await, [4, 16, 36]);
    }

    #[tokio::test]
    async fn fold_with_a_plain_closure() {
        assert_eq!(total_length(&["a", "bb", "ccc"]).await, 6);
    }

    #[tokio::test(start_paused = true)]
    async fn then_awaits_one_item_at_a_time() {
        let start = Instant::now();
        let users = look_up_each(vec![7, 8, 9]).await;
        assert_eq!(users, ["user-7", "user-8", "user-9"]);
        // Three one-second lookups in sequence: 3 s, not 1 s.
        assert_eq!(start.elapsed(), Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn chain_waits_for_the_first_stream_to_end() {
        let start = Instant::now();
        assert_eq!(chained().await, ["fast", "fast", "fast", "slow", "slow"]);
        // The slow stream's interval started with the fast one, so its
        // first tick (due at 2.5 s) is already late when `chain` gets to
        // it at 3 s; the second is due at 5 s. 5 s in all.
        assert_eq!(start.elapsed(), Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn merge_interleaves_by_arrival() {
        let start = Instant::now();
        // fast at 1, 2, 3 s; slow at 2.5, 5 s.
        assert_eq!(merged().await, ["fast", "fast", "slow", "fast", "slow"]);
        assert_eq!(start.elapsed(), Duration::from_secs(5));
    }
}
