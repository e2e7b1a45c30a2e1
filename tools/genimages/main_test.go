package main

import (
	"bytes"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
)

const frontMatter = `---
title: "Ethiopië Guji (microlot)"
description: "Koffie in een matzwarte zak."
specs:
  Herkomst: "Ethiopië"
  Proces: "Gewassen"
images:
  - src: "zak.jpg"
    alt: "Zak"
  - src: "bonen.jpg"
    alt: "Bonen"
variants:
  - sku: "A"
    name: "Roest"
  - sku: "B"
    name: "Zeegroen"
---

Body with src: "not-an-image.jpg" after the front matter.
`

func writeBundle(t *testing.T, dir string) string {
	t.Helper()
	b := filepath.Join(dir, "content", "products", "ethiopie-guji")
	if err := os.MkdirAll(b, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(b, "index.md"), []byte(frontMatter), 0o644); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadBundle(t *testing.T) {
	dir := writeBundle(t, t.TempDir())
	b, err := readBundle(filepath.Join(dir, "index.md"))
	if err != nil {
		t.Fatal(err)
	}
	if b.title != "Ethiopië Guji (microlot)" || b.slug != "ethiopie-guji" {
		t.Errorf("title/slug = %q/%q", b.title, b.slug)
	}
	if len(b.images) != 2 || b.images[0] != "zak.jpg" || b.images[1] != "bonen.jpg" {
		t.Errorf("images = %v, want [zak.jpg bonen.jpg] (nothing from the body)", b.images)
	}
	if b.origin != "Ethiopië" || b.process != "Gewassen" {
		t.Errorf("origin/process = %q/%q", b.origin, b.process)
	}
	if b.aged {
		t.Error("aged = true for a bundle that never says tweedehands")
	}
}

func TestColours(t *testing.T) {
	tests := []struct {
		hint string
		want bool
	}{
		{"name: roest description: steengoed", true},
		{"description: wit keramiek", true},
		{"description: a plain glass", false},
	}
	for _, tt := range tests {
		if _, ok := hintColor(tt.hint); ok != tt.want {
			t.Errorf("hintColor(%q) ok = %v, want %v", tt.hint, ok, tt.want)
		}
	}
	eth, _ := bagColor("Ethiopië", "Gewassen")
	ken, _ := bagColor("Kenia", "Gewassen")
	ana, _ := bagColor("Ethiopië", "Anaeroob")
	if eth == ken || eth == ana {
		t.Errorf("origins and processes share a bag colour: %v %v %v", eth, ken, ana)
	}
	if _, ok := bagColor("", ""); ok {
		t.Error("bagColor without origin claims a colour")
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		in    string
		width int
		want  int
	}{
		{"ETHIOPIE GUJI", 24, 1},
		{"ETHIOPIE GUJI", 8, 2},
		{"GUATEMALA HUEHUETENANGO", 6, 2}, // a long word stays whole
	}
	for _, tt := range tests {
		if got := wrap(tt.in, tt.width); len(got) != tt.want {
			t.Errorf("wrap(%q, %d) = %q, want %d lines", tt.in, tt.width, got, tt.want)
		}
	}
}

func encode(t *testing.T, b bundle, name string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, draw(b, name, 240, 240), &jpeg.Options{Quality: 82}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDrawIsDeterministic(t *testing.T) {
	b := bundle{slug: "ethiopie-guji", title: "Ethiopië Guji", origin: "Ethiopië"}
	for _, kind := range []string{"zak.jpg", "bonen.jpg", "kop.jpg", "boek.jpg", "landschap.jpg", "onbekend.jpg"} {
		if !bytes.Equal(encode(t, b, kind), encode(t, b, kind)) {
			t.Errorf("%s: two drawings differ", kind)
		}
	}
	other := b
	other.slug, other.origin = "kenia-nyeri", "Kenia"
	if bytes.Equal(encode(t, b, "zak.jpg"), encode(t, other, "zak.jpg")) {
		t.Error("two coffees got the same bag")
	}
}

func TestRunWritesMissingImagesOnly(t *testing.T) {
	dir := t.TempDir()
	b := writeBundle(t, dir)
	keep := []byte("already here")
	if err := os.WriteFile(filepath.Join(b, "bonen.jpg"), keep, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(filepath.Join(dir, "content"), false); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(b, "zak.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := jpeg.DecodeConfig(f)
	if err != nil {
		t.Fatalf("zak.jpg is no JPEG: %v", err)
	}
	if cfg.Width != 1200 || cfg.Height != 1200 {
		t.Errorf("product photo is %dx%d, want 1200x1200", cfg.Width, cfg.Height)
	}
	got, _ := os.ReadFile(filepath.Join(b, "bonen.jpg"))
	if !bytes.Equal(got, keep) {
		t.Error("an existing image was overwritten without -force")
	}
}
