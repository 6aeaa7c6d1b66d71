//! The Poseidon ledger tree, natively: a sparse binary Merkle tree of depth `depth` over leaf
//! slots `0..2^depth`, nodes `hash2(left, right)`, an empty leaf `0` and empty subtrees
//! `empty(h + 1) = hash2(empty(h), empty(h))`. Only non-empty nodes are stored, so a tree of
//! `n` leaves holds about `n * depth` nodes; updating a leaf rehashes its path (`depth`
//! hashes).

use crate::poseidon::hash2;
use ark_bn254::Fr;
use std::collections::HashMap;

/// A sparse Poseidon Merkle tree.
#[derive(Clone, Debug)]
pub struct PoseidonTree {
	depth: u8,
	/// `empty[h]`: the root of an empty subtree of height `h` (`empty[0]` is the empty leaf).
	empty: Vec<Fr>,
	/// Non-empty nodes by (height, index); height 0 holds the leaves.
	nodes: HashMap<(u8, u64), Fr>,
}

impl PoseidonTree {
	/// An empty tree of `depth` levels (at most 63, so slots fit a `u64`).
	pub fn new(depth: u8) -> Self {
		assert!(depth > 0 && depth < 64, "depth is a circuit constant between 1 and 63");
		let mut empty = vec![Fr::from(0u8)];
		for h in 0..depth as usize {
			empty.push(hash2(empty[h], empty[h]));
		}
		Self { depth, empty, nodes: HashMap::new() }
	}

	/// Levels below the root.
	pub fn depth(&self) -> u8 {
		self.depth
	}

	fn node(&self, height: u8, index: u64) -> Fr {
		self.nodes.get(&(height, index)).copied().unwrap_or(self.empty[height as usize])
	}

	/// The root.
	pub fn root(&self) -> Fr {
		self.node(self.depth, 0)
	}

	/// The leaf at `slot` (`0` when empty).
	pub fn leaf(&self, slot: u64) -> Fr {
		self.node(0, slot)
	}

	/// The siblings of `slot`'s path, from the leaf's up to the root's child's.
	pub fn path(&self, slot: u64) -> Vec<Fr> {
		(0..self.depth).map(|h| self.node(h, (slot >> h) ^ 1)).collect()
	}

	/// Sets the leaf at `slot` and rehashes its path.
	pub fn set(&mut self, slot: u64, leaf: Fr) {
		assert!(slot >> self.depth == 0, "slot {slot} outside a depth-{} tree", self.depth);
		let mut value = leaf;
		let mut index = slot;
		for h in 0..self.depth {
			self.store(h, index, value);
			value = parent(index & 1 == 1, value, self.node(h, index ^ 1));
			index >>= 1;
		}
		self.store(self.depth, 0, value);
	}

	fn store(&mut self, height: u8, index: u64, value: Fr) {
		if value == self.empty[height as usize] {
			self.nodes.remove(&(height, index));
		} else {
			self.nodes.insert((height, index), value);
		}
	}
}

/// The parent of `node` and its `sibling`, `node` being the right child when `is_right`.
fn parent(is_right: bool, node: Fr, sibling: Fr) -> Fr {
	if is_right {
		hash2(sibling, node)
	} else {
		hash2(node, sibling)
	}
}

/// The root reached from `leaf` at `slot` through `path` (siblings from the bottom).
pub fn root_from_path(slot: u64, leaf: Fr, path: &[Fr]) -> Fr {
	path.iter()
		.enumerate()
		.fold(leaf, |acc, (h, sibling)| parent((slot >> h) & 1 == 1, acc, *sibling))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn paths_prove_leaves_and_empty_leaves() {
		let mut t = PoseidonTree::new(8);
		let empty_root = t.root();
		t.set(5, Fr::from(55u8));
		t.set(200, Fr::from(7u8));
		for slot in [0, 5, 6, 200, 255] {
			assert_eq!(root_from_path(slot, t.leaf(slot), &t.path(slot)), t.root());
		}
		assert_ne!(root_from_path(5, Fr::from(56u8), &t.path(5)), t.root());
		// Clearing the leaves restores the empty tree, and drops the stored nodes.
		t.set(5, Fr::from(0u8));
		t.set(200, Fr::from(0u8));
		assert_eq!(t.root(), empty_root);
		assert!(t.nodes.is_empty());
	}
}
