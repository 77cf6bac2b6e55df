// `select!` returns whichever branch finishes first, even if it finished with
// an error. `select_ok` returns the first success instead.

// ANCHOR: lookup
use std::time::Duration;
use tokio::time::sleep;

/// Asks one server; after `millis` it answers, or fails if `fails` is set.
pub async fn lookup(
    server: &'static str,
    millis: u64,
    fails: bool,
) -> Result<&'static str, String> {
    sleep(Duration::from_millis(millis)).await;
    if fails {
        return Err(format!("{server} failed"));
    }
    Ok(server)
}
// ANCHOR_END: lookup

// ANCHOR: race
/// Returns the output of whichever future finishes first.
pub async fn first_to_finish<T>(
    primary: impl Future<Output = T>,
    replica: impl Future<Output = T>,
) -> T {
    tokio::select! {
        output = primary => output,
        output = replica => output,
    }
    // Whichever branch lost has been dropped by now: it is cancelled.
}

/// The primary fails after 0.5 s; the replica would answer after 1.5 s.
pub async fn race() -> Result<&'static str, String> {
    first_to_finish(lookup("primary", 500, true), lookup("replica", 1500, false))
        .await
}
// ANCHOR_END: race

// ANCHOR: select_ok
/// The same two servers, but the first *success* wins.
pub async fn first_success() -> Result<&'static str, String> {
    // `select_ok` takes futures that are `Unpin`; `Box::pin` makes them so.
    let lookups = [
        Box::pin(lookup("primary", 500, true)),
        Box::pin(lookup("replica", 1500, false)),
    ];
    // On success it also hands back the futures still running; dropping them
    // cancels them.
    let (answer, _still_running) = futures::future::select_ok(lookups).await?;
    Ok(answer)
}
// ANCHOR_END: select_ok

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn select_returns_the_first_to_finish_even_an_error() {
        let start = Instant::now();
        assert_eq!(race().await, Err("primary failed".to_string()));
        assert_eq!(start.elapsed(), Duration::from_millis(500));
    }

    #[tokio::test(start_paused = true)]
    async fn select_ok_returns_the_first_success() {
        let start = Instant::now();
        assert_eq!(first_success().await, Ok("replica"));
        assert_eq!(start.elapsed(), Duration::from_millis(1500));
    }

    #[tokio::test(start_paused = true)]
    async fn select_ok_returns_the_last_error_when_all_fail() {
        let lookups = [
            Box::pin(lookup("a", 100, true)),
            Box::pin(lookup("b", 200, true)),
        ];
        let result = futures::future::select_ok(lookups).await;
        assert_eq!(
            result.map(|(answer, _)| answer),
            Err("b failed".to_string())
        );
    }
}
