// Exercise: every job runs in a task of its own, and every event a job logs
// must land in that job's span, `job{id=N}`, even while the jobs interleave.
//
// Test your attempt with:
//   cargo test -p listings --lib --features attempt observability::exercise

// ANCHOR: job
use std::time::Duration;
use tracing::info;

/// One job: logs when it starts and when it is done, with an `.await` between
/// during which the other jobs run.
pub async fn job(id: u64) {
    info!("started");
    tokio::time::sleep(Duration::from_millis(10 * id)).await;
    info!("done");
}
// ANCHOR_END: job

// ANCHOR: attempt
pub mod attempt {
    #[allow(unused_imports)]
    use super::job;
    #[allow(unused_imports)]
    use tracing::{Instrument, info_span};

    /// Spawns `job(id)` for each id, each in a task of its own and inside a
    /// span named `job` with the field `id`, and waits for all of them.
    pub async fn run_jobs(ids: &[u64]) {
        let _ = ids;
        todo!("spawn each job inside its own `job` span")
    }
}
// ANCHOR_END: attempt

// ANCHOR: solution
pub mod solution {
    use super::job;
    use tracing::{Instrument, info_span};

    /// Spawns `job(id)` for each id, each in a task of its own and inside a
    /// span named `job` with the field `id`, and waits for all of them.
    pub async fn run_jobs(ids: &[u64]) {
        let mut tasks = Vec::new();
        for &id in ids {
            // The span is attached to the future, not entered: the task
            // enters it for each poll and leaves it at every `.await`.
            let span = info_span!("job", id);
            tasks.push(tokio::spawn(job(id).instrument(span)));
        }
        for task in tasks {
            task.await.expect("a job panicked");
        }
    }
}
// ANCHOR_END: solution

#[allow(dead_code)]
fn main() {}

#[cfg(test)]
mod tests {
    #[cfg(feature = "attempt")]
    use super::attempt::run_jobs;
    #[cfg(not(feature = "attempt"))]
    use super::solution::run_jobs;
    use std::io;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// Runs the jobs on a paused current-thread runtime under a subscriber
    /// for this thread only, and returns each event as (span path, message).
    fn logged(ids: &'static [u64]) -> Vec<(String, String)> {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .without_time()
            .with_ansi(false)
            .with_target(false)
            .with_level(false)
            .finish();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap();
        tracing::subscriber::with_default(subscriber, || {
            runtime.block_on(run_jobs(ids))
        });
        let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        text.lines()
            .map(|line| match line.rsplit_once(": ") {
                Some((path, message)) => (path.to_owned(), message.to_owned()),
                None => (String::new(), line.to_owned()),
            })
            .collect()
    }

    fn event(path: &str, message: &str) -> (String, String) {
        (path.to_owned(), message.to_owned())
    }

    #[test]
    fn each_event_lands_in_its_own_job_span() {
        assert_eq!(
            logged(&[1, 2, 3]),
            [
                event("job{id=1}", "started"),
                event("job{id=2}", "started"),
                event("job{id=3}", "started"),
                event("job{id=1}", "done"),
                event("job{id=2}", "done"),
                event("job{id=3}", "done"),
            ]
        );
    }

    #[test]
    fn a_job_that_finishes_first_still_logs_in_its_own_span() {
        assert_eq!(
            logged(&[3, 1]),
            [
                event("job{id=3}", "started"),
                event("job{id=1}", "started"),
                event("job{id=1}", "done"),
                event("job{id=3}", "done"),
            ]
        );
    }

    #[test]
    fn no_jobs_log_nothing() {
        assert!(logged(&[]).is_empty());
    }
}
