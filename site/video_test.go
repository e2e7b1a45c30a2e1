package site

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// videoStory writes a story with a self-hosted video into the fixture shop.
func videoStory(t *testing.T, dir, shortcode string, files ...string) {
	t.Helper()
	story := filepath.Join(dir, "content", "stories", "film")
	if err := os.MkdirAll(story, 0o755); err != nil {
		t.Fatal(err)
	}
	photo, err := os.ReadFile(filepath.Join("..", "content", "stories", "oogst-guji-2026", "oogst-video.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b := []byte("fake video bytes")
		switch filepath.Ext(f) {
		case ".jpg":
			b = photo
		case ".vtt":
			b = []byte("WEBVTT\n\n00:00.000 --> 00:02.000\nDe oogst begint.\n")
		}
		if err := os.WriteFile(filepath.Join(story, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	md := "---\ntitle: \"Film\"\ndate: 2026-11-01\ndescription: \"Een film.\"\n---\n\nTekst.\n\n" + shortcode + "\n"
	if err := os.WriteFile(filepath.Join(story, "index.md"), []byte(md), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The self-hosted video: controls, nothing loaded or played before the
// visitor asks, captions in the page's language, the page frames nothing.
func TestVideoShortcodeSelfHosted(t *testing.T) {
	dir := copySite(t, filepath.Join("..", "testdata", "site"))
	videoStory(t, dir, `{{< video src="oogst.mp4" webm="oogst.webm" poster="oogst.jpg" captions="oogst.vtt" title="De oogst in Shakiso" >}}`,
		"oogst.mp4", "oogst.webm", "oogst.jpg", "oogst.vtt")
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := Build(BuildOptions{Source: dir, Dest: dest}); err != nil {
		t.Fatal(err)
	}
	page := readPage(t, dest, "verhalen/film/index.html")
	video := regexp.MustCompile(`(?s)<video[^>]*>.*?</video>`).FindString(page)
	if video == "" {
		t.Fatalf("no <video> on the page:\n%s", page)
	}
	for _, want := range []string{`controls`, `preload="none"`, `poster="/verhalen/film/oogst.jpg"`, `aria-label="De oogst in Shakiso"`,
		`<source src="/verhalen/film/oogst.webm" type="video/webm">`, `<source src="/verhalen/film/oogst.mp4" type="video/mp4">`,
		`<track kind="captions" src="/verhalen/film/oogst.vtt" srclang="nl"`} {
		if !strings.Contains(video, want) {
			t.Errorf("video lacks %s:\n%s", want, video)
		}
	}
	if strings.Contains(video, "autoplay") {
		t.Errorf("video plays by itself:\n%s", video)
	}
	if !strings.Contains(page, `content="frame-src 'none'"`) {
		t.Error("a page without a player should frame nothing")
	}
	for _, f := range []string{"oogst.mp4", "oogst.webm", "oogst.vtt"} {
		if _, err := os.Stat(filepath.Join(dest, "verhalen", "film", f)); err != nil {
			t.Errorf("%s not published: %v", f, err)
		}
	}
}

// A video without captions or poster does not build, and the error names the file and field.
func TestVideoShortcodeMissingFiles(t *testing.T) {
	for _, c := range []struct{ sc, field string }{
		{`{{< video src="oogst.mp4" poster="oogst.jpg" title="Film" >}}`, "captions="},
		{`{{< video src="oogst.mp4" captions="oogst.vtt" title="Film" >}}`, "poster="},
		{`{{< video src="oogst.mp4" poster="oogst.jpg" captions="oogst.vtt" >}}`, "title="},
		{`{{< youtube id="bWq6ADV1sTc" title="Film" >}}`, "poster="},
		{`{{< youtube id="bWq6ADV1sTc" poster="oogst.jpg" >}}`, "title="},
	} {
		dir := copySite(t, filepath.Join("..", "testdata", "site"))
		videoStory(t, dir, c.sc, "oogst.mp4", "oogst.jpg", "oogst.vtt")
		_, err := Build(BuildOptions{Source: dir, Dest: filepath.Join(t.TempDir(), "public")})
		var be *BuildError
		if !errors.As(err, &be) {
			t.Errorf("%s: build did not fail with a BuildError: %v", c.sc, err)
			continue
		}
		if msg := be.Error(); !strings.Contains(msg, "content/stories/film/index.md") || !strings.Contains(msg, c.field) {
			t.Errorf("%s: error does not name the file and %s:\n%s", c.sc, c.field, msg)
		}
	}
}

// The demo story's YouTube video is a facade: a local poster, a link to the
// nocookie player, no frame or script from YouTube, and the page (only that
// page) may frame youtube-nocookie.com.
func TestVideoFacadeDemo(t *testing.T) {
	res := buildDemo(t)
	for _, p := range []string{"verhalen/oogst-guji-2026/index.html", "en/stories/oogst-guji-2026/index.html"} {
		page := readPage(t, res.Dest, p)
		if !strings.Contains(page, `content="frame-src https://www.youtube-nocookie.com"`) {
			t.Errorf("%s: CSP does not allow exactly the nocookie player", p)
		}
		if !strings.Contains(page, `href="https://www.youtube-nocookie.com/embed/`) || !strings.Contains(page, `class="video__note"`) {
			t.Errorf("%s: no facade with its note", p)
		}
		for _, m := range regexp.MustCompile(`(?:src|srcset|poster|data)="([^"]*)"`).FindAllStringSubmatch(page, -1) {
			if strings.Contains(m[1], "youtube") || strings.Contains(m[1], "ytimg") {
				t.Errorf("%s loads %s before the click", p, m[1])
			}
		}
	}
	for _, p := range []string{"index.html", "producten/ethiopie-guji/index.html", "verhalen/index.html"} {
		if page := readPage(t, res.Dest, p); !strings.Contains(page, `content="frame-src 'none'"`) {
			t.Errorf("%s: a page without a video may frame something", p)
		}
	}
}

func readPage(t *testing.T, dest, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// netlify.toml: the CSP header lets frames come only from the two video
// players (each page narrows it further), and missing English pages get the
// English 404 page.
func TestNetlifyCSPAndNotFound(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "netlify.toml"))
	if err != nil {
		t.Skip("no netlify.toml at the repository root")
	}
	csp := regexp.MustCompile(`Content-Security-Policy = "([^"]+)"`).FindStringSubmatch(string(b))
	if csp == nil {
		t.Fatal("netlify.toml sets no Content-Security-Policy")
	}
	frame := regexp.MustCompile(`frame-src ([^;]+);`).FindStringSubmatch(csp[1])
	if frame == nil || strings.Join(strings.Fields(frame[1]), " ") != "'self' https://www.youtube-nocookie.com https://player.vimeo.com" {
		t.Errorf("frame-src = %v, want only 'self' and the two players", frame)
	}
	for _, d := range []string{"default-src 'self'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp[1], d) {
			t.Errorf("the CSP lost %q", d)
		}
	}
	if !regexp.MustCompile(`(?s)\[\[redirects\]\]\s*from = "/en/\*"\s*to = "/en/404.html"\s*status = 404`).Match(b) {
		t.Error("netlify.toml does not send missing /en/ pages to /en/404.html")
	}
}
