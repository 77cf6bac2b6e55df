// Wall-clock time per increment of an in-memory counter: behind a std
// `Mutex`, and owned by an actor. The figures depend on the machine, so this
// program prints them for you to run (`--release` for figures that mean
// something); its test asserts only that the actor is the slower of the two.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};

// ANCHOR: timing
/// Time per increment of `rounds` increments through a std `Mutex`.
pub fn time_mutex(rounds: u32) -> Duration {
    let count = Arc::new(Mutex::new(0u64));
    let start = Instant::now();
    for _ in 0..rounds {
        *count.lock().unwrap() += 1;
    }
    assert_eq!(*count.lock().unwrap(), u64::from(rounds));
    start.elapsed() / rounds
}

/// Time per increment of `rounds` increments sent to an actor, each
/// waiting for its reply.
pub async fn time_actor(rounds: u32) -> Duration {
    let (sender, mut inbox) = mpsc::channel::<oneshot::Sender<u64>>(32);
    tokio::spawn(async move {
        let mut count = 0;
        while let Some(reply) = inbox.recv().await {
            count += 1;
            let _ = reply.send(count);
        }
    });
    let start = Instant::now();
    let mut last = 0;
    for _ in 0..rounds {
        let (reply, answer) = oneshot::channel();
        sender.send(reply).await.unwrap();
        last = answer.await.unwrap();
    }
    assert_eq!(last, u64::from(rounds));
    start.elapsed() / rounds
}
// ANCHOR_END: timing

#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    let rounds = 20_000;
    println!("mutex: {:?} per increment", time_mutex(rounds));
    println!("actor: {:?} per increment", time_actor(rounds).await);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_actor_is_slower_than_the_mutex() {
        // Real time, so only a bound that load on the machine cannot
        // break: the actor does all the mutex's work and much more (a send,
        // two wake-ups, a reply). The two runs interleave, so a slow moment
        // of the machine hits both.
        let (mut mutex, mut actor) = (Duration::ZERO, Duration::ZERO);
        for _ in 0..5 {
            mutex += time_mutex(2_000);
            actor += time_actor(2_000).await;
        }
        assert!(actor > mutex, "actor {actor:?}, mutex {mutex:?}");
    }
}
