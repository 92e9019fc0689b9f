package container

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nook-dev/nook/slirp"
)

// writeEtcFiles writes the files bind-mounted over /etc/hostname,
// /etc/hosts and /etc/resolv.conf.
func writeEtcFiles(dir string, r *Record) error {
	ip := ""
	if r.Spec.Network == "slirp4netns" || r.Spec.Network == "pasta" {
		ip = slirp.ContainerIP
	}
	hosts, err := slirp.Hosts(slirp.HostsOptions{Hostname: r.Hostname, Address: ip, ExtraHosts: r.HostConfig.ExtraHosts})
	if err != nil {
		return err
	}
	files := map[string]string{
		hostnameF:  r.Hostname + "\n",
		hostsFile:  string(hosts),
		resolvFile: resolvConf(r),
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	return nil
}

func resolvConf(r *Record) string {
	var b strings.Builder
	switch {
	case len(r.HostConfig.Dns) > 0:
		for _, d := range r.HostConfig.Dns {
			fmt.Fprintf(&b, "nameserver %s\n", d)
		}
	case r.Spec.Network == "slirp4netns" || r.Spec.Network == "pasta":
		b.WriteString("nameserver 10.0.2.3\n")
	default:
		if host, err := os.ReadFile("/etc/resolv.conf"); err == nil {
			b.Write(host)
		}
	}
	if len(r.HostConfig.DnsSearch) > 0 {
		fmt.Fprintf(&b, "search %s\n", strings.Join(r.HostConfig.DnsSearch, " "))
	}
	return b.String()
}
