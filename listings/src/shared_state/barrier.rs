// Barrier: N tasks wait for each other, then all go on together.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Barrier;
use tokio::time::{Instant, sleep};

// ANCHOR: phases
/// Runs one task per entry of `warm_up`. Each spends its own time warming
/// up, then waits at the barrier until all have arrived. Returns, per task,
/// when it started its main phase and whether it was the barrier's leader.
pub async fn start_together(warm_up: Vec<Duration>) -> Vec<(Duration, bool)> {
    let start = Instant::now();
    let barrier = Arc::new(Barrier::new(warm_up.len()));
    let tasks: Vec<_> = warm_up
        .into_iter()
        .map(|time| {
            let barrier = barrier.clone();
            tokio::spawn(async move {
                sleep(time).await; // warming up: a cache, a connection
                // Waits until `n` tasks have called `wait`. Exactly one of
                // them is told it is the leader, handy for one-off work
                // such as logging "all ready".
                let result = barrier.wait().await;
                (start.elapsed(), result.is_leader())
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap());
    }
    results
}
// ANCHOR_END: phases

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn everyone_starts_when_the_slowest_arrives() {
        let secs = Duration::from_secs;
        let results = start_together(vec![secs(1), secs(3), secs(2)]).await;
        assert!(results.iter().all(|&(at, _)| at == secs(3)));
        assert_eq!(results.iter().filter(|&&(_, leader)| leader).count(), 1);
    }
}
