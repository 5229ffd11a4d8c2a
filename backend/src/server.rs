//! Serving: bind, serve with client addresses, run the housekeeping tasks, and shut down
//! gracefully on SIGINT/SIGTERM (stop accepting, finish the requests in flight).

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::app::AppState;
use crate::store;

pub async fn serve(state: AppState) -> std::io::Result<()> {
    let bind = state.settings.bind;
    let listener = TcpListener::bind(bind)
        .await
        .map_err(|e| std::io::Error::new(e.kind(), format!("cannot listen on {bind}: {e}")))?;
    serve_on(listener, state, shutdown_signal()).await
}

pub async fn serve_on(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let address = listener.local_addr()?;
    tracing::info!(
        %address,
        database = ?state.store.kind(),
        redis = state.redis.is_some(),
        "cairn-server listening"
    );
    let housekeeping = tokio::spawn(housekeeping(state.clone()));
    let app = state.router();
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    housekeeping.abort();
    state.store.close().await;
    tracing::info!("cairn-server stopped");
    served
}

/// Every minute: forget idle rate-limit keys; every hour: drop long-expired device codes
/// and refresh tokens.
async fn housekeeping(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    let mut minutes = 0u64;
    loop {
        tick.tick().await;
        state.limits.sweep();
        if minutes.is_multiple_of(60) {
            if let Err(e) = state.store.purge_devices(store::now()).await {
                tracing::warn!(error = %e, "purging expired device codes failed");
            }
            if let Err(e) = state.store.purge_expired_sessions(store::now()).await {
                tracing::warn!(error = %e, "purging expired refresh tokens failed");
            }
        }
        minutes += 1;
    }
}

pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
