// Fidelity check: Mollie's official Node client (@mollie/api-client, pinned
// in package-lock.json) talks to an API and every answer must parse, every
// field the client exposes must be there and well formed, and nothing may
// throw that Mollie would not throw. Run against molliefake by
// fidelity_test.go (go test), or against Mollie's real test mode before
// going live:
//
//   cd checkout/mollie/fidelity && npm ci
//   MOLLIE_API_KEY=test_... node fidelity.js
//
// Environment:
//   MOLLIE_API_KEY       the key (a test_ key; never a live_ one)
//   MOLLIE_API_ENDPOINT  API root, e.g. https://127.0.0.1:PORT/v2/ (unset:
//                        Mollie itself). With it set the script marks the
//                        payment paid by posting the fake's checkout page;
//                        without it, it prints Mollie's test checkout URL
//                        and waits (up to 15 minutes) until you choose
//                        "Paid" there.
//   NODE_EXTRA_CA_CERTS  a PEM file to trust (the fake's self-signed cert);
//                        used only with MOLLIE_API_ENDPOINT
//
// It prints one line per check and "fidelity: ok ..." at the end; the exit
// status is 1 when a check failed or the client threw unexpectedly.
'use strict';

const fs = require('fs');
const https = require('https');
const { createMollieClient, MollieApiError: ApiError } = require('@mollie/api-client');

const apiKey = process.env.MOLLIE_API_KEY || '';
const apiEndpoint = process.env.MOLLIE_API_ENDPOINT || undefined;
if (!/^test_\w{20,}$/.test(apiKey)) {
  console.error('fidelity: set MOLLIE_API_KEY to a test_ key (never a live_ key)');
  process.exit(2);
}
// The client pins its own bundle of root certificates: it builds its
// https.Agent with ca set to that bundle, so Node's NODE_EXTRA_CA_CERTS does
// not reach it, and its caCertificates option is overwritten. For a test
// endpoint (the fake's self-signed certificate) the agents it makes get
// that certificate added to the bundle; nothing else about the client
// changes. Against Mollie itself nothing is patched.
const extraCA = process.env.NODE_EXTRA_CA_CERTS;
if (apiEndpoint && extraCA) {
  const pem = fs.readFileSync(extraCA, 'utf8');
  const Agent = https.Agent;
  https.Agent = function AgentWithTestCA(opts) {
    const o = { ...(opts || {}) };
    if (o.ca) o.ca = [].concat(o.ca, pem);
    return new Agent(o);
  };
}
function client(key) {
  return createMollieClient(apiEndpoint ? { apiKey: key, apiEndpoint } : { apiKey: key });
}
const mollie = client(apiKey);

let failures = 0;
let checks = 0;
function check(ok, what) {
  checks++;
  if (!ok) {
    failures++;
    console.log('FAIL ' + what);
  } else {
    console.log('ok   ' + what);
  }
}

const isoRe = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/;
const iso = (v) => typeof v === 'string' && isoRe.test(v) && !isNaN(Date.parse(v));
const amountOK = (a) => a != null && /^[A-Z]{3}$/.test(a.currency) && /^\d+\.\d{2}$/.test(a.value);
const link = (l) => l != null && typeof l.href === 'string' && /^https?:\/\//.test(l.href) && typeof l.type === 'string';
const paymentStatuses = ['open', 'pending', 'authorized', 'paid', 'canceled', 'expired', 'failed'];
const refundStatuses = ['queued', 'pending', 'processing', 'refunded', 'failed', 'canceled'];

// checkPayment checks every field the client's Payment type exposes that
// Mollie sends for a payment in this status (https://docs.mollie.com/reference/get-payment).
function checkPayment(p, what) {
  check(p.resource === 'payment', what + ': resource is "payment"');
  check(/^tr_[A-Za-z0-9]+$/.test(p.id), what + ': id ' + p.id);
  check(p.mode === 'test', what + ': mode is "test"');
  check(iso(p.createdAt), what + ': createdAt ' + p.createdAt);
  check(amountOK(p.amount), what + ': amount ' + JSON.stringify(p.amount));
  check(typeof p.description === 'string' && p.description.length > 0, what + ': description');
  check(p.method === null || typeof p.method === 'string', what + ': method null or a string');
  check('metadata' in p, what + ': metadata present');
  check(paymentStatuses.includes(p.status), what + ': status ' + p.status);
  check(typeof p.isCancelable === 'boolean', what + ': isCancelable is a boolean');
  check(typeof p.profileId === 'string' && /^pfl_/.test(p.profileId), what + ': profileId');
  check(p.sequenceType === 'oneoff', what + ': sequenceType oneoff');
  check(typeof p.redirectUrl === 'string', what + ': redirectUrl');
  check('details' in p && (p.details === null || typeof p.details === 'object'), what + ': details null or an object');
  check(p.links != null && link(p.links.self) && link(p.links.dashboard) && p.getDashboardUrl() === p.links.dashboard.href, what + ': links.self, links.dashboard and getDashboardUrl()');
  if (p.status === 'open') {
    check(iso(p.expiresAt), what + ': expiresAt while open');
    check(link(p.links.checkout) && p.getCheckoutUrl() === p.links.checkout.href, what + ': checkout link and getCheckoutUrl()');
  }
  if (p.status === 'paid') {
    check(iso(p.paidAt), what + ': paidAt');
    check(amountOK(p.amountRefunded) && amountOK(p.amountRemaining) && p.canBeRefunded() === true, what + ': amountRefunded, amountRemaining, canBeRefunded()');
    check(typeof p.method === 'string', what + ': method once paid');
  }
  if (p.status === 'canceled') {
    check(iso(p.canceledAt) && p.getCheckoutUrl() === null, what + ': canceledAt, no checkout URL');
  }
}

// checkRefund: https://docs.mollie.com/reference/get-refund
function checkRefund(r, paymentId, what) {
  check(r.resource === 'refund', what + ': resource is "refund"');
  check(/^re_[A-Za-z0-9]+$/.test(r.id), what + ': id ' + r.id);
  check(r.mode === 'test', what + ': mode is "test"');
  check(amountOK(r.amount), what + ': amount');
  check(refundStatuses.includes(r.status), what + ': status ' + r.status);
  check(r.paymentId === paymentId, what + ': paymentId');
  check(iso(r.createdAt), what + ': createdAt');
  check(typeof r.description === 'string', what + ': description');
  check('metadata' in r, what + ': metadata present');
  check(r.links != null && link(r.links.self) && link(r.links.payment), what + ': links.self and links.payment');
}

// expectError runs fn and checks that the client throws an ApiError with
// this HTTP status.
async function expectError(status, what, fn) {
  try {
    await fn();
    check(false, what + ': expected an error ' + status + ', got none');
  } catch (e) {
    check(e instanceof ApiError && e.statusCode === status, what + ': ApiError ' + status + ' (got ' + (e && e.statusCode) + ' ' + (e && e.message) + ')');
  }
}

const base = {
  amount: { currency: 'EUR', value: '10.00' },
  description: 'storefront fidelity check',
  redirectUrl: 'https://example.org/fidelity/return',
  metadata: { order_id: 'fidelity' },
};

// payAtCheckout marks a payment paid: on the fake by posting its test
// checkout page; on Mollie by a person choosing "Paid" there.
async function payAtCheckout(p) {
  const url = p.getCheckoutUrl();
  if (apiEndpoint) {
    const status = await new Promise((resolve, reject) => {
      const req = https.request(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.end('status=paid');
    });
    check(status === 303, 'checkout page: "paid" answered 303 (got ' + status + ')');
  } else {
    console.log('Open ' + url + ' and choose "Paid"; waiting up to 15 minutes ...');
  }
  for (let i = 0; i < 180; i++) {
    const cur = await mollie.payments.get(p.id);
    if (cur.status !== 'open') return cur;
    await new Promise((r) => setTimeout(r, apiEndpoint ? 50 : 5000));
  }
  throw new Error('payment ' + p.id + ' was not paid at the checkout');
}

async function main() {
  // Create and get.
  const a = await mollie.payments.create(base);
  checkPayment(a, 'create');
  const got = await mollie.payments.get(a.id);
  check(got.id === a.id && got.amount.value === '10.00' && got.metadata && got.metadata.order_id === 'fidelity', 'get: same payment, amount and metadata');
  checkPayment(got, 'get');

  // Idempotent replay: the same key gives the same payment.
  const key = 'fidelity-' + Date.now() + '-' + Math.random().toString(36).slice(2);
  const k1 = await mollie.payments.create({ ...base, idempotencyKey: key });
  const k2 = await mollie.payments.create({ ...base, idempotencyKey: key });
  check(k1.id === k2.id, 'idempotent replay: same key, same payment (' + k1.id + ', ' + k2.id + ')');

  // List with pagination, newest first, previous and next (at least three
  // payments exist by now).
  await mollie.payments.create(base);
  const page1 = await mollie.payments.page({ limit: 2 });
  check(Array.isArray(page1) && page1.length === 2, 'list: a page of 2');
  page1.forEach((p, i) => checkPayment(p, 'list[' + i + ']'));
  check(typeof page1.nextPageCursor === 'string' && typeof page1.nextPage === 'function', 'list: next page cursor');
  check(page1.previousPageCursor === undefined, 'list: no previous page on the first');
  const page2 = await page1.nextPage();
  check(page2.length >= 1 && !page2.some((p) => page1.some((q) => q.id === p.id)), 'list: the next page holds other payments');
  check(typeof page2.previousPageCursor === 'string' && typeof page2.previousPage === 'function', 'list: previous page cursor on the second');
  const back = await page2.previousPage();
  check(back.length >= 1 && back[0].id === page1[0].id, 'list: previous page starts where the first did');

  // Cancel: allowed while isCancelable, refused with 422 otherwise.
  let seenCancelable = false;
  let seenNotCancelable = false;
  const ideal = await mollie.payments.create({ ...base, method: 'ideal' });
  checkPayment(ideal, 'create (iDEAL)');
  for (const p of [a, ideal]) {
    const cur = await mollie.payments.get(p.id);
    if (cur.isCancelable) {
      seenCancelable = true;
      const c = await mollie.payments.cancel(p.id);
      checkPayment(c, 'cancel');
      check(c.status === 'canceled', 'cancel: status canceled');
    } else {
      seenNotCancelable = true;
      await expectError(422, 'cancel of a payment that is not cancelable', () => mollie.payments.cancel(p.id));
    }
  }
  console.log('cancelable: ' + (seenCancelable ? 'yes' : 'no') + ', not cancelable: ' + (seenNotCancelable ? 'yes' : 'no'));

  // Mark paid at the checkout page, then refunds.
  const c = await mollie.payments.create({ ...base, amount: { currency: 'EUR', value: '20.00' } });
  const paid = await payAtCheckout(c);
  check(paid.status === 'paid', 'paid at the checkout: status ' + paid.status);
  checkPayment(paid, 'paid');
  const r = await mollie.paymentRefunds.create({ paymentId: c.id, amount: { currency: 'EUR', value: '5.00' }, description: 'fidelity refund' });
  checkRefund(r, c.id, 'refund create');
  const rg = await mollie.paymentRefunds.get(r.id, { paymentId: c.id });
  checkRefund(rg, c.id, 'refund get');
  check(rg.id === r.id && rg.amount.value === '5.00', 'refund get: same refund');
  const rl = await mollie.paymentRefunds.page({ paymentId: c.id });
  check(rl.some((x) => x.id === r.id), 'refund list: holds the refund');
  rl.forEach((x, i) => checkRefund(x, c.id, 'refund list[' + i + ']'));
  const rc = await mollie.paymentRefunds.get(r.id, { paymentId: c.id });
  if (rc.status === 'queued' || rc.status === 'pending') {
    const ok = await mollie.paymentRefunds.cancel(r.id, { paymentId: c.id });
    check(ok === true, 'refund cancel: true (204)');
    const after = await mollie.paymentRefunds.get(r.id, { paymentId: c.id });
    check(after.status === 'canceled', 'refund cancel: status canceled (got ' + after.status + ')');
    console.log('refund canceled: yes');
  } else {
    await expectError(422, 'cancel of a ' + rc.status + ' refund', () => mollie.paymentRefunds.cancel(r.id, { paymentId: c.id }));
  }

  // Errors.
  const stranger = client('test_' + 'x'.repeat(30));
  await expectError(401, 'wrong key', () => stranger.payments.get(a.id));
  await expectError(404, 'unknown payment', () => mollie.payments.get('tr_fidelity404x'));
  await expectError(422, 'malformed amount', () => mollie.payments.create({ ...base, amount: { currency: 'EUR', value: '10' } }));
}

main().then(
  () => {
    console.log((failures ? 'fidelity: FAILED ' + failures + ' of ' : 'fidelity: ok ') + checks + ' checks');
    process.exit(failures ? 1 : 0);
  },
  (e) => {
    console.log('fidelity: the official client threw unexpectedly: ' + (e && e.stack ? e.stack : e));
    process.exit(1);
  },
);
