package tests

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opencontainers/go-digest"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"
)

// A real registry for step 8: the distribution registry (Debian's package
// docker-registry), started by the test on loopback with a config and a
// storage directory of its own, open or behind a token service that the
// test runs. Images get into it by the distribution API's own upload
// requests (push).

// testRegistry is one running registry.
type testRegistry struct {
	host   string // IP:PORT, as references name it
	scheme string // http, or https with tls
	client *http.Client
	token  *tokenService
	user   string // with htpasswd: the one user, and its password
	pass   string
	caFile string // with tls: the certificate that signed the registry's
}

// registryOpts choose how a registry is run.
type registryOpts struct {
	token    bool      // auth: token, with a token service of the test's
	htpasswd bool      // auth: htpasswd, with one user
	tls      bool      // https, with a certificate the test makes
	on       *testHost // in a test host, on its address; else on 127.0.0.1
}

// startRegistry starts a registry as o says and waits until it answers.
func startRegistry(t *testing.T, o registryOpts) *testRegistry {
	t.Helper()
	binary, err := exec.LookPath(registryBinary)
	need(t, err == nil, "no "+registryBinary+"; install the docker-registry package (make deps)")
	dir := t.TempDir()
	ip := "127.0.0.1"
	if o.on != nil {
		ip = o.on.ip
	}
	r := &testRegistry{host: fmt.Sprintf("%s:%d", ip, freePort(t)), scheme: "http", client: &http.Client{}}
	config := fmt.Sprintf("version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\nhttp:\n  addr: %s\n", filepath.Join(dir, "storage"), r.host)
	if o.tls {
		r.scheme = "https"
		var cert, key string
		r.caFile, cert, key = makeCertificates(t, dir, ip)
		config += fmt.Sprintf("  tls:\n    certificate: %s\n    key: %s\n", cert, key)
		pool := x509.NewCertPool()
		ca, err := os.ReadFile(r.caFile)
		require.NoError(t, err)
		pool.AppendCertsFromPEM(ca)
		r.client.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	}
	switch {
	case o.token:
		r.token = startTokenService(t, dir)
		config += fmt.Sprintf("auth:\n  token:\n    realm: %s/token\n    service: %s\n    issuer: %s\n    rootcertbundle: %s\n",
			r.token.server.URL, tokenServiceName, tokenIssuer, r.token.certFile)
	case o.htpasswd:
		r.user, r.pass = "puller", "secret"
		hash, err := bcrypt.GenerateFromPassword([]byte(r.pass), bcrypt.DefaultCost)
		require.NoError(t, err)
		file := filepath.Join(dir, "htpasswd")
		require.NoError(t, os.WriteFile(file, []byte(r.user+":"+string(hash)+"\n"), 0o600))
		config += fmt.Sprintf("auth:\n  htpasswd:\n    realm: runt-test\n    path: %s\n", file)
	}
	configFile := filepath.Join(dir, "config.yml")
	require.NoError(t, os.WriteFile(configFile, []byte(config), 0o600))
	log, err := os.Create(filepath.Join(dir, "registry.log"))
	require.NoError(t, err)
	cmd := exec.Command(binary, "serve", configFile)
	cmd.Stdout, cmd.Stderr = log, log
	if o.on != nil {
		o.on.in(t, func() { require.NoError(t, cmd.Start()) }) // fork copies this thread's network namespace
	} else {
		require.NoError(t, cmd.Start())
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		log.Close()
	})
	// Ready when /v2/ answers at all (200, or 401 behind a login).
	deadline := time.Now().Add(hangLimit)
	for {
		resp, err := r.client.Get(r.scheme + "://" + r.host + "/v2/")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			out, _ := os.ReadFile(log.Name())
			t.Fatalf("the registry did not answer on %s: %v; its log: %s", r.host, err, out)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return r
}

// makeCertificates makes a certificate authority and, signed by it, a
// certificate for a server at ip; it returns the files of the authority's
// certificate and of the server's certificate and key.
func makeCertificates(t *testing.T, dir, ip string) (caFile, certFile, keyFile string) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	caTemplate := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "runt test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	ca, err := x509.ParseCertificate(caDER)
	require.NoError(t, err)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	template := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: ip},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP(ip)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, ca, &key.PublicKey, caKey)
	require.NoError(t, err)
	keyDER, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	caFile, certFile, keyFile = filepath.Join(dir, "ca.pem"), filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o644))
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600))
	return caFile, certFile, keyFile
}

// push uploads img to repo:tag: each blob by a monolithic upload (POST
// /v2/NAME/blobs/uploads/, then PUT its Location with ?digest=), then the
// manifest. It returns the manifest's digest.
func (r *testRegistry) push(t *testing.T, img testImage, repo, tag string) digest.Digest {
	t.Helper()
	blobs, manifest := img.blobs(t)
	authorize := func(req *http.Request) {
		switch {
		case r.token != nil:
			req.Header.Set("Authorization", "Bearer "+r.token.issue(t, "pusher", repo, "pull", "push"))
		case r.user != "":
			req.SetBasicAuth(r.user, r.pass)
		}
	}
	do := func(method, target string, body []byte, contentType string, want int) *http.Response {
		req, err := http.NewRequest(method, target, bytes.NewReader(body))
		require.NoError(t, err)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		authorize(req)
		resp, err := r.client.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, want, resp.StatusCode, "%s %s", method, target)
		return resp
	}
	base := r.scheme + "://" + r.host + "/v2/" + repo
	for d, data := range blobs {
		if d == manifest.Digest {
			continue
		}
		resp := do(http.MethodPost, base+"/blobs/uploads/", nil, "", http.StatusAccepted)
		location, err := url.Parse(resp.Header.Get("Location"))
		require.NoError(t, err)
		target := (&url.URL{Scheme: r.scheme, Host: r.host}).ResolveReference(location)
		q := target.Query()
		q.Set("digest", d.String())
		target.RawQuery = q.Encode()
		do(http.MethodPut, target.String(), data, "application/octet-stream", http.StatusCreated)
	}
	do(http.MethodPut, base+"/manifests/"+tag, blobs[manifest.Digest], v1.MediaTypeImageManifest, http.StatusCreated)
	return manifest.Digest
}

// tokenService is the token service of a registry with auth: token
// (distribution's token.md): it hands out JWTs signed with a key whose
// certificate the registry trusts (rootcertbundle), and carries it in
// the token's x5c header.
type tokenService struct {
	server   *httptest.Server
	key      *ecdsa.PrivateKey
	cert     []byte // DER
	certFile string
	user     string // when set, a token needs these credentials
	password string
}

func startTokenService(t *testing.T, dir string) *tokenService {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	template := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: tokenIssuer},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	cert, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	require.NoError(t, err)
	s := &tokenService{key: key, cert: cert, certFile: filepath.Join(dir, "token.pem")}
	require.NoError(t, os.WriteFile(s.certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert}), 0o644))
	s.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		user, password, ok := req.BasicAuth()
		if s.user != "" && (!ok || user != s.user || password != s.password) {
			http.Error(w, "wrong credentials", http.StatusUnauthorized)
			return
		}
		// scope=repository:NAME:pull
		parts := strings.Split(req.URL.Query().Get("scope"), ":")
		if len(parts) != 3 || parts[0] != "repository" {
			http.Error(w, "bad scope", http.StatusBadRequest)
			return
		}
		if req.URL.Query().Get("service") != tokenServiceName {
			http.Error(w, "bad service", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"token": s.issue(t, user, parts[1], strings.Split(parts[2], ",")...)})
	}))
	t.Cleanup(s.server.Close)
	return s
}

// issue makes a token that lets subject do actions on repo.
func (s *tokenService) issue(t *testing.T, subject, repo string, actions ...string) string {
	enc := func(v any) string {
		data, err := json.Marshal(v)
		require.NoError(t, err)
		return base64.RawURLEncoding.EncodeToString(data)
	}
	jti := make([]byte, 8)
	_, _ = rand.Read(jti)
	now := time.Now().Unix()
	header := enc(map[string]any{"typ": "JWT", "alg": "ES256", "x5c": []string{base64.StdEncoding.EncodeToString(s.cert)}})
	claims := enc(map[string]any{
		"iss": tokenIssuer, "sub": subject, "aud": tokenServiceName,
		"exp": now + 300, "nbf": now - 10, "iat": now, "jti": hex.EncodeToString(jti),
		"access": []map[string]any{{"type": "repository", "name": repo, "actions": actions}},
	})
	sum := sha256.Sum256([]byte(header + "." + claims))
	r, sig, err := ecdsa.Sign(rand.Reader, s.key, sum[:])
	require.NoError(t, err)
	signature := make([]byte, 64) // JWS ES256: r and s, 32 bytes each
	r.FillBytes(signature[:32])
	sig.FillBytes(signature[32:])
	return header + "." + claims + "." + base64.RawURLEncoding.EncodeToString(signature)
}

// countingProxy stands between the runtime and a registry, counts the blob
// requests that pass, and may break them.
type countingProxy struct {
	host  string
	blobs atomic.Int64
	// corrupt, when set, flips a byte of every blob it passes; cut closes
	// the connection half way through one.
	corrupt, cut atomic.Bool
}

func startProxy(t *testing.T, registry string) *countingProxy {
	t.Helper()
	p := &countingProxy{}
	target := &url.URL{Scheme: "http", Host: registry}
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ModifyResponse = func(resp *http.Response) error {
		if !strings.Contains(resp.Request.URL.Path, "/blobs/sha256:") || resp.StatusCode != http.StatusOK {
			return nil
		}
		p.blobs.Add(1)
		if p.corrupt.Load() || p.cut.Load() {
			data, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				return err
			}
			if p.corrupt.Load() {
				data[len(data)/2] ^= 0x20
			}
			resp.Body = io.NopCloser(bytes.NewReader(data))
		}
		return nil
	}
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if p.cut.Load() && strings.Contains(req.URL.Path, "/blobs/sha256:") {
			// Send the headers and half the blob, then drop the connection.
			rec := httptest.NewRecorder()
			rp.ServeHTTP(rec, req)
			body := rec.Body.Bytes()
			hijacker, ok := w.(http.Hijacker)
			if !ok {
				http.Error(w, "no hijack", http.StatusInternalServerError)
				return
			}
			conn, buf, err := hijacker.Hijack()
			if err != nil {
				return
			}
			fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nContent-Type: application/octet-stream\r\n\r\n", len(body))
			buf.Write(body[:len(body)/2])
			buf.Flush()
			conn.Close()
			return
		}
		rp.ServeHTTP(w, req)
	}))
	t.Cleanup(server.Close)
	p.host = strings.TrimPrefix(server.URL, "http://")
	return p
}

// The registry binary, the token service's names, and the credentials a
// token service with a login wants.
const (
	registryBinary   = "docker-registry"
	tokenIssuer      = "runt-test-issuer"
	tokenServiceName = "runt-test-registry"
)

// dockerConfig writes a $DOCKER_CONFIG directory whose config.json holds
// user and password for host, as docker login writes them.
func dockerConfig(t *testing.T, host, user, password string) string {
	t.Helper()
	dir := t.TempDir()
	auth := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
	writeJSON(t, filepath.Join(dir, "config.json"), map[string]any{"auths": map[string]any{host: map[string]string{"auth": auth}}})
	return dir
}
