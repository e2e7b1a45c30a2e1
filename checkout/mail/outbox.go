package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Outbox writes each message as one .eml file in Dir instead of sending it.
// The file is named <created>-<kind>-<id>.eml, so tests and people can count
// messages of a kind; writing the same message twice keeps one file.
type Outbox struct {
	Dir  string
	From string
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// FileName is the outbox file name of m.
func FileName(m Message) string {
	created := m.Created
	if created.IsZero() {
		created = time.Now()
	}
	kind := unsafeName.ReplaceAllString(m.Kind, "_")
	if kind == "" {
		kind = "mail"
	}
	return created.UTC().Format("20060102T150405Z") + "-" + kind + "-" + unsafeName.ReplaceAllString(m.ID, "_") + ".eml"
}

// Send writes m to the outbox, atomically (temp file, fsync, rename).
func (o Outbox) Send(_ context.Context, m Message) error {
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return fmt.Errorf("outbox %s: %w", o.Dir, err)
	}
	name := filepath.Join(o.Dir, FileName(m))
	if _, err := os.Stat(name); err == nil {
		return nil // already delivered by an earlier attempt
	}
	var buf bytes.Buffer
	if err := Write(&buf, o.from(), m); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(o.Dir, ".tmp-*.eml")
	if err != nil {
		return fmt.Errorf("outbox %s: %w", o.Dir, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return fmt.Errorf("outbox %s: %w", name, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("outbox %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("outbox %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("outbox %s: %w", name, err)
	}
	return nil
}

func (o Outbox) from() string {
	if o.From != "" {
		return o.From
	}
	return "shop@localhost"
}

// Entry is one message in the outbox, as the /outbox/ page lists it.
type Entry struct {
	Name    string
	Kind    string
	To      string
	Subject string
	Date    time.Time
	Size    int64
}

// List reads the outbox, newest first. A missing directory is an empty outbox.
func List(dir string) ([]Entry, error) {
	des, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read outbox %s: %w", dir, err)
	}
	var out []Entry
	for _, de := range des {
		if de.IsDir() || !strings.HasSuffix(de.Name(), ".eml") || strings.HasPrefix(de.Name(), ".") {
			continue
		}
		e := Entry{Name: de.Name()}
		if parts := strings.SplitN(de.Name(), "-", 3); len(parts) == 3 {
			e.Kind = parts[1]
		}
		if info, err := de.Info(); err == nil {
			e.Size = info.Size()
		}
		if f, err := os.Open(filepath.Join(dir, de.Name())); err == nil {
			if msg, err := mail.ReadMessage(f); err == nil {
				dec := new(mime.WordDecoder)
				e.Subject, _ = dec.DecodeHeader(msg.Header.Get("Subject"))
				e.To, _ = dec.DecodeHeader(msg.Header.Get("To"))
				e.Date, _ = msg.Header.Date()
			}
			f.Close()
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name > out[j].Name })
	return out, nil
}
