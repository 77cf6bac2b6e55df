// A client paces its calls to an API with an `interval`: one call per tick
// of 100 ms, the most the API accepts. One call is slow. What happens next
// depends on the interval's `MissedTickBehavior`, and the API counts the
// calls that came too soon after the one before.

use std::time::Duration;
use tokio::time::{Instant, MissedTickBehavior, interval, sleep};

// ANCHOR: paced
/// The API's limit: at least 100 ms between two calls.
pub const MIN_GAP: Duration = Duration::from_millis(100);

/// Makes `calls` calls, one per tick of a 100 ms interval, and returns the
/// instant (in ms since the start) at which each call started. The second
/// call takes 350 ms to answer; the others answer at once.
pub async fn paced_calls(behavior: MissedTickBehavior, calls: usize) -> Vec<u64> {
    let start = Instant::now();
    let mut ticker = interval(MIN_GAP);
    ticker.set_missed_tick_behavior(behavior);

    let mut started = Vec::new();
    for call in 0..calls {
        ticker.tick().await;
        started.push(start.elapsed().as_millis() as u64);
        // The call itself. The loop waits for the answer, so a slow answer
        // makes the next `tick()` late: the ticks due meanwhile are missed.
        let answer_time = if call == 1 { 350 } else { 0 };
        sleep(Duration::from_millis(answer_time)).await;
    }
    started
}

/// How many calls the API refuses: those that started less than `MIN_GAP`
/// after the call before them.
pub fn refused(started: &[u64]) -> usize {
    let min_gap = MIN_GAP.as_millis() as u64;
    started
        .windows(2)
        .filter(|pair| pair[1] - pair[0] < min_gap)
        .count()
}
// ANCHOR_END: paced

#[tokio::main(flavor = "current_thread", start_paused = true)]
// ANCHOR: main
pub async fn main() {
    for behavior in [MissedTickBehavior::Burst, MissedTickBehavior::Delay] {
        let started = paced_calls(behavior, 7).await;
        let times: Vec<String> =
            started.iter().map(|ms| format!("{ms:>3}")).collect();
        println!(
            "{:<5} calls start at ms: {}",
            format!("{behavior:?}"),
            times.join(" ")
        );
        println!("      calls refused by the API: {}", refused(&started));
    }
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn burst_lets_three_calls_out_at_the_same_instant() {
        let started = paced_calls(MissedTickBehavior::Burst, 7).await;
        assert_eq!(started, [0, 100, 450, 450, 450, 500, 600]);
        assert_eq!(refused(&started), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn delay_keeps_every_call_a_full_gap_after_the_last() {
        let started = paced_calls(MissedTickBehavior::Delay, 7).await;
        assert_eq!(started, [0, 100, 450, 550, 650, 750, 850]);
        assert_eq!(refused(&started), 0);
    }

    #[test]
    fn refused_counts_only_gaps_shorter_than_the_limit() {
        assert_eq!(refused(&[0, 100, 199, 300, 300]), 2);
        assert_eq!(refused(&[]), 0);
    }
}
