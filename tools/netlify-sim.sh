#!/bin/sh
# Simulates a Netlify build of the shop on this machine, as netlify.toml and the
# shop-cache plugin (netlify/plugins/shop-cache) do it: a fresh clone, the caches
# restored from CACHE (Go build cache, resources/_gen), the build command (compile
# the shop binary, build the site), the caches saved back. Run it twice to see the
# first and the second build; SIM_EDIT=1 changes one product's title first.
#
#   tools/netlify-sim.sh REPO CACHE [SHOP]
#
# REPO   the repository to clone (a path or URL; its committed HEAD is built)
# CACHE  a folder standing in for Netlify's build cache (created if missing)
# SHOP   optional: a generated shop (tools/genshop) whose hugo.toml, content/ and
#        data/ replace the demo's in the clone, as in a bookshop's own repository
#
# Go modules come from the machine's module cache (GOMODCACHE is not isolated:
# downloading them is not what is measured here).
set -eu
repo=$1
cache=$(mkdir -p "$2" && cd "$2" && pwd)
shop=${3:-}
work=$(mktemp -d /tmp/netlify-sim.XXXXXX)
now() { date +%s.%N; }
took() { echo "$1 $2" | awk '{printf "%.1f s", $2 - $1}'; }

t0=$(now)
git clone -q "$repo" "$work/repo"
cd "$work/repo"
if [ -n "$shop" ]; then
	rm -rf content data
	cp -r "$shop/content" "$shop/data" .
	grep -v '^themesDir = ' "$shop/hugo.toml" > hugo.toml
fi
if [ "${SIM_EDIT:-}" = 1 ]; then
	f=$(ls -d content/products/*/ | head -1)index.md
	sed -i '0,/^title: /s/^title: "\(.*\)"$/title: "\1 (bewerkt)"/' "$f"
	echo "edited $f: $(grep -m1 '^title:' "$f")"
fi
t1=$(now)
# onPreBuild: restore
mkdir -p "$cache/go-build"
if [ -d "$cache/resources_gen" ]; then
	mkdir -p resources
	cp -a "$cache/resources_gen" resources/_gen
fi
t2=$(now)
# the build command of netlify.toml
GOCACHE="$cache/go-build" go build -trimpath -o "$work/shop" ./cmd/shop
t3=$(now)
"$work/shop" build --baseURL "https://shop.netlify.example/"
t4=$(now)
# onPostBuild: save
rm -rf "$cache/resources_gen"
cp -a resources/_gen "$cache/resources_gen"
t5=$(now)
echo "clone $(took "$t0" "$t1") · restore $(took "$t1" "$t2") · go build $(took "$t2" "$t3") · shop build $(took "$t3" "$t4") · save $(took "$t4" "$t5") · total $(took "$t0" "$t5")"
rm -rf "$work"
