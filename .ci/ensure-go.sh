#!/bin/bash
# ensure-go.sh: make sure Go >= 1.22 is installed, for "make deps".
# Ubuntu 24.04 (the workshop VM) ships 1.22 as golang-go; older distributions
# get the official release in /usr/local/go (needs internet).
set -euo pipefail
want_minor=22
version=1.22.12

have_minor() {
	local v
	v=$(PATH=/usr/local/go/bin:$PATH go env GOVERSION 2>/dev/null) || return 1
	v=${v#go1.}
	[ "${v%%.*}" -ge "$want_minor" ]
}

have_minor && exit 0
if apt-cache policy golang-go 2>/dev/null | grep -q 'Candidate: 2:1\.\(2[2-9]\|[3-9]\)'; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go >/dev/null
	have_minor && exit 0
fi
arch=$(dpkg --print-architecture)
echo "installing Go $version for $arch in /usr/local/go"
curl -fsSL "https://go.dev/dl/go$version.linux-$arch.tar.gz" | tar -C /usr/local -xz
ln -sf /usr/local/go/bin/go /usr/local/bin/go
have_minor
