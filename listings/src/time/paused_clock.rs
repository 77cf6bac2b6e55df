// Testing time-dependent code on a paused clock: `pause`, `advance` and
// auto-advance, and what a paused clock does to a test that waits for real I/O.

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;
    use tokio::task::yield_now;
    use tokio::time::{Instant, advance, sleep, timeout};

    // ANCHOR: advance
    #[tokio::test(start_paused = true)]
    async fn advance_moves_the_clock_by_hand() {
        // The clock starts frozen: only `advance` and auto-advance move it.
        let rang = Arc::new(AtomicBool::new(false));
        let alarm = tokio::spawn({
            let rang = rang.clone();
            async move {
                sleep(Duration::from_secs(60)).await;
                rang.store(true, Ordering::SeqCst);
            }
        });

        // Let the alarm task start and register its timer.
        yield_now().await;
        let start = Instant::now();

        advance(Duration::from_secs(59)).await;
        assert!(!rang.load(Ordering::SeqCst), "one second early");

        advance(Duration::from_secs(1)).await;
        // The alarm is due now. Give it at most 1 ms: if `advance` had not
        // moved the clock, this timeout would fire long before the alarm.
        timeout(Duration::from_millis(1), alarm)
            .await
            .expect("the alarm rang at 60 s")
            .unwrap();
        assert!(rang.load(Ordering::SeqCst));
        assert_eq!(start.elapsed(), Duration::from_secs(60));
    }
    // ANCHOR_END: advance

    // ANCHOR: auto_advance
    #[tokio::test(start_paused = true)]
    async fn auto_advance_skips_idle_time() {
        let virtual_start = Instant::now();
        let real_start = std::time::Instant::now();

        // Nothing else can run, so the runtime jumps the clock straight to
        // the timer's deadline instead of waiting an hour.
        sleep(Duration::from_secs(3600)).await;

        assert_eq!(virtual_start.elapsed(), Duration::from_secs(3600));
        assert!(real_start.elapsed() < Duration::from_secs(1));
    }
    // ANCHOR_END: auto_advance

    // ANCHOR: real_io
    /// A server on a real thread, outside the runtime. It answers a client
    /// once `answer` is sent. Returns its address, the sender that lets it
    /// answer, and the thread's handle.
    fn server_outside_the_runtime() -> (
        std::net::SocketAddr,
        std::sync::mpsc::Sender<()>,
        std::thread::JoinHandle<()>,
    ) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let (answer, told_to_answer) = std::sync::mpsc::channel();
        let server = std::thread::spawn(move || {
            let (mut socket, _) = listener.accept().unwrap();
            told_to_answer.recv().unwrap();
            // The client may have given up already; that is the point.
            let _ = socket.write_all(b"pong");
        });
        (address, answer, server)
    }

    #[tokio::test(start_paused = true)]
    async fn a_paused_clock_times_out_real_io_at_once() {
        let (address, answer, server) = server_outside_the_runtime();
        let mut client = TcpStream::connect(address).await.unwrap();
        let mut reply = [0u8; 4];

        let virtual_start = Instant::now();
        let real_start = std::time::Instant::now();
        let result =
            timeout(Duration::from_secs(5), client.read_exact(&mut reply)).await;

        // The only task is waiting for the socket, so the runtime is idle,
        // and an idle runtime on a paused clock jumps to the next timer:
        // five virtual seconds pass in no real time.
        assert!(result.is_err());
        assert_eq!(virtual_start.elapsed(), Duration::from_secs(5));
        assert!(real_start.elapsed() < Duration::from_secs(1));
        answer.send(()).unwrap(); // too late: the client gave up
        server.join().unwrap();
    }

    #[tokio::test]
    async fn on_a_real_clock_the_same_read_succeeds() {
        let (address, answer, server) = server_outside_the_runtime();
        let mut client = TcpStream::connect(address).await.unwrap();
        let mut reply = [0u8; 4];
        answer.send(()).unwrap();

        let result =
            timeout(Duration::from_secs(5), client.read_exact(&mut reply)).await;

        assert!(matches!(result, Ok(Ok(4))));
        assert_eq!(&reply, b"pong");
        server.join().unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn a_peer_inside_the_runtime_works_on_a_paused_clock() {
        // An in-memory pipe, and a server that is a task on this runtime.
        let (mut client, mut server) = tokio::io::duplex(64);
        tokio::spawn(async move {
            sleep(Duration::from_millis(20)).await;
            server.write_all(b"pong").await.unwrap();
        });
        let mut reply = [0u8; 4];

        let start = Instant::now();
        let result =
            timeout(Duration::from_secs(5), client.read_exact(&mut reply)).await;

        // The clock jumped to the server's timer (20 ms), not to the timeout.
        assert!(matches!(result, Ok(Ok(4))));
        assert_eq!(&reply, b"pong");
        assert_eq!(start.elapsed(), Duration::from_millis(20));
    }
    // ANCHOR_END: real_io

    // ANCHOR: blocking
    #[tokio::test(start_paused = true)]
    async fn a_running_blocking_task_holds_the_paused_clock_still() {
        let start = Instant::now();
        let real_work = tokio::task::spawn_blocking(|| {
            std::thread::sleep(Duration::from_millis(20));
            42
        });

        // While a `spawn_blocking` task runs, auto-advance is switched off,
        // so this timeout does not fire early.
        let result = timeout(Duration::from_secs(1), real_work).await;

        assert_eq!(result.unwrap().unwrap(), 42);
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
    // ANCHOR_END: blocking
}
