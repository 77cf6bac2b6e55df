//! Timeline diagrams: a record of when each task starts, waits and finishes on
//! a paused clock, drawn as SVG into `src/images/`.
//!
//! Wrap each future you want to see with [`Timeline::track`] (or
//! [`Timeline::track_result`], which also marks an `Err`), run the code on a
//! paused clock, then call [`Timeline::to_svg`]. Every time is virtual and
//! measured from the moment the `Timeline` was created, so the drawing is the
//! same on every run. `listings/tests/diagrams.rs` regenerates every diagram
//! and compares it with the committed file.
//!
//! A row starts at the first poll and ends when the future returns `Ready` or
//! is dropped before that (cancelled). The bar in between is the time the
//! future spent waiting; the thin marks on it are the polls.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::Instant;

/// What happened to a tracked future at one moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Wrapped by `track`, not yet polled. Rows are drawn in this order.
    Created,
    /// Polled, and it returned `Pending` (the first one is the start).
    Pending,
    /// Polled, and it returned `Ready`.
    Finished,
    /// Polled, and it returned `Ready(Err(_))` (only with `track_result`).
    Failed,
    /// Dropped before it returned `Ready`.
    Cancelled,
}

/// One event: which row, when (virtual time since the start), and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub row: String,
    pub at: Duration,
    pub kind: Kind,
}

/// A recorder, cheap to clone, shared by every tracked future.
#[derive(Clone, Debug)]
pub struct Timeline {
    start: Instant,
    events: Arc<Mutex<Vec<Event>>>,
}

impl Default for Timeline {
    fn default() -> Self {
        Self::new()
    }
}

impl Timeline {
    /// Starts the clock of the diagram now (call it inside the runtime).
    pub fn new() -> Self {
        Timeline {
            start: Instant::now(),
            events: Arc::new(Mutex::new(Vec::new())),
        }
    }

    fn record(&self, row: &str, kind: Kind) {
        let (row, at) = (row.to_string(), self.start.elapsed());
        self.events.lock().unwrap().push(Event { row, at, kind });
    }

    /// Everything recorded so far, in order.
    pub fn events(&self) -> Vec<Event> {
        self.events.lock().unwrap().clone()
    }

    /// Wraps `future` so that its polls, its end and its drop are recorded in row `row`.
    pub fn track<F: Future>(&self, row: &str, future: F) -> Tracked<F> {
        self.wrap(row, future, |_| Kind::Finished)
    }

    /// Like `track`, but a `Ready(Err(_))` is drawn as a failure.
    pub fn track_result<F, T, E>(&self, row: &str, future: F) -> Tracked<F>
    where
        F: Future<Output = Result<T, E>>,
    {
        self.wrap(row, future, |output| match output {
            Ok(_) => Kind::Finished,
            Err(_) => Kind::Failed,
        })
    }

    fn wrap<F: Future>(
        &self,
        row: &str,
        future: F,
        end: fn(&F::Output) -> Kind,
    ) -> Tracked<F> {
        self.record(row, Kind::Created);
        Tracked {
            timeline: self.clone(),
            row: row.to_string(),
            future: Box::pin(future),
            end,
            done: false,
        }
    }

    /// Draws the record: one row per tracked future, in the order they were wrapped.
    pub fn to_svg(&self, title: &str) -> String {
        draw(title, &self.events())
    }
}

/// A future that reports to a [`Timeline`]. See [`Timeline::track`].
pub struct Tracked<F: Future> {
    timeline: Timeline,
    row: String,
    future: Pin<Box<F>>,
    end: fn(&F::Output) -> Kind,
    done: bool,
}

impl<F: Future> Future for Tracked<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // `Tracked` is `Unpin` (the inner future is boxed), so `&mut Self` is fine.
        let this = &mut *self;
        let poll = this.future.as_mut().poll(cx);
        match &poll {
            Poll::Pending => this.timeline.record(&this.row, Kind::Pending),
            Poll::Ready(output) => {
                this.done = true;
                this.timeline.record(&this.row, (this.end)(output));
            }
        }
        poll
    }
}

impl<F: Future> Drop for Tracked<F> {
    fn drop(&mut self) {
        // Dropped before `Ready`: the future was cancelled at its last `.await`.
        if !self.done {
            self.timeline.record(&self.row, Kind::Cancelled);
        }
    }
}

// Layout, in pixels. Integers only, so the output is byte-for-byte stable.
const WIDTH: i64 = 640;
const LABEL: i64 = 120;
const RIGHT: i64 = 80;
const TOP: i64 = 34;
const ROW: i64 = 30;
const INK: &str = "#222222";

fn draw(title: &str, all_events: &[Event]) -> String {
    // Rows in creation order, not poll order: `select!` polls its branches in
    // random order. A future that was never polled gets no row.
    let (created, events): (Vec<&Event>, Vec<&Event>) =
        all_events.iter().partition(|e| e.kind == Kind::Created);
    let mut rows: Vec<&str> = Vec::new();
    for event in created {
        if events.iter().any(|e| e.row == event.row)
            && !rows.contains(&event.row.as_str())
        {
            rows.push(&event.row);
        }
    }
    let ms = |event: &Event| event.at.as_millis() as i64;
    let end_ms = events.iter().map(|e| ms(e)).max().unwrap_or(0);
    // The axis runs to the next whole half second, and at least one second.
    let span_ms = ((end_ms + 499) / 500 * 500).max(1000);
    let x = |ms: i64| LABEL + ms * (WIDTH - LABEL - RIGHT) / span_ms;
    let axis_y = TOP + ROW * rows.len() as i64 + 8;
    let height = axis_y + 36;

    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" \
         viewBox=\"0 0 {WIDTH} {height}\" font-family=\"sans-serif\" font-size=\"13\">\n"
    );
    // A light card behind everything keeps the diagram legible in dark themes too.
    svg += &format!(
        "<rect width=\"{WIDTH}\" height=\"{height}\" rx=\"6\" fill=\"#f7f7f7\" stroke=\"#bbbbbb\"/>\n"
    );
    svg += &text(
        12,
        22,
        &format!("<tspan font-weight=\"bold\">{}</tspan>", escape(title)),
    );

    for (index, row) in rows.iter().enumerate() {
        let y = TOP + ROW * index as i64;
        let mine: Vec<&&Event> = events.iter().filter(|e| e.row == *row).collect();
        let (first, last) = (mine[0], mine[mine.len() - 1]);
        let (colour, label) = match last.kind {
            Kind::Finished => ("#4a86c5", "done"),
            Kind::Failed => ("#e08a2e", "error"),
            Kind::Cancelled => ("#9a9a9a", "dropped"),
            Kind::Pending | Kind::Created => ("#c9c9c9", "pending"),
        };
        svg += &text(12, y + 19, &escape(row));
        let (start_x, end_x) = (x(ms(first)), x(ms(last)));
        let width = (end_x - start_x).max(3);
        svg += &format!(
            "<rect x=\"{start_x}\" y=\"{}\" width=\"{width}\" height=\"16\" rx=\"3\" fill=\"{colour}\"/>\n",
            y + 7
        );
        // A thin mark for every poll: where the future did its (instant) work.
        for event in mine.iter().filter(|e| e.kind != Kind::Cancelled) {
            svg += &line(x(ms(event)), y + 5, x(ms(event)), y + 25, INK, 2);
        }
        if last.kind == Kind::Cancelled {
            // A cross where the future was dropped.
            svg += &line(end_x - 5, y + 10, end_x + 5, y + 20, "#c0392b", 3);
            svg += &line(end_x + 5, y + 10, end_x - 5, y + 20, "#c0392b", 3);
        }
        svg += &text(end_x + 8, y + 19, label);
    }

    svg += &line(x(0), axis_y, x(span_ms), axis_y, "#555555", 1);
    for tick_ms in (0..=span_ms).step_by(500) {
        let seconds = format!("{}.{} s", tick_ms / 1000, tick_ms % 1000 / 100);
        svg += &line(x(tick_ms), axis_y, x(tick_ms), axis_y + 5, "#555555", 1);
        svg += &text(x(tick_ms) - 12, axis_y + 20, &seconds);
    }
    svg += "</svg>\n";
    svg
}

fn text(x: i64, y: i64, content: &str) -> String {
    format!("<text x=\"{x}\" y=\"{y}\" fill=\"{INK}\">{content}</text>\n")
}

fn line(x1: i64, y1: i64, x2: i64, y2: i64, colour: &str, width: u32) -> String {
    format!(
        "<line x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\" stroke=\"{colour}\" stroke-width=\"{width}\"/>\n"
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::sleep;

    #[tokio::test(start_paused = true)]
    async fn records_polls_ends_and_drops_in_virtual_time() {
        let timeline = Timeline::new();
        let slow = timeline.track("slow", sleep(Duration::from_secs(2)));
        let failing = timeline.track_result("failing", async {
            sleep(Duration::from_millis(500)).await;
            Err::<(), &str>("boom")
        });
        tokio::select! {
            _ = slow => unreachable!("the failing branch ends first"),
            result = failing => assert_eq!(result, Err("boom")),
        }
        let at = |row: &str, kind| {
            timeline
                .events()
                .iter()
                .find(|e| e.row == row && e.kind == kind)
                .map(|e| e.at)
        };
        assert_eq!(at("slow", Kind::Pending), Some(Duration::ZERO));
        assert_eq!(
            at("failing", Kind::Failed),
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            at("slow", Kind::Cancelled),
            Some(Duration::from_millis(500))
        );
        assert_eq!(at("slow", Kind::Finished), None);
    }

    #[tokio::test(start_paused = true)]
    async fn draws_one_row_per_future_with_a_time_axis() {
        let timeline = Timeline::new();
        timeline
            .track("a <first>", sleep(Duration::from_secs(1)))
            .await;
        let svg = timeline.to_svg("one & only");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
        assert!(svg.contains(">a &lt;first&gt;</text>"));
        assert!(svg.contains(">one &amp; only</tspan>"));
        assert!(svg.contains(">done</text>") && svg.contains(">1.0 s</text>"));
        assert!(
            !svg.contains(">1.5 s</text>"),
            "the axis ends at the last event"
        );
        // Drawing twice gives the same bytes.
        assert_eq!(svg, timeline.to_svg("one & only"));
    }
}
