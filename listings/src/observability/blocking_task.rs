// Finding the task that blocks its worker from metrics alone. Each kind of task
// gets its own `TaskMonitor`; a poll that runs longer than the monitor's
// slow-poll threshold is counted as slow. The blocker is the task whose polls
// are slow, whatever it says about itself.
//
// This listing runs on the real clock: `TaskMonitor` measures polls with
// tokio's `Instant`, and on a paused clock a poll that blocks takes no time.
use std::time::Duration;
use tokio_metrics::TaskMonitor;

/// A poll longer than this counts as slow. Far above a polite poll (a few
/// microseconds), far below the blocker's.
const SLOW_POLL: Duration = Duration::from_millis(50);

// ANCHOR: tasks
/// Yields often and does little between `.await`s.
async fn polite() {
    for _ in 0..3 {
        tokio::task::yield_now().await;
    }
}

/// Blocks its worker twice: `std::thread::sleep` stands in for any long
/// computation or blocking call made between two `.await`s.
async fn blocker() {
    for _ in 0..2 {
        std::thread::sleep(Duration::from_millis(100));
        tokio::task::yield_now().await;
    }
}
// ANCHOR_END: tasks

// ANCHOR: find
/// The names of the monitored tasks that spent most of their polls blocking.
fn blocking_tasks<'a>(monitors: &[(&'a str, &TaskMonitor)]) -> Vec<&'a str> {
    monitors
        .iter()
        .filter(|(_, monitor)| monitor.cumulative().slow_poll_ratio() > 0.5)
        .map(|(name, _)| *name)
        .collect()
}
// ANCHOR_END: find

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    let polite_monitor = TaskMonitor::with_slow_poll_threshold(SLOW_POLL);
    let blocker_monitor = TaskMonitor::with_slow_poll_threshold(SLOW_POLL);
    let a = tokio::spawn(polite_monitor.instrument(polite()));
    let b = tokio::spawn(blocker_monitor.instrument(blocker()));
    a.await.unwrap();
    b.await.unwrap();

    let monitors = [("polite", &polite_monitor), ("blocker", &blocker_monitor)];
    for (name, monitor) in monitors {
        let metrics = monitor.cumulative();
        println!(
            "{name}: {} polls, {} of them slow",
            metrics.total_poll_count, metrics.total_slow_poll_count
        );
    }
    println!("blocking its worker: {:?}", blocking_tasks(&monitors));
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    // Real clock, see the top of the file: the blocker sleeps 200 ms in all.
    #[tokio::test]
    async fn the_blocker_is_found_from_its_slow_polls() {
        let polite_monitor = TaskMonitor::with_slow_poll_threshold(SLOW_POLL);
        let blocker_monitor = TaskMonitor::with_slow_poll_threshold(SLOW_POLL);
        let a = tokio::spawn(polite_monitor.instrument(polite()));
        let b = tokio::spawn(blocker_monitor.instrument(blocker()));
        a.await.unwrap();
        b.await.unwrap();

        let blocked = blocker_monitor.cumulative();
        assert_eq!(blocked.total_poll_count, 3);
        // Each of its first two polls slept 100 ms: at least those are slow.
        assert!(blocked.total_slow_poll_count >= 2);
        assert!(blocked.total_poll_duration >= Duration::from_millis(200));
        assert_eq!(polite_monitor.cumulative().total_poll_count, 4);
        let monitors = [("polite", &polite_monitor), ("blocker", &blocker_monitor)];
        assert_eq!(blocking_tasks(&monitors), ["blocker"]);
    }

    #[tokio::test(start_paused = true)]
    async fn on_a_paused_clock_a_blocked_poll_takes_no_time() {
        let monitor = TaskMonitor::with_slow_poll_threshold(Duration::from_millis(1));
        tokio::spawn(monitor.instrument(async {
            std::thread::sleep(Duration::from_millis(5));
        }))
        .await
        .unwrap();
        let metrics = monitor.cumulative();
        assert_eq!(metrics.total_poll_count, 1);
        assert_eq!(metrics.total_poll_duration, Duration::ZERO);
        assert_eq!(metrics.total_slow_poll_count, 0);
    }
}
