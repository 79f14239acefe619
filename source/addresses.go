//@ file steps 6-

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
)

// The bridge network: every container gets an address in 10.88.0.0/16 (the
// range Podman uses by default too) and the host's bridge is 10.88.0.1, its
// gateway. Change bridgeCIDR if it collides with a network you use.
const (
	bridgeName = "runt0"
	bridgeCIDR = "10.88.0.1/16"
)

// leasesDir holds one file per address in use, named by the address and
// holding the container's id: $RUNT_DATA/network/10.88.0.2.
func leasesDir() string { return filepath.Join(dataDir(), "network") }

//@ doc allocate

// allocateAddress leases the lowest free address to container id. The lease
// is a file created with O_CREAT|O_EXCL: among runtimes racing for one
// address, the kernel lets exactly one create it, so no address is handed
// out twice, and no lock is needed.
func allocateAddress(id string) (net.IP, error) {
	gateway, subnet, _ := net.ParseCIDR(bridgeCIDR)
	if err := os.MkdirAll(leasesDir(), 0o700); err != nil {
		return nil, err
	}
	ip := subnet.IP.To4()
	for {
		ip = nextIP(ip)
		if !subnet.Contains(ip) || isBroadcast(ip, subnet) {
			return nil, fmt.Errorf("no free address left in %s", subnet)
		}
		if ip.Equal(gateway) {
			continue
		}
		f, err := os.OpenFile(filepath.Join(leasesDir(), ip.String()), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue // taken
		}
		if err != nil {
			return nil, err
		}
		_, err = f.WriteString(id)
		f.Close()
		explain("lease %s: created %s", ip, f.Name())
		return ip, err
	}
}

//@ end

// releaseAddresses removes every lease that container id holds.
func releaseAddresses(id string) {
	leases, _ := os.ReadDir(leasesDir())
	for _, l := range leases {
		path := filepath.Join(leasesDir(), l.Name())
		if owner, err := os.ReadFile(path); err == nil && string(owner) == id {
			explain("lease %s: removed", l.Name())
			os.Remove(path)
		}
	}
}

func nextIP(ip net.IP) net.IP {
	next := append(net.IP(nil), ip...)
	for i := len(next) - 1; i >= 0; i-- {
		next[i]++
		if next[i] != 0 {
			break
		}
	}
	return next
}

func isBroadcast(ip net.IP, subnet *net.IPNet) bool {
	for i := range ip {
		if ip[i]|subnet.Mask[i] != 0xff {
			return false
		}
	}
	return true
}
