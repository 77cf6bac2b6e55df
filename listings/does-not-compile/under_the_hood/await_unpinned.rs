use std::time::Duration;
use tokio::time::{sleep, timeout};

async fn build_report() -> String {
    sleep(Duration::from_secs(3)).await;
    String::from("quarterly report")
}

pub async fn report_with_progress() -> String {
    let mut report = build_report();
    loop {
        // Borrow the future so that it survives the timeout: does not compile.
        match timeout(Duration::from_secs(1), &mut report).await {
            Ok(text) => return text,
            Err(_elapsed) => println!("still working"),
        }
    }
}

fn main() {}
