// Package exec runs a process inside a running container's namespaces
// (nook exec) or inside some of them (nook enter). It opens the
// namespace files of the container's pid 1 and starts `nook _exec` with
// them; nsenter's C constructor setns()es into each before the Go runtime
// starts, and forks into the pid namespace. It imports only spec and
// nsenter-facing constants.
package exec
