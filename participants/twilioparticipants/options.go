package twilioparticipants

import (
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/driver"
)

// roleOption is the Value of WithRole's VendorOption.
type roleOption string

// webhookOption is the Value of WithWebhooks' VendorOption.
type webhookOption bool

// WithRole assigns the Twilio conversation role RoleSid (RL...) to the
// participant added, for this call only, over Options.RoleSID (Add only;
// Update takes the role in participants.Update.Role). Given to a Client
// over another provider, the call is Unimplemented before any request.
func WithRole(roleSID string) participants.Option {
	return func(o *driver.CallOptions) {
		o.Vendor = append(o.Vendor, driver.VendorOption{
			Provider: vendorName, Name: "WithRole", Ops: []driver.Operation{driver.OpAdd}, Value: roleOption(roleSID),
		})
	}
}

// WithWebhooks sends X-Twilio-Webhook-Enabled: true (enabled) or nothing
// (not enabled) with this call's write, over Options.WebhookEnabled, so
// that the add, update or remove fires the conversation's webhooks or not
// (Add, Update, Remove).
func WithWebhooks(enabled bool) participants.Option {
	return func(o *driver.CallOptions) {
		o.Vendor = append(o.Vendor, driver.VendorOption{
			Provider: vendorName, Name: "WithWebhooks",
			Ops: []driver.Operation{driver.OpAdd, driver.OpUpdate, driver.OpRemove}, Value: webhookOption(enabled),
		})
	}
}

// callRole returns the role of the call's last WithRole, else def.
func callRole(o *driver.CallOptions, def string) string {
	for _, v := range o.Vendor {
		if r, ok := v.Value.(roleOption); ok {
			def = string(r)
		}
	}
	return def
}

// callWebhooks returns the call's last WithWebhooks, else def.
func callWebhooks(o *driver.CallOptions, def bool) bool {
	for _, v := range o.Vendor {
		if w, ok := v.Value.(webhookOption); ok {
			def = bool(w)
		}
	}
	return def
}

// vendorName is the provider's Name.
const vendorName = "twilio"
