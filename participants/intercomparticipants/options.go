package intercomparticipants

import (
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/driver"
)

// adminOption is the Value of WithAdmin's VendorOption.
type adminOption string

// WithAdmin makes the Intercom admin with this ID the one who adds or
// removes the participant (admin_id of attach and detach), for this call
// only, over Options.AdminID and Options.ActingContact (Add, Remove).
// Given to a Client over another provider, the call is Unimplemented
// before any request.
func WithAdmin(adminID string) participants.Option {
	return func(o *driver.CallOptions) {
		o.Vendor = append(o.Vendor, driver.VendorOption{
			Provider: intercomName, Name: "WithAdmin",
			Ops: []driver.Operation{driver.OpAdd, driver.OpRemove}, Value: adminOption(adminID),
		})
	}
}

// callAdmin returns the admin of the call's last WithAdmin, "" without one.
func callAdmin(o *driver.CallOptions) string {
	admin := ""
	for _, v := range o.Vendor {
		if a, ok := v.Value.(adminOption); ok {
			admin = string(a)
		}
	}
	return admin
}
