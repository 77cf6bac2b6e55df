// A hand-written timer future and a minimal executor that runs it, without
// Tokio: everything here is from `std`.

// ANCHOR: timer
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::Duration;

/// A future that completes once `duration` has passed since its first poll.
///
/// The waiting happens on a helper thread, which stands in for the operating
/// system: when the time is up, it marks the timer as done and calls the
/// `Waker` that the last `poll` left behind.
pub struct TimerFuture {
    duration: Duration,
    /// Whether the first poll has started the helper thread.
    started: bool,
    shared: Arc<Mutex<TimerState>>,
}

struct TimerState {
    /// Set by the helper thread when the time is up.
    completed: bool,
    /// The waker of the task that polled us most recently. `None` until the
    /// first poll: nobody is waiting yet.
    waker: Option<Waker>,
}

impl TimerFuture {
    /// Only stores the duration. Like every future, the timer does nothing
    /// until it is polled.
    pub fn new(duration: Duration) -> TimerFuture {
        let shared = Arc::new(Mutex::new(TimerState {
            completed: false,
            waker: None,
        }));
        TimerFuture {
            duration,
            started: false,
            shared,
        }
    }
}

/// The helper thread: sleeps, then completes the timer and wakes its task.
fn start_timer_thread(duration: Duration, shared: Arc<Mutex<TimerState>>) {
    thread::spawn(move || {
        thread::sleep(duration);
        let mut state = shared.lock().unwrap();
        state.completed = true;
        // Wake whoever is waiting. Without this call the executor would
        // never poll us again, and the future would hang forever.
        if let Some(waker) = state.waker.take() {
            waker.wake();
        }
    });
}

impl Future for TimerFuture {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.shared.lock().unwrap();
        if state.completed {
            return Poll::Ready(());
        }
        // Not done: store the waker *before* returning `Pending`, so the
        // helper thread can reach it. If the stored one would wake the same
        // task, keep it; otherwise the future has moved to another task
        // since the last poll, and only the new waker reaches that task.
        match &state.waker {
            Some(stored) if stored.will_wake(cx.waker()) => {}
            _ => state.waker = Some(cx.waker().clone()),
        }
        drop(state);
        // The first poll starts the clock. The waker is already stored, so
        // even a zero-length timer cannot complete with nobody to wake.
        if !self.started {
            self.started = true;
            start_timer_thread(self.duration, Arc::clone(&self.shared));
        }
        Poll::Pending
    }
}
// ANCHOR_END: timer

// ANCHOR: executor
/// The waker of `block_on`: waking it unparks the thread that runs the future.
struct ThreadWaker {
    thread: Thread,
    /// Set by `wake`, cleared by the executor. It protects against spurious
    /// unparks: the executor polls again only after a real wake-up.
    woken: AtomicBool,
}

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.thread.unpark();
    }
}

/// Runs `future` to completion on the current thread. Returns its output and
/// the number of times the future was polled.
pub fn block_on_counting_polls<F: Future>(future: F) -> (F::Output, u32) {
    // `poll` takes `Pin<&mut F>`: pin the future on this stack frame.
    let mut future = std::pin::pin!(future);

    let thread_waker = Arc::new(ThreadWaker {
        thread: thread::current(),
        woken: AtomicBool::new(false),
    });
    // `std::task::Wake` turns an `Arc<impl Wake>` into a `Waker`.
    let waker = Waker::from(Arc::clone(&thread_waker));
    let mut cx = Context::from_waker(&waker);

    let mut polls = 0;
    loop {
        polls += 1;
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return (output, polls);
        }
        // Pending: sleep until somebody calls the waker. No busy loop.
        while !thread_waker.woken.swap(false, Ordering::Acquire) {
            thread::park();
        }
    }
}

/// Runs `future` to completion on the current thread.
pub fn block_on<F: Future>(future: F) -> F::Output {
    block_on_counting_polls(future).0
}
// ANCHOR_END: executor

// ANCHOR: main
pub fn main() {
    let ((), polls) =
        block_on_counting_polls(TimerFuture::new(Duration::from_millis(5)));
    println!("the timer finished after {polls} polls");

    // An `async` block is a future too, so the executor runs it just the same.
    let answer = block_on(async {
        TimerFuture::new(Duration::from_millis(1)).await;
        40 + 2
    });
    println!("the async block returned {answer}");
}
// ANCHOR_END: main

// These tests run in real time, unlike the rest of the book: the timer is a
// real OS thread in `thread::sleep`, which no paused clock reaches. Each one
// waits a few milliseconds, and none depends on how fast the thread is: the
// thread starts only at the first poll, after the waker is stored, so the
// first poll is always `Pending`, and the only timing assertion is the lower
// bound that `thread::sleep` guarantees.
#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    /// A waker that counts its wake-ups and unparks the test thread.
    struct CountingWaker {
        thread: Thread,
        wakes: std::sync::atomic::AtomicU32,
    }

    impl Wake for CountingWaker {
        fn wake(self: Arc<Self>) {
            self.wakes.fetch_add(1, Ordering::SeqCst);
            self.thread.unpark();
        }
    }

    fn counting_waker() -> (Arc<CountingWaker>, Waker) {
        let counting = Arc::new(CountingWaker {
            thread: thread::current(),
            wakes: Default::default(),
        });
        let waker = Waker::from(Arc::clone(&counting));
        (counting, waker)
    }

    /// Parks until `counting` has been woken, with a generous bound.
    fn wait_for_a_wake(counting: &CountingWaker) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while counting.wakes.load(Ordering::SeqCst) == 0 {
            assert!(Instant::now() < deadline, "the timer never woke us");
            thread::park_timeout(Duration::from_millis(10));
        }
    }

    #[test]
    fn pending_first_then_ready_after_the_wake() {
        let (counting, waker) = counting_waker();
        let mut cx = Context::from_waker(&waker);
        let mut timer = std::pin::pin!(TimerFuture::new(Duration::from_millis(2)));

        // The first poll stores the waker and starts the helper thread.
        assert_eq!(timer.as_mut().poll(&mut cx), Poll::Pending);
        wait_for_a_wake(&counting);
        assert_eq!(counting.wakes.load(Ordering::SeqCst), 1);

        // After the wake the second poll is `Ready`.
        assert_eq!(timer.as_mut().poll(&mut cx), Poll::Ready(()));
    }

    #[test]
    fn nothing_starts_before_the_first_poll() {
        let (counting, waker) = counting_waker();
        let mut cx = Context::from_waker(&waker);
        let mut timer = std::pin::pin!(TimerFuture::new(Duration::ZERO));
        // A timer started by `new` would be long done after this.
        thread::sleep(Duration::from_millis(20));
        assert_eq!(timer.as_mut().poll(&mut cx), Poll::Pending);
        wait_for_a_wake(&counting);
        assert_eq!(timer.as_mut().poll(&mut cx), Poll::Ready(()));
    }

    #[test]
    fn the_executor_polls_exactly_twice() {
        // Pending, then Ready after the wake: no busy polling in between.
        let ((), polls) =
            block_on_counting_polls(TimerFuture::new(Duration::from_millis(5)));
        assert_eq!(polls, 2);
    }

    #[test]
    fn the_timer_really_waits() {
        let start = Instant::now();
        block_on(TimerFuture::new(Duration::from_millis(5)));
        assert!(start.elapsed() >= Duration::from_millis(5));
    }

    #[test]
    fn the_executor_runs_async_blocks() {
        let answer = block_on(async {
            TimerFuture::new(Duration::from_millis(1)).await;
            TimerFuture::new(Duration::from_millis(1)).await;
            "done"
        });
        assert_eq!(answer, "done");
    }

    #[test]
    fn a_ready_future_is_polled_once() {
        assert_eq!(block_on_counting_polls(std::future::ready(7)), (7, 1));
    }
}
