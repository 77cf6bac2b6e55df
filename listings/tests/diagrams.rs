//! Every diagram in the book is drawn from a real run on a paused clock.
//!
//! Each test runs code from a chapter's listings with its futures wrapped in
//! `Timeline::track`, draws the record as SVG and compares it with the
//! committed `src/images/<name>.svg`. To redraw them after changing a listing
//! on purpose (create an empty `<name>.svg` first for a new diagram):
//!
//! ```console
//! $ SNAPSHOTS=overwrite cargo test -p listings --test diagrams
//! ```

use listings::join_and_select::{concurrency, race, try_join};
use listings::time::missed_ticks;
use listings::timeline::{Axis, Timeline};
use std::path::Path;
use std::time::Duration;

/// The three ways of making three calls are compared in the chapter, so they
/// share one time axis: the sequential version's 3 s.
const THREE_CALLS: Axis = Axis::Until(Duration::from_secs(3));

fn check(name: &str, svg: String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../src/images/{name}.svg"));
    snapbox::assert_data_eq!(svg, snapbox::Data::read_from(&path, None));
}

#[tokio::test(start_paused = true)]
async fn three_calls_in_sequence() {
    let timeline = Timeline::new();
    for name in ["a", "b", "c"] {
        timeline.track(name, concurrency::call(name)).await;
    }
    check(
        "three-calls-sequential",
        timeline.to_svg("Three 1 s calls, one after another", THREE_CALLS),
    );
}

#[tokio::test(start_paused = true)]
async fn three_calls_with_join() {
    let timeline = Timeline::new();
    tokio::join!(
        timeline.track("a", concurrency::call("a")),
        timeline.track("b", concurrency::call("b")),
        timeline.track("c", concurrency::call("c")),
    );
    check(
        "three-calls-join",
        timeline.to_svg("Three 1 s calls under join! (one task)", THREE_CALLS),
    );
}

#[tokio::test(start_paused = true)]
async fn three_calls_spawned() {
    let timeline = Timeline::new();
    let a = tokio::spawn(timeline.track("task a", concurrency::call("a")));
    let b = tokio::spawn(timeline.track("task b", concurrency::call("b")));
    let c = tokio::spawn(timeline.track("task c", concurrency::call("c")));
    let (a, b, c) = tokio::join!(a, b, c);
    assert_eq!([a.unwrap(), b.unwrap(), c.unwrap()], ["a", "b", "c"]);
    check(
        "three-calls-spawn",
        timeline.to_svg("Three 1 s calls, each in a spawned task", THREE_CALLS),
    );
}

#[tokio::test(start_paused = true)]
async fn select_race() {
    // `race()` itself, with each of its two lookups wrapped in a tracker.
    let timeline = Timeline::new();
    let answer = race::first_to_finish(
        timeline.track_result("primary", race::lookup("primary", 500, true)),
        timeline.track_result("replica", race::lookup("replica", 1500, false)),
    )
    .await;
    assert_eq!(answer, Err("primary failed".to_string()));
    check(
        "select-race",
        timeline.to_svg(
            "select!: the first to finish wins, even with an error",
            Axis::Fit,
        ),
    );
}

#[tokio::test(start_paused = true)]
async fn try_join_fails_fast() {
    let timeline = Timeline::new();
    let log = try_join::Log::default();
    let result = tokio::try_join!(
        timeline
            .track_result("profile", try_join::step("profile", 1000, false, &log)),
        timeline.track_result("orders", try_join::step("orders", 1500, true, &log)),
        timeline.track_result(
            "suggestions",
            try_join::step("suggestions", 3000, false, &log)
        ),
    );
    assert!(result.is_err());
    check(
        "try-join-fail-fast",
        timeline.to_svg("try_join!: the first error drops the rest", Axis::Fit),
    );
}

#[tokio::test(start_paused = true)]
async fn semaphore_limits_concurrency() {
    // The pattern of `shared_state::semaphore::run_limited`: the loop waits
    // for a permit before it spawns each job. Each row shows the loop waiting
    // for that job's permit (outlined), then the job holding it (solid).
    let start = tokio::time::Instant::now();
    let timeline = Timeline::new();
    let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(2));
    let mut tasks = tokio::task::JoinSet::new();
    for job in 1..=6 {
        let row = format!("job {job}");
        let permit = timeline
            .track_wait(&row, permits.clone().acquire_owned())
            .await
            .unwrap();
        let timeline = timeline.clone();
        tasks.spawn(async move {
            timeline
                .track(&row, tokio::time::sleep(Duration::from_secs(1)))
                .await;
            drop(permit);
        });
    }
    tasks.join_all().await;
    // Three rounds of two jobs.
    assert_eq!(start.elapsed(), Duration::from_secs(3));
    check(
        "semaphore-limit",
        timeline.to_svg(
            "A semaphore with 2 permits: six 1 s jobs, two at a time",
            Axis::Fit,
        ),
    );
}

#[tokio::test(start_paused = true)]
async fn missed_ticks_for_each_behavior() {
    // The instants that the listing's `tick_times` measured and returned,
    // one row per `MissedTickBehavior`, drawn as marks.
    use tokio::time::MissedTickBehavior::{Burst, Delay, Skip};
    let timeline = Timeline::new();
    for behavior in [Burst, Delay, Skip] {
        let row = format!("{behavior:?}");
        let times =
            missed_ticks::tick_times(behavior, 7, missed_ticks::SLOW_WORK).await;
        for ms in times {
            timeline.mark_at(&row, Duration::from_millis(ms as u64));
        }
    }
    check(
        "missed-ticks",
        timeline.to_svg(
            "A 100 ms interval; the work after the tick at 100 ms takes 350 ms",
            Axis::Fit,
        ),
    );
}

/// Replays spans that a listing measured and returned (`(start, end, look)`,
/// in time since the run began) on a fresh paused clock, one row at a time, so
/// that the timeline draws them as it would have drawn the real futures. Run
/// each row in a task of its own: under `join!`, every row would be polled
/// whenever any row woke, and the drawing would show polls that never were.
async fn replay(
    timeline: Timeline,
    row: &str,
    spans: Vec<(Duration, Duration, bool)>,
) {
    let start = tokio::time::Instant::now();
    for (from, to, waiting) in spans {
        tokio::time::sleep_until(start + from).await;
        let span = tokio::time::sleep_until(start + to);
        if waiting {
            timeline.track_wait(row, span).await;
        } else {
            timeline.track(row, span).await;
        }
    }
}

#[tokio::test(start_paused = true)]
async fn pipeline_held_to_the_pace_of_its_last_stage() {
    // `backpressure_and_batching::pipeline::run` records, for each item, when
    // each stage took it and when the next queue accepted it. Solid: a stage
    // working on an item; outlined: a stage waiting for room in the next
    // queue (for the source, every send).
    use listings::backpressure_and_batching::pipeline;
    let run = pipeline::run(8, Duration::from_secs(1)).await;
    assert_eq!(run.sent[6], Duration::from_millis(1100), "held back");

    let parse_work = Duration::from_millis(100);
    let mut source = Vec::new();
    let mut previous = Duration::ZERO;
    for &sent in &run.sent {
        source.push((previous, sent, true));
        previous = sent;
    }
    let parse = run
        .parse
        .iter()
        .flat_map(|s| {
            let worked = s.taken + parse_work;
            [(s.taken, worked, false), (worked, s.passed_on, true)]
        })
        .collect();
    let store = run
        .store
        .iter()
        .map(|s| (s.taken, s.passed_on, false))
        .collect();

    let timeline = Timeline::new();
    let mut rows = tokio::task::JoinSet::new();
    rows.spawn(replay(timeline.clone(), "source", source));
    rows.spawn(replay(timeline.clone(), "parse (0.1 s)", parse));
    rows.spawn(replay(timeline.clone(), "store (1 s)", store));
    rows.join_all().await;
    check(
        "pipeline-backpressure",
        timeline.to_svg(
            "Eight items through two queues of 2: the 1 s store sets the pace",
            Axis::Fit,
        ),
    );
}
