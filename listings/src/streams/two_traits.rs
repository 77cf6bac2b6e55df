// Living with two `StreamExt` traits: import one, and call the other one's
// methods by their full path.

// ANCHOR: resolved
use std::time::Duration;

// Import the one whose methods you call most...
use tokio_stream::StreamExt;

/// Fetches each id with at most two lookups in flight, and reports with an
/// `Err` item each time the stream goes quiet for longer than `idle_limit`.
pub async fn lookups(
    ids: Vec<u32>,
    idle_limit: Duration,
) -> Vec<Result<String, &'static str>> {
    let requests = tokio_stream::iter(ids).map(|id| async move {
        tokio::time::sleep(Duration::from_secs(1)).await;
        format!("user-{id}")
    });
    // ...and call the other trait's methods as plain functions. `buffered`
    // exists only in `futures::StreamExt`; naming the trait picks it
    // without bringing its `map`, `next` and `collect` into scope.
    let responses = futures::StreamExt::buffered(requests, 2);
    // `timeout` exists only in `tokio_stream::StreamExt`: method syntax works.
    responses
        .timeout(idle_limit)
        .map(|result| result.map_err(|_elapsed| "timed out"))
        .collect()
        .await
}
// ANCHOR_END: resolved

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn both_traits_work_together() {
        let start = Instant::now();
        let results = lookups(vec![1, 2, 3, 4], Duration::from_secs(5)).await;
        assert_eq!(
            results,
            [
                Ok("user-1".to_string()),
                Ok("user-2".to_string()),
                Ok("user-3".to_string()),
                Ok("user-4".to_string()),
            ]
        );
        // Two at a time, one second each: two rounds.
        assert_eq!(start.elapsed(), Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn the_tokio_stream_timeout_reports_a_quiet_stream() {
        // Both lookups run at once and take 1 s, longer than the 500 ms
        // limit: the silence before the first response is reported once,
        // at 0.5 s. The second response is ready at the same instant as the
        // first, so no silence, and no error, comes between them.
        let results = lookups(vec![1, 2], Duration::from_millis(500)).await;
        assert_eq!(
            results,
            [
                Err("timed out"),
                Ok("user-1".to_string()),
                Ok("user-2".to_string()),
            ]
        );
    }
}
