// What `async fn` means: a plain function that returns a future. The future
// captures the arguments, borrowed ones included, so it cannot outlive them.

// ANCHOR: both
/// Written with `async fn`.
pub async fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// The same function, written out. The returned future borrows `text`,
/// although its output, `usize`, names no lifetime. In edition 2024 an
/// `impl Trait` return type captures every lifetime in scope, so it may.
/// `async move` moves the reference into the future.
#[allow(clippy::manual_async_fn)] // written out on purpose, to show the desugaring
pub fn word_count_desugared(text: &str) -> impl Future<Output = usize> {
    async move { text.split_whitespace().count() }
}
// ANCHOR_END: both

// ANCHOR: owned
/// When the future must outlive the caller's data (to be spawned, say), take
/// ownership instead of borrowing: the future then holds the `String` itself.
pub async fn word_count_owned(text: String) -> usize {
    text.split_whitespace().count()
}
// ANCHOR_END: owned

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn both_forms_give_the_same_answer() {
        let text = String::from("hello async world");
        assert_eq!(word_count(&text).await, 3);
        assert_eq!(word_count_desugared(&text).await, 3);
        assert_eq!(word_count("").await, 0);
    }

    #[tokio::test]
    async fn an_owning_future_can_be_spawned() {
        let handle = tokio::spawn(word_count_owned("spawned task".to_string()));
        assert_eq!(handle.await.unwrap(), 2);
    }
}
