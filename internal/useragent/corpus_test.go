package useragent

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
)

// corpusRow is one line of testdata/corpus.tsv.
type corpusRow struct {
	label Platform
	ua    string
}

func readCorpus(t *testing.T) []corpusRow {
	t.Helper()
	f, err := os.Open("testdata/corpus.tsv")
	if err != nil {
		t.Fatalf("open corpus: %v", err)
	}
	defer f.Close()
	var rows []corpusRow
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		// The UA is taken verbatim: trailing spaces are part of some.
		label, ua, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			t.Fatalf("corpus.tsv:%d: no tab", n)
		}
		switch p := Platform(label); p {
		case IOS, Android, Desktop, Bot:
			rows = append(rows, corpusRow{p, ua})
		default:
			t.Fatalf("corpus.tsv:%d: label %q not one of ios|android|desktop|bot", n, label)
		}
		if seen[ua] {
			t.Fatalf("corpus.tsv:%d: duplicate UA %q", n, ua)
		}
		seen[ua] = true
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read corpus: %v", err)
	}
	return rows
}

// TestCorpus classifies every UA of the independently labelled corpus (see
// testdata/SOURCES.md) and requires the platforms to agree with the labels.
//
// An ios row classified Desktop with MaybeIPad counts as agreement: that is
// iPadOS Safari asking for the desktop site with a Mac UA, which only the
// page's script can tell from a Mac, and deeplinkd serves it the page that
// does so.
func TestCorpus(t *testing.T) {
	rows := readCorpus(t)
	counts := map[Platform]int{}
	for _, r := range rows {
		counts[r.label]++
	}
	// The corpus is only worth its thresholds if it is big and balanced.
	if len(rows) < 1000 || counts[IOS]+counts[Android] < 300 || counts[Bot] < 100 {
		t.Fatalf("corpus has %d rows, %d phones, %d bots; want >= 1000, >= 300, >= 100",
			len(rows), counts[IOS]+counts[Android], counts[Bot])
	}

	platforms := []Platform{IOS, Android, Desktop, Bot}
	confusion := map[Platform]map[Platform]int{}
	for _, p := range platforms {
		confusion[p] = map[Platform]int{}
	}
	c := New(Options{})
	var agree, phones, phonesAgree int
	var misses []string
	for _, r := range rows {
		v := c.Classify(r.ua)
		confusion[r.label][v.Platform]++
		ok := v.Platform == r.label || (r.label == IOS && v.Platform == Desktop && v.MaybeIPad)
		if ok {
			agree++
		} else {
			misses = append(misses, fmt.Sprintf("label %-7s got %-7s %q", r.label, v.Platform, r.ua))
		}
		if r.label == IOS || r.label == Android {
			phones++
			if ok {
				phonesAgree++
			}
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "confusion matrix (rows: label, columns: classified)\n%-8s", "")
	for _, p := range platforms {
		fmt.Fprintf(&b, "%8s", p)
	}
	for _, l := range platforms {
		fmt.Fprintf(&b, "\n%-8s", l)
		for _, p := range platforms {
			fmt.Fprintf(&b, "%8d", confusion[l][p])
		}
	}
	t.Log(b.String())
	for i, m := range misses {
		if i == 30 {
			t.Logf("... and %d more disagreements", len(misses)-30)
			break
		}
		t.Log(m)
	}

	overall := float64(agree) / float64(len(rows))
	phone := float64(phonesAgree) / float64(phones)
	t.Logf("agreement: %.2f%% overall (%d/%d), %.2f%% on phones (%d/%d)",
		100*overall, agree, len(rows), 100*phone, phonesAgree, phones)
	if overall < 0.97 {
		t.Errorf("overall agreement = %.2f%%; want >= 97%%", 100*overall)
	}
	if phone < 0.98 {
		t.Errorf("phone agreement = %.2f%%; want >= 98%%", 100*phone)
	}
}
