// What an `Interval` does after a tick that took too long, for each
// `MissedTickBehavior`. The period is 100 ms; the work done at the second
// tick takes 350 ms, three and a half periods, or 104 ms, just over one.

use std::time::Duration;
use tokio::time::{Instant, MissedTickBehavior, interval, sleep};

// ANCHOR: record
pub const PERIOD: Duration = Duration::from_millis(100);
pub const SLOW_WORK: Duration = Duration::from_millis(350);

/// Runs `ticks` ticks of a 100 ms interval and returns the instant (in ms
/// since the start) at which each tick completed. The work after the
/// second tick takes `slow_work`; every other tick's work is instant.
pub async fn tick_times(
    behavior: MissedTickBehavior,
    ticks: usize,
    slow_work: Duration,
) -> Vec<u128> {
    let start = Instant::now();
    let mut ticker = interval(PERIOD);
    ticker.set_missed_tick_behavior(behavior);

    let mut times = Vec::new();
    for tick in 0..ticks {
        ticker.tick().await;
        times.push(start.elapsed().as_millis());
        if tick == 1 {
            sleep(slow_work).await;
        }
    }
    times
}
// ANCHOR_END: record

#[tokio::main(flavor = "current_thread", start_paused = true)]
// ANCHOR: main
pub async fn main() {
    let show = |label: &str, times: Vec<u128>| {
        let times: Vec<String> = times.iter().map(|ms| format!("{ms:>4}")).collect();
        println!("{label:<20} ticks at ms: {}", times.join(" "));
    };
    for behavior in [
        MissedTickBehavior::Burst,
        MissedTickBehavior::Delay,
        MissedTickBehavior::Skip,
    ] {
        let label = format!("{behavior:?}, 350 ms work");
        show(&label, tick_times(behavior, 7, SLOW_WORK).await);
    }
    // A tick at most 5 ms late does not count as missed, with any behaviour.
    let just_late = Duration::from_millis(104);
    let times = tick_times(MissedTickBehavior::Delay, 7, just_late).await;
    show("Delay, 104 ms work", times);
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_first_tick_completes_immediately() {
        let start = Instant::now();
        let mut ticker = interval(Duration::from_secs(60));
        ticker.tick().await;
        assert_eq!(start.elapsed(), Duration::ZERO);
        ticker.tick().await;
        assert_eq!(start.elapsed(), Duration::from_secs(60));
    }

    #[tokio::test(start_paused = true)]
    async fn burst_is_the_default() {
        assert_eq!(
            interval(PERIOD).missed_tick_behavior(),
            MissedTickBehavior::Burst
        );
    }

    #[tokio::test(start_paused = true)]
    async fn burst_fires_the_missed_ticks_back_to_back() {
        // Ticks due at 200, 300 and 400 all fire at 450: three ticks in no
        // time at all. A rate limiter built on this would let a burst through.
        assert_eq!(
            tick_times(MissedTickBehavior::Burst, 7, SLOW_WORK).await,
            [0, 100, 450, 450, 450, 500, 600]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn delay_keeps_a_period_after_a_missed_tick() {
        let times = tick_times(MissedTickBehavior::Delay, 7, SLOW_WORK).await;
        for pair in times.windows(2) {
            assert!(pair[1] - pair[0] >= PERIOD.as_millis(), "{times:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_tick_up_to_5_ms_late_is_not_missed_even_with_delay() {
        // The tick due at 200 comes at 204, within tokio's 5 ms of slack, so
        // the schedule stays on the grid: the next tick is only 96 ms later.
        let just_late = Duration::from_millis(104);
        assert_eq!(
            tick_times(MissedTickBehavior::Delay, 5, just_late).await,
            [0, 100, 204, 300, 400]
        );
        // At 6 ms late the tick counts as missed, and `Delay` restarts from it.
        let late = Duration::from_millis(106);
        assert_eq!(
            tick_times(MissedTickBehavior::Delay, 5, late).await,
            [0, 100, 206, 306, 406]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn delay_restarts_the_period_from_the_late_tick() {
        // One late tick at 450, then a full period between every tick.
        assert_eq!(
            tick_times(MissedTickBehavior::Delay, 7, SLOW_WORK).await,
            [0, 100, 450, 550, 650, 750, 850]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn skip_drops_the_missed_ticks_and_keeps_the_grid() {
        // One late tick at 450, then back on the original 100 ms grid; the
        // gap after the late tick is shorter than a period.
        assert_eq!(
            tick_times(MissedTickBehavior::Skip, 7, SLOW_WORK).await,
            [0, 100, 450, 500, 600, 700, 800]
        );
    }
}
