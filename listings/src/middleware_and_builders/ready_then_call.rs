// The right way to call a service: wait until it is ready, then call it once.
// `ServiceExt::ready` and `ServiceExt::oneshot` do the waiting.

use std::time::Duration;

use tower::{ServiceBuilder, ServiceExt, service_fn};

/// A backend that takes 100 ms per request.
async fn slow(request: u32) -> Result<u32, std::convert::Infallible> {
    tokio::time::sleep(Duration::from_millis(100)).await;
    Ok(request)
}

// ANCHOR: in_turn
/// Sends `requests` at once through a limit of one, each through `oneshot`,
/// and returns the answers and how long they took in all.
pub async fn in_turn(requests: u32) -> (Vec<u32>, Duration) {
    let start = tokio::time::Instant::now();
    let service = ServiceBuilder::new()
        .concurrency_limit(1)
        .service(service_fn(slow));
    let calls = (0..requests).map(|request| {
        // `oneshot` waits for `poll_ready` and then calls: a request that
        // finds the permit taken waits here, before it is sent.
        service.clone().oneshot(request)
    });
    let answers = futures::future::join_all(calls).await;
    let answers = answers.into_iter().map(Result::unwrap).collect();
    (answers, start.elapsed())
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    let (answers, took) = in_turn(3).await;
    println!("answers {answers:?} after {} ms", took.as_millis());
}
// ANCHOR_END: in_turn

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn requests_that_wait_for_ready_take_turns() {
        let (answers, took) = in_turn(3).await;
        assert_eq!(answers, [0, 1, 2]);
        assert_eq!(took, Duration::from_millis(300));
    }
}
