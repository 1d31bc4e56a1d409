package web_test

// The schema validator TestOpenAPIValidatesResponses checks the API's
// answers with, and its own test.

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"motcua/web"
)

// validator checks a JSON value against the subset of JSON Schema the
// document uses: $ref, type, required, properties, items, enum, format
// date-time.
type validator struct{ doc map[string]any }

func (v validator) operation(method, path string) (map[string]any, error) {
	paths := v.doc["paths"].(map[string]any)
	for _, p := range slices.Sorted(maps.Keys(paths)) {
		re := "^" + regexp.MustCompile(`\\\{[a-z_]+\\\}`).ReplaceAllString(regexp.QuoteMeta(p), `[^/]+`) + "$"
		if regexp.MustCompile(re).MatchString(path) {
			if op, ok := paths[p].(map[string]any)[strings.ToLower(method)].(map[string]any); ok {
				return op, nil
			}
		}
	}
	return nil, fmt.Errorf("no operation in the document")
}

func (v validator) validate(schema map[string]any, val any, at string) []string {
	if r, ok := schema["$ref"].(string); ok {
		name := strings.TrimPrefix(r, "#/components/schemas/")
		s, ok := v.doc["components"].(map[string]any)["schemas"].(map[string]any)[name].(map[string]any)
		if !ok {
			return []string{at + ": unknown schema " + r}
		}
		return v.validate(s, val, at)
	}
	var errs []string
	if t, ok := schema["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, x.(string))
			}
		}
		if !slices.Contains(types, jsonType(val)) && !(jsonType(val) == "integer" && slices.Contains(types, "number")) {
			return []string{fmt.Sprintf("%s: %s, want %v", at, jsonType(val), types)}
		}
	}
	if enum, ok := schema["enum"].([]any); ok && !slices.Contains(enum, val) {
		errs = append(errs, fmt.Sprintf("%s: %v not in %v", at, val, enum))
	}
	if schema["format"] == "date-time" {
		if s, ok := val.(string); ok {
			if _, err := time.Parse(time.RFC3339, s); err != nil {
				errs = append(errs, at+": not RFC 3339: "+s)
			}
		}
	}
	if obj, ok := val.(map[string]any); ok {
		for _, r := range asStrings(schema["required"]) {
			if _, ok := obj[r]; !ok {
				errs = append(errs, at+": missing "+r)
			}
		}
		props, _ := schema["properties"].(map[string]any)
		for k, pv := range obj {
			if ps, ok := props[k].(map[string]any); ok && pv != nil {
				errs = append(errs, v.validate(ps, pv, at+"."+k)...)
			}
		}
	}
	if arr, ok := val.([]any); ok {
		if items, ok := schema["items"].(map[string]any); ok {
			for i, x := range arr {
				errs = append(errs, v.validate(items, x, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	return errs
}

func asStrings(v any) []string {
	var out []string
	if a, ok := v.([]any); ok {
		for _, x := range a {
			out = append(out, x.(string))
		}
	}
	return out
}

func jsonType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case float64:
		if v == float64(int64(v)) {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "unknown"
}

// TestOpenAPIValidatorCatchesBadAnswers: the validator is not a
// stub: wrong types, missing fields and bad enums are reported.
func TestOpenAPIValidatorCatchesBadAnswers(t *testing.T) {
	doc := web.OpenAPIDocument()
	b, _ := json.Marshal(doc)
	var d map[string]any
	json.Unmarshal(b, &d)
	v := validator{doc: d}
	schema := map[string]any{"$ref": "#/components/schemas/Agency"}
	for _, tc := range []struct {
		body string
		bad  bool
	}{
		{`{"code":"BN","name":"Tỉnh","level":"province","parent_code":""}`, false},
		{`{"code":"BN","name":"Tỉnh","level":"country","parent_code":""}`, true},
		{`{"code":1,"name":"Tỉnh","level":"province","parent_code":""}`, true},
		{`{"code":"BN","level":"province","parent_code":""}`, true},
	} {
		var val any
		json.Unmarshal([]byte(tc.body), &val)
		if errs := v.validate(schema, val, "$"); (len(errs) > 0) != tc.bad {
			t.Errorf("%s: errors %v; want bad=%v", tc.body, errs, tc.bad)
		}
	}
}
