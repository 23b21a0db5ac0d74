//go:build ignore

// Command gen builds ../corpus.tsv from the third-party UA test fixtures
// listed in ../SOURCES.md. Every label comes from the source's own
// expectation (an OS name, or the fact that the file lists crawlers); the
// rules that drop rows are written in SOURCES.md and here, never per UA.
//
//	go run ./internal/useragent/testdata/gen/main.go -raw /tmp/uasrc/full
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// row is one labelled UA.
type row struct {
	label string // ios | android | desktop | bot
	ua    string
}

// source is one fetched file and the reader that labels its rows. A prefix
// source was fetched only in part (see SOURCES.md); its reader cuts it back
// to the last complete entry.
type source struct {
	name   string
	prefix bool
	read   func(raw []byte, prefix bool) ([]row, error)
}

var sources = []source{
	{"uap_test_os", false, readUAPOS},
	{"wb_mobile_os-ios", false, readWhichBrowser},
	{"wb_mobile_os-android", false, readWhichBrowser},
	{"wb_mobile_app-social", false, readWhichBrowser},
	{"wb_mobile_app-chat", false, readWhichBrowser},
	{"wb_mobile_browser-chrome", false, readWhichBrowser},
	{"wb_mobile_browser-samsung", false, readWhichBrowser},
	{"wb_mobile_manufacturer-samsung-android", true, readWhichBrowser},
	{"wb_tablet_os-ios", false, readWhichBrowser},
	{"wb_tablet_os-android", false, readWhichBrowser},
	{"wb_desktop_browser-safari", false, readWhichBrowser},
	{"wb_desktop_browser-chrome", false, readWhichBrowser},
	{"wb_desktop_browser-edge", false, readWhichBrowser},
	{"wb_desktop_browser-firefox", false, readWhichBrowser},
	{"wb_desktop_os-chromeos", false, readWhichBrowser},
	{"cua", true, readCrawlerUserAgents},
}

// desktopOS are the OS names (uap-core families, WhichBrowser os.name) that
// label a row desktop: the Windows desktop releases, macOS, Chrome OS and
// the Linux distributions. Windows Phone/Mobile/CE, BSDs, Solaris and
// everything else are dropped.
var desktopOS = map[string]bool{
	"Windows": true, "Windows 2000": true, "Windows 3.1": true, "Windows 95": true,
	"Windows 98": true, "Windows ME": true, "Windows NT": true, "Windows XP": true,
	"Windows Vista": true, "Windows 7": true, "Windows 8": true, "Windows 8.1": true,
	"Windows 10": true, "Windows RT": true, "Windows RT 8.1": true,
	"Mac OS X": true, "Mac OS": true, "OS X": true, "Chrome OS": true,
	"Linux": true, "Ubuntu": true, "Debian": true, "Fedora": true, "Gentoo": true,
	"Mandriva": true, "Red Hat": true,
}

// osLabel maps an OS name (and, for WhichBrowser, its family) to a label,
// or "" to drop the row.
func osLabel(name, family string) string {
	switch {
	case name == "iOS":
		return "ios"
	case name == "Android" || family == "Android":
		return "android"
	case desktopOS[name]:
		return "desktop"
	}
	return ""
}

func main() {
	raw := flag.String("raw", "/tmp/uasrc/full", "directory holding the fetched files, named as in SOURCES.md")
	out := flag.String("out", "internal/useragent/testdata/corpus.tsv", "corpus to write")
	flag.Parse()
	if err := run(*raw, *out); err != nil {
		log.Fatal(err)
	}
}

func run(rawDir, out string) error {
	labels := map[string]map[string]bool{} // ua -> labels seen
	var order []string
	perSource := map[string]int{}
	for _, s := range sources {
		raw, err := os.ReadFile(filepath.Join(rawDir, s.name))
		if err != nil {
			return fmt.Errorf("read %s: %w", s.name, err)
		}
		rows, err := s.read(raw, s.prefix)
		if err != nil {
			return fmt.Errorf("parse %s: %w", s.name, err)
		}
		for _, r := range rows {
			if strings.ContainsAny(r.ua, "\t\r\n") || r.ua == "" {
				continue // rule: a UA must fit one TSV field
			}
			if r.label != "bot" && !browserShaped(r.ua) {
				continue // rule: non-bot labels need a browser-shaped UA
			}
			if labels[r.ua] == nil {
				labels[r.ua] = map[string]bool{}
				order = append(order, r.ua)
			}
			labels[r.ua][r.label] = true
			perSource[s.name]++
		}
	}
	var kept []row
	conflicts := 0
	for _, ua := range order {
		if len(labels[ua]) != 1 {
			conflicts++ // rule: sources that disagree on a UA drop it
			continue
		}
		for l := range labels[ua] {
			kept = append(kept, row{l, ua})
		}
	}
	// Sorted by label then UA, so a regenerated corpus diffs cleanly.
	sort.Slice(kept, func(i, j int) bool {
		if kept[i].label != kept[j].label {
			return kept[i].label < kept[j].label
		}
		return kept[i].ua < kept[j].ua
	})
	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("create %s: %w", out, err)
	}
	w := bufio.NewWriter(f)
	counts := map[string]int{}
	for _, r := range kept {
		fmt.Fprintf(w, "%s\t%s\n", r.label, r.ua)
		counts[r.label]++
	}
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	log.Printf("wrote %d rows %v; %d UAs dropped for conflicting labels; rows per source %v", len(kept), counts, conflicts, perSource)
	return nil
}

// browserShaped is the corpus scope rule for ios/android/desktop rows: the UA
// contains Mozilla/ or starts with Opera/, as every web browser's does.
func browserShaped(ua string) bool {
	return strings.Contains(ua, "Mozilla/") || strings.HasPrefix(ua, "Opera/")
}

// readUAPOS reads ua-parser/uap-core tests/test_os.yaml: the OS family labels.
func readUAPOS(raw []byte, _ bool) ([]row, error) {
	var doc struct {
		TestCases []struct {
			UA     string `yaml:"user_agent_string"`
			Family string `yaml:"family"`
		} `yaml:"test_cases"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	var rows []row
	for _, c := range doc.TestCases {
		if l := osLabel(c.Family, ""); l != "" {
			rows = append(rows, row{l, c.UA})
		}
	}
	return rows, nil
}

// readWhichBrowser reads a WhichBrowser/Parser-PHP tests/data/*.yaml file:
// result.os.name (or os.family) labels. Entries whose headers carry more
// than a User-Agent are dropped: their label may rest on the other headers.
// A fetched prefix is cut back to its last complete entry.
func readWhichBrowser(raw []byte, prefix bool) ([]row, error) {
	text := string(raw)
	if prefix {
		i := strings.LastIndex(text, "\n-\n")
		if i < 0 {
			return nil, errors.New("no complete entry in prefix")
		}
		text = text[:i+1]
	}
	var cases []struct {
		Headers yaml.Node `yaml:"headers"`
		Result  struct {
			OS struct {
				Name   string `yaml:"name"`
				Family string `yaml:"family"`
			} `yaml:"os"`
		} `yaml:"result"`
	}
	if err := yaml.Unmarshal([]byte(text), &cases); err != nil {
		return nil, err
	}
	var rows []row
	for _, c := range cases {
		ua, ok := whichBrowserUA(&c.Headers)
		if !ok {
			continue
		}
		if l := osLabel(c.Result.OS.Name, c.Result.OS.Family); l != "" {
			rows = append(rows, row{l, ua})
		}
	}
	return rows, nil
}

// whichBrowserUA returns the UA of a headers node that holds nothing else.
func whichBrowserUA(n *yaml.Node) (string, bool) {
	switch n.Kind {
	case yaml.ScalarNode:
		ua, ok := strings.CutPrefix(n.Value, "User-Agent: ")
		return ua, ok
	case yaml.MappingNode:
		if len(n.Content) == 2 && n.Content[0].Value == "User-Agent" {
			return n.Content[1].Value, true
		}
	}
	return "", false
}

// readCrawlerUserAgents reads monperrus/crawler-user-agents
// crawler-user-agents.json (or a fetched prefix of it, cut back to its last
// complete pattern object): every instance is a crawler.
func readCrawlerUserAgents(raw []byte, prefix bool) ([]row, error) {
	text := string(raw)
	if prefix {
		i := strings.LastIndex(text, "\n  }\n  ,")
		if i < 0 {
			return nil, errors.New("no complete pattern object in prefix")
		}
		text = text[:i+len("\n  }")] + "\n]"
	}
	var patterns []struct {
		Instances []string `json:"instances"`
	}
	if err := json.Unmarshal([]byte(text), &patterns); err != nil {
		return nil, err
	}
	var rows []row
	for _, p := range patterns {
		for _, ua := range p.Instances {
			rows = append(rows, row{"bot", ua})
		}
	}
	return rows, nil
}
