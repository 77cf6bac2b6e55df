// Async closures (`async |x| ...`, stable since Rust 1.85) can borrow their
// arguments across `.await`. A closure that merely returns an async block
// cannot, because the block would outlive the borrow it captured.

use std::time::Duration;

// ANCHOR: async_closure
/// A stand-in for a lookup that waits on I/O.
async fn lookup_len(word: &str) -> usize {
    tokio::time::sleep(Duration::from_millis(10)).await;
    word.len()
}

/// Applies an async function to each word. `AsyncFn(&str) -> usize` accepts
/// an async closure whose future may borrow the `&str` it was given.
pub async fn total_len(
    words: &[&str],
    measure: impl AsyncFn(&str) -> usize,
) -> usize {
    let mut total = 0;
    for word in words {
        total += measure(word).await;
    }
    total
}

pub async fn demo() -> usize {
    let bonus = 1;
    // The closure borrows `bonus` from its environment and `word` from its
    // argument, and awaits in between.
    total_len(&["async", "closures"], async |word: &str| {
        lookup_len(word).await + bonus
    })
    .await
}
// ANCHOR_END: async_closure

// ANCHOR: spawned_callback
/// Runs `lookup` on each word, each in a task of its own. The future of a
/// callback that is spawned must be `Send + 'static`, and only a `Fn`
/// bound with a named future type can say so. It owns its argument, since
/// a spawned future cannot borrow from the caller anyway.
pub async fn lookup_in_tasks<F, Fut>(words: &[&str], lookup: F) -> Vec<usize>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = usize> + Send + 'static,
{
    let tasks: Vec<_> = words
        .iter()
        .map(|word| tokio::spawn(lookup(word.to_string())))
        .collect();
    let mut lengths = Vec::with_capacity(tasks.len());
    for task in tasks {
        lengths.push(task.await.expect("a lookup does not panic"));
    }
    lengths
}

pub async fn spawned_demo() -> Vec<usize> {
    lookup_in_tasks(&["async", "closures"], |word| async move {
        lookup_len(&word).await
    })
    .await
}
// ANCHOR_END: spawned_callback

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_closure_borrows_its_argument_across_await() {
        let start = tokio::time::Instant::now();
        assert_eq!(demo().await, 5 + 1 + 8 + 1);
        // One lookup after the other: two waits of 10 ms.
        assert_eq!(start.elapsed(), Duration::from_millis(20));
    }

    #[tokio::test(start_paused = true)]
    async fn a_spawned_callback_runs_in_tasks_at_once() {
        let start = tokio::time::Instant::now();
        assert_eq!(spawned_demo().await, [5, 8]);
        // Two tasks wait together: 10 ms, not 20.
        assert_eq!(start.elapsed(), Duration::from_millis(10));
    }
}
