// A supervisor that restarts a crashed actor. The actor panics on a bad
// message; its task ends with a `JoinError` that says so; the supervisor
// starts a fresh incarnation on the same inbox, up to a limit.

use std::sync::Arc;

use tokio::sync::{Mutex, mpsc, oneshot};
use tokio::task::JoinHandle;

// ANCHOR: actor
/// Requests to a calculator that keeps a running total.
enum Message {
    Add(u64, oneshot::Sender<u64>),
    DivideBy(u64, oneshot::Sender<u64>),
}

/// One incarnation of the actor: fresh state, the shared inbox. The inbox
/// sits behind a lock only so that it outlives an incarnation that panics;
/// one incarnation at a time holds it, for its whole life.
async fn calculator(inbox: Arc<Mutex<mpsc::Receiver<Message>>>) {
    let mut inbox = inbox.lock().await;
    let mut total = 0;
    while let Some(message) = inbox.recv().await {
        match message {
            Message::Add(n, reply) => {
                total += n;
                let _ = reply.send(total);
            }
            Message::DivideBy(n, reply) => {
                // A bug waiting for its input: dividing by zero panics.
                // The panic unwinds this task, dropping `reply` (the caller
                // gets an error) and the lock guard (the inbox survives).
                total /= n;
                let _ = reply.send(total);
            }
        }
    }
}
// ANCHOR_END: actor

// ANCHOR: supervise
/// How supervision ended.
#[derive(Debug, PartialEq)]
pub enum Ended {
    /// Every handle was dropped and the actor finished normally.
    Finished { restarts: u32 },
    /// The actor kept crashing; the supervisor gave up.
    GaveUp { restarts: u32 },
}

/// Runs the actor, restarting it with fresh state each time it panics, at
/// most `max_restarts` times.
async fn supervise(inbox: mpsc::Receiver<Message>, max_restarts: u32) -> Ended {
    let inbox = Arc::new(Mutex::new(inbox));
    let mut restarts = 0;
    loop {
        let incarnation = tokio::spawn(calculator(Arc::clone(&inbox)));
        match incarnation.await {
            Ok(()) => return Ended::Finished { restarts },
            // A panic is a bug in the actor: start again from a clean slate.
            Err(error) if error.is_panic() && restarts < max_restarts => {
                restarts += 1;
            }
            // Panicked too often, or aborted: stop. Returning drops the
            // inbox, so every handle's next call gets `ActorGone`.
            Err(_) => return Ended::GaveUp { restarts },
        }
    }
}
// ANCHOR_END: supervise

// ANCHOR: handle
#[derive(Debug, PartialEq)]
pub struct ActorGone;

#[derive(Clone)]
pub struct Calculator {
    sender: mpsc::Sender<Message>,
}

impl Calculator {
    /// Spawns the supervisor, which spawns the actor.
    pub fn spawn(max_restarts: u32) -> (Calculator, JoinHandle<Ended>) {
        let (sender, inbox) = mpsc::channel(32);
        let supervisor = tokio::spawn(supervise(inbox, max_restarts));
        (Calculator { sender }, supervisor)
    }

    pub async fn add(&self, n: u64) -> Result<u64, ActorGone> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send(Message::Add(n, reply))
            .await
            .map_err(|_| ActorGone)?;
        answer.await.map_err(|_| ActorGone)
    }

    pub async fn divide_by(&self, n: u64) -> Result<u64, ActorGone> {
        let (reply, answer) = oneshot::channel();
        let message = Message::DivideBy(n, reply);
        self.sender.send(message).await.map_err(|_| ActorGone)?;
        answer.await.map_err(|_| ActorGone)
    }
}
// ANCHOR_END: handle

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    // Each crash also prints Rust's panic message on stderr:
    // "attempt to divide by zero".
    let (calculator, supervisor) = Calculator::spawn(2);
    println!("add 10: {:?}", calculator.add(10).await);
    println!("divide by 2: {:?}", calculator.divide_by(2).await);
    println!("divide by 0: {:?}", calculator.divide_by(0).await);
    println!("add 1: {:?}  (a fresh total)", calculator.add(1).await);
    println!("divide by 0: {:?}", calculator.divide_by(0).await);
    println!("divide by 0: {:?}", calculator.divide_by(0).await);
    println!("add 1: {:?}", calculator.add(1).await);
    println!("supervisor: {:?}", supervisor.await.unwrap());
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::time::timeout;

    use super::*;

    #[tokio::test]
    async fn a_crash_loses_the_state_not_the_actor() {
        let (calculator, _supervisor) = Calculator::spawn(3);
        assert_eq!(calculator.add(10).await, Ok(10));
        assert_eq!(calculator.divide_by(2).await, Ok(5));
        // The request that crashed the actor gets an error, not a hang.
        assert_eq!(calculator.divide_by(0).await, Err(ActorGone));
        // The next incarnation starts from zero.
        assert_eq!(calculator.add(1).await, Ok(1));
    }

    #[tokio::test]
    async fn messages_queued_behind_a_crash_are_kept() {
        let (calculator, _supervisor) = Calculator::spawn(3);
        // Queue three requests before the actor runs: the crash in the
        // middle must not lose the one behind it.
        let (first, crash, after) = tokio::join!(
            calculator.add(4),
            calculator.divide_by(0),
            calculator.add(7),
        );
        assert_eq!((first, crash, after), (Ok(4), Err(ActorGone), Ok(7)));
    }

    #[tokio::test]
    async fn the_supervisor_gives_up_after_its_limit() {
        let (calculator, supervisor) = Calculator::spawn(2);
        for _ in 0..3 {
            assert_eq!(calculator.divide_by(0).await, Err(ActorGone));
        }
        // Two restarts used, the third crash ends it: handles get errors.
        assert_eq!(calculator.add(1).await, Err(ActorGone));
        assert_eq!(supervisor.await.unwrap(), Ended::GaveUp { restarts: 2 });
    }

    #[tokio::test(start_paused = true)]
    async fn it_finishes_when_the_handles_are_gone() {
        let (calculator, supervisor) = Calculator::spawn(2);
        assert_eq!(calculator.divide_by(0).await, Err(ActorGone));
        drop(calculator);
        let ended = timeout(Duration::from_secs(1), supervisor).await;
        assert_eq!(ended.unwrap().unwrap(), Ended::Finished { restarts: 1 });
    }
}
