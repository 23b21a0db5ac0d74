package wellknown

// Relations granted to an Android app (Digital Asset Links).
const (
	// RelationHandleAllURLs lets the app verify as the handler of the
	// domain's links (App Links).
	RelationHandleAllURLs = "delegate_permission/common.handle_all_urls"
	// RelationGetLoginCreds lets the app share sign-in credentials with
	// the site (Credential Manager).
	RelationGetLoginCreds = "delegate_permission/common.get_login_creds"
)

// statementJSON is one Digital Asset Links statement.
type statementJSON struct {
	Relation []string   `json:"relation"`
	Target   targetJSON `json:"target"`
}

type targetJSON struct {
	Namespace    string   `json:"namespace"`
	PackageName  string   `json:"package_name"`
	Fingerprints []string `json:"sha256_cert_fingerprints"`
}

// buildAssetLinks makes one statement per Android app, in config order.
// Empty lists are written as [] rather than null: Google's parser wants
// arrays, and "no apps" is an empty statement list.
func buildAssetLinks(s Site) []statementJSON {
	out := make([]statementJSON, 0, len(s.AndroidApps))
	for _, app := range s.AndroidApps {
		rel := []string{RelationHandleAllURLs}
		if app.ShareCredentials {
			rel = append(rel, RelationGetLoginCreds)
		}
		fps := make([]string, len(app.Fingerprints))
		copy(fps, app.Fingerprints)
		out = append(out, statementJSON{
			Relation: rel,
			Target: targetJSON{
				Namespace:    "android_app",
				PackageName:  app.Package,
				Fingerprints: fps,
			},
		})
	}
	return out
}
