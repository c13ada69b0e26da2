package webhook

import (
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// formField is one settable field of a generated model, found by its json
// tag (the wire name in the spec).
type formField struct {
	name  string
	index int
	kind  reflect.Kind
	ptr   bool
}

var formFields sync.Map // reflect.Type -> []formField

// fieldsOf returns the form fields of struct type t: every exported field
// with a json tag whose type is string, int or int64, or a pointer to one.
// It panics on a field of another type, which the spec must not give a
// form model (a test of each model finds it).
func fieldsOf(t reflect.Type) []formField {
	if f, ok := formFields.Load(t); ok {
		return f.([]formField)
	}
	var fs []formField
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || name == "" || name == "-" {
			continue
		}
		ft, ptr := sf.Type, false
		if ft.Kind() == reflect.Pointer {
			ft, ptr = ft.Elem(), true
		}
		switch ft.Kind() {
		case reflect.String, reflect.Int, reflect.Int64:
		default:
			panic(fmt.Sprintf("webhook: form field %s of %s has type %s", sf.Name, t, sf.Type))
		}
		fs = append(fs, formField{name: name, index: i, kind: ft.Kind(), ptr: ptr})
	}
	formFields.Store(t, fs)
	return fs
}

// ScanForm calls fn with each name and value of the form-encoded s, in
// order, unescaped, with the rules of url.ParseQuery: pairs separated by
// "&", empty pairs skipped, a pair without "=" has an empty value, a
// semicolon or a bad escape is an error. It allocates only for values that
// hold escapes.
func ScanForm(s string, fn func(k, v string) error) error {
	for s != "" {
		var pair string
		pair, s, _ = strings.Cut(s, "&")
		if strings.Contains(pair, ";") {
			return fmt.Errorf("invalid semicolon separator in query")
		}
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		k, err := url.QueryUnescape(k)
		if err != nil {
			return err
		}
		v, err = url.QueryUnescape(v)
		if err != nil {
			return err
		}
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

// fieldIndex maps the json names of a struct type's form fields to their
// position in fieldsOf.
var fieldIndex sync.Map // reflect.Type -> map[string]int

// BindForm sets the fields of the struct dst points to from the
// form-encoded payload (decoded as ScanForm does), by their json names;
// names that dst does not have are ignored, fields absent from the form
// keep their zero value (a pointer field stays nil). A field given more
// than once is an error (which value counts would depend on an order that
// a signature may not cover), and so is a number that does not parse; the
// error names the field.
func BindForm(dst any, payload string) error {
	v := reflect.ValueOf(dst).Elem()
	fs := fieldsOf(v.Type())
	idx, ok := fieldIndex.Load(v.Type())
	if !ok {
		m := make(map[string]int, len(fs))
		for i, f := range fs {
			m[f.name] = i
		}
		idx, _ = fieldIndex.LoadOrStore(v.Type(), m)
	}
	index := idx.(map[string]int)
	seen := make([]bool, len(fs))
	return ScanForm(payload, func(k, val string) error {
		i, ok := index[k]
		if !ok {
			return nil
		}
		f := fs[i]
		if seen[i] {
			return fmt.Errorf("%s is given more than once", f.name)
		}
		seen[i] = true
		fv := v.Field(f.index)
		if f.ptr {
			p := reflect.New(fv.Type().Elem())
			fv.Set(p)
			fv = p.Elem()
		}
		switch f.kind {
		case reflect.String:
			fv.SetString(val)
		default:
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil || fv.OverflowInt(n) {
				return fmt.Errorf("%s is not an integer", f.name)
			}
			fv.SetInt(n)
		}
		return nil
	})
}
