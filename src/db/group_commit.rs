//! Group commit of registration requests on SQLite.
//!
//! SQLite has one writer at a time and each write transaction writes every index page it
//! touched to the WAL, so registrations one transaction each top out at a few thousand per
//! second whatever the cores. Here one thread takes the requests waiting in a queue and does
//! them in one transaction ([`submit_batch`]), each in its own savepoint: when registrations
//! arrive one at a time nothing waits, and during a rush each commit carries many.
//! PostgreSQL takes concurrent writers itself and does not use this.

use anyhow::anyhow;
use tokio::sync::{mpsc, oneshot};

use super::DbPool;
use super::registrations::{Submission, SubmitOutcome, submit_batch};

/// Requests done in one transaction at most.
const MAX_BATCH: usize = 64;

type Reply = oneshot::Sender<anyhow::Result<Option<SubmitOutcome>>>;

/// The queue in front of the registration writer thread.
#[derive(Debug)]
pub struct RegistrationQueue {
    sender: mpsc::Sender<(Submission, Reply)>,
}

impl RegistrationQueue {
    /// Starts the writer thread; it stops when the queue is dropped.
    pub fn start(pool: DbPool) -> anyhow::Result<Self> {
        let (sender, mut receiver) = mpsc::channel::<(Submission, Reply)>(4 * MAX_BATCH);
        std::thread::Builder::new().name("registrations".into()).spawn(move || {
            while let Some(first) = receiver.blocking_recv() {
                let mut waiting = vec![first];
                while waiting.len() < MAX_BATCH {
                    match receiver.try_recv() {
                        Ok(next) => waiting.push(next),
                        Err(_) => break,
                    }
                }
                let (batch, replies): (Vec<Submission>, Vec<Reply>) = waiting.into_iter().unzip();
                let results = pool
                    .get()
                    .map_err(anyhow::Error::from)
                    .and_then(|mut conn| submit_batch(&mut conn, &batch).map_err(anyhow::Error::from));
                match results {
                    Ok(results) => {
                        for (reply, result) in replies.into_iter().zip(results) {
                            let _ = reply.send(result.map_err(anyhow::Error::from));
                        }
                    }
                    Err(e) => {
                        tracing::error!(error = %format!("{e:#}"), requests = replies.len(), "registration batch failed");
                        for reply in replies {
                            let _ = reply.send(Err(anyhow!("the registration transaction failed: {e:#}")));
                        }
                    }
                }
            }
        })?;
        Ok(Self { sender })
    }

    /// Queues one request and waits for its outcome (committed when it returns).
    pub async fn submit(&self, submission: Submission) -> anyhow::Result<Option<SubmitOutcome>> {
        let (reply, outcome) = oneshot::channel();
        self.sender
            .send((submission, reply))
            .await
            .map_err(|_| anyhow!("the registration writer stopped"))?;
        outcome.await.map_err(|_| anyhow!("the registration writer stopped"))?
    }
}
