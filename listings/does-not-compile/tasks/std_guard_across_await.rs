use std::sync::{Arc, Mutex};
use std::time::Duration;

async fn record(log: Arc<Mutex<Vec<String>>>) {
    let mut entries = log.lock().unwrap();
    entries.push("start".to_string());

    // The guard is still alive here, so it is part of the future's state
    // while the task is suspended.
    tokio::time::sleep(Duration::from_millis(10)).await;

    entries.push("end".to_string());
}

#[tokio::main]
async fn main() {
    let log = Arc::new(Mutex::new(Vec::new()));
    tokio::spawn(record(log.clone())).await.unwrap();
}
