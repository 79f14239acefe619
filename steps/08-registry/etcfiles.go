package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	"golang.org/x/sys/unix"
)

// Three files in /etc describe the network to programs, and belong to the
// container rather than to its image: /etc/hostname, /etc/hosts (its own
// name and address) and /etc/resolv.conf (where to send DNS queries). The
// runtime writes them in the container's directory and bind-mounts each,
// read-only, over the file of the rootfs.
var etcFiles = []string{"hostname", "hosts", "resolv.conf"}

// writeEtcFiles writes the container's copies, in containers/ID/etc/.
func writeEtcFiles(containerDir, hostname string, ip net.IP) (string, error) {
	dir := filepath.Join(containerDir, "etc")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	self := "127.0.1.1" // the Debian convention for a name without an address
	if ip != nil {
		self = ip.String()
	}
	hosts := fmt.Sprintf("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n%s\t%s\n", self, hostname)
	for name, text := range map[string]string{
		"hostname":    hostname + "\n",
		"hosts":       hosts,
		"resolv.conf": resolvConf(),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// resolvConf is the host's DNS configuration, made usable from another
// network namespace. A nameserver on the host's loopback (systemd-resolved's
// stub at 127.0.0.53, on Ubuntu) is unreachable from the container: its
// 127.0.0.53 is its own loopback. Like Docker, we then take the stub's
// upstream servers, and failing those, public ones.
func resolvConf() string {
	text, servers := readResolvConf("/etc/resolv.conf")
	if len(servers) == 0 {
		text, servers = readResolvConf("/run/systemd/resolve/resolv.conf")
	}
	if len(servers) == 0 {
		text = "nameserver 8.8.8.8\nnameserver 8.8.4.4\n"
	}
	return text
}

// readResolvConf keeps a resolv.conf's lines but loopback nameservers, and
// returns the nameservers left.
func readResolvConf(path string) (string, []string) {
	f, err := os.Open(path)
	if err != nil {
		return "", nil
	}
	defer f.Close()
	var out strings.Builder
	var servers []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "nameserver" {
			if ip := net.ParseIP(fields[1]); ip == nil || ip.IsLoopback() {
				continue
			}
			servers = append(servers, fields[1])
		}
		out.WriteString(sc.Text() + "\n")
	}
	return out.String(), servers
}

// bindEtcFiles bind-mounts the container's files over rootfs/etc/NAME,
// read-only. A bind mount is made writable, then remounted read-only: the
// flag cannot be given to the first mount(2).
func bindEtcFiles(dir, rootfs string) error {
	for _, name := range etcFiles {
		// The rootfs's /etc/resolv.conf may be an absolute symlink (Ubuntu's
		// points into /run): resolve inside the rootfs, and mount over a
		// plain file of our own instead of following it onto the host.
		target, err := securejoin.SecureJoin(rootfs, "etc/"+name)
		if err != nil {
			return err
		}
		if info, err := os.Lstat(target); err == nil && !info.Mode().IsRegular() {
			os.RemoveAll(target)
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			f.Close()
		}
		source := filepath.Join(dir, name)
		if err := mount(source, target, "", unix.MS_BIND, ""); err != nil {
			return err
		}
		if err := mount("", target, "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY, ""); err != nil {
			return err
		}
	}
	return nil
}

// unbindEtcFiles unmounts what bindEtcFiles mounted.
func unbindEtcFiles(rootfs string) {
	for _, name := range etcFiles {
		if target, err := securejoin.SecureJoin(rootfs, "etc/"+name); err == nil {
			_ = unix.Unmount(target, unix.MNT_DETACH)
		}
	}
}
