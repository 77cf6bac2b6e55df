// tokio's OnceCell: a value initialised once by an async function, however
// many tasks ask for it at the same time.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::OnceCell;
use tokio::time::sleep;

// ANCHOR: settings
#[derive(Debug, PartialEq)]
pub struct Config {
    pub database_url: String,
}

#[derive(Default)]
pub struct Settings {
    config: OnceCell<Config>,
    loads: AtomicUsize,
}

impl Settings {
    /// Loads the configuration on first use. Callers that arrive while the
    /// first load is running wait for it instead of starting their own.
    pub async fn config(&self) -> &Config {
        self.config
            .get_or_init(|| async {
                self.loads.fetch_add(1, Ordering::SeqCst);
                sleep(Duration::from_secs(1)).await; // fetching it remotely
                Config {
                    database_url: "postgres://db.internal/app".to_string(),
                }
            })
            .await
    }

    pub fn loads(&self) -> usize {
        self.loads.load(Ordering::SeqCst)
    }
}
// ANCHOR_END: settings

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_one_load() {
        let settings = Arc::new(Settings::default());
        let start = Instant::now();
        let callers: Vec<_> = (0..10)
            .map(|_| {
                let settings = settings.clone();
                tokio::spawn(
                    async move { settings.config().await.database_url.clone() },
                )
            })
            .collect();
        for caller in callers {
            assert_eq!(caller.await.unwrap(), "postgres://db.internal/app");
        }
        assert_eq!(settings.loads(), 1);
        assert_eq!(start.elapsed(), Duration::from_secs(1));

        // Later calls return the stored value at once.
        settings.config().await;
        assert_eq!(settings.loads(), 1);
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }
}
