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
// holding the container's id: /run/runt/leases/10.88.0.2. Like the bridge,
// the leases are the host's, whatever data directory a run uses.
func leasesDir() string { return filepath.Join(stateDir, "leases") }

// allocateAddress leases the lowest free address to container id. The lease
// is a hard link to a file that already holds the id: link(2) fails with
// EEXIST if the name is taken, so among runtimes racing for one address the
// kernel lets exactly one have it, and a lease is never seen empty.
func allocateAddress(id string) (net.IP, error) {
	gateway, subnet, _ := net.ParseCIDR(bridgeCIDR)
	if err := os.MkdirAll(leasesDir(), 0o700); err != nil {
		return nil, err
	}
	claim := filepath.Join(leasesDir(), "."+id)
	if err := os.WriteFile(claim, []byte(id), 0o600); err != nil {
		os.Remove(claim)
		return nil, fmt.Errorf("leasing an address: %w", err)
	}
	defer os.Remove(claim)
	ip := subnet.IP.To4()
	for {
		ip = nextIP(ip)
		if !subnet.Contains(ip) || isBroadcast(ip, subnet) {
			return nil, fmt.Errorf("no free address left in %s", subnet)
		}
		if ip.Equal(gateway) {
			continue
		}
		lease := filepath.Join(leasesDir(), ip.String())
		err := os.Link(claim, lease)
		if errors.Is(err, fs.ErrExist) {
			continue // taken
		}
		if err != nil {
			return nil, fmt.Errorf("leasing an address: %w", err)
		}
		explain("lease %s: link(%q, %q)", ip, claim, lease)
		return ip, nil
	}
}

// releaseAddresses removes every lease that container id holds, and its
// claim if its runtime died while leasing.
func releaseAddresses(id string) {
	os.Remove(filepath.Join(leasesDir(), "."+id))
	leases, _ := os.ReadDir(leasesDir())
	for _, l := range leases {
		path := filepath.Join(leasesDir(), l.Name())
		if owner, err := os.ReadFile(path); err == nil && string(owner) == id {
			explain("lease %s: removed", l.Name())
			os.Remove(path)
		}
	}
}

// leaseOwners lists the containers that hold a lease or a claim.
func leaseOwners() []string {
	var ids []string
	leases, _ := os.ReadDir(leasesDir())
	for _, l := range leases {
		if owner, err := os.ReadFile(filepath.Join(leasesDir(), l.Name())); err == nil && len(owner) > 0 {
			ids = append(ids, string(owner))
		}
	}
	return ids
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
