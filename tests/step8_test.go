package tests

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Step 8: images pulled from a registry.

// pushed pushes a fresh image to reg and returns it with its reference
// there; the test removes it from the store when it ends.
func pushed(t *testing.T, reg *testRegistry, host string) (testImage, string) {
	t.Helper()
	img := baseImage(t)
	repo := strings.TrimPrefix(strings.Split(img.name, ":")[0], "localhost/")
	reg.push(t, img, repo, "v1")
	ref := host + "/" + repo + ":v1"
	t.Cleanup(func() { run(t, "rmi", ref) })
	return img, ref
}

// assertRuns runs ref's image and checks it is img.
func assertRuns(t *testing.T, img testImage, ref string) {
	t.Helper()
	r := run(t, "run", "--net", "none", "--pull", "never", ref, "cat", "/image-mark")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, strings.TrimSuffix(img.name, ":v1")+"\n", r.stdout)
}

var _ = prop(8, "an image pulled by tag and by digest from a registry runs", func(t *testing.T) {
	reg := startRegistry(t, registryOpts{})
	img, ref := pushed(t, reg, reg.host)
	r := run(t, "pull", ref)
	require.Equal(t, 0, r.status, r.stderr)
	assert.Contains(t, r.stdout, "Pulled image: "+ref)
	assertRuns(t, img, ref)

	_, manifest := img.blobs(t)
	byDigest := strings.TrimSuffix(ref, ":v1") + "@" + manifest.Digest.String()
	t.Cleanup(func() { run(t, "rmi", byDigest) })
	r = run(t, "pull", byDigest)
	require.Equal(t, 0, r.status, r.stderr)
	assertRuns(t, img, byDigest)
})

var _ = prop(8, "a pull gets a token from the registry's token service, anonymous or with the credentials of DOCKER_CONFIG", func(t *testing.T) {
	reg := startRegistry(t, registryOpts{token: true})
	img, ref := pushed(t, reg, reg.host)
	r := run(t, "pull", ref)
	require.Equal(t, 0, r.status, "anonymous: %s", r.stderr)
	assertRuns(t, img, ref)
	require.Equal(t, 0, run(t, "rmi", ref).status)

	reg.token.user, reg.token.password = "puller", "secret"
	r = runWith(t, runOpts{env: []string{"DOCKER_CONFIG=" + dockerConfig(t, reg.host, "puller", "secret")}}, "pull", ref)
	require.Equal(t, 0, r.status, "with credentials: %s", r.stderr)
	assertRuns(t, img, ref)
})

var _ = prop(8, "run pulls a missing image, and a second pull fetches no blob", func(t *testing.T) {
	reg := startRegistry(t, registryOpts{})
	proxy := startProxy(t, reg.host)
	img, ref := pushed(t, reg, proxy.host)
	r := run(t, "run", "--net", "none", ref, "cat", "/image-mark")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, strings.TrimSuffix(img.name, ":v1")+"\n", r.stdout)
	fetched := proxy.blobs.Load()
	assert.Equal(t, int64(1+len(img.layers)), fetched, "the config and each layer, once")
	r = run(t, "pull", ref)
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, fetched, proxy.blobs.Load(), "a second pull fetches no blob")
})

var _ = prop(8, "a blob the registry sends with other bytes than its digest names is refused, and nothing enters the store", func(t *testing.T) {
	reg := startRegistry(t, registryOpts{})
	proxy := startProxy(t, reg.host)
	_, ref := pushed(t, reg, proxy.host)
	proxy.corrupt.Store(true)
	before := storeContents(t)
	r := run(t, "pull", ref)
	assert.NotZero(t, r.status)
	assertOneLine(t, r.stderr)
	assert.Contains(t, r.stderr, "corrupt")
	assert.ElementsMatch(t, before, storeContents(t), "the image store changed")
})

var _ = prop(8, "a pull cut off in the middle of a blob fails with one line and leaves nothing; the next one completes", func(t *testing.T) {
	reg := startRegistry(t, registryOpts{})
	proxy := startProxy(t, reg.host)
	img, ref := pushed(t, reg, proxy.host)
	proxy.cut.Store(true)
	before := storeContents(t)
	r := run(t, "pull", ref)
	assert.NotZero(t, r.status)
	assertOneLine(t, r.stderr)
	assert.ElementsMatch(t, before, storeContents(t), "the image store changed")
	proxy.cut.Store(false)
	r = run(t, "pull", ref)
	require.Equal(t, 0, r.status, r.stderr)
	assertRuns(t, img, ref)
})

var _ = prop(8, "bad pulls are one line on stderr, and leave nothing behind", func(t *testing.T) {
	reg := startRegistry(t, registryOpts{})
	tokens := startRegistry(t, registryOpts{token: true})
	_, ref := pushed(t, reg, reg.host)
	_, tokenRef := pushed(t, tokens, tokens.host)
	tokens.token.user, tokens.token.password = "puller", "secret"
	wrong := dockerConfig(t, tokens.host, "puller", "wrong")
	repo := strings.TrimSuffix(ref, ":v1")
	cases := []struct {
		name     string
		env      []string
		mentions []string
		args     []string
	}{
		{"an unknown tag", nil, []string{"not found"}, []string{"pull", repo + ":nope"}},
		{"an unknown repository", nil, []string{"not found"}, []string{"pull", reg.host + "/no/such/repo:v1"}},
		{"an unreachable registry", nil, []string{"connection refused"}, []string{"pull", "127.0.0.1:" + itoa(freePort(t)) + "/x:v1"}},
		{"a bad reference", nil, []string{"reference"}, []string{"pull", reg.host + "/UPPER:v1"}},
		{"wrong credentials", []string{"DOCKER_CONFIG=" + wrong}, []string{"credentials"}, []string{"pull", tokenRef}},
		{"--pull never and an image not in the store", nil, []string{"--pull never"}, []string{"run", "--pull", "never", ref, "true"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storeBefore := storeContents(t)
			before := snapshotHost(t)
			r := runWith(t, runOpts{env: c.env}, c.args...)
			assert.NotZero(t, r.status, "exit status of %q", c.args)
			assertOneLine(t, r.stderr)
			for _, m := range c.mentions {
				assert.Contains(t, r.stderr, m)
			}
			assertNothingLeftBehind(t, before)
			assert.ElementsMatch(t, storeBefore, storeContents(t), "the image store changed")
		})
	}
})
