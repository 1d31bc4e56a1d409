// Package archtest enforces who may import whom in motcua (README,
// "Architecture"). It has no code of its own: its test reads the imports
// of every package of the module and checks them against a short, explicit
// list of rules.
package archtest
