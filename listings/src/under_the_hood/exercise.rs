// Exercise: write `join` by hand. `Join` polls two futures on the same task
// and finishes with both outputs once both are done.

// ANCHOR: attempt
#[allow(unused_variables)]
pub mod attempt {
    use pin_project_lite::pin_project;
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    pin_project! {
        pub struct Join<A: Future, B: Future> {
            #[pin]
            a: A,
            #[pin]
            b: B,
            // The output of each future, kept here once it is ready.
            a_output: Option<A::Output>,
            b_output: Option<B::Output>,
        }
    }

    /// Runs `a` and `b` concurrently and returns both outputs.
    pub fn join<A: Future, B: Future>(a: A, b: B) -> Join<A, B> {
        Join {
            a,
            b,
            a_output: None,
            b_output: None,
        }
    }

    impl<A: Future, B: Future> Future for Join<A, B> {
        type Output = (A::Output, B::Output);

        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
            // Poll each future that has not finished yet (never poll one that
            // has: many futures panic when polled after completion). Return
            // `Ready` with both outputs once both are done, else `Pending`.
            todo!()
        }
    }
}
// ANCHOR_END: attempt

// ANCHOR: solution
pub mod solution {
    use pin_project_lite::pin_project;
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    pin_project! {
        pub struct Join<A: Future, B: Future> {
            #[pin]
            a: A,
            #[pin]
            b: B,
            a_output: Option<A::Output>,
            b_output: Option<B::Output>,
        }
    }

    /// Runs `a` and `b` concurrently and returns both outputs.
    pub fn join<A: Future, B: Future>(a: A, b: B) -> Join<A, B> {
        Join {
            a,
            b,
            a_output: None,
            b_output: None,
        }
    }

    impl<A: Future, B: Future> Future for Join<A, B> {
        type Output = (A::Output, B::Output);

        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
            let this = self.project();

            // Both futures get the same `cx`: whichever of them becomes ready
            // wakes this one task, which then polls both again.
            if this.a_output.is_none()
                && let Poll::Ready(output) = this.a.poll(cx)
            {
                *this.a_output = Some(output);
            }
            if this.b_output.is_none()
                && let Poll::Ready(output) = this.b.poll(cx)
            {
                *this.b_output = Some(output);
            }

            if this.a_output.is_some() && this.b_output.is_some() {
                // Both are done: move the outputs out.
                let a = this.a_output.take().unwrap();
                let b = this.b_output.take().unwrap();
                Poll::Ready((a, b))
            } else {
                // At least one returned `Pending`, and has registered the waker.
                Poll::Pending
            }
        }
    }
}
// ANCHOR_END: solution

#[cfg(test)]
mod tests {
    #[cfg(feature = "attempt")]
    use super::attempt::*;
    #[cfg(not(feature = "attempt"))]
    use super::solution::*;

    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};
    use std::time::Duration;
    use tokio::time::{Instant, sleep};

    #[tokio::test]
    async fn returns_both_outputs_in_order() {
        let (number, text) = join(async { 1 }, async { "two" }).await;
        assert_eq!((number, text), (1, "two"));
    }

    #[tokio::test(start_paused = true)]
    async fn runs_both_at_once() {
        let start = Instant::now();
        let slow = async {
            sleep(Duration::from_secs(2)).await;
            "slow"
        };
        let fast = async {
            sleep(Duration::from_secs(1)).await;
            "fast"
        };
        assert_eq!(join(slow, fast).await, ("slow", "fast"));
        // Concurrent: 2 s in all, not 1 s + 2 s.
        assert_eq!(start.elapsed(), Duration::from_secs(2));
    }

    #[tokio::test]
    async fn never_polls_a_finished_future_again() {
        // `std::future::Ready` panics when polled after it returned `Ready`.
        let a = std::future::ready('a');
        let b = async {
            tokio::task::yield_now().await;
            tokio::task::yield_now().await;
            'b'
        };
        assert_eq!(join(a, b).await, ('a', 'b'));
    }

    #[test]
    fn pending_until_both_are_ready() {
        let mut cx = Context::from_waker(Waker::noop());
        let mut joined =
            pin!(join(std::future::ready(1), std::future::pending::<u8>()));
        // `pending()` never finishes, so neither does the join.
        for _ in 0..3 {
            assert_eq!(joined.as_mut().poll(&mut cx), Poll::Pending);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn nests() {
        let start = Instant::now();
        let one_second = |value| async move {
            sleep(Duration::from_secs(1)).await;
            value
        };
        let joined = join(join(one_second(1), one_second(2)), one_second(3)).await;
        assert_eq!(joined, ((1, 2), 3));
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }
}
