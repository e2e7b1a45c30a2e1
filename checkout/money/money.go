// Package money holds amounts as integer minor units and the one place where
// they are turned into (and read from) Mollie's decimal string form.
package money

// Amount is an amount of money in minor units (cents for EUR).
type Amount int64
