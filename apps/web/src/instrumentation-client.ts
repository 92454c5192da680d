// Runs in the browser before the app's own modules: the page CSP forbids eval, and zod 4 would
// otherwise try `new Function("")` when it builds the first object schema (to compile a faster
// parser), which the browser reports as a CSP violation. Interpreted parsing is plenty here.
import * as z from "zod";

z.config({ jitless: true });
