// Exercise: a retry that listens to the server. A busy server may say how
// long to wait before trying again (HTTP's `Retry-After`); a polite client
// waits that long instead of its own backoff, and still keeps to its
// attempts and its time budget.

// ANCHOR: attempt
pub mod attempt {
    use std::future::Future;
    use std::time::Duration;

    /// Why the server did not do the work.
    #[derive(Debug, Clone, PartialEq)]
    pub enum ServerError {
        /// Too busy now. `retry_after` is the wait the server asks for.
        Busy { retry_after: Option<Duration> },
        /// The request is wrong, and will be wrong next time too.
        Invalid,
    }

    /// Why `retry_polite` gave up.
    #[derive(Debug, PartialEq)]
    pub enum GiveUp {
        Invalid,
        TooManyAttempts,
        OutOfTime,
    }

    pub struct Policy {
        /// The wait after the first failure; it doubles after each one.
        pub base: Duration,
        /// The longest wait of the client's own backoff.
        pub cap: Duration,
        /// Calls at most, the first included; the first always happens.
        pub max_attempts: u32,
        /// All the attempts and waits together end within this.
        pub budget: Duration,
    }

    /// Calls `operation` until it succeeds, with these rules:
    /// - `Invalid` gives up at once with `GiveUp::Invalid`.
    /// - After failure number `n` (0 for the first), wait the server's
    ///   `retry_after` if it gave one (even above `cap`), or else
    ///   `base * 2^n`, capped at `cap`. No jitter. Nothing may overflow or
    ///   panic, whatever the policy and however many attempts.
    /// - After `max_attempts` calls, give up with `TooManyAttempts`.
    /// - Everything ends by `budget` after the call of `retry_polite`: an
    ///   attempt still running then is dropped, and a wait that would end
    ///   at or after that moment is not started. Both give `OutOfTime`.
    #[allow(unused_variables, unused_mut)]
    pub async fn retry_polite<T, Op, Fut>(
        policy: &Policy,
        mut operation: Op,
    ) -> Result<T, GiveUp>
    where
        Op: FnMut() -> Fut,
        Fut: Future<Output = Result<T, ServerError>>,
    {
        todo!()
    }
}
// ANCHOR_END: attempt

// ANCHOR: solution
pub mod solution {
    use std::future::Future;
    use std::time::Duration;

    use tokio::time::{Instant, sleep, timeout_at};

    #[derive(Debug, Clone, PartialEq)]
    pub enum ServerError {
        Busy { retry_after: Option<Duration> },
        Invalid,
    }

    #[derive(Debug, PartialEq)]
    pub enum GiveUp {
        Invalid,
        TooManyAttempts,
        OutOfTime,
    }

    pub struct Policy {
        pub base: Duration,
        pub cap: Duration,
        pub max_attempts: u32,
        pub budget: Duration,
    }

    /// The client's own wait after failure number `failure`, with every
    /// step checked: an overflow means "more than the cap".
    fn backoff(policy: &Policy, failure: u32) -> Duration {
        1u32.checked_shl(failure)
            .and_then(|factor| policy.base.checked_mul(factor))
            .map_or(policy.cap, |wait| wait.min(policy.cap))
    }

    pub async fn retry_polite<T, Op, Fut>(
        policy: &Policy,
        mut operation: Op,
    ) -> Result<T, GiveUp>
    where
        Op: FnMut() -> Fut,
        Fut: Future<Output = Result<T, ServerError>>,
    {
        // A budget too large to add to now is no deadline at all.
        let deadline = Instant::now().checked_add(policy.budget);
        let mut failures: u32 = 0;
        loop {
            let outcome = match deadline {
                Some(deadline) => match timeout_at(deadline, operation()).await {
                    Ok(outcome) => outcome,
                    Err(_elapsed) => return Err(GiveUp::OutOfTime),
                },
                None => operation().await,
            };
            let retry_after = match outcome {
                Ok(value) => return Ok(value),
                Err(ServerError::Invalid) => return Err(GiveUp::Invalid),
                Err(ServerError::Busy { retry_after }) => retry_after,
            };
            failures = failures.saturating_add(1);
            if failures >= policy.max_attempts {
                return Err(GiveUp::TooManyAttempts);
            }
            // The server knows its own load better than our formula does.
            let wait = retry_after.unwrap_or_else(|| backoff(policy, failures - 1));
            if let Some(deadline) = deadline {
                let wakes_at = Instant::now().checked_add(wait);
                if wakes_at.is_none_or(|wakes_at| wakes_at >= deadline) {
                    return Err(GiveUp::OutOfTime);
                }
            }
            sleep(wait).await;
        }
    }
}
// ANCHOR_END: solution

#[allow(dead_code)]
fn main() {}

#[cfg(test)]
mod tests {
    #[cfg(feature = "attempt")]
    use super::attempt::*;
    #[cfg(not(feature = "attempt"))]
    use super::solution::*;

    use std::collections::VecDeque;
    use std::sync::Mutex;
    use std::time::Duration;

    use tokio::time::{Instant, timeout};

    const LIMIT: Duration = Duration::from_secs(24 * 3600);

    /// What the scripted server does on one call.
    #[derive(Clone)]
    enum Reply {
        Done,
        Fail(ServerError),
        Hang,
    }

    /// A server that replays a script and records when it was called.
    /// After the script, it answers `Done`.
    struct Server {
        script: Mutex<VecDeque<Reply>>,
        calls: Mutex<Vec<u128>>,
        start: Instant,
    }

    impl Server {
        fn new(script: Vec<Reply>) -> Server {
            Server {
                script: Mutex::new(script.into()),
                calls: Mutex::new(Vec::new()),
                start: Instant::now(),
            }
        }

        async fn call(&self) -> Result<u32, ServerError> {
            let reply = self.script.lock().unwrap().pop_front();
            let number = {
                let mut calls = self.calls.lock().unwrap();
                calls.push(self.start.elapsed().as_millis());
                calls.len() as u32
            };
            match reply.unwrap_or(Reply::Done) {
                Reply::Done => Ok(number),
                Reply::Fail(error) => Err(error),
                Reply::Hang => std::future::pending().await,
            }
        }

        fn calls(&self) -> Vec<u128> {
            self.calls.lock().unwrap().clone()
        }
    }

    fn busy(hint_ms: Option<u64>) -> Reply {
        Reply::Fail(ServerError::Busy {
            retry_after: hint_ms.map(Duration::from_millis),
        })
    }

    fn policy() -> Policy {
        Policy {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(1),
            max_attempts: 10,
            budget: Duration::from_secs(60),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn without_hints_the_waits_double_up_to_the_cap() {
        let server = Server::new(vec![busy(None); 5]);
        let result = timeout(LIMIT, retry_polite(&policy(), || server.call())).await;
        assert_eq!(result.unwrap(), Ok(6));
        // Waits of 100, 200, 400, 800 and then 1000 (the cap), not 1600.
        assert_eq!(server.calls(), [0, 100, 300, 700, 1500, 2500]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_hint_replaces_the_backoff_even_above_the_cap() {
        let server = Server::new(vec![busy(Some(3000)), busy(None), busy(Some(50))]);
        let result = timeout(LIMIT, retry_polite(&policy(), || server.call())).await;
        assert_eq!(result.unwrap(), Ok(4));
        // 3000 asked; then the backoff's second wait (200); then 50 asked.
        assert_eq!(server.calls(), [0, 3000, 3200, 3250]);
    }

    #[tokio::test(start_paused = true)]
    async fn an_invalid_request_is_sent_once() {
        let server = Server::new(vec![Reply::Fail(ServerError::Invalid)]);
        let start = Instant::now();
        let result = timeout(LIMIT, retry_polite(&policy(), || server.call())).await;
        assert_eq!(result.unwrap(), Err(GiveUp::Invalid));
        assert_eq!(server.calls(), [0]);
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn attempts_are_counted_in_calls() {
        for (max_attempts, calls) in [(0, 1), (1, 1), (3, 3)] {
            let server = Server::new(vec![busy(None); 20]);
            let policy = Policy {
                max_attempts,
                ..policy()
            };
            let result =
                timeout(LIMIT, retry_polite(&policy, || server.call())).await;
            assert_eq!(result.unwrap(), Err(GiveUp::TooManyAttempts));
            assert_eq!(server.calls().len(), calls, "max_attempts {max_attempts}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn extreme_policies_neither_overflow_nor_panic() {
        // Forty failures: the shift and the product both overflow on the
        // way, and the wait must stay at the cap.
        let server = Server::new(vec![busy(None); 40]);
        let policy = Policy {
            base: Duration::from_secs(u64::MAX / 4),
            cap: Duration::from_secs(1),
            max_attempts: u32::MAX,
            budget: Duration::MAX,
        };
        let result = timeout(LIMIT, retry_polite(&policy, || server.call())).await;
        assert_eq!(result.unwrap(), Ok(41));
        let calls = server.calls();
        assert!(calls.windows(2).all(|pair| pair[1] - pair[0] == 1000));
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_past_the_budget_is_not_started() {
        let server = Server::new(vec![busy(Some(5000))]);
        let policy = Policy {
            budget: Duration::from_secs(5),
            ..policy()
        };
        let start = Instant::now();
        let result = timeout(LIMIT, retry_polite(&policy, || server.call())).await;
        // Waking exactly at the end of the budget would leave no time.
        assert_eq!(result.unwrap(), Err(GiveUp::OutOfTime));
        assert_eq!(start.elapsed(), Duration::ZERO);
        assert_eq!(server.calls(), [0]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_hanging_attempt_is_cut_at_the_budget() {
        let server = Server::new(vec![busy(None), Reply::Hang]);
        let policy = Policy {
            budget: Duration::from_secs(2),
            ..policy()
        };
        let start = Instant::now();
        let result = timeout(LIMIT, retry_polite(&policy, || server.call())).await;
        assert_eq!(result.unwrap(), Err(GiveUp::OutOfTime));
        assert_eq!(start.elapsed(), Duration::from_secs(2));
        assert_eq!(server.calls(), [0, 100]);
    }
}
