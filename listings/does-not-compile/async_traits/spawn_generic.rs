use std::time::Duration;

pub trait Names {
    async fn name_of(&self, id: u64) -> Option<String>;
}

pub struct Remote;

impl Names for Remote {
    async fn name_of(&self, id: u64) -> Option<String> {
        tokio::time::sleep(Duration::from_millis(10)).await;
        (id == 1).then(|| "ada".to_string())
    }
}

// Looks the name up in a task of its own, so the caller can do other work.
pub async fn name_in_background<N>(names: N, id: u64) -> Option<String>
where
    N: Names + Send + 'static,
{
    let task = tokio::spawn(async move { names.name_of(id).await });
    task.await.unwrap()
}

#[tokio::main]
async fn main() {
    assert_eq!(name_in_background(Remote, 1).await.as_deref(), Some("ada"));
}
