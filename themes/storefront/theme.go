// Package storefront holds the theme's files that the checkout sidecar
// embeds as its defaults: the translations in i18n/*.toml, shared by the
// Hugo site and the sidecar's pages, e-mails and test payment page (see
// docs/theme.md). Hugo ignores this file; a shop that copies the theme may
// keep or delete it.
package storefront

import "embed"

// I18n is i18n/<lang>.toml as the theme ships it.
//
//go:embed i18n/*.toml
var I18n embed.FS
