use std::rc::Rc;
use std::time::Duration;

// The signature promises a `Send` future, so the body is checked against
// it here, at the definition, whoever calls it.
pub fn log_visit(path: &str) -> impl Future<Output = ()> + Send {
    async move {
        let entry = Rc::new(format!("visited {path}"));
        tokio::time::sleep(Duration::from_millis(10)).await;
        println!("{entry}");
    }
}

fn main() {}
