// An async block is an anonymous future, written inline. Using `?` inside one
// needs the block's error type spelled out when nothing else names it.

use std::num::ParseIntError;

// ANCHOR: turbofish
/// Doubles a number in a spawned task and describes the outcome.
pub async fn double_in_a_task(text: String) -> String {
    let handle = tokio::spawn(async move {
        let n: u32 = text.parse()?;
        // `?` converts errors with `From`, so the block's error type could be
        // anything that `ParseIntError` converts into. Name it here.
        Ok::<u32, ParseIntError>(n * 2)
    });
    match handle.await.expect("the task does not panic") {
        Ok(n) => format!("doubled: {n}"),
        Err(error) => format!("not a number: {error}"),
    }
}
// ANCHOR_END: turbofish

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn doubles_numbers_and_reports_bad_input() {
        assert_eq!(double_in_a_task("21".into()).await, "doubled: 42");
        assert_eq!(
            double_in_a_task("forty".into()).await,
            "not a number: invalid digit found in string"
        );
    }
}
