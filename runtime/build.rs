//! Builds the runtime's wasm blob with `substrate-wasm-builder` (see ../../shared/TOOLCHAIN.md
//! and `scripts/setup.sh` for how the wasm toolchain is provided on machines without rustup
//! targets).
fn main() {
	#[cfg(feature = "std")]
	{
		polkadot_sdk::substrate_wasm_builder::WasmBuilder::build_using_defaults();
	}
}
