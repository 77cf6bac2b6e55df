//! A real SIGTERM sent to the real server process (the runner binary running
//! the `drain_server` listing) while requests are in flight.
//!
//! These tests run on the real clock, because a signal and a child process
//! cannot be paused. Every wait is bounded, so a broken server fails the test
//! instead of hanging it, and the requests are short, so the whole file takes
//! well under two seconds.

#[cfg(unix)]
mod on_unix {
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpStream;
    use std::process::{Child, Command, ExitStatus, Stdio};
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    /// The longest any single step may take before the test gives up.
    const LIMIT: Duration = Duration::from_secs(10);

    /// The server process, killed outright if the test fails half-way.
    struct Server {
        child: Child,
        stdout: mpsc::Receiver<String>,
    }

    impl Server {
        fn start(grace_ms: u64) -> Server {
            let mut child = Command::new(env!("CARGO_BIN_EXE_listings"))
                .arg("drain_server")
                .env("SHUTDOWN_GRACE_MS", grace_ms.to_string())
                .stdout(Stdio::piped())
                .spawn()
                .expect("the runner starts");
            // A thread reads the server's log, so the test can wait for a
            // line with a time limit.
            let (lines, stdout) = mpsc::channel();
            let out = child.stdout.take().unwrap();
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines() {
                    let Ok(line) = line else { break };
                    if lines.send(line).is_err() {
                        break;
                    }
                }
            });
            Server { child, stdout }
        }

        /// The next line the server logs.
        fn next_line(&self) -> String {
            self.stdout
                .recv_timeout(LIMIT)
                .expect("the server logs a line in time")
        }

        /// The port from the first line, `listening on 127.0.0.1:<port>`.
        fn address(&self) -> String {
            let line = self.next_line();
            line.strip_prefix("listening on ").expect(&line).to_string()
        }

        fn terminate(&self) {
            let status = Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status()
                .expect("`kill` runs");
            assert!(status.success());
        }

        /// Waits for the process to exit, for at most `LIMIT`.
        fn exit_status(&mut self) -> ExitStatus {
            let start = Instant::now();
            loop {
                if let Some(status) = self.child.try_wait().unwrap() {
                    return status;
                }
                assert!(start.elapsed() < LIMIT, "the server did not exit");
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    fn send(address: &str, request: &str) -> BufReader<TcpStream> {
        let mut client = TcpStream::connect(address).unwrap();
        client.set_read_timeout(Some(LIMIT)).unwrap();
        client.write_all(request.as_bytes()).unwrap();
        BufReader::new(client)
    }

    /// The next answer, or an empty string when the server closed.
    fn reply(client: &mut BufReader<TcpStream>) -> String {
        let mut line = String::new();
        client
            .read_line(&mut line)
            .expect("an answer or a close in time");
        line
    }

    #[test]
    fn sigterm_drains_requests_in_flight_and_exits_0() {
        let grace = Duration::from_millis(2000);
        let mut server = Server::start(grace.as_millis() as u64);
        let address = server.address();

        let mut clients: Vec<_> = [300, 200, 100]
            .iter()
            .map(|millis| send(&address, &format!("work {millis}\n")))
            .collect();
        // Signal only once the server has started all three: they are in
        // flight, not waiting in a socket buffer.
        let mut started: Vec<_> = (0..3).map(|_| server.next_line()).collect();
        started.sort();
        assert_eq!(
            started,
            ["started work 100", "started work 200", "started work 300"]
        );

        let signalled = Instant::now();
        server.terminate();
        assert_eq!(server.next_line(), "SIGTERM received");
        assert_eq!(server.next_line(), "draining, connections open: 3");
        // From here on, the server accepts nothing.
        let refused = TcpStream::connect(&address).unwrap_err();
        assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);

        // Every accepted request got its answer.
        for (client, millis) in clients.iter_mut().zip([300, 200, 100]) {
            assert_eq!(reply(client), format!("done {millis}\n"));
            assert_eq!(reply(client), "", "then the connection closes");
        }
        assert_eq!(
            server.next_line(),
            "drained: every started request was answered"
        );
        let status = server.exit_status();
        assert!(status.success(), "{status}");
        assert!(signalled.elapsed() < grace, "{:?}", signalled.elapsed());
    }

    #[test]
    fn after_the_grace_period_it_gives_up_and_exits_1() {
        let mut server = Server::start(200);
        let address = server.address();
        let mut quick = send(&address, "work 50\n");
        let mut stuck = send(&address, "work 60000\n");
        let mut started: Vec<_> = (0..2).map(|_| server.next_line()).collect();
        started.sort();
        assert_eq!(started, ["started work 50", "started work 60000"]);

        let signalled = Instant::now();
        server.terminate();
        assert_eq!(reply(&mut quick), "done 50\n");
        let status = server.exit_status();
        assert_eq!(status.code(), Some(1));
        let waited = signalled.elapsed();
        assert!(waited >= Duration::from_millis(200), "{waited:?}");
        assert!(waited < Duration::from_secs(5), "{waited:?}");
        // The stuck request never got an answer: its connection just closed.
        assert_eq!(reply(&mut stuck), "");
        // The rest of the log, up to the end of the process's output.
        let log: Vec<String> =
            std::iter::from_fn(|| server.stdout.recv_timeout(LIMIT).ok()).collect();
        assert_eq!(
            log,
            [
                "SIGTERM received",
                "draining, connections open: 2",
                "gave up after 200ms, connections still running: 1",
            ]
        );
    }
}

#[cfg(not(unix))]
#[test]
fn sigterm_tests_need_unix() {
    println!(
        "skipped: SIGTERM and `kill` exist only on Unix; these tests run on Linux"
    );
}
