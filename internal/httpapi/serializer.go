package httpapi

import (
	"bytes"
	"encoding/json"
	"strconv"
	"sync"

	"github.com/labstack/echo/v4"
)

// jsonSerializer encodes a whole answer into a pooled buffer before writing
// it: the response then carries a Content-Length and goes out in one write,
// where Echo's default streams the encoder into the response (chunked once
// past net/http's 2 kB buffer, a fresh encoder state every time). The bytes
// are the same as the default's. Reading bodies stays Echo's.
type jsonSerializer struct{ echo.DefaultJSONSerializer }

var answerBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// largestPooled: a buffer that grew past this (a big export page) is let go
// rather than kept for every later small answer.
const largestPooled = 256 << 10

func (jsonSerializer) Serialize(c echo.Context, i any, indent string) error {
	buf := answerBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= largestPooled {
			answerBuffers.Put(buf)
		}
	}()
	enc := json.NewEncoder(buf)
	if indent != "" {
		enc.SetIndent("", indent)
	}
	if err := enc.Encode(i); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentLength, strconv.Itoa(buf.Len()))
	_, err := c.Response().Write(buf.Bytes())
	return err
}
