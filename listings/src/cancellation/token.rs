// `CancellationToken` from tokio-util: a cheap, clonable "please stop" signal
// that a task checks at the points where stopping is safe.

use std::time::Duration;
use tokio::time::sleep;
use tokio_util::sync::CancellationToken;

// ANCHOR: worker
/// Does one unit of work per second until told to stop, and returns how many
/// units it finished. `select!` waits for whichever comes first, the next unit
/// or the cancellation, so the worker stops promptly even mid-unit.
pub async fn worker(token: CancellationToken) -> u32 {
    let mut units_done = 0;
    loop {
        tokio::select! {
            _ = token.cancelled() => break,
            _ = sleep(Duration::from_secs(1)) => units_done += 1,
        }
    }
    // Anything here runs on the way out: flush, say goodbye, and so on.
    units_done
}
// ANCHOR_END: worker

// ANCHOR: polling_worker
/// Checks the token only between jobs, and each job takes 10 seconds.
pub async fn polling_worker(token: CancellationToken) -> u32 {
    let mut jobs_done = 0;
    while !token.is_cancelled() {
        sleep(Duration::from_secs(10)).await;
        jobs_done += 1;
    }
    jobs_done
}
// ANCHOR_END: polling_worker

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::{Instant, timeout};
    use tokio_util::future::FutureExt;

    // ANCHOR: worker_test
    #[tokio::test(start_paused = true)]
    async fn the_worker_stops_as_soon_as_it_is_cancelled() {
        let token = CancellationToken::new();
        let running = tokio::spawn(worker(token.clone()));

        sleep(Duration::from_millis(3500)).await;
        let cancelled_at = Instant::now();
        token.cancel();

        // It must stop within 1 ms of virtual time, not at the end of its unit.
        let units_done = timeout(Duration::from_millis(1), running)
            .await
            .expect("the worker did not stop promptly")
            .unwrap();
        assert_eq!(units_done, 3);
        assert_eq!(cancelled_at.elapsed(), Duration::ZERO);
    }
    // ANCHOR_END: worker_test

    // ANCHOR: polling_test
    #[tokio::test(start_paused = true)]
    async fn a_worker_that_only_polls_the_flag_stops_late() {
        let token = CancellationToken::new();
        let running = tokio::spawn(polling_worker(token.clone()));

        sleep(Duration::from_secs(12)).await;
        let cancelled_at = Instant::now();
        token.cancel();

        let jobs_done = running.await.unwrap();
        // It finished the job it was in: 8 more seconds after the request.
        assert_eq!(jobs_done, 2);
        assert_eq!(cancelled_at.elapsed(), Duration::from_secs(8));
    }
    // ANCHOR_END: polling_test

    // ANCHOR: tree
    #[tokio::test]
    async fn cancelling_a_parent_cancels_its_children_not_the_reverse() {
        let server = CancellationToken::new();
        let connection = server.child_token();
        let request = connection.child_token();
        let other_connection = server.child_token();

        // A child can be cancelled on its own: one connection closes.
        connection.cancel();
        assert!(connection.is_cancelled());
        assert!(request.is_cancelled(), "children follow their parent");
        assert!(!server.is_cancelled(), "parents do not follow children");
        assert!(!other_connection.is_cancelled(), "nor do siblings");

        // Cancelling the root reaches everything below it.
        server.cancel();
        assert!(other_connection.is_cancelled());
    }

    #[tokio::test]
    async fn a_clone_is_the_same_token() {
        let token = CancellationToken::new();
        let clone = token.clone();
        let child = token.child_token();

        clone.cancel();
        assert!(token.is_cancelled(), "a clone is the same token");
        assert!(child.is_cancelled(), "a child follows its parent");
    }
    // ANCHOR_END: tree

    // ANCHOR: drop_guard
    #[tokio::test]
    async fn a_drop_guard_cancels_when_dropped() {
        let token = CancellationToken::new();
        {
            let _guard = token.clone().drop_guard();
            // If this block returns early, panics, or its future is dropped,
            // the guard still cancels the token on the way out.
        }
        assert!(token.is_cancelled());
    }

    #[tokio::test]
    async fn a_disarmed_drop_guard_does_not_cancel() {
        let token = CancellationToken::new();
        let guard = token.clone().drop_guard();
        // The happy path: take the token back without cancelling it.
        let _token_back = guard.disarm();
        assert!(!token.is_cancelled());
    }
    // ANCHOR_END: drop_guard

    // ANCHOR: run_until_cancelled
    #[tokio::test(start_paused = true)]
    async fn run_until_cancelled_returns_none_when_cancelled_first() {
        let token = CancellationToken::new();
        let canceller = token.clone();
        tokio::spawn(async move {
            sleep(Duration::from_secs(2)).await;
            canceller.cancel();
        });

        let start = Instant::now();
        let slow = async {
            sleep(Duration::from_secs(10)).await;
            "done"
        };
        assert_eq!(token.run_until_cancelled(slow).await, None);
        assert_eq!(start.elapsed(), Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn run_until_cancelled_returns_the_output_when_it_finishes_first() {
        let token = CancellationToken::new();
        let quick = async {
            sleep(Duration::from_secs(1)).await;
            "done"
        };
        assert_eq!(token.run_until_cancelled(quick).await, Some("done"));
    }

    #[tokio::test(start_paused = true)]
    async fn with_cancellation_token_is_the_same_as_a_method() {
        let token = CancellationToken::new();
        token.cancel();
        let never = std::future::pending::<()>();
        assert_eq!(never.with_cancellation_token(&token).await, None);
    }
    // ANCHOR_END: run_until_cancelled

    // ANCHOR: cancelled_owned
    #[tokio::test(start_paused = true)]
    async fn cancelled_owned_can_be_moved_into_a_task() {
        let token = CancellationToken::new();

        // `cancelled()` borrows the token, so its future cannot outlive it.
        // `cancelled_owned()` takes the token (here a clone) by value, which
        // gives a `'static` future that `spawn` accepts.
        let waiter = tokio::spawn(token.clone().cancelled_owned());

        sleep(Duration::from_secs(1)).await;
        assert!(!waiter.is_finished());
        token.cancel();
        timeout(Duration::from_millis(1), waiter)
            .await
            .expect("the waiter wakes up at once")
            .unwrap();
    }
    // ANCHOR_END: cancelled_owned
}
