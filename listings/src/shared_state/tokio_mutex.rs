// The tokio Mutex: for a resource you must hold across `.await`, such as an
// I/O connection. It is not re-entrant: locking it twice in one task waits
// forever.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWrite, AsyncWriteExt, DuplexStream};
use tokio::sync::Mutex;
use tokio::time::sleep;

// ANCHOR: log_writer
/// A log that many tasks write to. Each record is written in several
/// pieces, with `.await`s in between, and must still come out as one line.
pub struct SharedLog<W> {
    // A tokio Mutex: the guard is held across the `.await`s of the writes.
    // Other tasks that want the log wait at `lock().await` without blocking
    // their thread.
    writer: Arc<Mutex<W>>,
}

// Written out because `#[derive(Clone)]` would demand `W: Clone`; cloning
// the `Arc` needs no such thing.
impl<W> Clone for SharedLog<W> {
    fn clone(&self) -> Self {
        SharedLog {
            writer: self.writer.clone(),
        }
    }
}

impl<W: AsyncWrite + Unpin> SharedLog<W> {
    pub fn new(writer: W) -> Self {
        SharedLog {
            writer: Arc::new(Mutex::new(writer)),
        }
    }

    pub async fn write_record(&self, fields: &[&str]) -> std::io::Result<()> {
        let mut writer = self.writer.lock().await;
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                writer.write_all(b" ").await?;
            }
            writer.write_all(field.as_bytes()).await?;
            // A slow device: the task yields here, with the lock held, so
            // no other record can slip in between the fields.
            sleep(Duration::from_millis(10)).await;
        }
        writer.write_all(b"\n").await
    }
}
// ANCHOR_END: log_writer

// ANCHOR: reentrant
/// Withdraws from an account and returns the new balance.
pub async fn withdraw_deadlocks(balance: &Mutex<u64>, amount: u64) -> u64 {
    let mut guard = balance.lock().await;
    *guard -= amount;
    // BUG: `current_balance` locks the same mutex, which this task still
    // holds through `guard`. The lock waits for `guard` to be dropped, and
    // `guard` waits for the lock: forever.
    current_balance(balance).await
}

async fn current_balance(balance: &Mutex<u64>) -> u64 {
    *balance.lock().await
}
// ANCHOR_END: reentrant

// ANCHOR: reentrant_fixed
pub async fn withdraw(balance: &Mutex<u64>, amount: u64) -> u64 {
    let mut guard = balance.lock().await;
    *guard -= amount;
    // Use the guard you hold instead of locking again.
    *guard
}
// ANCHOR_END: reentrant_fixed

/// The same record, but the lock is taken anew for each field, so it is
/// not held across the pauses between fields.
pub async fn write_record_locking_per_field(
    log: &SharedLog<DuplexStream>,
    fields: &[&str],
) {
    for field in fields {
        log.writer
            .lock()
            .await
            .write_all(format!("{field} ").as_bytes())
            .await
            .unwrap();
        sleep(Duration::from_millis(10)).await;
    }
    log.writer.lock().await.write_all(b"\n").await.unwrap();
}

/// Three tasks write a record each through `write`; returns the log's lines.
async fn three_records<F>(
    write: impl Fn(SharedLog<DuplexStream>, &'static str) -> F,
) -> Vec<String>
where
    F: Future<Output = ()> + Send + 'static,
{
    let (writer, mut reader) = tokio::io::duplex(4096);
    let log = SharedLog::new(writer);
    let tasks: Vec<_> = ["a", "b", "c"]
        .into_iter()
        .map(|name| tokio::spawn(write(log.clone(), name)))
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    drop(log);
    let mut text = String::new();
    reader.read_to_string(&mut text).await.unwrap();
    text.lines().map(String::from).collect()
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    let whole = three_records(|log, name| async move {
        log.write_record(&[name, "1", "2", "3"]).await.unwrap();
    })
    .await;
    println!("lock held for the whole record: {whole:?}");
    let mixed = three_records(|log, name| async move {
        write_record_locking_per_field(&log, &[name, "1", "2", "3"]).await;
    })
    .await;
    println!("lock taken for each field:      {mixed:?}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::timeout;

    #[tokio::test(start_paused = true)]
    async fn records_written_concurrently_stay_whole() {
        let (writer, mut reader) = tokio::io::duplex(4096);
        let log = SharedLog::new(writer);
        let tasks: Vec<_> = ["a", "b", "c"]
            .into_iter()
            .map(|name| {
                let log = log.clone();
                tokio::spawn(
                    async move { log.write_record(&[name, "1", "2", "3"]).await },
                )
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        drop(log);

        let mut text = String::new();
        reader.read_to_string(&mut text).await.unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        lines.sort();
        assert_eq!(lines, ["a 1 2 3", "b 1 2 3", "c 1 2 3"]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_lock_released_between_fields_lets_records_interleave() {
        let (writer, mut reader) = tokio::io::duplex(4096);
        let log = SharedLog::new(writer);
        let tasks: Vec<_> = ["a", "b", "c"]
            .into_iter()
            .map(|name| {
                let log = log.clone();
                tokio::spawn(async move {
                    write_record_locking_per_field(&log, &[name, "1", "2", "3"]).await
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        drop(log);

        let mut text = String::new();
        reader.read_to_string(&mut text).await.unwrap();
        // The fields of the three records are shuffled together, and the
        // three newlines come last: one line, then two empty ones.
        assert_eq!(text, "a b c 1 1 1 2 2 2 3 3 3 \n\n\n");
    }

    #[tokio::test(start_paused = true)]
    async fn locking_twice_in_one_task_never_finishes() {
        let balance = Mutex::new(100);
        let outcome =
            timeout(Duration::from_secs(60), withdraw_deadlocks(&balance, 30)).await;
        assert!(outcome.is_err(), "the second lock should still be waiting");
        // The timeout dropped the future, and with it the guard: the mutex is
        // free again, and the withdrawal did happen.
        assert_eq!(*balance.try_lock().unwrap(), 70);
    }

    #[tokio::test]
    async fn using_the_held_guard_works() {
        let balance = Mutex::new(100);
        assert_eq!(withdraw(&balance, 30).await, 70);
    }
}
