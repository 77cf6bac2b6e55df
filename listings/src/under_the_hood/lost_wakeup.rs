// The classic bug of hand-written futures: returning `Pending` without
// arranging a wake-up. The future is never polled again, even after the
// thing it waits for has happened.

// ANCHOR: forgetful
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

/// Waits for a flag, but forgets to store the waker. Wrong on purpose.
pub struct ForgetfulFlagWait {
    flag: Arc<AtomicBool>,
}

impl Future for ForgetfulFlagWait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.flag.load(Ordering::Acquire) {
            Poll::Ready(())
        } else {
            // BUG: nobody will call the waker, so nobody polls us again.
            Poll::Pending
        }
    }
}
// ANCHOR_END: forgetful

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::time::sleep;

    #[tokio::test(start_paused = true)]
    async fn the_flag_is_set_but_the_future_never_finishes() {
        let flag = Arc::new(AtomicBool::new(false));
        let waiting = tokio::spawn(ForgetfulFlagWait {
            flag: Arc::clone(&flag),
        });

        // Let the waiting task run once (and return `Pending`), then set the flag.
        sleep(Duration::from_millis(10)).await;
        flag.store(true, Ordering::Release);

        // A whole minute later the task has still not finished: it was
        // never polled again, although its flag was set long ago.
        sleep(Duration::from_secs(60)).await;
        assert!(!waiting.is_finished());
        waiting.abort();
    }

    #[tokio::test(start_paused = true)]
    async fn ready_at_once_when_the_flag_is_already_set() {
        // The same future with the flag already set is ready at once: the
        // bug is only the missing wake-up.
        let flag = Arc::new(AtomicBool::new(true));
        ForgetfulFlagWait { flag }.await;
    }
}
