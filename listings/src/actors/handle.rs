// An actor and its handle. One task owns a map and is the only code that
// ever touches it; everyone else holds a cheap, cloneable handle that sends
// the task messages. A request that needs an answer carries a oneshot sender
// for it.

use std::collections::HashMap;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

// ANCHOR: messages
/// What the handle can ask the actor to do. Each variant that needs an
/// answer carries the `oneshot::Sender` the actor answers on.
enum Message {
    Get {
        key: String,
        reply: oneshot::Sender<Option<String>>,
    },
    Set {
        key: String,
        value: String,
        // The old value, like `HashMap::insert` returns it.
        reply: oneshot::Sender<Option<String>>,
    },
}

/// The actor's state and its inbox. Only the actor's task ever sees this
/// struct, so its fields need no lock.
struct StoreActor {
    inbox: mpsc::Receiver<Message>,
    entries: HashMap<String, String>,
}

impl StoreActor {
    /// Handles messages one at a time until every handle is gone: `recv`
    /// returns `None` once all senders are dropped and the inbox is empty.
    async fn run(mut self) {
        while let Some(message) = self.inbox.recv().await {
            self.handle(message);
        }
    }

    fn handle(&mut self, message: Message) {
        match message {
            Message::Get { key, reply } => {
                // The caller may have stopped waiting (a timeout, a
                // cancelled task). That is no reason for the actor, which
                // serves everyone, to stop: ignore the failed reply.
                let _ = reply.send(self.entries.get(&key).cloned());
            }
            Message::Set { key, value, reply } => {
                let _ = reply.send(self.entries.insert(key, value));
            }
        }
    }
}
// ANCHOR_END: messages

// ANCHOR: handle
/// The actor's task has stopped: it finished, panicked or was aborted.
#[derive(Debug, PartialEq)]
pub struct ActorGone;

/// A handle to the store. Cloning it is cloning a `Sender`: every clone
/// talks to the same actor, and the actor lives as long as any clone does.
#[derive(Clone)]
pub struct Store {
    sender: mpsc::Sender<Message>,
}

impl Store {
    /// Spawns the actor (so call it inside a runtime) and returns a handle
    /// to it, with the task's `JoinHandle` for whoever wants to watch it.
    pub fn spawn() -> (Store, JoinHandle<()>) {
        // Bounded: a burst of callers waits for the actor instead of
        // queueing without limit (backpressure).
        let (sender, inbox) = mpsc::channel(32);
        let actor = StoreActor {
            inbox,
            entries: HashMap::new(),
        };
        (Store { sender }, tokio::spawn(actor.run()))
    }

    pub async fn get(&self, key: &str) -> Result<Option<String>, ActorGone> {
        let (reply, answer) = oneshot::channel();
        let key = key.to_string();
        self.ask(Message::Get { key, reply }, answer).await
    }

    pub async fn set(
        &self,
        key: &str,
        value: &str,
    ) -> Result<Option<String>, ActorGone> {
        let (reply, answer) = oneshot::channel();
        let (key, value) = (key.to_string(), value.to_string());
        self.ask(Message::Set { key, value, reply }, answer).await
    }

    /// Sends a request and waits for its answer. Both steps fail the same
    /// way when the actor is gone: `send` fails if the inbox's receiver was
    /// dropped, and `answer` fails if the actor dropped the reply sender
    /// without answering (it panicked while handling this very message).
    async fn ask<T>(
        &self,
        message: Message,
        answer: oneshot::Receiver<T>,
    ) -> Result<T, ActorGone> {
        self.sender.send(message).await.map_err(|_| ActorGone)?;
        answer.await.map_err(|_| ActorGone)
    }
}
// ANCHOR_END: handle

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    let (store, actor) = Store::spawn();

    // Two tasks share the store through clones of the handle.
    let writer = store.clone();
    tokio::spawn(async move { writer.set("colour", "green").await })
        .await
        .unwrap()
        .unwrap();
    println!("get colour: {:?}", store.get("colour").await);
    println!("set colour: {:?}", store.set("colour", "blue").await);

    // Abort the actor's task: the handle reports it, nothing panics.
    actor.abort();
    if actor.await.is_err_and(|error| error.is_cancelled()) {
        println!("the actor's task was cancelled");
    }
    println!("get colour: {:?}", store.get("colour").await);
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::time::timeout;

    use super::*;

    #[tokio::test]
    async fn clones_share_one_store() {
        let (store, _actor) = Store::spawn();
        let other = store.clone();
        assert_eq!(store.set("a", "1").await, Ok(None));
        assert_eq!(other.get("a").await, Ok(Some("1".to_string())));
        assert_eq!(other.set("a", "2").await, Ok(Some("1".to_string())));
        assert_eq!(store.get("a").await, Ok(Some("2".to_string())));
        assert_eq!(store.get("b").await, Ok(None));
    }

    #[tokio::test(start_paused = true)]
    async fn the_actor_stops_when_the_last_handle_is_dropped() {
        let (store, mut actor) = Store::spawn();
        let clone = store.clone();
        drop(store);
        // One clone is alive, so the actor keeps waiting for messages. The
        // paused clock jumps the whole minute at once.
        let still_running = timeout(Duration::from_secs(60), &mut actor).await;
        assert!(still_running.is_err(), "the actor stopped too early");
        assert_eq!(clone.get("a").await, Ok(None));

        drop(clone);
        let ended = timeout(Duration::from_secs(1), actor).await;
        assert!(
            matches!(ended, Ok(Ok(()))),
            "the actor did not end on its own"
        );
    }

    #[tokio::test]
    async fn a_stopped_actor_gives_an_error_not_a_panic() {
        let (store, actor) = Store::spawn();
        actor.abort();
        assert!(actor.await.unwrap_err().is_cancelled());
        assert_eq!(store.get("a").await, Err(ActorGone));
        assert_eq!(store.set("a", "1").await, Err(ActorGone));
    }

    #[tokio::test(start_paused = true)]
    async fn a_caller_that_gives_up_does_not_stop_the_actor() {
        let (store, actor) = Store::spawn();
        store.set("a", "1").await.unwrap();
        // This caller gives up before the actor answers, so the actor's
        // reply fails.
        let _ = timeout(Duration::ZERO, store.get("a")).await;
        assert_eq!(store.get("a").await, Ok(Some("1".to_string())));
        assert!(!actor.is_finished());
    }

    #[tokio::test]
    async fn a_reply_dropped_unanswered_is_an_error() {
        // The other way to lose an actor: it takes the message, then dies
        // before answering. Here a fake actor drops every request.
        let (sender, mut inbox) = mpsc::channel(1);
        tokio::spawn(async move { while inbox.recv().await.is_some() {} });
        let store = Store { sender };
        assert_eq!(store.get("a").await, Err(ActorGone));
    }
}
