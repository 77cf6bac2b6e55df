// A repository trait with two implementations, in memory and SQLite, a
// function that uses it without knowing which, and a test double.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, ErrorCode, OptionalExtension, params};

// ANCHOR: trait
/// A user as the repository stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: u64,
    pub name: String,
}

/// What a repository can fail with, in words its callers understand:
/// nothing here says "SQLite".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RepoError {
    /// Names are unique, and this one is taken.
    NameTaken(String),
    /// The storage itself failed: a disk, a database, a network.
    Storage(String),
}

/// Where users are kept. Every method's future is `Send`, so a server can
/// call the repository from spawned tasks; implementations write `async fn`.
pub trait UserRepository {
    /// Stores a new user and returns it with its id.
    fn add(&self, name: &str)
    -> impl Future<Output = Result<User, RepoError>> + Send;
    /// The user with this id, if there is one.
    fn get(
        &self,
        id: u64,
    ) -> impl Future<Output = Result<Option<User>, RepoError>> + Send;
    /// Every user, in id order.
    fn all(&self) -> impl Future<Output = Result<Vec<User>, RepoError>> + Send;
}
// ANCHOR_END: trait

impl fmt::Display for RepoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RepoError::NameTaken(name) => write!(f, "the name {name:?} is taken"),
            RepoError::Storage(reason) => write!(f, "storage failed: {reason}"),
        }
    }
}

impl std::error::Error for RepoError {}

// ANCHOR: in_memory
/// Users in a map: for tests, prototypes, and a cache in front of the real
/// thing. A std `Mutex` is right here: no method holds it across an await
/// (there is no await at all).
#[derive(Default)]
pub struct InMemoryUsers {
    users: Mutex<BTreeMap<u64, User>>,
}

impl UserRepository for InMemoryUsers {
    async fn add(&self, name: &str) -> Result<User, RepoError> {
        let mut users = self.users.lock().unwrap();
        if users.values().any(|user| user.name == name) {
            return Err(RepoError::NameTaken(name.to_string()));
        }
        // Ids count up from 1, as SQLite's do.
        let id = users.keys().next_back().map_or(1, |last| last + 1);
        let user = User {
            id,
            name: name.to_string(),
        };
        users.insert(id, user.clone());
        Ok(user)
    }

    async fn get(&self, id: u64) -> Result<Option<User>, RepoError> {
        Ok(self.users.lock().unwrap().get(&id).cloned())
    }

    async fn all(&self) -> Result<Vec<User>, RepoError> {
        Ok(self.users.lock().unwrap().values().cloned().collect())
    }
}
// ANCHOR_END: in_memory

// ANCHOR: sqlite
/// Users in an SQLite database. rusqlite's calls block the thread until the
/// disk answers, so every call runs on tokio's blocking pool.
pub struct SqliteUsers {
    // One connection, used by one blocking thread at a time. A pool of
    // connections would let reads run side by side.
    connection: Arc<Mutex<Connection>>,
}

impl SqliteUsers {
    /// Opens (or creates) the database file at `path`.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, RepoError> {
        let path = path.as_ref().to_path_buf();
        let connection = tokio::task::spawn_blocking(move || Connection::open(path))
            .await
            .map_err(|error| RepoError::Storage(error.to_string()))?
            .map_err(storage_error)?;
        Self::with_schema(connection).await
    }

    /// A database that lives only as long as this value, in memory.
    pub async fn open_in_memory() -> Result<Self, RepoError> {
        Self::with_schema(Connection::open_in_memory().map_err(storage_error)?).await
    }

    async fn with_schema(connection: Connection) -> Result<Self, RepoError> {
        let users = SqliteUsers {
            connection: Arc::new(Mutex::new(connection)),
        };
        users
            .blocking(|connection| {
                connection.execute_batch(
                    "CREATE TABLE IF NOT EXISTS users (
                         id   INTEGER PRIMARY KEY,
                         name TEXT NOT NULL UNIQUE
                     )",
                )
            })
            .await?;
        Ok(users)
    }

    /// Runs `work` with the connection on the blocking pool: the worker
    /// thread that awaits this is free to run other tasks meanwhile.
    async fn blocking<T, F>(&self, work: F) -> Result<T, RepoError>
    where
        F: FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let connection = Arc::clone(&self.connection);
        tokio::task::spawn_blocking(move || work(&connection.lock().unwrap()))
            .await
            .map_err(|error| RepoError::Storage(error.to_string()))?
            .map_err(storage_error)
    }
}

/// The code SQLite gives when a constraint (here `UNIQUE`) refuses a row.
const CONSTRAINT_FAILED: ErrorCode = ErrorCode::ConstraintViolation;

fn storage_error(error: rusqlite::Error) -> RepoError {
    RepoError::Storage(error.to_string())
}

impl UserRepository for SqliteUsers {
    async fn add(&self, name: &str) -> Result<User, RepoError> {
        // The closure must own what it uses: it runs on another thread.
        let owned = name.to_string();
        let inserted = self
            .blocking(move |connection| {
                match connection
                    .execute("INSERT INTO users (name) VALUES (?1)", [&owned])
                {
                    Ok(_) => Ok(Some(connection.last_insert_rowid())),
                    // The UNIQUE constraint said no. Say it in the trait's
                    // words, so callers never match on SQLite's error codes.
                    Err(error)
                        if error.sqlite_error_code() == Some(CONSTRAINT_FAILED) =>
                    {
                        Ok(None)
                    }
                    Err(error) => Err(error),
                }
            })
            .await?;
        match inserted {
            Some(id) => Ok(User {
                id: id as u64,
                name: name.to_string(),
            }),
            None => Err(RepoError::NameTaken(name.to_string())),
        }
    }

    async fn get(&self, id: u64) -> Result<Option<User>, RepoError> {
        self.blocking(move |connection| {
            connection
                .query_row(
                    "SELECT id, name FROM users WHERE id = ?1",
                    params![id as i64],
                    |row| {
                        Ok(User {
                            id: row.get::<_, i64>(0)? as u64,
                            name: row.get(1)?,
                        })
                    },
                )
                .optional()
        })
        .await
    }

    async fn all(&self) -> Result<Vec<User>, RepoError> {
        self.blocking(|connection| {
            let mut statement =
                connection.prepare("SELECT id, name FROM users ORDER BY id")?;
            let rows = statement.query_map([], |row| {
                Ok(User {
                    id: row.get::<_, i64>(0)? as u64,
                    name: row.get(1)?,
                })
            })?;
            rows.collect()
        })
        .await
    }
}
// ANCHOR_END: sqlite

// ANCHOR: sign_up
/// Why `sign_up` can fail, in the words a user interface needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignUpError {
    /// Empty, or longer than 32 characters once trimmed.
    InvalidName,
    /// Someone has this name already.
    Taken(String),
    /// Not the user's fault: ask them to try again later.
    TryLater,
}

/// The business rule the repository knows nothing about: names are trimmed
/// and lower-cased, and must be 1 to 32 characters long. Generic over the
/// repository, so it runs the same on SQLite, in memory, or in a test.
pub async fn sign_up<R: UserRepository>(
    repo: &R,
    name: &str,
) -> Result<User, SignUpError> {
    let name = name.trim().to_lowercase();
    if name.is_empty() || name.chars().count() > 32 {
        return Err(SignUpError::InvalidName);
    }
    match repo.add(&name).await {
        Ok(user) => Ok(user),
        Err(RepoError::NameTaken(name)) => Err(SignUpError::Taken(name)),
        Err(RepoError::Storage(_)) => Err(SignUpError::TryLater),
    }
}
// ANCHOR_END: sign_up

// ANCHOR: main
/// Signs up the same four names with each repository.
async fn tour<R: UserRepository>(label: &str, repo: &R) {
    for name in ["Ada", "  grace ", "ADA", ""] {
        println!(
            "{label}: sign_up({name:?}) = {:?}",
            sign_up(repo, name).await
        );
    }
    println!("{label}: all() = {:?}", repo.all().await);
}

#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    tour("memory", &InMemoryUsers::default()).await;
    let sqlite = SqliteUsers::open_in_memory().await.expect("SQLite opens");
    tour("sqlite", &sqlite).await;
}
// ANCHOR_END: main

// ANCHOR: contract
/// What every `UserRepository` must do, written once, generic over the
/// implementation. `contract_tests!` below runs each check against each
/// implementation.
#[cfg(test)]
mod contract {
    use super::*;

    pub async fn ids_count_up_from_one<R: UserRepository>(repo: &R) {
        assert_eq!(repo.add("ada").await.unwrap().id, 1);
        assert_eq!(repo.add("grace").await.unwrap().id, 2);
    }

    pub async fn get_finds_what_add_stored<R: UserRepository>(repo: &R) {
        let ada = repo.add("ada").await.unwrap();
        assert_eq!(repo.get(ada.id).await.unwrap(), Some(ada));
        assert_eq!(repo.get(99).await.unwrap(), None);
    }

    pub async fn a_taken_name_is_refused_and_nothing_changes<R: UserRepository>(
        repo: &R,
    ) {
        let ada = repo.add("ada").await.unwrap();
        let again = repo.add("ada").await;
        assert_eq!(again, Err(RepoError::NameTaken("ada".to_string())));
        assert_eq!(repo.all().await.unwrap(), [ada]);
    }

    pub async fn all_lists_users_in_id_order<R: UserRepository>(repo: &R) {
        for name in ["carol", "alice", "bob"] {
            repo.add(name).await.unwrap();
        }
        let names: Vec<String> = repo
            .all()
            .await
            .unwrap()
            .into_iter()
            .map(|u| u.name)
            .collect();
        assert_eq!(names, ["carol", "alice", "bob"]);
    }

    pub async fn concurrent_adds_all_land<R: UserRepository>(repo: &R) {
        let names: Vec<String> = (0..20).map(|n| format!("user{n}")).collect();
        let added =
            futures::future::join_all(names.iter().map(|name| repo.add(name))).await;
        let mut ids: Vec<u64> =
            added.into_iter().map(|user| user.unwrap().id).collect();
        ids.sort();
        assert_eq!(ids, (1..=20).collect::<Vec<u64>>());
        assert_eq!(repo.all().await.unwrap().len(), 20);
    }
}

/// One test per check and per implementation. Each test gets a fresh
/// repository; the SQLite one lives in a temporary directory that is
/// deleted when the test ends.
#[cfg(test)]
macro_rules! contract_tests {
    ($($check:ident),* $(,)?) => {
        mod in_memory {
            use super::*;
            $(
                #[tokio::test]
                async fn $check() {
                    contract::$check(&InMemoryUsers::default()).await;
                }
            )*
        }

        mod sqlite {
            use super::*;
            use tempfile::TempDir;
            $(
                #[tokio::test]
                async fn $check() {
                    let dir = TempDir::new().unwrap();
                    let repo = SqliteUsers::open(dir.path().join("users.db"))
                        .await
                        .unwrap();
                    contract::$check(&repo).await;
                }
            )*
        }
    };
}

#[cfg(test)]
contract_tests!(
    ids_count_up_from_one,
    get_finds_what_add_stored,
    a_taken_name_is_refused_and_nothing_changes,
    all_lists_users_in_id_order,
    concurrent_adds_all_land,
);
// ANCHOR_END: contract

// ANCHOR: double
/// A test double: a stand-in for the real repository that answers
/// `add` with whatever the test scripted, and records what it was asked.
/// It lets a test reach the path that no working database takes.
#[cfg(test)]
struct ScriptedUsers {
    answer: Result<User, RepoError>,
    asked: Mutex<Vec<String>>,
}

#[cfg(test)]
impl ScriptedUsers {
    fn answering(answer: Result<User, RepoError>) -> Self {
        ScriptedUsers {
            answer,
            asked: Mutex::new(Vec::new()),
        }
    }

    fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }
}

#[cfg(test)]
impl UserRepository for ScriptedUsers {
    async fn add(&self, name: &str) -> Result<User, RepoError> {
        self.asked.lock().unwrap().push(name.to_string());
        self.answer.clone()
    }

    // `sign_up` never reads; a double implements only what is used, and
    // fails loudly if that changes.
    async fn get(&self, _id: u64) -> Result<Option<User>, RepoError> {
        unimplemented!("sign_up does not read users")
    }

    async fn all(&self) -> Result<Vec<User>, RepoError> {
        unimplemented!("sign_up does not list users")
    }
}

#[tokio::test]
async fn a_storage_failure_asks_the_user_to_try_later() {
    let disk_full = RepoError::Storage("disk full".to_string());
    let repo = ScriptedUsers::answering(Err(disk_full));
    assert_eq!(sign_up(&repo, " Ada ").await, Err(SignUpError::TryLater));
    // The name reached the repository trimmed and lower-cased.
    assert_eq!(repo.asked(), ["ada"]);
}
// ANCHOR_END: double

#[cfg(test)]
mod tests {
    use super::*;

    use tempfile::TempDir;

    #[tokio::test]
    async fn sqlite_keeps_users_in_its_file_and_leaves_nothing_behind() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("users.db");
        {
            let repo = SqliteUsers::open(&path).await.unwrap();
            repo.add("ada").await.unwrap();
        }
        // A second connection to the same file sees the first one's user.
        let reopened = SqliteUsers::open(&path).await.unwrap();
        assert_eq!(reopened.get(1).await.unwrap().unwrap().name, "ada");
        drop(reopened);

        let dir_path = dir.path().to_path_buf();
        assert!(path.exists());
        dir.close().unwrap();
        assert!(!dir_path.exists(), "the temporary directory is gone");
    }

    // A real thread holds the database's lock, as a slow disk would. The
    // test's own task must keep running meanwhile: it is the one that tells
    // the thread to let go. Had `all` run SQLite on the worker thread, this
    // one-thread runtime would be stuck until the thread's 5 s watchdog.
    #[tokio::test(flavor = "current_thread")]
    async fn a_slow_database_does_not_block_the_runtime() {
        let repo = Arc::new(SqliteUsers::open_in_memory().await.unwrap());
        let (release, released) = std::sync::mpsc::channel::<()>();
        let (locked, is_locked) = std::sync::mpsc::channel::<()>();
        let connection = Arc::clone(&repo.connection);
        let holder = std::thread::spawn(move || {
            let _guard = connection.lock().unwrap();
            locked.send(()).unwrap();
            released.recv_timeout(std::time::Duration::from_secs(5))
        });
        is_locked.recv().unwrap();

        let listing = tokio::spawn({
            let repo = Arc::clone(&repo);
            async move { repo.all().await }
        });
        // Let the spawned task start its query and wait for the lock.
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        // Fails only if the thread gave up waiting: see the comment above.
        let _ = release.send(());
        assert!(holder.join().unwrap().is_ok(), "the runtime was blocked");
        assert_eq!(listing.await.unwrap().unwrap(), []);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn repository_calls_can_run_in_spawned_tasks() {
        let dir = TempDir::new().unwrap();
        let repo = Arc::new(
            SqliteUsers::open(dir.path().join("users.db"))
                .await
                .unwrap(),
        );
        let mut tasks = tokio::task::JoinSet::new();
        for n in 0..8 {
            let repo = Arc::clone(&repo);
            tasks.spawn(async move { sign_up(&*repo, &format!("user{n}")).await });
        }
        let mut signed_up = 0;
        while let Some(result) = tasks.join_next().await {
            result.unwrap().unwrap();
            signed_up += 1;
        }
        assert_eq!(signed_up, 8);
        assert_eq!(repo.all().await.unwrap().len(), 8);
    }

    #[tokio::test]
    async fn sign_up_normalises_and_refuses_on_both_implementations() {
        let dir = TempDir::new().unwrap();
        let sqlite = SqliteUsers::open(dir.path().join("users.db"))
            .await
            .unwrap();
        let memory = InMemoryUsers::default();
        for outcome in [
            (
                sign_up(&memory, " Ada ").await,
                sign_up(&memory, "ada").await,
            ),
            (
                sign_up(&sqlite, " Ada ").await,
                sign_up(&sqlite, "ada").await,
            ),
        ] {
            assert_eq!(outcome.0.unwrap().name, "ada");
            assert_eq!(outcome.1, Err(SignUpError::Taken("ada".to_string())));
        }
        let too_long = "x".repeat(33);
        assert_eq!(
            sign_up(&memory, &too_long).await,
            Err(SignUpError::InvalidName)
        );
        assert_eq!(sign_up(&memory, "   ").await, Err(SignUpError::InvalidName));
        assert_eq!(memory.all().await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn an_invalid_name_never_reaches_the_repository() {
        let repo = ScriptedUsers::answering(Err(RepoError::Storage("unused".into())));
        assert_eq!(sign_up(&repo, "").await, Err(SignUpError::InvalidName));
        assert!(repo.asked().is_empty());
    }

    #[tokio::test]
    async fn a_taken_name_is_reported_with_the_name() {
        let repo = ScriptedUsers::answering(Err(RepoError::NameTaken("ada".into())));
        assert_eq!(
            sign_up(&repo, "ADA").await,
            Err(SignUpError::Taken("ada".into()))
        );
    }
}
