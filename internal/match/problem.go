package match

import "fmt"

// Problem is one broken rule of an instance or a schedule, explained in
// Indonesian and in English. Instance.Validate, Validate and
// ValidateMeetings return every problem at once, joined (errors.Join); each
// line of the joined error is one Problem.
type Problem struct{ ID, EN string }

// Error gives the Indonesian text, then the English.
func (p *Problem) Error() string { return p.ID + " / " + p.EN }

// bi is an argument written differently in each language.
type bi struct{ id, en string }

// problems collects Problems.
type problems []error

// add formats one problem: the same arguments go into both texts, a bi
// argument in its language.
func (ps *problems) add(id, en string, args ...any) {
	idArgs, enArgs := make([]any, len(args)), make([]any, len(args))
	for i, a := range args {
		if b, ok := a.(bi); ok {
			idArgs[i], enArgs[i] = b.id, b.en
		} else {
			idArgs[i], enArgs[i] = a, a
		}
	}
	*ps = append(*ps, &Problem{ID: fmt.Sprintf(id, idArgs...), EN: fmt.Sprintf(en, enArgs...)})
}
