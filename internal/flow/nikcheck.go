package flow

import (
	"slices"
	"text/template/parse"
)

// NIK is personal data (UU 27/2022): what the bot says must not repeat a
// contact's full NIK, because chats are read over shoulders, forwarded and
// kept on phones. The summary masks it (display); the checker refuses a
// text template that prints an answer saved by a `nik` step without
// `masknik`. Action args are exempt: they go to Go code, not to the contact.

// nikNames lists the answer names that `ask: nik` steps save, in every flow
// of the set (sub-flows share the answers).
func (s *Set) nikNames() map[string]bool {
	out := map[string]bool{}
	for _, d := range s.order {
		for _, n := range d.Steps {
			if n.Ask == AskNIK && n.Save != "" {
				out[n.Save] = true
			}
		}
	}
	return out
}

// unmaskedNIK returns the first NIK answer name the text's templates print
// without masknik, or "".
func unmaskedNIK(t *Text, names map[string]bool) string {
	if t == nil || len(names) == 0 {
		return ""
	}
	for _, tree := range []*parse.Tree{treeOf(t, "id"), treeOf(t, "en")} {
		if tree == nil {
			continue
		}
		if name := unmaskedIn(tree.Root, names); name != "" {
			return name
		}
	}
	return ""
}

func treeOf(t *Text, lang string) *parse.Tree {
	tpl := t.tid
	if lang == "en" {
		tpl = t.ten
	}
	if tpl == nil {
		return nil
	}
	return tpl.Tree
}

func unmaskedIn(n parse.Node, names map[string]bool) string {
	switch x := n.(type) {
	case *parse.ListNode:
		if x == nil {
			return ""
		}
		for _, c := range x.Nodes {
			if name := unmaskedIn(c, names); name != "" {
				return name
			}
		}
	case *parse.ActionNode:
		return unmaskedPipe(x.Pipe, names)
	case *parse.IfNode:
		return firstOf(unmaskedIn(x.List, names), unmaskedIn(x.ElseList, names))
	case *parse.RangeNode:
		return firstOf(unmaskedIn(x.List, names), unmaskedIn(x.ElseList, names))
	case *parse.WithNode:
		return firstOf(unmaskedIn(x.List, names), unmaskedIn(x.ElseList, names))
	}
	return ""
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// unmaskedPipe reports a NIK answer that a printed pipeline uses, unless
// masknik is part of it.
func unmaskedPipe(p *parse.PipeNode, names map[string]bool) string {
	if p == nil || len(p.Decl) > 0 {
		return ""
	}
	found := ""
	masked := false
	var walk func(args []parse.Node)
	walk = func(args []parse.Node) {
		for _, a := range args {
			switch x := a.(type) {
			case *parse.IdentifierNode:
				masked = masked || x.Ident == "masknik"
			case *parse.FieldNode:
				if name := nikField(x.Ident, names); name != "" && found == "" {
					found = name
				}
			case *parse.VariableNode:
				if len(x.Ident) > 0 && x.Ident[0] == "$" {
					if name := nikField(x.Ident[1:], names); name != "" && found == "" {
						found = name
					}
				}
			case *parse.ChainNode:
				if f, ok := x.Node.(*parse.FieldNode); ok {
					if name := nikField(slices.Concat(f.Ident, x.Field), names); name != "" && found == "" {
						found = name
					}
				}
			case *parse.PipeNode:
				for _, c := range x.Cmds {
					walk(c.Args)
				}
			}
		}
	}
	for _, c := range p.Cmds {
		walk(c.Args)
	}
	if masked {
		return ""
	}
	return found
}

// nikField returns the answer name of a field path answers.<name> when it
// is a NIK answer.
func nikField(ident []string, names map[string]bool) string {
	if len(ident) == 2 && ident[0] == "answers" && names[ident[1]] {
		return ident[1]
	}
	return ""
}
