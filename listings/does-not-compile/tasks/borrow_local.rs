#[tokio::main]
async fn main() {
    let names = vec!["ada".to_string(), "grace".to_string()];
    let handle = tokio::spawn(async {
        // The task borrows `names`, which lives in `main`'s stack frame.
        names.len()
    });
    println!("{} names", handle.await.unwrap());
    println!("{names:?}");
}
