// The classic bug of hand-written futures: returning `Pending` without
// handing the waker to whoever will make progress possible. The event then
// happens, and it has nobody to wake: the future is never polled again.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use futures::task::AtomicWaker;
use tokio::time::{Instant, sleep, timeout};

// ANCHOR: flag
/// A flag that one side sets and a task waits for. `set` wakes the waiting
/// task, through the waker its last `poll` registered.
#[derive(Default)]
pub struct Flag {
    set: AtomicBool,
    // One slot for one waker, safe to fill and empty from different threads.
    // `register` skips the clone when the waker is the same as last time.
    waker: AtomicWaker,
}

impl Flag {
    pub fn set(&self) {
        self.set.store(true, Ordering::Release);
        // Wakes the task that registered last; does nothing if none has.
        self.waker.wake();
    }

    fn is_set(&self) -> bool {
        self.set.load(Ordering::Acquire)
    }
}
// ANCHOR_END: flag

// ANCHOR: forgetful
/// Waits for a flag, but never gives the flag its waker. Wrong on purpose.
pub struct ForgetfulWait {
    pub flag: Arc<Flag>,
}

impl Future for ForgetfulWait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.flag.is_set() {
            Poll::Ready(())
        } else {
            // BUG: `set` will find no waker, so nobody polls us again.
            Poll::Pending
        }
    }
}
// ANCHOR_END: forgetful

// ANCHOR: fixed
/// Waits for a flag, and keeps the contract.
pub struct Wait {
    pub flag: Arc<Flag>,
}

impl Future for Wait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // Being polled proves nothing: a poll may come without a wake (a
        // spurious poll). Check the condition every time.
        if self.flag.is_set() {
            return Poll::Ready(());
        }
        // Register, then check again: a `set` that ran between the first
        // check and `register` found no waker, and would be lost.
        self.flag.waker.register(cx.waker());
        if self.flag.is_set() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}
// ANCHOR_END: fixed

/// Spawns `waiting` as a task, sets its flag 10 ms later, and gives the task
/// a minute to finish. Returns when it finished, or `None` if it never did.
pub async fn set_and_wait<F>(flag: Arc<Flag>, waiting: F) -> Option<Duration>
where
    F: Future<Output = ()> + Send + 'static,
{
    let start = Instant::now();
    let task = tokio::spawn(async move {
        waiting.await;
        start.elapsed()
    });
    // By now the task has been polled once and returned `Pending`.
    sleep(Duration::from_millis(10)).await;
    flag.set();
    let finished = timeout(Duration::from_secs(60), task).await.ok()?;
    Some(finished.expect("the waiting task does not panic"))
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    let flag = Arc::new(Flag::default());
    let forgetful = ForgetfulWait { flag: flag.clone() };
    match set_and_wait(flag, forgetful).await {
        Some(at) => println!("ForgetfulWait finished after {at:?}"),
        None => println!("ForgetfulWait: still pending a minute later"),
    }
    let flag = Arc::new(Flag::default());
    let wait = Wait { flag: flag.clone() };
    match set_and_wait(flag, wait).await {
        Some(at) => println!("Wait finished after {at:?}, when the flag was set"),
        None => println!("Wait: still pending a minute later"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Waker;

    #[tokio::test(start_paused = true)]
    async fn the_forgetful_wait_never_finishes_although_the_flag_is_set() {
        let flag = Arc::new(Flag::default());
        let forgetful = ForgetfulWait { flag: flag.clone() };
        assert_eq!(set_and_wait(flag.clone(), forgetful).await, None);
        assert!(flag.is_set());
    }

    #[tokio::test(start_paused = true)]
    async fn the_wait_that_registers_finishes_when_the_flag_is_set() {
        let flag = Arc::new(Flag::default());
        let wait = Wait { flag: flag.clone() };
        let finished = set_and_wait(flag, wait).await;
        assert_eq!(finished, Some(Duration::from_millis(10)));
    }

    #[test]
    fn a_spurious_poll_does_not_fool_the_wait() {
        let flag = Arc::new(Flag::default());
        let mut wait = std::pin::pin!(Wait { flag: flag.clone() });
        let mut cx = Context::from_waker(Waker::noop());
        // Polled twice without any wake: still `Pending`.
        assert_eq!(wait.as_mut().poll(&mut cx), Poll::Pending);
        assert_eq!(wait.as_mut().poll(&mut cx), Poll::Pending);
        flag.set();
        assert_eq!(wait.as_mut().poll(&mut cx), Poll::Ready(()));
    }

    #[tokio::test(start_paused = true)]
    async fn both_are_ready_at_once_when_the_flag_is_already_set() {
        // The forgetful wait's only bug is the missing wake-up.
        let flag = Arc::new(Flag::default());
        flag.set();
        ForgetfulWait { flag: flag.clone() }.await;
        Wait { flag }.await;
    }
}
