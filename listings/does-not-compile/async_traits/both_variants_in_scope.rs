use std::time::Duration;

#[trait_variant::make(Names: Send)]
pub trait LocalNames {
    async fn name_of(&self, id: u64) -> Option<String>;
}

pub struct Remote;

impl Names for Remote {
    async fn name_of(&self, id: u64) -> Option<String> {
        tokio::time::sleep(Duration::from_millis(10)).await;
        (id == 1).then(|| "ada".to_string())
    }
}

#[tokio::main]
async fn main() {
    // Both traits are in scope here, and `Remote` implements both.
    println!("{:?}", Remote.name_of(1).await);
}
