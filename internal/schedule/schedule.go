// Package schedule assigns meetings to slots and tables at a matchmaking
// event. It is pure: no storage, no clock, no HTTP. The events domain turns
// registrations, requests and engine suggestions into a Problem; Solve
// returns the meetings it places and why each other candidate was left out.
//
// The objective is the sum of the weights of the placed candidates. The
// caller encodes its priorities in the weights (mutual requests far above
// one-sided accepted requests, far above suggestions ranked by score).
//
// Hard constraints: a participant is in at most one meeting at a time
// (slots that overlap in time count as the same time), never in a slot it
// marked unavailable nor in a slot overlapping one, and in at most
// MaxMeetings meetings; a slot holds at most Tables meetings; a meeting whose
// two sides both name their languages and share none takes one interpreter
// seat of its slot, for a language one of the two sides speaks
// (Place.Interpreter), and a slot never uses more seats of a language than
// Slot.Interpreters gives it; two participants of one institution never
// meet; a candidate with Slots is placed only in one of them. Pinned
// (Fixed) candidates are placed first, in index order, where they are
// pinned, and never moved; one that collides with an earlier pin or breaks
// a constraint is left out (ReasonFixedConflict, or ReasonMaxMeetings).
//
// Solve is deterministic: the same Problem gives the same Result. Check
// verifies a Result against every hard constraint, UpperBound bounds the
// best objective from above, Exhaustive finds it on small instances, and
// Greedy is the first-come baseline.
package schedule

// Slot is one time slot of a session. Start and End are minutes (or any
// monotone unit) used only to decide which slots overlap.
type Slot struct {
	Start, End int64
	// Tables is the number of meetings the slot can hold.
	Tables int
	// Interpreters is the number of interpreter seats per language tag: a
	// seat for "th" serves a meeting one of whose sides speaks th.
	Interpreters map[string]int
	// Session identifies the session the slot belongs to (informational).
	Session int
}

// Participant is one registered delegation.
type Participant struct {
	// Institution: two participants with the same non-empty institution
	// never meet.
	Institution string
	// Languages spoken by the delegation (language tags, compared exactly).
	// A delegation that names none is taken to need no interpreter.
	Languages []string
	// Unavailable lists indexes into Problem.Slots the delegation cannot attend.
	Unavailable []int
	// MaxMeetings caps the delegation's meetings; 0 means no cap.
	MaxMeetings int
}

// Candidate is a possible meeting between participants A and B (indexes into
// Problem.Participants).
type Candidate struct {
	A, B   int
	Weight float64
	// Slots, when non-empty, restricts the meeting to these slot indexes
	// (for example the slots of the sessions whose sector fits the pair).
	Slots []int
	// Fixed, when non-nil, pins the meeting to a slot and table (a meeting
	// already published or placed by hand). Fixed candidates are placed
	// before any other and are never moved by Solve; Slots does not apply
	// to them. A non-empty Fixed.Interpreter pins the interpreter language
	// too (it must be one a side speaks); empty lets Solve choose.
	Fixed *Place
}

// Place is a slot index and a table number (0-based) within the slot.
type Place struct {
	Slot, Table int
	// Interpreter is the language tag of the interpreter seat the meeting
	// uses, or "" when the two sides share a language.
	Interpreter string
}

// Problem is the input of Solve.
type Problem struct {
	Slots        []Slot
	Participants []Participant
	Candidates   []Candidate
}

// Reason says why a candidate was left out.
type Reason string

// Reasons a candidate is left out. ReasonInvalid covers bad input: a
// participant index out of range or twice the same, a weight that is
// negative, NaN or infinite, no valid index in Slots, a pin outside the
// slots or tables or with an interpreter neither side speaks.
const (
	ReasonSameInstitution Reason = "same_institution"
	ReasonNoCommonSlot    Reason = "no_common_free_slot"
	ReasonMaxMeetings     Reason = "max_meetings_reached"
	ReasonNoTable         Reason = "no_table_free"
	ReasonNoInterpreter   Reason = "no_interpreter_free"
	ReasonFixedConflict   Reason = "fixed_conflict"
	ReasonInvalid         Reason = "invalid"
)

// Assignment is a placed candidate.
type Assignment struct {
	Candidate int
	Place
}

// Unplaced is a candidate left out and why.
type Unplaced struct {
	Candidate int
	Reason    Reason
}

// Result is the output of Solve: Assignments sorted by candidate index,
// Unplaced sorted by candidate index, and the objective reached.
type Result struct {
	Assignments []Assignment
	Unplaced    []Unplaced
	Objective   float64
}
