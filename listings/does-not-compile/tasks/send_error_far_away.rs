use std::rc::Rc;
use std::time::Duration;

mod audit {
    use super::*;

    // A helper deep in another module. Nothing here says "Send", and this
    // compiles on its own: the future it returns is simply not `Send`.
    pub async fn log_visit(path: &str) {
        let entry = Rc::new(format!("visited {path}"));
        tokio::time::sleep(Duration::from_millis(10)).await;
        println!("{entry}");
    }
}

async fn handle(path: String) {
    audit::log_visit(&path).await;
}

#[tokio::main]
async fn main() {
    // The error is reported here, where `Send` is first required.
    tokio::spawn(handle("/".to_string())).await.unwrap();
}
