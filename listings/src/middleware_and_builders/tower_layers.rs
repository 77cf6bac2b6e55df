// tower's own middleware, one layer at a time, each in front of a backend
// whose requests take a known time. Every timing is virtual: the program and
// its tests run on a paused clock, which tower's timers (tokio's) follow.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::time::{Instant, sleep};
use tower::retry::Policy;
use tower::{BoxError, Service, ServiceBuilder, ServiceExt, service_fn};

/// A backend whose request is the number of milliseconds it takes to answer.
/// It counts the requests in flight and the most it ever saw at once.
#[derive(Clone, Debug, Default)]
pub struct Backend {
    in_flight: Arc<AtomicUsize>,
    most_in_flight: Arc<AtomicUsize>,
}

impl Backend {
    pub fn most_in_flight(&self) -> usize {
        self.most_in_flight.load(Ordering::SeqCst)
    }
}

impl Service<u64> for Backend {
    type Response = u64;
    type Error = Infallible;
    type Future =
        std::pin::Pin<Box<dyn Future<Output = Result<u64, Infallible>> + Send>>;

    fn poll_ready(
        &mut self,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Infallible>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, millis: u64) -> Self::Future {
        let in_flight = self.in_flight.clone();
        let most = self.most_in_flight.clone();
        Box::pin(async move {
            let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            sleep(Duration::from_millis(millis)).await;
            in_flight.fetch_sub(1, Ordering::SeqCst);
            Ok(millis)
        })
    }
}

/// Milliseconds since `start`, for printing.
fn ms(start: Instant) -> u128 {
    start.elapsed().as_millis()
}

// ANCHOR: timeout
/// A request that would take 5 s, behind a 1 s timeout.
pub async fn timeout() -> (Result<u64, BoxError>, u128) {
    let start = Instant::now();
    let mut service = ServiceBuilder::new()
        .timeout(Duration::from_secs(1))
        .service(Backend::default());
    let result = service.ready().await.unwrap().call(5_000).await;
    (result, ms(start))
}
// ANCHOR_END: timeout

// ANCHOR: concurrency_limit
/// Five 100 ms requests at once, at most two in flight. Returns when each
/// finished and the most the backend saw at once.
pub async fn concurrency_limit() -> (Vec<u128>, usize) {
    let start = Instant::now();
    let backend = Backend::default();
    let service = ServiceBuilder::new()
        .concurrency_limit(2)
        .service(backend.clone());
    // Each clone shares the limit's semaphore; `oneshot` is `ready` + `call`.
    let requests = (0..5).map(|_| {
        let service = service.clone();
        async move {
            service.oneshot(100).await.unwrap();
            ms(start)
        }
    });
    let finished = futures::future::join_all(requests).await;
    (finished, backend.most_in_flight())
}
// ANCHOR_END: concurrency_limit

// ANCHOR: rate_limit
/// Five instant requests, one after another, at most two per second. Returns
/// when each was sent.
pub async fn rate_limit() -> Vec<u128> {
    let start = Instant::now();
    let mut service = ServiceBuilder::new()
        .rate_limit(2, Duration::from_secs(1))
        .service(Backend::default());
    let mut sent = Vec::new();
    for _ in 0..5 {
        // The wait happens in `ready`: the layer is not ready until the
        // next second starts.
        let ready = service.ready().await.unwrap();
        sent.push(ms(start));
        ready.call(0).await.unwrap();
    }
    sent
}
// ANCHOR_END: rate_limit

// ANCHOR: policy
/// Retry a failed request up to `retries` times, waiting `delay` before the
/// first retry and twice as long before each next one.
#[derive(Clone, Debug)]
pub struct Backoff {
    pub retries: u32,
    pub delay: Duration,
}

impl<Req: Clone, Res, E> Policy<Req, Res, E> for Backoff {
    type Future = tokio::time::Sleep;

    fn retry(
        &mut self,
        _req: &mut Req,
        result: &mut Result<Res, E>,
    ) -> Option<Self::Future> {
        if result.is_ok() || self.retries == 0 {
            return None; // hand the result to the caller as it is
        }
        self.retries -= 1;
        let wait = self.delay;
        self.delay *= 2;
        Some(sleep(wait))
    }

    fn clone_request(&mut self, req: &Req) -> Option<Req> {
        // The request is sent again, so the layer must keep a copy.
        Some(req.clone())
    }
}
// ANCHOR_END: policy

/// A service that fails `failures` calls in a row, answers the next one, and
/// starts over. Each call takes 10 ms. Returns the service and its counter.
pub fn flaky(
    failures: u32,
) -> (
    impl Service<&'static str, Response = String, Error = String, Future: Send> + Clone,
    Arc<AtomicU32>,
) {
    let calls = Arc::new(AtomicU32::new(0));
    let counter = calls.clone();
    let service = service_fn(move |name: &'static str| {
        let call = counter.fetch_add(1, Ordering::SeqCst) + 1;
        async move {
            sleep(Duration::from_millis(10)).await;
            if !call.is_multiple_of(failures + 1) {
                Err(format!("attempt {call} failed"))
            } else {
                Ok(format!("{name} on attempt {call}"))
            }
        }
    });
    (service, calls)
}

// ANCHOR: retry
/// A request to a service that fails twice, with up to three retries.
pub async fn retry() -> (Result<String, String>, u128) {
    let start = Instant::now();
    let (backend, _calls) = flaky(2);
    let policy = Backoff {
        retries: 3,
        delay: Duration::from_millis(100),
    };
    let service = ServiceBuilder::new().retry(policy).service(backend);
    let result = service.oneshot("report").await;
    (result, ms(start))
}
// ANCHOR_END: retry

// ANCHOR: order
/// One backend that never answers in time, two ways to combine a 250 ms
/// timeout with retries. Returns when each way gave up.
pub async fn timeout_and_retry_order() -> (u128, u128) {
    let policy = Backoff {
        retries: 2,
        delay: Duration::from_millis(100),
    };

    // The timeout first, so outside: one deadline for all attempts together.
    let start = Instant::now();
    let whole = ServiceBuilder::new()
        .timeout(Duration::from_millis(250))
        .retry(policy.clone())
        .service(Backend::default());
    assert!(whole.oneshot(1_000).await.is_err());
    let whole_gave_up = ms(start);

    // The retry first: each attempt gets its own deadline, and a timed-out
    // attempt is an error the policy retries.
    let start = Instant::now();
    let each = ServiceBuilder::new()
        .retry(policy)
        .timeout(Duration::from_millis(250))
        .service(Backend::default());
    assert!(each.oneshot(1_000).await.is_err());
    (whole_gave_up, ms(start))
}
// ANCHOR_END: order

// ANCHOR: load_shed
/// Two requests at once to a service that takes one at a time. Returns what
/// each got and when.
pub async fn load_shed() -> Vec<String> {
    let start = Instant::now();
    let service = ServiceBuilder::new()
        .load_shed()
        .concurrency_limit(1)
        .service(Backend::default());
    let (mut first, mut second) = (service.clone(), service);

    let in_flight = first.ready().await.unwrap().call(200);
    // `load_shed` is always ready; when the service below is not, its `call`
    // fails at once instead of waiting in line.
    let refused = second.ready().await.unwrap().call(200).await;
    let refused = format!("second: {} at {} ms", refused.unwrap_err(), ms(start));
    let served =
        format!("first: {} ms at {} ms", in_flight.await.unwrap(), ms(start));
    vec![refused, served]
}
// ANCHOR_END: load_shed

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    let (result, at) = timeout().await;
    println!("timeout: {} at {at} ms", result.unwrap_err());

    let (finished, most) = concurrency_limit().await;
    println!(
        "concurrency_limit: finished at {finished:?} ms, {most} at most at once"
    );

    println!("rate_limit: sent at {:?} ms", rate_limit().await);

    let (result, at) = retry().await;
    println!("retry: {result:?} at {at} ms");

    let (whole, each) = timeout_and_retry_order().await;
    println!("timeout outside retry: gave up at {whole} ms");
    println!("timeout inside retry: gave up at {each} ms");

    for line in load_shed().await {
        println!("load_shed: {line}");
    }
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;
    use tower::load_shed::error::Overloaded;
    use tower::timeout::error::Elapsed;

    #[tokio::test(start_paused = true)]
    async fn the_timeout_gives_up_at_its_deadline() {
        let (result, at) = timeout().await;
        assert!(result.unwrap_err().is::<Elapsed>());
        assert_eq!(at, 1_000);
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_inside_the_deadline_is_answered() {
        let service = ServiceBuilder::new()
            .timeout(Duration::from_secs(1))
            .service(Backend::default());
        assert_eq!(service.oneshot(999).await.unwrap(), 999);
    }

    #[tokio::test(start_paused = true)]
    async fn the_concurrency_limit_lets_two_through_at_a_time() {
        let (finished, most) = concurrency_limit().await;
        assert_eq!(finished, [100, 100, 200, 200, 300]);
        assert_eq!(most, 2);
    }

    #[tokio::test(start_paused = true)]
    async fn the_rate_limit_sends_two_a_second() {
        assert_eq!(rate_limit().await, [0, 0, 1_000, 1_000, 2_000]);
    }

    #[tokio::test(start_paused = true)]
    async fn retry_backs_off_and_succeeds_on_the_third_attempt() {
        let (result, at) = retry().await;
        assert_eq!(result.unwrap(), "report on attempt 3");
        // Three 10 ms attempts, and waits of 100 ms and 200 ms between them.
        assert_eq!(at, 10 + 100 + 10 + 200 + 10);
    }

    #[tokio::test(start_paused = true)]
    async fn retry_gives_up_with_the_last_error() {
        let (backend, calls) = flaky(10);
        let policy = Backoff {
            retries: 3,
            delay: Duration::from_millis(100),
        };
        let start = Instant::now();
        let result = ServiceBuilder::new()
            .retry(policy)
            .service(backend)
            .oneshot("report")
            .await;
        assert_eq!(result.unwrap_err(), "attempt 4 failed");
        assert_eq!(calls.load(Ordering::SeqCst), 4);
        assert_eq!(
            ms(start),
            4 * 10 + 100 + 200 + 400,
            "no wait after the last"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn each_request_gets_its_own_retry_budget() {
        // The layer clones the policy for each request, so the first
        // request's retries do not use up the second's.
        let (backend, calls) = flaky(2);
        let policy = Backoff {
            retries: 2,
            delay: Duration::from_millis(100),
        };
        let service = ServiceBuilder::new().retry(policy).service(backend);
        assert_eq!(
            service.clone().oneshot("a").await.unwrap(),
            "a on attempt 3"
        );
        assert_eq!(service.oneshot("b").await.unwrap(), "b on attempt 6");
        assert_eq!(calls.load(Ordering::SeqCst), 6);
    }

    #[tokio::test(start_paused = true)]
    async fn the_order_decides_what_the_timeout_bounds() {
        // Inside: three attempts of 250 ms, with waits of 100 and 200 ms.
        assert_eq!(
            timeout_and_retry_order().await,
            (250, 250 + 100 + 250 + 200 + 250)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn load_shed_refuses_at_once_when_the_service_is_busy() {
        let lines = load_shed().await;
        assert_eq!(
            lines,
            [
                "second: service overloaded at 0 ms",
                "first: 200 ms at 200 ms"
            ]
        );
        let service = ServiceBuilder::new()
            .load_shed()
            .concurrency_limit(1)
            .service(Backend::default());
        let mut busy = service.clone();
        let _held = busy.ready().await.unwrap().call(200);
        let err = service.oneshot(1).await.unwrap_err();
        assert!(err.is::<Overloaded>());
    }
}
