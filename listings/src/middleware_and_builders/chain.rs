// A chain of middleware chosen at run time: a `Vec` of trait objects, each
// of which may act before and after the rest of the chain, or answer at once
// without calling it. The trait and every impl agree on `#[async_trait]`, so
// the method returns the same boxed future on both sides and the trait can be
// used as `dyn Middleware`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;

#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub path: String,
    pub token: Option<String>,
}

#[derive(Debug, PartialEq)]
pub struct Response {
    pub status: u16,
    pub body: String,
}

impl Response {
    fn new(status: u16, body: &str) -> Self {
        Response {
            status,
            body: body.to_string(),
        }
    }
}

// ANCHOR: chain
/// One link of the chain. It gets the request and the rest of the chain, and
/// decides whether, and how, to pass the request on.
#[async_trait]
pub trait Middleware: Send + Sync {
    async fn handle(&self, request: Request, next: Next<'_>) -> Response;
}

/// The links after the current one. It borrows them, so passing the rest of
/// the chain on costs a slice, not a clone of every middleware.
#[derive(Clone, Copy)]
pub struct Next<'a> {
    rest: &'a [Box<dyn Middleware>],
}

impl Next<'_> {
    /// Runs the next link, which gets the links after it as its own `Next`.
    pub async fn run(self, request: Request) -> Response {
        match self.rest.split_first() {
            Some((link, rest)) => link.handle(request, Next { rest }).await,
            // Every chain should end in a handler that answers.
            None => Response::new(404, "no handler"),
        }
    }
}

/// The whole chain, built once and shared by every request.
#[derive(Default)]
pub struct Chain {
    links: Vec<Box<dyn Middleware>>,
}

impl Chain {
    pub fn with(mut self, link: impl Middleware + 'static) -> Self {
        self.links.push(Box::new(link));
        self
    }

    pub async fn handle(&self, request: Request) -> Response {
        Next { rest: &self.links }.run(request).await
    }
}
// ANCHOR_END: chain

// ANCHOR: links
/// Writes a line when a request comes in and another when it goes out.
pub struct Log {
    pub lines: Arc<Mutex<Vec<String>>>,
}

#[async_trait]
impl Middleware for Log {
    async fn handle(&self, request: Request, next: Next<'_>) -> Response {
        let path = request.path.clone();
        self.lines.lock().unwrap().push(format!("-> {path}"));
        let response = next.run(request).await;
        let line = format!("<- {path} {}", response.status);
        self.lines.lock().unwrap().push(line);
        response
    }
}

/// Answers 401 itself, without calling the rest, when the token is wrong.
pub struct RequireToken(pub &'static str);

#[async_trait]
impl Middleware for RequireToken {
    async fn handle(&self, request: Request, next: Next<'_>) -> Response {
        if request.token.as_deref() != Some(self.0) {
            return Response::new(401, "bad token");
        }
        next.run(request).await
    }
}

/// Answers 504 if the rest of the chain takes longer than the limit.
pub struct Deadline(pub Duration);

#[async_trait]
impl Middleware for Deadline {
    async fn handle(&self, request: Request, next: Next<'_>) -> Response {
        // On timeout the rest of the chain's future is dropped: cancelled.
        tokio::time::timeout(self.0, next.run(request))
            .await
            .unwrap_or_else(|_| Response::new(504, "too slow"))
    }
}

/// The handler at the end: a middleware that never calls `next`. `/slow`
/// takes five seconds; every page counts its visits in `hits`.
pub struct Pages {
    pub hits: Arc<Mutex<Vec<String>>>,
}

#[async_trait]
impl Middleware for Pages {
    async fn handle(&self, request: Request, _next: Next<'_>) -> Response {
        self.hits.lock().unwrap().push(request.path.clone());
        if request.path == "/slow" {
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
        Response::new(200, &format!("page {}", request.path))
    }
}
// ANCHOR_END: links

/// Lines a middleware writes, shared with whoever reads them.
pub type Lines = Arc<Mutex<Vec<String>>>;

/// The chain the program uses, with the log and the page hits it writes to.
pub fn site() -> (Chain, Lines, Lines) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let hits = Arc::new(Mutex::new(Vec::new()));
    let chain = Chain::default()
        .with(Log {
            lines: lines.clone(),
        })
        .with(RequireToken("secret"))
        .with(Deadline(Duration::from_secs(1)))
        .with(Pages { hits: hits.clone() });
    (chain, lines, hits)
}

pub fn request(path: &str, token: Option<&str>) -> Request {
    Request {
        path: path.to_string(),
        token: token.map(str::to_string),
    }
}

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    let (chain, lines, _hits) = site();
    let requests = [
        request("/home", Some("secret")),
        request("/home", None),
        request("/slow", Some("secret")),
    ];
    for request in requests {
        let response = chain.handle(request).await;
        println!("{} {}", response.status, response.body);
    }
    for line in lines.lock().unwrap().iter() {
        println!("log: {line}");
    }
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn each_link_runs_before_and_after_the_rest() {
        let (chain, lines, hits) = site();
        let response = chain.handle(request("/home", Some("secret"))).await;
        assert_eq!(response, Response::new(200, "page /home"));
        assert_eq!(*lines.lock().unwrap(), ["-> /home", "<- /home 200"]);
        assert_eq!(*hits.lock().unwrap(), ["/home"]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_link_can_answer_without_calling_the_rest() {
        let (chain, lines, hits) = site();
        let response = chain.handle(request("/home", Some("guess"))).await;
        assert_eq!(response.status, 401);
        assert!(hits.lock().unwrap().is_empty(), "the handler never ran");
        assert_eq!(*lines.lock().unwrap(), ["-> /home", "<- /home 401"]);
    }

    #[tokio::test(start_paused = true)]
    async fn the_deadline_answers_at_one_second() {
        let (chain, _, _) = site();
        let start = Instant::now();
        let response = chain.handle(request("/slow", Some("secret"))).await;
        assert_eq!(response.status, 504);
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_chain_without_a_handler_says_so() {
        let chain = Chain::default().with(RequireToken("secret"));
        let response = chain.handle(request("/", Some("secret"))).await;
        assert_eq!(response.status, 404);
    }

    #[tokio::test(start_paused = true)]
    async fn the_chain_can_be_shared_by_spawned_tasks() {
        let (chain, _, hits) = site();
        let chain = Arc::new(chain);
        let tasks: Vec<_> = ["/a", "/b"]
            .into_iter()
            .map(|path| {
                let chain = chain.clone();
                tokio::spawn(async move {
                    chain.handle(request(path, Some("secret"))).await
                })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap().status, 200);
        }
        assert_eq!(hits.lock().unwrap().len(), 2);
    }
}
