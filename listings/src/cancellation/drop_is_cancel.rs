// A future is cancelled by being dropped. A drop guard inside the future
// records how far it got before that happened.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::{sleep, timeout};

// ANCHOR: job
/// A shared log of what happened, in order.
type Log = Arc<Mutex<Vec<String>>>;

fn record(log: &Log, line: String) {
    log.lock().unwrap().push(line);
}

/// Lives inside the job. Its `Drop` runs however the job ends: after the last
/// step, or at whichever `.await` the job was waiting at when it was dropped.
struct Progress {
    job: &'static str,
    steps_done: u32,
    finished: bool,
    log: Log,
}

impl Drop for Progress {
    fn drop(&mut self) {
        let line = if self.finished {
            format!("{}: finished", self.job)
        } else {
            format!("{}: dropped after {} steps", self.job, self.steps_done)
        };
        record(&self.log, line);
    }
}

/// Three steps of one second each.
async fn three_steps(job: &'static str, log: Log) {
    let mut progress = Progress {
        job,
        steps_done: 0,
        finished: false,
        log: log.clone(),
    };
    for step in 1..=3 {
        // Each `.await` is a point where the job may be dropped. If it is,
        // the lines below it never run.
        sleep(Duration::from_secs(1)).await;
        progress.steps_done = step;
        record(&log, format!("{job}: step {step} done"));
    }
    progress.finished = true;
}
// ANCHOR_END: job

// ANCHOR: main
async fn run_all(log: &Log) {
    // Created and dropped without ever being polled: it never started.
    let never_awaited = three_steps("never awaited", log.clone());
    drop(never_awaited);

    // Dropped by `timeout` while waiting in its third step.
    let _ = timeout(
        Duration::from_millis(2500),
        three_steps("timeout", log.clone()),
    )
    .await;

    // Dropped by `select!` because the other branch finished first.
    tokio::select! {
        _ = three_steps("select", log.clone()) => {}
        _ = sleep(Duration::from_millis(1500)) => {}
    }

    // Awaited to the end.
    three_steps("awaited", log.clone()).await;
}
// ANCHOR_END: main

// ANCHOR: not_polling
/// Polled until it has done one step, then left alone, then dropped.
async fn paused_then_dropped(log: &Log) {
    let mut job = Box::pin(three_steps("paused", log.clone()));
    // Polled for 1.5 s: step 1 is done, and it waits in step 2.
    let _ = timeout(Duration::from_millis(1500), job.as_mut()).await;
    // A minute without polls: nothing runs, not even its guard.
    sleep(Duration::from_secs(60)).await;
    record(log, "paused: a minute without polls".to_string());
    // Dropping it is what cancels it.
    drop(job);
}
// ANCHOR_END: not_polling

#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    let log = Log::default();
    run_all(&log).await;
    paused_then_dropped(&log).await;
    for line in log.lock().unwrap().iter() {
        println!("{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn each_job_stops_at_the_await_where_it_was_dropped() {
        let log = Log::default();
        let start = Instant::now();
        run_all(&log).await;

        assert_eq!(
            *log.lock().unwrap(),
            [
                "timeout: step 1 done",
                "timeout: step 2 done",
                "timeout: dropped after 2 steps",
                "select: step 1 done",
                "select: dropped after 1 steps",
                "awaited: step 1 done",
                "awaited: step 2 done",
                "awaited: step 3 done",
                "awaited: finished",
            ]
        );
        // 2.5 s + 1.5 s + 3 s: nothing waited for a dropped job to finish.
        assert_eq!(start.elapsed(), Duration::from_secs(7));
    }

    #[tokio::test(start_paused = true)]
    async fn a_future_nobody_polls_is_paused_until_it_is_dropped() {
        let log = Log::default();
        paused_then_dropped(&log).await;
        assert_eq!(
            *log.lock().unwrap(),
            [
                "paused: step 1 done",
                "paused: a minute without polls",
                "paused: dropped after 1 steps"
            ]
        );
    }
}
