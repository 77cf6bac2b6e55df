// `IntoFuture` lets a value be awaited directly. A builder can collect options
// with plain method calls and start the work only when it is awaited, the way
// `reqwest::RequestBuilder` does.

use std::future::IntoFuture;
use std::pin::Pin;
use std::time::Duration;

// ANCHOR: builder
/// A greeting to be sent after an optional delay.
pub struct Greeting {
    name: String,
    excited: bool,
    delay: Duration,
}

impl Greeting {
    pub fn to(name: &str) -> Self {
        Greeting {
            name: name.to_string(),
            excited: false,
            delay: Duration::ZERO,
        }
    }

    pub fn excited(mut self) -> Self {
        self.excited = true;
        self
    }

    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

impl IntoFuture for Greeting {
    type Output = String;
    // A boxed future keeps the type nameable. An `async` block's type has no
    // name, and `impl Future` is not allowed in this position yet.
    type IntoFuture = Pin<Box<dyn Future<Output = String> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            tokio::time::sleep(self.delay).await;
            let mark = if self.excited { "!" } else { "." };
            format!("Hello, {}{mark}", self.name)
        })
    }
}
// ANCHOR_END: builder

// ANCHOR: use
pub async fn demo() -> (String, String) {
    let plain = Greeting::to("Ferris").await;
    let fancy = Greeting::to("Ferris")
        .excited()
        .after(Duration::from_secs(1))
        .await;
    (plain, fancy)
}
// ANCHOR_END: use

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_builder_is_awaited_directly() {
        let start = tokio::time::Instant::now();
        let (plain, fancy) = demo().await;
        assert_eq!(plain, "Hello, Ferris.");
        assert_eq!(fancy, "Hello, Ferris!");
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }
}
