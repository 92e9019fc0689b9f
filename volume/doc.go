// Package volume owns nook's named and anonymous volumes: the directories
// under $XDG_DATA_HOME/nook/volumes/NAME/_data, their metadata
// (volume.json beside _data), Docker's volume commands (create, ls, inspect,
// rm, prune), the parsing of the -v, --mount and --tmpfs flags, and the
// resolution of a container's mounts (volume → bind of _data, anonymous
// volumes for image VOLUME paths, copy-up of image content into a new
// volume).
//
// # Concurrency
//
// Every change to the set of volumes happens under an exclusive flock on
// volumes/.lock. A volume directory appears by rename, so readers never see
// a half-created volume and need no lock.
//
// # Ownership (rootless)
//
// nook runs in a user namespace in which uid 0 is the invoking user. So:
//
//   - files that root in a container writes to a bind mount or a volume
//     belong to the invoking user on the host;
//   - container uid N (N > 0) is host uid subuid_start+N-1, taken from the
//     user's /etc/subuid range (the same for gids with /etc/subgid); host
//     tools show such files with those large numeric owners;
//   - host files owned by anybody other than the invoking user (or its
//     subuids) appear inside as nobody (65534) and cannot be chowned.
//
// To change or remove files owned by subuids from the host, run the command
// in nook's user namespace: `nook unshare chown -R 0:0 ~/data` (gives them
// back to the invoking user), `nook unshare chown 999:999 ~/data` (makes them
// belong to container uid 999), `nook unshare rm -rf DIR`.
//
// Copy-up preserves owners, modes, symlinks, hard links, times and those
// extended attributes the user namespace may set (user.*, and
// security.capability in its namespaced form).
package volume
