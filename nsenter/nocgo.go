//go:build !cgo

package nsenter

// nook cannot join namespaces without its C constructor: refuse to build a
// binary that would silently never join.
var _ = nook_requires_cgo_for_nsenter
