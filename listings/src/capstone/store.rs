// Where accepted jobs live: a table in an SQLite file. A job is written here
// before the client hears that it was accepted, and its state is updated as
// it runs, so a restarted server finds every job that was not finished.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

// ANCHOR: store
/// A job as stored: its id, what to run and how far it got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredJob<Spec> {
    pub id: u64,
    pub spec: Spec,
    pub state: String,
    pub attempts: u32,
}

/// One connection to the jobs file. SQLite writes one transaction at a
/// time anyway, so one connection behind a lock is all a single server
/// needs; every call runs on the blocking pool, never on a runtime worker.
#[derive(Clone)]
pub struct Store {
    connection: Arc<Mutex<Connection>>,
}

impl Store {
    pub async fn open(path: &Path) -> rusqlite::Result<Store> {
        let path = path.to_path_buf();
        let connection = tokio::task::spawn_blocking(move || {
            let connection = Connection::open(path)?;
            // `FULL` syncs the log on every commit: a commit that returned
            // survives a crash of the machine, not only of the process.
            connection.pragma_update(None, "journal_mode", "WAL")?;
            connection.pragma_update(None, "synchronous", "FULL")?;
            connection.execute_batch(
                "CREATE TABLE IF NOT EXISTS jobs (
                     id       INTEGER PRIMARY KEY AUTOINCREMENT,
                     spec     TEXT NOT NULL,
                     state    TEXT NOT NULL,
                     attempts INTEGER NOT NULL DEFAULT 0
                 )",
            )?;
            Ok::<_, rusqlite::Error>(connection)
        })
        .await
        .expect("opening the store panicked")?;
        Ok(Store {
            connection: Arc::new(Mutex::new(connection)),
        })
    }

    /// Runs `query` with the connection, on the blocking pool.
    async fn with<T: Send + 'static>(
        &self,
        query: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> rusqlite::Result<T> {
        let connection = self.connection.clone();
        tokio::task::spawn_blocking(move || query(&connection.lock().unwrap()))
            .await
            .expect("a query panicked")
    }

    /// Stores a new job as queued and returns its id. When this returns
    /// `Ok`, the job is on disk.
    pub async fn insert<Spec: Serialize>(
        &self,
        spec: &Spec,
    ) -> rusqlite::Result<u64> {
        let spec = serde_json::to_string(spec).expect("a spec is plain data");
        self.with(move |db| {
            db.execute(
                "INSERT INTO jobs (spec, state) VALUES (?1, 'queued')",
                params![spec],
            )?;
            Ok(db.last_insert_rowid() as u64)
        })
        .await
    }

    /// Records a new state; `started` counts one more attempt.
    pub async fn set_state(
        &self,
        id: u64,
        state: &'static str,
        started: bool,
    ) -> rusqlite::Result<()> {
        self.with(move |db| {
            db.execute(
                "UPDATE jobs SET state = ?2, attempts = attempts + ?3
                 WHERE id = ?1",
                params![id as i64, state, started as u32],
            )?;
            Ok(())
        })
        .await
    }

    /// Every job, oldest first.
    pub async fn all<Spec>(&self) -> rusqlite::Result<Vec<StoredJob<Spec>>>
    where
        Spec: for<'de> Deserialize<'de> + Send + 'static,
    {
        self.with(|db| {
            let mut query =
                db.prepare("SELECT id, spec, state, attempts FROM jobs ORDER BY id")?;
            let rows = query.query_map([], |row| {
                let spec: String = row.get(1)?;
                Ok(StoredJob {
                    id: row.get::<_, i64>(0)? as u64,
                    spec: serde_json::from_str(&spec).map_err(|error| {
                        rusqlite::Error::FromSqlConversionFailure(
                            1,
                            rusqlite::types::Type::Text,
                            Box::new(error),
                        )
                    })?,
                    state: row.get(2)?,
                    attempts: row.get(3)?,
                })
            })?;
            rows.collect()
        })
        .await
    }
}
// ANCHOR_END: store

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_stored_job_is_there_after_the_store_is_opened_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jobs.db");
        let store = Store::open(&path).await.unwrap();
        let first = store.insert(&"one").await.unwrap();
        let second = store.insert(&"two").await.unwrap();
        assert_eq!((first, second), (1, 2));
        store.set_state(second, "running", true).await.unwrap();
        drop(store);

        let store = Store::open(&path).await.unwrap();
        let jobs: Vec<StoredJob<String>> = store.all().await.unwrap();
        let summary: Vec<_> = jobs
            .iter()
            .map(|job| (job.id, job.spec.as_str(), job.state.as_str(), job.attempts))
            .collect();
        assert_eq!(summary, [(1, "one", "queued", 0), (2, "two", "running", 1)]);
    }
}
