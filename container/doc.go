// Package container owns container records and their lifecycle: create,
// start (foreground or handed to a monitor), stop, kill, remove, list,
// inspect, logs, commit. It composes image (store), sandbox (init), monitor,
// volume and slirp. It must never import build or cmd.
package container
