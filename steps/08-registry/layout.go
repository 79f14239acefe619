package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"

	v1 "github.com/opencontainers/image-spec/specs-go/v1"
)

// loadLayout loads the images an OCI layout's index.json lists.
func (s *store) loadLayout(in *input, repository string) ([]loaded, error) {
	var layout v1.ImageLayout
	if data, err := in.readAll("oci-layout"); err != nil {
		return nil, err
	} else if err := json.Unmarshal(data, &layout); err != nil || layout.Version != v1.ImageLayoutVersion {
		return nil, fmt.Errorf("oci-layout: want imageLayoutVersion %q", v1.ImageLayoutVersion)
	}
	data, err := in.readAll("index.json")
	if err != nil {
		return nil, err
	}
	var index v1.Index
	if err := json.Unmarshal(data, &index); err != nil {
		return nil, fmt.Errorf("index.json: %w", err)
	}
	var images []loaded
	for _, desc := range index.Manifests {
		manifest, err := s.pickManifest(in, desc, 0)
		if err != nil {
			return nil, err
		}
		if err := s.loadManifest(in, manifest); err != nil {
			return nil, err
		}
		name, err := layoutName(desc.Annotations, repository)
		if err != nil {
			return nil, err
		}
		img := loaded{manifest: manifest.Digest}
		if name != "" {
			img.names = []string{name}
		}
		images = append(images, img)
	}
	if len(images) == 0 {
		return nil, errors.New("index.json lists no image")
	}
	return images, nil
}

// layoutName is the name the layout gives an image: containerd writes a
// whole reference, skopeo and others only a tag.
func layoutName(annotations map[string]string, repository string) (string, error) {
	name := annotations["io.containerd.image.name"]
	if name == "" {
		name = annotations[v1.AnnotationRefName]
		if name != "" && !strings.ContainsAny(name, ":/@") {
			name = repository + ":" + name
		}
	}
	if name == "" {
		return "", nil
	}
	ref, err := parseReference(name)
	if err != nil {
		return "", err
	}
	return ref.String(), nil
}

// pickManifest follows desc to a manifest: an index (a multi-platform
// image) names one manifest per platform, and this host runs one of them.
func (s *store) pickManifest(src source, desc v1.Descriptor, depth int) (v1.Descriptor, error) {
	switch desc.MediaType {
	case v1.MediaTypeImageManifest, dockerManifest:
		return desc, nil
	case v1.MediaTypeImageIndex, dockerManifestList:
	default:
		return desc, fmt.Errorf("blob %s: media type %q is not an image manifest or index", desc.Digest, desc.MediaType)
	}
	if depth > 4 {
		return desc, errors.New("indexes nested more than 4 deep")
	}
	data, err := s.readDocument(src, desc)
	if err != nil {
		return desc, err
	}
	var index v1.Index
	if err := json.Unmarshal(data, &index); err != nil {
		return desc, fmt.Errorf("index %s: %w", desc.Digest, err)
	}
	if hasField(data, "layers") || hasField(data, "config") {
		return desc, fmt.Errorf("index %s: it has the fields of a manifest too", desc.Digest)
	}
	// The host's platform; one that names none is taken if nothing does
	// (as containerd does), and an attestation or signature never is.
	var platforms []string
	var unnamed *v1.Descriptor
	for i, m := range index.Manifests {
		if m.Platform == nil {
			if unnamed == nil && (m.MediaType == v1.MediaTypeImageManifest || m.MediaType == dockerManifest) {
				unnamed = &index.Manifests[i]
			}
			continue
		}
		if m.Platform.OS == "linux" && m.Platform.Architecture == runtime.GOARCH && (runtime.GOARCH != "arm64" || m.Platform.Variant == "" || m.Platform.Variant == "v8") {
			return s.pickManifest(src, m, depth+1)
		}
		platforms = append(platforms, strings.TrimSuffix(m.Platform.OS+"/"+m.Platform.Architecture+"/"+m.Platform.Variant, "/"))
	}
	if unnamed != nil {
		return s.pickManifest(src, *unnamed, depth+1)
	}
	if len(platforms) == 0 {
		return desc, fmt.Errorf("index %s lists no image", desc.Digest)
	}
	return desc, fmt.Errorf("index %s has no image for linux/%s, only for %s", desc.Digest, runtime.GOARCH, strings.Join(platforms, ", "))
}

// loadManifest stores a manifest, its config, and its layers, unpacked.
func (s *store) loadManifest(src source, desc v1.Descriptor) error {
	data, err := s.readDocument(src, desc)
	if err != nil {
		return err
	}
	var manifest v1.Manifest
	if err := json.Unmarshal(data, &manifest); err != nil {
		return fmt.Errorf("manifest %s: %w", desc.Digest, err)
	}
	// A document that reads as a manifest and as an index could be taken
	// for either by two tools (CVE-2021-41190): refuse it.
	if hasField(data, "manifests") || (manifest.MediaType != "" && manifest.MediaType != desc.MediaType) {
		return fmt.Errorf("manifest %s: its mediaType %q or its fields say it is no image manifest", desc.Digest, manifest.MediaType)
	}
	switch manifest.Config.MediaType {
	case v1.MediaTypeImageConfig, "application/vnd.docker.container.image.v1+json":
	default:
		return fmt.Errorf("manifest %s: its config is a %q, not an image's: it is an artifact, not an image", desc.Digest, manifest.Config.MediaType)
	}
	configData, err := s.readDocument(src, manifest.Config)
	if err != nil {
		return err
	}
	var config v1.Image
	if err := json.Unmarshal(configData, &config); err != nil {
		return fmt.Errorf("config %s: %w", manifest.Config.Digest, err)
	}
	if len(config.RootFS.DiffIDs) != len(manifest.Layers) {
		return fmt.Errorf("manifest %s: %d layers, where its config lists %d", desc.Digest, len(manifest.Layers), len(config.RootFS.DiffIDs))
	}
	for i, layer := range manifest.Layers {
		open := func() (io.ReadCloser, error) { return src.fetch(layer) }
		if _, _, err := s.addLayer(open, layer.Digest.String(), layer.Digest, layer.Size, config.RootFS.DiffIDs[i]); err != nil {
			return err
		}
	}
	return nil
}

// hasField tells whether the JSON object data has the field name.
func hasField(data []byte, name string) bool {
	var fields map[string]json.RawMessage
	if json.Unmarshal(data, &fields) != nil {
		return false
	}
	_, ok := fields[name]
	return ok
}
