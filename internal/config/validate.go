package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// minTokenLen is the shortest API token accepted: shorter ones can be
// guessed, and the check costs an operator one `openssl rand` call.
const minTokenLen = 16

// validator checks a decoded, defaulted Config once, in schema order,
// collecting every problem. It also finishes the config: it normalises
// hosts, fingerprints and proxy prefixes and reads the secrets.
type validator struct {
	file   string
	getenv func(string) string
	// overridden maps a YAML path to the environment variable that set it.
	overridden map[string]string
	// programOrder is the file order of the programs mapping.
	programOrder []string

	problems []Problem
	warnings []string
}

func (v *validator) add(path, msg, fix string) {
	if env, ok := v.overridden[path]; ok {
		msg = env + " overrides it: " + msg
	}
	v.problems = append(v.problems, Problem{Path: path, Message: msg, Fix: fix})
}

func (v *validator) warn(path, msg string) {
	v.warnings = append(v.warnings, v.file+": "+path+": "+msg)
}

func (v *validator) validate(c *Config) {
	v.server(&c.Server)
	v.storage(&c.Storage)
	v.partnero(&c.Partnero)
	v.delivery(&c.Delivery, c.Partnero.Timeout)
	v.programs(c)
	v.apiTokens(c)
	v.domains(c)
	v.clicks(c)
}

func (v *validator) clicks(c *Config) {
	if c.Clicks.Retention <= 0 {
		v.add("clicks.retention", "must be more than 0", "e.g. 720h, 30 days")
	}
	if c.Deferred.Window <= 0 {
		v.add("deferred.window", "must be more than 0", "e.g. 1h")
	} else if c.Clicks.Retention > 0 && c.Deferred.Window > c.Clicks.Retention {
		v.add("deferred.window", fmt.Sprintf("%s is longer than clicks.retention (%s): clicks are deleted before it ends",
			c.Deferred.Window, c.Clicks.Retention), "make it shorter than clicks.retention, e.g. 1h")
	}
	if c.Deferred.IPMatch && !c.Clicks.RecordEnabled() {
		v.add("deferred.ip_match", "needs click records, and clicks.record is false",
			"set clicks.record: true, or ip_match: false")
	}
	if c.Deferred.IPMatch && !c.Deferred.Enabled {
		v.add("deferred.ip_match", "is true but deferred.enabled is false, so no claim is answered",
			"set deferred.enabled: true, or ip_match: false")
	}
	if f := c.Deferred.RelayRangesFile; f != "" {
		if _, err := os.Stat(f); err != nil {
			v.add("deferred.relay_ranges_file", fmt.Sprintf("cannot read %q: %v", f, errors.Unwrap(err)),
				"download Apple's egress-ip-ranges.csv (https://mask-api.icloud.com/egress-ip-ranges.csv) and name its path, or leave it empty")
		}
	}
}

func (v *validator) server(s *Server) {
	pubHost, pubPort, pubOK := v.listenAddr("server.listen", s.Listen)
	admHost, admPort, admOK := v.listenAddr("server.admin_listen", s.AdminListen)
	// Port 0 picks a free port, so two :0 listeners never collide.
	if pubOK && admOK && pubPort != 0 && pubPort == admPort && hostsOverlap(pubHost, admHost) {
		v.add("server.admin_listen",
			fmt.Sprintf("%q uses the same port as server.listen %q", s.AdminListen, s.Listen),
			"metrics and health checks never go on the public port; give the admin listener its own, e.g. 127.0.0.1:9090")
	}
	for i, raw := range s.TrustedProxies {
		path := fmt.Sprintf("server.trusted_proxies[%d]", i)
		p, err := parseProxy(raw)
		if err != nil {
			v.add(path, fmt.Sprintf("%q is not a CIDR or IP address", raw), "write e.g. 10.0.0.0/8 or 192.0.2.1")
			continue
		}
		s.TrustedProxies[i] = p.String()
	}
	if s.ShutdownTimeout <= 0 {
		v.add("server.shutdown_timeout", "must be more than 0", "e.g. 15s")
	}
}

// listenAddr checks a host:port listen address.
func (v *validator) listenAddr(path, addr string) (host string, port int, ok bool) {
	const fix = `write host:port, e.g. ":8080" for every interface or "127.0.0.1:9090" for one`
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		v.add(path, fmt.Sprintf("%q is not host:port", addr), fix)
		return "", 0, false
	}
	port, err = strconv.Atoi(portStr)
	if err != nil || port < 0 || port > 65535 {
		v.add(path, fmt.Sprintf("%q has a port outside 0 to 65535", addr), fix)
		return "", 0, false
	}
	return host, port, true
}

// hostsOverlap reports whether listeners on hosts a and b can take the
// same port: the same host, or either one every interface.
func hostsOverlap(a, b string) bool {
	wildcard := func(h string) bool { return h == "" || h == "0.0.0.0" || h == "::" }
	return wildcard(a) || wildcard(b) || strings.EqualFold(a, b)
}

// parseProxy reads a CIDR, or a single address as its /32 or /128.
// Host bits are cleared: 10.1.2.3/8 means 10.0.0.0/8.
func parseProxy(raw string) (netip.Prefix, error) {
	if strings.Contains(raw, "/") {
		p, err := netip.ParsePrefix(raw)
		if err != nil {
			return netip.Prefix{}, err
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(raw)
	if err != nil {
		return netip.Prefix{}, err
	}
	return a.Prefix(a.BitLen())
}

func (v *validator) storage(s *Storage) {
	switch s.Driver {
	case DriverSQLite:
		if s.DSN == "" {
			v.add("storage.dsn", "is empty", "give the database file's path, e.g. "+DefaultSQLiteDSN)
		}
	case DriverPostgres:
		const fix = "e.g. postgres://deeplinkd@localhost:5432/deeplinkd, or set " + EnvStorageDSN
		if s.DSN == "" {
			v.add("storage.dsn", "is required for the postgres driver", fix)
			return
		}
		// Never quote a DSN: it may hold a password.
		u, err := url.Parse(s.DSN)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			v.add("storage.dsn", "must be a postgres:// or postgresql:// URL for the postgres driver", fix)
		}
	default:
		v.add("storage.driver", fmt.Sprintf("%q is not a storage driver", s.Driver), "use sqlite or postgres")
	}
}

func (v *validator) partnero(p *Partnero) {
	v.httpsURL("partnero.api_url", p.APIURL)
	v.httpsURL("partnero.js_url", p.JSURL)
	if p.Timeout <= 0 {
		v.add("partnero.timeout", "must be more than 0", "e.g. 10s")
	}
}

// maxWorkers bounds delivery.workers: each worker holds a Partnero
// connection, and Partnero rate-limits per key long before this.
const maxWorkers = 64

func (v *validator) delivery(d *Delivery, partneroTimeout time.Duration) {
	if d.Workers < 0 || d.Workers > maxWorkers {
		v.add("delivery.workers", fmt.Sprintf("%d is not between 1 and %d", d.Workers, maxWorkers), "e.g. 4")
	}
	switch {
	case d.Lease <= 0:
		v.add("delivery.lease", "must be more than 0", "e.g. 2m")
	case partneroTimeout > 0 && d.Lease <= partneroTimeout:
		// A lease that ends before the send's timeout lets another worker
		// claim the event while it is still being sent: a duplicate send.
		v.add("delivery.lease", fmt.Sprintf("%v must be longer than partnero.timeout %v", d.Lease, partneroTimeout),
			"make it several times partnero.timeout, e.g. 2m")
	}
	if d.BaseDelay <= 0 {
		v.add("delivery.base_delay", "must be more than 0", "e.g. 2s")
	}
	switch {
	case d.MaxDelay <= 0:
		v.add("delivery.max_delay", "must be more than 0", "e.g. 1h")
	case d.BaseDelay > 0 && d.MaxDelay < d.BaseDelay:
		v.add("delivery.max_delay", fmt.Sprintf("%v is less than delivery.base_delay %v", d.MaxDelay, d.BaseDelay),
			"make it at least delivery.base_delay, e.g. 1h")
	}
}

func (v *validator) programs(c *Config) {
	if len(c.Programs) == 0 {
		v.add("programs", "no program is configured",
			"add one, e.g. main: {type: affiliate, api_key_env: PARTNERO_API_KEY, public_id: P1234567}")
		return
	}
	for _, name := range v.programNames(c) {
		p := c.Programs[name]
		path := "programs." + name
		if !programNameRE.MatchString(name) {
			v.add(path, fmt.Sprintf("%q is not a program name", name), "use 1 to 64 letters, digits, _ . or -")
		}
		switch p.Type {
		case ProgramAffiliate, ProgramReferAFriend:
		case "":
			v.add(path+".type", "is required", "use affiliate or refer_a_friend")
		default:
			v.add(path+".type", fmt.Sprintf("%q is not a program type", p.Type), "use affiliate or refer_a_friend")
		}
		if v.envName(path+".api_key_env", p.APIKeyEnv, "PARTNERO_API_KEY") {
			p.APIKey = NewSecret(v.getenv(p.APIKeyEnv))
			if !p.APIKey.IsSet() {
				v.warn(path+".api_key_env", fmt.Sprintf("environment variable %s is not set; deliveries to Partnero for program %q wait until it is", p.APIKeyEnv, name))
			}
		}
		switch {
		case p.PublicID == "":
			v.add(path+".public_id", "is required", "copy the program ID from the PartneroJS snippet in Partnero")
		case !publicIDRE.MatchString(p.PublicID):
			v.add(path+".public_id", fmt.Sprintf("%q is not a Partnero program ID", p.PublicID), "use 1 to 64 letters, digits, _ or -, as shown in the PartneroJS snippet")
		}
	}
}

// programNames lists the programs in file order, then any the file did
// not name (a Config built in code), sorted.
func (v *validator) programNames(c *Config) []string {
	var names []string
	for _, n := range v.programOrder {
		if _, ok := c.Programs[n]; ok && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	var rest []string
	for n := range c.Programs {
		if !slices.Contains(names, n) {
			rest = append(rest, n)
		}
	}
	slices.Sort(rest)
	return append(names, rest...)
}

// envName checks the name of an environment variable holding a secret.
func (v *validator) envName(path, name, example string) bool {
	switch {
	case name == "":
		v.add(path, "is required", "name the environment variable that holds the value, e.g. "+example)
	case !envNameRE.MatchString(name):
		v.add(path, fmt.Sprintf("%q is not an environment variable name", name), "use letters, digits and _, not starting with a digit, e.g. "+example)
	default:
		return true
	}
	return false
}

// programRef checks a reference to a program by name.
func (v *validator) programRef(path, name string, c *Config) {
	if len(c.Programs) == 0 {
		return // "no program is configured" says it all
	}
	if name == "" {
		v.add(path, "is required", "name one of the programs: "+strings.Join(v.programNames(c), ", "))
		return
	}
	if c.Program(name) == nil {
		v.add(path, fmt.Sprintf("%q is not one of the programs", name), "use one of: "+strings.Join(v.programNames(c), ", "))
	}
}

func (v *validator) apiTokens(c *Config) {
	names := map[string]int{}
	values := map[string]int{}
	for i := range c.APITokens {
		t := &c.APITokens[i]
		path := fmt.Sprintf("api_tokens[%d]", i)
		if t.Name == "" {
			v.add(path+".name", "is required", "name the client that uses the token, e.g. backend")
		} else if j, dup := names[t.Name]; dup {
			v.add(path+".name", fmt.Sprintf("%q is already the name of api_tokens[%d]", t.Name, j), "give each token its own name")
		} else {
			names[t.Name] = i
		}
		if v.envName(path+".token_env", t.TokenEnv, "DEEPLINKD_API_TOKEN") {
			v.token(path+".token_env", t, values, i)
		}
		v.programRef(path+".program", t.Program, c)
	}
}

// token reads an API token from its variable and checks it. Messages
// name the variable and never show the value.
func (v *validator) token(path string, t *APIToken, values map[string]int, i int) {
	value := v.getenv(t.TokenEnv)
	switch {
	case value == "":
		v.add(path, fmt.Sprintf("environment variable %s is not set", t.TokenEnv), "export it with the token value")
		return
	case utf8.RuneCountInString(value) < minTokenLen:
		v.add(path, fmt.Sprintf("the token in %s is shorter than %d characters", t.TokenEnv, minTokenLen), "use a long random value, e.g. from openssl rand -hex 32")
	}
	if j, dup := values[value]; dup {
		v.add(path, fmt.Sprintf("%s holds the same token as api_tokens[%d]", t.TokenEnv, j), "give each client its own token")
	} else {
		values[value] = i
	}
	t.Token = NewSecret(value)
}
