/** Exit codes: 0 usable / done, 1 not usable / failed, 2 usage, 130 cancelled. */
export const EXIT = { ok: 0, failed: 1, usage: 2, cancelled: 130 } as const;
