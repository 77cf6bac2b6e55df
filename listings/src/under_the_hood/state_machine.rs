// What an `async fn` with two `.await`s becomes: the same logic written by
// hand as an enum state machine, and a measurement of what the compiler
// stores in such a future.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

// ANCHOR: leaf
/// A leaf future: returns `Pending` once, then `Ready(value)`.
///
/// Before returning `Pending` it wakes its own task straight away, as if the
/// awaited I/O were already there. The point is to make the caller stop at
/// the `.await` once, which is what real I/O does.
pub struct YieldThen<T> {
    value: Option<T>,
    yielded: bool,
}

impl<T> YieldThen<T> {
    pub fn new(value: T) -> YieldThen<T> {
        YieldThen {
            value: Some(value),
            yielded: false,
        }
    }
}

// No field is self-referential, so moving a `YieldThen` is always fine.
impl<T> Unpin for YieldThen<T> {}

impl<T> Future for YieldThen<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        if self.yielded {
            Poll::Ready(self.value.take().expect("polled after completion"))
        } else {
            self.yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}
// ANCHOR_END: leaf

// ANCHOR: async_fn
pub async fn add_in_two_steps(a: u32, b: u32) -> u32 {
    let x = YieldThen::new(a).await;
    let y = YieldThen::new(b).await;
    x + y
}
// ANCHOR_END: async_fn

// ANCHOR: state_machine
/// `add_in_two_steps` written by hand. Each variant is one place where the
/// function can be: before the start, stopped at one of the two `.await`s,
/// or finished. Each variant holds exactly the values still needed later.
pub enum AddInTwoSteps {
    Start { a: u32, b: u32 },
    AwaitingX { x_future: YieldThen<u32>, b: u32 },
    AwaitingY { x: u32, y_future: YieldThen<u32> },
    Done,
}

pub fn add_in_two_steps_by_hand(a: u32, b: u32) -> AddInTwoSteps {
    // Calling the function only builds the state: no code of the body runs
    // until the first poll. That is why futures are lazy.
    AddInTwoSteps::Start { a, b }
}

impl Future for AddInTwoSteps {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        // Every field is `Unpin`, so the enum is `Unpin` and we may use it
        // as a plain `&mut AddInTwoSteps`.
        let this = &mut *self;
        loop {
            match this {
                AddInTwoSteps::Start { a, b } => {
                    // Run the body up to the first `.await`.
                    *this = AddInTwoSteps::AwaitingX {
                        x_future: YieldThen::new(*a),
                        b: *b,
                    };
                }
                AddInTwoSteps::AwaitingX { x_future, b } => {
                    // `.await` is "poll; if pending, return pending".
                    let x = match Pin::new(x_future).poll(cx) {
                        Poll::Ready(x) => x,
                        Poll::Pending => return Poll::Pending,
                    };
                    *this = AddInTwoSteps::AwaitingY {
                        x,
                        y_future: YieldThen::new(*b),
                    };
                }
                AddInTwoSteps::AwaitingY { x, y_future } => {
                    let y = match Pin::new(y_future).poll(cx) {
                        Poll::Ready(y) => y,
                        Poll::Pending => return Poll::Pending,
                    };
                    let sum = *x + y;
                    *this = AddInTwoSteps::Done;
                    return Poll::Ready(sum);
                }
                AddInTwoSteps::Done => {
                    panic!("`AddInTwoSteps` polled after completion")
                }
            }
        }
    }
}
// ANCHOR_END: state_machine

// ANCHOR: sizes
use std::hint::black_box;

/// No locals at all: the future stores its state and the awaited future.
pub async fn no_buffer() {
    YieldThen::new(()).await;
}

/// The buffer is used after the `.await`, so it must survive the pause:
/// the compiler stores it inside the future.
pub async fn buffer_held_across_await() {
    let buffer = [7u8; 4096];
    YieldThen::new(()).await;
    black_box(&buffer);
}

/// The buffer's scope ends before the `.await`. It lives on the stack of
/// `poll` only, and the future does not grow. Note the block: the compiler
/// goes by scopes, not by last use. Without the braces the buffer would
/// still be in scope at the `.await`, and stored.
pub async fn buffer_dropped_before_await() {
    {
        let buffer = [7u8; 4096];
        black_box(&buffer);
    }
    YieldThen::new(()).await;
}
// ANCHOR_END: sizes

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Waker;

    /// Polls `future` with a waker that does nothing, recording every result
    /// until it is ready.
    fn poll_to_end<F: Future>(future: F) -> Vec<Poll<F::Output>> {
        let mut future = std::pin::pin!(future);
        let mut cx = Context::from_waker(Waker::noop());
        let mut results = Vec::new();
        loop {
            let result = future.as_mut().poll(&mut cx);
            let ready = result.is_ready();
            results.push(result);
            if ready {
                return results;
            }
        }
    }

    #[test]
    fn async_fn_and_hand_written_state_machine_agree() {
        let expected = vec![Poll::Pending, Poll::Pending, Poll::Ready(5)];
        assert_eq!(poll_to_end(add_in_two_steps(2, 3)), expected);
        assert_eq!(poll_to_end(add_in_two_steps_by_hand(2, 3)), expected);
    }

    #[tokio::test]
    async fn both_run_on_tokio_too() {
        assert_eq!(add_in_two_steps(20, 22).await, 42);
        assert_eq!(add_in_two_steps_by_hand(20, 22).await, 42);
    }

    #[test]
    fn calling_does_not_run_the_body() {
        // Building the future does no work: it sits in its first state.
        let future = add_in_two_steps_by_hand(1, 2);
        assert!(matches!(future, AddInTwoSteps::Start { a: 1, b: 2 }));
    }

    #[test]
    fn locals_held_across_an_await_make_the_future_bigger() {
        let empty = std::mem::size_of_val(&no_buffer());
        let held = std::mem::size_of_val(&buffer_held_across_await());
        let dropped = std::mem::size_of_val(&buffer_dropped_before_await());
        // Exact sizes change between compiler versions; the 4 KiB do not.
        assert!(held >= empty + 4096, "held: {held}, empty: {empty}");
        assert!(dropped < empty + 4096, "dropped: {dropped}, empty: {empty}");
        // The futures still run to the end.
        assert_eq!(poll_to_end(buffer_held_across_await()).len(), 2);
        assert_eq!(poll_to_end(buffer_dropped_before_await()).len(), 2);
    }
}
