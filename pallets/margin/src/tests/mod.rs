//! Unit tests of the margin pallet; every test ends with the pallet's invariants checked.
mod ledger;
mod margin_rules;
mod portfolio;
