//! `strikeline-keeper`: watches a Strikeline node and liquidates the accounts its scan flags,
//! for the liquidator's reward.
//!
//! `strikeline-keeper [RPC_PORT] [SURI]` (defaults `9944` and `//Ferdie`). The keeper's
//! account needs a margin account with enough collateral to take the positions over (it must
//! meet initial margin afterwards).

use anyhow::Result;
use subxt_signer::{sr25519::Keypair, SecretUri};

#[tokio::main]
async fn main() -> Result<()> {
	let mut args = std::env::args().skip(1);
	let port: u16 = args.next().map_or(Ok(9944), |p| p.parse())?;
	let suri: SecretUri = args.next().unwrap_or_else(|| "//Ferdie".into()).parse()?;
	let key = Keypair::from_uri(&suri)?;
	println!("keeper: watching 127.0.0.1:{port}");
	let n = strikeline_e2e::liquidation::run_keeper(port, &key, std::future::pending()).await?;
	println!("keeper: {n} liquidations submitted");
	Ok(())
}
