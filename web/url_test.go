package web

import (
	"net"
	"testing"
)

func TestListenURL(t *testing.T) {
	tests := []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, "http://127.0.0.1:8080/"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 80}, "http://localhost:80/"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 8080}, "http://localhost:8080/"},
		{&net.TCPAddr{Port: 9000}, "http://localhost:9000/"},
		{&net.TCPAddr{IP: net.ParseIP("::1"), Port: 8080}, "http://[::1]:8080/"},
		{&net.UnixAddr{Name: "/run/klachtdesk.sock", Net: "unix"}, "http:///run/klachtdesk.sock"},
	}
	for _, tt := range tests {
		if got := ListenURL(tt.addr); got != tt.want {
			t.Errorf("ListenURL(%v) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}
