//! Command-line errors: a missing or corrupt chain spec is reported clearly and the node exits
//! with a failure status instead of starting.

use anyhow::Result;
use strikeline_e2e::run_node_command;

#[test]
fn missing_chain_spec_is_a_clear_error() -> Result<()> {
	let dir = tempfile::tempdir()?;
	let path = dir.path().join("no-such-spec.json");
	let out = run_node_command(&["--chain", path.to_str().unwrap_or_default(), "--tmp"])?;
	assert!(!out.status.success());
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert!(stderr.contains("not found") && stderr.contains("no-such-spec.json"), "{stderr}");
	Ok(())
}

#[test]
fn corrupt_chain_spec_is_a_clear_error() -> Result<()> {
	let dir = tempfile::tempdir()?;
	let path = dir.path().join("corrupt.json");
	std::fs::write(&path, "{ \"name\": \"Strikeline\", \"genesis\": ")?;
	let out = run_node_command(&["--chain", path.to_str().unwrap_or_default(), "--tmp"])?;
	assert!(!out.status.success());
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert!(stderr.contains("invalid chain spec") && stderr.contains("corrupt.json"), "{stderr}");
	Ok(())
}

#[test]
fn bad_sealing_argument_is_a_clear_error() -> Result<()> {
	let out = run_node_command(&["--dev", "--tmp", "--sealing", "sometimes"])?;
	assert!(!out.status.success());
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert!(stderr.contains("invalid sealing"), "{stderr}");
	Ok(())
}
