use std::sync::{Arc, Mutex};
use std::time::Duration;

async fn record(log: Arc<Mutex<Vec<String>>>) {
    let mut entries = log.lock().unwrap();
    entries.push("start".to_string());
    // The guard is gone before the await, but rustc 1.95 still counts
    // `entries` as part of the future's state at the await below.
    drop(entries);

    tokio::time::sleep(Duration::from_millis(10)).await;

    log.lock().unwrap().push("end".to_string());
}

#[tokio::main]
async fn main() {
    let log = Arc::new(Mutex::new(Vec::new()));
    tokio::spawn(record(log.clone())).await.unwrap();
}
