package flow

import (
	"strings"
)

// Mermaid draws a flow as a Mermaid flowchart: questions as boxes, actions
// and sub-flows as subroutines, the summary as a hexagon, conditions on the
// arrows.
func Mermaid(def *Definition) string {
	var b strings.Builder
	b.WriteString("flowchart TD\n")
	if def == nil {
		return b.String()
	}
	b.WriteString("  start((start)) --> " + mid(def.Start) + "\n")
	ended := false
	for _, n := range def.Steps {
		if n.ID == "" {
			continue
		}
		b.WriteString("  " + mid(n.ID) + shape(n) + "\n")
	}
	for _, n := range def.Steps {
		if n.ID == "" || def.byID[n.ID] != n {
			continue
		}
		from := "  " + mid(n.ID)
		switch {
		case n.End != "":
			b.WriteString(from + " --> finish\n")
			ended = true
		case len(n.Branches) > 0:
			for _, br := range n.Branches {
				if br.If != "" {
					b.WriteString(from + ` -->|"` + esc(br.If) + `"| ` + mid(br.Goto) + "\n")
				} else {
					b.WriteString(from + " --> " + mid(br.Goto) + "\n")
				}
			}
		case n.Next != "":
			b.WriteString(from + " --> " + mid(n.Next) + "\n")
		case n.index+1 < len(def.Steps):
			b.WriteString(from + " --> " + mid(def.Steps[n.index+1].ID) + "\n")
		default:
			b.WriteString(from + " --> finish\n")
			ended = true
		}
	}
	if ended {
		b.WriteString("  finish((end))\n")
	}
	return b.String()
}

func mid(id string) string {
	var b strings.Builder
	b.WriteString("s_")
	for _, r := range id {
		if r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

func esc(s string) string {
	s = strings.ReplaceAll(s, `"`, "#quot;")
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

func shape(n *Node) string {
	label := n.ID
	switch {
	case n.Ask != "":
		label += ": " + n.Ask
		if n.Optional {
			label += " (optional)"
		}
		return `["` + esc(label) + `"]`
	case n.Do != "":
		return `[["` + esc(label+": do "+n.Do) + `"]]`
	case n.Call != "":
		return `[["` + esc(label+": call "+n.Call) + `"]]`
	case n.Summary:
		return `{{"` + esc(label+": summary") + `"}}`
	}
	if n.Say != nil {
		label += ": " + n.Say.ID
	}
	return `(["` + esc(label) + `"])`
}
