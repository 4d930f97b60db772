//! Group commit of registration requests, on both engines.
//!
//! Writer threads take the requests waiting in a queue and do them in one transaction
//! ([`submit_batch`]), where one that fails takes none of the others with it: when
//! registrations arrive one at a time nothing waits, and during a rush each commit carries many.
//!
//! SQLite has one writer at a time and each write transaction writes every index page it
//! touched to the WAL again, so it gets one writer thread. PostgreSQL takes concurrent writers,
//! but one transaction per request pays a commit (a WAL flush) and its round trips for every
//! registration on the two cores it shares with the app; it gets a few writer threads, each
//! taking a batch while the others run theirs. What keeps their batches apart (the rate
//! limit's and the mailbox cap's counts, locked in one order) is in `submit_batch`.

use std::sync::{Arc, Mutex, PoisonError};

use diesel::result::Error;
use tokio::sync::{mpsc, oneshot};

use super::DbPool;
use super::submissions::{Submission, SubmitOutcome, submit_batch};
use crate::config::DatabaseTarget;

/// Requests done in one transaction at most.
const MAX_BATCH: usize = 64;

/// Writer threads on PostgreSQL. Measured with the benchmark suite on 2 cores (BENCHMARKS.md):
/// one writer leaves the database idle while the app waits on its round trips, more than a
/// few only splits the rush into smaller batches.
const POSTGRES_WRITERS: usize = 3;

/// Why a queued request has no outcome.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// The database cannot be reached, or went away during the batch: the visitor may try again.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The request's own statements failed (its savepoint was rolled back; the others committed).
    #[error("the registration request failed: {0}")]
    Request(#[source] Error),
    /// The batch's transaction failed, for every request in it.
    #[error("the registration transaction failed: {0}")]
    Batch(String),
    #[error("the registration writers stopped")]
    Stopped,
}

type Reply = oneshot::Sender<Result<Option<SubmitOutcome>, SubmitError>>;
type Receiver = mpsc::Receiver<(Submission, Reply)>;

/// The queue in front of the registration writer threads.
#[derive(Debug)]
pub struct RegistrationQueue {
    sender: mpsc::Sender<(Submission, Reply)>,
}

impl RegistrationQueue {
    /// Starts the writer threads the engine takes; they stop when the queue is dropped.
    pub fn start(pool: DbPool, target: &DatabaseTarget) -> anyhow::Result<Self> {
        let writers = match target {
            DatabaseTarget::Sqlite(_) => 1,
            DatabaseTarget::Postgres(_) => POSTGRES_WRITERS,
        };
        Self::start_writers(pool, writers)
    }

    /// Starts `writers` threads sharing one queue: each takes what waits (up to [`MAX_BATCH`])
    /// and commits it while the next one gathers the following batch.
    pub fn start_writers(pool: DbPool, writers: usize) -> anyhow::Result<Self> {
        let (sender, receiver) = mpsc::channel::<(Submission, Reply)>(4 * MAX_BATCH);
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..writers.max(1) {
            let (pool, receiver) = (pool.clone(), receiver.clone());
            std::thread::Builder::new().name(format!("registrations-{n}")).spawn(move || {
                while let Some(waiting) = next_batch(&receiver) {
                    write(&pool, waiting);
                }
            })?;
        }
        Ok(Self { sender })
    }

    /// Queues one request and waits for its outcome (committed when it returns).
    pub async fn submit(&self, submission: Submission) -> Result<Option<SubmitOutcome>, SubmitError> {
        let (reply, outcome) = oneshot::channel();
        self.sender.send((submission, reply)).await.map_err(|_| SubmitError::Stopped)?;
        outcome.await.map_err(|_| SubmitError::Stopped)?
    }
}

/// Waits for a request, then takes the others already waiting; `None` once the queue is gone.
/// The receiver is held only while gathering, so another writer gathers while this one writes.
fn next_batch(receiver: &Mutex<Receiver>) -> Option<Vec<(Submission, Reply)>> {
    let mut receiver = receiver.lock().unwrap_or_else(PoisonError::into_inner);
    let mut waiting = vec![receiver.blocking_recv()?];
    while waiting.len() < MAX_BATCH {
        match receiver.try_recv() {
            Ok(next) => waiting.push(next),
            Err(_) => break,
        }
    }
    Some(waiting)
}

/// Commits one batch and answers each request with its own outcome.
fn write(pool: &DbPool, waiting: Vec<(Submission, Reply)>) {
    let (batch, replies): (Vec<Submission>, Vec<Reply>) = waiting.into_iter().unzip();
    let results = match pool.get() {
        Ok(mut conn) => submit_batch(&mut conn, &batch).map_err(|e| {
            // A transaction the connection could not end (its server went away mid-batch)
            // leaves it unusable: the pool drops it, and the requests may be tried again.
            let unusable = matches!(e, Error::BrokenTransactionManager | Error::RollbackErrorOnCommit { .. });
            if super::connection_lost(&e) || unusable {
                SubmitError::Unavailable(e.to_string())
            } else {
                SubmitError::Batch(e.to_string())
            }
        }),
        Err(e) => Err(SubmitError::Unavailable(e.to_string())),
    };
    match results {
        Ok(results) => {
            for (reply, result) in replies.into_iter().zip(results) {
                let _ = reply.send(result.map_err(SubmitError::Request));
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, requests = replies.len(), "registration batch failed");
            for reply in replies {
                let _ = reply.send(Err(match &e {
                    SubmitError::Unavailable(why) => SubmitError::Unavailable(why.clone()),
                    other => SubmitError::Batch(other.to_string()),
                }));
            }
        }
    }
}
