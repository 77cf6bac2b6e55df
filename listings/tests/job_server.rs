//! The job server as a real process (the runner binary running the
//! `job_server` listing), stopped by a real SIGTERM and killed by a real
//! SIGKILL with jobs in flight, then started again on the same database; and
//! run with too few files allowed, to show the accept loop waits it out.
//!
//! These tests run on the real clock, because a signal and a child process
//! cannot be paused. Every wait is bounded, so a broken server fails the test
//! instead of hanging it, and the jobs are short.

#[cfg(unix)]
mod on_unix {
    use std::collections::BTreeMap;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpStream;
    use std::path::Path;
    use std::process::{Child, Command, ExitStatus, Stdio};
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    use listings::capstone::protocol::{JobSpec, JobStatus, Reply, Request, State};

    /// The longest any single step may take before the test gives up.
    const LIMIT: Duration = Duration::from_secs(10);

    /// The server process, killed outright if the test fails half-way.
    struct Server {
        child: Child,
        stdout: mpsc::Receiver<String>,
        address: String,
    }

    impl Server {
        fn start(database: &Path, grace_ms: u64) -> Server {
            let mut command = Command::new(env!("CARGO_BIN_EXE_listings"));
            command.arg("job_server");
            Server::start_with(command, database, grace_ms)
        }

        /// The server in a process that may have at most `open_files` files
        /// open at once: the shell lowers the limit (`ulimit -n` calls
        /// `setrlimit`) and then becomes the server, keeping its pid.
        fn start_with_open_files(database: &Path, open_files: u32) -> Server {
            let mut command = Command::new("sh");
            command
                .arg("-c")
                .arg(r#"ulimit -n "$1" && exec "$0" job_server"#)
                .arg(env!("CARGO_BIN_EXE_listings"))
                .arg(open_files.to_string());
            Server::start_with(command, database, 5000)
        }

        fn start_with(
            mut command: Command,
            database: &Path,
            grace_ms: u64,
        ) -> Server {
            let mut child = command
                .env("JOB_SERVER_DB", database)
                .env("JOB_SERVER_WORKERS", "2")
                .env("SHUTDOWN_GRACE_MS", grace_ms.to_string())
                .stdout(Stdio::piped())
                .spawn()
                .expect("the runner starts");
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
            let first = stdout.recv_timeout(LIMIT).expect("the server starts");
            let address = first.strip_prefix("listening on ").expect(&first);
            let address = address.to_string();
            Server {
                child,
                stdout,
                address,
            }
        }

        fn next_line(&self) -> String {
            self.stdout.recv_timeout(LIMIT).expect("a line in time")
        }

        fn signal(&self, name: &str) {
            let status = Command::new("kill")
                .args([name, &self.child.id().to_string()])
                .status()
                .expect("`kill` runs");
            assert!(status.success());
        }

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

        fn connect(&self) -> BufReader<TcpStream> {
            let stream = TcpStream::connect(&self.address).unwrap();
            stream.set_read_timeout(Some(LIMIT)).unwrap();
            BufReader::new(stream)
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    fn call(client: &mut BufReader<TcpStream>, request: &Request) -> Reply {
        let mut line = serde_json::to_string(request).unwrap();
        line.push('\n');
        client.get_mut().write_all(line.as_bytes()).unwrap();
        let mut reply = String::new();
        client.read_line(&mut reply).expect("a reply in time");
        serde_json::from_str(&reply).expect(&reply)
    }

    fn submit(client: &mut BufReader<TcpStream>, ms: u64) -> u64 {
        let spec = serde_json::to_value(JobSpec::Sleep { ms }).unwrap();
        let request = Request::Submit {
            kind: "sleep".to_string(),
            payload: spec["payload"].clone(),
        };
        match call(client, &request) {
            Reply::Submitted { id } => id,
            other => panic!("{other:?}"),
        }
    }

    fn state(client: &mut BufReader<TcpStream>, id: u64) -> (State, u32) {
        match call(client, &Request::Status { id }) {
            Reply::Status(status) => (status.state, status.attempts),
            other => panic!("{other:?}"),
        }
    }

    /// Waits until every job is done, and returns each one's attempts.
    fn wait_all(server: &Server, ids: &[u64]) -> BTreeMap<u64, u32> {
        let mut client = server.connect();
        let start = Instant::now();
        loop {
            let Reply::Jobs(jobs) = call(&mut client, &Request::List) else {
                panic!("not a list");
            };
            let listed: Vec<u64> = jobs.iter().map(|job| job.id).collect();
            assert_eq!(listed, ids, "the server knows every job, and no other");
            let ended = |job: &JobStatus| {
                !matches!(job.state, State::Queued | State::Running)
            };
            if jobs.iter().all(ended) {
                assert!(jobs.iter().all(|job| job.state == State::Done), "{jobs:?}");
                return jobs.iter().map(|job| (job.id, job.attempts)).collect();
            }
            assert!(start.elapsed() < LIMIT, "not all done: {jobs:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// What the database file says, read by the test itself.
    fn stored(database: &Path) -> BTreeMap<u64, String> {
        let db = rusqlite::Connection::open(database).unwrap();
        let mut query = db.prepare("SELECT id, state FROM jobs").unwrap();
        let rows = query
            .query_map([], |row| Ok((row.get::<_, i64>(0)? as u64, row.get(1)?)))
            .unwrap();
        rows.map(Result::unwrap).collect()
    }

    /// Submits six jobs to two workers and returns once the first two run.
    /// They take 800 ms, so the signal comes while they run even on a busy
    /// machine, and the four queued after them take 50 ms.
    fn load(server: &Server) -> Vec<u64> {
        let mut client = server.connect();
        let ids: Vec<u64> = [800, 800, 50, 50, 50, 50]
            .into_iter()
            .map(|ms| submit(&mut client, ms))
            .collect();
        let start = Instant::now();
        while state(&mut client, ids[1]).0 != State::Running {
            assert!(start.elapsed() < LIMIT);
            std::thread::sleep(Duration::from_millis(20));
        }
        ids
    }

    #[test]
    fn sigterm_finishes_the_running_jobs_and_keeps_the_queued_ones() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("jobs.db");
        let mut server = Server::start(&database, 5000);
        let ids = load(&server);

        server.signal("-TERM");
        assert_eq!(server.next_line(), "SIGTERM received");
        assert_eq!(server.next_line(), "stopped: every running job ended");
        assert!(server.exit_status().success());
        // The two running jobs finished; the four queued ones wait on disk.
        let on_disk: Vec<_> = stored(&database).into_iter().collect();
        let expected: Vec<_> = ids
            .iter()
            .enumerate()
            .map(|(i, &id)| (id, if i < 2 { "done" } else { "queued" }.to_string()))
            .collect();
        assert_eq!(on_disk, expected);

        // A new server runs the queued jobs, each once.
        let server = Server::start(&database, 5000);
        let attempts = wait_all(&server, &ids);
        assert!(
            attempts.values().all(|&attempts| attempts == 1),
            "{attempts:?}"
        );
    }

    #[test]
    fn at_the_deadline_running_jobs_stay_on_disk_and_run_again() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("jobs.db");
        let mut server = Server::start(&database, 50);
        let ids = load(&server);

        server.signal("-TERM");
        assert_eq!(server.next_line(), "SIGTERM received");
        assert_eq!(
            server.next_line(),
            "stopped: 2 jobs left running, to run again"
        );
        assert!(server.exit_status().success());
        let on_disk = stored(&database);
        assert_eq!(on_disk.keys().copied().collect::<Vec<_>>(), ids);
        assert!(on_disk.values().all(|state| state != "done"), "{on_disk:?}");

        // The two cut short run again: their second attempt.
        let server = Server::start(&database, 5000);
        let attempts = wait_all(&server, &ids);
        let attempts: Vec<u32> = attempts.into_values().collect();
        assert_eq!(attempts, [2, 2, 1, 1, 1, 1]);
    }

    #[test]
    fn sigkill_loses_no_acknowledged_job() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("jobs.db");
        let mut server = Server::start(&database, 5000);
        let ids = load(&server);

        // No handler runs: the process is gone at once.
        server.signal("-KILL");
        assert!(!server.exit_status().success());
        let on_disk = stored(&database);
        assert_eq!(on_disk.keys().copied().collect::<Vec<_>>(), ids);

        let server = Server::start(&database, 5000);
        wait_all(&server, &ids);
    }

    #[test]
    fn the_command_line_client_prints_each_reply() {
        let dir = tempfile::tempdir().unwrap();
        let server = Server::start(&dir.path().join("jobs.db"), 50);
        let listings = Path::new(env!("CARGO_MANIFEST_DIR"));
        let requests =
            std::fs::File::open(listings.join("input/job_client.txt")).unwrap();
        let mut client = Command::new(env!("CARGO_BIN_EXE_listings"))
            .arg("job_client")
            .env("JOB_SERVER", &server.address)
            .stdin(requests)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while client.try_wait().unwrap().is_none() {
            assert!(start.elapsed() < LIMIT, "the client did not finish");
            std::thread::sleep(Duration::from_millis(5));
        }
        let run = client.wait_with_output().unwrap();
        assert!(run.status.success(), "{}", run.status);
        let stdout = String::from_utf8(run.stdout).unwrap();
        let shown = listings.join("output/job_client.txt");
        snapbox::assert_data_eq!(stdout, snapbox::Data::read_from(&shown, None));
    }

    /// CPU time the process has used, in clock ticks (1/100 s on Linux).
    #[cfg(target_os = "linux")]
    fn cpu_ticks(pid: u32) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
        // The fields after the command name, which is in parentheses:
        // utime and stime are the 12th and 13th of them.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .unwrap()
            .1
            .split_whitespace()
            .collect();
        fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
    }

    #[cfg(target_os = "linux")]
    fn open_files(pid: u32) -> usize {
        std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |dir| dir.count())
    }

    /// The memory the process has in RAM, in KiB.
    #[cfg(target_os = "linux")]
    fn resident_kib(pid: u32) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let line = status
            .lines()
            .find(|line| line.starts_with("VmRSS:"))
            .unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn endless_lines_from_many_clients_leave_memory_bounded() {
        const CLIENTS: usize = 48;
        const SENT: usize = 1 << 20; // 1 MiB each, and never a newline
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("jobs.db");
        let server = Server::start(&database, 5000);
        let pid = server.child.id();
        let before = resident_kib(pid);

        // All at once, each keeping its connection open: a server that kept
        // a line until its newline would hold 48 MiB here.
        let clients: Vec<_> = (0..CLIENTS)
            .map(|_| {
                let mut stream = TcpStream::connect(&server.address).unwrap();
                std::thread::spawn(move || {
                    let chunk = vec![b'x'; 64 * 1024];
                    for _ in 0..SENT / chunk.len() {
                        // The server closes a connection after `line_too_long`.
                        if stream.write_all(&chunk).is_err() {
                            break;
                        }
                    }
                    stream
                })
            })
            .collect();
        let streams: Vec<TcpStream> = clients
            .into_iter()
            .map(|client| client.join().unwrap())
            .collect();

        // Written is not yet read: give the server a second to read it all.
        std::thread::sleep(Duration::from_secs(1));
        let grown = resident_kib(pid).saturating_sub(before);
        assert!(
            grown < 16 * 1024,
            "{grown} KiB more after {CLIENTS} endless lines"
        );
        // And it still answers.
        drop(streams);
        let mut client = server.connect();
        submit(&mut client, 1);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn out_of_files_the_accept_loop_waits_and_serves_on() {
        const OPEN_FILES: u32 = 40;
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("jobs.db");
        let mut server = Server::start_with_open_files(&database, OPEN_FILES);
        let pid = server.child.id();
        let mut first = server.connect();
        let id = submit(&mut first, 1);

        // Twice as many connections as the process may open files. The
        // kernel completes them all; the server accepts until it has no file
        // left, and then every accept fails with "too many open files".
        let extra: Vec<TcpStream> = (0..2 * OPEN_FILES)
            .map(|_| TcpStream::connect(&server.address).unwrap())
            .collect();
        let start = Instant::now();
        while open_files(pid) < OPEN_FILES as usize {
            assert!(start.elapsed() < LIMIT, "{} files open", open_files(pid));
            std::thread::sleep(Duration::from_millis(10));
        }

        // For a second, the accept loop waits between failures instead of
        // spinning: a loop that retried at once would use a whole core.
        let before = cpu_ticks(pid);
        std::thread::sleep(Duration::from_secs(1));
        let used = cpu_ticks(pid) - before;
        assert!(used < 20, "{used} ticks of CPU in one second");
        assert!(
            server.child.try_wait().unwrap().is_none(),
            "the server exited"
        );
        // The connection it already has is still served.
        assert_eq!(state(&mut first, id), (State::Done, 1));

        // Once clients leave, their files are free for new ones.
        drop(extra);
        let mut later = server.connect();
        let id = submit(&mut later, 1);
        assert!(id > 1);
    }
}

#[cfg(not(unix))]
#[test]
fn signal_tests_need_unix() {
    println!("skipped: SIGTERM, SIGKILL and `kill` exist only on Unix");
}
