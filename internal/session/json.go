package session

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"jejaring/internal/flow"
)

// The session's JSON, written and read by hand. Two thirds of an engine
// turn was encoding/json (reflection over flow.Session and its answers map:
// decode 45 %, encode 22 % of the turn's CPU); this codec writes exactly
// the bytes encoding/json wrote (same keys, same order, answers sorted by
// name, the same escaping and number forms), so sessions stored by an
// older Jejaring load unchanged and a session stored now reads back with
// encoding/json too (codec_json_test.go checks both ways). Anything the
// fast paths do not cover — a string with escapes, an answer of a type
// other than the plain JSON ones — goes through encoding/json.

// Marshal returns the stored JSON of sess with the bot's note beside it
// ("" keeps none): the value a Turn commits (before sealing).
func Marshal(sess *flow.Session, note string) ([]byte, error) {
	return AppendJSON(make([]byte, 0, 1024), sess, note)
}

// AppendJSON appends Marshal's bytes to dst.
func AppendJSON(dst []byte, s *flow.Session, note string) ([]byte, error) {
	var err error
	b := append(dst, `{"flow":`...)
	b = appendString(b, s.FlowID)
	b = append(b, `,"v":`...)
	b = strconv.AppendInt(b, int64(s.FlowVersion), 10)
	b = append(b, `,"step":`...)
	b = appendString(b, s.Step)
	if len(s.Answers) > 0 {
		b = append(b, `,"answers":`...)
		if b, err = appendMap(b, s.Answers); err != nil {
			return nil, fmt.Errorf("encode session: answers: %w", err)
		}
	}
	if s.Retries != 0 {
		b = append(b, `,"retries":`...)
		b = strconv.AppendInt(b, int64(s.Retries), 10)
	}
	b = append(b, `,"lang":`...)
	b = appendString(b, s.Lang)
	if len(s.Stack) > 0 {
		b = append(b, `,"stack":[`...)
		for i, f := range s.Stack {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"flow":`...)
			b = appendString(b, f.FlowID)
			b = append(b, `,"step":`...)
			b = appendString(b, f.Step)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if len(s.History) > 0 {
		b = append(b, `,"hist":[`...)
		for i, h := range s.History {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, h)
		}
		b = append(b, ']')
	}
	b = appendOptString(b, `,"ret":`, s.Returning)
	b = appendOptString(b, `,"pending":`, s.Pending)
	b = appendOptString(b, `,"confirm":`, s.Confirm)
	if s.Offer != nil {
		b = append(b, `,"offer":`...)
		if b, err = appendValue(b, s.Offer); err != nil {
			return nil, fmt.Errorf("encode session: offer: %w", err)
		}
	}
	if len(s.Params) > 0 {
		b = append(b, `,"params":`...)
		if b, err = appendMap(b, s.Params); err != nil {
			return nil, fmt.Errorf("encode session: params: %w", err)
		}
	}
	b = append(b, `,"started":`...)
	if b, err = appendTime(b, s.Started); err != nil {
		return nil, err
	}
	b = append(b, `,"last":`...)
	if b, err = appendTime(b, s.LastActive); err != nil {
		return nil, err
	}
	c := &s.Contact
	b = append(b, `,"contact":{"id":`...)
	b = strconv.AppendInt(b, c.ID, 10)
	b = append(b, `,"name":`...)
	b = appendString(b, c.Name)
	b = appendOptString(b, `,"phone":`, c.Phone)
	b = append(b, `,"channel":`...)
	b = appendString(b, c.Channel)
	b = append(b, `,"lang":`...)
	b = appendString(b, c.Lang)
	if c.IsStaff {
		b = append(b, `,"is_staff":true`...)
	}
	b = append(b, '}')
	b = appendOptString(b, `,"bot_note":`, note)
	return append(b, '}'), nil
}

func appendOptString(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	return appendString(append(b, key...), s)
}

func appendTime(b []byte, t time.Time) ([]byte, error) {
	b = append(b, '"')
	b, err := t.AppendText(b)
	if err != nil {
		return nil, fmt.Errorf("encode session: %w", err)
	}
	return append(b, '"'), nil
}

// plainASCII reports whether s goes into JSON as it is: printable ASCII
// without the characters encoding/json escapes (quote, backslash, <, >, &).
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

func appendString(b []byte, s string) []byte {
	if plainASCII(s) {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	q, _ := json.Marshal(s) // a string always encodes
	return append(b, q...)
}

// appendMap writes m with its keys sorted, as encoding/json does.
func appendMap(b []byte, m map[string]any) ([]byte, error) {
	var buf [32]string
	keys := buf[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	var err error
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		if b, err = appendValue(b, m[k]); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

func appendValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendString(b, x), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case float64:
		return appendFloat(b, x)
	case []any:
		b = append(b, '[')
		var err error
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendValue(b, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		return appendMap(b, x)
	}
	j, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, j...), nil
}

// appendFloat writes f as encoding/json does (ES6 number form).
func appendFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, fmt.Errorf("unsupported value: %v", f)
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	start := len(b)
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(b) - start
		if n >= 4 && b[len(b)-4] == 'e' && b[len(b)-3] == '-' && b[len(b)-2] == '0' {
			b[len(b)-2] = b[len(b)-1]
			b = b[:len(b)-1]
		}
	}
	return b, nil
}

// Unmarshal reads a stored session and the bot's note kept beside it.
// It reads what Marshal writes and what encoding/json wrote for older
// Jejaring versions; a value that is not such a session is an error.
func Unmarshal(data []byte) (*flow.Session, string, error) {
	d := decoder{b: data}
	s := &flow.Session{}
	note, err := d.session(s)
	if err != nil {
		return nil, "", fmt.Errorf("decode session: %w", err)
	}
	return s, note, nil
}

type decoder struct {
	b []byte
	i int
}

var errSyntax = errors.New("not a session's JSON")

func (d *decoder) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// next skips white space and returns the next byte (0 at the end).
func (d *decoder) next() byte {
	d.ws()
	if d.i >= len(d.b) {
		return 0
	}
	return d.b[d.i]
}

func (d *decoder) expect(c byte) error {
	if d.next() != c {
		return fmt.Errorf("%w: want %q at byte %d", errSyntax, c, d.i)
	}
	d.i++
	return nil
}

// object calls field for every key of an object.
func (d *decoder) object(field func(key []byte) error) error {
	if err := d.expect('{'); err != nil {
		return err
	}
	if d.next() == '}' {
		d.i++
		return nil
	}
	for {
		key, err := d.rawString()
		if err != nil {
			return err
		}
		if err := d.expect(':'); err != nil {
			return err
		}
		if err := field(key); err != nil {
			return err
		}
		switch d.next() {
		case ',':
			d.i++
		case '}':
			d.i++
			return nil
		default:
			return fmt.Errorf("%w: at byte %d", errSyntax, d.i)
		}
	}
}

// array calls elem for every element of an array.
func (d *decoder) array(elem func() error) error {
	if err := d.expect('['); err != nil {
		return err
	}
	if d.next() == ']' {
		d.i++
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		switch d.next() {
		case ',':
			d.i++
		case ']':
			d.i++
			return nil
		default:
			return fmt.Errorf("%w: at byte %d", errSyntax, d.i)
		}
	}
}

// rawString returns the bytes of a string without escapes (a view into
// the input), or the decoded copy of one with escapes.
func (d *decoder) rawString() ([]byte, error) {
	if d.next() != '"' {
		return nil, fmt.Errorf("%w: want a string at byte %d", errSyntax, d.i)
	}
	start := d.i + 1
	for j := start; j < len(d.b); j++ {
		switch c := d.b[j]; {
		case c == '"':
			d.i = j + 1
			return d.b[start:j], nil
		case c == '\\' || c < 0x20 || c >= utf8.RuneSelf:
			return d.slowString()
		}
	}
	return nil, fmt.Errorf("%w: unterminated string", errSyntax)
}

// slowString decodes a string with escapes or non-ASCII bytes through
// encoding/json, which also replaces invalid UTF-8 as it always did.
func (d *decoder) slowString() ([]byte, error) {
	start := d.i
	j := start + 1
	for ; j < len(d.b); j++ {
		if d.b[j] == '\\' {
			j++
			continue
		}
		if d.b[j] == '"' {
			break
		}
	}
	if j >= len(d.b) {
		return nil, fmt.Errorf("%w: unterminated string", errSyntax)
	}
	var s string
	if err := json.Unmarshal(d.b[start:j+1], &s); err != nil {
		return nil, fmt.Errorf("%w: %v", errSyntax, err)
	}
	d.i = j + 1
	return []byte(s), nil
}

func (d *decoder) str() (string, error) {
	if d.next() == 'n' {
		return "", d.null()
	}
	b, err := d.rawString()
	return string(b), err
}

func (d *decoder) null() error {
	if len(d.b)-d.i >= 4 && string(d.b[d.i:d.i+4]) == "null" {
		d.i += 4
		return nil
	}
	return fmt.Errorf("%w: at byte %d", errSyntax, d.i)
}

func (d *decoder) number() (float64, error) {
	d.ws()
	start := d.i
	for d.i < len(d.b) {
		c := d.b[d.i]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			d.i++
			continue
		}
		break
	}
	f, err := strconv.ParseFloat(string(d.b[start:d.i]), 64)
	if err != nil {
		return 0, fmt.Errorf("%w: number at byte %d", errSyntax, start)
	}
	return f, nil
}

func (d *decoder) integer() (int64, error) {
	if d.next() == 'n' {
		return 0, d.null()
	}
	d.ws()
	start := d.i
	neg := false
	if d.i < len(d.b) && d.b[d.i] == '-' {
		neg = true
		d.i++
	}
	var n int64
	digits := 0
	for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' && digits < 18 {
		n = n*10 + int64(d.b[d.i]-'0')
		d.i++
		digits++
	}
	if digits == 0 || (d.i < len(d.b) && (d.b[d.i] == '.' || d.b[d.i] == 'e' || d.b[d.i] == 'E' || (d.b[d.i] >= '0' && d.b[d.i] <= '9'))) {
		// Not a plain small integer: let strconv say.
		d.i = start
		for d.i < len(d.b) && d.b[d.i] != ',' && d.b[d.i] != '}' && d.b[d.i] != ']' && d.b[d.i] != ' ' {
			d.i++
		}
		v, err := strconv.ParseInt(string(d.b[start:d.i]), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%w: integer at byte %d", errSyntax, start)
		}
		return v, nil
	}
	if neg {
		n = -n
	}
	return n, nil
}

func (d *decoder) boolean() (bool, error) {
	d.ws()
	switch {
	case len(d.b)-d.i >= 4 && string(d.b[d.i:d.i+4]) == "true":
		d.i += 4
		return true, nil
	case len(d.b)-d.i >= 5 && string(d.b[d.i:d.i+5]) == "false":
		d.i += 5
		return false, nil
	case len(d.b)-d.i >= 4 && string(d.b[d.i:d.i+4]) == "null":
		d.i += 4
		return false, nil
	}
	return false, fmt.Errorf("%w: want a boolean at byte %d", errSyntax, d.i)
}

// value reads any JSON value as encoding/json does into an any: float64,
// string, bool, nil, []any, map[string]any.
func (d *decoder) value() (any, error) {
	switch c := d.next(); {
	case c == '"':
		s, err := d.rawString()
		return string(s), err
	case c == '{':
		m := map[string]any{}
		err := d.object(func(k []byte) error {
			v, err := d.value()
			m[string(k)] = v
			return err
		})
		return m, err
	case c == '[':
		a := []any{}
		err := d.array(func() error {
			v, err := d.value()
			a = append(a, v)
			return err
		})
		return a, err
	case c == 't' || c == 'f':
		return d.boolean()
	case c == 'n':
		return nil, d.null()
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	}
	return nil, fmt.Errorf("%w: at byte %d", errSyntax, d.i)
}

func (d *decoder) valueMap(into *map[string]any) error {
	if d.next() == 'n' {
		return d.null()
	}
	if *into == nil {
		*into = make(map[string]any, 24)
	}
	m := *into
	return d.object(func(k []byte) error {
		v, err := d.value()
		m[string(k)] = v
		return err
	})
}

func (d *decoder) strings(into *[]string) error {
	if d.next() == 'n' {
		*into = nil
		return d.null()
	}
	out := make([]string, 0, 24)
	err := d.array(func() error {
		s, err := d.str()
		out = append(out, s)
		return err
	})
	*into = out
	return err
}

func (d *decoder) time(into *time.Time) error {
	if d.next() == 'n' {
		return d.null()
	}
	start := d.i
	if _, err := d.rawString(); err != nil {
		return err
	}
	if err := into.UnmarshalJSON(d.b[start:d.i]); err != nil {
		return fmt.Errorf("%w: %v", errSyntax, err)
	}
	return nil
}

// skip reads a value of a field this version does not know.
func (d *decoder) skip() error {
	_, err := d.value()
	return err
}

func (d *decoder) session(s *flow.Session) (note string, err error) {
	err = d.object(func(k []byte) error {
		var err error
		switch string(k) {
		case "flow":
			s.FlowID, err = d.str()
		case "v":
			var n int64
			n, err = d.integer()
			s.FlowVersion = int(n)
		case "step":
			s.Step, err = d.str()
		case "answers":
			err = d.valueMap(&s.Answers)
		case "retries":
			var n int64
			n, err = d.integer()
			s.Retries = int(n)
		case "lang":
			s.Lang, err = d.str()
		case "stack":
			if d.next() == 'n' {
				s.Stack = nil
				return d.null()
			}
			s.Stack = s.Stack[:0]
			err = d.array(func() error {
				var f flow.Frame
				err := d.object(func(k []byte) error {
					var err error
					switch string(k) {
					case "flow":
						f.FlowID, err = d.str()
					case "step":
						f.Step, err = d.str()
					default:
						err = d.skip()
					}
					return err
				})
				s.Stack = append(s.Stack, f)
				return err
			})
		case "hist":
			err = d.strings(&s.History)
		case "ret":
			s.Returning, err = d.str()
		case "pending":
			s.Pending, err = d.str()
		case "confirm":
			s.Confirm, err = d.str()
		case "offer":
			s.Offer, err = d.value()
		case "params":
			err = d.valueMap(&s.Params)
		case "started":
			err = d.time(&s.Started)
		case "last":
			err = d.time(&s.LastActive)
		case "contact":
			if d.next() == 'n' {
				return d.null()
			}
			c := &s.Contact
			err = d.object(func(k []byte) error {
				var err error
				switch string(k) {
				case "id":
					c.ID, err = d.integer()
				case "name":
					c.Name, err = d.str()
				case "phone":
					c.Phone, err = d.str()
				case "channel":
					c.Channel, err = d.str()
				case "lang":
					c.Lang, err = d.str()
				case "is_staff":
					c.IsStaff, err = d.boolean()
				default:
					err = d.skip()
				}
				return err
			})
		case "bot_note":
			note, err = d.str()
		default:
			err = d.skip()
		}
		return err
	})
	if err != nil {
		return "", err
	}
	if d.next() != 0 {
		return "", fmt.Errorf("%w: data after the session at byte %d", errSyntax, d.i)
	}
	return note, nil
}
