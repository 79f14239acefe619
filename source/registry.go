//@ file steps 8-

package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/distribution/reference"
	"github.com/opencontainers/go-digest"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
)

// A registry speaks the distribution API (github.com/opencontainers/
// distribution-spec, spec.md), three requests of which make a pull:
//
//	GET /v2/                               is this a registry, and how do I log in?
//	GET /v2/NAME/manifests/TAG-OR-DIGEST   an index or a manifest, by Accept header
//	GET /v2/NAME/blobs/DIGEST              a config or a layer, often by a redirect
//
// Everything a registry sends is checked against a digest before the store
// takes it, so a registry, or anyone between it and us, can refuse to serve
// an image but cannot change one.

// accept lists the manifests the runtime reads, for content negotiation:
// without it a registry may answer with a schema-1 manifest, or with the
// manifest of one platform where an index exists.
var accept = strings.Join([]string{
	v1.MediaTypeImageIndex, v1.MediaTypeImageManifest, dockerManifestList, dockerManifest,
}, ", ")

// registry is one repository of one registry, ready to be read.
type registry struct {
	host   string // as in the reference: docker.io, localhost:5000
	base   string // where requests go: https://registry-1.docker.io, http://localhost:5000
	repo   string // the repository's path: library/busybox
	client *http.Client
	auth   auth
}

// openRegistry makes ready to read ref's repository: the /v2/ ping, and
// whatever login its answer asks for.
func openRegistry(ref reference.Named, insecure []string) (*registry, error) {
	host := reference.Domain(ref)
	r := &registry{host: host, repo: reference.Path(ref)}
	endpoint := host
	if host == "docker.io" {
		endpoint = "registry-1.docker.io" // Docker Hub's API lives on another name
	}
	scheme, err := schemeFor(endpoint, insecure)
	if err != nil {
		return nil, err
	}
	r.base = scheme + "://" + endpoint
	r.client = &http.Client{
		Timeout: 10 * time.Minute, // a whole blob; connecting has its own, shorter bound
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: 30 * time.Second,
		},
	}
	if err := r.login(); err != nil {
		return nil, err
	}
	return r, nil
}

// schemeFor is https, but for a registry on loopback or named by
// --insecure-registry: plain HTTP shows every byte, tokens included, to
// whoever is on the path.
func schemeFor(endpoint string, insecure []string) (string, error) {
	host, _, err := net.SplitHostPort(endpoint)
	if err != nil {
		host = endpoint
	}
	if host == "localhost" {
		return "http", nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return "http", nil
	}
	for _, name := range insecure {
		if name == endpoint || name == host {
			return "http", nil
		}
	}
	return "https", nil
}

// get sends GET path with the login's credentials, and retries what may
// succeed on a second try: a connection that failed, and a 5xx answer.
// Three tries, a second then two between them.
func (r *registry) get(path, accept string) (*http.Response, error) {
	var last error
	for try, wait := 1, time.Second; try <= 3; try, wait = try+1, wait*2 {
		if try > 1 {
			explain("retry %d of GET %s in %v: %v", try, path, wait, last)
			time.Sleep(wait)
		}
		req, err := http.NewRequest(http.MethodGet, r.base+path, nil)
		if err != nil {
			return nil, err
		}
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		r.auth.authorize(req)
		explain("GET %s%s", r.base, path)
		resp, err := r.client.Do(req)
		if err != nil {
			last = err
			continue
		}
		if resp.StatusCode >= 500 {
			last = fmt.Errorf("%s", resp.Status)
			resp.Body.Close()
			continue
		}
		if resp.StatusCode != http.StatusOK {
			defer resp.Body.Close()
			return nil, r.statusError(path, resp)
		}
		return resp, nil
	}
	return nil, fmt.Errorf("registry %s: GET %s: %w (after 3 tries)", r.host, path, last)
}

// statusError says what an answer other than 200 means, with the
// registry's own error code when it sent one (spec.md, "Error Codes").
func (r *registry) statusError(path string, resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	code := ""
	if i := strings.Index(string(body), `"code":"`); i >= 0 {
		code, _, _ = strings.Cut(string(body[i+8:]), `"`)
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return fmt.Errorf("registry %s: not authorised to read %s (%s); check the credentials in $DOCKER_CONFIG/config.json", r.host, r.repo, resp.Status)
	case resp.StatusCode == http.StatusNotFound || code == "NAME_UNKNOWN" || code == "MANIFEST_UNKNOWN":
		return fmt.Errorf("registry %s: %s not found (%s)", r.host, strings.TrimPrefix(path, "/v2/"), strings.TrimSpace(code+" "+resp.Status))
	}
	return fmt.Errorf("registry %s: GET %s: %s %s", r.host, path, resp.Status, code)
}

// fetch reads what desc names: an index or manifest from manifests/, a
// config or layer from blobs/. The caller checks the bytes.
func (r *registry) fetch(desc v1.Descriptor) (io.ReadCloser, error) {
	if err := desc.Digest.Validate(); err != nil {
		return nil, fmt.Errorf("digest %q: %w", desc.Digest, err)
	}
	kind, accepting := "blobs", ""
	switch desc.MediaType {
	case v1.MediaTypeImageIndex, v1.MediaTypeImageManifest, dockerManifestList, dockerManifest:
		kind, accepting = "manifests", desc.MediaType
	}
	resp, err := r.get(fmt.Sprintf("/v2/%s/%s/%s", r.repo, kind, desc.Digest), accepting)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// resolve asks for the manifest of tag (or digest) and returns a
// descriptor of it: its media type from Content-Type, its digest computed
// from the bytes (a tag's target is what the bytes are, whatever the
// Docker-Content-Digest header says), and its size.
func (r *registry) resolve(tagOrDigest string) (v1.Descriptor, []byte, error) {
	resp, err := r.get(fmt.Sprintf("/v2/%s/manifests/%s", r.repo, tagOrDigest), accept)
	if err != nil {
		return v1.Descriptor{}, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxDocument+1))
	if err != nil {
		return v1.Descriptor{}, nil, fmt.Errorf("registry %s: reading the manifest of %s: %w", r.host, tagOrDigest, err)
	}
	if len(data) > maxDocument {
		return v1.Descriptor{}, nil, fmt.Errorf("registry %s: the manifest of %s is larger than %d bytes", r.host, tagOrDigest, maxDocument)
	}
	mediaType, _, _ := strings.Cut(resp.Header.Get("Content-Type"), ";")
	switch mediaType {
	case v1.MediaTypeImageIndex, v1.MediaTypeImageManifest, dockerManifestList, dockerManifest:
	case "application/vnd.docker.distribution.manifest.v1+json", "application/vnd.docker.distribution.manifest.v1+prettyjws":
		return v1.Descriptor{}, nil, errors.New("the registry offers only a schema 1 manifest, which Docker retired in 2019 and nothing here reads; push the image again with a current tool")
	default:
		return v1.Descriptor{}, nil, fmt.Errorf("registry %s: the manifest of %s has media type %q, not one this runtime reads", r.host, tagOrDigest, mediaType)
	}
	desc := v1.Descriptor{MediaType: mediaType, Digest: digest.FromBytes(data), Size: int64(len(data))}
	return desc, data, nil
}
