package config

import "time"

// Storage drivers.
const (
	DriverSQLite   = "sqlite"
	DriverPostgres = "postgres"
)

// Defaults from DESIGN.md section 2, applied to whatever the file leaves
// out (or leaves empty).
const (
	DefaultListen          = ":8080"
	DefaultAdminListen     = "127.0.0.1:9090"
	DefaultShutdownTimeout = 15 * time.Second
	DefaultStorageDriver   = DriverSQLite
	DefaultSQLiteDSN       = "data/deeplinkd.db"
	DefaultPartneroAPIURL  = "https://api.partnero.com"
	DefaultPartneroJSURL   = "https://app.partnero.com/js/universal.js"
	DefaultPartneroTimeout = 10 * time.Second
	DefaultReferralParam   = "ref"
	DefaultDesktop         = DesktopPage
	DefaultDeferredWindow  = time.Hour
	DefaultClickRetention  = 30 * 24 * time.Hour
	DefaultWorkers         = 4
	DefaultLease           = 2 * time.Minute
	DefaultBaseDelay       = 2 * time.Second
	DefaultMaxDelay        = time.Hour
)

// applyDefaults fills every unset value that has a default. A zero
// duration counts as unset; a negative one is left for validation.
func applyDefaults(c *Config) {
	setString(&c.Server.Listen, DefaultListen)
	setString(&c.Server.AdminListen, DefaultAdminListen)
	setDuration(&c.Server.ShutdownTimeout, DefaultShutdownTimeout)

	setString(&c.Storage.Driver, DefaultStorageDriver)
	if c.Storage.Driver == DriverSQLite {
		// A postgres DSN has no sensible default; validation asks for one.
		setString(&c.Storage.DSN, DefaultSQLiteDSN)
	}

	setString(&c.Partnero.APIURL, DefaultPartneroAPIURL)
	setString(&c.Partnero.JSURL, DefaultPartneroJSURL)
	setDuration(&c.Partnero.Timeout, DefaultPartneroTimeout)

	if c.Delivery.Workers == 0 {
		c.Delivery.Workers = DefaultWorkers
	}
	setDuration(&c.Delivery.Lease, DefaultLease)
	setDuration(&c.Delivery.BaseDelay, DefaultBaseDelay)
	setDuration(&c.Delivery.MaxDelay, DefaultMaxDelay)

	for i := range c.Domains {
		d := &c.Domains[i]
		// Only a missing list gets the default: `params: []` means
		// keys come from the path alone.
		if d.Referral.Params == nil {
			d.Referral.Params = []string{DefaultReferralParam}
		}
		if d.Referral.PathKeys == nil {
			on := true
			d.Referral.PathKeys = &on
		}
		setString(&d.Web.Desktop, DefaultDesktop)
	}

	setDuration(&c.Clicks.Retention, DefaultClickRetention)
	setDuration(&c.Deferred.Window, DefaultDeferredWindow)
}

func setString(s *string, def string) {
	if *s == "" {
		*s = def
	}
}

func setDuration(d *time.Duration, def time.Duration) {
	if *d == 0 {
		*d = def
	}
}
