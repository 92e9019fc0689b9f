// Package image owns nook's images on top of go.podman.io/storage: opening
// the store with the driver fuseoverlay chose, name resolution, import of
// root filesystems, listing, tagging, removal, image configs and the
// Docker-shaped inspect view. go.podman.io/storage and go.podman.io/image
// are used here (and in fuseoverlay/container), nowhere above.
package image
