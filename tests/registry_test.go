package tests

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
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
)

// A real registry for step 8: the distribution registry (Debian's package
// docker-registry), started by the test on loopback with a config and a
// storage directory of its own, open or behind a token service that the
// test runs. Images get into it by the distribution API's own upload
// requests (push).

// testRegistry is one running registry.
type testRegistry struct {
	host  string // 127.0.0.1:PORT, as references name it
	token *tokenService
}

// startRegistry starts a registry; with withToken, it takes only tokens of
// a token service the test runs.
func startRegistry(t *testing.T, withToken bool) *testRegistry {
	t.Helper()
	binary, err := exec.LookPath(registryBinary)
	need(t, err == nil, "no "+registryBinary+"; install the docker-registry package (make deps)")
	dir := t.TempDir()
	r := &testRegistry{host: fmt.Sprintf("127.0.0.1:%d", freePort(t))}
	config := fmt.Sprintf("version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\nhttp:\n  addr: %s\n", filepath.Join(dir, "storage"), r.host)
	if withToken {
		r.token = startTokenService(t, dir)
		config += fmt.Sprintf("auth:\n  token:\n    realm: %s/token\n    service: %s\n    issuer: %s\n    rootcertbundle: %s\n",
			r.token.server.URL, tokenServiceName, tokenIssuer, r.token.certFile)
	}
	configFile := filepath.Join(dir, "config.yml")
	require.NoError(t, os.WriteFile(configFile, []byte(config), 0o600))
	log, err := os.Create(filepath.Join(dir, "registry.log"))
	require.NoError(t, err)
	cmd := exec.Command(binary, "serve", configFile)
	cmd.Stdout, cmd.Stderr = log, log
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		log.Close()
	})
	// Ready when /v2/ answers at all (200, or 401 behind tokens).
	deadline := time.Now().Add(hangLimit)
	for {
		resp, err := http.Get("http://" + r.host + "/v2/")
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

// push uploads img to repo:tag: each blob by a monolithic upload (POST
// /v2/NAME/blobs/uploads/, then PUT its Location with ?digest=), then the
// manifest. It returns the manifest's digest.
func (r *testRegistry) push(t *testing.T, img testImage, repo, tag string) digest.Digest {
	t.Helper()
	blobs, manifest := img.blobs(t)
	authorize := func(req *http.Request) {
		if r.token != nil {
			req.Header.Set("Authorization", "Bearer "+r.token.issue(t, "pusher", repo, "pull", "push"))
		}
	}
	do := func(method, target string, body []byte, contentType string, want int) *http.Response {
		req, err := http.NewRequest(method, target, bytes.NewReader(body))
		require.NoError(t, err)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		authorize(req)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, want, resp.StatusCode, "%s %s", method, target)
		return resp
	}
	base := "http://" + r.host + "/v2/" + repo
	for d, data := range blobs {
		if d == manifest.Digest {
			continue
		}
		resp := do(http.MethodPost, base+"/blobs/uploads/", nil, "", http.StatusAccepted)
		location, err := url.Parse(resp.Header.Get("Location"))
		require.NoError(t, err)
		target := (&url.URL{Scheme: "http", Host: r.host}).ResolveReference(location)
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
