// A future that wraps another future, written with pin-project-lite and no
// `unsafe`: it measures how long the inner future takes from its first poll,
// and how many times it was polled.

// ANCHOR: timed
use pin_project_lite::pin_project;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;
use tokio::time::Instant;

pin_project! {
    /// Runs `inner` and reports how long it took and how often it was polled.
    pub struct Timed<F> {
        // `inner` may be `!Unpin` (any `async fn` future is), so it must stay
        // pinned: `#[pin]` makes the projection a `Pin<&mut F>`.
        #[pin]
        inner: F,
        // Plain data: the projection gives a normal `&mut`.
        started: Option<Instant>,
        polls: u32,
    }
}

/// What a `Timed` future returns next to the inner output.
#[derive(Debug, PartialEq, Eq)]
pub struct Timing {
    pub elapsed: Duration,
    pub polls: u32,
}

impl<F> Timed<F> {
    pub fn new(inner: F) -> Timed<F> {
        Timed {
            inner,
            started: None,
            polls: 0,
        }
    }
}

impl<F: Future> Future for Timed<F> {
    type Output = (F::Output, Timing);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // `project` splits the pinned struct into its fields: `this.inner`
        // is `Pin<&mut F>`, the others are `&mut`.
        let this = self.project();
        // A future does nothing until polled, so start the clock here, not
        // in `new`.
        let started = *this.started.get_or_insert_with(Instant::now);
        *this.polls += 1;

        // `ready!` returns `Pending` from this `poll` if the inner future is
        // pending (it has registered the waker), and gives its output if not.
        let output = ready!(this.inner.poll(cx));
        let timing = Timing {
            elapsed: started.elapsed(),
            polls: *this.polls,
        };
        Poll::Ready((output, timing))
    }
}
// ANCHOR_END: timed

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::sleep;

    #[tokio::test(start_paused = true)]
    async fn measures_a_sleep_in_virtual_time() {
        let ((), timing) = Timed::new(sleep(Duration::from_secs(2))).await;
        assert_eq!(timing.elapsed, Duration::from_secs(2));
        // Pending once (the timer is not due), then Ready after the wake.
        assert_eq!(timing.polls, 2);
    }

    #[tokio::test(start_paused = true)]
    async fn the_clock_starts_at_the_first_poll() {
        let timed = Timed::new(async {
            sleep(Duration::from_millis(300)).await;
            "done"
        });
        // Time passes before anybody polls the future: it does not count.
        tokio::time::advance(Duration::from_secs(10)).await;
        let (output, timing) = timed.await;
        assert_eq!(output, "done");
        assert_eq!(timing.elapsed, Duration::from_millis(300));
    }

    #[tokio::test(start_paused = true)]
    async fn a_ready_future_takes_no_time_and_one_poll() {
        let (value, timing) = Timed::new(async { 5 }).await;
        assert_eq!(value, 5);
        assert_eq!(
            timing,
            Timing {
                elapsed: Duration::ZERO,
                polls: 1
            }
        );
    }
}
