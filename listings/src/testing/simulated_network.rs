// A client and a server on a simulated network (turmoil): every host runs in
// one thread on a virtual clock, and a test can hold, partition and repair
// the links between them. Here it tests a client's retry against a link
// that holds its messages and against one that is cut.

use std::io;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::time::timeout;
use turmoil::net::{TcpListener, TcpStream};

// ANCHOR: client
/// Asks `server` one question: one line out, one line back.
pub async fn ask(server: &str, question: &str) -> io::Result<String> {
    let stream = TcpStream::connect(server).await?;
    let (read, mut write) = stream.into_split();
    write.write_all(format!("{question}\n").as_bytes()).await?;
    let mut answer = String::new();
    BufReader::new(read).read_line(&mut answer).await?;
    Ok(answer.trim_end().to_string())
}

/// Asks up to `attempts` times, each attempt limited to `limit`, and says
/// how many attempts it made.
pub async fn ask_with_retry(
    server: &str,
    question: &str,
    attempts: u32,
    limit: Duration,
) -> (io::Result<String>, u32) {
    let mut last = Err(io::ErrorKind::TimedOut.into());
    for attempt in 1..=attempts {
        match timeout(limit, ask(server, question)).await {
            Ok(Ok(answer)) => return (Ok(answer), attempt),
            Ok(Err(error)) => last = Err(error),
            Err(_elapsed) => last = Err(io::ErrorKind::TimedOut.into()),
        }
    }
    (last, attempts)
}
// ANCHOR_END: client

/// Answers each line in capitals, on port 7000 of its host.
pub async fn shout_server() -> turmoil::Result {
    let listener = TcpListener::bind("0.0.0.0:7000").await?;
    loop {
        let (stream, _) = listener.accept().await?;
        tokio::spawn(async move {
            let (read, mut write) = stream.into_split();
            let mut lines = BufReader::new(read).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let reply = format!("{}\n", line.to_uppercase());
                if write.write_all(reply.as_bytes()).await.is_err() {
                    break;
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use tokio::time::sleep;

    const SECOND: Duration = Duration::from_secs(1);

    // ANCHOR: tests
    /// A network of two hosts on which every message takes 10 ms.
    fn network() -> turmoil::Sim<'static> {
        let mut sim = turmoil::Builder::new()
            .min_message_latency(Duration::from_millis(10))
            .max_message_latency(Duration::from_millis(10))
            .build();
        sim.host("server", shout_server);
        sim
    }

    #[test]
    fn a_held_link_times_out_the_first_attempt_and_the_retry_gets_through() {
        let mut sim = network();
        sim.client("client", async {
            // Messages wait on the link until it is released, at 1.5 s.
            turmoil::hold("client", "server");
            tokio::spawn(async {
                sleep(Duration::from_millis(1500)).await;
                turmoil::release("client", "server");
            });
            let (answer, attempts) =
                ask_with_retry("server:7000", "hi", 3, SECOND).await;
            assert_eq!((answer?, attempts), ("HI".to_string(), 2));
            let elapsed = turmoil::elapsed();
            assert!(elapsed > Duration::from_millis(1500), "{elapsed:?}");
            assert!(elapsed < Duration::from_millis(1600), "{elapsed:?}");
            Ok(())
        });
        sim.run().unwrap();
    }

    #[test]
    fn a_partition_refuses_every_attempt_at_once() {
        let mut sim = network();
        sim.client("client", async {
            turmoil::partition("client", "server");
            let (answer, attempts) =
                ask_with_retry("server:7000", "hi", 3, SECOND).await;
            let error = answer.unwrap_err();
            assert_eq!(
                (error.kind(), attempts),
                (io::ErrorKind::ConnectionRefused, 3)
            );
            // Three attempts and no time: a retry needs a pause between tries.
            assert_eq!(turmoil::elapsed(), Duration::ZERO);
            Ok(())
        });
        sim.run().unwrap();
    }
    // ANCHOR_END: tests

    #[test]
    fn on_a_healthy_link_the_first_attempt_answers() {
        let mut sim = network();
        sim.client("client", async {
            let (answer, attempts) =
                ask_with_retry("server:7000", "hi", 3, SECOND).await;
            assert_eq!((answer?, attempts), ("HI".to_string(), 1));
            assert_eq!(turmoil::elapsed(), Duration::from_millis(30));
            Ok(())
        });
        sim.run().unwrap();
    }
}
