package blob

import "net/http"

// SignForTest exposes the request signer to the tests.
func SignForTest(s *S3, req *http.Request, payloadSHA256 string) { s.sign(req, payloadSHA256, s.Now()) }
