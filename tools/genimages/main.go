// Command genimages draws the demo shop's photos: product shots (a coffee bag,
// a cup, a kettle, a book cover, ...) and wide scenes for stories, guides and
// maker pages (hills with coffee rows, a cherry branch, a roastery, a potter's
// shelf). Everything is drawn with the standard library, deterministically:
// the same content gives byte-identical JPEG files.
//
// Regenerate all images (from the repository root):
//
//	go run ./tools/genimages            # writes only images that are missing
//	go run ./tools/genimages -force     # redraws every image
//
// How it decides what to draw: it walks content/ for page bundles (a folder
// with index.md), reads the image file names from the front matter (every
// `src: "name.jpg"` and `image: "name.jpg"` line) and picks the drawing from
// the first word of the file name: zak (coffee bag), bonen (beans), kop,
// espressokop, kom, glas, mok, dripper, kan, ketel, molen, weegschaal, filters,
// aeropress, cafetiere, moka, boek, boek-open, landschap, droogbedden, kersen,
// branderij, atelier. Colours come from a hash of the bundle's folder name, the
// label text from its title; a coffee bag's colour follows its Herkomst and
// Proces specs. Products are 1200x1200, everything else 1600x900.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/jpeg"
	"log/slog"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

func main() {
	dir := flag.String("content", "content", "content directory to walk")
	force := flag.Bool("force", false, "redraw images that already exist")
	flag.Parse()
	if err := run(*dir, *force); err != nil {
		slog.Error("genimages", "err", err)
		os.Exit(1)
	}
}

var (
	srcRe   = regexp.MustCompile(`^\s*-?\s*(?:src|image|photo):\s*"?([A-Za-z0-9._-]+\.jpe?g)"?\s*$`)
	titleRe = regexp.MustCompile(`^title:\s*"?(.*?)"?\s*$`)
	parenRe = regexp.MustCompile(`\s*\([^)]*\)`)
	specRe  = regexp.MustCompile(`^\s+(Herkomst|Proces):\s*"?(.*?)"?\s*$`)
)

// bundle is what genimages needs to know about one page bundle.
type bundle struct {
	dir, section, slug, title string
	images                    []string
	aged                      bool   // a second-hand book: yellowed cover
	origin, process           string // coffee specs: the bag's colour follows them
	hint                      string // description and first variant name: colour words
}

func run(root string, force bool) error {
	var bundles []bundle
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || d.Name() != "index.md" {
			return nil
		}
		b, err := readBundle(path)
		if err != nil {
			return fmt.Errorf("read bundle %s: %w", path, err)
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		b.section = strings.Split(filepath.ToSlash(rel), "/")[0]
		bundles = append(bundles, b)
		return nil
	})
	if err != nil {
		return fmt.Errorf("walk %s: %w", root, err)
	}
	n := 0
	for _, b := range bundles {
		for _, name := range b.images {
			out := filepath.Join(b.dir, name)
			if _, err := os.Stat(out); err == nil && !force {
				continue
			}
			w, h := 1600, 900
			if b.section == "products" {
				w, h = 1200, 1200
			}
			img := draw(b, name, w, h)
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 82}); err != nil {
				return fmt.Errorf("encode %s: %w", out, err)
			}
			if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
				return fmt.Errorf("write %s: %w", out, err)
			}
			n++
			slog.Info("drew", "file", out, "kb", buf.Len()/1024)
		}
	}
	slog.Info("done", "bundles", len(bundles), "images", n)
	return nil
}

func readBundle(path string) (bundle, error) {
	f, err := os.Open(path)
	if err != nil {
		return bundle{}, err
	}
	defer f.Close()
	b := bundle{dir: filepath.Dir(path), slug: filepath.Base(filepath.Dir(path))}
	sc := bufio.NewScanner(f)
	delims := 0
	sawVariant := false
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "---" {
			delims++
			if delims == 2 {
				break
			}
			continue
		}
		if m := srcRe.FindStringSubmatch(line); m != nil {
			b.images = append(b.images, m[1])
		}
		if m := titleRe.FindStringSubmatch(line); m != nil && b.title == "" {
			b.title = m[1]
		}
		if strings.HasPrefix(line, "description:") || (strings.HasPrefix(line, "    name:") && !sawVariant) {
			b.hint = strings.ToLower(line) + " " + b.hint
			sawVariant = sawVariant || strings.HasPrefix(line, "    name:")
		}
		if m := specRe.FindStringSubmatch(line); m != nil {
			if m[1] == "Herkomst" {
				b.origin = m[2]
			} else {
				b.process = m[2]
			}
		}
		if strings.Contains(strings.ToLower(line), "tweedehands") {
			b.aged = true
		}
	}
	return b, sc.Err()
}

// seed gives a stable number per bundle and file.
func seed(parts ...string) int64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return int64(h.Sum64() & 0x7fffffffffffffff)
}

func draw(b bundle, name string, w, h int) *image.RGBA {
	c := newCanvas(w, h)
	rng := rand.New(rand.NewSource(seed(b.slug, name)))
	stem := strings.TrimSuffix(strings.TrimSuffix(name, ".jpg"), ".jpeg")
	kind := stem
	if i := strings.IndexAny(stem, "0123456789"); i > 0 {
		kind = strings.TrimRight(stem[:i], "-")
	}
	// Colours follow the product (slug), not the file, so all photos of
	// one product agree.
	prng := rand.New(rand.NewSource(seed(b.slug)))
	main := pick(prng, richColors)
	if col, ok := hintColor(b.hint); ok {
		main = col
	}
	if col, ok := bagColor(b.origin, b.process); ok {
		main = col
	}
	p := c.pen()
	// A label or cover shows the name, not the shop's remarks in brackets
	// such as "(1987, tweedehands)".
	title := strings.TrimSpace(parenRe.ReplaceAllString(b.title, ""))
	switch kind {
	case "zak":
		studio(c, rng)
		bag(c, p, main, title)
	case "bonen":
		beans(c, rng, main)
	case "kop":
		studio(c, rng)
		cup(c, p, 1.0, main, rng)
	case "espressokop":
		studio(c, rng)
		cup(c, p, 0.72, main, rng)
	case "kom":
		studio(c, rng)
		bowl(c, p, main, rng)
	case "glas":
		studio(c, rng)
		glass(c, p)
	case "mok":
		studio(c, rng)
		mug(c, p, main, rng)
	case "dripper":
		studio(c, rng)
		dripper(c, p, main)
	case "kan":
		studio(c, rng)
		server(c, p, 600, 960, 1.15)
	case "ketel":
		studio(c, rng)
		kettle(c, p, main)
	case "molen":
		studio(c, rng)
		grinder(c, p, main)
	case "weegschaal":
		studio(c, rng)
		scale(c, p)
	case "filters":
		studio(c, rng)
		filters(c, p, main)
	case "coldbrew":
		studio(c, rng)
		coldBrew(c, p)
	case "aeropress":
		studio(c, rng)
		aeropress(c, p, main)
	case "cafetiere":
		studio(c, rng)
		frenchPress(c, p, main)
	case "moka":
		studio(c, rng)
		moka(c, p, main)
	case "boek":
		studio(c, rng)
		book(c, p, main, title, b.aged, rng)
	case "boek-open":
		openBook(c, rng, b.aged)
	case "landschap":
		landscape(c, rng, false)
	case "droogbedden":
		landscape(c, rng, true)
	case "kersen":
		cherries(c, rng)
	case "branderij":
		roastery(c, rng)
	case "atelier":
		atelier(c, rng, main)
	default:
		beans(c, rng, main)
	}
	return c.img
}

// ---------------------------------------------------------------------------
// Colours

var richColors = []color.RGBA{
	{178, 74, 52, 255},   // brick
	{46, 94, 84, 255},    // deep teal
	{206, 150, 52, 255},  // ochre
	{70, 86, 140, 255},   // indigo
	{132, 62, 92, 255},   // plum
	{94, 122, 64, 255},   // olive
	{40, 48, 58, 255},    // charcoal
	{196, 110, 80, 255},  // terracotta
	{58, 120, 150, 255},  // lake blue
	{150, 90, 40, 255},   // caramel
	{112, 140, 120, 255}, // sage
	{170, 60, 70, 255},   // cherry
}

// bagColor gives each coffee origin its own bag colour, so a customer
// learns to recognise them; special processes get their own.
func bagColor(origin, process string) (color.RGBA, bool) {
	p := strings.ToLower(process)
	switch {
	case strings.Contains(p, "anaero"):
		return richColors[4], true // plum
	case strings.Contains(p, "cafe"), strings.Contains(p, "decaf"):
		return richColors[8], true // lake blue
	}
	switch origin {
	case "Ethiopië":
		return richColors[2], true // ochre
	case "Kenia":
		return richColors[11], true // cherry
	case "Colombia":
		return richColors[1], true // deep teal
	case "Guatemala":
		return richColors[3], true // indigo
	case "Brazilië":
		return richColors[5], true // olive
	case "Melange":
		return richColors[6], true // charcoal
	}
	return color.RGBA{}, false
}

// hintColor finds a colour word in the description or the first variant's
// name, so the photo shows what the text promises ("wit keramiek",
// "Matzwart"). The first variant's name is looked at first.
func hintColor(hint string) (color.RGBA, bool) {
	for _, h := range []struct {
		words []string
		col   color.RGBA
	}{
		{[]string{"zwart"}, color.RGBA{44, 44, 48, 255}},
		{[]string{"roest"}, richColors[7]},
		{[]string{"zeegroen"}, richColors[10]},
		{[]string{"geborsteld staal", "rvs"}, steel},
		{[]string{"zandwit", "wit keramiek", "gebroken wit", "porselein"}, color.RGBA{238, 234, 226, 255}},
	} {
		for _, w := range h.words {
			if strings.Contains(hint, w) {
				return h.col, true
			}
		}
	}
	return color.RGBA{}, false
}

var walls = []color.RGBA{
	{238, 231, 220, 255},
	{229, 226, 218, 255},
	{236, 224, 208, 255},
	{222, 228, 226, 255},
	{240, 234, 228, 255},
}

var tables = []color.RGBA{
	{176, 132, 94, 255},
	{150, 112, 82, 255},
	{198, 178, 152, 255},
	{120, 118, 112, 255},
}

func pick(r *rand.Rand, cs []color.RGBA) color.RGBA { return cs[r.Intn(len(cs))] }

func mix(a, b color.RGBA, t float64) color.RGBA {
	t = clamp(t, 0, 1)
	return color.RGBA{
		uint8(float64(a.R)*(1-t) + float64(b.R)*t + 0.5),
		uint8(float64(a.G)*(1-t) + float64(b.G)*t + 0.5),
		uint8(float64(a.B)*(1-t) + float64(b.B)*t + 0.5),
		255,
	}
}

func shade(a color.RGBA, f float64) color.RGBA {
	if f < 1 {
		return mix(color.RGBA{0, 0, 0, 255}, a, f)
	}
	return mix(a, color.RGBA{255, 255, 255, 255}, f-1)
}

var (
	white  = color.RGBA{255, 255, 255, 255}
	black  = color.RGBA{20, 20, 22, 255}
	cream  = color.RGBA{246, 240, 226, 255}
	coffee = color.RGBA{58, 34, 22, 255}
	crema  = color.RGBA{176, 118, 66, 255}
	steel  = color.RGBA{170, 174, 178, 255}
	wood   = color.RGBA{150, 100, 60, 255}
)

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

func smooth(e0, e1, x float64) float64 {
	t := clamp((x-e0)/(e1-e0), 0, 1)
	return t * t * (3 - 2*t)
}

// ---------------------------------------------------------------------------
// Canvas and shapes

type canvas struct {
	img  *image.RGBA
	w, h int
}

func newCanvas(w, h int) *canvas {
	return &canvas{img: image.NewRGBA(image.Rect(0, 0, w, h)), w: w, h: h}
}

func (c *canvas) blend(x, y int, col color.RGBA, a float64) {
	if x < 0 || y < 0 || x >= c.w || y >= c.h || a <= 0 {
		return
	}
	i := c.img.PixOffset(x, y)
	p := c.img.Pix[i : i+4 : i+4]
	if a >= 1 {
		p[0], p[1], p[2], p[3] = col.R, col.G, col.B, 255
		return
	}
	p[0] = uint8(float64(p[0])*(1-a) + float64(col.R)*a + 0.5)
	p[1] = uint8(float64(p[1])*(1-a) + float64(col.G)*a + 0.5)
	p[2] = uint8(float64(p[2])*(1-a) + float64(col.B)*a + 0.5)
	p[3] = 255
}

// shape is a region in canvas pixels with a bounding box.
type shape struct {
	in             func(x, y float64) bool
	x0, y0, x1, y1 float64
}

type paint func(x, y float64) color.RGBA

func solid(col color.RGBA) paint { return func(x, y float64) color.RGBA { return col } }

// fill paints a shape with anti-aliased edges: pixels whose four corners
// agree are filled or skipped at once, the others are supersampled 4x4.
func (c *canvas) fill(s shape, p paint, alpha float64) {
	x0 := int(math.Max(0, math.Floor(s.x0)))
	y0 := int(math.Max(0, math.Floor(s.y0)))
	x1 := int(math.Min(float64(c.w), math.Ceil(s.x1)+1))
	y1 := int(math.Min(float64(c.h), math.Ceil(s.y1)+1))
	if x1 <= x0 || y1 <= y0 {
		return
	}
	n := x1 - x0 + 1
	top := make([]bool, n)
	bot := make([]bool, n)
	for i := range n {
		top[i] = s.in(float64(x0+i), float64(y0))
	}
	for y := y0; y < y1; y++ {
		for i := range n {
			bot[i] = s.in(float64(x0+i), float64(y+1))
		}
		for x := x0; x < x1; x++ {
			i := x - x0
			a, b, cc, d := top[i], top[i+1], bot[i], bot[i+1]
			var cov float64
			switch {
			case a && b && cc && d:
				cov = 1
			case !a && !b && !cc && !d:
				// A feature thinner than a pixel may hide between corners;
				// test the centre once.
				if !s.in(float64(x)+0.5, float64(y)+0.5) {
					continue
				}
				cov = sample(s, x, y)
			default:
				cov = sample(s, x, y)
			}
			if cov > 0 {
				c.blend(x, y, p(float64(x)+0.5, float64(y)+0.5), cov*alpha)
			}
		}
		top, bot = bot, top
	}
}

func sample(s shape, x, y int) float64 {
	k := 0
	for j := range 4 {
		for i := range 4 {
			if s.in(float64(x)+(float64(i)+0.5)/4, float64(y)+(float64(j)+0.5)/4) {
				k++
			}
		}
	}
	return float64(k) / 16
}

// soft paints a blurred ellipse, used for shadows and glows.
func (c *canvas) soft(cx, cy, rx, ry float64, col color.RGBA, strength float64) {
	for y := int(cy - ry); y <= int(cy+ry); y++ {
		for x := int(cx - rx); x <= int(cx+rx); x++ {
			dx, dy := (float64(x)-cx)/rx, (float64(y)-cy)/ry
			d := math.Sqrt(dx*dx + dy*dy)
			if d < 1 {
				c.blend(x, y, col, strength*(1-smooth(0.2, 1, d)))
			}
		}
	}
}

func union(ss ...shape) shape {
	u := ss[0]
	for _, s := range ss[1:] {
		u.x0, u.y0 = math.Min(u.x0, s.x0), math.Min(u.y0, s.y0)
		u.x1, u.y1 = math.Max(u.x1, s.x1), math.Max(u.y1, s.y1)
	}
	u.in = func(x, y float64) bool {
		for _, s := range ss {
			if x >= s.x0-1 && x <= s.x1+1 && y >= s.y0-1 && y <= s.y1+1 && s.in(x, y) {
				return true
			}
		}
		return false
	}
	return u
}

func minus(a, b shape) shape {
	r := a
	r.in = func(x, y float64) bool { return a.in(x, y) && !b.in(x, y) }
	return r
}

func and(a, b shape) shape {
	r := a
	r.x0, r.y0 = math.Max(a.x0, b.x0), math.Max(a.y0, b.y0)
	r.x1, r.y1 = math.Min(a.x1, b.x1), math.Min(a.y1, b.y1)
	r.in = func(x, y float64) bool { return a.in(x, y) && b.in(x, y) }
	return r
}

// pen maps design coordinates (a 1200x1200 square) onto the canvas, so the
// product drawings also fit a wide canvas.
type pen struct{ ox, oy, s float64 }

func (c *canvas) pen() pen {
	s := float64(c.h) / 1200
	return pen{ox: (float64(c.w) - 1200*s) / 2, s: s}
}

func (p pen) x(v float64) float64 { return p.ox + v*p.s }
func (p pen) y(v float64) float64 { return p.oy + v*p.s }

func (p pen) rect(x0, y0, x1, y1 float64) shape {
	return rectS(p.x(x0), p.y(y0), p.x(x1), p.y(y1))
}

func rectS(x0, y0, x1, y1 float64) shape {
	return shape{func(x, y float64) bool { return x >= x0 && x <= x1 && y >= y0 && y <= y1 }, x0, y0, x1, y1}
}

func (p pen) rrect(x0, y0, x1, y1, r float64) shape {
	return rrectS(p.x(x0), p.y(y0), p.x(x1), p.y(y1), r*p.s)
}

func rrectS(x0, y0, x1, y1, r float64) shape {
	return shape{func(x, y float64) bool {
		if x < x0 || x > x1 || y < y0 || y > y1 {
			return false
		}
		cx := clamp(x, x0+r, x1-r)
		cy := clamp(y, y0+r, y1-r)
		return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r
	}, x0, y0, x1, y1}
}

func (p pen) ellipse(cx, cy, rx, ry float64) shape {
	return ellipseS(p.x(cx), p.y(cy), rx*p.s, ry*p.s, 0)
}

func ellipseS(cx, cy, rx, ry, ang float64) shape {
	cs, sn := math.Cos(ang), math.Sin(ang)
	m := math.Max(rx, ry)
	return shape{func(x, y float64) bool {
		dx, dy := x-cx, y-cy
		u := dx*cs + dy*sn
		v := -dx*sn + dy*cs
		return (u*u)/(rx*rx)+(v*v)/(ry*ry) <= 1
	}, cx - m, cy - m, cx + m, cy + m}
}

func (p pen) poly(pts ...float64) shape {
	q := make([]float64, len(pts))
	for i := 0; i < len(pts); i += 2 {
		q[i], q[i+1] = p.x(pts[i]), p.y(pts[i+1])
	}
	return polyS(q...)
}

func polyS(pts ...float64) shape {
	n := len(pts) / 2
	s := shape{x0: math.Inf(1), y0: math.Inf(1), x1: math.Inf(-1), y1: math.Inf(-1)}
	for i := range n {
		s.x0, s.x1 = math.Min(s.x0, pts[2*i]), math.Max(s.x1, pts[2*i])
		s.y0, s.y1 = math.Min(s.y0, pts[2*i+1]), math.Max(s.y1, pts[2*i+1])
	}
	s.in = func(x, y float64) bool {
		in := false
		for i, j := 0, n-1; i < n; j, i = i, i+1 {
			xi, yi, xj, yj := pts[2*i], pts[2*i+1], pts[2*j], pts[2*j+1]
			if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
				in = !in
			}
		}
		return in
	}
	return s
}

// stroke is a thick line through design points.
func (p pen) stroke(width float64, pts ...float64) shape {
	q := make([]float64, len(pts))
	for i := 0; i < len(pts); i += 2 {
		q[i], q[i+1] = p.x(pts[i]), p.y(pts[i+1])
	}
	return strokeS(width*p.s, q...)
}

func strokeS(width float64, q ...float64) shape {
	r := width / 2
	s := shape{x0: math.Inf(1), y0: math.Inf(1), x1: math.Inf(-1), y1: math.Inf(-1)}
	for i := 0; i < len(q); i += 2 {
		s.x0, s.x1 = math.Min(s.x0, q[i]-r), math.Max(s.x1, q[i]+r)
		s.y0, s.y1 = math.Min(s.y0, q[i+1]-r), math.Max(s.y1, q[i+1]+r)
	}
	s.in = func(x, y float64) bool {
		for i := 0; i+3 < len(q); i += 2 {
			ax, ay, bx, by := q[i], q[i+1], q[i+2], q[i+3]
			dx, dy := bx-ax, by-ay
			t := 0.0
			if l := dx*dx + dy*dy; l > 0 {
				t = clamp(((x-ax)*dx+(y-ay)*dy)/l, 0, 1)
			}
			ex, ey := x-ax-t*dx, y-ay-t*dy
			if ex*ex+ey*ey <= r*r {
				return true
			}
		}
		return false
	}
	return s
}

// bezier returns points of a cubic curve, flattened.
func bezier(x0, y0, x1, y1, x2, y2, x3, y3 float64, n int) []float64 {
	out := make([]float64, 0, 2*(n+1))
	for i := 0; i <= n; i++ {
		t := float64(i) / float64(n)
		u := 1 - t
		out = append(out,
			u*u*u*x0+3*u*u*t*x1+3*u*t*t*x2+t*t*t*x3,
			u*u*u*y0+3*u*u*t*y1+3*u*t*t*y2+t*t*t*y3)
	}
	return out
}

// cylinder shades a colour across x like a lit round object.
func cylinder(base color.RGBA, x0, x1 float64) paint {
	return func(x, y float64) color.RGBA {
		t := (x - x0) / (x1 - x0)
		f := 1.0 - 0.45*math.Pow(math.Abs(t-0.38)*1.6, 2)
		col := shade(base, f)
		if h := math.Abs(t - 0.3); h < 0.05 {
			col = mix(col, white, 0.25*(1-h/0.05))
		}
		return col
	}
}

func vgrad(a, b color.RGBA, y0, y1 float64) paint {
	return func(x, y float64) color.RGBA { return mix(a, b, (y-y0)/(y1-y0)) }
}

// ---------------------------------------------------------------------------
// Backgrounds

// studio is a wall and a table top, lit from the upper left.
func studio(c *canvas, r *rand.Rand) {
	wall := pick(r, walls)
	table := pick(r, tables)
	H, W := float64(c.h), float64(c.w)
	horizon := H * 0.7
	c.fill(rectS(0, 0, W, horizon), func(x, y float64) color.RGBA {
		d := math.Hypot(x-W*0.3, y-H*0.2) / (W * 1.2)
		return shade(wall, 1.04-0.16*d)
	}, 1)
	c.fill(rectS(0, horizon, W, H), func(x, y float64) color.RGBA {
		return shade(table, 0.92+0.12*(y-horizon)/(H-horizon))
	}, 1)
	for range 14 {
		y := horizon + r.Float64()*(H-horizon)
		c.fill(rectS(0, y, W, y+1+r.Float64()*2), solid(shade(table, 0.8)), 0.18)
	}
	c.fill(rectS(0, horizon-2, W, horizon+3), solid(shade(table, 0.7)), 0.5)
}

func shadow(c *canvas, p pen, cx, cy, rx, ry float64) {
	c.soft(p.x(cx+40), p.y(cy), rx*p.s*1.15, ry*p.s*1.4, black, 0.35)
}

// ---------------------------------------------------------------------------
// Pixel font for labels and covers

var glyphs = map[rune][7]string{
	'A':  {"01110", "10001", "10001", "11111", "10001", "10001", "10001"},
	'B':  {"11110", "10001", "10001", "11110", "10001", "10001", "11110"},
	'C':  {"01110", "10001", "10000", "10000", "10000", "10001", "01110"},
	'D':  {"11110", "10001", "10001", "10001", "10001", "10001", "11110"},
	'E':  {"11111", "10000", "10000", "11110", "10000", "10000", "11111"},
	'F':  {"11111", "10000", "10000", "11110", "10000", "10000", "10000"},
	'G':  {"01110", "10001", "10000", "10111", "10001", "10001", "01111"},
	'H':  {"10001", "10001", "10001", "11111", "10001", "10001", "10001"},
	'I':  {"01110", "00100", "00100", "00100", "00100", "00100", "01110"},
	'J':  {"00111", "00010", "00010", "00010", "00010", "10010", "01100"},
	'K':  {"10001", "10010", "10100", "11000", "10100", "10010", "10001"},
	'L':  {"10000", "10000", "10000", "10000", "10000", "10000", "11111"},
	'M':  {"10001", "11011", "10101", "10101", "10001", "10001", "10001"},
	'N':  {"10001", "10001", "11001", "10101", "10011", "10001", "10001"},
	'O':  {"01110", "10001", "10001", "10001", "10001", "10001", "01110"},
	'P':  {"11110", "10001", "10001", "11110", "10000", "10000", "10000"},
	'Q':  {"01110", "10001", "10001", "10001", "10101", "10010", "01101"},
	'R':  {"11110", "10001", "10001", "11110", "10100", "10010", "10001"},
	'S':  {"01111", "10000", "10000", "01110", "00001", "00001", "11110"},
	'T':  {"11111", "00100", "00100", "00100", "00100", "00100", "00100"},
	'U':  {"10001", "10001", "10001", "10001", "10001", "10001", "01110"},
	'V':  {"10001", "10001", "10001", "10001", "10001", "01010", "00100"},
	'W':  {"10001", "10001", "10001", "10101", "10101", "10101", "01010"},
	'X':  {"10001", "10001", "01010", "00100", "01010", "10001", "10001"},
	'Y':  {"10001", "10001", "01010", "00100", "00100", "00100", "00100"},
	'Z':  {"11111", "00001", "00010", "00100", "01000", "10000", "11111"},
	'0':  {"01110", "10001", "10011", "10101", "11001", "10001", "01110"},
	'1':  {"00100", "01100", "00100", "00100", "00100", "00100", "01110"},
	'2':  {"01110", "10001", "00001", "00010", "00100", "01000", "11111"},
	'3':  {"11111", "00010", "00100", "00010", "00001", "10001", "01110"},
	'4':  {"00010", "00110", "01010", "10010", "11111", "00010", "00010"},
	'5':  {"11111", "10000", "11110", "00001", "00001", "10001", "01110"},
	'6':  {"00110", "01000", "10000", "11110", "10001", "10001", "01110"},
	'7':  {"11111", "00001", "00010", "00100", "01000", "01000", "01000"},
	'8':  {"01110", "10001", "10001", "01110", "10001", "10001", "01110"},
	'9':  {"01110", "10001", "10001", "01111", "00001", "00010", "01100"},
	'.':  {"00000", "00000", "00000", "00000", "00000", "01100", "01100"},
	',':  {"00000", "00000", "00000", "00000", "01100", "00100", "01000"},
	'-':  {"00000", "00000", "00000", "11111", "00000", "00000", "00000"},
	'&':  {"01100", "10010", "10100", "01000", "10101", "10010", "01101"},
	'/':  {"00001", "00010", "00010", "00100", "01000", "01000", "10000"},
	'\'': {"00100", "00100", "01000", "00000", "00000", "00000", "00000"},
	':':  {"00000", "01100", "01100", "00000", "01100", "01100", "00000"},
	'!':  {"00100", "00100", "00100", "00100", "00100", "00000", "00100"},
	'?':  {"01110", "10001", "00001", "00010", "00100", "00000", "00100"},
}

var fold = strings.NewReplacer("ë", "E", "Ë", "E", "é", "E", "è", "E", "ê", "E", "ï", "I", "í", "I",
	"ö", "O", "ó", "O", "ü", "U", "ú", "U", "á", "A", "à", "A", "ä", "A", "ñ", "N", "ç", "C",
	"·", "-", "–", "-", "—", "-", "’", "'", "&amp;", "&")

func upper(s string) string { return strings.ToUpper(fold.Replace(s)) }

// textWidth in canvas pixels at cell size u.
func textWidth(s string, u float64) float64 {
	n := len([]rune(s))
	if n == 0 {
		return 0
	}
	return float64(n*6-1) * u
}

// text draws s centred on cx with its top at y, in cells of size u.
func (c *canvas) text(s string, cx, y, u float64, col color.RGBA) {
	x := cx - textWidth(s, u)/2
	for _, r := range s {
		g, ok := glyphs[r]
		if ok {
			for row, bits := range g {
				for i, b := range bits {
					if b == '1' {
						px, py := x+float64(i)*u, y+float64(row)*u
						c.fill(rrectS(px, py, px+u*0.92, py+u*0.92, u*0.22), solid(col), 1)
					}
				}
			}
		}
		x += 6 * u
	}
}

// wrap splits a title into at most maxLines lines of about width chars.
func wrap(s string, width int) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(s) {
		if cur != "" && len([]rune(cur))+1+len([]rune(w)) > width {
			lines = append(lines, cur)
			cur = w
			continue
		}
		if cur != "" {
			cur += " "
		}
		cur += w
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// textBlock fits a title into a box (canvas pixels), centred.
func (c *canvas) textBlock(s string, cx, y0, boxW, boxH float64, col color.RGBA) {
	s = upper(s)
	best, bestU := []string{s}, 0.0
	for width := 6; width <= 24; width++ {
		lines := wrap(s, width)
		longest := 0
		for _, l := range lines {
			longest = max(longest, len([]rune(l)))
		}
		u := math.Min(boxW/float64(longest*6-1), boxH/float64(len(lines)*9-2))
		if u > bestU {
			best, bestU = lines, u
		}
	}
	u := math.Min(bestU, boxW/30)
	total := float64(len(best)*9-2) * u
	y := y0 + (boxH-total)/2
	for _, l := range best {
		c.text(l, cx, y, u, col)
		y += 9 * u
	}
}

// ---------------------------------------------------------------------------
// Products

func bag(c *canvas, p pen, col color.RGBA, title string) {
	shadow(c, p, 600, 960, 300, 40)
	body := p.poly(370, 250, 830, 250, 850, 940, 845, 960, 355, 960, 350, 940)
	c.fill(body, cylinder(col, p.x(350), p.x(850)), 1)
	// Gusset fold at the bottom and crimped top seal.
	c.fill(p.rect(352, 905, 848, 912), solid(shade(col, 0.75)), 0.6)
	seal := p.rect(368, 240, 832, 300)
	c.fill(seal, cylinder(shade(col, 0.8), p.x(368), p.x(832)), 1)
	for x := 376.0; x < 828; x += 12 {
		c.fill(p.rect(x, 244, x+4, 296), solid(shade(col, 0.6)), 0.5)
	}
	c.fill(p.rect(368, 318, 832, 326), solid(shade(col, 0.7)), 0.5) // zip
	c.fill(p.ellipse(600, 375, 24, 24), solid(shade(col, 0.65)), 1)
	c.fill(p.ellipse(600, 375, 12, 12), solid(shade(col, 0.85)), 1)
	// Label.
	c.fill(p.rrect(410, 450, 790, 800, 14), cylinder(cream, p.x(350), p.x(850)), 1)
	c.fill(p.rect(410, 476, 790, 500), solid(col), 1)
	c.text("BRANDPUNT", p.x(600), p.y(530), 5*p.s, shade(col, 0.6))
	c.fill(p.rect(440, 582, 760, 585), solid(shade(col, 0.6)), 0.6)
	c.textBlock(title, p.x(600), p.y(600), 320*p.s, 120*p.s, coffee)
	c.text("UTRECHT", p.x(600), p.y(745), 4*p.s, shade(col, 0.7))
	// Flame mark.
	c.fill(p.poly(600, 428, 618, 448, 600, 438, 582, 448), solid(cream), 1)
}

func beans(c *canvas, r *rand.Rand, col color.RGBA) {
	W, H := float64(c.w), float64(c.h)
	base := mix(color.RGBA{196, 160, 118, 255}, col, 0.15)
	c.fill(rectS(0, 0, W, H), func(x, y float64) color.RGBA {
		return shade(base, 0.9+0.2*(1-math.Hypot(x-W/2, y-H/2)/W))
	}, 1)
	// A scoop of beans in a heap with a few strays.
	size := H / 1200 * 46
	for i := range 260 {
		var x, y float64
		if i < 220 {
			a, d := r.Float64()*2*math.Pi, math.Sqrt(r.Float64())*H*0.36
			x, y = W/2+d*math.Cos(a)*1.1, H/2+d*math.Sin(a)
		} else {
			x, y = r.Float64()*W, r.Float64()*H
		}
		ang := r.Float64() * math.Pi
		tone := mix(color.RGBA{86, 50, 28, 255}, color.RGBA{124, 76, 42, 255}, r.Float64())
		c.soft(x+size*0.25, y+size*0.35, size*1.1, size*0.8, black, 0.25)
		c.fill(ellipseS(x, y, size, size*0.68, ang), func(px, py float64) color.RGBA {
			d := math.Hypot(px-x+size*0.3, py-y+size*0.3) / (size * 1.5)
			return shade(tone, 1.25-0.5*d)
		}, 1)
		// The crease.
		cs, sn := math.Cos(ang), math.Sin(ang)
		pts := make([]float64, 0, 16)
		for k := -3; k <= 3; k++ {
			t := float64(k) / 3.4
			u, v := t*size*0.9, math.Sin(t*2.2)*size*0.12
			pts = append(pts, x+u*cs-v*sn, y+u*sn+v*cs)
		}
		c.fill(strokeS(size*0.12, pts...), solid(shade(tone, 0.45)), 1)
	}
}

func cup(c *canvas, p pen, k float64, glaze color.RGBA, r *rand.Rand) {
	glaze = mix(glaze, cream, 0.35)
	base := 930.0
	tx := func(x float64) float64 { return 600 + (x-600)*k }
	ty := func(y float64) float64 { return base - (base-y)*k }
	shadow(c, p, 600, base, 360*k, 50*k)
	// Saucer.
	c.fill(p.ellipse(600, ty(905), 340*k, 70*k), solid(shade(glaze, 0.8)), 1)
	c.fill(p.ellipse(600, ty(895), 330*k, 62*k), cylinder(glaze, p.x(tx(270)), p.x(tx(930))), 1)
	c.fill(p.ellipse(600, ty(893), 170*k, 28*k), solid(shade(glaze, 0.88)), 1)
	// Handle.
	handle := minus(p.ellipse(tx(835), ty(660), 95*k, 105*k), p.ellipse(tx(835), ty(660), 52*k, 62*k))
	handle = and(handle, p.rect(tx(820), 0, 1200, 1200))
	c.fill(handle, solid(shade(glaze, 0.85)), 1)
	// Bowl.
	bowl := and(p.ellipse(600, ty(520), 265*k, 380*k), p.rect(0, ty(520), 1200, ty(880)))
	bowl = union(bowl, p.ellipse(600, ty(520), 265*k, 58*k), p.rrect(tx(480), ty(860), tx(720), ty(890), 8))
	c.fill(bowl, cylinder(glaze, p.x(tx(335)), p.x(tx(865))), 1)
	for range int(120 * k) {
		x := tx(360 + r.Float64()*480)
		y := ty(560 + r.Float64()*300)
		c.fill(and(p.ellipse(x, y, 2.2, 2.2), bowl), solid(shade(glaze, 0.55)), 0.5)
	}
	// Coffee with crema.
	c.fill(p.ellipse(600, ty(522), 245*k, 48*k), solid(shade(glaze, 0.92)), 1)
	c.fill(p.ellipse(600, ty(530), 232*k, 41*k), solid(crema), 1)
	c.fill(p.ellipse(590, ty(530), 150*k, 25*k), solid(shade(crema, 1.2)), 0.7)
	c.fill(p.ellipse(585, ty(530), 70*k, 12*k), solid(shade(crema, 0.8)), 0.6)
}

// bowl is a handleless cupping bowl.
func bowl(c *canvas, p pen, glaze color.RGBA, r *rand.Rand) {
	glaze = mix(glaze, white, 0.55)
	shadow(c, p, 600, 900, 280, 40)
	b := and(p.ellipse(600, 600, 300, 320), p.rect(0, 600, 1200, 880))
	b = union(b, p.ellipse(600, 600, 300, 64), p.rrect(500, 860, 700, 900, 8))
	c.fill(b, cylinder(glaze, p.x(300), p.x(900)), 1)
	for range 60 {
		c.fill(p.ellipse(330+r.Float64()*540, 640+r.Float64()*200, 2, 2), solid(shade(glaze, 0.6)), 0.4)
	}
	c.fill(p.ellipse(600, 604, 280, 54), solid(shade(glaze, 0.9)), 1)
	c.fill(p.ellipse(600, 612, 262, 46), solid(color.RGBA{96, 56, 30, 255}), 1)
	c.fill(p.ellipse(560, 606, 90, 12), solid(white), 0.25)
}

// glass is a double-walled glass with coffee that seems to float.
func glass(c *canvas, p pen) {
	shadow(c, p, 600, 920, 220, 34)
	outer := union(p.poly(420, 380, 780, 380, 750, 910, 450, 910), p.ellipse(600, 910, 150, 20))
	c.fill(outer, solid(color.RGBA{232, 238, 240, 255}), 0.45)
	inner := p.poly(440, 520, 760, 520, 730, 840, 470, 840)
	c.fill(inner, cylinder(color.RGBA{104, 56, 28, 255}, p.x(440), p.x(760)), 0.95)
	c.fill(p.ellipse(600, 520, 160, 22), solid(crema), 1)
	c.fill(p.ellipse(600, 380, 180, 26), solid(white), 0.5)
	c.fill(p.ellipse(600, 380, 168, 20), solid(color.RGBA{236, 240, 242, 255}), 0.6)
	c.fill(p.stroke(10, 455, 420, 480, 880), solid(white), 0.6)
	c.fill(p.stroke(5, 735, 430, 715, 860), solid(white), 0.4)
}

func mug(c *canvas, p pen, glaze color.RGBA, r *rand.Rand) {
	shadow(c, p, 600, 925, 260, 40)
	handle := minus(p.rrect(700, 500, 880, 800, 80), p.rrect(745, 560, 830, 740, 40))
	c.fill(handle, solid(shade(glaze, 0.82)), 1)
	body := union(p.rect(410, 420, 790, 900), p.ellipse(600, 900, 190, 30))
	c.fill(body, cylinder(glaze, p.x(410), p.x(790)), 1)
	// Unglazed foot.
	c.fill(and(body, p.rect(0, 870, 1200, 1200)), cylinder(color.RGBA{196, 170, 140, 255}, p.x(410), p.x(790)), 1)
	for range 160 {
		c.fill(p.ellipse(420+r.Float64()*360, 440+r.Float64()*420, 2.5, 2.5), solid(shade(glaze, 0.5)), 0.5)
	}
	c.fill(p.ellipse(600, 420, 190, 34), solid(shade(glaze, 1.15)), 1)
	c.fill(p.ellipse(600, 424, 172, 27), solid(coffee), 1)
	c.fill(p.ellipse(590, 426, 110, 15), solid(shade(coffee, 1.3)), 0.6)
}

func dripper(c *canvas, p pen, col color.RGBA) {
	server(c, p, 600, 960, 1.0)
	cone := p.poly(360, 330, 840, 330, 680, 650, 520, 650)
	c.fill(p.ellipse(600, 655, 180, 26), solid(shade(col, 0.8)), 1)
	c.fill(p.rect(540, 600, 660, 660), solid(shade(col, 0.85)), 1)
	c.fill(cone, cylinder(col, p.x(360), p.x(840)), 1)
	for i := range 7 {
		t := float64(i) / 6
		xt, xb := 400+t*400, 540+t*120
		c.fill(p.stroke(5, xt, 360, xb, 630), solid(shade(col, 0.8)), 0.35)
	}
	// Paper filter peeking over the rim.
	c.fill(p.poly(395, 312, 805, 312, 790, 336, 410, 336), solid(cream), 1)
	c.fill(p.ellipse(600, 330, 245, 28), solid(shade(col, 1.15)), 1)
	c.fill(p.ellipse(600, 332, 222, 20), solid(cream), 1)
	c.fill(p.ellipse(600, 336, 200, 14), solid(coffee), 1)
	handle := minus(p.rrect(780, 400, 900, 540, 50), p.rrect(800, 430, 870, 510, 30))
	c.fill(and(handle, p.rect(790, 0, 1200, 1200)), solid(shade(col, 0.9)), 1)
}

// server is a glass carafe with coffee; k scales it.
func server(c *canvas, p pen, cx, base, k float64) {
	tx := func(x float64) float64 { return cx + (x-600)*k }
	ty := func(y float64) float64 { return base - (960-y)*k } // design base is y=960
	shadow(c, p, cx, base, 210*k, 36*k)
	glass := union(p.ellipse(cx, ty(840), 200*k, 130*k), p.rect(tx(470), ty(690), tx(730), ty(840)))
	c.fill(glass, solid(color.RGBA{230, 236, 238, 255}), 0.45)
	c.fill(minus(glass, union(p.ellipse(cx, ty(840), 192*k, 122*k), p.rect(tx(478), ty(698), tx(722), ty(840)))), solid(color.RGBA{150, 160, 166, 255}), 0.7)
	c.fill(p.ellipse(cx, ty(692), 132*k, 16*k), solid(color.RGBA{150, 160, 166, 255}), 0.6)
	c.fill(p.ellipse(cx, ty(692), 124*k, 11*k), solid(color.RGBA{236, 240, 242, 255}), 0.8)
	liquid := and(p.ellipse(cx, ty(840), 192*k, 122*k), p.rect(0, ty(830), 1200, 1200))
	c.fill(liquid, cylinder(color.RGBA{92, 48, 24, 255}, p.x(tx(400)), p.x(tx(800))), 0.95)
	c.fill(p.rect(tx(470), ty(690), tx(730), ty(706)), solid(white), 0.55)
	c.fill(p.stroke(6*k, tx(450), ty(760), tx(440), ty(880)), solid(white), 0.55)
	handle := minus(p.rrect(tx(700), ty(720), tx(830), ty(880), 60*k), p.rrect(tx(730), ty(750), tx(800), ty(850), 34*k))
	c.fill(and(handle, p.rect(tx(735), 0, 1200, 1200)), solid(color.RGBA{60, 60, 64, 255}), 1)
}

func kettle(c *canvas, p pen, col color.RGBA) {
	shadow(c, p, 600, 935, 300, 44)
	neck := bezier(440, 860, 300, 800, 300, 560, 200, 430, 24)
	c.fill(p.stroke(30, neck...), solid(shade(col, 0.85)), 1)
	c.fill(p.stroke(22, neck[len(neck)-4:]...), solid(shade(col, 0.7)), 1)
	body := union(p.rrect(400, 540, 800, 930, 90), p.ellipse(600, 560, 200, 60))
	c.fill(body, cylinder(col, p.x(400), p.x(800)), 1)
	c.fill(p.rect(400, 900, 800, 912), solid(shade(col, 0.6)), 0.6)
	c.fill(p.ellipse(600, 520, 150, 34), solid(shade(col, 1.1)), 1)
	c.fill(p.rrect(585, 470, 615, 520, 8), solid(black), 1)
	c.fill(p.ellipse(600, 468, 40, 16), solid(wood), 1)
	handle := p.stroke(34, 790, 600, 880, 600, 900, 640, 900, 820, 800, 880)
	c.fill(handle, solid(black), 1)
	// Thermometer dial.
	c.fill(p.ellipse(600, 700, 58, 58), solid(shade(col, 0.7)), 1)
	c.fill(p.ellipse(600, 700, 48, 48), solid(cream), 1)
	c.fill(p.stroke(6, 600, 700, 628, 676), solid(color.RGBA{190, 50, 40, 255}), 1)
}

func grinder(c *canvas, p pen, col color.RGBA) {
	shadow(c, p, 600, 930, 170, 34)
	c.fill(p.rrect(470, 430, 730, 930, 24), cylinder(steel, p.x(470), p.x(730)), 1)
	c.fill(p.rect(470, 560, 730, 640), cylinder(col, p.x(470), p.x(730)), 1)
	for x := 480.0; x < 725; x += 10 {
		c.fill(p.rect(x, 560, x+3, 640), solid(shade(col, 0.6)), 0.5)
	}
	c.fill(p.rect(470, 780, 730, 786), solid(shade(steel, 0.6)), 0.8)
	c.fill(p.rrect(500, 395, 700, 440, 16), cylinder(shade(steel, 0.85), p.x(500), p.x(700)), 1)
	c.fill(p.stroke(22, 600, 390, 860, 300), solid(shade(steel, 0.7)), 1)
	c.fill(p.ellipse(600, 392, 26, 18), solid(shade(steel, 0.5)), 1)
	c.fill(p.rrect(832, 200, 888, 305, 26), cylinder(wood, p.x(832), p.x(888)), 1)
}

func scale(c *canvas, p pen) {
	shadow(c, p, 600, 900, 380, 50)
	c.fill(p.poly(280, 770, 920, 770, 980, 880, 220, 880), solid(color.RGBA{52, 54, 58, 255}), 1)
	c.fill(p.poly(300, 780, 900, 780, 950, 860, 250, 860), solid(color.RGBA{72, 74, 80, 255}), 1)
	c.fill(p.rect(220, 880, 980, 920), solid(color.RGBA{34, 35, 38, 255}), 1)
	c.fill(p.rect(500, 886, 700, 914), solid(color.RGBA{14, 20, 16, 255}), 1)
	c.text("18.0", p.x(600), p.y(890), 3*p.s, color.RGBA{250, 170, 60, 255})
	// A carafe on the scale.
	server(c, p, 600, 800, 0.55)
}

func filters(c *canvas, p pen, col color.RGBA) {
	shadow(c, p, 600, 920, 330, 44)
	c.fill(p.rect(320, 600, 880, 920), cylinder(col, p.x(320), p.x(880)), 1)
	c.fill(p.rect(320, 600, 880, 640), solid(shade(col, 0.8)), 1)
	c.fill(p.rect(380, 700, 820, 860), solid(cream), 1)
	c.textBlock("FILTERS 100", p.x(600), p.y(720), 400*p.s, 120*p.s, shade(col, 0.7))
	for i := range 5 {
		o := float64(i) * 14
		c.fill(p.poly(360+o, 360+o, 840-o, 360+o, 660, 610, 540, 610), solid(shade(cream, 1-0.03*float64(i))), 1)
		c.fill(p.stroke(3, 360+o, 360+o, 540, 610), solid(shade(cream, 0.85)), 1)
	}
}

// coldBrew is a tall glass jug with a cotton bag steeping in it, and two
// folded bags in front.
func coldBrew(c *canvas, p pen) {
	shadow(c, p, 600, 930, 250, 40)
	cotton := color.RGBA{236, 226, 204, 255}
	jug := p.rrect(430, 330, 770, 930, 40)
	c.fill(jug, solid(color.RGBA{230, 236, 238, 255}), 0.45)
	c.fill(minus(jug, p.rrect(440, 340, 760, 920, 32)), solid(color.RGBA{150, 160, 166, 255}), 0.8)
	c.fill(p.rect(440, 470, 760, 920), cylinder(color.RGBA{96, 52, 28, 255}, p.x(430), p.x(770)), 0.9)
	bag := union(p.ellipse(600, 700, 110, 170), p.rect(530, 420, 670, 700))
	c.fill(bag, cylinder(cotton, p.x(490), p.x(710)), 0.55)
	c.fill(p.stroke(6, 560, 430, 600, 300, 790, 310, 800, 380), solid(cotton), 1)
	c.fill(p.rect(530, 420, 670, 440), solid(shade(cotton, 0.8)), 1)
	c.fill(p.stroke(8, 452, 360, 452, 900), solid(white), 0.5)
	// Two empty bags lying in front: a pouch gathered at the top by its string.
	for i, x := range []float64{275, 890} {
		y := 930.0 - float64(i)*10
		pouch := union(p.poly(x-40, y-190, x+40, y-190, x+95, y-40, x-95, y-40), p.ellipse(x, y-40, 95, 40))
		c.fill(pouch, cylinder(cotton, p.x(x-95), p.x(x+95)), 1)
		for k := -2.0; k <= 2; k++ {
			c.fill(p.stroke(3, x+k*14, y-180, x+k*30, y-60), solid(shade(cotton, 0.85)), 0.8)
		}
		c.fill(p.rect(x-44, y-200, x+44, y-184), solid(shade(cotton, 0.8)), 1)
		c.fill(p.stroke(5, x+40, y-192, x+80, y-230, x+120, y-200), solid(shade(cotton, 0.55)), 1)
	}
}

func aeropress(c *canvas, p pen, col color.RGBA) {
	shadow(c, p, 600, 930, 230, 40)
	c.fill(p.rrect(430, 890, 770, 930, 10), solid(color.RGBA{60, 60, 66, 255}), 1)
	chamber := p.rect(470, 470, 730, 895)
	c.fill(chamber, cylinder(color.RGBA{200, 200, 206, 255}, p.x(470), p.x(730)), 0.75)
	c.fill(p.rect(474, 640, 726, 890), solid(coffee), 0.8)
	for i := range 4 {
		y := 680 + float64(i)*50
		c.fill(p.rect(480, y, 520, y+4), solid(white), 0.8)
		c.text(fmt.Sprint(4-i), p.x(540), p.y(y-10), 3*p.s, white)
	}
	c.fill(p.rrect(490, 280, 710, 560, 12), cylinder(color.RGBA{70, 70, 78, 255}, p.x(490), p.x(710)), 1)
	c.fill(p.rect(440, 270, 760, 300), solid(shade(col, 0.9)), 1)
	c.fill(p.rect(440, 450, 760, 478), solid(color.RGBA{60, 60, 66, 255}), 1)
}

func frenchPress(c *canvas, p pen, col color.RGBA) {
	shadow(c, p, 600, 930, 250, 40)
	handle := p.stroke(34, 770, 480, 860, 480, 880, 520, 880, 800, 770, 840)
	c.fill(handle, solid(col), 1)
	c.fill(p.rect(430, 390, 770, 920), solid(color.RGBA{226, 232, 234, 255}), 0.4)
	c.fill(p.rect(434, 530, 766, 916), cylinder(color.RGBA{86, 46, 24, 255}, p.x(430), p.x(770)), 0.95)
	c.fill(p.rect(434, 520, 766, 536), solid(crema), 0.95)
	c.fill(p.stroke(8, 460, 420, 460, 880), solid(white), 0.45)
	c.fill(p.rect(420, 880, 780, 930), cylinder(steel, p.x(420), p.x(780)), 1)
	c.fill(p.rect(585, 280, 615, 390), cylinder(steel, p.x(585), p.x(615)), 1)
	c.fill(p.ellipse(600, 270, 34, 34), solid(col), 1)
	c.fill(union(p.ellipse(600, 385, 180, 30), p.rect(420, 372, 780, 395)), cylinder(steel, p.x(420), p.x(780)), 1)
	c.fill(p.rect(420, 620, 780, 650), cylinder(steel, p.x(420), p.x(780)), 1)
}

func moka(c *canvas, p pen, col color.RGBA) {
	shadow(c, p, 600, 930, 240, 40)
	alu := color.RGBA{192, 194, 196, 255}
	c.fill(p.poly(470, 700, 730, 700, 790, 930, 410, 930), cylinder(alu, p.x(410), p.x(790)), 1)
	c.fill(p.poly(490, 660, 710, 660, 730, 700, 470, 700), solid(shade(alu, 0.7)), 1)
	c.fill(p.poly(480, 660, 720, 660, 760, 420, 440, 420), cylinder(alu, p.x(440), p.x(760)), 1)
	c.fill(p.poly(440, 420, 760, 420, 740, 380, 460, 380), cylinder(shade(alu, 0.9), p.x(440), p.x(760)), 1)
	c.fill(p.ellipse(600, 368, 30, 18), solid(black), 1)
	c.fill(p.poly(440, 430, 380, 400, 370, 420, 440, 470), cylinder(alu, p.x(370), p.x(440)), 1)
	handle := p.stroke(36, 760, 450, 850, 450, 840, 640, 740, 620)
	c.fill(handle, solid(col), 1)
	c.fill(p.ellipse(600, 810, 22, 22), solid(shade(alu, 0.6)), 1)
}

func book(c *canvas, p pen, col color.RGBA, title string, aged bool, r *rand.Rand) {
	shadow(c, p, 620, 960, 280, 36)
	paper := cream
	if aged {
		col = mix(col, color.RGBA{200, 170, 110, 255}, 0.3)
		paper = color.RGBA{232, 216, 180, 255}
	}
	c.fill(p.rect(395, 215, 865, 955), solid(paper), 1)
	for y := 220.0; y < 950; y += 7 {
		c.fill(p.rect(845, y, 865, y+1.5), solid(shade(paper, 0.8)), 0.6)
	}
	cover := p.rrect(360, 200, 850, 945, 6)
	c.fill(cover, func(x, y float64) color.RGBA {
		t := (x - p.x(360)) / (p.x(850) - p.x(360))
		f := 1.0 - 0.25*smooth(0.1, 0, t)
		return shade(col, f+0.08*(1-(y-p.y(200))/(745*p.s)))
	}, 1)
	c.fill(p.rect(392, 200, 398, 945), solid(shade(col, 0.7)), 0.8)
	band := p.rect(398, 360, 850, 640)
	c.fill(band, solid(paper), 1)
	c.textBlock(title, p.x(624), p.y(385), 360*p.s, 230*p.s, shade(col, 0.55))
	// A small ornament: a coffee bean in a circle.
	c.fill(p.ellipse(624, 790, 62, 62), solid(paper), 1)
	c.fill(p.ellipse(624, 790, 54, 54), solid(col), 1)
	c.fill(ellipseS(p.x(624), p.y(790), 30*p.s, 21*p.s, 0.6), solid(paper), 1)
	c.fill(p.stroke(5, 606, 770, 624, 790, 642, 810), solid(col), 1)
	if aged {
		for range 40 {
			x, y := 370+r.Float64()*470, 210+r.Float64()*720
			c.fill(p.ellipse(x, y, 3+r.Float64()*8, 3+r.Float64()*6), solid(shade(col, 1.25)), 0.25)
		}
		c.fill(p.poly(850, 200, 850, 250, 800, 200), solid(paper), 1)
		c.fill(p.stroke(3, 800, 200, 850, 250), solid(shade(col, 0.7)), 0.6)
	}
}

func openBook(c *canvas, r *rand.Rand, aged bool) {
	W, H := float64(c.w), float64(c.h)
	table := pick(r, tables)
	c.fill(rectS(0, 0, W, H), func(x, y float64) color.RGBA { return shade(table, 0.85+0.2*y/H) }, 1)
	paper := cream
	if aged {
		paper = color.RGBA{232, 216, 180, 255}
	}
	cx, cy, pw, ph := W/2, H/2, math.Min(W*0.38, H*0.55), H*0.72
	c.soft(cx+20, cy+30, pw*1.15, ph*0.62, black, 0.4)
	for _, side := range []float64{-1, 1} {
		x0, x1 := cx, cx+side*pw
		s := polyS(x0, cy-ph/2+12, x1, cy-ph/2, x1, cy+ph/2, x0, cy+ph/2+12)
		c.fill(s, func(x, y float64) color.RGBA {
			return shade(paper, 1-0.2*smooth(pw*0.25, 0, math.Abs(x-cx)))
		}, 1)
		for i := range 16 {
			y := cy - ph/2 + ph*0.1 + float64(i)*ph*0.05
			l := pw * (0.62 + 0.16*r.Float64())
			if i == 15 {
				l *= 0.5
			}
			a, b := cx+side*pw*0.14, cx+side*(pw*0.14+l)
			c.fill(rectS(math.Min(a, b), y, math.Max(a, b), y+H*0.008), solid(shade(paper, 0.6)), 0.7)
		}
	}
	// A cup beside the book.
	cx, cy = W-H*0.17, H*0.84
	c.soft(cx+H*0.01, cy+H*0.02, H*0.15, H*0.15, black, 0.35)
	c.fill(ellipseS(cx, cy, H*0.12, H*0.12, 0), solid(cream), 1)
	c.fill(ellipseS(cx, cy, H*0.09, H*0.09, 0), solid(coffee), 1)
	c.fill(ellipseS(cx-H*0.005, cy-H*0.005, H*0.05, H*0.05, 0), solid(crema), 0.6)
}

// ---------------------------------------------------------------------------
// Scenes

func hillPath(r *rand.Rand, W, base, amp float64) func(x float64) float64 {
	f1, f2, f3 := 1+r.Float64()*1.5, 2.5+r.Float64()*3, 6+r.Float64()*5
	p1, p2, p3 := r.Float64()*6, r.Float64()*6, r.Float64()*6
	return func(x float64) float64 {
		t := x / W
		return base - amp*(0.55*math.Sin(t*f1*math.Pi+p1)+0.3*math.Sin(t*f2*math.Pi+p2)+0.15*math.Sin(t*f3*math.Pi+p3))
	}
}

func below(f func(float64) float64, W, H float64) shape {
	return shape{func(x, y float64) bool { return y >= f(x) }, 0, 0, W, H}
}

func landscape(c *canvas, r *rand.Rand, beds bool) {
	W, H := float64(c.w), float64(c.h)
	skyTop := mix(color.RGBA{120, 160, 200, 255}, color.RGBA{230, 170, 120, 255}, r.Float64()*0.6)
	skyBot := color.RGBA{246, 226, 196, 255}
	c.fill(rectS(0, 0, W, H), vgrad(skyTop, skyBot, 0, H*0.6), 1)
	sx, sy := W*(0.2+0.6*r.Float64()), H*(0.18+0.12*r.Float64())
	c.soft(sx, sy, H*0.3, H*0.3, color.RGBA{255, 240, 200, 255}, 0.6)
	c.fill(ellipseS(sx, sy, H*0.06, H*0.06, 0), solid(color.RGBA{255, 246, 220, 255}), 1)
	greens := []color.RGBA{{150, 176, 150, 255}, {112, 150, 104, 255}, {78, 122, 72, 255}, {52, 96, 52, 255}, {36, 74, 40, 255}}
	layers := 5
	for i := range layers {
		t := float64(i) / float64(layers-1)
		base := H * (0.42 + 0.14*float64(i))
		f := hillPath(r, W, base, H*(0.08+0.05*t))
		haze := mix(greens[i], skyBot, 0.45*(1-t))
		c.fill(below(f, W, H), vgrad(haze, shade(haze, 0.8), base-H*0.1, H), 1)
		if i >= 2 {
			// Rows of coffee shrubs following the slope.
			step := W / (38 - float64(i)*5)
			for x := step / 2; x < W; x += step {
				for k := range 3 {
					y := f(x) + float64(k+1)*H*0.035*(0.6+t)
					if y > H {
						break
					}
					rad := H * (0.008 + 0.012*t)
					c.fill(ellipseS(x+r.Float64()*step*0.3, y, rad*1.4, rad, 0), solid(shade(greens[i], 0.7)), 0.9)
				}
			}
		}
		if i == 2 {
			// Shade trees.
			for range 5 {
				x := r.Float64() * W
				y := f(x)
				rad := H * (0.04 + 0.03*r.Float64())
				c.fill(rectS(x-rad*0.08, y-rad*1.6, x+rad*0.08, y+rad*0.2), solid(color.RGBA{70, 56, 40, 255}), 1)
				c.fill(ellipseS(x, y-rad*1.8, rad*1.5, rad*0.9, 0), solid(shade(greens[3], 0.85)), 1)
			}
		}
	}
	if beds {
		// Raised drying beds in perspective, full of red cherries.
		for i := range 4 {
			y0 := H * (0.66 + 0.085*float64(i))
			h := H * (0.035 + 0.008*float64(i))
			x0, x1 := W*(0.1-0.02*float64(i)), W*(0.9+0.02*float64(i))
			c.fill(rectS(x0, y0+h, x1, y0+h*1.3), solid(color.RGBA{90, 70, 50, 255}), 1)
			c.fill(rectS(x0, y0, x1, y0+h), func(x, y float64) color.RGBA {
				n := math.Sin(x*0.9)*math.Sin(y*1.3) + math.Sin(x*0.37+y*0.21)
				return mix(color.RGBA{150, 40, 36, 255}, color.RGBA{96, 40, 30, 255}, 0.5+0.25*n)
			}, 1)
			for x := x0; x <= x1; x += (x1 - x0) / 6 {
				c.fill(rectS(x-3, y0+h, x+3, y0+h*2.2), solid(color.RGBA{80, 62, 44, 255}), 1)
			}
		}
	}
}

func cherries(c *canvas, r *rand.Rand) {
	W, H := float64(c.w), float64(c.h)
	c.fill(rectS(0, 0, W, H), func(x, y float64) color.RGBA {
		return mix(color.RGBA{70, 110, 64, 255}, color.RGBA{170, 190, 130, 255}, 0.5+0.5*math.Sin(x/W*3+y/H*2))
	}, 1)
	for range 18 {
		c.soft(r.Float64()*W, r.Float64()*H, H*0.2, H*0.2, color.RGBA{40, 70, 40, 255}, 0.25)
	}
	br := bezier(-50, H*0.75, W*0.3, H*0.55, W*0.6, H*0.45, W+50, H*0.2, 40)
	c.fill(strokeS(H*0.03, br...), solid(color.RGBA{110, 86, 62, 255}), 1)
	for i := 4; i < len(br)-4; i += 8 {
		x, y := br[i], br[i+1]
		for _, s := range []float64{-1, 1} {
			ang := -0.6 + s*1.0 + r.Float64()*0.3
			L := H * (0.16 + 0.05*r.Float64())
			lx, ly := x+math.Cos(ang)*L*0.9*s, y+math.Sin(ang)*L*0.9
			leaf := ellipseS((x+lx)/2, (y+ly)/2, L*0.55, L*0.2, math.Atan2(ly-y, lx-x))
			c.fill(leaf, solid(color.RGBA{44, 100, 48, 255}), 1)
			c.fill(strokeS(2, x, y, lx, ly), solid(color.RGBA{120, 170, 100, 255}), 0.6)
		}
		for k := range 9 {
			a := float64(k) / 9 * 2 * math.Pi
			d := H * 0.035
			cx, cy := x+math.Cos(a)*d*1.2, y+math.Sin(a)*d+H*0.02
			col := color.RGBA{182, 30, 40, 255}
			switch r.Intn(5) {
			case 0:
				col = color.RGBA{230, 160, 40, 255}
			case 1:
				col = color.RGBA{120, 20, 30, 255}
			}
			c.fill(ellipseS(cx, cy, H*0.028, H*0.026, 0), func(px, py float64) color.RGBA {
				return shade(col, 1.2-0.5*math.Hypot(px-cx+H*0.01, py-cy+H*0.01)/(H*0.04))
			}, 1)
		}
	}
}

func roastery(c *canvas, r *rand.Rand) {
	W, H := float64(c.w), float64(c.h)
	wall := color.RGBA{196, 180, 160, 255}
	c.fill(rectS(0, 0, W, H*0.78), func(x, y float64) color.RGBA {
		bx := math.Mod(x+math.Floor(y/(H*0.06))*H*0.06, H*0.12)
		if math.Mod(y, H*0.06) < 3 || bx < 3 {
			return shade(wall, 0.85)
		}
		return shade(wall, 1-0.15*y/H)
	}, 1)
	c.fill(rectS(0, H*0.78, W, H), solid(color.RGBA{70, 66, 62, 255}), 1)
	c.soft(W*0.3, H*0.2, W*0.4, H*0.4, color.RGBA{255, 230, 190, 255}, 0.35)
	red := pick(r, []color.RGBA{{160, 40, 36, 255}, {40, 80, 70, 255}, {30, 30, 34, 255}})
	cx, cy := W*0.45, H*0.5
	u := H / 900
	// Chimney, hopper, drum, front plate, cooling tray, legs.
	c.fill(rectS(cx-40*u, 0, cx+10*u, cy-150*u), cylinder(steel, cx-40*u, cx+10*u), 1)
	c.fill(polyS(cx-160*u, cy-300*u, cx+40*u, cy-300*u, cx-30*u, cy-170*u, cx-90*u, cy-170*u), cylinder(steel, cx-160*u, cx+40*u), 1)
	c.fill(rrectS(cx-260*u, cy-180*u, cx+200*u, cy+120*u, 40*u), func(x, y float64) color.RGBA {
		return shade(red, 1.15-0.4*(y-(cy-180*u))/(300*u))
	}, 1)
	c.fill(ellipseS(cx+210*u, cy-30*u, 90*u, 150*u, 0), solid(shade(steel, 0.8)), 1)
	c.fill(ellipseS(cx+215*u, cy-30*u, 60*u, 110*u, 0), solid(steel), 1)
	c.fill(ellipseS(cx+220*u, cy-60*u, 24*u, 24*u, 0), solid(color.RGBA{255, 170, 60, 255}), 1)
	for _, lx := range []float64{-220, 160} {
		c.fill(rectS(cx+lx*u, cy+120*u, cx+(lx+30)*u, H*0.8), solid(black), 1)
	}
	tx, ty := cx+420*u, cy+180*u
	c.fill(ellipseS(tx, ty+30*u, 260*u, 60*u, 0), solid(shade(steel, 0.6)), 1)
	c.fill(ellipseS(tx, ty, 250*u, 55*u, 0), solid(steel), 1)
	c.fill(ellipseS(tx, ty, 232*u, 46*u, 0), func(x, y float64) color.RGBA {
		n := math.Sin(x*0.7)*math.Sin(y*1.1) + math.Sin(x*0.23-y*0.4)
		return mix(color.RGBA{70, 40, 22, 255}, color.RGBA{120, 72, 40, 255}, 0.5+0.25*n)
	}, 1)
	c.fill(strokeS(10*u, tx, ty, tx+200*u, ty-20*u), solid(shade(steel, 0.5)), 1)
	c.fill(rectS(tx-10*u, ty+40*u, tx+10*u, H*0.82), solid(black), 1)
	// Sacks of green coffee.
	for i := range 3 {
		sx := W*0.08 + float64(i)*110*u
		c.fill(rrectS(sx, H*0.62, sx+100*u, H*0.86, 30*u), solid(color.RGBA{190, 160, 110, 255}), 1)
		c.fill(rectS(sx+20*u, H*0.7, sx+80*u, H*0.74), solid(color.RGBA{140, 60, 40, 255}), 0.8)
	}
}

func atelier(c *canvas, r *rand.Rand, glaze color.RGBA) {
	W, H := float64(c.w), float64(c.h)
	wall := color.RGBA{232, 222, 206, 255}
	c.fill(rectS(0, 0, W, H), func(x, y float64) color.RGBA {
		return shade(wall, 1.05-0.25*math.Hypot(x-W*0.7, y-H*0.2)/W)
	}, 1)
	c.soft(W*0.75, H*0.2, W*0.35, H*0.5, color.RGBA{255, 244, 220, 255}, 0.5)
	glazes := []color.RGBA{mix(glaze, cream, 0.3), {226, 220, 206, 255}, {120, 140, 130, 255}, {176, 110, 80, 255}, {70, 80, 96, 255}, {200, 190, 170, 255}}
	for row := range 3 {
		sy := H * (0.3 + 0.28*float64(row))
		c.fill(rectS(0, sy, W, sy+H*0.03), solid(wood), 1)
		c.fill(rectS(0, sy+H*0.03, W, sy+H*0.045), solid(shade(wood, 0.6)), 0.5)
		x := W * 0.04
		for x < W*0.95 {
			w := H * (0.08 + 0.08*r.Float64())
			h := H * (0.1 + 0.12*r.Float64())
			g := glazes[r.Intn(len(glazes))]
			c.soft(x+w/2+6, sy, w*0.6, H*0.015, black, 0.3)
			switch r.Intn(3) {
			case 0: // cup
				c.fill(rrectS(x, sy-h*0.7, x+w, sy, w*0.2), cylinder(g, x, x+w), 1)
			case 1: // vase
				c.fill(union(ellipseS(x+w/2, sy-h*0.4, w/2, h*0.4, 0), rectS(x+w*0.3, sy-h, x+w*0.7, sy-h*0.5)), cylinder(g, x, x+w), 1)
			default: // bowl
				c.fill(and(ellipseS(x+w/2, sy-h*0.35, w*0.6, h*0.35, 0), rectS(x-w, sy-h*0.35, x+2*w, sy)), cylinder(g, x-w*0.1, x+w*1.1), 1)
			}
			x += w * (1.25 + 0.4*r.Float64())
		}
	}
}
