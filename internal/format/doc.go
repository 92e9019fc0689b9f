// Package format owns everything nook prints in Docker's exact shapes: the
// human durations and sizes of docker/go-units, Docker's --format template
// engine (template functions, the "table" prefix with its tabwriter
// alignment, "json" lines, header rows), inspect rendering, the PORTS
// column and `port` lines, and the small ps/images column helpers
// (COMMAND, STATUS, IMAGE, NAMES, SIZE, IDs).
//
// Everything here is pure: functions take the current time where it
// matters and write to an io.Writer; nothing reads the system state.
package format
