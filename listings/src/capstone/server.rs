// The server: an accept loop with a connection limit, one task per
// connection reading framed, size-limited lines with a time limit, and a
// graceful shutdown that stops accepting and waits for the jobs in flight.

use std::future::Future;
use std::io;
use std::num::NonZeroU32;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use futures::{FutureExt, StreamExt};
use governor::{Quota, RateLimiter};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::time::{sleep, timeout};
use tokio_util::codec::{FramedRead, LinesCodec, LinesCodecError};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;

use super::jobs::Jobs;
use super::protocol::{ErrorCode, JobSpec, JobStatus, Reply, Request, parse_request};
use super::store::Store;

// ANCHOR: limits
/// The server's limits, in one place.
#[derive(Debug, Clone)]
pub struct Limits {
    /// The longest request line, in bytes.
    pub max_line: usize,
    /// How long a connection may take to send a complete line.
    pub read_timeout: Duration,
    /// Connections served at once; the next one is told `busy`.
    pub max_connections: usize,
    /// Requests one connection may make: a rate and a burst.
    pub rate: Quota,
    /// Jobs running at once.
    pub workers: usize,
    /// The longest one attempt of a job may run.
    pub job_timeout: Duration,
    /// How long a shutdown waits for the jobs that are running.
    pub grace: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_line: 1024,
            read_timeout: Duration::from_secs(30),
            max_connections: 64,
            rate: Quota::per_second(NonZeroU32::new(100).unwrap()),
            workers: 4,
            job_timeout: Duration::from_secs(10),
            grace: Duration::from_secs(10),
        }
    }
}
// ANCHOR_END: limits

/// How a shutdown ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Stopped {
    /// Every job that was running ended, and its end is in the store.
    Drained,
    /// The grace period ran out. These jobs are still `running` in the
    /// store, and the next server runs them again.
    Left { running: usize },
}

// ANCHOR: serve
/// Serves until `signal` resolves, then shuts down gracefully.
pub async fn serve(
    listener: TcpListener,
    database: &Path,
    limits: Limits,
    signal: impl Future<Output = ()>,
) -> rusqlite::Result<Stopped> {
    let store = Store::open(database).await?;
    let shutdown = CancellationToken::new();
    let running = TaskTracker::new();
    let jobs =
        Jobs::start(store, limits.clone(), running.clone(), shutdown.clone()).await?;
    let connections = TaskTracker::new();
    let slots = Arc::new(Semaphore::new(limits.max_connections));

    tokio::pin!(signal);
    loop {
        let (stream, peer) = tokio::select! {
            biased;
            () = &mut signal => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, usually: wait, do not spin.
                    tracing::warn!(%error, "accept failed");
                    sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let span = tracing::info_span!("connection", %peer);
        let job = match slots.clone().try_acquire_owned() {
            Ok(slot) => {
                let (jobs, limits) = (jobs.clone(), limits.clone());
                connection(stream, jobs, limits, shutdown.clone(), slot).boxed()
            }
            Err(_) => refuse(stream).boxed(),
        };
        connections.spawn(job.instrument(span));
    }

    // Stop accepting, tell connections and queued jobs to stop, and wait
    // for the running jobs, up to the deadline.
    drop(listener);
    shutdown.cancel();
    connections.close();
    running.close();
    let drained = async {
        connections.wait().await;
        running.wait().await;
    };
    match timeout(limits.grace, drained).await {
        Ok(()) => Ok(Stopped::Drained),
        Err(_) => Ok(Stopped::Left {
            running: running.len(),
        }),
    }
}
// ANCHOR_END: serve

// ANCHOR: refuse
/// Says `busy` to a connection over the limit, and closes it.
async fn refuse(mut stream: TcpStream) {
    let reply = Reply::error(ErrorCode::Busy, "too many connections; try later");
    let _ = stream.write_all(&line(&reply)).await;
    // A socket closed with unread bytes in it sends a reset, and a reset can
    // destroy the reply before the client reads it. So close our side, then
    // read and drop what the client sent until it hangs up, for a second
    // at most.
    let _ = stream.shutdown().await;
    let mut sink = [0; 1024];
    let drain = async { while stream.read(&mut sink).await.is_ok_and(|n| n > 0) {} };
    let _ = timeout(Duration::from_secs(1), drain).await;
}
// ANCHOR_END: refuse

fn line(reply: &Reply) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(reply).expect("a reply is plain data");
    bytes.push(b'\n');
    bytes
}

// ANCHOR: connection
/// Serves one client: a request per line, a reply per request.
async fn connection(
    stream: TcpStream,
    jobs: Jobs,
    limits: Limits,
    shutdown: CancellationToken,
    _slot: OwnedSemaphorePermit,
) {
    let (reader, mut writer) = stream.into_split();
    let codec = LinesCodec::new_with_max_length(limits.max_line);
    let mut lines = FramedRead::new(reader, codec);
    let limiter = RateLimiter::direct(limits.rate);
    loop {
        // `next` is cancellation safe: a half-read line stays buffered
        // when the timeout or the shutdown wins.
        let next = tokio::select! {
            biased;
            () = shutdown.cancelled() => None,
            next = timeout(limits.read_timeout, lines.next()) => Some(next),
        };
        use ErrorCode::*;
        let (reply, in_step) = match next {
            None => (Reply::error(ShuttingDown, "the server is stopping"), false),
            Some(Err(_)) => {
                (Reply::error(ReadTimeout, "no complete line in time"), false)
            }
            // The client closed the connection.
            Some(Ok(None)) => break,
            Some(Ok(Some(Ok(text)))) => match limiter.check() {
                Err(_) => (Reply::error(RateLimited, "too many requests"), true),
                Ok(()) => match answer(&text, &jobs).await {
                    Answer::One(reply) => (reply, true),
                    Answer::Updates(updates) => {
                        if follow(updates, &mut writer, &shutdown).await.is_err() {
                            break;
                        }
                        continue;
                    }
                },
            },
            // After a framing error the codec's stream ends: say why, close.
            Some(Ok(Some(Err(LinesCodecError::MaxLineLengthExceeded)))) => {
                let message = format!("a line is at most {} bytes", limits.max_line);
                (Reply::error(LineTooLong, message), false)
            }
            Some(Ok(Some(Err(LinesCodecError::Io(error))))) => {
                if error.kind() != io::ErrorKind::InvalidData {
                    break;
                }
                (Reply::error(NotUtf8, "a request is UTF-8 text"), false)
            }
        };
        if writer.write_all(&line(&reply)).await.is_err() || !in_step {
            break;
        }
    }
}

/// One reply, or a reply at each change of a job's status.
enum Answer {
    One(Reply),
    Updates(watch::Receiver<JobStatus>),
}

/// Does what one well-framed line asks.
async fn answer(text: &str, jobs: &Jobs) -> Answer {
    let request = match parse_request(text) {
        Ok(request) => request,
        Err(reply) => return Answer::One(reply),
    };
    tracing::debug!(?request);
    Answer::One(match request {
        Request::Submit { kind, payload } => match JobSpec::parse(&kind, payload) {
            Ok(spec) => jobs.submit(spec).await,
            Err(reply) => reply,
        },
        Request::Status { id } => jobs.status(id).await,
        Request::Cancel { id } => jobs.cancel(id).await,
        Request::List => jobs.list().await,
        Request::Watch { id } => match jobs.watch(id).await {
            Some(updates) => return Answer::Updates(updates),
            None => Reply::error(ErrorCode::NotFound, format!("no job {id}")),
        },
    })
}
// ANCHOR_END: connection

// ANCHOR: follow
/// Sends the job's status, then again at each change until the job ends.
/// A `watch` channel keeps only the latest value, so a change that is
/// overtaken before it is sent is skipped: the client sees the state as it
/// is when the line is written, never an old one.
async fn follow(
    mut updates: watch::Receiver<JobStatus>,
    writer: &mut OwnedWriteHalf,
    shutdown: &CancellationToken,
) -> io::Result<()> {
    loop {
        let status = updates.borrow_and_update().clone();
        writer
            .write_all(&line(&Reply::Status(status.clone())))
            .await?;
        if status.has_ended() {
            return Ok(());
        }
        tokio::select! {
            // The connection's loop says `shutting_down` next.
            () = shutdown.cancelled() => return Ok(()),
            changed = updates.changed() => {
                if changed.is_err() {
                    return Ok(());
                }
            }
        }
    }
}
// ANCHOR_END: follow

#[cfg(test)]
mod tests {
    use super::super::client::Client;
    use super::super::protocol::{JobStatus, State};
    use super::*;
    use tokio::io::{AsyncBufReadExt, BufReader};
    use tokio::sync::oneshot;
    use tokio::task::JoinHandle;
    use tokio::time::Instant;

    /// A hang is a failure, not a stuck test run.
    const LIMIT: Duration = Duration::from_secs(20);

    struct Running {
        address: std::net::SocketAddr,
        stop: oneshot::Sender<()>,
        server: JoinHandle<rusqlite::Result<Stopped>>,
        // Dropped last: the database lives in it.
        _dir: tempfile::TempDir,
    }

    async fn start(limits: Limits) -> Running {
        let dir = tempfile::tempdir().unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let database = dir.path().join("jobs.db");
        let server = tokio::spawn(async move {
            let signal = async {
                let _ = stopped.await;
            };
            serve(listener, &database, limits, signal).await
        });
        Running {
            address,
            stop,
            server,
            _dir: dir,
        }
    }

    impl Running {
        async fn stop(self) -> Stopped {
            self.stop.send(()).unwrap();
            let stopped = timeout(LIMIT, self.server).await.unwrap();
            stopped.unwrap().unwrap()
        }
    }

    // Real time on four worker threads (a fixed number, not the machine's),
    // so clients, connections and jobs really run in parallel.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn every_job_of_many_clients_runs_exactly_once() {
        const CLIENTS: u64 = 8;
        const JOBS: u64 = 10;
        let limits = Limits {
            workers: 4,
            // The clients poll for the status in a tight loop.
            rate: Quota::per_second(NonZeroU32::new(100_000).unwrap()),
            ..Limits::default()
        };
        let server = start(limits).await;
        let address = server.address;
        let clients = (0..CLIENTS).map(|_| {
            tokio::spawn(async move {
                let mut client = Client::connect(address).await.unwrap();
                let mut ids = Vec::new();
                for _ in 0..JOBS {
                    let id = client.submit(JobSpec::Sleep { ms: 5 }).await.unwrap();
                    ids.push(id.unwrap());
                }
                let mut ended = Vec::new();
                for &id in &ids {
                    let every = Duration::from_millis(5);
                    ended.push(client.wait(id, every).await.unwrap());
                }
                ended
            })
        });
        // About a quarter of a second of work; five seconds is plenty.
        let all = timeout(Duration::from_secs(5), futures::future::join_all(clients));
        let all = all.await.expect("every job ended in time");
        let mut ended: Vec<JobStatus> =
            all.into_iter().flat_map(Result::unwrap).collect();
        ended.sort_by_key(|status| status.id);

        // Every acknowledged job ended once, and done, on its first attempt.
        let expected: Vec<JobStatus> = (1..=CLIENTS * JOBS)
            .map(|id| JobStatus {
                id,
                state: State::Done,
                attempts: 1,
            })
            .collect();
        assert_eq!(ended, expected);
        // And the server knows of no other job.
        let mut client = Client::connect(address).await.unwrap();
        let listed = client.call(&Request::List).await.unwrap();
        assert_eq!(listed, Reply::Jobs(expected));
        assert_eq!(server.stop().await, Stopped::Drained);
    }

    fn code(reply: Reply) -> ErrorCode {
        match reply {
            Reply::Error { code, .. } => code,
            other => panic!("not an error: {other:?}"),
        }
    }

    /// Sends raw bytes on a new connection and reads every line until the
    /// server closes it.
    async fn raw(address: std::net::SocketAddr, bytes: &[u8]) -> Vec<ErrorCode> {
        let mut stream = TcpStream::connect(address).await.unwrap();
        stream.write_all(bytes).await.unwrap();
        let mut lines = BufReader::new(stream).lines();
        let mut codes = Vec::new();
        while let Some(line) =
            timeout(LIMIT, lines.next_line()).await.unwrap().unwrap()
        {
            codes.push(code(serde_json::from_str(&line).unwrap()));
        }
        codes
    }

    #[tokio::test(start_paused = true)]
    async fn bad_input_gets_an_error_code_and_the_server_serves_on() {
        let limits = Limits {
            max_line: 64,
            read_timeout: Duration::from_secs(5),
            ..Limits::default()
        };
        let server = start(limits).await;
        let address = server.address;
        // A neighbour whose job runs through all of it.
        let mut neighbour = Client::connect(address).await.unwrap();
        let job = neighbour.submit(JobSpec::Sleep { ms: 1000 }).await.unwrap();
        let job = job.unwrap();

        // Bad requests on one connection: each gets its code, and the
        // connection stays in step for the next.
        let mut client = Client::connect(address).await.unwrap();
        let requests = [
            (r#"{"op":"status","id":1"#, ErrorCode::BadJson),
            ("[1, 2]", ErrorCode::BadRequest),
            (r#"{"op":"retry","id":1}"#, ErrorCode::BadRequest),
            (r#"{"op":"status","id":"one"}"#, ErrorCode::BadRequest),
            (
                r#"{"op":"submit","kind":"paint","payload":{}}"#,
                ErrorCode::UnknownKind,
            ),
            (
                r#"{"op":"submit","kind":"sleep","payload":{"ms":"x"}}"#,
                ErrorCode::BadPayload,
            ),
            (r#"{"op":"cancel","id":99}"#, ErrorCode::NotFound),
        ];
        for (request, expected) in requests {
            let reply = client.send_line(request).await.unwrap();
            assert_eq!(code(reply), expected, "{request}");
        }
        let reply = client.call(&Request::Status { id: job }).await.unwrap();
        assert!(matches!(reply, Reply::Status(_)), "{reply:?}");

        // Broken framing: the reason, then the connection closes.
        let long = format!("{}\n", "x".repeat(1000));
        assert_eq!(
            raw(address, long.as_bytes()).await,
            [ErrorCode::LineTooLong]
        );
        assert_eq!(raw(address, b"{\"op\":\xff}\n").await, [ErrorCode::NotUtf8]);

        // Half a line, then silence: after the read timeout, an error.
        let before = Instant::now();
        assert_eq!(
            raw(address, b"{\"op\":\"li").await,
            [ErrorCode::ReadTimeout]
        );
        assert_eq!(before.elapsed(), Duration::from_secs(5));

        // The neighbour said nothing for as long, and was closed too; its
        // job ran on regardless, and the server still serves.
        let closed = neighbour.call(&Request::List).await.unwrap();
        assert_eq!(code(closed), ErrorCode::ReadTimeout);
        let mut neighbour = Client::connect(address).await.unwrap();
        let ended = neighbour
            .wait(job, Duration::from_millis(100))
            .await
            .unwrap();
        assert_eq!(ended.state, State::Done);
        assert_eq!(server.stop().await, Stopped::Drained);
    }

    // Real time: on a paused clock, a runtime that waits for a socket it
    // wrote itself may jump the clock ahead before it notices the bytes
    // (the trap of the time chapter), and the updates would arrive late.
    #[tokio::test]
    async fn a_watcher_hears_each_change_until_the_job_ends() {
        let limits = Limits {
            workers: 1,
            ..Limits::default()
        };
        let server = start(limits).await;
        let mut client = Client::connect(server.address).await.unwrap();
        let first = client.submit(JobSpec::Sleep { ms: 100 }).await.unwrap();
        let second = client.submit(JobSpec::Sleep { ms: 100 }).await.unwrap();
        let (first, second) = (first.unwrap(), second.unwrap());
        let start_time = Instant::now();
        let watched = client.call(&Request::Watch { id: second }).await;
        let mut heard = vec![watched.unwrap()];
        while !matches!(heard.last().unwrap(), Reply::Status(s) if s.has_ended()) {
            let reply = timeout(LIMIT, client.next_reply()).await.unwrap();
            heard.push(reply.unwrap());
        }
        let status = |state, attempts| {
            Reply::Status(JobStatus {
                id: second,
                state,
                attempts,
            })
        };
        assert_eq!(
            heard,
            [
                status(State::Queued, 0),
                status(State::Running, 1),
                status(State::Done, 1),
            ]
        );
        // The second job waited for the first: 200 ms in all.
        assert!(start_time.elapsed() >= Duration::from_millis(150));
        // The connection serves requests again.
        let reply = client.call(&Request::Status { id: first }).await.unwrap();
        assert!(matches!(reply, Reply::Status(s) if s.state == State::Done));
        let unknown = client.call(&Request::Watch { id: 99 }).await.unwrap();
        assert_eq!(code(unknown), ErrorCode::NotFound);
        assert_eq!(server.stop().await, Stopped::Drained);
    }

    #[tokio::test(start_paused = true)]
    async fn over_the_limits_a_client_hears_busy_or_rate_limited() {
        let limits = Limits {
            max_connections: 1,
            rate: Quota::per_minute(NonZeroU32::new(2).unwrap()),
            ..Limits::default()
        };
        let server = start(limits).await;
        let mut first = Client::connect(server.address).await.unwrap();
        assert!(matches!(
            first.call(&Request::List).await.unwrap(),
            Reply::Jobs(_)
        ));
        assert_eq!(raw(server.address, b"").await, [ErrorCode::Busy]);
        assert!(matches!(
            first.call(&Request::List).await.unwrap(),
            Reply::Jobs(_)
        ));
        // The third request within the minute is refused, and the
        // connection stays open.
        let third = first.call(&Request::List).await.unwrap();
        assert_eq!(code(third), ErrorCode::RateLimited);
        drop(first);
        assert_eq!(server.stop().await, Stopped::Drained);
    }

    #[tokio::test(start_paused = true)]
    async fn retries_cancels_and_timeouts_end_in_their_states() {
        let limits = Limits {
            workers: 1,
            job_timeout: Duration::from_secs(1),
            ..Limits::default()
        };
        let server = start(limits).await;
        let mut client = Client::connect(server.address).await.unwrap();
        // The rate limit runs on the real clock: ask every 100 ms of
        // paused time, not in a tight loop.
        let every = Duration::from_millis(100);
        let mut submit = async |spec| client.submit(spec).await.unwrap().unwrap();
        let flaky = submit(JobSpec::Flaky { failures: 2 }).await;
        let too_flaky = submit(JobSpec::Flaky { failures: 9 }).await;
        let too_long = submit(JobSpec::Sleep { ms: 5000 }).await;
        let cancelled = submit(JobSpec::Sleep { ms: 10 }).await;
        let reply = client
            .call(&Request::Cancel { id: cancelled })
            .await
            .unwrap();
        assert_eq!(reply, Reply::Cancelled { id: cancelled });

        let expect = [
            (flaky, State::Done, 3),
            (too_flaky, State::Failed, 4),
            (too_long, State::Failed, 1),
            (cancelled, State::Cancelled, 0),
        ];
        for (id, state, attempts) in expect {
            let ended = client.wait(id, every).await.unwrap();
            assert_eq!(
                ended,
                JobStatus {
                    id,
                    state,
                    attempts
                }
            );
        }
        let again = client.call(&Request::Cancel { id: flaky }).await.unwrap();
        assert_eq!(code(again), ErrorCode::Finished);
        assert_eq!(server.stop().await, Stopped::Drained);
    }
}
