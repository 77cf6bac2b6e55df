// CPU-bound work off the runtime, three ways: `spawn_blocking`, rayon's pool
// with a oneshot channel for the result, and a dedicated thread that serves
// jobs for the life of the program. Then the same eight jobs on each, measured.

use std::cell::Cell;
use std::collections::HashSet;
use std::future::Future;
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use tokio::sync::{mpsc, oneshot};

// ANCHOR: work
/// Work that only computes: no I/O and no `.await`, just the CPU.
pub fn crunch(rounds: u64) -> u64 {
    let mut x = rounds | 1;
    for _ in 0..rounds {
        // A xorshift step: cheap, and `black_box` stops the compiler from
        // working out the answer ahead of time.
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x = std::hint::black_box(x);
    }
    x
}
// ANCHOR_END: work

// ANCHOR: spawn_blocking
/// On tokio's blocking pool: a thread per job that is running, up to 512.
pub async fn on_blocking_pool<T: Send + 'static>(
    job: impl FnOnce() -> T + Send + 'static,
) -> T {
    tokio::task::spawn_blocking(job)
        .await
        .expect("the job panicked")
}
// ANCHOR_END: spawn_blocking

// ANCHOR: rayon
/// On rayon's pool, one thread per core. Rayon knows nothing of futures, so
/// the result comes back through a oneshot channel.
pub async fn on_rayon<T: Send + 'static>(
    job: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (reply, result) = oneshot::channel();
    rayon::spawn(move || {
        // A panic must not escape a job: rayon has nowhere to send it, and
        // with no panic handler set it aborts the whole process. Catch it.
        // (Asserting unwind safety is sound: after a panic nothing looks at
        // the job again, its panic only travels back.)
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
        // If the caller gave up (a timeout, a dropped request), `send` hands
        // the outcome back: ignore it, there is nobody left to tell.
        let _ = reply.send(outcome);
    });
    match result.await.expect("rayon dropped the job") {
        Ok(value) => value,
        // Panic again here, in the task, as `spawn_blocking`'s handle would.
        Err(panic) => std::panic::resume_unwind(panic),
    }
}
// ANCHOR_END: rayon

// ANCHOR: dedicated
type Job = Box<dyn FnOnce() + Send>;

/// A thread of its own that runs jobs one after another, for as long as a
/// handle to it exists. Clone the handle to share it between tasks.
#[derive(Clone)]
pub struct Cruncher {
    jobs: mpsc::Sender<Job>,
}

impl Cruncher {
    pub fn start() -> Cruncher {
        // Bounded: when the thread falls behind, `run` waits to hand it a job.
        let (jobs, mut queue) = mpsc::channel::<Job>(16);
        thread::Builder::new()
            .name("cruncher".to_string())
            .spawn(move || {
                // A plain thread, not a task, so it blocks on the queue.
                // The loop ends when every handle has been dropped.
                while let Some(job) = queue.blocking_recv() {
                    job();
                }
            })
            .expect("could not start the cruncher thread");
        Cruncher { jobs }
    }

    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> T {
        let (reply, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = reply.send(job());
        });
        // A job that panics ends the thread, and every `run` after it panics
        // with this message. If jobs can panic, catch it as `on_rayon` does.
        let stopped = "the cruncher thread stopped";
        self.jobs.send(job).await.expect(stopped);
        result.await.expect(stopped)
    }
}
// ANCHOR_END: dedicated

// ANCHOR: measure
/// What one way of running the jobs cost.
pub struct Figures {
    /// How many threads the jobs ran on.
    pub threads: usize,
    /// When the first result came back.
    pub first: Duration,
    /// When the last result came back.
    pub all: Duration,
    /// The longest gap between two beats of a 1 ms heartbeat on the runtime.
    pub worst_gap: Duration,
}

/// Starts `jobs` jobs of `rounds` rounds at once, each through `way`, next to
/// a heartbeat on the same thread.
pub async fn measure<F, Fut>(jobs: usize, rounds: u64, way: F) -> Figures
where
    F: Fn(Box<dyn FnOnce() -> ThreadId + Send>) -> Fut,
    Fut: Future<Output = ThreadId>,
{
    let start = Instant::now();
    let done = Cell::new(false);
    let mut worst_gap = Duration::ZERO;
    let heartbeat = async {
        while !done.get() {
            let asked = Instant::now();
            tokio::time::sleep(Duration::from_millis(1)).await;
            worst_gap = worst_gap.max(asked.elapsed());
        }
    };
    let work = async {
        let mut running: FuturesUnordered<_> = (0..jobs)
            .map(|_| {
                way(Box::new(move || {
                    std::hint::black_box(crunch(rounds));
                    thread::current().id()
                }))
            })
            .collect();
        let mut threads = HashSet::new();
        let mut first = None;
        while let Some(thread) = running.next().await {
            threads.insert(thread);
            first.get_or_insert(start.elapsed());
        }
        done.set(true);
        (threads.len(), first.unwrap_or_default(), start.elapsed())
    };
    let ((), (threads, first, all)) = tokio::join!(heartbeat, work);
    Figures {
        threads,
        first,
        all,
        worst_gap,
    }
}
// ANCHOR_END: measure

/// Rounds of `crunch` that take 10 to 20 ms in a debug build on a 2-core VM.
pub const ROUNDS: u64 = 2_000_000;

#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    let cruncher = Cruncher::start();
    let ways = [
        ("on the runtime", 0),
        ("spawn_blocking", 1),
        ("rayon + oneshot", 2),
        ("dedicated thread", 3),
    ];
    println!("8 jobs at once; times in ms");
    println!(
        "{:<18}{:>8}{:>8}{:>8}{:>11}",
        "", "threads", "first", "all", "worst gap"
    );
    for (name, way) in ways {
        let cruncher = cruncher.clone();
        let figures = measure(8, ROUNDS, |job| {
            let cruncher = cruncher.clone();
            async move {
                match way {
                    0 => job(),
                    1 => on_blocking_pool(job).await,
                    2 => on_rayon(job).await,
                    _ => cruncher.run(job).await,
                }
            }
        })
        .await;
        let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
        println!(
            "{name:<18}{:>8}{:>8}{:>8}{:>11}",
            figures.threads,
            ms(figures.first),
            ms(figures.all),
            ms(figures.worst_gap)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

    // The three ways, each as one function of the same shape.
    async fn blocking_pool(job: Box<dyn FnOnce() -> u32 + Send>) -> u32 {
        on_blocking_pool(job).await
    }
    async fn rayon_pool(job: Box<dyn FnOnce() -> u32 + Send>) -> u32 {
        on_rayon(job).await
    }
    async fn dedicated(job: Box<dyn FnOnce() -> u32 + Send>) -> u32 {
        Cruncher::start().run(job).await
    }

    /// Runs a CPU job that spins until a heartbeat on the runtime has beaten
    /// three times, and returns how many beats the job saw. If the job ran
    /// on the runtime's thread, the heartbeat could never beat: the job would
    /// give up after 10 s and see none.
    ///
    /// Real time: the job is a real thread spinning, which a paused clock
    /// cannot see. Nothing depends on how fast it spins or on the core count.
    async fn beats_seen_by_a_job<Fut>(
        way: impl FnOnce(Box<dyn FnOnce() -> u32 + Send>) -> Fut,
    ) -> u32
    where
        Fut: Future<Output = u32>,
    {
        let beats = Arc::new(AtomicU32::new(0));
        let seen = beats.clone();
        let job = Box::new(move || {
            let start = Instant::now();
            while seen.load(Ordering::SeqCst) < 3 && start.elapsed().as_secs() < 10 {
                std::hint::spin_loop();
            }
            seen.load(Ordering::SeqCst)
        });
        let heartbeat = async {
            loop {
                tokio::time::sleep(Duration::from_millis(1)).await;
                beats.fetch_add(1, Ordering::SeqCst);
            }
        };
        tokio::select! {
            seen = way(job) => seen,
            _ = heartbeat => unreachable!(),
        }
    }

    #[tokio::test]
    async fn the_runtime_keeps_beating_while_spawn_blocking_works() {
        assert!(beats_seen_by_a_job(blocking_pool).await >= 3);
    }

    #[tokio::test]
    async fn the_runtime_keeps_beating_while_rayon_works() {
        assert!(beats_seen_by_a_job(rayon_pool).await >= 3);
    }

    #[tokio::test]
    async fn the_runtime_keeps_beating_while_the_dedicated_thread_works() {
        assert!(beats_seen_by_a_job(dedicated).await >= 3);
    }

    #[tokio::test]
    async fn each_way_returns_the_jobs_result() {
        let expected = crunch(1000);
        assert_eq!(on_blocking_pool(|| crunch(1000)).await, expected);
        assert_eq!(on_rayon(|| crunch(1000)).await, expected);
        assert_eq!(Cruncher::start().run(|| crunch(1000)).await, expected);
    }

    #[tokio::test]
    async fn rayons_result_arrives_through_the_oneshot_from_a_pool_thread() {
        let (value, index) =
            on_rayon(|| (crunch(1000), rayon::current_thread_index())).await;
        assert_eq!(value, crunch(1000));
        assert!(index.is_some(), "the job ran outside rayon's pool");
    }

    #[tokio::test]
    async fn a_caller_that_gives_up_does_not_panic_the_pool() {
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let gave_up = tokio::time::timeout(
            Duration::from_millis(10),
            on_rayon(move || {
                // Bounded, so that a job run on the runtime's own thread by
                // mistake fails the test instead of hanging it.
                let _ = wait.recv_timeout(Duration::from_secs(10));
                1
            }),
        )
        .await;
        assert!(gave_up.is_err(), "the job should still be waiting");
        // The receiver is gone; now let the job finish and send into nothing.
        release.send(()).unwrap();
        // `broadcast` runs on every pool thread once that thread is free, so
        // when it returns, the job above has finished and sent. Had the send
        // panicked, rayon would have aborted this process.
        rayon::broadcast(|_| ());
        assert_eq!(on_rayon(|| 2).await, 2, "the pool still works");
    }

    #[tokio::test]
    async fn a_panicking_job_panics_the_caller_not_the_process() {
        let caller = tokio::spawn(on_rayon(|| -> u32 { panic!("the job failed") }));
        let error = caller.await.unwrap_err();
        assert!(error.is_panic());
        let message = error.into_panic();
        assert_eq!(message.downcast_ref::<&str>(), Some(&"the job failed"));
        assert_eq!(on_rayon(|| 2).await, 2, "the pool still works");
    }

    #[tokio::test]
    async fn the_blocking_pool_gives_every_waiting_job_a_thread() {
        // 16 jobs that each wait until all 16 are running at once, or until a
        // deadline shared by all of them. Real time: the jobs are real threads
        // waiting on each other. (A `Barrier` would hang forever instead of
        // failing if the jobs ever ran one at a time.)
        let arrived = Arc::new(AtomicUsize::new(0));
        let deadline = Instant::now() + Duration::from_secs(10);
        let jobs: Vec<_> = (0..16)
            .map(|_| {
                let arrived = arrived.clone();
                on_blocking_pool(move || {
                    arrived.fetch_add(1, Ordering::SeqCst);
                    while arrived.load(Ordering::SeqCst) < 16
                        && Instant::now() < deadline
                    {
                        thread::sleep(Duration::from_millis(1));
                    }
                    arrived.load(Ordering::SeqCst)
                })
            })
            .collect();
        for seen in futures::future::join_all(jobs).await {
            assert_eq!(seen, 16, "the blocking pool ran fewer than 16 jobs at once");
        }
    }

    #[tokio::test]
    async fn rayon_runs_jobs_on_at_most_one_thread_per_core() {
        if std::env::var_os("RAYON_NUM_THREADS").is_none() {
            let cores = thread::available_parallelism().unwrap().get();
            assert_eq!(rayon::current_num_threads(), cores);
        }
        let jobs = (0..64).map(|_| on_rayon(|| thread::current().id()));
        let threads: HashSet<_> =
            futures::future::join_all(jobs).await.into_iter().collect();
        assert!(threads.len() <= rayon::current_num_threads());
    }

    #[tokio::test]
    async fn the_dedicated_thread_runs_jobs_one_at_a_time_on_itself() {
        let cruncher = Cruncher::start();
        let running = Arc::new(AtomicUsize::new(0));
        let jobs = (0..8).map(|_| {
            let running = running.clone();
            cruncher.run(move || {
                let overlapping = running.fetch_add(1, Ordering::SeqCst);
                crunch(10_000);
                running.fetch_sub(1, Ordering::SeqCst);
                (overlapping, thread::current().name().map(str::to_string))
            })
        });
        for (overlapping, name) in futures::future::join_all(jobs).await {
            assert_eq!(overlapping, 0, "two jobs ran at once");
            assert_eq!(name.as_deref(), Some("cruncher"));
        }
    }

    #[tokio::test]
    async fn the_dedicated_thread_ends_when_the_last_handle_is_dropped() {
        // Something the thread owns that tells us when the thread exits: a
        // thread-local's destructor runs as its thread ends.
        struct OnExit(std::sync::mpsc::Sender<()>);
        impl Drop for OnExit {
            fn drop(&mut self) {
                let _ = self.0.send(());
            }
        }
        thread_local!(static ON_EXIT: std::cell::RefCell<Option<OnExit>> =
            const { std::cell::RefCell::new(None) });
        let (exited, exit) = std::sync::mpsc::channel();
        let cruncher = Cruncher::start();
        let second = cruncher.clone();
        cruncher
            .run(move || {
                ON_EXIT.with(|slot| *slot.borrow_mut() = Some(OnExit(exited)))
            })
            .await;
        drop(cruncher);
        assert!(
            exit.try_recv().is_err(),
            "a handle is left: the thread runs on"
        );
        drop(second);
        // Real time: a real thread has to notice the queue closed and exit.
        let ended = exit.recv_timeout(Duration::from_secs(10));
        assert!(ended.is_ok(), "the thread did not end");
    }

    #[tokio::test]
    async fn a_panicking_job_stops_the_dedicated_thread_for_good() {
        let cruncher = Cruncher::start();
        let first = cruncher.clone();
        let failed =
            tokio::spawn(
                async move { first.run(|| -> u32 { panic!("bad job") }).await },
            );
        assert!(failed.await.unwrap_err().is_panic());
        let next = tokio::spawn(async move { cruncher.run(|| 1).await });
        let error = next.await.unwrap_err();
        let message = error.into_panic();
        let message = message.downcast_ref::<String>().map(String::as_str);
        assert!(message.is_some_and(|m| m.contains("the cruncher thread stopped")));
    }

    #[tokio::test]
    async fn measure_counts_threads_and_orders_the_times() {
        let cruncher = Cruncher::start();
        let figures = measure(4, 1000, |job| {
            let cruncher = cruncher.clone();
            async move { cruncher.run(job).await }
        })
        .await;
        assert_eq!(figures.threads, 1);
        assert!(figures.first <= figures.all);
        // On the runtime's own thread the heartbeat waits for every job.
        let figures = measure(4, ROUNDS / 10, |job| async move { job() }).await;
        assert_eq!(figures.threads, 1);
        assert!(figures.worst_gap >= figures.all - figures.first);
    }
}
