// The job server's protocol: one JSON object per line, each way. A request
// names an operation in `op`; a reply is either `ok` with what was asked for
// or `error` with a code a program can match on and a message for a person.

use serde::{Deserialize, Serialize};

// ANCHOR: request
/// What a client may ask.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Request {
    /// Queue a job. `kind` and `payload` are checked by `JobSpec::parse`, so
    /// an unknown kind gets its own error code instead of serde's message.
    Submit {
        kind: String,
        payload: serde_json::Value,
    },
    Status {
        id: u64,
    },
    Cancel {
        id: u64,
    },
    List,
    /// Follow a job: a `status` reply now and at each change, until it ends.
    Watch {
        id: u64,
    },
}
// ANCHOR_END: request

// ANCHOR: reply
/// What the server answers, one reply per request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    /// The job is stored on disk: from this reply on, it is never lost.
    Submitted {
        id: u64,
    },
    Status(JobStatus),
    Cancelled {
        id: u64,
    },
    Jobs(Vec<JobStatus>),
    Error {
        code: ErrorCode,
        message: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobStatus {
    pub id: u64,
    pub state: State,
    /// How many times the job was started, retries included.
    pub attempts: u32,
}

impl JobStatus {
    /// Done, failed or cancelled: nothing more will happen to the job.
    pub fn has_ended(&self) -> bool {
        !matches!(self.state, State::Queued | State::Running)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Queued,
    Running,
    Done,
    Failed,
    Cancelled,
}

/// Every way a request can fail. The connection stays open after all of
/// them but the first three, which leave the byte stream out of step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    LineTooLong,
    NotUtf8,
    ReadTimeout,
    BadJson,
    BadRequest,
    UnknownKind,
    BadPayload,
    NotFound,
    Finished,
    Busy,
    RateLimited,
    ShuttingDown,
    Storage,
}
// ANCHOR_END: reply

impl Reply {
    pub fn error(code: ErrorCode, message: impl Into<String>) -> Reply {
        Reply::Error {
            code,
            message: message.into(),
        }
    }
}

// ANCHOR: parse
/// The jobs this server knows how to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum JobSpec {
    /// Work that takes `ms` milliseconds.
    Sleep { ms: u64 },
    /// Work that fails, retryably, `failures` times before it succeeds.
    Flaky { failures: u32 },
}

impl JobSpec {
    /// Checks a submitted kind and payload, with an error code for each way
    /// they can be wrong.
    pub fn parse(kind: &str, payload: serde_json::Value) -> Result<JobSpec, Reply> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Sleep {
            ms: u64,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Flaky {
            failures: u32,
        }
        let bad = |error: serde_json::Error| {
            Reply::error(ErrorCode::BadPayload, format!("{kind}: {error}"))
        };
        match kind {
            "sleep" => {
                let Sleep { ms } = serde_json::from_value(payload).map_err(bad)?;
                Ok(JobSpec::Sleep { ms })
            }
            "flaky" => {
                let Flaky { failures } =
                    serde_json::from_value(payload).map_err(bad)?;
                Ok(JobSpec::Flaky { failures })
            }
            _ => Err(Reply::error(
                ErrorCode::UnknownKind,
                format!("no kind {kind}: try sleep or flaky"),
            )),
        }
    }
}

/// Reads one request line. Broken JSON and JSON of the wrong shape get
/// different codes: the first is a client that cannot write JSON, the
/// second one that speaks another version of the protocol.
pub fn parse_request(line: &str) -> Result<Request, Reply> {
    serde_json::from_str(line).map_err(|error| {
        let code = if error.is_data() {
            ErrorCode::BadRequest
        } else {
            ErrorCode::BadJson
        };
        Reply::error(code, error.to_string())
    })
}
// ANCHOR_END: parse

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn requests_and_replies_are_one_line_of_json() {
        let request = parse_request(r#"{"op":"status","id":7}"#).unwrap();
        assert_eq!(request, Request::Status { id: 7 });
        let reply = serde_json::to_string(&Reply::Submitted { id: 7 }).unwrap();
        assert_eq!(reply, r#"{"submitted":{"id":7}}"#);
        let error = Reply::error(ErrorCode::NotFound, "no job 9");
        assert_eq!(
            serde_json::to_string(&error).unwrap(),
            r#"{"error":{"code":"not_found","message":"no job 9"}}"#
        );
    }

    #[test]
    fn each_kind_of_bad_request_has_its_own_code() {
        let code = |result: Result<Request, Reply>| match result {
            Err(Reply::Error { code, .. }) => code,
            other => panic!("{other:?}"),
        };
        assert_eq!(code(parse_request("{\"op\":")), ErrorCode::BadJson);
        assert_eq!(code(parse_request("[1,2]")), ErrorCode::BadRequest);
        assert_eq!(
            code(parse_request(r#"{"op":"fly"}"#)),
            ErrorCode::BadRequest
        );
        assert_eq!(
            code(parse_request(r#"{"op":"status","id":"seven"}"#)),
            ErrorCode::BadRequest
        );
        let spec = |kind, payload| match JobSpec::parse(kind, payload) {
            Err(Reply::Error { code, .. }) => code,
            other => panic!("{other:?}"),
        };
        assert_eq!(spec("paint", json!({})), ErrorCode::UnknownKind);
        assert_eq!(spec("sleep", json!({"ms": "ten"})), ErrorCode::BadPayload);
        assert_eq!(spec("sleep", json!({"ms": -1})), ErrorCode::BadPayload);
        assert_eq!(spec("flaky", json!({"tries": 2})), ErrorCode::BadPayload);
        assert_eq!(
            JobSpec::parse("sleep", json!({"ms": 5})),
            Ok(JobSpec::Sleep { ms: 5 })
        );
    }
}
