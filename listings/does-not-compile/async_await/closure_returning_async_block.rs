// Does not compile: lifetime may not live long enough.
async fn lookup_len(word: &str) -> usize {
    word.len()
}

async fn total_len<F, Fut>(words: &[&str], measure: F) -> usize
where
    F: Fn(&str) -> Fut,
    Fut: Future<Output = usize>,
{
    let mut total = 0;
    for word in words {
        total += measure(word).await;
    }
    total
}

#[tokio::main]
async fn main() {
    // An ordinary closure that returns an async block. The block captures
    // `word`, but `Fut` is one type for every call: it cannot borrow from
    // each call's argument.
    let total = total_len(&["a", "b"], |word: &str| async move {
        lookup_len(word).await
    })
    .await;
    println!("{total}");
}
