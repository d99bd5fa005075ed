package guard

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
)

// SettingTag is the struct tag that names a field of a detector's
// settings: the key a policy sets it by, under
// detectors.<name>.settings.<key>.
const SettingTag = "setting"

// The types a setting may have.
var (
	settingFloat   = reflect.TypeFor[float64]()
	settingInt     = reflect.TypeFor[int]()
	settingBool    = reflect.TypeFor[bool]()
	settingString  = reflect.TypeFor[string]()
	settingStrings = reflect.TypeFor[[]string]()
)

// settingsStruct returns the struct that Detector.Settings points to, or
// an error saying why it does not.
func settingsStruct(s any) (reflect.Value, error) {
	v := reflect.ValueOf(s)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return reflect.Value{}, fmt.Errorf("settings are a %T, want a pointer to a struct", s)
	}
	return v.Elem(), nil
}

// checkSettings reports every field of a settings struct that a policy
// could not set: untagged or unexported, of another type than float64,
// int, bool, string or []string, or with a key used twice.
func checkSettings(s any) error {
	v, err := settingsStruct(s)
	if err != nil {
		return err
	}
	var errs []error
	var keys []string
	for i := range v.NumField() {
		f := v.Type().Field(i)
		key := f.Tag.Get(SettingTag)
		switch {
		case key == "" || !f.IsExported():
			errs = append(errs, fmt.Errorf("field %s needs to be exported and tagged `%s:\"key\"`", f.Name, SettingTag))
		case !settingType(f.Type):
			errs = append(errs, fmt.Errorf("setting %q is a %s, want float64, int, bool, string or []string", key, f.Type))
		case slices.Contains(keys, key):
			errs = append(errs, fmt.Errorf("setting %q is declared twice", key))
		}
		keys = append(keys, key)
	}
	return errors.Join(errs...)
}

func settingType(t reflect.Type) bool {
	switch t {
	case settingFloat, settingInt, settingBool, settingString, settingStrings:
		return true
	}
	return false
}

// SettingDefaults returns the detector's settings and their default
// values by key, each a float64, int, bool, string or []string (a copy);
// nil when the detector has no settings. Fields Check would reject are
// left out.
func (d *Detector) SettingDefaults() map[string]any {
	if d.Settings == nil {
		return nil
	}
	v, err := settingsStruct(d.Settings)
	if err != nil {
		return nil
	}
	out := make(map[string]any, v.NumField())
	for i := range v.NumField() {
		f := v.Type().Field(i)
		key := f.Tag.Get(SettingTag)
		if key == "" || !f.IsExported() || !settingType(f.Type) {
			continue
		}
		val := v.Field(i).Interface()
		if list, ok := val.([]string); ok {
			val = slices.Clone(list)
		}
		out[key] = val
	}
	return out
}

// Settings returns the running detector's settings: a new value of the
// type Detector.Settings points to (type-assert it: s :=
// pass.Settings().(*Settings)), holding the defaults with the policy's
// overrides applied; nil for a detector without settings. An override of
// the wrong type, which only a policy read without the detectors can
// hold, is converted between int and float64 and otherwise ignored.
func (p *Pass) Settings() any {
	if p.detector == nil || p.detector.Settings == nil {
		return nil
	}
	def, err := settingsStruct(p.detector.Settings)
	if err != nil {
		return nil
	}
	out := reflect.New(def.Type())
	out.Elem().Set(def)
	if p.Policy == nil {
		return out.Interface()
	}
	overrides := p.Policy.Detectors[p.detector.Name].Settings
	if len(overrides) == 0 {
		return out.Interface()
	}
	for i := range def.NumField() {
		if val, ok := overrides[def.Type().Field(i).Tag.Get(SettingTag)]; ok {
			setSetting(out.Elem().Field(i), val)
		}
	}
	return out.Interface()
}

// setSetting stores a policy's value into a settings field when it fits.
func setSetting(field reflect.Value, val any) {
	if !field.CanSet() {
		return
	}
	switch v := val.(type) {
	case int:
		if field.Type() == settingFloat {
			val = float64(v)
		}
	case float64:
		if field.Type() == settingInt {
			val = int(v)
		}
	case []any:
		list := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok {
				list = append(list, s)
			}
		}
		val = list
	}
	if rv := reflect.ValueOf(val); rv.IsValid() && rv.Type() == field.Type() {
		field.Set(rv)
	}
}
