// Exercise: a gate in front of a service. At most `running` jobs run at once,
// at most `waiting` more wait for their turn, and any job beyond that is
// turned away at once, given back to its caller inside the error.

// ANCHOR: attempt
pub mod attempt {
    use std::fmt;

    /// The error of a job that found no room: the job comes back unstarted.
    pub struct Busy<F>(pub F);

    impl<F> fmt::Debug for Busy<F> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("Busy(..)")
        }
    }

    impl<F> fmt::Display for Busy<F> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("busy: too many jobs running and waiting, try again later")
        }
    }

    /// Lets at most `running` jobs run at once and `waiting` more wait.
    pub struct Gate {
        // Your fields here.
    }

    impl Gate {
        /// A gate for `running` jobs at once (at least 1) and `waiting` more.
        pub fn new(running: usize, waiting: usize) -> Self {
            let _ = (running, waiting);
            todo!()
        }

        /// Runs `job` and returns its output, waiting for a turn if `running`
        /// jobs are running. Returns `Err(Busy(job))` at once, without
        /// polling `job`, if `running + waiting` jobs are already inside.
        /// If this future is dropped while it waits, its place is freed.
        pub async fn run<F: Future>(&self, job: F) -> Result<F::Output, Busy<F>> {
            drop(job);
            todo!()
        }
    }
}
// ANCHOR_END: attempt

// ANCHOR: solution
pub mod solution {
    use std::fmt;

    use tokio::sync::Semaphore;

    /// The error of a job that found no room: the job comes back unstarted.
    pub struct Busy<F>(pub F);

    impl<F> fmt::Debug for Busy<F> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("Busy(..)")
        }
    }

    impl<F> fmt::Display for Busy<F> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("busy: too many jobs running and waiting, try again later")
        }
    }

    /// Lets at most `running` jobs run at once and `waiting` more wait.
    pub struct Gate {
        /// One permit for each job inside the gate, running or waiting:
        /// taken with `try_acquire`, so a job that finds none is shed.
        inside: Semaphore,
        /// One permit for each running job: taken with `acquire`, so a job
        /// that finds none waits for its turn.
        running: Semaphore,
    }

    impl Gate {
        /// A gate for `running` jobs at once (at least 1) and `waiting` more.
        pub fn new(running: usize, waiting: usize) -> Self {
            assert!(running > 0, "a gate that runs nothing would hang");
            Gate {
                inside: Semaphore::new(running + waiting),
                running: Semaphore::new(running),
            }
        }

        /// Runs `job` and returns its output, waiting for a turn if `running`
        /// jobs are running. Returns `Err(Busy(job))` at once, without
        /// polling `job`, if `running + waiting` jobs are already inside.
        /// If this future is dropped while it waits, its place is freed.
        pub async fn run<F: Future>(&self, job: F) -> Result<F::Output, Busy<F>> {
            // Shed first: never wait for a place in the queue.
            let Ok(_inside) = self.inside.try_acquire() else {
                return Err(Busy(job));
            };
            // Then wait for a turn. Both permits are dropped when this future
            // ends, finished or cancelled, which frees both places.
            let _turn = self.running.acquire().await.expect("never closed");
            Ok(job.await)
        }
    }
}
// ANCHOR_END: solution

#[allow(dead_code)]
fn main() {}

#[cfg(test)]
mod tests {
    #[cfg(feature = "attempt")]
    use super::attempt::*;
    #[cfg(not(feature = "attempt"))]
    use super::solution::*;

    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use futures::future::join_all;
    use tokio::time::{Instant, sleep, timeout};

    /// A second of work that counts how many such jobs run at once.
    async fn job(id: u32, now: Arc<AtomicUsize>, most: Arc<AtomicUsize>) -> u32 {
        let running = now.fetch_add(1, Ordering::SeqCst) + 1;
        most.fetch_max(running, Ordering::SeqCst);
        sleep(Duration::from_secs(1)).await;
        now.fetch_sub(1, Ordering::SeqCst);
        id
    }

    fn counters() -> (Arc<AtomicUsize>, Arc<AtomicUsize>) {
        (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)))
    }

    #[tokio::test(start_paused = true)]
    async fn a_job_runs_and_its_output_comes_back() {
        let gate = Gate::new(1, 0);
        assert_eq!(gate.run(async { 7 }).await.unwrap(), 7);
    }

    #[tokio::test(start_paused = true)]
    async fn at_most_running_jobs_run_at_once_and_the_waiting_ones_follow() {
        let gate = Gate::new(3, 7);
        let (now, most) = counters();
        let start = Instant::now();
        let jobs = (0..10).map(|id| gate.run(job(id, now.clone(), most.clone())));
        let results = join_all(jobs).await;
        let ids: Vec<u32> = results.into_iter().map(|r| r.unwrap()).collect();
        assert_eq!(ids, (0..10).collect::<Vec<_>>());
        assert_eq!(most.load(Ordering::SeqCst), 3);
        // Four rounds: 3, 3, 3 and 1.
        assert_eq!(start.elapsed(), Duration::from_secs(4));
    }

    #[tokio::test(start_paused = true)]
    async fn jobs_beyond_running_plus_waiting_are_shed_at_once_unstarted() {
        let gate = Gate::new(2, 1);
        let (now, most) = counters();
        let started = Arc::new(AtomicUsize::new(0));
        let start = Instant::now();
        let jobs = (0..5).map(|id| {
            let (now, most, started) = (now.clone(), most.clone(), started.clone());
            let gate = &gate;
            async move {
                let work = async move {
                    started.fetch_add(1, Ordering::SeqCst);
                    job(id, now, most).await
                };
                let at = Instant::now();
                let result = gate.run(work).await;
                (
                    result.map_err(|busy| (busy.to_string(), at.elapsed(), busy.0)),
                    id,
                )
            }
        });
        let mut shed = Vec::new();
        let mut done = Vec::new();
        for (result, id) in join_all(jobs).await {
            match result {
                Ok(out) => done.push(out),
                Err((message, waited, work)) => {
                    assert_eq!(
                        message,
                        "busy: too many jobs running and waiting, try again later"
                    );
                    assert_eq!(waited, Duration::ZERO, "rejected at once");
                    shed.push((id, work));
                }
            }
        }
        assert_eq!(done, [0, 1, 2]);
        assert_eq!(shed.iter().map(|(id, _)| *id).collect::<Vec<_>>(), [3, 4]);
        // The two shed jobs were never polled, and they come back intact.
        assert_eq!(started.load(Ordering::SeqCst), 3);
        // Two ran from 0 s to 1 s, the one that waited from 1 s to 2 s.
        assert_eq!(most.load(Ordering::SeqCst), 2);
        assert_eq!(start.elapsed(), Duration::from_secs(2));
        for (id, work) in shed {
            assert_eq!(work.await, id);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_finished_job_makes_room_again() {
        let gate = Gate::new(1, 0);
        assert_eq!(gate.run(async { 1 }).await.unwrap(), 1);
        assert_eq!(gate.run(async { 2 }).await.unwrap(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_waiting_job_that_is_cancelled_frees_its_place() {
        let gate = Gate::new(1, 1);
        let (now, most) = counters();
        let first = gate.run(job(1, now.clone(), most.clone()));
        let second = async {
            // Waits behind the first, then gives up after half a second.
            timeout(Duration::from_millis(500), gate.run(async { 2 })).await
        };
        let third = async {
            sleep(Duration::from_millis(600)).await;
            // The second has given up: its waiting place is free again.
            gate.run(async { 3 }).await.map_err(|_| "shed")
        };
        let (first, second, third) = tokio::join!(first, second, third);
        assert_eq!(first.unwrap(), 1);
        assert!(second.is_err(), "the second timed out waiting");
        assert_eq!(third, Ok(3));
    }

    #[tokio::test(start_paused = true)]
    async fn nothing_hangs_when_a_job_is_shed() {
        // A gate with no waiting room answers a full house with Busy, not
        // by waiting.
        let gate = Gate::new(1, 0);
        let (now, most) = counters();
        let first = gate.run(job(1, now, most));
        let second =
            async { timeout(Duration::from_millis(1), gate.run(async { 2 })).await };
        let (first, second) = tokio::join!(first, second);
        assert_eq!(first.unwrap(), 1);
        assert!(matches!(second, Ok(Err(Busy(_)))));
    }
}
