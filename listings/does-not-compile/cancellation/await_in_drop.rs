// `Drop::drop` is a plain function, so it cannot `.await`.

use std::time::Duration;

struct Session {
    id: u32,
}

async fn notify_server(id: u32) {
    tokio::time::sleep(Duration::from_millis(100)).await;
    println!("session {id} ended");
}

impl Drop for Session {
    fn drop(&mut self) {
        notify_server(self.id).await;
    }
}

fn main() {
    drop(Session { id: 1 });
}
