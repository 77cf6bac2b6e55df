use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

async fn save(page: &str, hits: u64) {
    // Stands in for a write to a database.
    tokio::time::sleep(Duration::from_millis(10)).await;
    let _ = (page, hits);
}

async fn record_and_save(counts: Arc<Mutex<HashMap<String, u64>>>, page: String) {
    let mut counts = counts.lock().unwrap();
    let hits = counts.entry(page.clone()).or_insert(0);
    *hits += 1;
    // The guard `counts` is still alive across this `.await`.
    save(&page, *hits).await;
}

#[tokio::main]
async fn main() {
    let counts = Arc::new(Mutex::new(HashMap::new()));
    tokio::spawn(record_and_save(counts, "/".to_string()))
        .await
        .unwrap();
}
