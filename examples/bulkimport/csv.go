package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/conversekit/conversekit/participants"
)

// col is a CSV column: its name in the header, and how it sets and reads
// its field of a participants.Participant.
type col struct {
	name string
	set  func(p *participants.Participant, v string)
	get  func(p *participants.Participant) string
}

// columns are the CSV columns bulkimport knows, each with how it sets and
// reads its field of a participants.Participant.
var columns = []col{
	{"external_id", func(p *participants.Participant, v string) { p.ExternalID = v }, func(p *participants.Participant) string { return p.ExternalID }},
	{"email", func(p *participants.Participant, v string) { p.Email = v }, func(p *participants.Participant) string { return p.Email }},
	{"phone", func(p *participants.Participant, v string) { p.Phone = v }, func(p *participants.Participant) string { return p.Phone }},
	{"channel", func(p *participants.Participant, v string) { p.Channel = participants.Channel(v) }, func(p *participants.Participant) string { return string(p.Channel) }},
	{"identifier_key", func(p *participants.Participant, v string) { p.Identifier.Key = v }, func(p *participants.Participant) string { return p.Identifier.Key }},
	{"identifier_value", func(p *participants.Participant, v string) { p.Identifier.Value = v }, func(p *participants.Participant) string { return p.Identifier.Value }},
	{"kind", func(p *participants.Participant, v string) { p.Kind = participants.Kind(v) }, func(p *participants.Participant) string { return string(p.Kind) }},
	{"id", func(p *participants.Participant, v string) { p.ID = v }, func(p *participants.Participant) string { return p.ID }},
	{"status", func(p *participants.Participant, v string) { p.Status = participants.Status(v) }, func(p *participants.Participant) string { return string(p.Status) }},
	// use names the identity to send when a row sets several (ID,
	// ExternalID, Email, Phone or Identifier): Participant.Use.
	{"use", func(p *participants.Participant, v string) { p.Use = participants.IdentityField(v) }, func(p *participants.Participant) string { return string(p.Use) }},
}

// identityColumns are the columns that name a person; a header needs one.
var identityColumns = []string{"external_id", "email", "phone", "identifier_value", "id"}

// column returns the index in columns of name, or -1.
func column(name string) int {
	return slices.IndexFunc(columns, func(c col) bool { return c.name == name })
}

// reader reads participants from a CSV file with a header row.
type reader struct {
	csv *csv.Reader
	// columns[i] is the index in the package's columns of the input's
	// column i.
	columns []int
	// onBadRow is told of each row that is not a participant (wrong
	// number of cells, a stray quote), with its line and cells.
	onBadRow func(line int, fields []string, err error)
	// rows counts the rows read, bad ones included.
	rows int
	// err is the error that ended the reading early (not a bad row).
	err error

	mu    sync.Mutex
	lines map[int]int // the input line of each participant in flight, by index
}

// newReader reads the header of r and checks its columns.
func newReader(r io.Reader) (*reader, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = false
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("empty file: the first row must name the columns (" + columnNames() + ")")
	}
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	rd := &reader{csv: cr, lines: map[int]int{}}
	seen := map[string]bool{}
	identity := false
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		c := column(name)
		switch {
		case c < 0:
			return nil, fmt.Errorf("header: column %d is %q, not one of %s", i+1, h, columnNames())
		case seen[name]:
			return nil, fmt.Errorf("header: column %q appears twice", name)
		}
		seen[name] = true
		identity = identity || slices.Contains(identityColumns, name)
		rd.columns = append(rd.columns, c)
	}
	if !identity {
		return nil, fmt.Errorf("header: no identity column: name at least one of %s", strings.Join(identityColumns, ", "))
	}
	cr.FieldsPerRecord = len(header)
	return rd, nil
}

func columnNames() string {
	var names []string
	for _, c := range columns {
		names = append(names, c.name)
	}
	return strings.Join(names, ", ")
}

// participants is the sequence of the rows' participants, for AddEach. A
// bad row goes to onBadRow instead. Each participant's input line is kept
// until line takes it, so the memory it needs is that of the rows in
// flight.
func (r *reader) participants() iter.Seq[participants.Participant] {
	return func(yield func(participants.Participant) bool) {
		for i := 0; ; {
			fields, err := r.csv.Read()
			if errors.Is(err, io.EOF) {
				return
			}
			line, _ := r.csv.FieldPos(0)
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				r.rows++
				if r.onBadRow != nil {
					r.onBadRow(pe.StartLine, fields, pe.Err)
				}
				continue
			}
			if err != nil {
				r.err = err
				return
			}
			r.rows++
			var p participants.Participant
			for j, v := range fields {
				columns[r.columns[j]].set(&p, v)
			}
			r.mu.Lock()
			r.lines[i] = line
			r.mu.Unlock()
			if !yield(p) {
				return
			}
			i++
		}
	}
}

// line returns the input line of the participant of index i of the
// sequence, and forgets it.
func (r *reader) line(i int) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	line := r.lines[i]
	delete(r.lines, i)
	return line
}

// countRows counts the records after the header of r, for the progress
// bar.
func countRows(r io.Reader) (int64, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	var n int64
	for {
		_, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return max(n-1, 0), nil
		}
		var pe *csv.ParseError
		if err != nil && !errors.As(err, &pe) {
			return 0, err
		}
		n++
	}
}

// failureWriter writes failures.csv: the input line, the input's columns
// as the participant was read, the code and the message. It is safe for
// concurrent use.
type failureWriter struct {
	mu      sync.Mutex
	w       *csv.Writer
	columns []int
	n       int
}

func newFailureWriter(w io.Writer, cols []int) (*failureWriter, error) {
	fw := &failureWriter{w: csv.NewWriter(w), columns: cols}
	header := []string{"line"}
	for _, c := range cols {
		header = append(header, columns[c].name)
	}
	header = append(header, "code", "message")
	if err := fw.w.Write(header); err != nil {
		return nil, err
	}
	return fw, nil
}

// failed writes the row of a participant that AddEach could not add.
func (fw *failureWriter) failed(line int, p participants.Participant, err error) {
	row := []string{strconv.Itoa(line)}
	for _, c := range fw.columns {
		row = append(row, columns[c].get(&p))
	}
	fw.write(append(row, participants.Code(err).String(), err.Error()))
}

// badRow writes a row that could not be read as a participant, with the
// cells as they were (as many as the header has columns).
func (fw *failureWriter) badRow(line int, fields []string, err error) {
	row := []string{strconv.Itoa(line)}
	for i := range fw.columns {
		v := ""
		if i < len(fields) {
			v = fields[i]
		}
		row = append(row, v)
	}
	msg := fmt.Sprintf("bulkimport: row of %d cells, not a participant: %v", len(fields), err)
	fw.write(append(row, participants.InvalidArgument.String(), msg))
}

func (fw *failureWriter) write(row []string) {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	fw.n++
	_ = fw.w.Write(row) // an error stays in the csv.Writer: close returns it
}

// count is how many failures were written.
func (fw *failureWriter) count() int {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	return fw.n
}

// close flushes the file and returns the first write error.
func (fw *failureWriter) close() error {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	fw.w.Flush()
	return fw.w.Error()
}
