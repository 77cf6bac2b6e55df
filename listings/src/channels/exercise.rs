// Exercise: a bounded work queue. Jobs wait in a bounded mpsc channel, a
// fixed number of workers take them, and each job's result comes back on its
// own oneshot channel.

// ANCHOR: attempt
pub mod attempt {
    use std::time::Duration;

    use tokio::sync::{mpsc, oneshot};
    use tokio::task::JoinHandle;

    /// One job: sleep `input` milliseconds (the simulated work), then
    /// answer `input * 2` on `reply`.
    pub struct Job {
        pub input: u64,
        pub reply: oneshot::Sender<u64>,
    }

    /// Why `try_submit` did not queue a job. Each variant gives the input back.
    #[derive(Debug, PartialEq)]
    pub enum TrySubmitError {
        Full(u64),
        Closed(u64),
    }

    /// The queue is shut down: no worker will ever take the job.
    #[derive(Debug, PartialEq)]
    pub struct Closed(pub u64);

    #[allow(dead_code)]
    pub struct WorkQueue {
        jobs: mpsc::Sender<Job>,
        workers: Vec<JoinHandle<()>>,
    }

    /// Does one job's work.
    pub async fn work(input: u64) -> u64 {
        tokio::time::sleep(Duration::from_millis(input)).await;
        input * 2
    }

    #[allow(unused_variables)]
    impl WorkQueue {
        /// Starts `workers` tasks that take jobs from one queue holding at
        /// most `capacity` waiting jobs. (Hint: the workers can share the
        /// receiver behind an `Arc<tokio::sync::Mutex<_>>`.)
        pub fn start(capacity: usize, workers: usize) -> WorkQueue {
            todo!()
        }

        /// Waits for room in the queue (use `reserve`), then queues the job.
        /// Returns the receiver on which its result will arrive.
        pub async fn submit(
            &self,
            input: u64,
        ) -> Result<oneshot::Receiver<u64>, Closed> {
            todo!()
        }

        /// Queues the job only if there is room right now.
        pub fn try_submit(
            &self,
            input: u64,
        ) -> Result<oneshot::Receiver<u64>, TrySubmitError> {
            todo!()
        }

        /// Stops taking jobs, lets the workers finish every queued job, and
        /// waits for them to exit.
        pub async fn shutdown(self) {
            todo!()
        }
    }
}
// ANCHOR_END: attempt

// ANCHOR: solution
pub mod solution {
    use std::sync::Arc;
    use std::time::Duration;

    use tokio::sync::mpsc::error::TrySendError;
    use tokio::sync::{Mutex, mpsc, oneshot};
    use tokio::task::JoinHandle;

    pub struct Job {
        pub input: u64,
        pub reply: oneshot::Sender<u64>,
    }

    #[derive(Debug, PartialEq)]
    pub enum TrySubmitError {
        Full(u64),
        Closed(u64),
    }

    #[derive(Debug, PartialEq)]
    pub struct Closed(pub u64);

    pub struct WorkQueue {
        jobs: mpsc::Sender<Job>,
        workers: Vec<JoinHandle<()>>,
    }

    pub async fn work(input: u64) -> u64 {
        tokio::time::sleep(Duration::from_millis(input)).await;
        input * 2
    }

    impl WorkQueue {
        pub fn start(capacity: usize, workers: usize) -> WorkQueue {
            let (jobs, queue) = mpsc::channel::<Job>(capacity);
            // One receiver, shared. The lock is held only while waiting for
            // the next job, never while working on it, so workers overlap.
            // It is a tokio Mutex because it is held across `recv().await`.
            let queue = Arc::new(Mutex::new(queue));
            let workers = (0..workers)
                .map(|_| {
                    let queue = queue.clone();
                    tokio::spawn(async move {
                        loop {
                            let next = queue.lock().await.recv().await;
                            // `None`: every sender is gone and the queue is
                            // drained, which is how `shutdown` stops us.
                            let Some(Job { input, reply }) = next else {
                                break;
                            };
                            let output = work(input).await;
                            // The submitter may have stopped waiting.
                            let _ = reply.send(output);
                        }
                    })
                })
                .collect();
            WorkQueue { jobs, workers }
        }

        pub async fn submit(
            &self,
            input: u64,
        ) -> Result<oneshot::Receiver<u64>, Closed> {
            // Claim a slot first; only then build the job. If this call is
            // cancelled while waiting, nothing has been created or lost.
            let Ok(permit) = self.jobs.reserve().await else {
                return Err(Closed(input));
            };
            let (reply, result) = oneshot::channel();
            permit.send(Job { input, reply });
            Ok(result)
        }

        pub fn try_submit(
            &self,
            input: u64,
        ) -> Result<oneshot::Receiver<u64>, TrySubmitError> {
            let (reply, result) = oneshot::channel();
            match self.jobs.try_send(Job { input, reply }) {
                Ok(()) => Ok(result),
                Err(TrySendError::Full(job)) => Err(TrySubmitError::Full(job.input)),
                Err(TrySendError::Closed(job)) => {
                    Err(TrySubmitError::Closed(job.input))
                }
            }
        }

        pub async fn shutdown(self) {
            // Dropping the only sender closes the channel. The workers still
            // drain what is queued, then see `None` and exit.
            drop(self.jobs);
            for worker in self.workers {
                worker.await.expect("a worker panicked");
            }
        }
    }
}
// ANCHOR_END: solution

#[cfg(test)]
mod tests {
    #[cfg(feature = "attempt")]
    use super::attempt::*;
    #[cfg(not(feature = "attempt"))]
    use super::solution::*;

    use std::time::Duration;
    use tokio::time::{Instant, timeout};

    const LIMIT: Duration = Duration::from_secs(60);

    #[tokio::test(start_paused = true)]
    async fn each_job_gets_its_own_result() {
        let queue = WorkQueue::start(4, 2);
        let a = queue.submit(10).await.unwrap();
        let b = queue.submit(20).await.unwrap();
        let c = queue.submit(30).await.unwrap();
        assert_eq!(timeout(LIMIT, c).await.unwrap(), Ok(60));
        assert_eq!(timeout(LIMIT, a).await.unwrap(), Ok(20));
        assert_eq!(timeout(LIMIT, b).await.unwrap(), Ok(40));
    }

    #[tokio::test(start_paused = true)]
    async fn submit_waits_while_the_queue_is_full() {
        // One worker, room for two waiting jobs, one second per job.
        let queue = WorkQueue::start(2, 1);
        let start = Instant::now();
        let mut submitted_at = Vec::new();
        let mut results = Vec::new();
        for _ in 0..5 {
            results.push(timeout(LIMIT, queue.submit(1000)).await.unwrap().unwrap());
            submitted_at.push(start.elapsed().as_secs());
        }
        // One job running and two waiting: the fourth must wait for the
        // worker to take the second, at 1 s, and the fifth until 2 s.
        assert_eq!(submitted_at, [0, 0, 0, 1, 2]);
        for result in results {
            assert_eq!(timeout(LIMIT, result).await.unwrap(), Ok(2000));
        }
        assert_eq!(start.elapsed(), Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn workers_run_jobs_concurrently() {
        let queue = WorkQueue::start(8, 3);
        let start = Instant::now();
        let mut results = Vec::new();
        for _ in 0..6 {
            results.push(queue.submit(1000).await.unwrap());
        }
        for result in results {
            assert_eq!(timeout(LIMIT, result).await.unwrap(), Ok(2000));
        }
        // Six one-second jobs on three workers: two seconds.
        assert_eq!(start.elapsed(), Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn try_submit_reports_a_full_queue_and_gives_the_input_back() {
        let queue = WorkQueue::start(1, 1);
        let first = queue.try_submit(1000).unwrap();
        // Let the worker take the first job, leaving the one slot free.
        tokio::time::sleep(Duration::from_millis(1)).await;
        let second = queue.try_submit(1000).unwrap();
        assert_eq!(queue.try_submit(7).unwrap_err(), TrySubmitError::Full(7));
        assert_eq!(timeout(LIMIT, first).await.unwrap(), Ok(2000));
        assert_eq!(timeout(LIMIT, second).await.unwrap(), Ok(2000));
    }

    #[tokio::test(start_paused = true)]
    async fn shutdown_finishes_every_queued_job() {
        let queue = WorkQueue::start(8, 1);
        let start = Instant::now();
        let mut results = Vec::new();
        for input in [100, 200, 300] {
            results.push(queue.submit(input).await.unwrap());
        }
        timeout(LIMIT, queue.shutdown())
            .await
            .expect("shutdown ends");
        // The single worker ran all three jobs, one after the other.
        assert_eq!(start.elapsed(), Duration::from_millis(600));
        let mut outputs = Vec::new();
        for result in results {
            outputs.push(result.await.unwrap());
        }
        assert_eq!(outputs, [200, 400, 600]);
    }

    #[test]
    #[should_panic(
        expected = "must be called from the context of a Tokio 1.x runtime"
    )]
    fn start_outside_a_runtime_panics() {
        // `start` spawns the workers, and spawning needs a runtime.
        let _queue = WorkQueue::start(1, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_queue_without_workers_refuses_jobs_and_gives_the_input_back() {
        // With no worker, nobody holds the receiver: the channel is closed
        // from the start, and no job could ever run. `submit` must say so
        // at once instead of handing out a result that never comes.
        let queue = WorkQueue::start(4, 0);
        let refused = timeout(LIMIT, queue.submit(5)).await.expect("no waiting");
        assert_eq!(refused.unwrap_err(), Closed(5));
        assert_eq!(queue.try_submit(6).unwrap_err(), TrySubmitError::Closed(6));
    }

    #[tokio::test(start_paused = true)]
    async fn a_submitter_that_stops_waiting_does_not_break_the_queue() {
        let queue = WorkQueue::start(4, 1);
        let abandoned = queue.submit(500).await.unwrap();
        drop(abandoned);
        let kept = queue.submit(100).await.unwrap();
        assert_eq!(timeout(LIMIT, kept).await.unwrap(), Ok(200));
    }
}
