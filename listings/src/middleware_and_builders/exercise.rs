// Exercise: a deadline layer by hand.
//
// `DeadlineLayer::new(limit)` wraps a service in `Deadline`, whose requests
// fail with `DeadlineError::Elapsed(limit)` when the inner service has not
// answered within `limit` of the call. The inner service's own errors come
// through as `DeadlineError::Inner`, and `Deadline` is ready exactly when the
// inner service is.

use std::time::Duration;

/// Why a request through `Deadline` failed.
#[derive(Debug, PartialEq)]
pub enum DeadlineError<E> {
    /// No answer within the limit, which this holds.
    Elapsed(Duration),
    /// The inner service answered with this error.
    Inner(E),
}

// ANCHOR: attempt
// The starter's parameters and imports are unused until you write the code.
#[allow(unused_variables, unused_imports, dead_code)]
pub mod attempt {
    use super::DeadlineError;
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll};
    use std::time::Duration;
    use tower::{Layer, Service};

    #[derive(Clone, Debug)]
    pub struct DeadlineLayer {
        limit: Duration,
    }

    impl DeadlineLayer {
        pub fn new(limit: Duration) -> Self {
            todo!()
        }
    }

    impl<S> Layer<S> for DeadlineLayer {
        type Service = Deadline<S>;

        fn layer(&self, inner: S) -> Deadline<S> {
            todo!()
        }
    }

    #[derive(Clone, Debug)]
    pub struct Deadline<S> {
        inner: S,
        limit: Duration,
    }

    /// The future of one request through `Deadline`, boxed to be nameable.
    pub type DeadlineFuture<T, E> =
        Pin<Box<dyn Future<Output = Result<T, DeadlineError<E>>> + Send>>;

    impl<S, Request> Service<Request> for Deadline<S>
    where
        S: Service<Request>,
        S::Future: Send + 'static,
    {
        type Response = S::Response;
        type Error = DeadlineError<S::Error>;
        type Future = DeadlineFuture<S::Response, S::Error>;

        fn poll_ready(
            &mut self,
            cx: &mut Context<'_>,
        ) -> Poll<Result<(), Self::Error>> {
            todo!()
        }

        fn call(&mut self, request: Request) -> Self::Future {
            todo!()
        }
    }
}
// ANCHOR_END: attempt

// ANCHOR: solution
pub mod solution {
    use super::DeadlineError;
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll};
    use std::time::Duration;
    use tower::{Layer, Service};

    #[derive(Clone, Debug)]
    pub struct DeadlineLayer {
        limit: Duration,
    }

    impl DeadlineLayer {
        pub fn new(limit: Duration) -> Self {
            DeadlineLayer { limit }
        }
    }

    impl<S> Layer<S> for DeadlineLayer {
        type Service = Deadline<S>;

        fn layer(&self, inner: S) -> Deadline<S> {
            Deadline {
                inner,
                limit: self.limit,
            }
        }
    }

    #[derive(Clone, Debug)]
    pub struct Deadline<S> {
        inner: S,
        limit: Duration,
    }

    /// The future of one request through `Deadline`, boxed to be nameable.
    pub type DeadlineFuture<T, E> =
        Pin<Box<dyn Future<Output = Result<T, DeadlineError<E>>> + Send>>;

    impl<S, Request> Service<Request> for Deadline<S>
    where
        S: Service<Request>,
        S::Future: Send + 'static,
    {
        type Response = S::Response;
        type Error = DeadlineError<S::Error>;
        type Future = DeadlineFuture<S::Response, S::Error>;

        fn poll_ready(
            &mut self,
            cx: &mut Context<'_>,
        ) -> Poll<Result<(), Self::Error>> {
            // The inner service's readiness is ours, and so are its errors.
            self.inner.poll_ready(cx).map_err(DeadlineError::Inner)
        }

        fn call(&mut self, request: Request) -> Self::Future {
            // The deadline counts from now, the call, not from the first
            // poll of the future, which may come later.
            let deadline = tokio::time::Instant::now() + self.limit;
            let answer = self.inner.call(request);
            let limit = self.limit;
            Box::pin(async move {
                match tokio::time::timeout_at(deadline, answer).await {
                    Ok(result) => result.map_err(DeadlineError::Inner),
                    // `timeout` dropped `answer`, cancelling the request.
                    Err(_) => Err(DeadlineError::Elapsed(limit)),
                }
            })
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
    use super::*;
    use futures::FutureExt;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use tokio::time::{Instant, sleep};
    use tower::{Layer, Service, ServiceBuilder, ServiceExt, service_fn};

    /// Sets its flag when dropped: tells whether a request was cancelled.
    struct SetOnDrop(Arc<AtomicBool>);

    impl Drop for SetOnDrop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    /// Answers a request of `ms` after `ms` milliseconds; 13 is an error.
    /// The flag is set when a request's future is dropped, finished or not.
    fn sleeper(
        dropped: Arc<AtomicBool>,
    ) -> impl Service<u64, Response = u64, Error = &'static str, Future: Send> + Clone
    {
        service_fn(move |ms: u64| {
            let guard = SetOnDrop(dropped.clone());
            async move {
                let _guard = guard;
                sleep(Duration::from_millis(ms)).await;
                if ms == 13 { Err("unlucky") } else { Ok(ms) }
            }
        })
    }

    fn deadline_of(ms: u64) -> DeadlineLayer {
        DeadlineLayer::new(Duration::from_millis(ms))
    }

    #[tokio::test(start_paused = true)]
    async fn an_answer_in_time_comes_through() {
        let service = deadline_of(100).layer(sleeper(Default::default()));
        let start = Instant::now();
        assert_eq!(service.oneshot(99).await, Ok(99));
        assert_eq!(start.elapsed(), Duration::from_millis(99));
    }

    #[tokio::test(start_paused = true)]
    async fn a_late_answer_fails_at_the_deadline_and_is_cancelled() {
        let dropped = Arc::new(AtomicBool::new(false));
        let service = deadline_of(100).layer(sleeper(dropped.clone()));
        let start = Instant::now();
        let result = service.oneshot(5_000).await;
        assert_eq!(
            result,
            Err(DeadlineError::Elapsed(Duration::from_millis(100)))
        );
        assert_eq!(start.elapsed(), Duration::from_millis(100));
        assert!(
            dropped.load(Ordering::SeqCst),
            "the late request was not dropped"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_deadline_counts_from_the_call() {
        let mut service = deadline_of(100).layer(sleeper(Default::default()));
        let start = Instant::now();
        let answer = service.ready().await.unwrap().call(80);
        // The answer is awaited 60 ms after the call: 40 ms are left.
        sleep(Duration::from_millis(60)).await;
        let result = answer.await;
        assert_eq!(
            result,
            Err(DeadlineError::Elapsed(Duration::from_millis(100)))
        );
        assert_eq!(start.elapsed(), Duration::from_millis(100));
    }

    #[tokio::test(start_paused = true)]
    async fn the_inner_error_comes_through_as_inner() {
        let service = deadline_of(100).layer(sleeper(Default::default()));
        assert_eq!(
            service.oneshot(13).await,
            Err(DeadlineError::Inner("unlucky"))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn each_request_gets_the_whole_limit() {
        let mut service = deadline_of(100).layer(sleeper(Default::default()));
        for _ in 0..3 {
            let answer = service.ready().await.unwrap().call(80).await;
            assert_eq!(answer, Ok(80));
        }
    }

    #[tokio::test(start_paused = true)]
    async fn it_is_ready_only_when_the_inner_service_is() {
        let service = ServiceBuilder::new()
            .layer(deadline_of(1_000))
            .concurrency_limit(1)
            .service(sleeper(Default::default()));
        let (mut first, mut second) = (service.clone(), service);
        let in_flight = first.ready().await.unwrap().call(50);
        assert!(
            second.ready().now_or_never().is_none(),
            "ready while the limit is full"
        );
        assert_eq!(in_flight.await, Ok(50));
        assert!(second.ready().now_or_never().is_some());
    }
}
