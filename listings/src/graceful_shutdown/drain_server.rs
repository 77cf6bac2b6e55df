// A line server that shuts down gracefully. On SIGTERM or Ctrl-C it stops
// accepting, lets every connection finish the request it is working on and
// send the answer, and exits 0. If requests are still running when the grace
// period ends, it says how many connections it gave up on and exits 1.
//
// The protocol is one request per line: `work <milliseconds>` is answered
// with `done <milliseconds>` after that long. Run it with
// `cargo run -p listings -- drain_server`, talk to it with `nc 127.0.0.1 <port>`,
// and stop it with Ctrl-C or `kill -TERM <pid>`.

use std::future::Future;
use std::io;
use std::time::Duration;

use futures::StreamExt;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{sleep, timeout};
use tokio_util::codec::{FramedRead, LinesCodec, LinesCodecError};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// The longest request line the server reads. A longer one is refused rather
/// than buffered without limit.
pub const MAX_LINE: usize = 64;

/// The longest piece of work a request may ask for.
pub const MAX_WORK_MS: u64 = 60_000;

// ANCHOR: signal
/// Listens for SIGTERM (what `kill`, systemd and Kubernetes send) and SIGINT
/// (Ctrl-C), and returns a future that resolves with the name of the first
/// one to arrive.
///
/// The handlers are registered here, before the future is ever polled: from
/// this call on, the signals no longer kill the process. Call it before you
/// announce that you are ready, or a SIGTERM sent in between still kills the
/// process the default way.
#[cfg(unix)]
pub fn shutdown_signal() -> io::Result<impl Future<Output = &'static str>> {
    use tokio::signal::unix::{SignalKind, signal};

    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = terminate.recv() => "SIGTERM",
            _ = interrupt.recv() => "SIGINT",
        }
    })
}

/// Windows has no SIGTERM; Ctrl-C is the signal there.
#[cfg(windows)]
pub fn shutdown_signal() -> io::Result<impl Future<Output = &'static str>> {
    let mut ctrl_c = tokio::signal::windows::ctrl_c()?;
    Ok(async move {
        ctrl_c.recv().await;
        "Ctrl-C"
    })
}
// ANCHOR_END: signal

/// How a shutdown ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Shutdown {
    /// Every connection finished: every request that was started was answered.
    Drained,
    /// The grace period ran out with this many connections still running.
    GaveUp { still_running: usize },
}

// ANCHOR: serve
/// Serves connections until `shutdown` resolves, then drains them: accepts
/// nothing new, tells every connection to stop, and waits up to `grace` for
/// them to finish.
pub async fn serve(
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
    grace: Duration,
) -> Shutdown {
    // Tell: one token, a clone per connection.
    let token = CancellationToken::new();
    // Wait: the tracker counts the connection tasks still running.
    let tracker = TaskTracker::new();

    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            // Checked first, so a busy listener cannot keep the server from
            // noticing the signal.
            biased;
            () = &mut shutdown => break,
            // `accept` is cancellation safe: losing the race to the signal
            // loses no connection.
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tracker.spawn(connection(stream, token.clone()));
                }
                // Running out of file descriptors is the usual cause. It
                // passes, so wait a moment instead of spinning.
                Err(error) => {
                    eprintln!("accept failed: {error}");
                    sleep(Duration::from_millis(100)).await;
                }
            },
        }
    }

    // Stop accepting: closing the listening socket makes new connections fail
    // at once, instead of queueing in the backlog for a server that is leaving.
    drop(listener);
    println!("draining, connections open: {}", tracker.len());

    token.cancel();
    tracker.close();
    match timeout(grace, tracker.wait()).await {
        Ok(()) => Shutdown::Drained,
        Err(_) => Shutdown::GaveUp {
            still_running: tracker.len(),
        },
    }
}
// ANCHOR_END: serve

// ANCHOR: connection
/// Answers one client's requests, one at a time, until the client leaves or
/// the server shuts down.
async fn connection(stream: TcpStream, token: CancellationToken) {
    let (reader, mut writer) = stream.into_split();
    let mut requests =
        FramedRead::new(reader, LinesCodec::new_with_max_length(MAX_LINE));
    loop {
        // Between requests the connection is idle, and this is where a
        // shutdown stops it. `next` on a `FramedRead` is cancellation safe:
        // a half-read line stays in its buffer.
        let request = tokio::select! {
            _ = token.cancelled() => break,
            request = requests.next() => request,
        };
        let (answer, keep_going) = match request {
            // The client closed the connection.
            None => break,
            Some(Ok(line)) => (answer(&line).await, true),
            // After a line that is too long or not UTF-8 the stream cannot
            // be trusted to be in step: say so and close.
            Some(Err(LinesCodecError::MaxLineLengthExceeded)) => (
                format!("error: request longer than {MAX_LINE} bytes"),
                false,
            ),
            Some(Err(LinesCodecError::Io(error))) => {
                (format!("error: unreadable request: {error}"), false)
            }
        };
        if writer
            .write_all(format!("{answer}\n").as_bytes())
            .await
            .is_err()
        {
            break;
        }
        if !keep_going {
            break;
        }
    }
}

/// Does what one request line asks. A started request is not raced against
/// the token: it runs to the end and is answered, even during a shutdown.
async fn answer(line: &str) -> String {
    let Some(argument) = line.strip_prefix("work ") else {
        return format!("error: unknown request {line:?}; expected `work <ms>`");
    };
    let millis = match argument.trim().parse::<u64>() {
        Ok(millis) if millis <= MAX_WORK_MS => millis,
        _ => {
            return format!(
                "error: {argument:?} is not a number of milliseconds \
                 up to {MAX_WORK_MS}"
            );
        }
    };
    println!("started work {millis}");
    sleep(Duration::from_millis(millis)).await;
    format!("done {millis}")
}
// ANCHOR_END: connection

// ANCHOR: abrupt
/// The shutdown that is not graceful: race the accept loop against the
/// signal and return. Connection tasks are spawned detached, so nothing
/// waits for them; when `main` returns, the runtime drops them wherever they
/// are, answers unsent.
pub async fn serve_abruptly(
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) {
    let accept_loop = async {
        loop {
            if let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(connection(stream, CancellationToken::new()));
            }
        }
    };
    tokio::select! {
        () = accept_loop => {}
        () = shutdown => {}
    }
}
// ANCHOR_END: abrupt

// ANCHOR: main
/// The grace period, from `SHUTDOWN_GRACE_MS` (10 s when it is not set).
fn grace() -> Duration {
    match std::env::var("SHUTDOWN_GRACE_MS") {
        Err(_) => Duration::from_secs(10),
        Ok(text) => Duration::from_millis(
            text.parse()
                .expect("SHUTDOWN_GRACE_MS is a number of milliseconds"),
        ),
    }
}

#[tokio::main]
pub async fn main() {
    let grace = grace();
    // Detect: register the handlers before anyone can know the address.
    let signal = shutdown_signal().expect("cannot listen for signals");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("cannot bind");
    println!("listening on {}", listener.local_addr().expect("bound"));

    let shutdown = async {
        let name = signal.await;
        println!("{name} received");
    };
    match serve(listener, shutdown, grace).await {
        Shutdown::Drained => println!("drained: every started request was answered"),
        Shutdown::GaveUp { still_running } => {
            println!(
                "gave up after {grace:?}, connections still running: {still_running}"
            );
            // Leave without dropping the runtime: its drop would wait for any
            // `spawn_blocking` work still running, and the deadline is now.
            std::process::exit(1);
        }
    }
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, Write};
    use std::net::SocketAddr;
    use tokio::io::{AsyncBufReadExt, BufReader};
    use tokio::sync::oneshot;
    use tokio::task::JoinHandle;
    use tokio::time::Instant;

    // These tests run on a paused clock: server and clients share one
    // current-thread runtime, so every socket they wait for is written by a
    // task of the same runtime, and the clock only jumps when all of them wait
    // for a timer. The timeouts turn a hang into a failure.
    const LIMIT: Duration = Duration::from_secs(60);

    /// Starts `serve` on a fresh port; sending on the returned channel stands
    /// in for the signal.
    async fn start(
        grace: Duration,
    ) -> (SocketAddr, oneshot::Sender<()>, JoinHandle<Shutdown>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (trigger, triggered) = oneshot::channel::<()>();
        let server = tokio::spawn(serve(
            listener,
            async {
                let _ = triggered.await;
            },
            grace,
        ));
        (address, trigger, server)
    }

    async fn send(address: SocketAddr, lines: &str) -> BufReader<TcpStream> {
        let mut client = TcpStream::connect(address).await.unwrap();
        client.write_all(lines.as_bytes()).await.unwrap();
        BufReader::new(client)
    }

    /// The next answer, or `None` when the server closed the connection.
    async fn reply(client: &mut BufReader<TcpStream>) -> Option<String> {
        let mut line = String::new();
        let read = timeout(LIMIT, client.read_line(&mut line))
            .await
            .unwrap()
            .unwrap();
        (read > 0).then(|| line.trim_end().to_string())
    }

    #[tokio::test(start_paused = true)]
    async fn a_shutdown_finishes_the_requests_in_flight_and_accepts_no_more() {
        let start_time = Instant::now();
        let (address, trigger, server) = start(Duration::from_secs(5)).await;
        let mut short = send(address, "work 500\n").await;
        let mut long = send(address, "work 2000\n").await;
        let mut idle = send(address, "").await;
        // Let the server read both requests, then signal it.
        sleep(Duration::from_millis(10)).await;
        trigger.send(()).unwrap();
        sleep(Duration::from_millis(10)).await;

        // The listener is closed: a new client is refused at once.
        let refused = TcpStream::connect(address).await.unwrap_err();
        assert_eq!(refused.kind(), io::ErrorKind::ConnectionRefused);
        // The idle connection is closed without waiting for the busy ones.
        assert_eq!(reply(&mut idle).await, None);
        assert_eq!(start_time.elapsed(), Duration::from_millis(20));

        // Both requests in flight are answered, then their connections close.
        assert_eq!(reply(&mut short).await.as_deref(), Some("done 500"));
        assert_eq!(reply(&mut short).await, None);
        assert_eq!(reply(&mut long).await.as_deref(), Some("done 2000"));
        assert_eq!(reply(&mut long).await, None);
        assert_eq!(
            timeout(LIMIT, server).await.unwrap().unwrap(),
            Shutdown::Drained
        );
        // The server waited exactly as long as the longest request.
        assert_eq!(start_time.elapsed(), Duration::from_millis(2000));
    }

    #[tokio::test(start_paused = true)]
    async fn at_the_deadline_it_gives_up_and_counts_what_was_left() {
        let start_time = Instant::now();
        let (address, trigger, server) = start(Duration::from_secs(1)).await;
        let mut quick = send(address, "work 500\n").await;
        let _stuck = send(address, "work 5000\n").await;
        sleep(Duration::from_millis(10)).await;
        trigger.send(()).unwrap();

        assert_eq!(reply(&mut quick).await.as_deref(), Some("done 500"));
        let outcome = timeout(LIMIT, server).await.unwrap().unwrap();
        assert_eq!(outcome, Shutdown::GaveUp { still_running: 1 });
        // Signalled at 10 ms, with 1 s of grace.
        assert_eq!(start_time.elapsed(), Duration::from_millis(1010));
    }

    #[tokio::test(start_paused = true)]
    async fn bad_input_gets_a_clear_error_and_loses_nothing() {
        let (address, trigger, server) = start(Duration::from_secs(5)).await;
        // A neighbour with a request in flight the whole time.
        let mut neighbour = send(address, "work 1000\n").await;

        let mut client = send(
            address,
            "work 100\nhello\nwork abc\nwork 99999999\nwork 200\n",
        )
        .await;
        assert_eq!(reply(&mut client).await.as_deref(), Some("done 100"));
        assert_eq!(
            reply(&mut client).await.as_deref(),
            Some(r#"error: unknown request "hello"; expected `work <ms>`"#)
        );
        assert_eq!(
            reply(&mut client).await.as_deref(),
            Some(r#"error: "abc" is not a number of milliseconds up to 60000"#)
        );
        assert_eq!(
            reply(&mut client).await.as_deref(),
            Some(r#"error: "99999999" is not a number of milliseconds up to 60000"#)
        );
        // The connection is still in step: the next request is answered.
        assert_eq!(reply(&mut client).await.as_deref(), Some("done 200"));

        // A line without end is refused before it fills memory, and that
        // connection is closed.
        let mut flood = send(address, &"x".repeat(10 * MAX_LINE)).await;
        assert_eq!(
            reply(&mut flood).await.as_deref(),
            Some("error: request longer than 64 bytes")
        );
        assert_eq!(reply(&mut flood).await, None);

        // Bytes that are not UTF-8 get an error too.
        let mut garbled = BufReader::new(TcpStream::connect(address).await.unwrap());
        garbled
            .get_mut()
            .write_all(b"work \xff\xfe\n")
            .await
            .unwrap();
        let answer = reply(&mut garbled).await.unwrap();
        assert!(answer.starts_with("error: unreadable request"), "{answer}");

        trigger.send(()).unwrap();
        assert_eq!(reply(&mut neighbour).await.as_deref(), Some("done 1000"));
        assert_eq!(
            timeout(LIMIT, server).await.unwrap().unwrap(),
            Shutdown::Drained
        );
    }

    /// Runs a server on a runtime of its own, with one blocking client whose
    /// request is in flight when the signal comes, then drops the runtime as
    /// the end of `main` does. Returns what the client received.
    fn client_receives(graceful: bool) -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let mut client =
            std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        // A real clock for the client: never block the test for long.
        client
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        client.write_all(b"work 1000\n").unwrap();

        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .unwrap();
        runtime.block_on(async {
            let listener = TcpListener::from_std(listener).unwrap();
            let signal = sleep(Duration::from_millis(10));
            if graceful {
                serve(listener, signal, Duration::from_secs(5)).await;
            } else {
                serve_abruptly(listener, signal).await;
            }
        });
        drop(runtime);

        let mut received = String::new();
        std::io::BufReader::new(client)
            .read_line(&mut received)
            .unwrap();
        received
    }

    #[test]
    fn racing_the_server_against_the_signal_drops_the_request_in_flight() {
        assert_eq!(
            client_receives(false),
            "",
            "the connection closed unanswered"
        );
    }

    #[test]
    fn draining_answers_the_request_in_flight() {
        assert_eq!(client_receives(true), "done 1000\n");
    }

    #[test]
    fn the_grace_period_comes_from_the_environment_or_is_ten_seconds() {
        // Reads only: setting the variable here would race other tests.
        if std::env::var_os("SHUTDOWN_GRACE_MS").is_none() {
            assert_eq!(grace(), Duration::from_secs(10));
        }
    }
}
