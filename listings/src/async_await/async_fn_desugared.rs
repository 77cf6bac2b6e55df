// What `async fn` means: a plain function that returns a future. The future
// captures the arguments, borrowed ones included, so it cannot outlive them.

// ANCHOR: both
/// Written with `async fn`.
pub async fn first_word(text: &str) -> &str {
    text.split_whitespace().next().unwrap_or("")
}

/// The same function, written out. The returned future borrows `text`: in
/// edition 2024 an `impl Trait` return type captures every lifetime in scope,
/// so no `+ '_` is needed. `async move` moves the reference into the future.
#[allow(clippy::manual_async_fn)] // written out on purpose, to show the desugaring
pub fn first_word_desugared(text: &str) -> impl Future<Output = &str> {
    async move { text.split_whitespace().next().unwrap_or("") }
}
// ANCHOR_END: both

// ANCHOR: owned
/// When the future must outlive the caller's data (to be spawned, say), take
/// ownership instead of borrowing: the future then holds the `String` itself.
pub async fn first_word_owned(text: String) -> String {
    text.split_whitespace().next().unwrap_or("").to_string()
}
// ANCHOR_END: owned

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn both_forms_give_the_same_answer() {
        let text = String::from("hello async world");
        assert_eq!(first_word(&text).await, "hello");
        assert_eq!(first_word_desugared(&text).await, "hello");
        assert_eq!(first_word("").await, "");
    }

    #[tokio::test]
    async fn an_owning_future_can_be_spawned() {
        let handle = tokio::spawn(first_word_owned("spawned task".to_string()));
        assert_eq!(handle.await.unwrap(), "spawned");
    }
}
