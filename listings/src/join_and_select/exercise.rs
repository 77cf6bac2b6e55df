// Exercise: a hedged request. Start a request; if it has not answered within
// `hedge_after`, start a second one as well, and take the first success.

// ANCHOR: attempt
pub mod attempt {
    use std::time::Duration;

    /// Calls `request(0)`. If it has not finished after `hedge_after`, also
    /// calls `request(1)` and races the two:
    ///
    /// - the first `Ok` is returned at once, and the other request is dropped;
    /// - if one request fails, wait for the other one;
    /// - if both fail, return the error of the one that failed last;
    /// - if `request(0)` fails before `hedge_after`, start `request(1)` at once.
    ///
    /// `request(1)` is never called when `request(0)` succeeds in time.
    #[allow(unused_variables, unused_mut)]
    pub async fn fetch_with_hedge<F, Fut, T, E>(
        mut request: F,
        hedge_after: Duration,
    ) -> Result<T, E>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        todo!("race the first request against a timer, then against a second request")
    }
}
// ANCHOR_END: attempt

// ANCHOR: solution
pub mod solution {
    use std::time::Duration;
    use tokio::time::sleep;

    pub async fn fetch_with_hedge<F, Fut, T, E>(
        mut request: F,
        hedge_after: Duration,
    ) -> Result<T, E>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        // Pinned so that `select!` can poll it through `&mut` and keep it
        // alive when the timer wins the first race.
        let first = request(0);
        tokio::pin!(first);

        // Round one: the first request against the hedge timer.
        tokio::select! {
            result = &mut first => match result {
                Ok(value) => return Ok(value),
                // Failed early: the second request is the only chance left.
                Err(_) => return request(1).await,
            },
            () = sleep(hedge_after) => {}
        }

        // Round two: both requests race. Returning drops the loser.
        let second = request(1);
        tokio::pin!(second);
        tokio::select! {
            result = &mut first => match result {
                Ok(value) => Ok(value),
                Err(_) => second.await,
            },
            result = &mut second => match result {
                Ok(value) => Ok(value),
                Err(_) => first.await,
            },
        }
    }
}
// ANCHOR_END: solution

#[cfg(test)]
mod tests {
    #[cfg(feature = "attempt")]
    use super::attempt::*;
    #[cfg(not(feature = "attempt"))]
    use super::solution::*;

    use std::sync::{Arc, Mutex};
    use std::time::Duration;
    use tokio::time::{Instant, sleep, timeout};

    const HEDGE_AFTER: Duration = Duration::from_millis(300);

    /// How one request behaves: how long it takes, and what it returns.
    #[derive(Clone, Copy)]
    struct Plan {
        millis: u64,
        result: Result<&'static str, &'static str>,
    }

    fn ok(millis: u64, value: &'static str) -> Plan {
        Plan {
            millis,
            result: Ok(value),
        }
    }

    fn err(millis: u64, error: &'static str) -> Plan {
        Plan {
            millis,
            result: Err(error),
        }
    }

    /// What happened to the requests: "started 0", "cancelled 1", ...
    type Log = Arc<Mutex<Vec<String>>>;

    struct Cancelled {
        attempt: u32,
        log: Log,
        done: bool,
    }

    impl Drop for Cancelled {
        fn drop(&mut self) {
            if !self.done {
                self.log
                    .lock()
                    .unwrap()
                    .push(format!("cancelled {}", self.attempt));
            }
        }
    }

    /// Runs `fetch_with_hedge` on requests that follow `plans`, and returns
    /// the result, the virtual time it took and the log.
    async fn run(
        plans: Vec<Plan>,
    ) -> (Result<&'static str, &'static str>, Duration, Vec<String>) {
        let log = Log::default();
        let request = {
            let log = log.clone();
            move |attempt: u32| {
                let plan = plans[attempt as usize];
                let log = log.clone();
                async move {
                    log.lock().unwrap().push(format!("started {attempt}"));
                    let mut guard = Cancelled {
                        attempt,
                        log,
                        done: false,
                    };
                    sleep(Duration::from_millis(plan.millis)).await;
                    guard.done = true;
                    plan.result
                }
            }
        };
        let start = Instant::now();
        let result = timeout(
            Duration::from_secs(60),
            fetch_with_hedge(request, HEDGE_AFTER),
        )
        .await
        .expect("fetch_with_hedge never returned");
        let log = log.lock().unwrap().clone();
        (result, start.elapsed(), log)
    }

    #[tokio::test(start_paused = true)]
    async fn a_fast_first_request_needs_no_hedge() {
        let (result, took, log) =
            run(vec![ok(100, "first"), ok(100, "second")]).await;
        assert_eq!(result, Ok("first"));
        assert_eq!(took, Duration::from_millis(100));
        assert_eq!(log, ["started 0"]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_first_request_is_hedged_and_the_hedge_wins() {
        let (result, took, log) =
            run(vec![ok(1000, "first"), ok(200, "second")]).await;
        assert_eq!(result, Ok("second"));
        // The hedge started at 300 ms and answered 200 ms later.
        assert_eq!(took, Duration::from_millis(500));
        assert_eq!(log, ["started 0", "started 1", "cancelled 0"]);
    }

    #[tokio::test(start_paused = true)]
    async fn the_first_request_can_still_win_after_the_hedge_starts() {
        let (result, took, log) =
            run(vec![ok(600, "first"), ok(1000, "second")]).await;
        assert_eq!(result, Ok("first"));
        assert_eq!(took, Duration::from_millis(600));
        assert_eq!(log, ["started 0", "started 1", "cancelled 1"]);
    }

    #[tokio::test(start_paused = true)]
    async fn an_early_failure_starts_the_hedge_at_once() {
        let (result, took, log) =
            run(vec![err(100, "first down"), ok(200, "second")]).await;
        assert_eq!(result, Ok("second"));
        assert_eq!(took, Duration::from_millis(300));
        assert_eq!(log, ["started 0", "started 1"]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_hedge_waits_for_the_first_request() {
        let (result, took, log) =
            run(vec![ok(1000, "first"), err(100, "second down")]).await;
        assert_eq!(result, Ok("first"));
        assert_eq!(took, Duration::from_millis(1000));
        assert_eq!(log, ["started 0", "started 1"]);
    }

    #[tokio::test(start_paused = true)]
    async fn when_both_fail_the_last_error_is_returned() {
        let (result, took, _) =
            run(vec![err(800, "first down"), err(100, "second down")]).await;
        assert_eq!(result, Err("first down"));
        assert_eq!(took, Duration::from_millis(800));

        let (result, took, _) =
            run(vec![err(500, "first down"), err(1000, "second down")]).await;
        assert_eq!(result, Err("second down"));
        assert_eq!(took, Duration::from_millis(1300));
    }
}
