// A session with the job server: the server and a client in one program,
// the client sending what a person would type into `nc` and printing each
// line it sends (`>`) and receives (`<`).

use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::time::sleep;

use super::client::Client;
use super::protocol::Reply;
use super::server::{Limits, serve};

#[tokio::main(flavor = "current_thread", start_paused = true)]
// ANCHOR: main
pub async fn main() {
    let database = std::env::temp_dir()
        .join(format!("job-server-session-{}.db", std::process::id()));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let path = database.clone();
    let server = tokio::spawn(async move {
        let signal = async {
            let _ = stopped.await;
        };
        serve(listener, &path, Limits::default(), signal).await
    });

    let mut client = Client::connect(address).await.unwrap();
    let c = &mut client;
    say(c, r#"{"op":"submit","kind":"sleep","payload":{"ms":500}}"#).await;
    say(
        c,
        r#"{"op":"submit","kind":"flaky","payload":{"failures":2}}"#,
    )
    .await;
    say(
        c,
        r#"{"op":"submit","kind":"sleep","payload":{"ms":60000}}"#,
    )
    .await;
    sleep(Duration::from_millis(100)).await;
    println!("(100 ms later)");
    for id in 1..=3 {
        say(c, &format!(r#"{{"op":"status","id":{id}}}"#)).await;
    }
    say(c, r#"{"op":"cancel","id":3}"#).await;
    say(c, r#"{"op":"submit","kind":"paint","payload":{}}"#).await;
    say(c, r#"{"op":"status"}"#).await;
    say(c, "hello").await;
    // `watch` answers at once, then at each change until the job ends.
    say(c, r#"{"op":"watch","id":1}"#).await;
    hear(c).await;

    stop.send(()).unwrap();
    println!("server: {:?}", server.await.unwrap().unwrap());
    for suffix in ["", "-wal", "-shm"] {
        let mut file = database.clone().into_os_string();
        file.push(suffix);
        let _ = std::fs::remove_file(file);
    }
}

/// Sends a line and prints it and the reply.
async fn say(client: &mut Client, line: &str) {
    println!("> {line}");
    hear_reply(client.send_line(line).await);
}

/// Prints the next line from the server.
async fn hear(client: &mut Client) {
    hear_reply(client.next_reply().await);
}

fn hear_reply(reply: std::io::Result<Reply>) {
    let reply = serde_json::to_string(&reply.unwrap()).unwrap();
    println!("< {reply}");
}
// ANCHOR_END: main
