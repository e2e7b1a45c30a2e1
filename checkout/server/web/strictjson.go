package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// Strict JSON bodies (docs/api.md, "Strict JSON"). encoding/json matches
// keys case-insensitively and lets the last of two equal keys win, so
// {"sku":"A","SKU":"B"} adds B while anything reading "sku" sees A. Before
// a body is decoded, checkKeys walks it with json.Decoder.Token next to the
// Go type it fills and refuses:
//   - a key given twice in one object (ErrDuplicateKey),
//   - a key that is not exactly a field's json name, in another case
//     (ErrFieldCase) or unknown (ErrUnknownField).
// Values are then decoded by encoding/json as before.

var (
	ErrDuplicateKey = errors.New("duplicate key")
	ErrFieldCase    = errors.New("field name in the wrong case")
	ErrUnknownField = errors.New("unknown field")
)

var unmarshaler = reflect.TypeFor[json.Unmarshaler]()

// maxJSONDepth bounds the nesting the pre-pass follows (bodies are small;
// encoding/json itself stops at 10000).
const maxJSONDepth = 64

// DecodeStrict decodes one JSON value from data into v after checkKeys.
func DecodeStrict(data []byte, v any) error {
	if err := checkKeys(data, reflect.TypeOf(v)); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("request body holds more than one JSON value")
	}
	return nil
}

// checkKeys checks every object key in data against t (the type decoded into).
func checkKeys(data []byte, t reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return walkValue(dec, t, "", 0)
}

// fieldNames are the exact JSON names of a struct type's fields, with the type of each.
func fieldNames(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for f := range t.Fields() {
		if !f.IsExported() && !f.Anonymous {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				for k, v := range fieldNames(et) {
					if _, ok := out[k]; !ok {
						out[k] = v
					}
				}
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

func walkValue(dec *json.Decoder, t reflect.Type, path string, depth int) error {
	if depth > maxJSONDepth {
		return fmt.Errorf("body nested deeper than %d", maxJSONDepth)
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && (t.Implements(unmarshaler) || reflect.PointerTo(t).Implements(unmarshaler)) {
		t = nil // decodes itself: only duplicate keys are checked below it
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil // a scalar: encoding/json checks its type
	}
	switch d {
	case '[':
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; dec.More(); i++ {
			if err := walkValue(dec, elem, fmt.Sprintf("%s[%d]", path, i), depth+1); err != nil {
				return err
			}
		}
		_, err := dec.Token() // ]
		return err
	case '{':
		var fields map[string]reflect.Type
		var elem reflect.Type
		if t != nil {
			switch t.Kind() {
			case reflect.Struct:
				fields = fieldNames(t)
			case reflect.Map:
				elem = t.Elem()
			}
		}
		seen := map[string]bool{}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := tok.(string)
			at := key
			if path != "" {
				at = path + "." + key
			}
			if seen[key] {
				return fmt.Errorf("%w %q", ErrDuplicateKey, at)
			}
			seen[key] = true
			next := elem
			if fields != nil {
				ft, known := fields[key]
				if !known {
					for name := range fields {
						if strings.EqualFold(name, key) {
							return fmt.Errorf("%w: %q (the field is %q)", ErrFieldCase, at, name)
						}
					}
					return fmt.Errorf("%w %q", ErrUnknownField, at)
				}
				next = ft
			}
			if err := walkValue(dec, next, at, depth+1); err != nil {
				return err
			}
		}
		_, err := dec.Token() // }
		return err
	}
	return nil
}
