// Package nsenter holds nook's only C code: a constructor that runs before
// the Go runtime starts threads, so that it can setns() into user and mount
// namespaces (impossible from a multithreaded process). It is the keeper
// (pause) process, the keeper-join hot path of every command, and the
// container join used by exec and enter. See nsenter.c for the cases, and
// README.md for why this must be C.
//
// Environment protocol (internal, never documented to users):
//
//	_NOOK_KEEPER=1       be the keeper: wait on fd 3, then pause forever
//	_NOOK_JOIN=a,b,c     setns() fds 3,4,5 (types a,b,c); fork for pid
//	_NOOK_JOIN_FDS=7,9,8 with _NOOK_JOIN: the fds to use instead of 3,4,5
//	_NOOK_IN_USERNS=1    already inside the keeper's namespaces: do nothing
//	_NOOK_NOJOIN=1       stay on the host (nook doctor)
//	_NOOK_FASTEXEC=PATH  nook-runtime serving `nook exec` for nook at PATH:
//	                     stay on the host
//	_NOOK_NOFAST=1       nook run by that front-end as its fall-back: do
//	                     not hand exec over again
//
// It imports no nook package.
package nsenter
