package web

import (
	"fmt"
	"net"
)

// ListenURL is the URL a browser on this machine reaches a server listening
// on addr at: "localhost" for an unspecified address (0.0.0.0, [::]).
func ListenURL(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return "http://" + addr.String()
	}
	host := tcp.IP.String()
	if tcp.IP == nil || tcp.IP.IsUnspecified() {
		host = "localhost"
	}
	return fmt.Sprintf("http://%s/", net.JoinHostPort(host, fmt.Sprint(tcp.Port)))
}
