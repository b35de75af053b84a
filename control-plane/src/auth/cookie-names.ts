// Names shared by the control plane's handlers and the ForwardAuth decision.

/** Control-plane session; host-only on the control-plane host, never sent to tenants. */
export const SESSION_COOKIE = 'berth_session';
/** Tenant session; host-only on one tenant host. */
export const TENANT_COOKIE = 'berth_t';
/** Double-submit CSRF token for forms shown before there is a session (log in, sign up). */
export const PRE_SESSION_CSRF_COOKIE = 'berth_csrf';
