// A mock of an async trait with mockall: the test states what calls it
// expects and what each returns, and the mock checks them when dropped.

// ANCHOR: code
/// Where prices come from. `#[automock]` writes `MockPrices` for tests.
#[cfg_attr(test, mockall::automock)]
// Callers take `impl Prices`, so no caller needs the future to be `Send`.
#[allow(async_fn_in_trait)]
pub trait Prices {
    async fn price(&self, item: &str) -> Option<u64>;
}

/// The total of a basket, or the first item with no price.
pub async fn total(prices: &impl Prices, basket: &[&str]) -> Result<u64, String> {
    let mut sum = 0;
    for item in basket {
        sum += prices.price(item).await.ok_or_else(|| item.to_string())?;
    }
    Ok(sum)
}
// ANCHOR_END: code

#[cfg(test)]
mod tests {
    use super::*;
    use mockall::predicate::eq;

    // ANCHOR: test
    #[tokio::test]
    async fn stops_at_the_first_unknown_item() {
        let mut prices = MockPrices::new();
        prices
            .expect_price()
            .with(eq("tea"))
            .times(1)
            .returning(|_| Some(3));
        prices
            .expect_price()
            .with(eq("cake"))
            .times(1)
            .returning(|_| None);
        // No expectation for "milk": a call for it would panic the test.
        let result = total(&prices, &["tea", "cake", "milk"]).await;
        assert_eq!(result, Err("cake".to_string()));
    }
    // ANCHOR_END: test
}
