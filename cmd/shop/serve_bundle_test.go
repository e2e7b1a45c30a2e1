package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// In `shop serve`, a photo added at the same moment as the draft line is
// removed shows on the page: every file event in a bundle rebuilds its page.
func TestServeBundlePhotoWithDraftRemoved(t *testing.T) {
	dir := fixtureSite(t)
	bundle := filepath.Join(dir, "content", "products", "nieuw-boek")
	if err := os.MkdirAll(bundle, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(dir, "content", "products", "koffieboek", "index.md"))
	if err != nil {
		t.Fatal(err)
	}
	md := strings.Replace(string(src), "---\n", "---\ndraft: true\n", 1)
	md = strings.ReplaceAll(md, `sku: "`, `sku: "NIEUW-`)
	if err := os.WriteFile(filepath.Join(bundle, "index.md"), []byte(md), 0o644); err != nil {
		t.Fatal(err)
	}
	p := startServe(t, dir)
	photos, _ := filepath.Glob(filepath.Join(dir, "content", "products", "koffieboek", "*.jpg"))
	if len(photos) == 0 {
		t.Fatal("the fixture's koffieboek has no photo")
	}
	photo, _ := os.ReadFile(photos[0])
	// Both at once, as an editor's "save all" or a git pull does.
	os.WriteFile(filepath.Join(bundle, "index.md"), []byte(strings.Replace(md, "draft: true\n", "", 1)), 0o644)
	os.WriteFile(filepath.Join(bundle, filepath.Base(photos[0])), photo, 0o644)
	body := waitFor(t, p.url+"/producten/nieuw-boek/", `class="product__title"`, 20*time.Second)
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(body, `class="product__photo"`) {
		if time.Now().After(deadline) {
			t.Log(p.out.String())
			t.Fatalf("the page still shows no photo:\n%.600s", body[max(0, strings.Index(body, "product__gallery")):])
		}
		time.Sleep(100 * time.Millisecond)
		_, body, _ = get(t, p.url+"/producten/nieuw-boek/")
	}
}
