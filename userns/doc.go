// Package userns is nook's rootless identity: the caller's subordinate id
// ranges, the newuidmap/newgidmap arguments, and the keeper process that
// holds one persistent user+mount namespace per user (like Podman's pause
// process), created here and joined by the C constructor in nsenter.
// It imports only nsenter and internal packages.
package userns
