// Three one-second calls: one after another, concurrently with `join!`, and as
// spawned tasks. The paused clock measures each way in virtual time.

// ANCHOR: call
use std::time::Duration;
use tokio::time::{Instant, sleep};

/// A stand-in for a network call: it waits one second, then answers.
pub async fn call(name: &'static str) -> &'static str {
    sleep(Duration::from_secs(1)).await;
    name
}
// ANCHOR_END: call

// ANCHOR: sequential
pub async fn sequential() -> [&'static str; 3] {
    // Each `.await` finishes its call before the next call even starts.
    let a = call("a").await;
    let b = call("b").await;
    let c = call("c").await;
    [a, b, c]
}
// ANCHOR_END: sequential

// ANCHOR: joined
pub async fn joined() -> [&'static str; 3] {
    // One task polls all three futures, so their waits overlap.
    let (a, b, c) = tokio::join!(call("a"), call("b"), call("c"));
    [a, b, c]
}
// ANCHOR_END: joined

// ANCHOR: spawned
pub async fn spawned() -> [&'static str; 3] {
    // Three tasks of their own, handed to the runtime now. On a multi-thread
    // runtime they may start at once; on a current-thread runtime they wait
    // until this task reaches an `.await` and gives the thread back.
    let a = tokio::spawn(call("a"));
    let b = tokio::spawn(call("b"));
    let c = tokio::spawn(call("c"));
    // `JoinHandle` is a future; `join!` waits for all three handles at once.
    let (a, b, c) = tokio::join!(a, b, c);
    // Each result is `Err` only if that task panicked or was aborted.
    [a.unwrap(), b.unwrap(), c.unwrap()]
}
// ANCHOR_END: spawned

#[tokio::main(flavor = "current_thread", start_paused = true)]
// ANCHOR: main
pub async fn main() {
    let start = Instant::now();
    let answers = sequential().await;
    println!("sequential: {answers:?} after {:?}", start.elapsed());

    let start = Instant::now();
    let answers = joined().await;
    println!("join!:      {answers:?} after {:?}", start.elapsed());

    let start = Instant::now();
    let answers = spawned().await;
    println!("spawn:      {answers:?} after {:?}", start.elapsed());
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn sequential_calls_add_up() {
        let start = Instant::now();
        assert_eq!(sequential().await, ["a", "b", "c"]);
        assert_eq!(start.elapsed(), Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn joined_calls_overlap() {
        let start = Instant::now();
        assert_eq!(joined().await, ["a", "b", "c"]);
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn spawned_calls_overlap() {
        let start = Instant::now();
        assert_eq!(spawned().await, ["a", "b", "c"]);
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }
}
