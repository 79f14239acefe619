# Exercise 3: the busybox OCI archive rewritten as a classic docker save tar
# (manifest.json, HEX.json, DIR/layer.tar) loads and runs. Its image digest
# differs from the OCI archive's: the runtime writes the manifest itself,
# and it records the uncompressed tars (digest = diff ID), where the OCI
# manifest records the gzip'd blobs. The config, and the layer, are shared.
. solutions/07-images/store.sh
image busybox:latest "$work/busybox.tar" "$busybox" # what make image writes
mkdir "$work/oci" "$work/save"
tar -xf "$work/busybox.tar" -C "$work/oci"
(
	cd "$work/oci"
	m=$(jq -r '.manifests[0].digest' index.json)
	c=$(jq -r .config.digest "blobs/sha256/${m#sha256:}")
	cp "blobs/sha256/${c#sha256:}" "../save/${c#sha256:}.json"
	layers=()
	for l in $(jq -r '.layers[].digest' "blobs/sha256/${m#sha256:}"); do
		dir=$(gunzip -c "blobs/sha256/${l#sha256:}" | sha256sum | cut -d' ' -f1)
		mkdir "../save/$dir"
		gunzip -c "blobs/sha256/${l#sha256:}" > "../save/$dir/layer.tar"
		layers+=("$dir/layer.tar")
	done
	jq -n --arg config "${c#sha256:}.json" '[{Config: $config, RepoTags: ["busybox:saved"], Layers: $ARGS.positional}]' \
		--args "${layers[@]}" > ../save/manifest.json
)
tar -C "$work/save" -cf "$work/saved.tar" .
tar -tvf "$work/saved.tar"

# The docker save tar first, into the empty store: its layer is unpacked
# and checked against the config's diff ID. The OCI archive finds it there.
"$BIN" load "$work/saved.tar"
"$BIN" load "$work/busybox.tar"
[ "$(ls "$store/layers" | wc -l)" = 1 ] || fail "the two images do not share their layer"
got=$("$BIN" run --net none busybox:saved cat /etc/os-release)
[ "$got" = "$(cat "$busybox/etc/os-release")" ] || fail "busybox:saved runs other files: $got"

list=$("$BIN" images)
echo "$list"
saved=$(manifest docker.io/library/busybox:saved)
oci=$(manifest docker.io/library/busybox:latest)
[ "$saved" != "$oci" ] || fail "the two manifests have one digest"
echo "$list" | grep -q "^busybox *saved *${saved:0:19} " || fail "images does not show busybox:saved's manifest digest"
echo "$list" | grep -q "^busybox *latest *${oci:0:19} " || fail "images does not show busybox:latest's manifest digest"

jq -c . "$(blob "$saved")"
[ "$(jq -r .config.digest "$(blob "$saved")")" = "$(jq -r .config.digest "$(blob "$oci")")" ] ||
	fail "the configs differ"
c=$(jq -r .config.digest "$(blob "$oci")")
diff_ids=$(jq -r '.rootfs.diff_ids[]' "$(blob "$c")")
[ "$(jq -r '.layers[].digest' "$(blob "$saved")")" = "$diff_ids" ] ||
	fail "the docker save manifest does not record the uncompressed tars"
[ "$(jq -r '.layers[].mediaType' "$(blob "$saved")")" = application/vnd.oci.image.layer.v1.tar ] ||
	fail "the docker save manifest's layer is not a plain tar"
[ "$(jq -r '.layers[].digest' "$(blob "$oci")")" != "$diff_ids" ] ||
	fail "the OCI manifest records the tars, not the gzip'd blobs"
