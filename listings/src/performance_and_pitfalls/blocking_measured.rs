// Blocking the runtime, measured: a heartbeat task on the same thread records
// how long it waits for its next turn while another task works.

use std::cell::Cell;
use std::future::Future;
use std::time::{Duration, Instant};

// ANCHOR: heartbeat
/// Runs `work` next to a heartbeat on the same task and reports how many
/// times the heartbeat got a turn, and the longest wait between two turns.
/// That wait is the extra latency any other task on this thread would see.
pub async fn heartbeat_during(work: impl Future<Output = ()>) -> (u32, Duration) {
    let done = Cell::new(false);
    let mut beats = 0;
    let mut worst = Duration::ZERO;
    let heartbeat = async {
        let mut last = Instant::now();
        while !done.get() {
            // Give the thread away, and note how long it took to come back.
            tokio::task::yield_now().await;
            worst = worst.max(last.elapsed());
            last = Instant::now();
            beats += 1;
        }
    };
    let work = async {
        work.await;
        done.set(true);
    };
    tokio::join!(heartbeat, work);
    (beats, worst)
}
// ANCHOR_END: heartbeat

// ANCHOR: work
/// Spins the CPU for `how_long` without ever reaching an `.await`.
pub fn busy_for(how_long: Duration) {
    let start = Instant::now();
    while start.elapsed() < how_long {
        std::hint::spin_loop();
    }
}

/// 20 ms of work in one piece: nothing else on the thread runs meanwhile.
pub async fn in_one_piece() {
    busy_for(Duration::from_millis(20));
}

/// The same 20 ms in 200 slices of 100 µs, yielding between slices.
pub async fn in_slices() {
    for _ in 0..200 {
        busy_for(Duration::from_micros(100));
        tokio::task::yield_now().await;
    }
}
// ANCHOR_END: work

#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    let (beats, worst) = heartbeat_during(in_one_piece()).await;
    println!("in one piece: {beats} heartbeat(s), worst wait {worst:?}");
    let (beats, worst) = heartbeat_during(in_slices()).await;
    println!("in slices:    {beats} heartbeat(s), worst wait {worst:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    // Real time, briefly (20 ms): a paused clock cannot see a thread spin.
    // Only the lower bound is asserted; a busy machine can only make it worse.
    #[tokio::test]
    async fn work_in_one_piece_starves_the_heartbeat_for_all_of_it() {
        let (beats, worst) = heartbeat_during(in_one_piece()).await;
        assert_eq!(beats, 1, "the heartbeat runs only once the work is done");
        assert!(worst >= Duration::from_millis(20), "worst wait {worst:?}");
    }

    #[tokio::test]
    async fn work_in_slices_lets_the_heartbeat_run_between_them() {
        let (beats, _) = heartbeat_during(in_slices()).await;
        assert!(beats >= 200, "only {beats} heartbeats");
    }
}
