package web

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// Server-rendered SVG charts for the dashboards: no JavaScript, readable
// without colour (values are printed next to bars and points), and each
// chart has role="img" with a title for screen readers.

// barItem is one bar of a horizontal bar chart.
type barItem struct {
	Label string
	Value float64
}

// targetLine is a vertical reference line (a target) on a bar chart.
type targetLine struct {
	Value float64
	Label string
	Color string
}

const (
	chartFont  = `font-family="Liberation Sans, Arial, sans-serif" font-size="12"`
	colorBar   = "#2f6db5"
	colorBar2  = "#e0803a"
	colorGrid  = "#d0d7de"
	colorText  = "#1f2328"
	colorLight = "#57606a"
)

func esc(s string) string { return html.EscapeString(s) }

// truncate shortens a label to n runes.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// hbarChart draws labelled horizontal bars on a 0..max scale with optional
// target lines; unit is appended to printed values.
func hbarChart(title string, items []barItem, max float64, unit string, targets []targetLine) template.HTML {
	if max <= 0 {
		max = 1
		for _, it := range items {
			max = math.Max(max, it.Value)
		}
		max = niceMax(max)
	}
	const labelW, barW, rowH, top = 260.0, 420.0, 22.0, 34.0
	w := labelW + barW + 70
	h := top + rowH*float64(len(items)) + 24
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" %s>`, w, h, w, h, chartFont)
	fmt.Fprintf(&b, `<title>%s</title>`, esc(title))
	// Scale ticks.
	for i := 0; i <= 4; i++ {
		x := labelW + barW*float64(i)/4
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s"/>`, x, top-4, x, h-20, colorGrid)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="%s">%s</text>`, x, h-6, colorLight, esc(num(max*float64(i)/4)+unit))
	}
	for i, it := range items {
		y := top + rowH*float64(i)
		bw := barW * math.Min(it.Value, max) / max
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end" fill="%s">%s</text>`, labelW-6, y+14, colorText, esc(truncate(it.Label, 40)))
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %s</title></rect>`,
			labelW, y+3, math.Max(bw, 0), rowH-7, colorBar, esc(it.Label), esc(num(it.Value)+unit))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="%s">%s</text>`, labelW+bw+4, y+14, colorText, esc(num(it.Value)+unit))
	}
	for i, t := range targets {
		if t.Value > max {
			continue
		}
		x := labelW + barW*t.Value/max
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2" stroke-dasharray="5 3"/>`, x, top-6, x, h-20, t.Color)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="%s">%s</text>`, x, 12+float64(i%2)*13, t.Color, esc(t.Label))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// lineSeries is one series of a line chart.
type lineSeries struct {
	Name   string
	Color  string
	Values []float64
}

// lineChart draws series over labelled x positions on a 0..max scale.
func lineChart(title string, labels []string, max float64, unit string, series []lineSeries) template.HTML {
	const left, right, top, bottom, w, h = 50.0, 20.0, 30.0, 40.0, 720.0, 300.0
	pw, ph := w-left-right, h-top-bottom
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" %s>`, w, h, w, h, chartFont)
	fmt.Fprintf(&b, `<title>%s</title>`, esc(title))
	for i := 0; i <= 4; i++ {
		y := top + ph - ph*float64(i)/4
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s"/>`, left, y, w-right, y, colorGrid)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end" fill="%s">%s</text>`, left-4, y+4, colorLight, esc(num(max*float64(i)/4)+unit))
	}
	n := len(labels)
	xOf := func(i int) float64 {
		if n <= 1 {
			return left + pw/2
		}
		return left + pw*float64(i)/float64(n-1)
	}
	step := 1
	if n > 12 {
		step = (n + 11) / 12
	}
	for i, l := range labels {
		if i%step == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="%s">%s</text>`, xOf(i), h-bottom+16, colorLight, esc(l))
		}
	}
	for si, s := range series {
		var pts []string
		for i, v := range s.Values {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", xOf(i), top+ph-ph*math.Min(v, max)/max))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2.5" points="%s"/>`, s.Color, strings.Join(pts, " "))
		for i, v := range s.Values {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"><title>%s %s: %s</title></circle>`,
				xOf(i), top+ph-ph*math.Min(v, max)/max, s.Color, esc(s.Name), esc(labels[i]), esc(num(v)+unit))
		}
		fmt.Fprintf(&b, `<rect x="%.1f" y="8" width="12" height="12" fill="%s"/><text x="%.1f" y="18" fill="%s">%s</text>`,
			left+float64(si)*220, s.Color, left+float64(si)*220+16, colorText, esc(s.Name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// num prints a number the Vietnamese way: decimal comma, at most two
// decimals.
func num(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return strings.Replace(s, ".", ",", 1)
}

// niceMax rounds v up to four ticks of 1, 2, 2.5 or 5 × 10^k.
func niceMax(v float64) float64 {
	step := v / 4
	p := math.Pow(10, math.Floor(math.Log10(step)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= step {
			return 4 * m * p
		}
	}
	return 4 * 10 * p
}
