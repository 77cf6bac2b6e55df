use std::sync::{Arc, Mutex};
use std::time::Duration;

async fn record(log: Arc<Mutex<Vec<String>>>) {
    let mut entries = log.lock().unwrap();
    entries.push("start".to_string());
    // The guard is gone before the await, but `push` borrowed it, and rustc
    // counts a local that was ever borrowed as part of the future's state
    // until its scope ends: at the await below, too.
    drop(entries);

    tokio::time::sleep(Duration::from_millis(10)).await;

    log.lock().unwrap().push("end".to_string());
}

#[tokio::main]
async fn main() {
    let log = Arc::new(Mutex::new(Vec::new()));
    tokio::spawn(record(log.clone())).await.unwrap();
}
