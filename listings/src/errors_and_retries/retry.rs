// Retrying by hand: exponential backoff with a cap and full jitter, a
// maximum number of attempts, a classification of errors, and a deadline
// over all the attempts together.

use std::future::Future;
use std::time::Duration;

use tokio::time::{Instant, sleep, timeout_at};

// ANCHOR: backoff
/// How long to wait between attempts, and how many to make.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// The ceiling of the first wait; each retry doubles it.
    pub base: Duration,
    /// No wait is ever longer than this, however many retries came before.
    pub cap: Duration,
    /// Calls of the operation at most, the first one included. The first
    /// call always happens, so 0 and 1 both mean "never retry".
    pub max_attempts: u32,
}

impl Backoff {
    /// The longest wait before retry number `retry` (0 for the first
    /// retry): `base * 2^retry`, capped. Every step is checked, so no
    /// `retry` overflows: a shift of 32 or more, or a product too large
    /// for a `Duration`, is simply "more than the cap".
    pub fn ceiling(&self, retry: u32) -> Duration {
        let doubled = 1u32
            .checked_shl(retry)
            .and_then(|factor| self.base.checked_mul(factor));
        match doubled {
            Some(delay) => delay.min(self.cap),
            None => self.cap,
        }
    }

    /// "Full jitter": a wait drawn uniformly from zero to the ceiling.
    /// Clients that failed together then retry at scattered moments
    /// instead of all at once, which is what knocked the server over.
    /// Whole milliseconds, because tokio's timer counts in them and
    /// rounds a finer sleep up to the next one.
    pub fn delay(&self, retry: u32, rng: &mut fastrand::Rng) -> Duration {
        let ceiling = self.ceiling(retry).as_millis();
        // `as_millis` is a u128: clamp it, rather than let `as` truncate.
        let ceiling = u64::try_from(ceiling).unwrap_or(u64::MAX);
        Duration::from_millis(rng.u64(0..=ceiling))
    }
}
// ANCHOR_END: backoff

// ANCHOR: gave_up
/// Why `retry` stopped without a value. Each variant keeps the error
/// the caller most needs to see.
#[derive(Debug, PartialEq)]
pub enum GaveUp<E> {
    /// The error says that trying again cannot help.
    NotRetryable(E),
    /// Every attempt the policy allows failed; this is the last error.
    OutOfAttempts(E),
    /// The deadline came first. The last error, if an attempt had failed
    /// before the deadline cut the current one short.
    OutOfTime(Option<E>),
}
// ANCHOR_END: gave_up

// ANCHOR: retry
/// Calls `operation` until it succeeds, it fails with an error that
/// `retryable` rejects, the attempts run out, or `deadline` passes.
pub async fn retry<T, E, Op, Fut>(
    backoff: Backoff,
    deadline: Instant,
    rng: &mut fastrand::Rng,
    retryable: impl Fn(&E) -> bool,
    mut operation: Op,
) -> Result<T, GaveUp<E>>
where
    Op: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut failures: u32 = 0;
    let mut last_error = None;
    loop {
        // The deadline bounds each attempt too: an attempt that hangs is
        // dropped (cancelled) when the time is up.
        let Ok(outcome) = timeout_at(deadline, operation()).await else {
            return Err(GaveUp::OutOfTime(last_error));
        };
        let error = match outcome {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        if !retryable(&error) {
            return Err(GaveUp::NotRetryable(error));
        }
        // Saturating, so even u32::MAX attempts cannot wrap round to 0.
        failures = failures.saturating_add(1);
        if failures >= backoff.max_attempts {
            return Err(GaveUp::OutOfAttempts(error));
        }
        let delay = backoff.delay(failures - 1, rng);
        // A wait that ends past the deadline is pointless: give up now,
        // with the error in hand, rather than later with nothing more.
        let wakes_at = Instant::now().checked_add(delay);
        if wakes_at.is_none_or(|wakes_at| wakes_at >= deadline) {
            return Err(GaveUp::OutOfTime(Some(error)));
        }
        last_error = Some(error);
        sleep(delay).await;
    }
}
// ANCHOR_END: retry

// ANCHOR: classify
/// The errors of a call to a remote service, as a client sees them.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallError {
    #[error("the service is unavailable")]
    Unavailable,
    #[error("the call timed out")]
    TimedOut,
    #[error("the request was rejected: {0}")]
    Rejected(String),
}

impl CallError {
    /// Whether the same request could succeed later. A service that is
    /// down may come back; a request it rejected will be rejected again,
    /// and retrying it only multiplies the load and delays the answer.
    pub fn is_retryable(&self) -> bool {
        match self {
            CallError::Unavailable | CallError::TimedOut => true,
            CallError::Rejected(_) => false,
        }
    }
}
// ANCHOR_END: classify

/// A service that fails `failures` times, then answers; or, made with
/// `hanging`, never answers at all. It records the moment of each call.
pub struct Flaky {
    failures: usize,
    error: CallError,
    hangs: bool,
    // Behind a lock so `call` takes `&self`: the closure given to `retry`
    // makes a new future on each call, and each may borrow the service
    // only shared.
    calls: std::sync::Mutex<Vec<Duration>>,
    start: Instant,
}

impl Flaky {
    pub fn new(failures: usize, error: CallError) -> Flaky {
        Flaky {
            failures,
            error,
            hangs: false,
            calls: std::sync::Mutex::new(Vec::new()),
            start: Instant::now(),
        }
    }

    pub fn hanging() -> Flaky {
        Flaky {
            hangs: true,
            ..Flaky::new(0, CallError::TimedOut)
        }
    }

    pub async fn call(&self) -> Result<&'static str, CallError> {
        let calls = {
            let mut calls = self.calls.lock().unwrap();
            calls.push(self.start.elapsed());
            calls.len()
        };
        if self.hangs {
            std::future::pending::<()>().await;
        }
        if calls <= self.failures {
            Err(self.error.clone())
        } else {
            Ok("done")
        }
    }

    /// When each call came, measured from the service's creation.
    pub fn calls(&self) -> Vec<Duration> {
        self.calls.lock().unwrap().clone()
    }
}

// ANCHOR: policy
const BACKOFF: Backoff = Backoff {
    base: Duration::from_millis(100),
    cap: Duration::from_secs(2),
    max_attempts: 5,
};
// ANCHOR_END: policy

// Prints when each call happened, in milliseconds from the first.
fn print_calls(label: &str, service: &Flaky) {
    let calls: Vec<u128> = service.calls().iter().map(|at| at.as_millis()).collect();
    println!("{label}: calls at {calls:?} ms");
}

// ANCHOR: per_attempt
/// One call, given `limit` to answer. A late answer counts as `TimedOut`.
pub async fn call_within(
    service: &Flaky,
    limit: Duration,
) -> Result<&'static str, CallError> {
    match tokio::time::timeout(limit, service.call()).await {
        Ok(result) => result,
        Err(_elapsed) => Err(CallError::TimedOut),
    }
}
// ANCHOR_END: per_attempt

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    // A seeded generator gives the same "random" waits on every run.
    let mut rng = fastrand::Rng::with_seed(7);
    let far = Instant::now() + Duration::from_secs(3600);
    let retryable = CallError::is_retryable;

    let service = Flaky::new(3, CallError::Unavailable);
    let result = retry(BACKOFF, far, &mut rng, retryable, || service.call()).await;
    print_calls("unavailable 3 times", &service);
    println!("  -> {result:?}");

    let service = Flaky::new(9, CallError::Unavailable);
    let result = retry(BACKOFF, far, &mut rng, retryable, || service.call()).await;
    print_calls("unavailable 9 times", &service);
    println!("  -> {result:?}");

    let rejected = CallError::Rejected("no such account".into());
    let service = Flaky::new(9, rejected.clone());
    let result = retry(BACKOFF, far, &mut rng, retryable, || service.call()).await;
    print_calls("rejected, classified", &service);
    println!("  -> {result:?}");

    // The bug: a classifier that says yes to everything.
    let service = Flaky::new(9, rejected);
    let result = retry(BACKOFF, far, &mut rng, |_| true, || service.call()).await;
    print_calls("rejected, retried anyway", &service);
    println!("  -> {result:?}");

    // A service that hangs, with a limit of 1 s on each attempt only.
    let second = Duration::from_secs(1);
    let start = Instant::now();
    let service = Flaky::hanging();
    let op = || call_within(&service, second);
    let result = retry(BACKOFF, far, &mut rng, retryable, op).await;
    print_calls("hanging, 1 s per attempt", &service);
    println!("  -> {result:?} after {} ms", start.elapsed().as_millis());

    // The same, with a deadline 2.5 s away over all the attempts.
    let start = Instant::now();
    let service = Flaky::hanging();
    let deadline = start + Duration::from_millis(2500);
    let op = || call_within(&service, second);
    let result = retry(BACKOFF, deadline, &mut rng, retryable, op).await;
    print_calls("hanging, deadline 2.5 s", &service);
    println!("  -> {result:?} after {} ms", start.elapsed().as_millis());
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: Duration = Duration::from_secs(3600);

    fn far() -> Instant {
        Instant::now() + LIMIT
    }

    #[test]
    fn the_ceiling_doubles_then_stays_at_the_cap() {
        let ceilings: Vec<u128> =
            (0..8).map(|r| BACKOFF.ceiling(r).as_millis()).collect();
        assert_eq!(ceilings, [100, 200, 400, 800, 1600, 2000, 2000, 2000]);
    }

    #[test]
    fn no_retry_count_overflows() {
        // The shift overflows at 32, the `Duration` product long before
        // u32::MAX; neither may panic or wrap round to a small wait.
        for retry in [0, 1, 30, 31, 32, 33, 63, 64, u32::MAX - 1, u32::MAX] {
            let ceiling = BACKOFF.ceiling(retry);
            assert!(ceiling <= BACKOFF.cap, "retry {retry}: {ceiling:?}");
            if retry >= 5 {
                assert_eq!(ceiling, BACKOFF.cap, "retry {retry}");
            }
        }
        // A huge base and cap: the product overflows `Duration` itself.
        let huge = Backoff {
            base: Duration::MAX / 2,
            cap: Duration::MAX,
            max_attempts: u32::MAX,
        };
        assert_eq!(huge.ceiling(0), Duration::MAX / 2);
        assert_eq!(huge.ceiling(1), Duration::MAX / 2 * 2);
        assert_eq!(huge.ceiling(2), Duration::MAX);
        assert_eq!(huge.ceiling(u32::MAX), Duration::MAX);
        let mut rng = fastrand::Rng::with_seed(1);
        let delay = huge.delay(u32::MAX, &mut rng);
        assert!(delay <= Duration::from_millis(u64::MAX));
    }

    #[test]
    fn full_jitter_spreads_waits_from_zero_to_the_ceiling() {
        let mut rng = fastrand::Rng::with_seed(3);
        let waits: Vec<Duration> =
            (0..1000).map(|_| BACKOFF.delay(5, &mut rng)).collect();
        assert!(waits.iter().all(|w| *w <= Duration::from_secs(2)));
        // Full jitter reaches both ends, not just "the delay plus a bit".
        assert!(waits.iter().any(|w| *w < Duration::from_millis(100)));
        assert!(waits.iter().any(|w| *w > Duration::from_millis(1900)));
    }

    // ANCHOR: exact_waits
    #[tokio::test(start_paused = true)]
    async fn the_waits_are_exactly_the_seeded_draws() {
        let service = Flaky::new(4, CallError::TimedOut);
        let mut rng = fastrand::Rng::with_seed(42);
        let result = retry(BACKOFF, far(), &mut rng, CallError::is_retryable, || {
            service.call()
        })
        .await;
        assert_eq!(result, Ok("done"));
        // The same seed, drawn the same way, predicts every wait.
        let mut expected_rng = fastrand::Rng::with_seed(42);
        let mut expected = vec![Duration::ZERO];
        for retry in 0..4 {
            let wait = BACKOFF.delay(retry, &mut expected_rng);
            expected.push(*expected.last().unwrap() + wait);
        }
        assert_eq!(service.calls(), expected);
        // And those waits are the full-jitter draws, written out.
        let mut draws = fastrand::Rng::with_seed(42);
        let first = Duration::from_millis(draws.u64(0..=100));
        assert_eq!(service.calls()[1], first);
    }

    // ANCHOR_END: exact_waits

    #[tokio::test(start_paused = true)]
    async fn a_rejected_request_is_called_once() {
        let service = Flaky::new(9, CallError::Rejected("bad".into()));
        let mut rng = fastrand::Rng::with_seed(1);
        let start = Instant::now();
        let result = retry(BACKOFF, far(), &mut rng, CallError::is_retryable, || {
            service.call()
        })
        .await;
        assert_eq!(
            result,
            Err(GaveUp::NotRetryable(CallError::Rejected("bad".into())))
        );
        assert_eq!(service.calls().len(), 1);
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn retrying_everything_calls_a_rejected_request_every_time() {
        let service = Flaky::new(9, CallError::Rejected("bad".into()));
        let mut rng = fastrand::Rng::with_seed(1);
        let start = Instant::now();
        let result =
            retry(BACKOFF, far(), &mut rng, |_| true, || service.call()).await;
        assert_eq!(
            result,
            Err(GaveUp::OutOfAttempts(CallError::Rejected("bad".into())))
        );
        // Five calls that could never succeed, and time spent waiting.
        assert_eq!(service.calls().len(), 5);
        assert!(start.elapsed() > Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn max_attempts_counts_calls_and_zero_still_calls_once() {
        for (max_attempts, calls) in [(0, 1), (1, 1), (2, 2), (5, 5)] {
            let backoff = Backoff {
                max_attempts,
                ..BACKOFF
            };
            let service = Flaky::new(99, CallError::Unavailable);
            let mut rng = fastrand::Rng::with_seed(1);
            let start = Instant::now();
            let result =
                retry(backoff, far(), &mut rng, CallError::is_retryable, || {
                    service.call()
                })
                .await;
            assert_eq!(result, Err(GaveUp::OutOfAttempts(CallError::Unavailable)));
            assert_eq!(service.calls().len(), calls, "max_attempts {max_attempts}");
            // No wait after the last call: it gave up at the moment it failed.
            assert_eq!(start.elapsed(), *service.calls().last().unwrap());
        }
    }

    #[tokio::test(start_paused = true)]
    async fn u32_max_attempts_keeps_waiting_at_the_cap() {
        // With no practical limit on attempts, the waits stay at the cap
        // for ever: 100 failures in, the ceiling is 2 s, not 0 or a panic.
        let backoff = Backoff {
            max_attempts: u32::MAX,
            ..BACKOFF
        };
        let service = Flaky::new(100, CallError::Unavailable);
        let mut rng = fastrand::Rng::with_seed(5);
        let result = retry(backoff, far(), &mut rng, CallError::is_retryable, || {
            service.call()
        })
        .await;
        assert_eq!(result, Ok("done"));
        assert_eq!(service.calls().len(), 101);
        let calls = service.calls();
        let last_gap = calls[100] - calls[99];
        assert!(last_gap <= Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn a_per_attempt_limit_alone_lets_the_whole_call_run_long() {
        let service = Flaky::hanging();
        let mut rng = fastrand::Rng::with_seed(7);
        let start = Instant::now();
        let op = || call_within(&service, Duration::from_secs(1));
        let result =
            retry(BACKOFF, far(), &mut rng, CallError::is_retryable, op).await;
        assert_eq!(result, Err(GaveUp::OutOfAttempts(CallError::TimedOut)));
        // Five full seconds of attempts, plus four waits on top.
        assert_eq!(service.calls().len(), 5);
        assert!(start.elapsed() > Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn the_deadline_cuts_a_hanging_attempt_short() {
        let service = Flaky::hanging();
        let mut rng = fastrand::Rng::with_seed(7);
        let start = Instant::now();
        let deadline = start + Duration::from_millis(2500);
        let op = || call_within(&service, Duration::from_secs(1));
        let result =
            retry(BACKOFF, deadline, &mut rng, CallError::is_retryable, op).await;
        assert_eq!(result, Err(GaveUp::OutOfTime(Some(CallError::TimedOut))));
        assert_eq!(start.elapsed(), Duration::from_millis(2500));
        assert_eq!(service.calls().len(), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_that_would_pass_the_deadline_is_not_slept() {
        // Waits of 0..=1000 ms, a deadline 300 ms away: with this seed
        // the first wait is drawn past the deadline.
        let backoff = Backoff {
            base: Duration::from_secs(1),
            ..BACKOFF
        };
        let mut draws = fastrand::Rng::with_seed(11);
        assert!(backoff.delay(0, &mut draws) > Duration::from_millis(300));

        let service = Flaky::new(9, CallError::Unavailable);
        let mut rng = fastrand::Rng::with_seed(11);
        let start = Instant::now();
        let deadline = start + Duration::from_millis(300);
        let result =
            retry(backoff, deadline, &mut rng, CallError::is_retryable, || {
                service.call()
            })
            .await;
        // It gave up at once, with the error it had, not at the deadline.
        assert_eq!(result, Err(GaveUp::OutOfTime(Some(CallError::Unavailable))));
        assert_eq!(start.elapsed(), Duration::ZERO);
        assert_eq!(service.calls().len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_deadline_already_past_gives_up_without_an_error_in_hand() {
        let service = Flaky::hanging();
        let mut rng = fastrand::Rng::with_seed(7);
        let retrying = retry(
            BACKOFF,
            Instant::now(),
            &mut rng,
            CallError::is_retryable,
            || service.call(),
        );
        let result = tokio::time::timeout(LIMIT, retrying)
            .await
            .expect("no hang");
        assert_eq!(result, Err(GaveUp::OutOfTime(None)));
    }

    #[tokio::test(start_paused = true)]
    async fn dropping_the_retry_stops_the_calls() {
        let service = Flaky::new(99, CallError::Unavailable);
        let mut rng = fastrand::Rng::with_seed(7);
        let backoff = Backoff {
            max_attempts: u32::MAX,
            ..BACKOFF
        };
        let retrying =
            retry(backoff, far(), &mut rng, CallError::is_retryable, || {
                service.call()
            });
        // The caller gives up after 3 s: `timeout` drops the retry future.
        let outcome = tokio::time::timeout(Duration::from_secs(3), retrying).await;
        assert!(outcome.is_err());
        let calls_when_cancelled = service.calls().len();
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert_eq!(service.calls().len(), calls_when_cancelled);
    }
}
