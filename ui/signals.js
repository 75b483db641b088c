// How one part of the page tells the others that something changed, so that screens need not
// know each other: the part that changed it calls `announce(kind, detail)`, every screen that
// shows it has said `listen(kind, fn)` in its init. Listeners run at once, in the order they
// were added. A kind nobody sends, or nobody listens to, has no place here.

/** What can change: who announces it, and what `detail` carries. */
const KINDS = [
  'user', //           users.js: another person now sits at this workstation.
  'language', //       settings.js: the screens' language; detail is the language the core answered with.
  'cold-days', //      settings.js: days without contact after which a customer is cold; detail is the days.
  'fields', //         custom-fields.js: the office's customer fields were (re)loaded; detail is the fields.
  'process', //        process.js: the office's stages, reasons and lead sources were (re)loaded.
  'fleet-settings', // fleet-common.js: the office's brands, categories and renewal rules were saved.
  'fleet', //          screens/fleet.js: a fleet line was saved or removed; detail is { customerId }.
  'people', //         screens/people.js: a person of the open customer was saved; detail is { customerId, people }.
];

const listeners = new Map();

function check(kind) {
  if (!KINDS.includes(kind)) throw new Error(`unknown change kind: ${kind}`);
}

/** Calls `fn(detail)` each time `kind` is announced. */
export function listen(kind, fn) {
  check(kind);
  if (!listeners.has(kind)) listeners.set(kind, []);
  listeners.get(kind).push(fn);
}

/** Tells every listener of `kind` that it changed. */
export function announce(kind, detail) {
  check(kind);
  for (const fn of listeners.get(kind) ?? []) {
    // One listener failing does not keep the others from hearing it.
    try {
      fn(detail);
    } catch (err) {
      reportError(err);
    }
  }
}
