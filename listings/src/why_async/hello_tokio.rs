// The first program: one async function, awaited by the Tokio runtime.

// ANCHOR: all
use std::time::Duration;

async fn greet(name: &str) -> String {
    // A stand-in for I/O: the task waits here without holding a thread.
    tokio::time::sleep(Duration::from_millis(100)).await;
    format!("Hello, {name}!")
}

#[tokio::main]
pub async fn main() {
    let greeting = greet("async world").await;
    println!("{greeting}");
}
// ANCHOR_END: all

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn greets_after_the_simulated_wait() {
        let start = tokio::time::Instant::now();
        assert_eq!(greet("Ferris").await, "Hello, Ferris!");
        assert_eq!(start.elapsed(), Duration::from_millis(100));
    }
}
