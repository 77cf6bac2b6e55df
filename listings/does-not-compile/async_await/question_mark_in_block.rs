// Does not compile: E0282, type annotations needed.
#[tokio::main]
async fn main() {
    let text = String::from("21");
    let handle = tokio::spawn(async move {
        let n: u32 = text.parse()?;
        Ok(n * 2)
    });
    match handle.await.expect("the task does not panic") {
        Ok(n) => println!("doubled: {n}"),
        Err(error) => println!("not a number: {error}"),
    }
}
