// The same retries with backon: an exponential backoff builder, a
// classifier (`when`), a hook that sees each wait (`notify`), and tokio's
// own `sleep` underneath, so a paused clock drives it like any timer.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use tokio::time::{Instant, sleep, timeout};

/// The errors of a call to a remote service (as in the hand-written
/// version).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallError {
    #[error("the service is unavailable")]
    Unavailable,
    #[error("the request was rejected: {0}")]
    Rejected(String),
}

impl CallError {
    /// A rejected request will be rejected again; the rest may pass later.
    pub fn is_retryable(&self) -> bool {
        !matches!(self, CallError::Rejected(_))
    }
}

/// A service that fails `failures` times, then answers, and records the
/// moment of each call.
pub struct Flaky {
    failures: usize,
    error: CallError,
    calls: Mutex<Vec<Duration>>,
    start: Instant,
}

impl Flaky {
    pub fn new(failures: usize, error: CallError) -> Flaky {
        let calls = Mutex::new(Vec::new());
        Flaky {
            failures,
            error,
            calls,
            start: Instant::now(),
        }
    }

    pub async fn call(&self) -> Result<&'static str, CallError> {
        let mut calls = self.calls.lock().unwrap();
        calls.push(self.start.elapsed());
        if calls.len() <= self.failures {
            Err(self.error.clone())
        } else {
            Ok("done")
        }
    }

    /// When each call came, in whole milliseconds from the start.
    pub fn calls_ms(&self) -> Vec<u128> {
        let calls = self.calls.lock().unwrap();
        calls.iter().map(|at| at.as_millis()).collect()
    }
}

// ANCHOR: policy
/// The policy of the hand-written version, in backon's terms.
pub fn policy() -> ExponentialBuilder {
    ExponentialBuilder::new()
        .with_min_delay(Duration::from_millis(100)) // the first wait
        .with_factor(2.0)
        .with_max_delay(Duration::from_secs(2)) // the cap
        .with_max_times(4) // retries, not calls: 5 calls in all
}
// ANCHOR_END: policy

// ANCHOR: call
/// Calls the service with retries, all of it within `budget`. Returns the
/// outcome (`None` if the budget ran out) and the waits backon chose.
pub async fn call_with_retries(
    service: &Flaky,
    policy: ExponentialBuilder,
    budget: Duration,
) -> (Option<Result<&'static str, CallError>>, Vec<Duration>) {
    let mut waits = Vec::new();
    let retrying = (|| service.call())
        .retry(policy)
        .when(CallError::is_retryable)
        .notify(|_error, wait| waits.push(wait));
    // backon's limits count retries and sleeps; only a `timeout` around
    // the whole future bounds the time the attempts themselves take.
    let outcome = timeout(budget, retrying).await.ok();
    (outcome, waits)
}
// ANCHOR_END: call

// ANCHOR: cancel
/// Starts a retrying call the caller gives up on after `patience`, and
/// counts the calls the service gets then and a minute later.
pub async fn abandoned(spawned: bool, patience: Duration) -> (usize, usize) {
    let service = Arc::new(Flaky::new(99, CallError::Unavailable));
    let in_task = service.clone();
    let caller = async move {
        // Each attempt gets its own handle on the service, so the retry
        // owns everything it uses and can be spawned.
        let attempt = move || {
            let service = in_task.clone();
            async move { service.call().await }
        };
        let retrying = attempt.retry(policy()).when(CallError::is_retryable);
        if spawned {
            // The retries now belong to a task of their own. Dropping the
            // `JoinHandle` below does not stop that task.
            let _ = tokio::spawn(retrying).await;
        } else {
            // The retries are part of the caller's own future.
            let _ = retrying.await;
        }
    };
    // The caller gives up: `timeout` drops its future, and with it
    // whatever that future owns.
    let _ = timeout(patience, caller).await;
    let when_abandoned = service.calls_ms().len();
    sleep(Duration::from_secs(60)).await;
    (when_abandoned, service.calls_ms().len())
}
// ANCHOR_END: cancel

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    let minute = Duration::from_secs(60);

    let service = Flaky::new(3, CallError::Unavailable);
    let (outcome, waits) = call_with_retries(&service, policy(), minute).await;
    println!("no jitter: waits {waits:?}");
    println!("  calls at {:?} ms -> {outcome:?}", service.calls_ms());

    // backon's jitter adds a random part of each wait to it; a seed makes
    // the draws repeatable.
    let jittered = policy().with_jitter().with_jitter_seed(7);
    let service = Flaky::new(3, CallError::Unavailable);
    let (outcome, waits) = call_with_retries(&service, jittered, minute).await;
    println!("jitter: waits {waits:?}");
    println!("  calls at {:?} ms -> {outcome:?}", service.calls_ms());

    let service = Flaky::new(9, CallError::Rejected("no such account".into()));
    let (outcome, _) = call_with_retries(&service, policy(), minute).await;
    println!(
        "rejected: calls at {:?} ms -> {outcome:?}",
        service.calls_ms()
    );

    let service = Flaky::new(99, CallError::Unavailable);
    let budget = Duration::from_millis(500);
    let (outcome, _) = call_with_retries(&service, policy(), budget).await;
    println!(
        "budget 500 ms: calls at {:?} ms -> {outcome:?}",
        service.calls_ms()
    );

    let patience = Duration::from_millis(500);
    let (then, later) = abandoned(false, patience).await;
    println!("caller gone, retries inline: {then} calls, a minute later {later}");
    let (then, later) = abandoned(true, patience).await;
    println!("caller gone, retries spawned: {then} calls, a minute later {later}");
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use backon::BackoffBuilder;

    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    fn ms(values: &[u64]) -> Vec<Duration> {
        values.iter().map(|&v| Duration::from_millis(v)).collect()
    }

    /// The waits backon computes without jitter: the policy's iterator.
    fn unjittered(count: usize) -> Vec<Duration> {
        policy().build().take(count).collect()
    }

    #[test]
    fn backon_computes_waits_in_f32_seconds() {
        // 0.1 s * 2.0 in f32 is not exactly 0.2 s.
        let waits = unjittered(4);
        assert_eq!(waits[0], Duration::from_millis(100));
        assert_eq!(waits[1], Duration::from_nanos(200_000_003));
        for (wait, ideal) in waits.iter().zip(ms(&[100, 200, 400, 800])) {
            assert!(wait.abs_diff(ideal) < Duration::from_micros(1));
        }
    }

    #[tokio::test(start_paused = true)]
    async fn backon_sleeps_on_tokio_s_paused_clock() {
        let service = Flaky::new(3, CallError::Unavailable);
        let start = Instant::now();
        let (outcome, waits) = call_with_retries(&service, policy(), MINUTE).await;
        assert_eq!(outcome, Some(Ok("done")));
        assert_eq!(waits, unjittered(3));
        // Virtual time moved by the waits, each rounded up to the next
        // millisecond by tokio's timer: the sleeps were tokio's.
        assert_eq!(service.calls_ms(), [0, 100, 301, 702]);
        assert_eq!(start.elapsed(), Duration::from_millis(702));
    }

    #[tokio::test(start_paused = true)]
    async fn max_times_counts_retries() {
        let service = Flaky::new(99, CallError::Unavailable);
        let (outcome, waits) = call_with_retries(&service, policy(), MINUTE).await;
        assert_eq!(outcome, Some(Err(CallError::Unavailable)));
        assert_eq!(waits.len(), 4);
        assert_eq!(service.calls_ms(), [0, 100, 301, 702, 1503]);
    }

    #[tokio::test(start_paused = true)]
    async fn seeded_jitter_adds_between_zero_and_one_wait() {
        let service = Flaky::new(3, CallError::Unavailable);
        let jittered = policy().with_jitter().with_jitter_seed(7);
        let (_, waits) = call_with_retries(&service, jittered, MINUTE).await;
        // The same seed draws the same fractions: each wait is the
        // unjittered one plus that fraction of it.
        let mut rng = fastrand::Rng::with_seed(7);
        let expected: Vec<Duration> = unjittered(3)
            .into_iter()
            .map(|base| base + base.mul_f32(rng.f32()))
            .collect();
        assert_eq!(waits, expected);
        for (wait, base) in waits.iter().zip(unjittered(3)) {
            assert!(*wait >= base && *wait < base * 2);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_rejected_request_is_called_once() {
        let service = Flaky::new(9, CallError::Rejected("bad".into()));
        let (outcome, waits) = call_with_retries(&service, policy(), MINUTE).await;
        assert_eq!(outcome, Some(Err(CallError::Rejected("bad".into()))));
        assert!(waits.is_empty());
        assert_eq!(service.calls_ms(), [0]);
    }

    #[tokio::test(start_paused = true)]
    async fn the_budget_bounds_the_whole_call() {
        let service = Flaky::new(99, CallError::Unavailable);
        let start = Instant::now();
        let budget = Duration::from_millis(500);
        let (outcome, _) = call_with_retries(&service, policy(), budget).await;
        assert_eq!(outcome, None);
        assert_eq!(start.elapsed(), budget);
        assert_eq!(service.calls_ms(), [0, 100, 301]);
    }

    #[test]
    fn the_waits_stay_at_the_cap_after_many_retries() {
        let mut waits = policy().without_max_times().build();
        let far_out = waits.nth(10_000).unwrap();
        assert_eq!(far_out, Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn inline_retries_stop_with_their_caller() {
        let (then, later) = abandoned(false, Duration::from_millis(500)).await;
        assert_eq!((then, later), (3, 3));
    }

    #[tokio::test(start_paused = true)]
    async fn spawned_retries_outlive_their_caller() {
        let (then, later) = abandoned(true, Duration::from_millis(500)).await;
        assert_eq!((then, later), (3, 5));
    }
}
