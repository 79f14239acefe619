package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// A registry says how to log in when /v2/ answers 401, in its
// WWW-Authenticate header (distribution's token.md, RFC 7235):
//
//	Basic realm="Registry"                 send user and password with every request
//	Bearer realm="https://auth.example/token",service="registry.example"
//	                                       get a token from realm, for a scope, and send it
//
// A token is asked for the one repository and action a pull needs,
// scope=repository:NAME:pull; anonymous where no credentials are known, so
// public images need none.

// auth is how requests to one registry authenticate.
type auth struct {
	bearer         string // a token from the registry's token service
	user, password string // for Basic, and to get a token where the service wants them
	basic          bool
}

func (a *auth) authorize(req *http.Request) {
	switch {
	case a.bearer != "":
		req.Header.Set("Authorization", "Bearer "+a.bearer)
	case a.basic:
		req.SetBasicAuth(a.user, a.password)
	}
}

// login pings /v2/ and does what its answer asks.
func (r *registry) login() error {
	r.auth.user, r.auth.password = credentials(r.host)
	req, err := http.NewRequest(http.MethodGet, r.base+"/v2/", nil)
	if err != nil {
		return err
	}
	explain("GET %s/v2/", r.base)
	resp, err := r.client.Do(req)
	if err != nil {
		return fmt.Errorf("registry %s: %w", r.host, unwrapURLError(err))
	}
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		return nil // an open registry
	case http.StatusUnauthorized:
	default:
		return fmt.Errorf("registry %s: GET /v2/: %s; is it a registry?", r.host, resp.Status)
	}
	challenge := resp.Header.Get("WWW-Authenticate")
	scheme, params := parseChallenge(challenge)
	explain("401, WWW-Authenticate: %s", challenge)
	switch strings.ToLower(scheme) {
	case "basic":
		if r.auth.user == "" {
			return fmt.Errorf("registry %s asks for a user and password; add them to $DOCKER_CONFIG/config.json (docker login writes it)", r.host)
		}
		r.auth.basic = true
		return nil
	case "bearer":
		return r.getToken(params)
	}
	return fmt.Errorf("registry %s: cannot log in with %q", r.host, challenge)
}

// getToken asks the token service the challenge names for a pull token.
func (r *registry) getToken(params map[string]string) error {
	realm, err := url.Parse(params["realm"])
	if err != nil || (realm.Scheme != "https" && realm.Scheme != "http") {
		return fmt.Errorf("registry %s: its token service %q is no URL", r.host, params["realm"])
	}
	q := realm.Query()
	if params["service"] != "" {
		q.Set("service", params["service"])
	}
	q.Set("scope", "repository:"+r.repo+":pull")
	realm.RawQuery = q.Encode()
	req, err := http.NewRequest(http.MethodGet, realm.String(), nil)
	if err != nil {
		return err
	}
	if r.auth.user != "" {
		req.SetBasicAuth(r.auth.user, r.auth.password)
	}
	explain("GET %s (%s)", realm, map[bool]string{true: "as " + r.auth.user, false: "anonymous"}[r.auth.user != ""])
	resp, err := r.client.Do(req)
	if err != nil {
		return fmt.Errorf("registry %s: token service: %w", r.host, unwrapURLError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("registry %s: its token service refused a pull token for %s: %s; check the credentials in $DOCKER_CONFIG/config.json", r.host, r.repo, resp.Status)
	}
	var answer struct {
		Token       string `json:"token"`
		AccessToken string `json:"access_token"` // the OAuth 2 name; some services send only this
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&answer); err != nil {
		return fmt.Errorf("registry %s: token service: %w", r.host, err)
	}
	r.auth.bearer = answer.Token
	if r.auth.bearer == "" {
		r.auth.bearer = answer.AccessToken
	}
	if r.auth.bearer == "" {
		return fmt.Errorf("registry %s: its token service sent no token", r.host)
	}
	return nil
}

// parseChallenge splits `Bearer realm="x",service="y"` into the scheme and
// its parameters. Values are quoted strings, which may hold commas (a scope
// of "repository:a:pull,push") and backslash escapes.
func parseChallenge(header string) (string, map[string]string) {
	scheme, rest, _ := strings.Cut(strings.TrimSpace(header), " ")
	params := map[string]string{}
	for rest = strings.TrimSpace(rest); rest != ""; {
		key, after, ok := strings.Cut(rest, "=")
		if !ok {
			break
		}
		key = strings.ToLower(strings.TrimSpace(key))
		var value strings.Builder
		if strings.HasPrefix(after, `"`) {
			i := 1
			for ; i < len(after) && after[i] != '"'; i++ {
				if after[i] == '\\' && i+1 < len(after) {
					i++
				}
				value.WriteByte(after[i])
			}
			after = after[min(i+1, len(after)):]
		} else {
			v, tail, _ := strings.Cut(after, ",")
			value.WriteString(strings.TrimSpace(v))
			after = "," + tail
		}
		params[key] = value.String()
		_, rest, _ = strings.Cut(after, ",")
		rest = strings.TrimSpace(rest)
	}
	return scheme, params
}

// credentials are the user and password that docker login saved for host
// in $DOCKER_CONFIG/config.json (~/.docker/config.json): "auths", each an
// "auth" of base64("user:password"). Credential helpers (credsStore,
// credHelpers) are left out: they run programs of their own.
func credentials(host string) (user, password string) {
	dir := os.Getenv("DOCKER_CONFIG")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".docker")
	}
	data, err := readFileMax(filepath.Join(dir, "config.json"), maxDocument)
	if err != nil {
		return "", ""
	}
	var config struct {
		Auths map[string]struct {
			Auth string `json:"auth"`
		} `json:"auths"`
	}
	if json.Unmarshal(data, &config) != nil {
		return "", ""
	}
	keys := []string{host, "https://" + host, "http://" + host}
	if host == "docker.io" {
		keys = append(keys, "https://index.docker.io/v1/", "index.docker.io")
	}
	for _, key := range keys {
		if entry, ok := config.Auths[key]; ok {
			decoded, err := base64.StdEncoding.DecodeString(entry.Auth)
			if user, password, ok := strings.Cut(string(decoded), ":"); err == nil && ok {
				return user, password
			}
		}
	}
	return "", ""
}

// unwrapURLError keeps what went wrong from net/http's "Get URL: ..." wrapper.
func unwrapURLError(err error) error {
	var u *url.Error
	if errors.As(err, &u) {
		return u.Err
	}
	return err
}
