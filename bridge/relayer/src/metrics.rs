//! Prometheus metrics, served as text on `GET /metrics` (any path answers).

use std::sync::{
	atomic::{AtomicU64, Ordering::Relaxed},
	Arc,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The relayer's counters and gauges.
#[derive(Default, Debug)]
pub struct Metrics {
	/// Attested commitments seen on Strikeline's finalized chain, waiting for the anchor.
	pub commitments_seen: AtomicU64,
	/// `submit` transactions sent.
	pub commitments_submitted: AtomicU64,
	/// Sent commitments the anchor accepted (successful receipts).
	pub commitments_confirmed: AtomicU64,
	/// Sent transactions that reverted on chain.
	pub commitments_reverted: AtomicU64,
	/// Epochs skipped because another relayer's submission came first.
	pub commitments_taken: AtomicU64,
	/// Gas used by this relayer's transactions.
	pub gas_used: AtomicU64,
	/// Fees paid, in gwei.
	pub fees_gwei: AtomicU64,
	/// The anchor's last accepted epoch.
	pub anchored_epoch: AtomicU64,
	/// Strikeline's last closed epoch at its finalized head.
	pub finalized_epoch: AtomicU64,
	/// Failed loop iterations (an endpoint down, a bad proof, ...).
	pub errors: AtomicU64,
}

impl Metrics {
	/// Prometheus text exposition.
	pub fn render(&self) -> String {
		let rows: [(&str, &str, &str, &AtomicU64); 10] = [
			(
				"commitments_seen_total",
				"counter",
				"Attested commitments seen on finalized Strikeline",
				&self.commitments_seen,
			),
			(
				"commitments_submitted_total",
				"counter",
				"Commitments submitted to the anchor",
				&self.commitments_submitted,
			),
			(
				"commitments_confirmed_total",
				"counter",
				"Submitted commitments the anchor accepted",
				&self.commitments_confirmed,
			),
			(
				"commitments_reverted_total",
				"counter",
				"Submitted commitments that reverted",
				&self.commitments_reverted,
			),
			(
				"commitments_taken_total",
				"counter",
				"Epochs another relayer submitted first",
				&self.commitments_taken,
			),
			("gas_used_total", "counter", "Gas used by submissions", &self.gas_used),
			("fees_gwei_total", "counter", "Fees paid for submissions, gwei", &self.fees_gwei),
			("anchored_epoch", "gauge", "The anchor's last accepted epoch", &self.anchored_epoch),
			(
				"finalized_epoch",
				"gauge",
				"Strikeline's last closed epoch at its finalized head",
				&self.finalized_epoch,
			),
			("errors_total", "counter", "Failed relay iterations", &self.errors),
		];
		let mut out = String::new();
		for (name, kind, help, v) in rows {
			out.push_str(&format!(
				"# HELP strikeline_relayer_{name} {help}\n# TYPE strikeline_relayer_{name} {kind}\nstrikeline_relayer_{name} {}\n",
				v.load(Relaxed)
			));
		}
		out
	}

	/// Adds `n` to a counter.
	pub fn add(counter: &AtomicU64, n: u64) {
		counter.fetch_add(n, Relaxed);
	}
}

/// Serves `metrics` over HTTP on `listener` until the task is dropped.
pub async fn serve(listener: tokio::net::TcpListener, metrics: Arc<Metrics>) {
	loop {
		let Ok((mut stream, _)) = listener.accept().await else { continue };
		let metrics = metrics.clone();
		tokio::spawn(async move {
			let mut buf = [0u8; 1024];
			let _ = stream.read(&mut buf).await;
			let body = metrics.render();
			let reply = format!(
				"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
				body.len()
			);
			let _ = stream.write_all(reply.as_bytes()).await;
		});
	}
}
