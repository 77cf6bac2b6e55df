use std::rc::Rc;
use std::time::Duration;

#[tokio::main]
async fn main() {
    let handle = tokio::spawn(async {
        // `Rc` is not `Send`: its reference count is not atomic.
        let shared = Rc::new(String::from("config"));
        // The task may move to another thread while it waits here.
        tokio::time::sleep(Duration::from_millis(10)).await;
        shared.len()
    });
    println!("{}", handle.await.unwrap());
}
