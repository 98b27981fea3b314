// Package archtest checks the architecture's rules mechanically: which
// packages may import what, and that every package documents itself. It
// has no code of its own; its tests run `go list` over the module.
package archtest
