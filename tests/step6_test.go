package tests

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// Step 6: a network stack of its own: veth, bridge, NAT, published ports.

var _ = prop(6, "inside: lo and eth0, an address in the bridge subnet, the default route to the bridge", func(t *testing.T) {
	r := run(t, "run", "sh", "-c", "ls /sys/class/net; "+printIP+"; ip route | grep ^default")
	require.Equal(t, 0, r.status, r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 4, "stdout: %q", r.stdout)
	assert.Equal(t, []string{containerLink, "lo"}, lines[:2])
	_, bridgeNet, _ := net.ParseCIDR(bridgeSubnet)
	assert.True(t, bridgeNet.Contains(net.ParseIP(parseIP(t, lines[2]))), "address %s", lines[2])
	assert.Contains(t, lines[3], "default via "+bridgeGateway+" dev "+containerLink)
})

var _ = prop(6, "two containers ping each other over the bridge", func(t *testing.T) {
	a := start(t, "run", "sh", "-c", printIP+"; read line")
	a.waitForLine(t)
	ipA := parseIP(t, a.lines.Text())
	r := run(t, "run", "ping", "-c", "1", "-W", "5", ipA)
	assert.Equal(t, 0, r.status, "ping %s: %s %s", ipA, r.stdout, r.stderr)
	a.send(t, "done")
	assert.Equal(t, 0, a.wait(t))
})

var _ = prop(6, "--net none has only loopback and no route out", func(t *testing.T) {
	r := run(t, "run", "--net", "none", "sh", "-c", "ls /sys/class/net; ip route; ip -4 -o addr show dev lo | awk '{print $4}'")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, "lo\n127.0.0.1/8\n", r.stdout, "lo (up, with its address) and no route")
})

var _ = prop(6, "--net host sees the host's links", func(t *testing.T) {
	entries, err := os.ReadDir("/sys/class/net")
	require.NoError(t, err)
	var host []string
	for _, e := range entries {
		host = append(host, e.Name())
	}
	r := run(t, "run", "--net", "host", "ls", "/sys/class/net")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, host, strings.Fields(r.stdout))
})

var _ = prop(6, "outbound traffic is masqueraded to the host's address", func(t *testing.T) {
	inet := newTestHost(t, "inet", "198.51.100")
	var l net.Listener
	inet.in(t, func() {
		var err error
		l, err = net.Listen("tcp4", inet.ip+":9000")
		require.NoError(t, err)
	})
	defer l.Close()
	source := make(chan string, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			source <- err.Error()
			return
		}
		defer c.Close()
		source <- c.RemoteAddr().(*net.TCPAddr).IP.String()
	}()
	r := run(t, "run", "sh", "-c", "echo hello | nc "+inet.ip+" 9000")
	require.Equal(t, 0, r.status, r.stderr)
	select {
	case ip := <-source:
		assert.Equal(t, inet.hostIP, ip, "the test host sees the host's address, not the container's")
	case <-time.After(hangLimit):
		t.Fatal("no connection reached the test host")
	}
})

var _ = prop(6, "a published port serves another machine and the host", func(t *testing.T) {
	client := newTestHost(t, "cli", "203.0.113")
	hostPort := freePort(t)
	c := start(t, "run", "-p", fmt.Sprintf("%d:80", hostPort), "sh", "-c",
		"mkdir /www && echo hello-from-container > /www/index.html && httpd -p 80 -h /www && echo ready; read line")
	c.waitFor(t, "ready")

	get := func(url string) string {
		t.Helper()
		resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(url)
		require.NoError(t, err, url)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return string(body)
	}
	// From the client machine, to the host's address on its link. The
	// connection is made inside the client's namespace.
	var conn net.Conn
	client.in(t, func() {
		var err error
		conn, err = net.DialTimeout("tcp4", fmt.Sprintf("%s:%d", client.hostIP, hostPort), 10*time.Second)
		require.NoError(t, err)
	})
	_, err := io.WriteString(conn, "GET / HTTP/1.0\r\n\r\n")
	require.NoError(t, err)
	reply, err := io.ReadAll(conn)
	conn.Close()
	require.NoError(t, err)
	assert.Contains(t, string(reply), "hello-from-container", "from the client machine")
	// From the host itself, to loopback.
	assert.Equal(t, "hello-from-container\n", get(fmt.Sprintf("http://127.0.0.1:%d/", hostPort)), "from the host")

	c.send(t, "done")
	assert.Equal(t, 0, c.wait(t))
})

var _ = prop(6, "a container cannot reach services on the host's 127.0.0.1", func(t *testing.T) {
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	require.NoError(t, err)
	defer c.Close()
	port := strconv.Itoa(c.LocalAddr().(*net.UDPAddr).Port)
	// Root in the container routes 127.0.0.1 to the host, as route_localnet
	// on the bridge would let it (CVE-2020-8558 is this hole in Kubernetes),
	// and sends one datagram there with busybox tftp.
	r := run(t, "run", "sh", "-c", `echo 1 > /proc/sys/net/ipv4/conf/`+containerLink+`/route_localnet
ip route del local 127.0.0.0/8 dev lo table local
ip route del local 127.0.0.1 dev lo table local
ip route add 127.0.0.1/32 via `+bridgeGateway+`
timeout 2 tftp -g -r probe 127.0.0.1 `+port+`
echo probe-done`)
	require.Contains(t, r.stdout, "probe-done", "the probe ran; stderr: %s", r.stderr)
	// The container is gone: whatever it sent has arrived by now.
	require.NoError(t, c.SetReadDeadline(time.Now()))
	_, from, err := c.ReadFrom(make([]byte, 512))
	assert.Error(t, err, "a datagram from %v reached the host's loopback", from)
})

var _ = prop(6, "/etc/hosts, /etc/hostname and /etc/resolv.conf are there and read-only", func(t *testing.T) {
	r := run(t, "run", "--hostname", "netbox", "sh", "-c",
		"cat /etc/hostname; grep -c netbox /etc/hosts; grep -c nameserver /etc/resolv.conf; "+printIP+
			"; for f in hosts hostname resolv.conf; do echo x >> /etc/$f; done")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 4, "stdout %q stderr %q", r.stdout, r.stderr)
	assert.Equal(t, "netbox", lines[0])
	assert.Equal(t, "1", lines[1], "/etc/hosts names the container")
	assert.NotEqual(t, "0", lines[2], "resolv.conf has a nameserver")
	assert.Equal(t, 3, strings.Count(r.stderr, "Read-only file system"), "stderr: %s", r.stderr)
})

var _ = prop(6, "the hosts file maps the container's name to its address", func(t *testing.T) {
	r := run(t, "run", "--hostname", "named", "sh", "-c", printIP+"; grep named /etc/hosts | awk '{print $1}'")
	require.Equal(t, 0, r.status, r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 2)
	assert.Equal(t, parseIP(t, lines[0]), lines[1])
})

var _ = prop(6, "no link, lease or NAT rule remains after any exit", func(t *testing.T) {
	before := snapshotHost(t)
	port := strconv.Itoa(freePort(t))
	assert.Equal(t, 0, run(t, "run", "-p", port+":80", "true").status)
	assert.Equal(t, 5, run(t, "run", "-p", port+":80", "sh", "-c", "exit 5").status)
	c := start(t, "run", "-p", port+":80", "sh", "-c", "echo ready; read line")
	c.waitFor(t, "ready")
	require.NotEqual(t, before.rules, snapshotHost(t).rules, "a running container has NAT rules")
	require.NoError(t, unix.Kill(c.containerPID(t), unix.SIGKILL))
	assert.Equal(t, 137, c.wait(t))
	assertNothingLeftBehind(t, before)
})

var _ = prop(6, "the next run removes the links, lease and rules of a runtime killed with SIGKILL", func(t *testing.T) {
	before := snapshotHost(t)
	c := start(t, "run", "-p", strconv.Itoa(freePort(t))+":80", "sh", "-c", "echo ready; read line")
	c.waitFor(t, "ready")
	c.killRuntime(t)
	left := snapshotHost(t)
	require.NotEqual(t, before.rules, left.rules, "a dead runtime leaves its NAT rules")
	require.NotEqual(t, before.state, left.state, "... and its lease")

	assert.Equal(t, 0, run(t, "run", "--net", "none", "true").status)
	assertNothingLeftBehind(t, before)
})

var _ = prop(6, "20 containers started at once get 20 addresses, all reachable", func(t *testing.T) {
	const n = 20
	containers := make([]*running, n)
	var wg sync.WaitGroup
	for i := range containers {
		containers[i] = start(t, "run", "sh", "-c", printIP+"; read line")
	}
	ips := make([]string, n)
	for i, c := range containers {
		c.waitForLine(t)
		ips[i] = parseIP(t, c.lines.Text())
	}
	sorted := append([]string(nil), ips...)
	sort.Strings(sorted)
	for i := 1; i < n; i++ {
		assert.NotEqual(t, sorted[i-1], sorted[i], "address handed out twice")
	}
	errs := make([]error, n)
	for i, ip := range ips {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = hostPing(ip) }()
	}
	wg.Wait()
	for _, err := range errs {
		assert.NoError(t, err)
	}
	for _, c := range containers {
		c.send(t, "done")
		assert.Equal(t, 0, c.wait(t))
	}
})

var _ = prop(6, "bad network flags are refused with one line", func(t *testing.T) {
	badInput(t, []string{"-p 70000:80", "want"}, "run", "-p", "70000:80", "true")
	badInput(t, []string{"-p 80", "want"}, "run", "-p", "80", "true")
	badInput(t, []string{"--net bogus", "want"}, "run", "--net", "bogus", "true")
	badInput(t, []string{"--net none"}, "run", "--net", "none", "-p", "8080:80", "true")

	l, err := net.Listen("tcp4", ":0")
	require.NoError(t, err)
	defer l.Close()
	busy := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	badInput(t, []string{busy, "in use"}, "run", "-p", busy+":80", "true")
})

var _ = prop(6, "the next run sweeps leases and rules whose container has no live runtime", func(t *testing.T) {
	assert.Equal(t, 0, run(t, "run", "true").status) // the table exists
	before := snapshotHost(t)
	// What a runtime killed while its nft child ran, or while it leased an
	// address, leaves: rules and a lease tagged with an id no runtime holds.
	const dead = "0123456789ab"
	r := runQuiet("nft", "add", "rule", nftFamily, nftTable, nftChain, "ip", "saddr", "10.88.255.250", "masquerade", "comment", `"`+ruleTag+dead+`"`)
	require.Equal(t, 0, r.status, r.stderr)
	require.NoError(t, os.MkdirAll(leasesDir, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(leasesDir, "10.88.255.250"), []byte(dead), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(leasesDir, "."+dead), []byte(dead), 0o600))
	require.NotEqual(t, before.rules, snapshotHost(t).rules)

	assert.Equal(t, 0, run(t, "run", "true").status) // a bridge-mode run sweeps
	assertNothingLeftBehind(t, before)
})

var _ = prop(6, "two data directories share the bridge without sharing an address", func(t *testing.T) {
	other := t.TempDir()
	a := start(t, "run", "sh", "-c", printIP+"; read line")
	a.waitForLine(t)
	ipA := parseIP(t, a.lines.Text())
	r := runWith(t, runOpts{env: []string{envData + "=" + other}}, "run", "--rootfs", busybox(t), "sh", "-c", printIP)
	require.Equal(t, 0, r.status, r.stderr)
	assert.NotEqual(t, ipA, parseIP(t, strings.TrimSpace(r.stdout)), "one address handed out twice on "+bridgeName)
	a.send(t, "done")
	assert.Equal(t, 0, a.wait(t))
})

var _ = prop(6, "a host port that is only another container's port is free to publish", func(t *testing.T) {
	inner := freePort(t)
	c := start(t, "run", "-p", fmt.Sprintf("%d:%d", freePort(t), inner), "sh", "-c", "echo ready; read line")
	c.waitFor(t, "ready")
	r := run(t, "run", "-p", fmt.Sprintf("%d:80", inner), "true")
	assert.Equal(t, 0, r.status, "host port %d is not published by anyone: %s", inner, r.stderr)
	c.send(t, "done")
	assert.Equal(t, 0, c.wait(t))
})

var _ = prop(6, "a host port published twice in one run is refused with one line", func(t *testing.T) {
	badInput(t, []string{"-p", "twice"}, "run", "-p", "8080:80", "-p", "8080:81", "true")
})
