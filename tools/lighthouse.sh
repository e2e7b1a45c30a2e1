#!/bin/sh
# Measures the demo shop with Lighthouse (mobile, the default) as a visitor
# gets it from Netlify: builds the shop, starts the checkout sidecar and
# tools/lhserve (gzip, netlify.toml's headers and 404 rules, the sidecar's
# paths proxied as public/_redirects says) on loopback, runs Lighthouse on
# each page and prints a table of the four category scores
# (docs/theme.md, "Lighthouse"). Needs Node/npx (Lighthouse comes from npm)
# and Chromium; not part of `go test ./...`.
#
#   tools/lighthouse.sh [PAGE...]
#
# PAGE   paths to measure (default: home, a category, a product, the search
#        page and the English product page)
# Environment:
#   LH_VERSION  the npm version of lighthouse (default 12)
#   LH_PORT     port of the measured address on 127.0.0.1 (default 8931; the
#               sidecar gets LH_PORT+1)
#   LH_OUT      folder for the JSON reports (default: a temporary folder, kept)
#   CHROME_PATH Chromium (default /usr/bin/chromium)
#   LH_RUNS     runs per page; the table shows the median performance run (default 1)
set -eu
cd "$(dirname "$0")/.."
version=${LH_VERSION:-12}
port=${LH_PORT:-8931}
sport=$((port + 1))
runs=${LH_RUNS:-1}
out=${LH_OUT:-$(mktemp -d /tmp/lighthouse.XXXXXX)}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
if [ $# -eq 0 ]; then
	set -- / /categories/koffie/ /producten/ethiopie-guji/ /search/ /en/products/ethiopie-guji/
fi
work=$(mktemp -d /tmp/lighthouse-site.XXXXXX)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
mkdir -p "$out"

go build -o "$work/shop" ./cmd/shop
go build -o "$work/lhserve" ./tools/lhserve
base="http://127.0.0.1:$port/"
"$work/shop" build -d "$work/public" --baseURL "$base" --sidecar "http://127.0.0.1:$sport" >"$work/build.log" 2>&1 ||
	{ cat "$work/build.log"; exit 1; }

mkdir -p "$work/data"
SHOP_LISTEN="127.0.0.1:$sport" SHOP_CATALOG="$work/public/catalog.json" SHOP_DATA="$work/data/shop.db" \
	SHOP_BASE_URL="$base" SHOP_ADMIN_TOKEN=0123456789abcdef0123456789abcdef-lh \
	SHOP_OUTBOX="$work/data/outbox" SHOP_PUBLIC="$work/public" \
	"$work/shop" checkout >"$work/sidecar.log" 2>&1 &
pids="$pids $!"
"$work/lhserve" -public "$work/public" -toml netlify.toml -listen "127.0.0.1:$port" >"$work/lhserve.log" 2>&1 &
pids="$pids $!"
for i in $(seq 50); do
	if curl -fsS -o /dev/null "${base}search/" 2>/dev/null; then break; fi
	if [ "$i" = 50 ]; then
		echo "the sidecar or lhserve did not come up:" >&2
		cat "$work/sidecar.log" "$work/lhserve.log" >&2
		exit 1
	fi
	sleep 0.2
done

# Lighthouse version as npx resolves it, for the record.
lhv=$(npx -y "lighthouse@$version" --version)
echo "Lighthouse $lhv, mobile, $base via tools/lhserve (gzip, netlify.toml headers); reports in $out"
echo
echo "| page | performance | accessibility | best practices | SEO |"
echo "|---|---|---|---|---|"
for page in "$@"; do
	name=$(echo "$page" | tr '/?=&' '____')
	for r in $(seq "$runs"); do
		f="$out/lh$name-$r.json"
		npx -y "lighthouse@$version" "${base%/}$page" --quiet \
			--chrome-flags="--headless=new --no-sandbox" \
			--only-categories=performance,accessibility,best-practices,seo \
			--output=json --output-path="$f" >/dev/null 2>"$out/lh$name-$r.log" ||
			{ echo "lighthouse failed on $page:" >&2; tail -5 "$out/lh$name-$r.log" >&2; }
	done
	# The median run by performance (the others are kept in $out).
	f=$(for r in $(seq "$runs"); do
		jq -r --arg f "$out/lh$name-$r.json" '"\(.categories.performance.score) \($f)"' "$out/lh$name-$r.json" 2>/dev/null
	done | sort -n | awk '{a[NR]=$2} END {print a[int((NR+1)/2)]}')
	[ -n "$f" ] || { echo "| \`$page\` | failed | | | |"; continue; }
	jq -r --arg p "$page" '"| `\($p)` | " + ([.categories["performance","accessibility","best-practices","seo"].score | if . == null then "failed" else . * 100 | round | tostring end] | join(" | ")) + " |"' "$f" ||
		echo "| \`$page\` | failed | | | |"
done
echo
# The audits that failed (score below 0.9) on each page, for fixing.
for f in "$out"/lh*-1.json; do
	[ -f "$f" ] || continue
	jq -r '.runtimeError.message // empty | "\(input_filename): \(.)"' "$f"
	jq -r '.finalDisplayedUrl as $u | [.audits[] | select(.score != null and .score < 0.9 and .scoreDisplayMode != "informative" and .scoreDisplayMode != "manual" and .scoreDisplayMode != "notApplicable") | "\(.id) (\(.score))"] | select(length > 0) | "\($u): \(join(", "))"' "$f"
done
