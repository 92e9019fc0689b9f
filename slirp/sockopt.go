package slirp

import "golang.org/x/sys/unix"

// forwardNotSentLowat is the TCP_NOTSENT_LOWAT of the container-side socket
// of a published TCP port.
//
// rootlesskit's parent copies between the host connection and this socket
// with io.Copy, which Go turns into splice(2) through a 1 MiB pipe. With
// the default (unlimited) low-water mark the splice pump fills the whole
// autotuned send buffer (up to 4 MiB) before it blocks, so megabytes of
// spliced pages wait in flight (and most likely go cold in the cache):
// splicing then costs more CPU than a plain read/write copy. Making the
// socket writable only
// below 16 KiB of unsent data keeps the pump a few segments ahead of the
// receiver. Measured on the 2-core bench host (client + forwarder + server
// CPU per byte, host -> container): 1.11 -> 0.91 ns/B through nook (a
// user-space copy proxy costs ~0.78, plain loopback ~0.52), and the
// throughput of a published port went from ~0.4x to ~0.5x of loopback. It
// only changes when the socket polls writable, never what is sent, so small
// request/response traffic is unaffected. The host-side socket is accepted
// by rootlesskit and keeps the default. See tests/bench/net.sh.
const forwardNotSentLowat = 16 << 10

// tuneForwardSocket applies the options above to a TCP socket the port
// driver's child hands to the parent. Failure only costs speed.
func tuneForwardSocket(fd int) {
	_ = unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NOTSENT_LOWAT, forwardNotSentLowat)
}
