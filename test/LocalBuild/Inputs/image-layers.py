"""Prints each layer of an OCI image layout (its history comment) and the
dist-info folders it holds."""
import gzip
import io
import json
import os
import sys
import tarfile

layout = sys.argv[1]


def blob(digest):
    return os.path.join(layout, "blobs", *digest.split(":"))


with open(os.path.join(layout, "index.json")) as f:
    index = json.load(f)
with open(blob(index["manifests"][0]["digest"])) as f:
    manifest = json.load(f)
with open(blob(manifest["config"]["digest"])) as f:
    config = json.load(f)
comments = [h.get("comment", "") for h in config["history"]
            if not h.get("empty_layer")]
for comment, layer in zip(comments, manifest["layers"]):
    with open(blob(layer["digest"]), "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    with tarfile.open(fileobj=io.BytesIO(data)) as t:
        dists = sorted({n.split("/")[2] for n in t.getnames()
                        if n.count("/") >= 3 and
                        n.split("/")[2].endswith(".dist-info")})
    print("%s: %s" % (comment, " ".join(dists)))
