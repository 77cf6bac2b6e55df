// `poll_ready` is not a formality. A service that limits something reserves
// its capacity in `poll_ready` (a permit, a slot in a queue) and spends it in
// `call`. Calling `call` without a successful `poll_ready` before it breaks
// that handshake.

use std::time::Duration;

use tower::{Service, ServiceBuilder, ServiceExt, service_fn};

/// A backend that takes 100 ms per request.
async fn slow(request: u32) -> Result<u32, std::convert::Infallible> {
    tokio::time::sleep(Duration::from_millis(100)).await;
    Ok(request)
}

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    let mut service = ServiceBuilder::new()
        .concurrency_limit(1)
        .service(service_fn(slow));

    // Done right: `ready` polls `poll_ready` until the layer holds a permit.
    let first = service.ready().await.unwrap().call(1);

    // The bug: a second `call` with no `poll_ready` in between. The permit
    // was spent on the first request, and there is none for this one.
    let second = service.call(2);

    let _ = futures::join!(first, second);
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(
        expected = "max requests in-flight; poll_ready must be called first"
    )]
    fn call_without_poll_ready_panics() {
        main();
    }

    #[tokio::test(start_paused = true)]
    #[should_panic(
        expected = "max requests in-flight; poll_ready must be called first"
    )]
    async fn a_clone_of_a_ready_service_is_not_ready() {
        let mut service = ServiceBuilder::new()
            .concurrency_limit(1)
            .service(service_fn(slow));
        service.ready().await.unwrap();
        // The clone does not share the permit the original just reserved.
        let _answer = service.clone().call(1);
    }

    #[tokio::test(start_paused = true)]
    #[should_panic(expected = "service not ready; poll_ready must be called first")]
    async fn the_rate_limit_panics_the_same_way() {
        let mut service = ServiceBuilder::new()
            .rate_limit(1, Duration::from_secs(1))
            .service(service_fn(slow));
        let _first = service.ready().await.unwrap().call(1);
        let _second = service.call(2);
    }
}
