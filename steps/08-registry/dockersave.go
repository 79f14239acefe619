package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/opencontainers/go-digest"
	"github.com/opencontainers/image-spec/specs-go"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
)

// loadDockerArchive loads what docker save wrote: its manifest.json names
// files, not digests, so the manifest is ours to write, from the digests
// of what the files hold.
func (s *store) loadDockerArchive(in *input) ([]loaded, error) {
	data, err := in.readAll("manifest.json")
	if err != nil {
		return nil, err
	}
	var entries []struct {
		Config   string
		RepoTags []string
		Layers   []string
	}
	if err := json.Unmarshal(data, &entries); err != nil {
		return nil, fmt.Errorf("manifest.json: %w", err)
	}
	var images []loaded
	for _, e := range entries {
		configData, err := in.readAll(e.Config)
		if err != nil {
			return nil, err
		}
		var config v1.Image
		if err := json.Unmarshal(configData, &config); err != nil {
			return nil, fmt.Errorf("config %s: %w", e.Config, err)
		}
		if len(config.RootFS.DiffIDs) != len(e.Layers) {
			return nil, fmt.Errorf("manifest.json: %d layers, where config %s lists %d", len(e.Layers), e.Config, len(config.RootFS.DiffIDs))
		}
		manifest := v1.Manifest{
			Versioned: specs.Versioned{SchemaVersion: 2},
			MediaType: v1.MediaTypeImageManifest,
			Config:    v1.Descriptor{MediaType: v1.MediaTypeImageConfig, Digest: digest.FromBytes(configData), Size: int64(len(configData))},
		}
		if err := s.putBlob(manifest.Config.Digest, configData); err != nil {
			return nil, err
		}
		for i, name := range e.Layers {
			open := func() (io.ReadCloser, error) { return in.open(name) }
			d, size, err := s.addLayer(open, name, "", -1, config.RootFS.DiffIDs[i])
			if err != nil {
				return nil, err
			}
			manifest.Layers = append(manifest.Layers, v1.Descriptor{MediaType: v1.MediaTypeImageLayer, Digest: d, Size: size})
		}
		manifestData, err := json.Marshal(manifest)
		if err != nil {
			return nil, err
		}
		img := loaded{manifest: digest.FromBytes(manifestData)}
		if err := s.putBlob(img.manifest, manifestData); err != nil {
			return nil, err
		}
		for _, tag := range e.RepoTags {
			ref, err := parseReference(tag)
			if err != nil {
				return nil, err
			}
			img.names = append(img.names, ref.String())
		}
		images = append(images, img)
	}
	if len(images) == 0 {
		return nil, errors.New("manifest.json lists no image")
	}
	return images, nil
}
