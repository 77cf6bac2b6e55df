//! Timeline diagrams: a record of when each future starts, waits and finishes
//! on a paused clock, drawn as SVG into `src/images/`.
//!
//! Wrap each future you want to see with [`Timeline::track`] (or
//! [`Timeline::track_result`], which also marks an `Err`), run the code on a
//! paused clock, then call [`Timeline::to_svg`]. Every time is virtual and
//! measured from the moment the `Timeline` was created, so the drawing is the
//! same on every run. `listings/tests/diagrams.rs` regenerates every diagram
//! and compares it with the committed file.
//!
//! A row holds one or more *segments*, one per future tracked under the row's
//! name, in the order they ran. A segment starts at the future's first poll
//! and ends when it returns `Ready` or is dropped before that (cancelled).
//! [`Timeline::track`] draws a solid bar: the future is doing its job, which
//! here mostly means waiting for a timer or a socket. [`Timeline::track_wait`]
//! draws an outlined bar: the row is held up waiting for its turn (a permit, a
//! lock) before it can start its job. The ticks on a solid bar are its polls.
//!
//! The drawing has no background and uses mid-tone colours, so it reads on the
//! light and the dark themes of the book alike.

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
    /// A moment, not a future: something happened (an interval ticked).
    Mark,
}

/// How a segment is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Look {
    /// A solid bar: the future doing its job (`track`, `track_result`).
    Work,
    /// An outlined bar: waiting for a turn before the job (`track_wait`).
    Wait,
}

/// One event: which row and segment, when (virtual time since the start), and
/// what. A `Mark` belongs to no segment (its `segment` is 0 and means nothing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub row: String,
    /// Which tracked future of the timeline this is, counted from 0.
    pub segment: usize,
    pub look: Look,
    pub at: Duration,
    pub kind: Kind,
}

/// The time axis of a drawing. Diagrams that the reader compares must share
/// one axis, or equal times are drawn at different lengths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Axis {
    /// From 0 to the last event, rounded up to a half second (at least 1 s).
    Fit,
    /// From 0 to this time, whatever the events are. It must not end before
    /// the last event.
    Until(Duration),
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

    fn record(&self, row: &str, segment: usize, look: Look, kind: Kind) {
        let event = Event {
            row: row.to_string(),
            segment,
            look,
            at: self.start.elapsed(),
            kind,
        };
        self.events.lock().unwrap().push(event);
    }

    /// Records that something happened in row `row` now, such as a tick. It is
    /// drawn as a mark, not a bar.
    pub fn mark(&self, row: &str) {
        self.record(row, 0, Look::Work, Kind::Mark);
    }

    /// Records a mark at `at` after the timeline's start, for moments that a
    /// listing measured and returned (the instants at which an interval
    /// ticked, say) rather than moments this code can see happen.
    pub fn mark_at(&self, row: &str, at: Duration) {
        let event = Event {
            row: row.to_string(),
            segment: 0,
            look: Look::Work,
            at,
            kind: Kind::Mark,
        };
        self.events.lock().unwrap().push(event);
    }

    /// Everything recorded so far, in order.
    pub fn events(&self) -> Vec<Event> {
        self.events.lock().unwrap().clone()
    }

    /// Wraps `future` so that its polls, its end and its drop are recorded in
    /// row `row`, drawn as a solid bar.
    pub fn track<F: Future>(&self, row: &str, future: F) -> Tracked<F> {
        self.wrap(row, Look::Work, future, |_| Kind::Finished)
    }

    /// Like `track`, but a `Ready(Err(_))` is drawn as a failure.
    pub fn track_result<F, T, E>(&self, row: &str, future: F) -> Tracked<F>
    where
        F: Future<Output = Result<T, E>>,
    {
        self.wrap(row, Look::Work, future, |output| match output {
            Ok(_) => Kind::Finished,
            Err(_) => Kind::Failed,
        })
    }

    /// Like `track`, for a future that waits for a turn (a permit, a lock):
    /// drawn as an outlined bar, so that waiting and working look different
    /// on the same row.
    pub fn track_wait<F: Future>(&self, row: &str, future: F) -> Tracked<F> {
        self.wrap(row, Look::Wait, future, |_| Kind::Finished)
    }

    fn wrap<F: Future>(
        &self,
        row: &str,
        look: Look,
        future: F,
        end: fn(&F::Output) -> Kind,
    ) -> Tracked<F> {
        // The segment number is the number of futures tracked before this one.
        let segment = {
            let events = self.events.lock().unwrap();
            events.iter().filter(|e| e.kind == Kind::Created).count()
        };
        self.record(row, segment, look, Kind::Created);
        Tracked {
            timeline: self.clone(),
            row: row.to_string(),
            segment,
            look,
            future: Box::pin(future),
            end,
            done: false,
        }
    }

    /// Draws the record: one row per name, in the order the rows' first
    /// futures were wrapped, on the given time axis.
    pub fn to_svg(&self, title: &str, axis: Axis) -> String {
        draw(title, &self.events(), axis)
    }
}

/// A future that reports to a [`Timeline`]. See [`Timeline::track`].
pub struct Tracked<F: Future> {
    timeline: Timeline,
    row: String,
    segment: usize,
    look: Look,
    future: Pin<Box<F>>,
    end: fn(&F::Output) -> Kind,
    done: bool,
}

impl<F: Future> Tracked<F> {
    fn record(&self, kind: Kind) {
        self.timeline
            .record(&self.row, self.segment, self.look, kind);
    }
}

impl<F: Future> Future for Tracked<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // `Tracked` is `Unpin` (the inner future is boxed), so `&mut Self` is fine.
        let this = &mut *self;
        let poll = this.future.as_mut().poll(cx);
        match &poll {
            Poll::Pending => this.record(Kind::Pending),
            Poll::Ready(output) => {
                this.done = true;
                this.record((this.end)(output));
            }
        }
        poll
    }
}

impl<F: Future> Drop for Tracked<F> {
    fn drop(&mut self) {
        // Dropped before `Ready`: the future was cancelled at its last `.await`.
        if !self.done {
            self.record(Kind::Cancelled);
        }
    }
}

// Layout, in pixels. Integers only, so the output is byte-for-byte stable.
const WIDTH: i64 = 640;
const LABEL: i64 = 120;
const RIGHT: i64 = 80;
const TOP: i64 = 34;
const ROW: i64 = 30;

// Colours. There is no background: the page shows through. The drawing is
// made for a light page (dark text, mid-tone bars); in the dark themes the
// book's stylesheet shows every diagram inverted, with its hues turned back
// (`theme/fences.css`), so the text keeps a contrast of 4.5:1 or more in every
// theme and the bars keep their colours.
const TEXT: &str = "#333333";
const DONE: &str = "#4a86c5";
const ERROR: &str = "#d9782b";
const DROPPED: &str = "#8c8c8c";
const CROSS: &str = "#d13b2b";
/// The poll ticks are cut into the bar in white, and stick out of it in `TEXT`.
const TICK_ON_BAR: &str = "#ffffff";

/// One tracked future, reduced to what the drawing needs.
struct Segment<'a> {
    look: Look,
    start: i64,
    end: i64,
    last: Kind,
    polls: Vec<i64>,
    row: &'a str,
}

fn segments(events: &[Event]) -> Vec<Segment<'_>> {
    let ms = |event: &Event| event.at.as_millis() as i64;
    let mut segments = Vec::new();
    let count = events
        .iter()
        .filter(|e| e.kind == Kind::Created)
        .map(|e| e.segment + 1)
        .max()
        .unwrap_or(0);
    for segment in 0..count {
        let mine: Vec<&Event> = events
            .iter()
            .filter(|e| e.segment == segment)
            .filter(|e| e.kind != Kind::Created && e.kind != Kind::Mark)
            .collect();
        // A future that was never polled did nothing, and is not drawn.
        let (Some(first), Some(last)) = (mine.first(), mine.last()) else {
            continue;
        };
        let end = ms(last);
        let polls = mine
            .iter()
            .filter(|e| e.kind != Kind::Cancelled)
            .map(|e| ms(e))
            // A poll at the instant the future was dropped is hidden under the
            // cross. (Unbiased, `select!` may or may not poll a losing branch
            // once more before it sees the winner; the drawing is the same.)
            .filter(|at| last.kind != Kind::Cancelled || *at != end)
            .collect();
        segments.push(Segment {
            look: first.look,
            start: ms(first),
            end,
            last: last.kind,
            polls,
            row: &first.row,
        });
    }
    segments
}

fn draw(title: &str, events: &[Event], axis: Axis) -> String {
    let segments = segments(events);
    let ms = |event: &Event| event.at.as_millis() as i64;
    let marks: Vec<(&str, i64)> = events
        .iter()
        .filter(|e| e.kind == Kind::Mark)
        .map(|e| (e.row.as_str(), ms(e)))
        .collect();
    // Rows in the order their first futures were created (not polled:
    // `select!` polls its branches starting from a random one), then rows
    // that hold only marks, in the order of their first mark.
    let mut rows: Vec<&str> = Vec::new();
    for row in segments
        .iter()
        .map(|s| s.row)
        .chain(marks.iter().map(|m| m.0))
    {
        if !rows.contains(&row) {
            rows.push(row);
        }
    }
    let end_ms = segments
        .iter()
        .map(|s| s.end)
        .chain(marks.iter().map(|m| m.1))
        .max()
        .unwrap_or(0);
    let span_ms = match axis {
        Axis::Fit => ((end_ms + 499) / 500 * 500).max(1000),
        Axis::Until(until) => {
            let until = until.as_millis() as i64;
            assert!(until >= end_ms, "the axis ends before the last event");
            until
        }
    };
    let x = |ms: i64| LABEL + ms * (WIDTH - LABEL - RIGHT) / span_ms;
    let axis_y = TOP + ROW * rows.len() as i64 + 8;
    let height = axis_y + 36;

    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" \
         viewBox=\"0 0 {WIDTH} {height}\" font-family=\"sans-serif\" font-size=\"13\">\n"
    );
    svg += &text(
        12,
        22,
        &format!("<tspan font-weight=\"bold\">{}</tspan>", escape(title)),
    );

    for (index, row) in rows.iter().enumerate() {
        let y = TOP + ROW * index as i64;
        svg += &text(12, y + 19, &escape(row));
        let mine: Vec<&Segment> = segments.iter().filter(|s| s.row == *row).collect();
        for segment in &mine {
            svg += &draw_segment(segment, y, &x);
        }
        svg += &draw_marks(&marks, row, y, &x);
        // The row's outcome, after its last segment.
        let Some(last) = mine.last() else { continue };
        let label = match last.last {
            Kind::Finished => "done",
            Kind::Failed => "error",
            Kind::Cancelled => "dropped",
            Kind::Pending | Kind::Created | Kind::Mark => "pending",
        };
        // Clear of the cross, if the row ends with one.
        let gap = if last.last == Kind::Cancelled { 12 } else { 8 };
        svg += &text(x(last.end) + gap, y + 19, label);
    }

    svg += &line(x(0), axis_y, x(span_ms), axis_y, TEXT, 1);
    let step = if span_ms > 5000 { 1000 } else { 500 };
    for tick_ms in (0..=span_ms).step_by(step) {
        let seconds = format!("{}.{} s", tick_ms / 1000, tick_ms % 1000 / 100);
        svg += &line(x(tick_ms), axis_y, x(tick_ms), axis_y + 5, TEXT, 1);
        svg += &text(x(tick_ms) - 12, axis_y + 20, &seconds);
    }
    svg += "</svg>\n";
    svg
}

fn draw_segment(segment: &Segment, y: i64, x: &dyn Fn(i64) -> i64) -> String {
    let (start_x, end_x) = (x(segment.start), x(segment.end));
    let colour = match segment.last {
        Kind::Finished => DONE,
        Kind::Failed => ERROR,
        Kind::Cancelled | Kind::Pending | Kind::Created | Kind::Mark => DROPPED,
    };
    let mut svg = String::new();
    if segment.look == Look::Wait {
        // Waiting for a turn: an outline, and nothing at all if it got its
        // turn at once.
        if end_x > start_x {
            svg += &format!(
                "<rect x=\"{start_x}\" y=\"{}\" width=\"{}\" height=\"14\" rx=\"3\" \
                 fill=\"{colour}\" fill-opacity=\"0.15\" stroke=\"{colour}\" \
                 stroke-width=\"2\" stroke-dasharray=\"4 3\"/>\n",
                y + 8,
                end_x - start_x
            );
        }
        return svg;
    }
    let width = (end_x - start_x).max(3);
    svg += &format!(
        "<rect x=\"{start_x}\" y=\"{}\" width=\"{width}\" height=\"16\" rx=\"3\" fill=\"{colour}\"/>\n",
        y + 7
    );
    // A tick for every poll: where the future did its (instant) work.
    for poll in &segment.polls {
        let at = x(*poll);
        svg += &line(at, y + 2, at, y + 28, TEXT, 2);
        svg += &line(at, y + 9, at, y + 21, TICK_ON_BAR, 2);
    }
    if segment.last == Kind::Cancelled {
        // A cross where the future was dropped.
        svg += &line(end_x - 5, y + 10, end_x + 5, y + 20, CROSS, 3);
        svg += &line(end_x + 5, y + 10, end_x - 5, y + 20, CROSS, 3);
    }
    svg
}

/// A tall mark for each moment; "×n" beside it when n happened at once.
fn draw_marks(
    marks: &[(&str, i64)],
    row: &str,
    y: i64,
    x: &dyn Fn(i64) -> i64,
) -> String {
    let mut svg = String::new();
    let mut times: Vec<i64> =
        marks.iter().filter(|m| m.0 == row).map(|m| m.1).collect();
    times.dedup_by_key(|at| *at); // marks arrive in time order
    for at in times {
        let count = marks.iter().filter(|m| m.0 == row && m.1 == at).count();
        svg += &line(x(at), y + 5, x(at), y + 25, DONE, 3);
        if count > 1 {
            // To the left, where a burst has left a gap.
            svg += &text(x(at) - 24, y + 19, &format!("×{count}"));
        }
    }
    svg
}

fn text(x: i64, y: i64, content: &str) -> String {
    format!("<text x=\"{x}\" y=\"{y}\" fill=\"{TEXT}\">{content}</text>\n")
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
    async fn draws_one_row_per_name_with_a_time_axis() {
        let timeline = Timeline::new();
        timeline
            .track("a <first>", sleep(Duration::from_secs(1)))
            .await;
        let svg = timeline.to_svg("one & only", Axis::Fit);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
        assert!(svg.contains(">a &lt;first&gt;</text>"));
        assert!(svg.contains(">one &amp; only</tspan>"));
        assert!(svg.contains(">done</text>") && svg.contains(">1.0 s</text>"));
        assert!(
            !svg.contains(">1.5 s</text>"),
            "the axis ends at the last event"
        );
        // No background: the page's own colour shows through.
        assert!(!svg.contains("<rect width="));
        // Drawing twice gives the same bytes.
        assert_eq!(svg, timeline.to_svg("one & only", Axis::Fit));
    }

    #[tokio::test(start_paused = true)]
    async fn a_shared_axis_draws_equal_times_at_equal_lengths() {
        let short = Timeline::new();
        short.track("a", sleep(Duration::from_secs(1))).await;
        let long = Timeline::new();
        long.track("a", sleep(Duration::from_secs(3))).await;
        let axis = Axis::Until(Duration::from_secs(3));
        let (short, long) = (short.to_svg("s", axis), long.to_svg("l", axis));
        // The same axis ticks, and the 1 s bar a third as wide as the 3 s one.
        assert!(short.contains(">3.0 s</text>") && long.contains(">3.0 s</text>"));
        assert!(short.contains("width=\"146\"") && long.contains("width=\"440\""));
    }

    #[tokio::test(start_paused = true)]
    async fn marks_at_the_same_moment_are_counted() {
        let timeline = Timeline::new();
        timeline.mark("ticks");
        sleep(Duration::from_millis(500)).await;
        timeline.mark("ticks");
        timeline.mark_at("ticks", Duration::from_millis(500));
        let svg = timeline.to_svg("t", Axis::Fit);
        assert_eq!(svg.matches(">ticks</text>").count(), 1, "one row");
        assert_eq!(svg.matches("stroke-width=\"3\"").count(), 2, "two moments");
        assert!(svg.contains(">×2</text>"), "two marks at 500 ms");
    }

    #[tokio::test(start_paused = true)]
    async fn waiting_and_working_share_a_row_and_look_different() {
        let timeline = Timeline::new();
        timeline
            .track_wait("job", sleep(Duration::from_secs(1)))
            .await;
        timeline.track("job", sleep(Duration::from_secs(1))).await;
        let svg = timeline.to_svg("t", Axis::Fit);
        assert_eq!(svg.matches(">job</text>").count(), 1, "one row");
        assert_eq!(svg.matches("stroke-dasharray").count(), 1, "one wait");
        assert!(
            svg.contains("x=\"120\" y=\"42\" width=\"220\""),
            "wait 0-1 s"
        );
        assert!(
            svg.contains("x=\"340\" y=\"41\" width=\"220\""),
            "work 1-2 s"
        );
    }
}
