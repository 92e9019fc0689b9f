package main

import "github.com/urfave/cli/v2"

// createFlags are the flags shared by run and create, grouped like
// Docker's help.
func createFlags() []cli.Flag {
	return append([]cli.Flag{
		// Process
		&cli.StringSliceFlag{Name: "env", Aliases: []string{"e"}, Usage: "set environment variables", Category: "Process"},
		&cli.StringSliceFlag{Name: "env-file", Usage: "read in a file of environment variables", Category: "Process"},
		&cli.StringFlag{Name: "workdir", Aliases: []string{"w"}, Usage: "working directory inside the container", Category: "Process"},
		&cli.StringFlag{Name: "user", Aliases: []string{"u"}, Usage: "username or UID (format: <name|uid>[:<group|gid>])", Category: "Process"},
		&cli.StringFlag{Name: "entrypoint", Usage: "overwrite the default ENTRYPOINT of the image", Category: "Process"},
		&cli.BoolFlag{Name: "interactive", Aliases: []string{"i"}, Usage: "keep STDIN open", Category: "Process"},
		&cli.BoolFlag{Name: "tty", Aliases: []string{"t"}, Usage: "allocate a pseudo-TTY", Category: "Process"},
		&cli.StringFlag{Name: "stop-signal", Usage: "signal to stop the container", Category: "Process"},
		&cli.IntFlag{Name: "stop-timeout", Usage: "timeout (in seconds) to stop a container", Category: "Process", Value: -1},
		// Identity
		&cli.StringFlag{Name: "name", Usage: "assign a name to the container", Category: "Identity"},
		&cli.StringFlag{Name: "hostname", Aliases: []string{"h"}, Usage: "container host name", Category: "Identity"},
		&cli.StringSliceFlag{Name: "label", Aliases: []string{"l"}, Usage: "set meta data on a container", Category: "Identity"},
		// Lifecycle
		&cli.BoolFlag{Name: "rm", Usage: "automatically remove the container when it exits", Category: "Lifecycle"},
		&cli.StringFlag{Name: "restart", Value: "no", Usage: "restart policy: no, on-failure[:N], always, unless-stopped", Category: "Lifecycle"},
		// Health
		&cli.StringFlag{Name: "health-cmd", Usage: "command to run to check health", Category: "Health"},
		&cli.DurationFlag{Name: "health-interval", Usage: "time between running the check (ms|s|m|h)", Category: "Health"},
		&cli.IntFlag{Name: "health-retries", Usage: "consecutive failures needed to report unhealthy", Category: "Health"},
		&cli.DurationFlag{Name: "health-timeout", Usage: "maximum time to allow one check to run (ms|s|m|h)", Category: "Health"},
		&cli.DurationFlag{Name: "health-start-period", Usage: "start period for the container to initialize before starting health-retries countdown (ms|s|m|h)", Category: "Health"},
		&cli.DurationFlag{Name: "health-start-interval", Usage: "time between running the check during the start period (ms|s|m|h)", Category: "Health"},
		&cli.BoolFlag{Name: "no-healthcheck", Usage: "disable any container-specified HEALTHCHECK", Category: "Health"},
		// Network
		&cli.StringFlag{Name: "network", Aliases: []string{"net"}, Usage: "network: slirp4netns (default), pasta, none, host, container:NAME", Category: "Network"},
		&cli.StringSliceFlag{Name: "publish", Aliases: []string{"p"}, Usage: "publish a container's port(s) to the host", Category: "Network"},
		&cli.BoolFlag{Name: "publish-all", Aliases: []string{"P"}, Usage: "publish all exposed ports to random ports", Category: "Network"},
		&cli.StringSliceFlag{Name: "expose", Usage: "expose a port or a range of ports (80, 80/udp, 8000-8010)", Category: "Network"},
		&cli.StringSliceFlag{Name: "dns", Usage: "set custom DNS servers", Category: "Network"},
		&cli.StringSliceFlag{Name: "dns-search", Usage: "set custom DNS search domains", Category: "Network"},
		&cli.StringSliceFlag{Name: "add-host", Usage: "add a custom host-to-IP mapping (host:ip)", Category: "Network"},
		// Storage
		&cli.StringSliceFlag{Name: "volume", Aliases: []string{"v"}, Usage: "bind mount a volume", Category: "Storage"},
		&cli.StringSliceFlag{Name: "mount", Usage: "attach a filesystem mount to the container", Category: "Storage"},
		&cli.StringSliceFlag{Name: "tmpfs", Usage: "mount a tmpfs directory", Category: "Storage"},
		&cli.StringSliceFlag{Name: "volumes-from", Usage: "mount volumes from the specified container(s)", Category: "Storage"},
		&cli.BoolFlag{Name: "read-only", Usage: "mount the container's root filesystem as read only", Category: "Storage"},
		// Security
		&cli.StringSliceFlag{Name: "cap-add", Usage: "add Linux capabilities", Category: "Security"},
		&cli.StringSliceFlag{Name: "cap-drop", Usage: "drop Linux capabilities", Category: "Security"},
		&cli.BoolFlag{Name: "privileged", Usage: "give extended privileges (all capabilities within the user namespace)", Category: "Security"},
		&cli.StringSliceFlag{Name: "security-opt", Usage: "security options", Category: "Security"},
	}, resourceFlags()...)
}

// resourceFlags are run's, create's and update's resource limits.
func resourceFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "memory", Aliases: []string{"m"}, Usage: "memory limit (needs cgroup v2 delegation)", Category: "Resources"},
		&cli.StringFlag{Name: "memory-swap", Usage: "swap limit equal to memory plus swap: '-1' to enable unlimited swap", Category: "Resources"},
		&cli.StringFlag{Name: "cpus", Usage: "number of CPUs (needs cgroup v2 delegation)", Category: "Resources"},
		&cli.StringFlag{Name: "pids-limit", Usage: "tune container pids limit (needs cgroup v2 delegation)", Category: "Resources"},
	}
}
