// Notify: wake a waiting task, with no data attached. Built here into a
// one-slot mailbox: the data lives behind a std Mutex, and Notify says
// "look again".

use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::timeout;

// ANCHOR: mailbox
pub struct Mailbox<T> {
    slot: Mutex<Option<T>>,
    filled: Notify,
}

impl<T> Mailbox<T> {
    pub fn new() -> Self {
        Mailbox {
            slot: Mutex::new(None),
            filled: Notify::new(),
        }
    }

    /// Puts a value in the slot, replacing any value not yet taken.
    pub fn put(&self, value: T) {
        *self.slot.lock().unwrap() = Some(value);
        // If nobody is waiting yet, `notify_one` stores a permit, and the
        // next `notified().await` completes at once. So a `put` that lands
        // between `take`'s check and its wait is not missed.
        self.filled.notify_one();
    }

    /// Waits until there is a value, and takes it.
    pub async fn take(&self) -> T {
        loop {
            // The guard lives only to the end of this statement.
            let taken = self.slot.lock().unwrap().take();
            if let Some(value) = taken {
                return value;
            }
            self.filled.notified().await;
        }
    }
}
// ANCHOR_END: mailbox

impl<T> Default for Mailbox<T> {
    fn default() -> Self {
        Self::new()
    }
}

// ANCHOR: replay
/// Replays, one step at a time, the interleaving `take` must survive: a
/// `put` between `take`'s look and its wait. Returns what `take` gets, or
/// `None` if it would still be waiting a (virtual) minute later.
pub async fn replay_the_race() -> Option<&'static str> {
    let mailbox = Mailbox::new();
    // `take`, first step: look. The slot is empty.
    assert!(mailbox.slot.lock().unwrap().take().is_none());
    // Another thread's `put` lands now, while nobody waits.
    mailbox.put("parcel");
    // `take`, second step: wait, then look again.
    let waited = timeout(Duration::from_secs(60), mailbox.filled.notified()).await;
    waited.ok()?;
    mailbox.slot.lock().unwrap().take()
}
// ANCHOR_END: replay

#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    match replay_the_race().await {
        Some(value) => println!("take got {value:?}"),
        None => println!("take still waiting after 60s"),
    }
    // What the wait would see if `put` used `notify_waiters`, which wakes
    // only the tasks already waiting and stores nothing:
    let notify = Notify::new();
    notify.notify_waiters();
    match timeout(Duration::from_secs(60), notify.notified()).await {
        Ok(()) => println!("after notify_waiters, a later wait returns"),
        Err(_) => {
            println!("after notify_waiters, a later wait is still waiting after 60s")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use tokio::time::{Instant, sleep};

    #[tokio::test(start_paused = true)]
    async fn take_waits_for_put() {
        let mailbox = Arc::new(Mailbox::new());
        let start = Instant::now();
        let taker = tokio::spawn({
            let mailbox = mailbox.clone();
            async move { mailbox.take().await }
        });
        sleep(Duration::from_secs(1)).await;
        mailbox.put("parcel");
        assert_eq!(taker.await.unwrap(), "parcel");
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_put_before_take_is_not_lost() {
        let mailbox = Mailbox::new();
        mailbox.put(1);
        mailbox.put(2);
        assert_eq!(timeout(Duration::from_secs(1), mailbox.take()).await, Ok(2));
    }

    #[tokio::test(start_paused = true)]
    async fn a_put_between_the_look_and_the_wait_is_not_lost() {
        assert_eq!(replay_the_race().await, Some("parcel"));
    }

    #[tokio::test(start_paused = true)]
    async fn notify_one_stores_a_permit_but_notify_waiters_does_not() {
        let notify = Notify::new();

        notify.notify_one();
        // The permit stored above completes this wait at once.
        assert!(
            timeout(Duration::from_secs(1), notify.notified())
                .await
                .is_ok()
        );

        // `notify_waiters` wakes only the tasks already waiting, and stores
        // nothing: this later wait misses it.
        notify.notify_waiters();
        assert!(
            timeout(Duration::from_secs(1), notify.notified())
                .await
                .is_err()
        );
    }
}
