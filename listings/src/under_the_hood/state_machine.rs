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

/// Used after the `.await`: the buffer must survive the pause, so the
/// compiler stores it inside the future.
pub async fn buffer_used_after_await() {
    let buffer = [7u8; 4096];
    YieldThen::new(()).await;
    black_box(&buffer);
}

/// Read by value before the `.await`, never again: the buffer is dead at
/// the `.await`, and the future does not store it.
pub async fn buffer_copied_before_await() {
    let buffer = [7u8; 4096];
    black_box(buffer);
    YieldThen::new(()).await;
}

/// Borrowed before the `.await`, never used again, and still stored: the
/// compiler does not track where a borrow ends, so a local that was ever
/// borrowed counts as live until the end of its scope.
pub async fn buffer_borrowed_before_await() {
    let buffer = [7u8; 4096];
    black_box(&buffer);
    YieldThen::new(()).await;
}

/// The same borrow inside a block: the buffer's scope ends before the
/// `.await`, and the future does not store it.
pub async fn buffer_borrowed_in_a_block() {
    {
        let buffer = [7u8; 4096];
        black_box(&buffer);
    }
    YieldThen::new(()).await;
}

/// A `Vec` never touched after its creation is still stored (its 24 bytes,
/// not the heap buffer they point to): it is dropped at the end of its
/// scope, after the `.await`, and that drop is a use.
pub async fn vec_in_scope() {
    let _buffer = vec![7u8; 4096];
    YieldThen::new(()).await;
}
// ANCHOR_END: sizes

/// Prints the size of each future above.
pub fn main() {
    macro_rules! print_size {
        ($($function:ident),*) => {$(
            let size = std::mem::size_of_val(&$function());
            println!("{:<28} {size:>4} bytes", stringify!($function));
        )*};
    }
    print_size!(
        no_buffer,
        buffer_used_after_await,
        buffer_copied_before_await,
        buffer_borrowed_before_await,
        buffer_borrowed_in_a_block,
        vec_in_scope
    );
}

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
    fn a_local_is_stored_if_used_after_the_await_or_ever_borrowed() {
        use std::mem::size_of_val;
        let empty = size_of_val(&no_buffer());
        let stored = |size: usize| size >= empty + 4096;
        // Exact sizes change between compiler versions; the 4 KiB do not.
        assert!(stored(size_of_val(&buffer_used_after_await())));
        assert!(stored(size_of_val(&buffer_borrowed_before_await())));
        assert!(!stored(size_of_val(&buffer_copied_before_await())));
        assert!(!stored(size_of_val(&buffer_borrowed_in_a_block())));
        // The `Vec` itself (pointer, capacity, length), not its 4 KiB.
        let vec = size_of_val(&vec_in_scope());
        assert!(vec >= empty + size_of::<Vec<u8>>() && !stored(vec), "{vec}");
        // The futures still run to the end.
        assert_eq!(poll_to_end(buffer_used_after_await()).len(), 2);
        assert_eq!(poll_to_end(buffer_borrowed_in_a_block()).len(), 2);
    }
}
