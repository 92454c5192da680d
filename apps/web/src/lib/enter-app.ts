/**
 * Leaves the sign-in pages for `next` (a same-origin path, checked by safeNext) once a session
 * exists, replacing the sign-in page in the history.
 *
 * A full page load rather than the router: the signed-in page arrives as HTML with its content
 * (the task list) already in it, shown before any of its scripts have loaded, and the browser keeps
 * nothing from the signed-out pages. A client-side navigation would first fetch the page's scripts,
 * and needed a refresh on top to drop what the router had cached while signed out, which rendered
 * the page on the server a second time.
 */
export function enterApp(next: string): void {
  window.location.replace(next);
}
