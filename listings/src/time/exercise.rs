// Exercise: retry an operation, giving each attempt its own time limit and
// waiting longer between attempts each time (exponential backoff).

// ANCHOR: attempt
pub mod attempt {
    use std::time::Duration;

    /// How to retry.
    #[derive(Clone, Copy, Debug)]
    pub struct RetryPolicy {
        /// How many attempts in total (at least 1).
        pub attempts: u32,
        /// The time limit for each attempt.
        pub per_try: Duration,
        /// The wait after the first failed attempt. Each later wait is twice
        /// the previous one. There is no wait after the last attempt.
        pub first_backoff: Duration,
    }

    /// Why one attempt failed.
    #[derive(Debug, PartialEq, Eq)]
    pub enum AttemptError<E> {
        /// The attempt did not finish within `per_try` (and was dropped).
        TimedOut,
        /// The attempt finished with this error.
        Failed(E),
    }

    /// Calls `operation(attempt_number)` (numbered from 0) until it returns
    /// `Ok`, at most `policy.attempts` times. Returns the first success, or
    /// the reason for each failed attempt, in order.
    #[allow(unused_variables)]
    pub async fn retry_with_timeout<T, E, F, Fut>(
        policy: RetryPolicy,
        operation: F,
    ) -> Result<T, Vec<AttemptError<E>>>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        todo!("time each attempt out, back off, collect the errors")
    }
}
// ANCHOR_END: attempt

// ANCHOR: solution
pub mod solution {
    use std::time::Duration;
    use tokio::time::{sleep, timeout};

    /// How to retry.
    #[derive(Clone, Copy, Debug)]
    pub struct RetryPolicy {
        /// How many attempts in total (at least 1).
        pub attempts: u32,
        /// The time limit for each attempt.
        pub per_try: Duration,
        /// The wait after the first failed attempt. Each later wait is twice
        /// the previous one. There is no wait after the last attempt.
        pub first_backoff: Duration,
    }

    /// Why one attempt failed.
    #[derive(Debug, PartialEq, Eq)]
    pub enum AttemptError<E> {
        /// The attempt did not finish within `per_try` (and was dropped).
        TimedOut,
        /// The attempt finished with this error.
        Failed(E),
    }

    /// Calls `operation(attempt_number)` (numbered from 0) until it returns
    /// `Ok`, at most `policy.attempts` times. Returns the first success, or
    /// the reason for each failed attempt, in order.
    pub async fn retry_with_timeout<T, E, F, Fut>(
        policy: RetryPolicy,
        mut operation: F,
    ) -> Result<T, Vec<AttemptError<E>>>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let mut errors = Vec::new();
        let mut backoff = policy.first_backoff;

        for attempt in 0..policy.attempts {
            // A fresh future per attempt: the one that timed out was dropped
            // by `timeout`, and a dropped future cannot be resumed.
            match timeout(policy.per_try, operation(attempt)).await {
                Ok(Ok(value)) => return Ok(value),
                Ok(Err(error)) => errors.push(AttemptError::Failed(error)),
                Err(_elapsed) => errors.push(AttemptError::TimedOut),
            }

            let is_last = attempt + 1 == policy.attempts;
            if !is_last {
                sleep(backoff).await;
                backoff *= 2;
            }
        }
        Err(errors)
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
    use tokio::time::{Instant, sleep};

    const POLICY: RetryPolicy = RetryPolicy {
        attempts: 4,
        per_try: Duration::from_secs(1),
        first_backoff: Duration::from_millis(100),
    };

    /// Records when each attempt started, in ms since `start`.
    fn recorder() -> (Instant, Arc<Mutex<Vec<u128>>>) {
        (Instant::now(), Arc::new(Mutex::new(Vec::new())))
    }

    #[tokio::test(start_paused = true)]
    async fn a_quick_success_is_returned_without_waiting() {
        let start = Instant::now();
        let result: Result<u32, Vec<AttemptError<()>>> =
            retry_with_timeout(POLICY, |_| async { Ok(7) }).await;
        assert_eq!(result, Ok(7));
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn errors_are_retried_with_doubling_backoff() {
        let (start, starts) = recorder();
        let result: Result<(), _> = retry_with_timeout(POLICY, |attempt| {
            starts.lock().unwrap().push(start.elapsed().as_millis());
            async move { Err(format!("attempt {attempt} failed")) }
        })
        .await;

        // Waits of 100, 200 and 400 ms between four instant failures,
        // and no wait after the last one.
        assert_eq!(*starts.lock().unwrap(), [0, 100, 300, 700]);
        assert_eq!(start.elapsed(), Duration::from_millis(700));
        assert_eq!(
            result,
            Err(vec![
                AttemptError::Failed("attempt 0 failed".to_string()),
                AttemptError::Failed("attempt 1 failed".to_string()),
                AttemptError::Failed("attempt 2 failed".to_string()),
                AttemptError::Failed("attempt 3 failed".to_string()),
            ])
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_hanging_attempt_is_cut_off_after_per_try() {
        let (start, starts) = recorder();
        let result: Result<&str, Vec<AttemptError<()>>> =
            retry_with_timeout(POLICY, |attempt| {
                starts.lock().unwrap().push(start.elapsed().as_millis());
                async move {
                    if attempt < 2 {
                        // Hangs far longer than the 1 s limit.
                        sleep(Duration::from_secs(3600)).await;
                    }
                    Ok("answer")
                }
            })
            .await;

        // Attempt 0: 0..1000, wait 100; attempt 1: 1100..2100, wait 200;
        // attempt 2 starts at 2300 and succeeds at once.
        assert_eq!(result, Ok("answer"));
        assert_eq!(*starts.lock().unwrap(), [0, 1100, 2300]);
        assert_eq!(start.elapsed(), Duration::from_millis(2300));
    }

    #[tokio::test(start_paused = true)]
    async fn timeouts_and_failures_are_reported_in_order() {
        let start = Instant::now();
        let policy = RetryPolicy {
            attempts: 3,
            ..POLICY
        };
        let result: Result<(), _> =
            retry_with_timeout(policy, |attempt| async move {
                if attempt == 1 {
                    sleep(Duration::from_secs(5)).await;
                }
                Err(attempt)
            })
            .await;

        assert_eq!(
            result,
            Err(vec![
                AttemptError::Failed(0),
                AttemptError::TimedOut,
                AttemptError::Failed(2),
            ])
        );
        // 0 + 100 (wait) + 1000 (timed out) + 200 (wait) + 0.
        assert_eq!(start.elapsed(), Duration::from_millis(1300));
    }

    #[tokio::test(start_paused = true)]
    async fn a_timed_out_attempt_is_dropped_not_left_running() {
        // Each attempt holds a clone of this Arc while it is alive.
        let alive = Arc::new(());
        let result: Result<(), Vec<AttemptError<()>>> = retry_with_timeout(
            RetryPolicy {
                attempts: 2,
                ..POLICY
            },
            |_| {
                let alive = alive.clone();
                async move {
                    let _held = alive;
                    sleep(Duration::from_secs(3600)).await;
                    Ok(())
                }
            },
        )
        .await;

        assert_eq!(
            result,
            Err(vec![AttemptError::TimedOut, AttemptError::TimedOut])
        );
        // Only our own reference is left: both attempts were dropped.
        assert_eq!(Arc::strong_count(&alive), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_single_attempt_policy_never_waits() {
        let start = Instant::now();
        let policy = RetryPolicy {
            attempts: 1,
            ..POLICY
        };
        let result: Result<(), _> =
            retry_with_timeout(policy, |_| async { Err("no") }).await;
        assert_eq!(result, Err(vec![AttemptError::Failed("no")]));
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
