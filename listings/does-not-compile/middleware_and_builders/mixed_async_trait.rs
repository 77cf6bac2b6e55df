use async_trait::async_trait;

pub struct Request {
    pub path: String,
}

pub struct Response {
    pub status: u16,
}

// The trait uses the language's own `async fn`...
pub trait Middleware {
    async fn handle(&self, request: Request) -> Response;
}

pub struct Log;

// ...and the impl uses the macro, which rewrites the method into one that
// takes two lifetime parameters and returns a boxed future.
#[async_trait]
impl Middleware for Log {
    async fn handle(&self, request: Request) -> Response {
        println!("{}", request.path);
        Response { status: 200 }
    }
}

fn main() {}
