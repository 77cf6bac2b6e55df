// Does not compile: future cannot be sent between threads safely.
use tokio::task::JoinHandle;

/// Runs `lookup` on `word` in a task of its own.
fn spawn_lookup<F>(lookup: F, word: String) -> JoinHandle<usize>
where
    // `Send` here is about the closure, not about the future it returns.
    F: AsyncFn(&str) -> usize + Send + Sync + 'static,
{
    tokio::spawn(async move { lookup(&word).await })
}

#[tokio::main]
async fn main() {
    let handle = spawn_lookup(async |word: &str| word.len(), "async".to_string());
    println!("{}", handle.await.unwrap());
}
