// The same counter twice: behind a lock, and owned by an actor. First kept
// in memory, where the lock wins; then saved to slow storage after every
// change, where the actor wins, because it sees every waiting request at
// once and can save them together.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, sleep};

// ANCHOR: in_memory
/// A counter behind a std `Mutex`: a few nanoseconds of work under the
/// lock, no `.await` inside, so the caller never waits for another task.
#[derive(Clone, Default)]
pub struct MutexCounter {
    count: Arc<std::sync::Mutex<u64>>,
}

impl MutexCounter {
    pub fn increment(&self) -> u64 {
        let mut count = self.count.lock().unwrap();
        *count += 1;
        *count
    }
}

/// The same counter as an actor: each increment is a message and a reply,
/// so each one waits for the actor's task to run.
#[derive(Clone)]
pub struct ActorCounter {
    sender: mpsc::Sender<oneshot::Sender<u64>>,
}

impl ActorCounter {
    pub fn spawn() -> ActorCounter {
        let (sender, mut inbox) = mpsc::channel::<oneshot::Sender<u64>>(32);
        tokio::spawn(async move {
            let mut count = 0;
            while let Some(reply) = inbox.recv().await {
                count += 1;
                let _ = reply.send(count);
            }
        });
        ActorCounter { sender }
    }

    pub async fn increment(&self) -> Option<u64> {
        let (reply, answer) = oneshot::channel();
        self.sender.send(reply).await.ok()?;
        answer.await.ok()
    }
}
// ANCHOR_END: in_memory

// ANCHOR: count_waits
/// Runs `future` and counts how often it returned `Pending`: how many times
/// its task had to stop and wait to be woken by another.
pub async fn count_waits<F: Future>(future: F) -> (F::Output, u32) {
    let mut future = pin!(future);
    let mut waits = 0;
    let output = std::future::poll_fn(|cx| {
        let poll = future.as_mut().poll(cx);
        if poll.is_pending() {
            waits += 1;
        }
        poll
    })
    .await;
    (output, waits)
}
// ANCHOR_END: count_waits

/// Slow storage: every save takes 100 ms, whatever it saves.
pub const SAVE: Duration = Duration::from_millis(100);

// ANCHOR: saved
/// A counter saved after every change, behind a Tokio mutex: the lock must
/// be held across the save, or two saves could finish in the wrong order
/// and leave an old count on disk. Callers queue for the lock.
#[derive(Clone, Default)]
pub struct LockedSavedCounter {
    state: Arc<tokio::sync::Mutex<Saved>>,
}

#[derive(Default)]
struct Saved {
    count: u64,
    saves: u64,
}

impl LockedSavedCounter {
    /// Returns once the new count is saved.
    pub async fn record(&self) -> u64 {
        let mut state = self.state.lock().await;
        state.count += 1;
        sleep(SAVE).await; // save the count
        state.saves += 1;
        state.count
    }

    pub async fn saves(&self) -> u64 {
        self.state.lock().await.saves
    }
}

/// The same counter as an actor. Requests that arrive during a save wait in
/// the inbox; the next round takes all of them with `recv_many` and saves
/// them with one write.
#[derive(Clone)]
pub struct ActorSavedCounter {
    sender: mpsc::Sender<oneshot::Sender<u64>>,
}

impl ActorSavedCounter {
    /// Returns the handle and the actor's task, which ends with the number
    /// of saves once every handle is gone.
    pub fn spawn() -> (ActorSavedCounter, tokio::task::JoinHandle<u64>) {
        let (sender, mut inbox) = mpsc::channel(1024);
        let actor = tokio::spawn(async move {
            let (mut count, mut saves) = (0, 0);
            let mut waiting: Vec<oneshot::Sender<u64>> = Vec::new();
            while inbox.recv_many(&mut waiting, 1024).await > 0 {
                count += waiting.len() as u64;
                sleep(SAVE).await; // one save for the whole batch
                saves += 1;
                for reply in waiting.drain(..) {
                    let _ = reply.send(count);
                }
            }
            saves
        });
        (ActorSavedCounter { sender }, actor)
    }

    /// Returns once the new count is saved.
    pub async fn record(&self) -> Option<u64> {
        let (reply, answer) = oneshot::channel();
        self.sender.send(reply).await.ok()?;
        answer.await.ok()
    }
}
// ANCHOR_END: saved

/// The load for the saved counters: `callers` tasks, one every 10 ms, each
/// recording one hit. Returns when the last caller's hit is saved.
pub async fn ten_ms_apart<F, Fut>(callers: u32, record: F) -> Duration
where
    F: Fn() -> Fut,
    Fut: Future + Send + 'static,
    Fut::Output: Send,
{
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..callers {
        tasks.spawn(record());
        sleep(Duration::from_millis(10)).await;
    }
    tasks.join_all().await;
    start.elapsed()
}

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    let mutex = MutexCounter::default();
    let (_, waits) = count_waits(async {
        for _ in 0..1000 {
            mutex.increment();
        }
    })
    .await;
    println!("1000 increments, mutex: the caller waited {waits} times");

    let actor = ActorCounter::spawn();
    let (_, waits) = count_waits(async {
        for _ in 0..1000 {
            actor.increment().await;
        }
    })
    .await;
    println!("1000 increments, actor: the caller waited {waits} times");

    let locked = LockedSavedCounter::default();
    let done = ten_ms_apart(100, || {
        let locked = locked.clone();
        async move { locked.record().await }
    })
    .await;
    let saves = locked.saves().await;
    println!("100 saved hits, mutex: {saves} saves, all saved at {done:?}");

    let (counter, actor) = ActorSavedCounter::spawn();
    let done = ten_ms_apart(100, || {
        let counter = counter.clone();
        async move { counter.record().await }
    })
    .await;
    drop(counter);
    let saves = actor.await.unwrap();
    println!("100 saved hits, actor: {saves} saves, all saved at {done:?}");
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn both_in_memory_counters_count() {
        let mutex = MutexCounter::default();
        let actor = ActorCounter::spawn();
        for expected in 1..=5 {
            assert_eq!(mutex.increment(), expected);
            assert_eq!(actor.increment().await, Some(expected));
        }
    }

    #[tokio::test]
    async fn only_the_actor_makes_the_caller_wait() {
        let mutex = MutexCounter::default();
        let (_, waits) = count_waits(async {
            for _ in 0..100 {
                mutex.increment();
            }
        })
        .await;
        assert_eq!(waits, 0);

        let actor = ActorCounter::spawn();
        let (_, waits) = count_waits(async {
            for _ in 0..100 {
                actor.increment().await;
            }
        })
        .await;
        assert_eq!(waits, 100, "one wait per reply");
    }

    #[tokio::test(start_paused = true)]
    async fn the_lock_saves_once_per_hit_one_after_another() {
        let locked = LockedSavedCounter::default();
        let done = ten_ms_apart(100, || {
            let locked = locked.clone();
            async move { locked.record().await }
        })
        .await;
        assert_eq!(locked.saves().await, 100);
        assert_eq!(done, 100 * SAVE);
    }

    #[tokio::test(start_paused = true)]
    async fn the_actor_saves_what_waited_together() {
        let (counter, actor) = ActorSavedCounter::spawn();
        let done = ten_ms_apart(100, || {
            let counter = counter.clone();
            async move { counter.record().await }
        })
        .await;
        let last = counter.record().await;
        drop(counter);
        assert_eq!(last, Some(101), "every hit was counted");
        let saves = actor.await.unwrap();
        // One save for the first hit, then one per 100 ms of arrivals.
        assert!(saves <= 12, "{saves} saves");
        assert!(done <= Duration::from_millis(1100), "{done:?}");
    }
}
