use std::error::Error;

// Any error at all, boxed: the usual return type of a small program.
async fn read_port(text: String) -> Result<u16, Box<dyn Error>> {
    Ok(text.trim().parse::<u16>()?)
}

#[tokio::main]
async fn main() {
    // The task's output is the `Result`, so its error must be `Send` too.
    let handle = tokio::spawn(read_port("8080".to_string()));
    println!("{:?}", handle.await.unwrap().ok());
}
