package e2e

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Message is one e-mail from the outbox, decoded for reading.
type Message struct {
	File    string
	Subject string
	To      string
	Text    string // the text/plain part (or the whole body when there is none)
	HTML    string // the text/html part, if any
}

// ReadOutbox reads every .eml file in dir, oldest name first.
func ReadOutbox(dir string) ([]Message, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil {
		return nil, fmt.Errorf("list outbox %s: %w", dir, err)
	}
	sort.Strings(names)
	var msgs []Message
	for _, n := range names {
		if strings.HasPrefix(filepath.Base(n), ".") {
			continue // a message still being written (.tmp-*.eml, renamed when complete)
		}
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", n, err)
		}
		m, err := ParseMessage(b)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", n, err)
		}
		m.File = filepath.Base(n)
		msgs = append(msgs, m)
	}
	return msgs, nil
}

// ParseMessage decodes an RFC 5322 message: headers, and the text and HTML
// parts of a (nested) multipart body with their transfer encodings undone.
func ParseMessage(raw []byte) (Message, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Message{}, fmt.Errorf("read message: %w", err)
	}
	dec := new(mime.WordDecoder)
	subj, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		subj = msg.Header.Get("Subject")
	}
	m := Message{Subject: subj, To: msg.Header.Get("To")}
	if err := walkPart(&m, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body); err != nil {
		return Message{}, err
	}
	return m, nil
}

func walkPart(m *Message, ctype, cte string, body io.Reader) error {
	if ctype == "" {
		ctype = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		return fmt.Errorf("content type %q: %w", ctype, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("multipart: %w", err)
			}
			if err := walkPart(m, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(cte) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, &newlineStripper{r: body})
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return fmt.Errorf("read %s part: %w", mt, err)
	}
	switch mt {
	case "text/plain":
		m.Text += string(b)
	case "text/html":
		m.HTML += string(b)
	}
	return nil
}

// newlineStripper drops CR and LF so base64 lines decode as one stream.
type newlineStripper struct{ r io.Reader }

func (n *newlineStripper) Read(p []byte) (int, error) {
	for {
		k, err := n.r.Read(p)
		j := 0
		for _, c := range p[:k] {
			if c != '\r' && c != '\n' {
				p[j] = c
				j++
			}
		}
		if j > 0 || err != nil {
			return j, err
		}
	}
}
