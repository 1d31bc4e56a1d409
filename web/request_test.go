package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// request builds a request of method to url with body (nil for none),
// the bearer token (none when "") and the headers hdr, set in that order.
func request(t testing.TB, method, url string, body io.Reader, token string, hdr map[string]string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return req
}

// roundTrip sends req with client c (http.DefaultClient when nil) and
// returns the answer with its body read in full and closed.
func roundTrip(t testing.TB, c *http.Client, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	if c == nil {
		c = http.DefaultClient
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// postForm posts the form v to u with client c; the body as a string.
func postForm(t testing.TB, c *http.Client, u string, v url.Values) (*http.Response, string) {
	t.Helper()
	res, b := roundTrip(t, c, request(t, "POST", u, strings.NewReader(v.Encode()), "", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}))
	return res, string(b)
}

// get fetches u with client c; the body as a string.
func get(t testing.TB, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	res, b := roundTrip(t, c, request(t, "GET", u, nil, "", nil))
	return res, string(b)
}
