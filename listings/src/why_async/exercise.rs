// Exercise: cook breakfast concurrently.
//
// Coffee takes 3 minutes, eggs 5 and toast 2. Plating takes 1 minute and can
// only start once the eggs and the toast are ready; the coffee does not need
// to wait for anything. Cooked one step at a time, breakfast takes 11 minutes.
// Cooked well, it takes 6.

use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A kitchen that records the order in which steps finish, so the tests can
/// check what you cooked and when.
#[derive(Clone, Default)]
pub struct Kitchen {
    finished: Arc<Mutex<Vec<&'static str>>>,
}

impl Kitchen {
    /// Performs one step: waits `minutes` (virtual) minutes, then records it.
    pub async fn step(&self, name: &'static str, minutes: u64) {
        tokio::time::sleep(Duration::from_secs(60 * minutes)).await;
        self.finished.lock().unwrap().push(name);
    }

    /// The steps finished so far, in order.
    pub fn finished(&self) -> Vec<&'static str> {
        self.finished.lock().unwrap().clone()
    }
}

// ANCHOR: attempt
pub mod attempt {
    use super::Kitchen;

    /// Cooks "coffee" (3 min), "eggs" (5 min) and "toast" (2 min), then
    /// "plate" (1 min) once both eggs and toast are done. Each step exactly
    /// once, through `kitchen.step(name, minutes)`. Aim for 6 minutes.
    #[allow(unused_variables)]
    pub async fn breakfast(kitchen: &Kitchen) {
        todo!("cook concurrently with tokio::join!")
    }
}
// ANCHOR_END: attempt

// ANCHOR: solution
pub mod solution {
    use super::Kitchen;

    pub async fn breakfast(kitchen: &Kitchen) {
        // Plating depends on eggs and toast, so it is one branch of its own:
        // wait for both, then plate. Coffee runs beside that whole branch.
        let plated = async {
            tokio::join!(kitchen.step("eggs", 5), kitchen.step("toast", 2));
            kitchen.step("plate", 1).await;
        };
        tokio::join!(kitchen.step("coffee", 3), plated);
    }
}
// ANCHOR_END: solution

// When the chapter shows this file, rustdoc compiles it as a program. With a
// `main` of its own it is not wrapped in one, so `super::` above still reaches
// the items at the top of the file.
#[allow(dead_code)]
fn main() {}

#[cfg(test)]
mod tests {
    #[cfg(feature = "attempt")]
    use super::attempt::*;
    #[cfg(not(feature = "attempt"))]
    use super::solution::*;
    use super::*;
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn breakfast_takes_six_minutes() {
        let kitchen = Kitchen::default();
        let start = Instant::now();
        breakfast(&kitchen).await;
        assert_eq!(start.elapsed(), Duration::from_secs(6 * 60));
    }

    #[tokio::test(start_paused = true)]
    async fn every_step_is_done_once_and_plating_comes_last() {
        let kitchen = Kitchen::default();
        breakfast(&kitchen).await;
        // Finishing order on the clock: toast (2), coffee (3), eggs (5), plate (6).
        assert_eq!(kitchen.finished(), ["toast", "coffee", "eggs", "plate"]);
    }
}
