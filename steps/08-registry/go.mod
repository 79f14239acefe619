module workshop/steps/08-registry

go 1.22

require golang.org/x/sys v0.30.0

require (
	github.com/cyphar/filepath-securejoin v0.7.0
	github.com/vishvananda/netlink v1.3.1
	github.com/vishvananda/netns v0.0.5
)

require (
	github.com/distribution/reference v0.6.0
	github.com/klauspost/compress v1.18.0
	github.com/opencontainers/go-digest v1.0.0
	github.com/opencontainers/image-spec v1.1.1
)
