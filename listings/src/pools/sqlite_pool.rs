// A deadpool of SQLite connections (rusqlite, on the blocking pool), and the
// trap of keeping a pooled connection while awaiting something slow.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use deadpool::Runtime;
use deadpool::managed::{self, Metrics, PoolError, RecycleError, RecycleResult};
use rusqlite::{Connection, OptionalExtension};

// ANCHOR: manager
/// Opens connections to one SQLite file.
#[derive(Debug)]
pub struct SqliteManager {
    pub path: PathBuf,
}

impl managed::Manager for SqliteManager {
    type Type = Connection;
    type Error = rusqlite::Error;

    async fn create(&self) -> rusqlite::Result<Connection> {
        let path = self.path.clone();
        // Opening touches the disk: off the async workers, like every call.
        blocking(move || {
            let connection = Connection::open(path)?;
            // SQLite lets one connection write at a time. Another one that
            // wants to write waits up to this long for the lock, instead of
            // failing at once with "database is locked".
            connection.busy_timeout(Duration::from_secs(5))?;
            // With a write-ahead log, readers and the one writer do not
            // block each other.
            connection.pragma_update(None, "journal_mode", "WAL")?;
            Ok(connection)
        })
        .await
    }

    async fn recycle(
        &self,
        connection: &mut Connection,
        _: &Metrics,
    ) -> RecycleResult<rusqlite::Error> {
        // A connection given back inside a transaction would hand its
        // half-done work to the next user. No disk access: a flag check.
        if connection.is_autocommit() {
            Ok(())
        } else {
            Err(RecycleError::message("given back inside a transaction"))
        }
    }
}

pub type Pool = managed::Pool<SqliteManager>;

/// The settings: few connections (one writer at a time, reads beside it),
/// and a caller who cannot get one within half a second hears so.
pub fn build_pool(path: PathBuf) -> Result<Pool, managed::BuildError> {
    Pool::builder(SqliteManager { path })
        .max_size(2)
        .wait_timeout(Some(Duration::from_millis(500)))
        .create_timeout(Some(Duration::from_secs(5)))
        .runtime(Runtime::Tokio1)
        .build()
}
// ANCHOR_END: manager

// ANCHOR: with_conn
/// What a query through the pool can fail with.
#[derive(Debug)]
pub enum DbError {
    /// No connection: the pool timed out, or opening one failed.
    Pool(PoolError<rusqlite::Error>),
    /// The query itself failed.
    Query(rusqlite::Error),
}

/// Runs `query` with a pooled connection on the blocking pool. The
/// connection goes back to the pool as soon as `query` returns.
pub async fn with_conn<T, F>(pool: &Pool, query: F) -> Result<T, DbError>
where
    F: FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    T: Send + 'static,
{
    let connection = pool.get().await.map_err(DbError::Pool)?;
    blocking(move || query(&connection))
        .await
        .map_err(DbError::Query)
}

/// Runs blocking work on tokio's blocking pool and waits for it.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(work)
        .await
        .expect("a database call panicked")
}
// ANCHOR_END: with_conn

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbError::Pool(error) => write!(f, "no connection: {error}"),
            DbError::Query(error) => write!(f, "query failed: {error}"),
        }
    }
}

impl std::error::Error for DbError {}

/// Creates the tables and three users, with ids 1, 2 and 3.
pub async fn set_up(pool: &Pool) -> Result<(), DbError> {
    with_conn(pool, |connection| {
        connection.execute_batch(
            "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
             CREATE TABLE greetings (user_id INTEGER NOT NULL, text TEXT NOT NULL);
             INSERT INTO users (name) VALUES ('Ada'), ('Grace'), ('Barbara');",
        )
    })
    .await
}

fn read_name(connection: &Connection, user_id: i64) -> rusqlite::Result<String> {
    connection
        .query_row("SELECT name FROM users WHERE id = ?1", [user_id], |row| {
            row.get(0)
        })
        .optional()
        .map(|name| name.unwrap_or_else(|| "stranger".to_string()))
}

fn save_greeting(
    connection: &Connection,
    user_id: i64,
    text: &str,
) -> rusqlite::Result<()> {
    connection.execute(
        "INSERT INTO greetings (user_id, text) VALUES (?1, ?2)",
        rusqlite::params![user_id, text],
    )?;
    Ok(())
}

/// How many greetings were saved.
pub async fn greetings_saved(pool: &Pool) -> Result<i64, DbError> {
    with_conn(pool, |connection| {
        connection.query_row("SELECT COUNT(*) FROM greetings", [], |row| row.get(0))
    })
    .await
}

// ANCHOR: slow
/// Something slow that is not the database: another service over HTTP,
/// say. It takes a second.
pub async fn compose_greeting(name: &str) -> String {
    tokio::time::sleep(Duration::from_secs(1)).await;
    format!("Hello, {name}!")
}
// ANCHOR_END: slow

// ANCHOR: holding
/// Reads a name, composes a greeting, saves it: holding one connection
/// from start to end.
pub async fn greet_holding(pool: &Pool, user_id: i64) -> Result<String, DbError> {
    let connection = pool.get().await.map_err(DbError::Pool)?;
    // The blocking closure hands the connection back to keep it.
    let (connection, name) = blocking(move || {
        let name = read_name(&connection, user_id);
        (connection, name)
    })
    .await;
    let name = name.map_err(DbError::Query)?;
    // For this whole second the connection does nothing, and nobody else
    // can have it.
    let greeting = compose_greeting(&name).await;
    let text = greeting.clone();
    blocking(move || save_greeting(&connection, user_id, &text))
        .await
        .map_err(DbError::Query)?;
    Ok(greeting)
}
// ANCHOR_END: holding

// ANCHOR: fixed
/// The same work, taking a connection only for each query.
pub async fn greet(pool: &Pool, user_id: i64) -> Result<String, DbError> {
    let name = with_conn(pool, move |c| read_name(c, user_id)).await?;
    // No connection is held here.
    let greeting = compose_greeting(&name).await;
    let text = greeting.clone();
    with_conn(pool, move |c| save_greeting(c, user_id, &text)).await?;
    Ok(greeting)
}
// ANCHOR_END: fixed

/// A new, empty directory for the database file: named after the process
/// and a count of the calls, since `main` may run several times in one.
fn fresh_directory() -> PathBuf {
    static RUNS: std::sync::atomic::AtomicUsize =
        std::sync::atomic::AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = format!("pools-sqlite-{}-{run}", std::process::id());
    let dir = std::env::temp_dir().join(name);
    // Left over from an earlier process with the same id, if any.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("cannot create a directory");
    dir
}

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    // A new directory for the database file, removed at the end.
    let dir = fresh_directory();
    let pool = build_pool(dir.join("greetings.db")).expect("bad pool settings");
    set_up(&pool).await.expect("cannot set up the database");

    let pool = &pool;
    for holding in [true, false] {
        println!("{}:", if holding { "holding" } else { "per query" });
        let start = tokio::time::Instant::now();
        let greet_one = |id| async move {
            let greeting = if holding {
                greet_holding(pool, id).await
            } else {
                greet(pool, id).await
            };
            (id, start.elapsed(), greeting)
        };
        // Three requests at once on a pool of two. The outer timeout only
        // guards against a hang; the pool's own wait timeout fires first.
        let three = async { tokio::join!(greet_one(1), greet_one(2), greet_one(3)) };
        let (a, b, c) = tokio::time::timeout(Duration::from_secs(10), three)
            .await
            .expect("hung");
        for (id, at, greeting) in [a, b, c] {
            match greeting {
                Ok(text) => println!("  user {id}, at {at:.1?}: {text}"),
                Err(error) => println!("  user {id}, at {at:.1?}: {error}"),
            }
        }
    }
    let saved = greetings_saved(pool).await.expect("cannot count");
    println!("greetings saved: {saved}");
    std::fs::remove_dir_all(&dir).expect("cannot remove the directory");
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;
    use tempfile::TempDir;
    use tokio::time::{Instant, timeout};

    // A pool over a file in a directory that is deleted when the test ends.
    async fn pool() -> (Pool, TempDir) {
        let dir = TempDir::new().unwrap();
        let pool = build_pool(dir.path().join("test.db")).unwrap();
        set_up(&pool).await.unwrap();
        (pool, dir)
    }

    const NO_HANG: Duration = Duration::from_secs(10);

    #[tokio::test(start_paused = true)]
    async fn holding_across_a_slow_await_exhausts_the_pool() {
        let (pool, _dir) = pool().await;
        let start = Instant::now();
        let (a, b, c) = timeout(NO_HANG, async {
            tokio::join!(greet_holding(&pool, 1), greet_holding(&pool, 2), async {
                let greeting = greet_holding(&pool, 3).await;
                (greeting, start.elapsed())
            })
        })
        .await
        .unwrap();
        assert_eq!(a.unwrap(), "Hello, Ada!");
        assert_eq!(b.unwrap(), "Hello, Grace!");
        let (c, failed_at) = c;
        assert!(
            matches!(
                c,
                Err(DbError::Pool(PoolError::Timeout(
                    managed::TimeoutType::Wait
                )))
            ),
            "{c:?}"
        );
        assert!(failed_at >= Duration::from_millis(500), "{failed_at:?}");
        assert!(failed_at < Duration::from_secs(1), "{failed_at:?}");
        assert_eq!(greetings_saved(&pool).await.unwrap(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn taking_a_connection_per_query_serves_everyone_at_once() {
        let (pool, _dir) = pool().await;
        let start = Instant::now();
        let all = timeout(NO_HANG, async {
            tokio::join!(greet(&pool, 1), greet(&pool, 2), greet(&pool, 3))
        })
        .await
        .unwrap();
        assert_eq!(all.0.unwrap(), "Hello, Ada!");
        assert_eq!(all.1.unwrap(), "Hello, Grace!");
        assert_eq!(all.2.unwrap(), "Hello, Barbara!");
        // The three slow calls ran side by side: one second, not three.
        let took = start.elapsed();
        assert!(took >= Duration::from_secs(1), "{took:?}");
        assert!(took < Duration::from_millis(1100), "{took:?}");
        assert_eq!(greetings_saved(&pool).await.unwrap(), 3);
        assert!(pool.status().size <= 2);
    }

    #[tokio::test(start_paused = true)]
    async fn connections_are_reused() {
        let (pool, _dir) = pool().await;
        for id in 1..=3 {
            greet(&pool, id).await.unwrap();
        }
        assert_eq!(pool.status().size, 1);
    }

    #[tokio::test]
    async fn a_connection_left_in_a_transaction_is_discarded() {
        let (pool, _dir) = pool().await;
        with_conn(&pool, |c| c.execute_batch("BEGIN; DELETE FROM users;"))
            .await
            .unwrap();
        // The next user gets a fresh connection, and the half-done delete
        // was rolled back when the old one closed.
        let names: i64 = with_conn(&pool, |c| {
            assert!(c.is_autocommit());
            c.query_row("SELECT COUNT(*) FROM users", [], |row| row.get(0))
        })
        .await
        .unwrap();
        assert_eq!(names, 3);
    }

    #[tokio::test]
    async fn an_unknown_user_is_greeted_as_a_stranger() {
        let (pool, _dir) = pool().await;
        assert_eq!(
            with_conn(&pool, |c| read_name(c, 99)).await.unwrap(),
            "stranger"
        );
    }
}
