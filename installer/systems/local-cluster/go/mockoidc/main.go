// A standalone OpenID provider for the login proof: github.com/oauth2-proxy/mockoidc (the provider
// oauth2-proxy's own tests use) on a fixed address, with a second loopback listener where a test
// queues the user the next authorization request logs in as. The client secret comes from the
// environment (MOCKOIDC_CLIENT_SECRET), never from argv.
package main

import (
	"crypto/tls"
	"encoding/json"
	"flag"
	"log"
	"net"
	"net/http"
	"os"

	"github.com/oauth2-proxy/mockoidc"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address of the OpenID provider")
	control := flag.String("control-addr", "127.0.0.1:0", "address where POST /users queues the next user")
	clientID := flag.String("client-id", "kubeflow-oidc-authservice", "the one client it accepts")
	certFile := flag.String("tls-cert", "", "serve HTTPS with this certificate (PEM) ...")
	keyFile := flag.String("tls-key", "", "... and this key")
	flag.Parse()

	m, err := mockoidc.NewServer(nil)
	if err != nil {
		log.Fatal(err)
	}
	m.ClientID = *clientID
	if s := os.Getenv("MOCKOIDC_CLIENT_SECRET"); s != "" {
		m.ClientSecret = s
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	var cfg *tls.Config
	if *certFile != "" {
		cert, err := tls.LoadX509KeyPair(*certFile, *keyFile)
		if err != nil {
			log.Fatal(err)
		}
		// mockoidc serves the listener it is given; the config only makes its issuer https://.
		cfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, cfg)
	}
	if err := m.Start(ln, cfg); err != nil {
		log.Fatal(err)
	}
	cl, err := net.Listen("tcp", *control)
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /users", func(w http.ResponseWriter, r *http.Request) {
		var u mockoidc.MockUser
		if err := json.NewDecoder(r.Body).Decode(&u); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		m.QueueUser(&u)
		w.WriteHeader(http.StatusNoContent)
	})
	// One line on stdout tells the caller where both listeners are (either may be port 0).
	_ = json.NewEncoder(os.Stdout).Encode(map[string]string{"issuer": m.Issuer(), "control": "http://" + cl.Addr().String()})
	log.Fatal(http.Serve(cl, mux))
}
