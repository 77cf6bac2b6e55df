// Joining a number of futures you only know at run time: `join_all` and
// `try_join_all` keep the input order; `FuturesUnordered` yields in completion order.

// ANCHOR: join_all
use futures::future::{join_all, try_join_all};
use futures::stream::{FuturesUnordered, StreamExt};
use std::time::Duration;
use tokio::time::sleep;

/// A download that takes `millis` milliseconds and returns its name.
pub async fn download(name: &'static str, millis: u64) -> &'static str {
    sleep(Duration::from_millis(millis)).await;
    name
}

/// Every result, in the order the futures were given.
pub async fn all_in_input_order() -> Vec<&'static str> {
    let downloads = [
        download("slow", 300),
        download("fast", 100),
        download("medium", 200),
    ];
    join_all(downloads).await
}

/// Every result, or the first error (the others are dropped).
pub async fn all_or_first_error(sizes: &[u64]) -> Result<Vec<u64>, String> {
    let checks = sizes.iter().map(|&size| async move {
        sleep(Duration::from_millis(size)).await;
        if size > 1000 {
            return Err(format!("{size} is too big"));
        }
        Ok(size)
    });
    try_join_all(checks).await
}

/// Every result, each as soon as it is ready.
pub async fn in_completion_order() -> Vec<&'static str> {
    let mut downloads = FuturesUnordered::new();
    downloads.push(download("slow", 300));
    downloads.push(download("fast", 100));
    downloads.push(download("medium", 200));
    let mut finished = Vec::new();
    // `next` yields whichever future finishes first, so work can start on it now.
    while let Some(name) = downloads.next().await {
        finished.push(name);
    }
    finished
}
// ANCHOR_END: join_all

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn join_all_keeps_the_input_order() {
        let start = Instant::now();
        assert_eq!(all_in_input_order().await, ["slow", "fast", "medium"]);
        assert_eq!(start.elapsed(), Duration::from_millis(300));
    }

    #[tokio::test(start_paused = true)]
    async fn try_join_all_gives_every_value_or_the_first_error() {
        let start = Instant::now();
        assert_eq!(all_or_first_error(&[300, 100]).await, Ok(vec![300, 100]));
        assert_eq!(start.elapsed(), Duration::from_millis(300));

        let start = Instant::now();
        let result = all_or_first_error(&[5000, 2000, 100]).await;
        assert_eq!(result, Err("2000 is too big".to_string()));
        // It returned at the error (2 s), without waiting for the 5 s check.
        assert_eq!(start.elapsed(), Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn futures_unordered_yields_in_completion_order() {
        let start = Instant::now();
        assert_eq!(in_completion_order().await, ["fast", "medium", "slow"]);
        assert_eq!(start.elapsed(), Duration::from_millis(300));
    }
}
