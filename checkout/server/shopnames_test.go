package server

import "github.com/storefront/storefront/checkout/server/shop"

const codeTriesBurst = shop.CodeTriesBurst
