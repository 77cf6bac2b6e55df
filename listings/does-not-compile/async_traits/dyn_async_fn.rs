pub trait Names {
    async fn name_of(&self, id: u64) -> Option<String>;
}

pub struct Fixed;

impl Names for Fixed {
    async fn name_of(&self, id: u64) -> Option<String> {
        (id == 1).then(|| "ada".to_string())
    }
}

#[tokio::main]
async fn main() {
    // One list of directories of different types, chosen at run time.
    let directories: Vec<Box<dyn Names>> = vec![Box::new(Fixed)];
    for directory in &directories {
        println!("{:?}", directory.name_of(1).await);
    }
}
