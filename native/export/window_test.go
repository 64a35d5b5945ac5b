package export

import (
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/http2"
)

// pingCounter is a listener whose connections count the HTTP/2 PING frames the client
// sends (acks of the server's own pings aside).
type pingCounter struct {
	net.Listener
	pings atomic.Int64
}

func (l *pingCounter) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	r, w := io.Pipe()
	go l.count(r)
	return &teeConn{Conn: c, copy: w}, nil
}

func (l *pingCounter) count(r io.Reader) {
	if _, err := io.ReadFull(r, make([]byte, len(http2.ClientPreface))); err != nil {
		return
	}
	fr := http2.NewFramer(nil, r)
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			_, _ = io.Copy(io.Discard, r) // keep the tee from blocking
			return
		}
		if p, ok := f.(*http2.PingFrame); ok && !p.IsAck() {
			l.pings.Add(1)
		}
	}
}

// teeConn hands a copy of what the client sends to the frame counter.
type teeConn struct {
	net.Conn
	copy *io.PipeWriter
}

func (c *teeConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		_, _ = c.copy.Write(b[:n])
	}
	return n, err
}

func (c *teeConn) Close() error {
	_ = c.copy.Close()
	return c.Conn.Close()
}

func TestExportsDoNotPingTheCollector(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	counted := &pingCounter{Listener: lis}
	rcv := startReceiverOn(t, counted, 0)
	var logs logSink
	p, err := Start(testConfig(t, map[string]string{"endpoint": rcv.addr, "insecure": "true", "export.interval": "100ms"}), allPushed{}, logs.log, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = p.Shutdown(2 * time.Second) }()
	waitFor(t, "five exports", func() bool { return len(rcv.requests()) >= 5 })
	if n := counted.pings.Load(); n != 0 {
		t.Fatalf("the exporter sent %d PING frames over 5 exports: gRPC's bandwidth estimation is on", n)
	}
}
