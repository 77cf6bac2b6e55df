// Exercise: wait for a condition, checking it every period, but give up at a
// deadline. The tests run on a paused clock, so they take no real time.

#[allow(dead_code)]
fn main() {}

// ANCHOR: attempt
pub mod attempt {
    use std::time::Duration;

    /// Checks `ready` at once and then every `every`, and returns how long it
    /// waited (on Tokio's clock) once `ready` returns true, or `Err(())` if it
    /// is still false after `limit`.
    pub async fn wait_until(
        ready: impl FnMut() -> bool,
        every: Duration,
        limit: Duration,
    ) -> Result<Duration, ()> {
        let _ = (ready, every, limit);
        todo!()
    }
}
// ANCHOR_END: attempt

// ANCHOR: solution
pub mod solution {
    use std::time::Duration;
    use tokio::time::{Instant, MissedTickBehavior, interval, timeout};

    pub async fn wait_until(
        mut ready: impl FnMut() -> bool,
        every: Duration,
        limit: Duration,
    ) -> Result<Duration, ()> {
        let start = Instant::now();
        let mut ticks = interval(every); // the first tick is immediate
        ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let polling = async {
            loop {
                ticks.tick().await;
                if ready() {
                    return start.elapsed();
                }
            }
        };
        timeout(limit, polling).await.map_err(|_| ())
    }
}
// ANCHOR_END: solution

#[cfg(test)]
mod tests {
    #[cfg(feature = "attempt")]
    use super::attempt::*;
    #[cfg(not(feature = "attempt"))]
    use super::solution::*;
    use std::time::Duration;

    const MS: Duration = Duration::from_millis(1);

    #[tokio::test(start_paused = true)]
    async fn ready_at_once_takes_no_time() {
        assert_eq!(
            wait_until(|| true, 100 * MS, 1000 * MS).await,
            Ok(Duration::ZERO)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn third_check_succeeds_after_two_periods() {
        let mut checks = 0;
        let waited = wait_until(
            || {
                checks += 1;
                checks == 3
            },
            100 * MS,
            1000 * MS,
        )
        .await;
        assert_eq!(waited, Ok(200 * MS));
        assert_eq!(checks, 3);
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_at_the_limit() {
        let start = tokio::time::Instant::now();
        assert_eq!(wait_until(|| false, 100 * MS, 350 * MS).await, Err(()));
        assert_eq!(start.elapsed(), 350 * MS);
    }
}
