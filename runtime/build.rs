//! Builds the runtime's wasm blob with `substrate-wasm-builder` (see ../../shared/TOOLCHAIN.md
//! and `scripts/setup.sh` for how the wasm toolchain is provided on machines without rustup
//! targets).
//!
//! Reuse across checkouts (scripts/env.sh): the wasm builder writes absolute paths (its
//! generated project's path dependencies, the files whose change reruns it), so the scripts
//! pass `STRIKELINE_CHECKOUT_LINK`, a fixed symlink to the checkout being built, and the wasm
//! build is described through it: a fresh clone elsewhere then reuses it. The scripts also
//! pass `STRIKELINE_RUNTIME_SOURCES`, a digest of the runtime's inputs, so the wasm build
//! reruns whenever their content changes (scripts/source-stamps.py).
fn main() {
	#[cfg(feature = "std")]
	{
		println!("cargo:rerun-if-env-changed=STRIKELINE_CHECKOUT_LINK");
		println!("cargo:rerun-if-env-changed=STRIKELINE_RUNTIME_SOURCES");
		if let Some(link_manifest_dir) = checkout_link_manifest_dir() {
			// SAFETY: the build script is single-threaded here; nothing reads the environment
			// concurrently.
			unsafe { std::env::set_var("CARGO_MANIFEST_DIR", link_manifest_dir) };
		}
		polkadot_sdk::substrate_wasm_builder::WasmBuilder::build_using_defaults();
	}
}

/// `$STRIKELINE_CHECKOUT_LINK/runtime` if that is this crate's directory.
#[cfg(feature = "std")]
fn checkout_link_manifest_dir() -> Option<std::path::PathBuf> {
	let link = std::path::PathBuf::from(std::env::var_os("STRIKELINE_CHECKOUT_LINK")?);
	let via_link = link.join("runtime");
	let here = std::env::var_os("CARGO_MANIFEST_DIR")?;
	let same = std::fs::canonicalize(&via_link).ok()? == std::fs::canonicalize(here).ok()?;
	same.then_some(via_link)
}
