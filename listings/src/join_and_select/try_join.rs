// `try_join!` returns at the first `Err`, and the branches still running are
// dropped. A guard in each branch records whether it finished or was dropped.

// ANCHOR: try_join
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::sleep;

/// A shared record of what happened to each branch.
pub type Log = Mutex<Vec<String>>;

/// Records "<name> cancelled" if it is dropped before `finish` is called.
struct CancelGuard<'a> {
    name: &'static str,
    log: &'a Log,
    finished: bool,
}

impl CancelGuard<'_> {
    fn finish(mut self, outcome: &str) {
        self.finished = true;
        let line = format!("{} {outcome}", self.name);
        self.log.lock().unwrap().push(line);
    }
}

impl Drop for CancelGuard<'_> {
    fn drop(&mut self) {
        // Runs however the future ends, including when it is dropped mid-`.await`.
        if !self.finished {
            let line = format!("{} cancelled", self.name);
            self.log.lock().unwrap().push(line);
        }
    }
}

/// A step of a request: waits `millis`, then succeeds or fails.
pub async fn step(
    name: &'static str,
    millis: u64,
    fails: bool,
    log: &Log,
) -> Result<&'static str, String> {
    let guard = CancelGuard {
        name,
        log,
        finished: false,
    };
    sleep(Duration::from_millis(millis)).await;
    if fails {
        guard.finish("failed");
        return Err(format!("{name} is unavailable"));
    }
    guard.finish("finished");
    Ok(name)
}

/// Loads the three parts of a page. All branches have the same error type, `String`.
pub async fn load_page(log: &Log) -> Result<[&'static str; 3], String> {
    let (profile, orders, suggestions) = tokio::try_join!(
        step("profile", 1000, false, log),
        step("orders", 1500, true, log),
        step("suggestions", 3000, false, log),
    )?;
    Ok([profile, orders, suggestions])
}
// ANCHOR_END: try_join

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn the_first_error_returns_at_once_and_drops_the_rest() {
        let log = Log::default();
        let start = Instant::now();
        let result = load_page(&log).await;
        assert_eq!(result, Err("orders is unavailable".to_string()));
        // 1.5 s, when `orders` failed; not the 3 s `suggestions` would have taken.
        assert_eq!(start.elapsed(), Duration::from_millis(1500));
        let log = log.into_inner().unwrap();
        assert_eq!(
            log,
            ["profile finished", "orders failed", "suggestions cancelled"]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn join_waits_for_every_branch_even_after_an_error() {
        let log = Log::default();
        let start = Instant::now();
        let (orders, suggestions) = tokio::join!(
            step("orders", 1500, true, &log),
            step("suggestions", 3000, false, &log),
        );
        assert!(orders.is_err() && suggestions.is_ok());
        assert_eq!(start.elapsed(), Duration::from_secs(3));
        assert_eq!(
            log.into_inner().unwrap(),
            ["orders failed", "suggestions finished"]
        );
    }
}
