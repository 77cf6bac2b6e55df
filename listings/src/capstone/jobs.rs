// The actor that owns the job table. Connections and running jobs talk to it
// through a `Jobs` handle; it alone changes a job's state, in memory and on
// disk, so no lock is shared and no two writers can disagree.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::{Semaphore, mpsc, oneshot, watch};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;

use super::protocol::{ErrorCode, JobSpec, JobStatus, Reply, State};
use super::server::Limits;
use super::store::Store;
use super::worker;

// ANCHOR: messages
enum Message {
    Submit(JobSpec, oneshot::Sender<Reply>),
    Status(u64, oneshot::Sender<Reply>),
    Cancel(u64, oneshot::Sender<Reply>),
    List(oneshot::Sender<Reply>),
    Watch(u64, oneshot::Sender<Option<watch::Receiver<JobStatus>>>),
    /// From a job: may it start an attempt? `false` once it is cancelled.
    Started(u64, oneshot::Sender<bool>),
    /// From a job: it ended. The reply comes once the state is on disk.
    Ended(u64, State, oneshot::Sender<()>),
}

/// The handle: cheap to clone, one per connection and per job.
#[derive(Clone)]
pub struct Jobs {
    inbox: mpsc::Sender<Message>,
}
// ANCHOR_END: messages

struct Entry {
    /// The job's status, in a `watch` channel so that a client can follow
    /// it. Sending works with no receiver, so it is also the only copy.
    status: watch::Sender<JobStatus>,
    cancel: CancellationToken,
}

impl Entry {
    fn state(&self) -> State {
        self.status.borrow().state
    }
}

/// What the actor owns.
struct Actor {
    table: BTreeMap<u64, Entry>,
    store: Store,
    /// A weak sender, so that the actor's own handle does not keep it alive:
    /// it stops when the last connection and the last job are gone.
    myself: mpsc::WeakSender<Message>,
    /// One permit per worker: a job waits here while it is queued.
    workers: Arc<Semaphore>,
    /// Every job task, so a shutdown can wait for the running ones.
    tracker: TaskTracker,
    /// Cancelled at shutdown: queued jobs stop waiting for a worker.
    shutdown: CancellationToken,
    limits: Limits,
}

// ANCHOR: start
impl Jobs {
    /// Loads the jobs the store holds, queues again every one that was
    /// queued or running when the last server stopped, and starts the actor.
    pub async fn start(
        store: Store,
        limits: Limits,
        tracker: TaskTracker,
        shutdown: CancellationToken,
    ) -> rusqlite::Result<Jobs> {
        let stored = store.all::<JobSpec>().await?;
        let (inbox, messages) = mpsc::channel(64);
        let mut actor = Actor {
            table: BTreeMap::new(),
            store,
            myself: inbox.downgrade(),
            workers: Arc::new(Semaphore::new(limits.workers)),
            tracker,
            shutdown,
            limits,
        };
        for job in stored {
            let state = match job.state.as_str() {
                "done" => State::Done,
                "failed" => State::Failed,
                "cancelled" => State::Cancelled,
                // Queued, or running when the server stopped: run it (again).
                _ => State::Queued,
            };
            actor.add(job.id, job.spec, state, job.attempts, &inbox);
        }
        tokio::spawn(actor.run(messages));
        Ok(Jobs { inbox })
    }
}
// ANCHOR_END: start

// ANCHOR: actor
impl Actor {
    async fn run(mut self, mut messages: mpsc::Receiver<Message>) {
        while let Some(message) = messages.recv().await {
            match message {
                Message::Submit(spec, reply) => {
                    let _ = reply.send(self.submit(spec).await);
                }
                Message::Status(id, reply) => {
                    let _ = reply.send(match self.status(id) {
                        Some(status) => Reply::Status(status),
                        None => not_found(id),
                    });
                }
                Message::Cancel(id, reply) => {
                    let _ = reply.send(self.cancel(id).await);
                }
                Message::List(reply) => {
                    let ids: Vec<u64> = self.table.keys().copied().collect();
                    let all = ids.into_iter().filter_map(|id| self.status(id));
                    let _ = reply.send(Reply::Jobs(all.collect()));
                }
                Message::Watch(id, reply) => {
                    let updates = self.table.get(&id).map(|e| e.status.subscribe());
                    let _ = reply.send(updates);
                }
                Message::Started(id, reply) => {
                    let _ = reply.send(self.started(id).await);
                }
                Message::Ended(id, state, reply) => {
                    self.ended(id, state).await;
                    let _ = reply.send(());
                }
            }
        }
    }

    /// Durable first, then acknowledged: the reply is sent only once the
    /// job is in the store, and only then is it queued to run.
    async fn submit(&mut self, spec: JobSpec) -> Reply {
        let id = match self.store.insert(&spec).await {
            Ok(id) => id,
            Err(error) => return Reply::error(ErrorCode::Storage, error.to_string()),
        };
        if let Some(inbox) = self.myself.upgrade() {
            self.add(id, spec, State::Queued, 0, &inbox);
        }
        Reply::Submitted { id }
    }
    // ANCHOR_END: actor

    /// Puts a job in the table and, unless it is finished, starts its task.
    fn add(
        &mut self,
        id: u64,
        spec: JobSpec,
        state: State,
        attempts: u32,
        inbox: &mpsc::Sender<Message>,
    ) {
        let cancel = CancellationToken::new();
        if state == State::Queued {
            let job = worker::run(
                id,
                spec,
                Jobs {
                    inbox: inbox.clone(),
                },
                self.workers.clone(),
                cancel.clone(),
                self.shutdown.clone(),
                self.limits.job_timeout,
            );
            let span = tracing::info_span!("job", id, ?spec);
            self.tracker.spawn(job.instrument(span));
        }
        let (status, _) = watch::channel(JobStatus {
            id,
            state,
            attempts,
        });
        let entry = Entry { status, cancel };
        self.table.insert(id, entry);
    }

    fn status(&self, id: u64) -> Option<JobStatus> {
        Some(self.table.get(&id)?.status.borrow().clone())
    }

    async fn cancel(&mut self, id: u64) -> Reply {
        let Some(entry) = self.table.get_mut(&id) else {
            return not_found(id);
        };
        if !matches!(entry.state(), State::Queued | State::Running) {
            let message = format!("job {id} has already ended: {:?}", entry.state());
            return Reply::error(ErrorCode::Finished, message);
        }
        entry.cancel.cancel();
        entry
            .status
            .send_modify(|status| status.state = State::Cancelled);
        match self.store.set_state(id, "cancelled", false).await {
            Ok(()) => Reply::Cancelled { id },
            Err(error) => Reply::error(ErrorCode::Storage, error.to_string()),
        }
    }

    async fn started(&mut self, id: u64) -> bool {
        let Some(entry) = self.table.get_mut(&id) else {
            return false;
        };
        if entry.state() == State::Cancelled {
            return false;
        }
        entry.status.send_modify(|status| {
            status.state = State::Running;
            status.attempts += 1;
        });
        if let Err(error) = self.store.set_state(id, "running", true).await {
            tracing::error!(%error, "cannot record the start");
        }
        true
    }

    async fn ended(&mut self, id: u64, state: State) {
        let Some(entry) = self.table.get_mut(&id) else {
            return;
        };
        if entry.state() == State::Cancelled {
            return;
        }
        entry.status.send_modify(|status| status.state = state);
        let name = if state == State::Done {
            "done"
        } else {
            "failed"
        };
        if let Err(error) = self.store.set_state(id, name, false).await {
            tracing::error!(%error, "cannot record the end");
        }
    }
}

fn not_found(id: u64) -> Reply {
    Reply::error(ErrorCode::NotFound, format!("no job {id}"))
}

// ANCHOR: handle
impl Jobs {
    async fn ask<T>(
        &self,
        message: impl FnOnce(oneshot::Sender<T>) -> Message,
    ) -> Option<T> {
        let (reply, answer) = oneshot::channel();
        self.inbox.send(message(reply)).await.ok()?;
        answer.await.ok()
    }

    /// Sends a request on to the actor and returns its reply.
    pub async fn submit(&self, spec: JobSpec) -> Reply {
        let reply = self.ask(|reply| Message::Submit(spec, reply)).await;
        reply.unwrap_or_else(gone)
    }

    pub async fn status(&self, id: u64) -> Reply {
        let reply = self.ask(|reply| Message::Status(id, reply)).await;
        reply.unwrap_or_else(gone)
    }

    pub async fn cancel(&self, id: u64) -> Reply {
        let reply = self.ask(|reply| Message::Cancel(id, reply)).await;
        reply.unwrap_or_else(gone)
    }

    pub async fn list(&self) -> Reply {
        self.ask(Message::List).await.unwrap_or_else(gone)
    }

    /// The job's status now and at each change, or `None` if there is no
    /// such job.
    pub async fn watch(&self, id: u64) -> Option<watch::Receiver<JobStatus>> {
        self.ask(|reply| Message::Watch(id, reply)).await.flatten()
    }

    pub(super) async fn started(&self, id: u64) -> bool {
        let may = self.ask(|reply| Message::Started(id, reply)).await;
        may.unwrap_or(false)
    }

    pub(super) async fn ended(&self, id: u64, state: State) {
        self.ask(|reply| Message::Ended(id, state, reply)).await;
    }
}
// ANCHOR_END: handle

fn gone() -> Reply {
    Reply::error(ErrorCode::ShuttingDown, "the server is stopping")
}
