// Exercise: a cache actor whose entries expire. One task owns the map; a
// cloneable handle sets and gets entries; a timer inside the actor sweeps
// out expired entries every period.

// ANCHOR: attempt
pub mod attempt {
    use std::collections::HashMap;
    use std::time::Duration;

    use tokio::sync::{mpsc, oneshot};
    use tokio::task::JoinHandle;
    use tokio::time::Instant;

    /// The cache's actor has stopped (it was aborted, or it panicked).
    #[derive(Debug, PartialEq)]
    pub struct Gone;

    /// What a handle can ask the actor.
    pub enum Message {
        /// Store `value` under `key` until `ttl` from now, replacing any
        /// entry (and its deadline) already there.
        Set {
            key: String,
            value: String,
            ttl: Duration,
            reply: oneshot::Sender<()>,
        },
        /// The value under `key`, or `None` if there is none or it has
        /// expired (even if the sweeper has not removed it yet).
        Get {
            key: String,
            reply: oneshot::Sender<Option<String>>,
        },
        /// How many entries the map holds, expired or not.
        Stored { reply: oneshot::Sender<usize> },
    }

    /// A handle to the cache. Every clone talks to the same actor.
    #[derive(Clone)]
    #[allow(dead_code)]
    pub struct Cache {
        sender: mpsc::Sender<Message>,
    }

    /// The actor: owns the map of key to (value, deadline) and removes the
    /// entries whose deadline has passed every `sweep_every`. Stops as soon
    /// as every handle is gone, without waiting for its next sweep.
    #[allow(unused_variables, unused_mut)]
    pub async fn run(mut inbox: mpsc::Receiver<Message>, sweep_every: Duration) {
        let mut entries: HashMap<String, (String, Instant)> = HashMap::new();
        todo!()
    }

    #[allow(unused_variables)]
    impl Cache {
        /// Spawns the actor (call it inside a runtime).
        pub fn spawn(sweep_every: Duration) -> (Cache, JoinHandle<()>) {
            todo!()
        }

        pub async fn set(
            &self,
            key: &str,
            value: &str,
            ttl: Duration,
        ) -> Result<(), Gone> {
            todo!()
        }

        pub async fn get(&self, key: &str) -> Result<Option<String>, Gone> {
            todo!()
        }

        pub async fn stored(&self) -> Result<usize, Gone> {
            todo!()
        }
    }
}
// ANCHOR_END: attempt

// ANCHOR: solution
pub mod solution {
    use std::collections::HashMap;
    use std::time::Duration;

    use tokio::sync::{mpsc, oneshot};
    use tokio::task::JoinHandle;
    use tokio::time::{Instant, interval};

    #[derive(Debug, PartialEq)]
    pub struct Gone;

    pub enum Message {
        Set {
            key: String,
            value: String,
            ttl: Duration,
            reply: oneshot::Sender<()>,
        },
        Get {
            key: String,
            reply: oneshot::Sender<Option<String>>,
        },
        Stored {
            reply: oneshot::Sender<usize>,
        },
    }

    #[derive(Clone)]
    pub struct Cache {
        sender: mpsc::Sender<Message>,
    }

    pub async fn run(mut inbox: mpsc::Receiver<Message>, sweep_every: Duration) {
        let mut entries: HashMap<String, (String, Instant)> = HashMap::new();
        let mut sweeper = interval(sweep_every);
        loop {
            tokio::select! {
                _ = sweeper.tick() => {
                    let now = Instant::now();
                    entries.retain(|_, (_, deadline)| *deadline > now);
                }
                // No `Some(..)` pattern here: `None` must end the loop at
                // once. With the pattern, the branch would be disabled, and
                // the ticker would keep the actor alive forever.
                message = inbox.recv() => match message {
                    Some(message) => handle(&mut entries, message),
                    None => break,
                },
            }
        }
    }

    fn handle(entries: &mut HashMap<String, (String, Instant)>, message: Message) {
        // Every `send` may fail because the caller stopped waiting; that
        // is no reason to stop serving the others.
        match message {
            Message::Set {
                key,
                value,
                ttl,
                reply,
            } => {
                entries.insert(key, (value, Instant::now() + ttl));
                let _ = reply.send(());
            }
            Message::Get { key, reply } => {
                let now = Instant::now();
                let value = entries
                    .get(&key)
                    .filter(|(_, deadline)| *deadline > now)
                    .map(|(value, _)| value.clone());
                let _ = reply.send(value);
            }
            Message::Stored { reply } => {
                let _ = reply.send(entries.len());
            }
        }
    }

    impl Cache {
        pub fn spawn(sweep_every: Duration) -> (Cache, JoinHandle<()>) {
            let (sender, inbox) = mpsc::channel(64);
            (Cache { sender }, tokio::spawn(run(inbox, sweep_every)))
        }

        pub async fn set(
            &self,
            key: &str,
            value: &str,
            ttl: Duration,
        ) -> Result<(), Gone> {
            let (reply, answer) = oneshot::channel();
            let (key, value) = (key.to_string(), value.to_string());
            self.ask(
                Message::Set {
                    key,
                    value,
                    ttl,
                    reply,
                },
                answer,
            )
            .await
        }

        pub async fn get(&self, key: &str) -> Result<Option<String>, Gone> {
            let (reply, answer) = oneshot::channel();
            let key = key.to_string();
            self.ask(Message::Get { key, reply }, answer).await
        }

        pub async fn stored(&self) -> Result<usize, Gone> {
            let (reply, answer) = oneshot::channel();
            self.ask(Message::Stored { reply }, answer).await
        }

        async fn ask<T>(
            &self,
            message: Message,
            answer: oneshot::Receiver<T>,
        ) -> Result<T, Gone> {
            self.sender.send(message).await.map_err(|_| Gone)?;
            answer.await.map_err(|_| Gone)
        }
    }
}
// ANCHOR_END: solution

#[allow(dead_code)]
fn main() {}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::time::{sleep, timeout};

    #[cfg(feature = "attempt")]
    use super::attempt::*;
    #[cfg(not(feature = "attempt"))]
    use super::solution::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[tokio::test(start_paused = true)]
    async fn set_then_get() {
        let (cache, _actor) = Cache::spawn(ms(1000));
        assert_eq!(cache.set("a", "1", ms(5000)).await, Ok(()));
        assert_eq!(cache.get("a").await, Ok(Some("1".to_string())));
        assert_eq!(cache.get("b").await, Ok(None));
        assert_eq!(cache.clone().get("a").await, Ok(Some("1".to_string())));
    }

    #[tokio::test(start_paused = true)]
    async fn an_entry_expires_at_its_deadline_before_any_sweep() {
        // A sweep once an hour, so only `get` can notice the expiry.
        let (cache, _actor) = Cache::spawn(Duration::from_secs(3600));
        cache.set("a", "1", ms(1000)).await.unwrap();
        sleep(ms(999)).await;
        assert_eq!(cache.get("a").await, Ok(Some("1".to_string())));
        sleep(ms(1)).await;
        assert_eq!(cache.get("a").await, Ok(None));
        assert_eq!(cache.stored().await, Ok(1), "not swept yet");
    }

    #[tokio::test(start_paused = true)]
    async fn the_sweeper_removes_expired_entries() {
        let (cache, _actor) = Cache::spawn(ms(1000));
        cache.set("short", "1", ms(1500)).await.unwrap();
        cache.set("long", "2", ms(10_000)).await.unwrap();
        sleep(ms(1600)).await;
        assert_eq!(cache.stored().await, Ok(2), "the next sweep is at 2 s");
        sleep(ms(500)).await;
        assert_eq!(cache.stored().await, Ok(1), "swept at 2 s");
        assert_eq!(cache.get("long").await, Ok(Some("2".to_string())));
    }

    #[tokio::test(start_paused = true)]
    async fn set_replaces_the_value_and_the_deadline() {
        let (cache, _actor) = Cache::spawn(Duration::from_secs(3600));
        cache.set("a", "1", ms(1000)).await.unwrap();
        sleep(ms(500)).await;
        cache.set("a", "2", ms(1000)).await.unwrap();
        sleep(ms(800)).await;
        assert_eq!(cache.get("a").await, Ok(Some("2".to_string())));
        assert_eq!(cache.stored().await, Ok(1));
    }

    #[tokio::test(start_paused = true)]
    async fn the_actor_stops_when_the_last_handle_is_dropped() {
        let (cache, mut actor) = Cache::spawn(ms(1000));
        let clone = cache.clone();
        drop(cache);
        let a_minute = Duration::from_secs(60);
        assert!(
            timeout(a_minute, &mut actor).await.is_err(),
            "the actor stopped while a handle was alive"
        );
        assert_eq!(clone.get("a").await, Ok(None));
        drop(clone);
        let ended = timeout(ms(1), actor).await;
        assert!(
            matches!(ended, Ok(Ok(()))),
            "the actor did not stop at once when the last handle was dropped"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_stopped_cache_returns_gone() {
        let (cache, actor) = Cache::spawn(ms(1000));
        actor.abort();
        let _ = actor.await;
        assert_eq!(cache.set("a", "1", ms(1000)).await, Err(Gone));
        assert_eq!(cache.get("a").await, Err(Gone));
        assert_eq!(cache.stored().await, Err(Gone));
    }

    #[tokio::test(start_paused = true)]
    async fn a_caller_that_gives_up_does_not_stop_the_cache() {
        let (cache, _actor) = Cache::spawn(ms(1000));
        cache.set("a", "1", ms(5000)).await.unwrap();
        // A get cancelled before its answer arrives: the actor's reply
        // fails, and it must carry on.
        let _ = timeout(Duration::ZERO, cache.get("a")).await;
        assert_eq!(cache.get("a").await, Ok(Some("1".to_string())));
    }
}
