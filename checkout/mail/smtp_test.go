package mail

import (
	"bufio"
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

// fakeSMTP is a tiny SMTP server on 127.0.0.1 that accepts one message per
// connection and hands over what it received (no TLS, no auth: a local relay).
func fakeSMTP(t *testing.T) (port int, got <-chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	ch := make(chan string, 4)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go serveSMTP(conn, ch)
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port, ch
}

func serveSMTP(conn net.Conn, ch chan<- string) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(conn)
	say := func(s string) { conn.Write([]byte(s + "\r\n")) }
	say("220 fake ESMTP")
	var envelope strings.Builder
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250-fake\r\n250 8BITMIME")
		case strings.HasPrefix(cmd, "RCPT TO") && strings.Contains(cmd, "NOBODY@"):
			rcpt := strings.TrimSpace(line[len("RCPT TO:"):])
			say("550 5.1.1 " + rcpt + ": Recipient address rejected: User unknown")
		case strings.HasPrefix(cmd, "MAIL FROM"), strings.HasPrefix(cmd, "RCPT TO"):
			envelope.WriteString(strings.TrimSpace(line) + "\n")
			say("250 OK")
		case cmd == "DATA":
			say("354 go on")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(l)
			}
			ch <- envelope.String() + data.String()
			say("250 queued")
		case cmd == "RSET", cmd == "NOOP":
			say("250 OK")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("502 not here")
		}
	}
}

func TestSMTPSends(t *testing.T) {
	port, got := fakeSMTP(t)
	s, err := NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: port, TLS: "none", From: "Brandpunt <winkel@example.nl>"})
	if err != nil {
		t.Fatal(err)
	}
	subj, text, html, err := Confirmation(summary())
	if err != nil {
		t.Fatal(err)
	}
	m := Message{ID: "order_confirmation:SF-1", Kind: "confirmation", To: "eva@example.org", ToName: "Eva",
		Subject: subj, Text: text, HTML: html, Created: time.Now()}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Send(ctx, m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	select {
	case raw := <-got:
		for _, want := range []string{"MAIL FROM:<winkel@example.nl>", "RCPT TO:<eva@example.org>", "multipart/alternative", "Subject:"} {
			if !strings.Contains(raw, want) {
				t.Errorf("server got no %q:\n%s", want, raw)
			}
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the SMTP server received nothing")
	}
}

func TestSMTPUnreachable(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // nobody listens here now
	s, err := NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: port, TLS: "none", From: "w@example.nl"})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), Message{ID: "x", To: "eva@example.org", Subject: "s", Text: "t"})
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1") {
		t.Errorf("Send to a closed port: %v", err)
	}
}

// TestSMTPErrorLeavesOutTheAddress: a refused recipient's address appears
// in go-mail's error and in the server's answer; the error Send returns
// (logged, and kept in the mail queue) must not carry it.
func TestSMTPErrorLeavesOutTheAddress(t *testing.T) {
	port, _ := fakeSMTP(t)
	s, err := NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: port, TLS: "none", From: "w@example.nl"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = s.Send(ctx, Message{ID: "order_confirmation:SF-2", To: "Nobody@Example.org", Subject: "s", Text: "t"})
	if err == nil {
		t.Fatal("Send to a refused recipient succeeded")
	}
	if text := strings.ToLower(err.Error()); strings.Contains(text, "nobody@example.org") || !strings.Contains(text, "550") {
		t.Errorf("error = %q; want the server's answer without the address", err)
	}
}
