#[tokio::main]
async fn main() {
    let names = vec!["ada".to_string(), "grace".to_string()];
    let handle = tokio::spawn(async {
        // The task borrows `names`, which lives on `main`'s stack.
        names.len()
    });
    println!("{}", handle.await.unwrap());
}
