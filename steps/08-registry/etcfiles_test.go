package main

import (
	"os"
	"path/filepath"
	"testing"
)

// A stub resolver on loopback means nothing in another network namespace.
func TestReadResolvConfDropsLoopbackServers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "resolv.conf")
	os.WriteFile(path, []byte("nameserver 127.0.0.53\noptions edns0\nsearch lan\n"), 0o644)
	text, servers := readResolvConf(path)
	if len(servers) != 0 || text != "options edns0\nsearch lan\n" {
		t.Errorf("got %q, %q", text, servers)
	}
	os.WriteFile(path, []byte("nameserver 192.0.2.53\nnameserver ::1\n"), 0o644)
	if text, servers = readResolvConf(path); len(servers) != 1 || text != "nameserver 192.0.2.53\n" {
		t.Errorf("got %q, %q", text, servers)
	}
}
