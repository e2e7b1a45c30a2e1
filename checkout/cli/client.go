package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// adminClient calls the sidecar's admin API.
type adminClient struct {
	base  *url.URL
	token string
	http  *http.Client
}

func newAdminClient(base string) (*adminClient, error) {
	if base == "" {
		return nil, errors.New("SHOP_ADMIN_URL is not set: give the sidecar's address, e.g. http://127.0.0.1:8080 (or -url)")
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("SHOP_ADMIN_URL=%q is not an http(s) address like http://127.0.0.1:8080", base)
	}
	token := os.Getenv("SHOP_ADMIN_TOKEN")
	if token == "" {
		return nil, errors.New("SHOP_ADMIN_TOKEN is not set: use the token the sidecar was started with")
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	return &adminClient{base: u, token: token, http: &http.Client{Timeout: 30 * time.Second}}, nil
}

func (c *adminClient) request(method, path string, body any) (*http.Request, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base.String()+path, r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("X-Shop-Actor", "cli")
	if body != nil || method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// do sends the request and decodes a 2xx answer into v; any other answer
// becomes an error with the sidecar's message.
func (c *adminClient) do(method, path string, body, v any) ([]byte, error) {
	req, err := c.request(method, path, body)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("reach the sidecar at %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("read answer of %s %s: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, answerError(resp.StatusCode, raw)
	}
	if v != nil {
		if err := json.Unmarshal(raw, v); err != nil {
			return nil, fmt.Errorf("decode answer of %s %s: %w", method, path, err)
		}
	}
	return raw, nil
}

func answerError(status int, raw []byte) error {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(raw, &e) == nil && e.Error != "" {
		return fmt.Errorf("sidecar says (%d): %s", status, e.Error)
	}
	return fmt.Errorf("sidecar answered %d %s", status, http.StatusText(status))
}

// show calls the admin API and prints the answer: the raw JSON with
// asJSON, else decoded into a T and written by print.
func show[T any](c *adminClient, out io.Writer, asJSON bool, method, path string, body any, print func(io.Writer, T)) error {
	var v T
	raw, err := c.do(method, path, body, &v)
	if err != nil {
		return err
	}
	if asJSON {
		_, err = out.Write(raw)
		return err
	}
	print(out, v)
	return nil
}

// AdminGet sends GET path to the sidecar's admin API at base (SHOP_ADMIN_URL)
// with the token from SHOP_ADMIN_TOKEN and no overall timeout (a backup of a
// large database takes a while). An answer other than 200 is an error that
// says what the sidecar said; the caller closes the body of a 200.
func AdminGet(base, path string) (*http.Response, error) {
	c, err := newAdminClient(base)
	if err != nil {
		return nil, err
	}
	req, err := c.request(http.MethodGet, path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := (&http.Client{}).Do(req)
	if err != nil {
		return nil, fmt.Errorf("reach the sidecar at %s: %w", c.base, err)
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
		return nil, answerError(resp.StatusCode, raw)
	}
	return resp, nil
}

// AdminPost sends POST path with body (JSON) to the sidecar's admin API, as
// AdminGet does, and decodes the answer into v (when not nil).
func AdminPost(base, path string, body, v any) error {
	c, err := newAdminClient(base)
	if err != nil {
		return err
	}
	_, err = c.do(http.MethodPost, path, body, v)
	return err
}
