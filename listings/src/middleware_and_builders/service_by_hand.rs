// A tower `Service` is an async function with a front door: `poll_ready` asks
// "may I send you a request now?", `call` sends it and returns the future of
// the answer. A `Layer` wraps one service in another, which is all a piece of
// middleware is.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;
use tokio::time::Instant;
use tower::{Layer, Service, ServiceBuilder, ServiceExt};

// ANCHOR: service
/// A price list behind a slow network: the service the chapter wraps.
#[derive(Clone, Debug)]
pub struct PriceList;

/// Why the price list had no answer.
#[derive(Debug, PartialEq)]
pub struct UnknownItem(pub String);

impl Service<String> for PriceList {
    /// A price in cents.
    type Response = u32;
    type Error = UnknownItem;
    // The future must be a type we can name. A leaf service that does real
    // work usually boxes its `async` block, whose own type has no name.
    type Future = Pin<Box<dyn Future<Output = Result<u32, UnknownItem>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), UnknownItem>> {
        // Nothing here is in short supply, so the price list is always ready.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, item: String) -> Self::Future {
        Box::pin(async move {
            let (latency_ms, price) = match item.as_str() {
                "apple" => (50, Some(30)),
                "bread" => (120, Some(250)),
                "cheese" => (300, Some(600)),
                _ => (80, None),
            };
            tokio::time::sleep(Duration::from_millis(latency_ms)).await;
            price.ok_or(UnknownItem(item))
        })
    }
}
// ANCHOR_END: service

// ANCHOR: layer
/// Middleware that measures how long each request takes and hands the time,
/// and whether the request succeeded, to `report`.
#[derive(Clone, Debug)]
pub struct Timed<S, F> {
    inner: S,
    report: F,
}

/// The layer that wraps any service in `Timed`. `ServiceBuilder` takes layers,
/// so this is what makes `Timed` composable with tower's own middleware.
#[derive(Clone, Debug)]
pub struct TimingLayer<F> {
    report: F,
}

impl<F> TimingLayer<F> {
    pub fn new(report: F) -> Self {
        TimingLayer { report }
    }
}

impl<S, F: Clone> Layer<S> for TimingLayer<F> {
    type Service = Timed<S, F>;

    fn layer(&self, inner: S) -> Timed<S, F> {
        Timed {
            inner,
            report: self.report.clone(),
        }
    }
}

impl<S, F, Request> Service<Request> for Timed<S, F>
where
    S: Service<Request>,
    F: Fn(Duration, bool) + Clone,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = TimedFuture<S::Future, F>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        // Ready exactly when the inner service is. A middleware that answered
        // `Ready` on its own would hide the inner service's backpressure.
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        TimedFuture {
            inner: self.inner.call(request),
            started: Instant::now(),
            report: self.report.clone(),
        }
    }
}

pin_project! {
    /// The inner service's future, with the instant its request was sent.
    /// A named future instead of a boxed one: no allocation per request.
    pub struct TimedFuture<Fut, F> {
        #[pin]
        inner: Fut,
        started: Instant,
        report: F,
    }
}

impl<Fut, F, T, E> Future for TimedFuture<Fut, F>
where
    Fut: Future<Output = Result<T, E>>,
    F: Fn(Duration, bool),
{
    type Output = Result<T, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = std::task::ready!(this.inner.poll(cx));
        (this.report)(this.started.elapsed(), result.is_ok());
        Poll::Ready(result)
    }
}
// ANCHOR_END: layer

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    let report = |took: Duration, ok: bool| {
        let outcome = if ok { "ok" } else { "error" };
        println!("  timed: {outcome} after {} ms", took.as_millis());
    };
    let mut prices = ServiceBuilder::new()
        .layer(TimingLayer::new(report))
        .service(PriceList);

    for item in ["apple", "cheese", "pear"] {
        // `ready` waits until `poll_ready` says yes; only then may we `call`.
        let price = prices.ready().await.unwrap().call(item.to_string()).await;
        println!("{item}: {price:?}");
    }
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;
    use futures::FutureExt;
    use std::sync::{Arc, Mutex};

    /// What a report function was told: milliseconds and success, in order.
    type Seen = Arc<Mutex<Vec<(u128, bool)>>>;

    /// A report function that keeps what it was told.
    fn recorder() -> (Seen, impl Fn(Duration, bool) + Clone) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let keep = seen.clone();
        let report = move |took: Duration, ok| {
            keep.lock().unwrap().push((took.as_millis(), ok))
        };
        (seen, report)
    }

    #[tokio::test(start_paused = true)]
    async fn the_price_list_answers_after_its_latency() {
        let start = Instant::now();
        let price = PriceList.oneshot("bread".to_string()).await;
        assert_eq!(price, Ok(250));
        assert_eq!(start.elapsed(), Duration::from_millis(120));
        let missing = PriceList.oneshot("pear".to_string()).await;
        assert_eq!(missing, Err(UnknownItem("pear".to_string())));
    }

    #[tokio::test(start_paused = true)]
    async fn the_timing_layer_reports_each_request_and_its_outcome() {
        let (seen, report) = recorder();
        let mut prices = TimingLayer::new(report).layer(PriceList);
        for item in ["apple", "cheese", "pear"] {
            let _ = prices.ready().await.unwrap().call(item.to_string()).await;
        }
        assert_eq!(
            *seen.lock().unwrap(),
            [(50, true), (300, true), (80, false)]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_timing_layer_passes_the_answer_through() {
        let (_, report) = recorder();
        let prices = TimingLayer::new(report).layer(PriceList);
        assert_eq!(prices.oneshot("cheese".to_string()).await, Ok(600));
    }

    #[tokio::test(start_paused = true)]
    async fn the_timing_layer_is_ready_only_when_the_inner_service_is() {
        // Below the timing layer, a limit of one request at a time.
        let (_, report) = recorder();
        let prices = ServiceBuilder::new()
            .layer(TimingLayer::new(report))
            .concurrency_limit(1)
            .service(PriceList);
        let mut first = prices.clone();
        let mut second = prices.clone();

        let in_flight = first.ready().await.unwrap().call("apple".to_string());
        assert!(
            second.ready().now_or_never().is_none(),
            "must wait for the limit"
        );
        assert_eq!(in_flight.await, Ok(30));
        assert!(
            second.ready().now_or_never().is_some(),
            "ready once it finished"
        );
    }
}
