// Pinning in practice: awaiting the same future more than once, through
// `&mut`, which needs a pinned future.

// ANCHOR: pinned
use std::pin::pin;
use std::time::Duration;
use tokio::time::{sleep, timeout};

/// A slow operation: three seconds before the report is ready.
async fn build_report() -> String {
    sleep(Duration::from_secs(3)).await;
    String::from("quarterly report")
}

/// Waits for the report, noting every second that it is still running.
/// The same future is awaited again after each timeout: it is never
/// restarted, so no work is lost.
pub async fn report_with_progress() -> (String, Vec<String>) {
    // `pin!` pins the future in place, on this function's stack (inside
    // this future's state). `report` is a `Pin<&mut impl Future>`.
    let mut report = pin!(build_report());
    let mut progress = Vec::new();
    loop {
        // `report.as_mut()` reborrows the pin, so `timeout` only borrows
        // the future and we can poll it again on the next round.
        match timeout(Duration::from_secs(1), report.as_mut()).await {
            Ok(text) => return (text, progress),
            Err(_elapsed) => {
                progress.push(format!("still working after {}", progress.len() + 1))
            }
        }
    }
}
// ANCHOR_END: pinned

// ANCHOR: boxed
use std::future::Future;
use std::pin::Pin;

/// `Box::pin` pins on the heap. The pinned future can then be moved freely
/// (the box moves, the future stays put), returned, or stored next to
/// futures of other types behind `dyn Future`.
pub fn report_steps() -> Vec<Pin<Box<dyn Future<Output = String> + Send>>> {
    vec![
        Box::pin(build_report()),
        Box::pin(async { String::from("cover page") }),
    ]
}
// ANCHOR_END: boxed

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn one_report_with_two_progress_notes() {
        let start = Instant::now();
        let (text, progress) = report_with_progress().await;
        assert_eq!(text, "quarterly report");
        assert_eq!(progress, ["still working after 1", "still working after 2"]);
        // The report took its three seconds once: the timeouts did not restart it.
        assert_eq!(start.elapsed(), Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn boxed_futures_of_different_types_in_one_vec() {
        let start = Instant::now();
        let steps = futures::future::join_all(report_steps()).await;
        assert_eq!(steps, ["quarterly report", "cover page"]);
        assert_eq!(start.elapsed(), Duration::from_secs(3));
    }

    #[test]
    fn async_fn_futures_are_not_unpin_but_boxes_are() {
        fn is_unpin<T: Unpin>(_: &T) {}
        // `build_report()` is `!Unpin`, so this line would not compile:
        // is_unpin(&build_report());
        let boxed = Box::pin(build_report());
        is_unpin(&boxed);
    }
}
