//! Builds the whole application from settings: pool, migrations, demo data, web server on
//! its own listener, the metrics listener (port 0 works for both, for tests) and the email
//! worker.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use anyhow::Context;
use tokio::sync::{Notify, watch};

use crate::clock::Clock;
use crate::config::{DatabaseTarget, Settings};
use crate::db::content_watch::ContentWatch;
use crate::db::{self, DbPool, PoolSettings};
use crate::email::Mailer;
use crate::jobs::Worker;
use crate::web;
use crate::web::state::AppState;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Run the email worker in this process.
    pub worker: bool,
    /// Load the demo data into an empty database.
    pub demo: bool,
    pub clock: Clock,
    pub pool: PoolSettings,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self { worker: true, demo: true, clock: Clock::system(), pool: PoolSettings::default() }
    }
}

pub struct Application {
    pub address: SocketAddr,
    /// Where the metrics listener listens (`CONVOCA_METRICS_BIND`), when there is one.
    pub metrics_address: Option<SocketAddr>,
    pub pool: DbPool,
    pub settings: Arc<Settings>,
    pub clock: Clock,
    /// The same worker the process runs, for running due work on demand (tests).
    pub worker: Worker,
    /// What the page cache knows of the content version (tests mark it after their own writes).
    pub content_watch: Arc<ContentWatch>,
    server: actix_web::dev::Server,
    metrics_server: Option<actix_web::dev::Server>,
    run_worker: bool,
}

/// The pool as the settings ask (`CONVOCA_DB_POOL_SIZE`, `CONVOCA_DB_CONNECT_TIMEOUT`,
/// `CONVOCA_DB_STATEMENT_TIMEOUT`).
pub fn pool_settings(settings: &Settings) -> PoolSettings {
    PoolSettings {
        max_size: settings.db_pool_size,
        connect_timeout: settings.db_connect_timeout,
        statement_timeout: settings.db_statement_timeout,
    }
}

/// Opens the pool and applies pending migrations.
pub async fn open_database(settings: &Settings, pool_settings: &PoolSettings) -> anyhow::Result<DbPool> {
    let target = settings.database.clone();
    let pool_settings = pool_settings.clone();
    tokio::task::spawn_blocking(move || -> anyhow::Result<DbPool> {
        let pool = db::build_pool(&target, &pool_settings)?;
        let mut conn = pool.get().with_context(|| format!("connecting to {}", target.describe()))?;
        let applied = db::run_migrations(&mut conn)?;
        if !applied.is_empty() {
            tracing::info!(migrations = ?applied, "applied migrations");
        }
        Ok(pool)
    })
    .await
    .context("database start-up task")?
}

/// Opens the database as [`open_database`] does, for a process whose page cache follows
/// `watch`: on SQLite the pool is opened again after the migrations, each connection with the
/// watch's TEMP trigger (which needs the migrated `content_version`).
pub async fn open_watched_database(
    settings: &Settings,
    pool_settings: &PoolSettings,
    watch: &Arc<ContentWatch>,
) -> anyhow::Result<DbPool> {
    let pool = open_database(settings, pool_settings).await?;
    if let DatabaseTarget::Postgres(_) = settings.database {
        return Ok(pool);
    }
    drop(pool);
    let (target, pool_settings, watch) = (settings.database.clone(), pool_settings.clone(), watch.clone());
    tokio::task::spawn_blocking(move || db::build_watched_pool(&target, &pool_settings, Some(&watch)))
        .await
        .context("database start-up task")?
}

impl Application {
    pub async fn build(settings: Settings, options: ServeOptions) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(settings.bind)
            .with_context(|| format!("binding CONVOCA_BIND {}", settings.bind))?;
        Self::build_with_listener(settings, options, listener).await
    }

    /// Like [`Application::build`], on a listener the caller bound (tests bind port 0 first,
    /// so that `CONVOCA_BASE_URL` can name the real port).
    pub async fn build_with_listener(
        settings: Settings,
        options: ServeOptions,
        listener: TcpListener,
    ) -> anyhow::Result<Self> {
        let data_dir = &settings.data_dir;
        if crate::files::make_private_folder(data_dir)
            .with_context(|| format!("making the data folder {} private", data_dir.display()))?
        {
            tracing::warn!(folder = %data_dir.display(), "the data folder was open to other users: now 0700");
        }
        let metrics_listener = match settings.metrics_bind {
            Some(bind) => Some(
                TcpListener::bind(bind).with_context(|| format!("binding CONVOCA_METRICS_BIND {bind}"))?,
            ),
            None => None,
        };
        let metrics_address = metrics_listener.as_ref().map(TcpListener::local_addr).transpose()?;
        if let Some(address) = metrics_address
            && !address.ip().is_loopback()
        {
            tracing::warn!(%address, "CONVOCA_METRICS_BIND is not a loopback address: anyone who reaches it reads /metrics without a token");
        }
        let content_watch = ContentWatch::for_database(&settings.database);
        let pool = open_watched_database(&settings, &options.pool, &content_watch).await?;
        content_watch.start_watching(&settings.database).context("starting the content watch")?;
        if options.demo {
            let demo_pool = pool.clone();
            let now = options.clock.now();
            let loaded = tokio::task::spawn_blocking(move || -> anyhow::Result<bool> {
                let mut conn = demo_pool.get()?;
                Ok(db::demo::load_if_empty(&mut conn, now)?)
            })
            .await
            .context("demo data task")??;
            if loaded {
                tracing::info!("loaded the demo data into the empty database");
            }
        }
        let address = listener.local_addr()?;
        let settings = Arc::new(settings);
        let mailer = Mailer::from_settings(&settings)?;
        let signal = Arc::new(Notify::new());
        let worker =
            Worker::new(pool.clone(), settings.clone(), options.clock.clone(), mailer, signal.clone());
        let state = AppState {
            pool: pool.clone(),
            settings: settings.clone(),
            clock: options.clock.clone(),
            outbox_signal: signal,
            page_cache: Arc::default(),
            form_facts: Arc::default(),
            content_watch: content_watch.clone(),
            registration_queue: Arc::new(db::group_commit::RegistrationQueue::start(
                pool.clone(),
                &settings.database,
            )?),
        };
        let metrics_server =
            metrics_listener.map(|listener| web::metrics::server(listener, state.clone())).transpose()?;
        let server = web::server(listener, state)?;
        Ok(Self {
            address,
            metrics_address,
            pool,
            settings,
            clock: options.clock,
            worker,
            content_watch,
            server,
            metrics_server,
            run_worker: options.worker,
        })
    }

    /// Serves until the process is told to stop (SIGTERM, SIGINT): requests in progress and
    /// the worker's sends in progress finish first.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let (stop_tx, stop_rx) = watch::channel(false);
        let worker = self.run_worker.then(|| tokio::spawn(self.worker.clone().run(stop_rx)));
        tracing::info!(
            address = %self.address,
            metrics = %self.metrics_address.map_or_else(|| "off".to_owned(), |a| a.to_string()),
            base_url = %self.settings.base_url,
            "serving"
        );
        let result = serve_both(self.server, self.metrics_server).await;
        let _ = stop_tx.send(true);
        if let Some(worker) = worker {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(30), worker).await;
        }
        result.context("web server")
    }

    /// Hands the servers to the caller as one future (tests spawn it), leaving the worker to be
    /// run on demand.
    pub fn into_server(self) -> impl Future<Output = std::io::Result<()>> + Send + 'static {
        serve_both(self.server, self.metrics_server)
    }
}

/// Runs the web server and the metrics listener; when the web server stops, so does the other.
async fn serve_both(
    server: actix_web::dev::Server,
    metrics: Option<actix_web::dev::Server>,
) -> std::io::Result<()> {
    let Some(metrics) = metrics else { return server.await };
    let handle = metrics.handle();
    let metrics = tokio::spawn(metrics);
    let result = server.await;
    handle.stop(true).await;
    let _ = metrics.await;
    result
}
