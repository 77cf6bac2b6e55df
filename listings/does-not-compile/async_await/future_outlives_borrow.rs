// Does not compile: E0597, `text` does not live long enough.
async fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

#[tokio::main]
async fn main() {
    let future = {
        let text = String::from("hello world");
        word_count(&text) // the future borrows `text`...
    }; // ...which is dropped here, while the future still exists
    println!("{}", future.await);
}
