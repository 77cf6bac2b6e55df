// Does not compile: E0597, `text` does not live long enough.
async fn first_word(text: &str) -> &str {
    text.split_whitespace().next().unwrap_or("")
}

#[tokio::main]
async fn main() {
    let future = {
        let text = String::from("hello world");
        first_word(&text) // the future borrows `text`...
    }; // ...which is dropped here, while the future still exists
    println!("{}", future.await);
}
