// Package fuseoverlay chooses nook's storage driver: native kernel overlayfs
// inside the user namespace (kernel >= 5.11), else overlay through
// fuse-overlayfs, else vfs. It probes once, remembers the choice with a
// human reason (shown by nook info), and turns it into containers/storage
// options. Only userns and internal packages are imported.
package fuseoverlay
